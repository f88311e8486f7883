"""The message editor's counter line and the marking of characters that force UCS-2."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QSyntaxHighlighter, QTextCharFormat
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from console.protocol.segments import Encoding, count_segments, describe_character, ucs2_spans
from console.ui.status_colours import WARNING_COLOUR

_UCS2_BACKGROUND = QColor(255, 214, 102)

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

    def __init__(self, document) -> None:
        super().__init__(document)
        self._enabled = True
        self._format = QTextCharFormat()
        self._format.setBackground(_UCS2_BACKGROUND)
        self._format.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
        self._format.setUnderlineColor(QColor(WARNING_COLOUR))

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
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


class SegmentCounter(QWidget):
    """One line with characters, encoding and segments (or MMS), and a UCS-2 note under it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.summary = QLabel(objectName="counterSummary")
        self.ucs2_note = QLabel(objectName="ucs2Note", wordWrap=True)
        self.ucs2_note.setStyleSheet(f"color: {WARNING_COLOUR};")
        self.ucs2_note.setToolTip(_UCS2_EXPLAINED)
        self.ucs2_note.setTextFormat(Qt.TextFormat.PlainText)
        self.ucs2_note.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.summary)
        layout.addWidget(self.ucs2_note)
        self.update_for("", attachments=0, attachments_size="")

    def update_for(self, text: str, attachments: int, attachments_size: str) -> None:
        """Show the count for ``text``; with attachments the message is an MMS."""
        count = count_segments(text)
        characters = _plural(count.characters, "character")
        if attachments:
            self.summary.setText(
                f"MMS · {characters} · {_plural(attachments, 'attachment')}, {attachments_size}"
            )
            self.summary.setToolTip("With attachments the message goes out as one MMS.")
            self.ucs2_note.hide()
            return
        left = f" ({count.remaining_in_segment} left in this segment)" if count.segments else ""
        self.summary.setText(
            f"SMS · {characters} · {count.encoding.value} · "
            f"{_plural(count.segments, 'segment')}{left}"
        )
        self.summary.setToolTip(
            f"{count.encoding.value}: {count.per_segment} units per segment; "
            "the provider bills each segment as one SMS."
        )
        if count.encoding is Encoding.UCS2:
            named = ", ".join(describe_character(c) for c in count.ucs2_characters)
            self.ucs2_note.setText(f"Sent as UCS-2 because of: {named}")
            self.ucs2_note.show()
        else:
            self.ucs2_note.hide()
