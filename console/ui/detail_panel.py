"""The detail panel: one message's whole story — attempts, receipts, replies."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from html import escape

from PySide6.QtCore import QUrl
from PySide6.QtWidgets import QTextBrowser

from console.attachments import format_size
from console.next_step import Summary, summarise, summarise_orphan
from console.protocol.codes import message_state
from console.protocol.mt_request import Attachment
from console.protocol.phone import display_number
from console.store.models import MessageStatus, StoredMessage
from console.store.suppression import SuppressionChange, SuppressionEvent
from console.timeline import Event, Timeline
from console.ui.palette import Tone, colour, theme_changed

TECHNICAL_LINK = "#technical"
# Beyond this a timeline is a flood (a misbehaving sender); rendering it all would stall.
MAX_EVENTS = 200
TONES = {"good": Tone.OK, "bad": Tone.ERROR, "pending": Tone.WARNING, "neutral": Tone.MUTED}


def _time(at: float) -> str:
    return datetime.fromtimestamp(at).strftime("%Y-%m-%d %H:%M:%S")


def _raw_table(raw: tuple[tuple[str, str], ...]) -> str:
    if not raw:
        return ""
    rows = "".join(
        f"<tr><td style='color:{colour(Tone.MUTED)};padding-right:8px'>{escape(k)}</td>"
        f"<td><code>{escape(v)}</code></td></tr>"
        for k, v in raw
    )
    return f"<table style='margin-left:14px;font-size:small'>{rows}</table>"


def _event(event: Event, technical: bool) -> str:
    dot = colour(TONES[event.tone])
    detail = f"<div style='margin-left:14px'>{escape(event.detail)}</div>" if event.detail else ""
    raw = _raw_table(event.raw) if technical else ""
    return (
        f"<p style='margin:6px 0 0 0'><span style='color:{dot}'>&#9679;</span> "
        f"<span style='color:{colour(Tone.MUTED)}'>{_time(event.at)}</span> "
        f"<b>{escape(event.title)}</b></p>{detail}{raw}"
    )


def _summary(summary: Summary) -> str:
    tone = colour(TONES[summary.tone])
    reason = f"<p style='margin:2px 0 0 0'>{escape(summary.reason)}</p>" if summary.reason else ""
    return (
        f"<p style='margin:4px 0 0 0;color:{tone}'><b>{escape(summary.headline)}</b></p>"
        f"{reason}<p style='margin:2px 0 6px 0'>Next step: {escape(summary.next_step)}</p>"
    )


def _kind(attachments: int) -> str:
    if not attachments:
        return "SMS"
    return f"MMS, {attachments} attachment{'s' if attachments > 1 else ''}"


def _attachments(attachments: Sequence[Attachment]) -> str:
    """Each attachment's name (a reply's have none), type and size."""
    if not attachments:
        return ""
    items = "".join(
        f"<li>{escape(' · '.join(filter(None, (a.filename, a.content_type))))}"
        f" · {format_size(len(a.content))}"
        f"{' · ' + escape(a.problem) if a.problem else ''}</li>"
        for a in attachments
    )
    return f"<p style='margin:6px 0 0 0'><b>Attachments</b></p><ul style='margin:0'>{items}</ul>"


def _list_change(change: SuppressionEvent | None) -> str:
    """What the reply's keyword did to the opt-out list, in words."""
    if change is None:
        return ""
    keyword = escape(change.keyword or "")
    if change.change is SuppressionChange.ADDED:
        words = (
            f"Opt-out ({keyword}): the number went on the opt-out list; nothing is sent to it "
            "until the customer opts in again."
        )
        tone = Tone.ERROR
    else:
        words = f"Opt-in ({keyword}): the number came off the opt-out list."
        tone = Tone.OK
    return f"<p style='margin:4px 0;color:{colour(tone)}'>{words}</p>"


def _facts(message: StoredMessage) -> list[str]:
    # Where it stands is the summary's to say; these are what the summary leaves out.
    facts = [f"From {message.sender}", _kind(message.attachment_count)]
    if message.state is not None:
        facts.append(f"receipt: {message_state(message.state).name}")
    elif message.status is MessageStatus.ACCEPTED:
        facts.append("no receipt yet" if message.receipt else "no receipt asked for")
    return facts


def render(timeline: Timeline, technical: bool = False) -> str:
    """The panel's HTML for ``timeline``: a plain summary and next step first, the story
    after; each callback's raw fields only with ``technical``."""
    parts: list[str] = []
    message, reply = timeline.message, timeline.reply
    if message is not None:
        parts.append(
            f"<h3 style='margin:0'>To {escape(display_number(message.phone_number))}</h3>"
            f"{_summary(summarise(message))}"
            f"<p style='margin:2px 0'>{escape(' · '.join(_facts(message)))}</p>"
            f"<p style='margin:2px 0;color:{colour(Tone.MUTED)}'>message_id <code>"
            f"{escape(message.message_id)}</code></p>"
            f"<blockquote style='white-space:pre-wrap'>{escape(message.body)}</blockquote>"
            f"{_attachments(message.attachments)}"
        )
        if message.status_detail:
            parts.append(f"<p>{escape(message.status_detail)}</p>")
    elif reply is not None:
        # The customer wrote; our shortcode is where it arrived, not who sent it.
        parts.append(
            f"<h3 style='margin:0'>From {escape(display_number(reply.phone_number))}"
            f" to {escape(reply.shortcode)}</h3>"
            f"<p style='margin:2px 0'>A customer's reply · {_kind(len(reply.attachments))}"
            f"{' · carrier ' + escape(reply.carrier) if reply.carrier else ''}</p>"
            f"<p style='margin:2px 0;color:{colour(Tone.MUTED)}'>message_id <code>"
            f"{escape(reply.message_id)}</code></p>"
            f"{_attachments(reply.attachments)}"
            f"{_list_change(timeline.list_change)}"
        )
    elif timeline.orphan_receipts:
        parts.append(
            "<h3 style='margin:0'>Receipt for a message not sent from here</h3>"
            f"{_summary(summarise_orphan(timeline.orphan_receipts))}"
            f"<p style='margin:2px 0;color:{colour(Tone.MUTED)}'>message_id <code>"
            f"{escape(timeline.orphan_receipts[0].message_id)}</code></p>"
        )
    parts.append("<h4 style='margin:10px 0 0 0'>Timeline</h4>")
    events = timeline.events
    hidden = max(len(events) - MAX_EVENTS, 0)
    if len(events) > MAX_EVENTS:
        # The first event (stored in the outbox) anchors the story; the rest are the latest.
        events = (events[0], *events[-(MAX_EVENTS - 1) :])
    if hidden or timeline.cut:
        told = "Earlier events are" if timeline.cut else f"{hidden:,} earlier events are"
        parts.append(
            f"<p style='color:{colour(Tone.MUTED)}'>{told} not shown; "
            "<code>sms-console log --json</code> lists every receipt.</p>"
        )
    parts += [_event(e, technical) for e in events]
    if any(e.raw for e in events):
        word = "Hide" if technical else "Show"
        parts.append(
            f"<p style='margin:6px 0'><a href='{TECHNICAL_LINK}'>{word} technical details</a>"
            " (each callback's fields as they came)</p>"
        )
    others = [r for r in timeline.conversation if reply is None or r.id != reply.id]
    if others:
        number = escape(display_number(others[0].phone_number))
        parts.append(f"<h4 style='margin:10px 0 0 0'>Replies from {number}</h4>")
        muted = colour(Tone.MUTED)
        parts += [
            f"<p style='margin:4px 0'><span style='color:{muted}'>{_time(r.received_at)}</span> "
            f"{escape(r.body)}</p>"
            for r in others
        ]
    return "".join(parts)


class DetailPanel(QTextBrowser):
    """Shows the timeline of the selected row; empty text invites a selection."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("detailPanel")
        self.setOpenLinks(False)
        self._timeline: Timeline | None = None
        self.technical = False  # the raw fields unfolded
        self.anchorClicked.connect(self._link)
        theme_changed().connect(self._repaint)
        self.clear_timeline()

    def _repaint(self) -> None:
        # The colours are in the HTML: a new theme needs it made again.
        if self._timeline is None:
            self.clear_timeline()
        else:
            self.show_timeline(self._timeline)

    def show_timeline(self, timeline: Timeline | None) -> None:
        if timeline is None:
            self.clear_timeline()
            return
        # A live update of the same message must not jump the reader back to the top; a
        # new message starts at its heading.
        same = self._timeline is not None and self._timeline.message_id == timeline.message_id
        scroll = self.verticalScrollBar().value() if same else 0
        self._timeline = timeline
        self.setHtml(render(timeline, self.technical))
        self.verticalScrollBar().setValue(scroll)

    def _link(self, url: QUrl) -> None:
        if url.toString() == TECHNICAL_LINK and self._timeline is not None:
            self.technical = not self.technical
            self.show_timeline(self._timeline)

    def show_problem(self, text: str) -> None:
        """The selected row could not be read: why, in its place."""
        self._timeline = None
        self.setPlainText(f"This message cannot be shown now: {text}")

    def clear_timeline(self) -> None:
        self._timeline = None
        self.setHtml(
            f"<p style='color:{colour(Tone.MUTED)}'>Select a message to see its whole story.</p>"
        )
