"""The message log as one newest-first list: messages sent, replies received, orphans."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from console.protocol.codes import message_state
from console.protocol.delivery import current_state
from console.protocol.receipt_codes import receipt_code
from console.store.interface import MessageStore
from console.store.models import ReceiptRecord, ReplyRecord, StoredMessage


def iso_time(timestamp: float | None) -> str | None:
    if timestamp is None:
        return None
    return datetime.fromtimestamp(timestamp, UTC).isoformat(timespec="milliseconds")


@dataclass(frozen=True)
class LogEntry:
    """One row of the log, whatever its kind."""

    kind: str  # "message", "reply" or "orphan_receipt"
    direction: str
    message_id: str
    phone_number: str | None
    sender: str | None
    text: str
    created_at: float
    fields: dict[str, Any]

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "message_id": self.message_id,
            "direction": self.direction,
            "phone_number": self.phone_number,
            "sender": self.sender,
            "text": self.text,
            "created_at": iso_time(self.created_at),
            **self.fields,
        }


def _receipt_json(receipt: ReceiptRecord) -> dict[str, Any]:
    return {
        "message_state": receipt.message_state,
        "state_name": message_state(receipt.message_state).name,
        "result_code": receipt.result_code,
        "result_name": None
        if receipt.result_code is None
        else receipt_code(receipt.result_code).name,
        "received_at": iso_time(receipt.received_at),
        "source_address": receipt.source_address,
        "redeliveries": receipt.redeliveries,
    }


def message_entry(store: MessageStore, message: StoredMessage) -> LogEntry:
    receipts = store.receipts(message.message_id)
    return LogEntry(
        kind="message",
        direction="out",
        message_id=message.message_id,
        phone_number=message.phone_number,
        sender=message.sender,
        text=message.body,
        created_at=message.created_at,
        fields={
            "profile": message.profile,
            "priority": message.priority.value if message.priority else None,
            "carrier": message.carrier,
            "receipt": message.receipt,
            "app_id": message.app_id,
            "conversation_id": message.conversation_id,
            "attachments": message.attachment_count,
            "operator": message.operator,
            "host": message.host,
            "status": message.status.value,
            "status_detail": message.status_detail,
            "result_code": message.result_code,
            "attempts": message.attempt_count,
            "state": message.state,
            "state_name": message_state(message.state).name if message.state else None,
            "updated_at": iso_time(message.updated_at),
            "receipts": [_receipt_json(r) for r in receipts],
        },
    )


def reply_entry(reply: ReplyRecord) -> LogEntry:
    return LogEntry(
        kind="reply",
        direction="in",
        message_id=reply.message_id,
        phone_number=reply.phone_number,
        sender=reply.phone_number,
        text=reply.body,
        created_at=reply.received_at,
        fields={
            "shortcode": reply.shortcode,
            "carrier": reply.carrier,
            "attachments": len(reply.attachments),
            "operator": None,
            "host": None,
            "status": "received",
            "result_code": None,
            "state": None,
            "priority": None,
            "source_address": reply.source_address,
            "redeliveries": reply.redeliveries,
            "receipts": [],
        },
    )


def orphan_entries(receipts: list[ReceiptRecord]) -> list[LogEntry]:
    """One entry per message_id we never sent, from its receipts in arrival order, with
    the delivery-state rule of known messages (a late "En route" does not undo
    "Delivered")."""
    by_id: dict[str, list[ReceiptRecord]] = {}
    for receipt in receipts:
        by_id.setdefault(receipt.message_id, []).append(receipt)
    entries = []
    for message_id, group in by_id.items():
        current = current_state((r.message_state, r.result_code) for r in group)
        assert current is not None  # every group has a receipt
        state, code = current
        entries.append(
            LogEntry(
                kind="orphan_receipt",
                direction="in",
                message_id=message_id,
                phone_number=None,
                sender=None,
                text="",
                created_at=max(r.received_at for r in group),
                fields={
                    "operator": None,
                    "host": None,
                    "status": "orphan_receipt",
                    "result_code": code,
                    "state": state,
                    "state_name": message_state(state).name,
                    "priority": None,
                    "receipts": [_receipt_json(r) for r in group],
                },
            )
        )
    return entries


def recent(store: MessageStore, limit: int = 100, operator: str | None = None) -> list[LogEntry]:
    """The ``limit`` newest entries of every kind, newest first; with ``operator``, only
    the messages that operator sent."""
    entries = [message_entry(store, m) for m in store.messages(limit=limit, operator=operator)]
    if operator is None:
        entries += [reply_entry(r) for r in store.replies(limit=limit)]
        entries += orphan_entries(store.orphan_receipts())
    entries.sort(key=lambda e: e.created_at, reverse=True)
    return entries[:limit]
