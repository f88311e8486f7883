"""How a profile's environment looks: production warm and loud, test calm.

An operator must never wonder whether a message is about to reach real customers, so every
place that shows the profile in use shows this badge beside it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

from console.settings import Environment, Profile
from console.ui.palette import Badge, badge, badge_colour

_WORDS = {Environment.PRODUCTION: "PRODUCTION", Environment.TEST: "TEST"}
_MEANINGS = {
    Environment.PRODUCTION: "messages sent with it reach real customers",
    Environment.TEST: "a test account, not the one that serves customers",
}


def _environment(subject: Profile | Environment | str) -> Environment:
    return Environment(subject.environment if isinstance(subject, Profile) else subject)


def environment_colour(subject: Profile | Environment | str) -> QColor:
    """The colour that stands for the environment of ``subject`` (a profile or environment)."""
    return QColor(badge_colour(Badge(_environment(subject).value)))


def environment_word(subject: Profile | Environment | str) -> str:
    """``PRODUCTION`` or ``TEST``."""
    return _WORDS[_environment(subject)]


class EnvironmentBadge(QLabel):
    """A coloured label saying PRODUCTION or TEST, for toolbars, status bars and forms."""

    def __init__(
        self,
        subject: Profile | Environment | str = Environment.PRODUCTION,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self._environment = Environment.PRODUCTION
        if isinstance(subject, Profile):
            self.set_profile(subject)
        else:
            self.set_environment(subject)

    def set_profile(self, profile: Profile) -> None:
        """Show the environment of ``profile``, naming the profile in the tooltip."""
        self.set_environment(profile.environment)
        word = environment_word(profile)
        self.setToolTip(
            f"Profile {profile.name!r} is {word.lower()}: {_MEANINGS[self._environment]}."
        )

    def set_environment(self, environment: Environment | str) -> None:
        self._environment = Environment(environment)
        word = environment_word(self._environment)
        self.setText(word)
        badge(self, Badge(self._environment.value))
        self.setToolTip(f"{word.capitalize()}: {_MEANINGS[self._environment]}.")
        self.setAccessibleName(f"{word.lower()} environment")

    def environment(self) -> Environment:
        return self._environment

    def colour(self) -> QColor:
        return environment_colour(self._environment)
