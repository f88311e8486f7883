"""Messages and replies read from the shared store, with their attachments."""

# Statements here interpolate only column lists and the callers' own clauses; every value
# goes as a parameter.
# ruff: noqa: S608

from __future__ import annotations

from typing import Any

import psycopg
from psycopg.rows import dict_row

from console.protocol.mt_request import Attachment
from console.store import rows
from console.store.models import ReplyRecord, StoredMessage

Cursor = psycopg.Cursor[tuple[Any, ...]]


def messages(
    cur: Cursor, where: str, params: tuple[Any, ...], *, attachments: bool
) -> list[StoredMessage]:
    """The messages ``where`` selects; with ``attachments``, their files too."""
    found = (
        cur.connection.cursor(row_factory=dict_row)
        .execute(f"SELECT {rows.MESSAGE_COLUMNS} FROM messages {where}", params)
        .fetchall()
    )
    files: dict[int, list[Attachment]] = {row["id"]: [] for row in found}
    if attachments and files:
        for ref, content_type, filename, content in cur.execute(
            "SELECT message_ref, content_type, filename, content FROM attachments"
            " WHERE message_ref = ANY(%s) ORDER BY message_ref, position",
            (list(files),),
        ):
            files[ref].append(
                Attachment(content_type=content_type, content=content, filename=filename)
            )
    return [rows.message(row, tuple(files[row["id"]])) for row in found]


def replies(cur: Cursor, where: str, params: tuple[Any, ...]) -> list[ReplyRecord]:
    """The replies ``where`` selects, with their attachments."""
    found = (
        cur.connection.cursor(row_factory=dict_row)
        .execute(f"SELECT {rows.REPLY_COLUMNS} FROM replies{where}", params)
        .fetchall()
    )
    files: dict[int, list[Attachment]] = {row["id"]: [] for row in found}
    if files:
        for ref, content_type, content in cur.execute(
            "SELECT reply_ref, content_type, content FROM reply_attachments"
            " WHERE reply_ref = ANY(%s) ORDER BY reply_ref, position",
            (list(files),),
        ):
            files[ref].append(Attachment(content_type=content_type, content=content))
    return [rows.reply(row, tuple(files[row["id"]])) for row in found]
