"""The message editor's counter line and the marking of characters that force UCS-2."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QSyntaxHighlighter, QTextCharFormat, QTextDocument
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from console.protocol.segments import (
    Encoding,
    count_segments,
    describe_character,
    gsm_replaceable,
    ucs2_spans,
)
from console.ui.named import named
from console.ui.palette import Tone, colour, scheme, theme_changed, tint

# A block's text keeps no-break spaces and line separators that the editor's
# toPlainText(), which is what gets sent, turns into a space and a newline.
_AS_SENT = str.maketrans({"\u00a0": " ", "\u2028": "\n"})

_UCS2_EXPLAINED = (
    "These characters are not in the GSM alphabet, so the whole message goes out as UCS-2: "
    "70 characters fit in one SMS instead of 160, and 67 instead of 153 per part of a "
    "longer one. Replace them with plain letters to send fewer parts."
)


class Ucs2Highlighter(QSyntaxHighlighter):
    """Marks, in the editor, each character that switches the text to UCS-2."""

    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)
        self._enabled = True
        self._format = QTextCharFormat()
        self._format.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
        self._colour()
        theme_changed().connect(self._recolour)

    def _colour(self) -> None:
        self._format.setBackground(QColor(scheme().ucs2_background))
        self._format.setForeground(QColor(scheme().text))
        self._format.setUnderlineColor(QColor(colour(Tone.WARNING)))

    def _recolour(self) -> None:
        self._colour()
        self.rehighlight()

    def set_enabled(self, enabled: bool) -> None:
        """An MMS is not split into segments, so its characters cost nothing extra."""
        if enabled != self._enabled:
            self._enabled = enabled
            self.rehighlight()

    def highlightBlock(self, text: str) -> None:
        if not self._enabled:
            return
        for start, length in ucs2_spans(text.translate(_AS_SENT)):
            self.setFormat(start, length, self._format)


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}" if count == 1 else f"{count:,} {word}s"


class SegmentCounter(QWidget):
    """One line with characters, encoding and segments (or MMS) against the profile's
    maximum, and a UCS-2 note under it that offers plain replacements.

    ``replaceRequested`` asks for the typographic characters to be made plain.
    """

    replaceRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.summary = named(QLabel(), "counterSummary", wordWrap=True)
        self.ucs2_note = named(QLabel(), "ucs2Note", wordWrap=True)
        tint(self.ucs2_note, Tone.WARNING)
        self.ucs2_note.setToolTip(_UCS2_EXPLAINED)
        self.ucs2_note.setTextFormat(Qt.TextFormat.PlainText)
        self.replace_button = named(QPushButton(), "useGsmCharacters")
        self.replace_button.clicked.connect(self.replaceRequested)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.summary)
        layout.addWidget(self.ucs2_note)
        # Under the note, not beside it: beside, the note wraps into a tall narrow column.
        layout.addWidget(self.replace_button, alignment=Qt.AlignmentFlag.AlignLeft)
        self.update_for("", attachments=0, attachments_size="")

    def update_for(
        self,
        text: str,
        attachments: int,
        attachments_size: str,
        max_segments: int | None = None,
        max_characters: int | None = None,
    ) -> None:
        """Show the count for ``text``; with attachments the message is an MMS."""
        count = count_segments(text)
        characters = _plural(count.characters, "character")
        if max_characters is not None:
            characters = f"{count.characters:,} of {max_characters:,} characters"
        self.ucs2_note.hide()
        self.replace_button.hide()
        if attachments:
            self.summary.setText(
                f"MMS · {characters} · {_plural(attachments, 'attachment')}, {attachments_size}"
            )
            self.summary.setToolTip("With attachments the message goes out as one MMS.")
            self._colour(count.characters, max_characters, None, None)
            return
        segments = _plural(count.segments, "segment")
        if max_segments is not None:
            segments = f"{count.segments} of {max_segments} segments"
        if max_segments is not None and count.segments > max_segments:
            left = f" ({count.segments - max_segments} too many: shorten the text)"
        elif count.segments:
            left = f" ({count.remaining_in_segment} left in this segment)"
        else:
            left = ""
        self.summary.setText(f"SMS · {characters} · {count.encoding.value} · {segments}{left}")
        limit = f" This profile allows {max_segments}." if max_segments is not None else ""
        self.summary.setToolTip(
            f"{count.encoding.value}: {count.per_segment} units per segment; "
            f"the provider bills each segment as one SMS.{limit}"
        )
        self._colour(count.characters, max_characters, count.segments, max_segments)
        if count.encoding is Encoding.UCS2:
            named = ", ".join(describe_character(c) for c in count.ucs2_characters)
            self.ucs2_note.setText(f"Sent as UCS-2 because of: {named}")
            self.ucs2_note.show()
            plain = gsm_replaceable(text)
            if plain:
                shown = " ".join(plain[:4]) + (" …" if len(plain) > 4 else "")
                self.replace_button.setText(f"Use plain characters for {shown}")
                self.replace_button.setToolTip(
                    "Replace typographic dashes, quotes and spaces with plain ones (Ctrl+Z undoes)"
                )
                self.replace_button.show()

    def _colour(
        self,
        characters: int,
        max_characters: int | None,
        segments: int | None,
        max_segments: int | None,
    ) -> None:
        # Amber in the last segment (or last tenth of the characters) allowed, red past it.
        over = near = False
        if max_characters is not None:
            over = characters > max_characters
            near = characters >= max_characters * 0.9
        if segments is not None and max_segments is not None:
            over = over or segments > max_segments
            near = near or (max_segments > 1 and segments >= max_segments)
        tint(self.summary, Tone.ERROR if over else Tone.WARNING if near else None)
