"""A page of the settings dialog, and the settings its pages edit together."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from console.settings import Settings


@dataclass
class Draft:
    """The settings as the dialog's pages have edited them so far.

    Every page reads and replaces the same one; the dialog hands it out on OK or Apply.
    """

    settings: Settings


class SettingsPage(QWidget):
    """One tab of the settings dialog: it edits its part of ``draft.settings`` in place.

    After each edit by the user, valid or not, it emits ``changed``. The dialog then marks
    the tab of a page whose ``problems`` (field key -> message) are not empty, and keeps OK
    and Apply disabled until no page has any. A new page is a subclass in a module of its
    own, listed in the dialog's ``pages``.
    """

    TITLE: ClassVar[str]

    changed = Signal()

    def __init__(self, draft: Draft) -> None:
        super().__init__()
        self.draft = draft
        self.problems: dict[str, str] = {}

    def accepted(self) -> None:
        """OK or Apply was pressed with every page valid: keep what is not a setting (a
        password goes to the keychain, not the settings file)."""
