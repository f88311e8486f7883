"""What the message log means in either store: which kinds of row a query reads, the
state an orphan receipt shows, and a log row made from the columns every branch selects.
"""

from __future__ import annotations

from console.protocol.codes import MESSAGE_STATES
from console.protocol.delivery import FINAL_STATES
from console.protocol.mt_request import Priority
from console.store.models import (
    PREVIEW_CHARS,
    Direction,
    LogKey,
    LogKind,
    LogQuery,
    LogRow,
    LogState,
    MessageStatus,
)

_DELIVERED = tuple(code for code, state in MESSAGE_STATES.items() if state.delivered)
# An orphan receipt's LogState from its delivery state, as SQL both databases read.
ORPHAN_STATE = (
    f"CASE WHEN state IN ({', '.join(map(str, _DELIVERED))}) THEN '{LogState.DELIVERED}'"
    f" WHEN state IN ({', '.join(map(str, FINAL_STATES))}) THEN '{LogState.UNDELIVERED}'"
    f" ELSE '{LogState.ACCEPTED}' END"
)
# The state filters an orphan receipt can pass: it is never pending, refused or stuck.
_ORPHAN_STATES = (None, LogState.DELIVERED, LogState.UNDELIVERED, LogState.ACCEPTED)


def kinds(query: LogQuery) -> list[LogKind]:
    """The kinds of row that can match ``query``."""
    found = []
    if query.direction is not Direction.IN:
        found.append(LogKind.MESSAGE)
    if query.operator is not None:
        return found  # only messages have an operator
    if query.direction is not Direction.OUT and query.state is None:
        found.append(LogKind.REPLY)
    if query.direction is not Direction.OUT and query.state in _ORPHAN_STATES:
        found.append(LogKind.ORPHAN_RECEIPT)
    return found


def log_row(
    time: float,
    row_id: int,
    kind: int,
    message_id: str,
    phone_number: str,
    sender: str,
    priority: str | None,
    attachments: int,
    receipt: int | bool,
    status: str | None,
    result_code: int | None,
    status_detail: str | None,
    state: int | None,
    state_result_code: int | None,
    log_state: str | None,
    updated_at: float,
    preview: str,
    operator: str | None,
    host: str | None,
) -> LogRow:
    """A log row from its columns, in the order every branch selects them; ``preview``
    is read one character longer than shown, which tells that the text goes on."""
    return LogRow(
        key=LogKey(time, row_id, LogKind(kind)),
        message_id=message_id,
        phone_number=phone_number,
        sender=sender,
        priority=Priority(priority) if priority else None,
        attachments=attachments,
        receipt=bool(receipt),
        status=MessageStatus(status) if status else None,
        result_code=result_code,
        status_detail=status_detail,
        state=state,
        state_result_code=state_result_code,
        log_state=LogState(log_state) if log_state else None,
        updated_at=updated_at,
        # One line, whatever the message's own line breaks.
        preview=" ".join(preview[:PREVIEW_CHARS].split()),
        preview_cut=len(preview) > PREVIEW_CHARS,
        operator=operator,
        host=host,
    )
