"""Team mode's roles, made with exactly the SQL shipped (and shown in the README): each
does what its program needs, and neither can do more or change the schema."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import replace
from importlib.resources import files
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from console.store.audit import AuditAction, AuditEntry
from console.store.models import (
    AttemptResult,
    Claim,
    Decision,
    IncomingReply,
    LogQuery,
    MessageStatus,
    QuarantinedCallback,
)
from console.store.postgres import schema
from console.store.postgres.store import PostgresStore
from console.store.receivers import FORGET_AFTER, ReceiverBeat
from tests.support.postgres_server import PostgresServer
from tests.unit.store.test_store_contract import new_message, receipt

ROLES_SQL = files("console.store.postgres").joinpath("roles.sql").read_text("utf-8")
README = Path(__file__).parents[3] / "README.md"
OWNER = "sms_owner"
TABLES = (
    "messages", "attempts", "attachments", "receipts", "replies", "reply_attachments",
    "orphans", "quarantine", "quarantine_totals", "schema_version",
)  # fmt: skip
FUNCTION = "CREATE FUNCTION f() RETURNS INT LANGUAGE sql AS 'SELECT 1'"

MESSAGE = (
    "INSERT INTO messages (message_id, profile, phone_number, sender, body, endpoint,"
    " method, receipt, status, created_at, updated_at)"
    " VALUES (%s, 'default', '12025550100', '12345', 'hello', 'https://x', 'POST', true,"
    " 'queued', 1, 1) RETURNING id"
)
RECEIPT = (
    "INSERT INTO receipts (message_id, message_state, result_code, received_at,"
    " source_address, raw, last_received_at) VALUES (%s, %s, 0, 2, '127.0.0.1', 'raw', 2)"
    " ON CONFLICT DO NOTHING RETURNING id"
)
REDELIVERY = (
    "UPDATE receipts SET redeliveries = redeliveries + 1, last_received_at = 3"
    " WHERE message_id = %s AND message_state = %s"
)
ADVANCE_STATE = (
    "UPDATE messages SET state = %s, state_result_code = 0, state_at = 2,"
    " updated_at = GREATEST(updated_at, 2) WHERE message_id = %s"
    " AND (state IS NULL OR state NOT IN (2, 3, 4, 5, 8))"
)


@pytest.fixture
def database(postgres_server: PostgresServer) -> Iterator[str]:
    """A store made as the README says: the owner's database, migrated by the owner, then
    the roles' SQL run by a superuser; its name."""
    postgres_server.execute(
        f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{OWNER}')"
        f" THEN CREATE ROLE {OWNER} LOGIN; END IF; END $$"
    )
    name = f"roles_{uuid.uuid4().hex[:12]}"
    postgres_server.execute(f"CREATE DATABASE {name} OWNER {OWNER}")
    with psycopg.connect(postgres_server.url(name, OWNER)) as conn:
        assert schema.migrate(conn) == list(range(1, schema.VERSION + 1))
    postgres_server.execute(ROLES_SQL, name)
    postgres_server.execute(ROLES_SQL, name)  # again, as after a later migrate
    try:
        yield name
    finally:
        postgres_server.drop_database(name)


@pytest.fixture
def login(postgres_server: PostgresServer) -> Iterator[dict[str, str]]:
    """A login role of one's own in each group, as people and receivers get."""
    suffix = uuid.uuid4().hex[:8]
    roles = {"sms_receiver": f"receiver_{suffix}", "sms_operator": f"operator_{suffix}"}
    for group, role in roles.items():
        postgres_server.execute(f"CREATE ROLE {role} LOGIN IN ROLE {group}")
    try:
        yield roles
    finally:
        for role in roles.values():
            postgres_server.execute(f"DROP ROLE {role}")


def connect(
    server: PostgresServer, database: str, user: str
) -> psycopg.Connection[tuple[object, ...]]:
    return psycopg.connect(server.url(database, user), autocommit=True)


def refused(conn: psycopg.Connection[tuple[object, ...]], sql: str, *params: object) -> str:
    with pytest.raises(psycopg.errors.InsufficientPrivilege) as raised:
        conn.execute(sql.encode(), params or None)
    return str(raised.value)


def test_each_role_does_what_its_program_needs(
    postgres_server: PostgresServer, database: str, login: dict[str, str]
) -> None:
    with (
        connect(postgres_server, database, login["sms_operator"]) as operator,
        connect(postgres_server, database, login["sms_receiver"]) as receiver,
    ):
        for conn in (operator, receiver):
            schema.check(conn)
        # A receipt for a message not known yet: kept, and an orphan (the trigger, as the
        # receiver); a redelivery counted.
        assert receiver.execute(RECEIPT, ("m-1", 1)).fetchone() is not None
        assert receiver.execute(RECEIPT, ("m-1", 1)).fetchone() is None
        receiver.execute(REDELIVERY, ("m-1", 1))
        assert operator.execute("SELECT state FROM orphans").fetchall() == [(1,)]

        # The operator creates the message (taking over the orphan) and records an attempt.
        ref = operator.execute(MESSAGE, ("m-1",)).fetchone()
        assert ref is not None
        operator.execute(
            "INSERT INTO attachments (message_ref, position, content_type, content)"
            " VALUES (%s, 0, 'image/png', '\\x00')",
            (ref[0],),
        )
        operator.execute(
            "INSERT INTO attempts (message_ref, number, started_at) VALUES (%s, 1, 1)", (ref[0],)
        )
        operator.execute("UPDATE attempts SET finished_at = 2, result_code = 0")
        operator.execute("UPDATE messages SET status = 'accepted', attempt_count = 1")
        assert operator.execute("SELECT count(*) FROM orphans").fetchone() == (0,)

        # The receiver sets its delivery state, by the final-state rule.
        receiver.execute(RECEIPT, ("m-1", 2))
        assert receiver.execute(ADVANCE_STATE, (2, "m-1")).rowcount == 1
        assert receiver.execute(ADVANCE_STATE, (1, "m-1")).rowcount == 0

        reply = receiver.execute(
            "INSERT INTO replies (message_id, shortcode, phone_number, body, received_at,"
            " source_address, raw) VALUES ('mo-1', '12345', '12025550100', 'hi', 2,"
            " '127.0.0.1', 'raw') ON CONFLICT (message_id) DO UPDATE"
            " SET redeliveries = replies.redeliveries + 1 RETURNING id, redeliveries"
        ).fetchone()
        assert reply is not None
        receiver.execute(
            "INSERT INTO reply_attachments (reply_ref, position, content_type, content)"
            " VALUES (%s, 0, 'image/png', '\\x00')",
            (reply[0],),
        )
        receiver.execute(
            "INSERT INTO quarantine (received_at, source_address, method, target, headers,"
            " body, reason) VALUES (2, '127.0.0.1', 'POST', '/cb', '[]', '\\x00', 'odd')"
        )
        receiver.execute("UPDATE quarantine_totals SET entries = entries + 1, bytes = bytes + 1")
        receiver.execute("DELETE FROM quarantine WHERE id <= 1")

        # The operator reads all of it.
        for table in TABLES:
            operator.execute(sql.SQL("SELECT * FROM {}").format(sql.Identifier(table)))
        assert operator.execute("SELECT state FROM messages").fetchone() == (2,)


def test_neither_role_can_do_more_nor_change_the_schema(
    postgres_server: PostgresServer, database: str, login: dict[str, str]
) -> None:
    with (
        connect(postgres_server, database, login["sms_operator"]) as operator,
        connect(postgres_server, database, login["sms_receiver"]) as receiver,
    ):
        ref = operator.execute(MESSAGE, ("m-1",)).fetchone()
        assert ref is not None

        refused(receiver, MESSAGE, "m-2")
        refused(receiver, "SELECT body, phone_number FROM messages")
        refused(receiver, "UPDATE messages SET body = 'changed'")
        refused(receiver, "UPDATE messages SET lease_owner = 'r', lease_until = 9")
        refused(receiver, "UPDATE messages SET status = 'failed'")
        refused(receiver, "SELECT * FROM attempts")
        refused(receiver, "INSERT INTO attempts (message_ref, number, started_at) VALUES (1, 1, 1)")
        refused(receiver, "DELETE FROM receipts")
        refused(receiver, "UPDATE schema_version SET version = 0")
        # A receiver keeps threads as replies arrive, and neither claims nor reads them.
        refused(receiver, "UPDATE threads SET claimed_by = 'r', claimed_until = 9")
        refused(receiver, "INSERT INTO thread_reads (thread_id, operator, seen) VALUES (1, 'r', 1)")
        refused(receiver, "DELETE FROM threads")

        refused(operator, RECEIPT, "m-1", 2)
        refused(operator, "DELETE FROM messages")
        refused(operator, "UPDATE receipts SET message_state = 2")
        refused(operator, "DELETE FROM quarantine")
        refused(operator, "UPDATE schema_version SET version = 0")
        refused(operator, "DELETE FROM threads")
        # The audit trail is only ever added to.
        refused(operator, "UPDATE audit SET operator = 'someone else'")
        refused(operator, "DELETE FROM audit")
        refused(
            receiver,
            "INSERT INTO audit (at, operator, host, action) VALUES (1, 'r', 'h', 'send')",
        )

        for conn in (receiver, operator):
            assert "must be owner" in refused(conn, "DROP TABLE messages")
            assert "must be owner" in refused(conn, "ALTER TABLE messages ADD COLUMN x INT")
            assert "must be owner" in refused(conn, "CREATE INDEX x ON receipts (raw)")
            assert "schema public" in refused(conn, "CREATE TABLE x (a INT)")
            assert "schema public" in refused(conn, FUNCTION)
            refused(conn, "CREATE SCHEMA mine")
            refused(conn, "TRUNCATE receipts")
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                schema.migrate(conn)


def test_the_readme_shows_the_same_sql() -> None:
    blocks = re.findall(r"```sql\n(.*?)```", README.read_text(), re.DOTALL)
    assert ROLES_SQL in blocks


def test_each_program_runs_on_its_role_alone(
    postgres_server: PostgresServer, database: str, login: dict[str, str]
) -> None:
    operator_url = postgres_server.url(database, login["sms_operator"])
    receiver_url = postgres_server.url(database, login["sms_receiver"])
    with PostgresStore(receiver_url) as receiver:
        # What a receiver stores: receipts (one early), a reply, a refused callback.
        bad = QuarantinedCallback(1.0, "203.0.113.9", "POST", "/cb", (), b"junk", "no type")
        reply = IncomingReply("mo-1", "12345", "12025550100", None, "hi", 1.0, "203.0.113.9", "")
        stored = receiver.record_callbacks([receipt("m-1", 6, 1.0), reply, bad])
        assert stored == [True, True, True]
    with PostgresStore(operator_url) as operator:
        # What a console does: send, record the attempt, read the log and the story.
        operator.create_message(replace(new_message("m-1"), operator="alice", host="d"), now=2.0)
        operator.add_audit(AuditEntry(2.0, "alice", "d", AuditAction.SEND, "m-1"))
        number = operator.begin_attempt("m-1", 2.0)
        operator.finish_attempt(
            "m-1", number, AttemptResult(finished_at=2.5, http_status=200, result_code=0),
            Decision(MessageStatus.ACCEPTED, "accepted"),
        )  # fmt: skip
        _rows, total = operator.log_head(LogQuery(), 10)
        assert total == 2
        assert [r.message_id for r in operator.receipts("m-1")] == ["m-1"]
        assert [q.reason for q in operator.quarantined()] == ["no type"]
        alices, _count = operator.log_head(LogQuery(operator="alice"), 10)
        assert [(r.message_id, r.operator) for r in alices] == [("m-1", "alice")]
        assert [(e.operator, e.action) for e in operator.audit()] == [("alice", "send")]
        # Claims: a message born held, its hold renewed and released, then taken by
        # another console (SELECT … FOR UPDATE needs UPDATE on the table).
        mine, other = Claim("host-a:1:aa", 60.0), Claim("host-b:2:bb", 60.0)
        operator.create_message(new_message("m-2"), now=3.0, claim=mine)
        assert operator.renew_claims(mine, ["m-2"]) == {"m-2"}
        operator.release_claim(mine, "m-2")
        assert [m.message_id for m in operator.claim_undecided(other)] == ["m-2"]
        assert operator.claim_message("m-2", other)
        # Conversations: the receiver's reply made the thread (its trigger ran as the
        # receiver); the operator's messages keep it, and the operator claims it and
        # marks it read and unread.
        thread = operator.thread_for("12025550100", "12345", "alice")
        assert thread is not None
        assert (thread.unread, thread.last_message_id) == (1, "m-2")
        assert operator.claim_thread(thread.id, "alice", until=4e9, now=5.0) == "alice"
        assert operator.claim_thread(thread.id, "bob", until=4e9, now=5.0) == "alice"
        operator.mark_read(thread.id, "alice")
        assert operator.unread_total("alice") == 0
        operator.mark_unread(thread.id, "alice")
        assert operator.unread_total("alice") == 1
        operator.release_thread(thread.id, "alice")
    with PostgresStore(receiver_url) as receiver:
        assert receiver.record_callbacks([receipt("m-1", 2, 3.0)]) == [True]
        # Another reply on the same thread: the trigger updates the thread as the receiver.
        later = IncomingReply("mo-2", "12345", "12025550100", None, "ok", 9.0, "203.0.113.9", "")
        assert receiver.record_callbacks([later]) == [True]
        # Its heartbeat, and the trimming it does on each beat.
        receiver.receiver_beat(ReceiverBeat("r-1", "box", 7, 1.0, 3.0, 3.0))
        assert receiver.forget_old(4.0 + FORGET_AFTER) >= 1
        receiver.receiver_beat(ReceiverBeat("r-2", "box", 8, 1.0, 3.0, None))
        receiver.receiver_gone("r-2")
        assert receiver.receivers() == []
    with PostgresStore(operator_url) as operator:
        message = operator.get_message("m-1")
        assert message is not None
        assert message.state == 2
        thread = operator.thread_for("12025550100", "12345", "alice")
        assert thread is not None
        assert (thread.unread, thread.last_message_id, thread.claimed_by) == (2, "mo-2", None)
