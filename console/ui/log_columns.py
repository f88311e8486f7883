"""The log's columns: what each shows of a row, in words, tooltips and status icons."""

from __future__ import annotations

import time
from datetime import datetime
from enum import IntEnum

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPen, QPixmap

from console.protocol.codes import message_state, result_code
from console.protocol.phone import display_number
from console.protocol.receipt_codes import receipt_reason
from console.store.models import Direction, LogKind, LogRow, LogState, MessageStatus
from console.ui.palette import Tone, colour


class Column(IntEnum):
    TIME = 0
    DIRECTION = 1
    NUMBER = 2
    STATUS = 3
    TEXT = 4
    SENDER = 5
    PRIORITY = 6
    TYPE = 7
    UPDATED = 8
    OPERATOR = 9


HEADERS = {
    Column.TIME: "Time",
    Column.DIRECTION: "In/Out",
    # Named by side, not by role: on a reply the customer sent and our number received.
    Column.NUMBER: "Customer",
    Column.STATUS: "Status",
    Column.TEXT: "Message",
    Column.SENDER: "Our number",
    Column.PRIORITY: "Priority",
    Column.TYPE: "Type",
    Column.UPDATED: "Last update",
    Column.OPERATOR: "Operator",
}

HEADER_TIPS = {
    Column.DIRECTION: (
        "Out: a message sent; In: a customer's reply, or receipts for a message not sent from here"
    ),
    Column.STATUS: "Where a message stands: the provider's answer, then its delivery",
    Column.TYPE: "SMS, or MMS when the message has attachments",
    Column.NUMBER: "The customer's number: who a message went to, or who a reply came from",
    Column.SENDER: (
        "Our number (or sender name) a message went from, or our shortcode a customer's "
        "reply came in to"
    ),
    Column.OPERATOR: (
        "Who sent a message (the operator's name in Settings or on the command line); "
        "replies and receipts have none"
    ),
}

# Shown unless the operator hides them; the others are a right click on the header away.
OPTIONAL = (Column.SENDER, Column.OPERATOR, Column.PRIORITY, Column.TYPE, Column.UPDATED)
HIDDEN_AT_FIRST = (Column.PRIORITY, Column.TYPE, Column.UPDATED)

LOG_STATE_LABELS = {
    LogState.PENDING: "Not sent yet",
    LogState.ACCEPTED: "Accepted, not delivered yet",
    LogState.DELIVERED: "Delivered",
    LogState.UNDELIVERED: "Not delivered",
    LogState.FAILED: "Refused",
    LogState.ATTENTION: "Needs attention",
}
"""Words for the state filter's choices."""

LOG_STATE_TIPS = {
    LogState.PENDING: "Messages not answered by the provider yet, or waiting to be tried again",
    LogState.ACCEPTED: "Accepted by the provider; no final delivery receipt yet",
    LogState.DELIVERED: "Delivered to the customer's phone",
    LogState.UNDELIVERED: "Expired, deleted, undeliverable or rejected after acceptance",
    LogState.FAILED: "Refused by the provider when sent",
    LogState.ATTENTION: (
        "Sent, but the provider's answer never came: whether it went out is unknown "
        "(retry with the same message_id)"
    ),
}

ORPHAN_TEXT = "Receipt for a message not sent from here"
ORPHAN_TIP = (
    "The provider reported on a message_id this console never sent: another program or "
    "installation sends with the same account, or the message was sent before this log began."
)

_STATUS_WORDS = {
    MessageStatus.QUEUED: "Waiting to send",
    MessageStatus.SENDING: "Sending",
    MessageStatus.RETRY_WAIT: "Will retry",
    MessageStatus.ACCEPTED: "Accepted",
    MessageStatus.FAILED: "Refused",
    MessageStatus.NEEDS_OPERATOR: "Needs attention",
}


def format_time(timestamp: float, now: float | None = None) -> str:
    """Short for today (``14:03:07``), longer for earlier days (``2 Dec 14:03``), with
    the year when it is not this one."""
    when = datetime.fromtimestamp(timestamp)
    today = datetime.fromtimestamp(time.time() if now is None else now)
    if when.date() == today.date():
        return when.strftime("%H:%M:%S")
    if when.year == today.year:
        return f"{when.day} {when:%b %H:%M}"
    return when.strftime("%Y-%m-%d %H:%M")


def _is_orphan(row: LogRow) -> bool:
    return row.kind is LogKind.ORPHAN_RECEIPT


def status_words(row: LogRow) -> str:
    """Acceptance and delivery in a few words: the delivery once there is news of it."""
    if _is_orphan(row) and row.state is not None:
        return message_state(row.state).name
    if row.status is None:
        return "Received"
    return delivery_words(row.status, row.state, row.receipt, row.result_code)


def delivery_words(
    status: MessageStatus, state: int | None, receipt: bool, code: int | None
) -> str:
    """An outgoing message's acceptance and delivery in a few words (see status_words)."""
    if state is not None and status is MessageStatus.ACCEPTED:
        return message_state(state).name
    if status is MessageStatus.ACCEPTED:
        return "Accepted, awaiting receipt" if receipt else "Accepted, no receipt asked"
    words = _STATUS_WORDS[status]
    if code is not None and status in (
        MessageStatus.FAILED,
        MessageStatus.RETRY_WAIT,
        MessageStatus.NEEDS_OPERATOR,
    ):
        words += f": {result_code(code).name}"
    return words


def _status_tip(row: LogRow) -> str:
    lines = [ORPHAN_TEXT if _is_orphan(row) else status_words(row)]
    if row.status_detail:
        lines.append(row.status_detail)
    if row.result_code is not None and row.status is not MessageStatus.ACCEPTED:
        code = result_code(row.result_code)
        lines.append(f"Result code {code.code}: {code.meaning} {code.action}")
    if row.state is not None:
        state = message_state(row.state)
        lines.append(f"Receipt: {state.name}: {state.meaning}")
        reason = receipt_reason(row.state_result_code)
        if reason is not None:
            lines.append(f"Result code {reason.code}: {reason.meaning}")
    return "\n".join(lines)


_dots: dict[str, QIcon] = {}


def _dot(tone: Tone) -> QIcon:
    """A filled circle in the theme's colour for ``tone``, with a white rim that keeps it
    visible on a selected row too; made once a colour."""
    fill = colour(tone)
    icon = _dots.get(fill)
    if icon is None:
        pixmap = QPixmap(12, 12)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(QColor("white"), 1.2))
        painter.setBrush(QColor(fill))
        painter.drawEllipse(1, 1, 10, 10)
        painter.end()
        icon = QIcon()
        # The same picture selected: a style must not tint it into the highlight.
        for mode in (QIcon.Mode.Normal, QIcon.Mode.Selected, QIcon.Mode.Active):
            icon.addPixmap(pixmap, mode)
        _dots[fill] = icon
    return icon


def status_icon(row: LogRow) -> QIcon | None:
    if row.status is None and not _is_orphan(row):
        return None
    accepted = row.status is MessageStatus.ACCEPTED or _is_orphan(row)
    return _dot(delivery_tone(row.status, row.state if accepted else None, row.receipt))


def delivery_tone(status: MessageStatus | None, state: int | None, receipt: bool) -> Tone:
    """The colour of where a message stands: delivered, failed, on its way or quiet."""
    if state is not None and status in (MessageStatus.ACCEPTED, None):
        found = message_state(state)
        if found.delivered:
            return Tone.OK
        return Tone.ERROR if found.final else Tone.WARNING
    match status:
        case MessageStatus.ACCEPTED:
            return Tone.WARNING if receipt else Tone.MUTED
        case MessageStatus.FAILED | MessageStatus.NEEDS_OPERATOR:
            return Tone.ERROR
        case MessageStatus.RETRY_WAIT | MessageStatus.SENDING:
            return Tone.WARNING
    return Tone.MUTED


def _text_start(row: LogRow) -> str:
    """The start of a row's text on one line; "…" says the text goes on (the detail panel
    shows it whole)."""
    return " ".join(row.preview.split()) + ("…" if row.preview_cut else "")


def display(row: LogRow, column: int) -> str:
    match column:
        case Column.TIME:
            return format_time(row.time)
        case Column.DIRECTION:
            return "Out" if row.direction is Direction.OUT else "In"
        case Column.NUMBER:
            # An orphan receipt carries no number: a dash says there is none to show.
            return "\u2014" if _is_orphan(row) else display_number(row.phone_number)
        case Column.STATUS:
            return status_words(row)
        case Column.TEXT:
            return ORPHAN_TEXT if _is_orphan(row) else _text_start(row)
        case Column.SENDER:
            return row.sender
        case Column.PRIORITY:
            if row.direction is Direction.IN:
                return ""
            return row.priority.value.replace("_", " ").capitalize() if row.priority else "Default"
        case Column.TYPE:
            if _is_orphan(row):
                return ""  # a receipt does not say what its message was
            return "MMS" if row.is_mms else "SMS"
        case Column.UPDATED:
            return format_time(row.updated_at)
        case Column.OPERATOR:
            return row.operator or ""
    return ""


def tooltip(row: LogRow, column: int) -> str | None:
    match column:
        case Column.STATUS:
            return _status_tip(row)
        case Column.TYPE if row.is_mms:
            return f"{row.attachments} attachment{'s' if row.attachments > 1 else ''}"
        case Column.OPERATOR if row.operator:
            return f"Sent by {row.operator}" + (f" on {row.host}" if row.host else "")
    if _is_orphan(row):
        return ORPHAN_TIP
    return _text_start(row) or None
