"""The shared store's schema in PostgreSQL: numbered migrations, applied by ``db migrate``.

The tables mirror the SQLite store's, column for column, so that both backends answer
the same contract. What SQLite keeps with triggers PostgreSQL keeps the same way, and the
rules that concurrent receivers must not race on (one row per message_id, one receipt per
identity, a final delivery state never overwritten) are the database's constraints.

Migrations run one at a time under an advisory lock, each in its own transaction: two
``db migrate`` started together apply each step once. A program meets only the schema
version it was built for; any other stops it with both versions named.
"""

from __future__ import annotations

from typing import Any

import psycopg

from console.store.errors import IncompatibleStore

# pg_advisory_xact_lock's key for schema changes: any constant of our own.
MIGRATION_LOCK = 0x534D53_01

MIGRATIONS: tuple[str, ...] = (
    # 1: outbox, attempts, receipts, replies, orphan receipts, quarantine, the log's and
    # the searches' indexes.
    """
    CREATE EXTENSION IF NOT EXISTS pg_trgm;

    CREATE TABLE messages (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        message_id TEXT NOT NULL UNIQUE,
        profile TEXT NOT NULL,
        phone_number TEXT NOT NULL,
        sender TEXT NOT NULL,
        body TEXT NOT NULL,
        endpoint TEXT NOT NULL,
        method TEXT NOT NULL,
        priority TEXT,
        carrier INTEGER,
        receipt BOOLEAN NOT NULL,
        app_id TEXT,
        conversation_id TEXT,
        status TEXT NOT NULL,
        result_code INTEGER,
        status_detail TEXT,
        attempt_count INTEGER NOT NULL DEFAULT 0,
        next_attempt_at DOUBLE PRECISION,
        state INTEGER,
        state_result_code INTEGER,
        state_at DOUBLE PRECISION,
        created_at DOUBLE PRECISION NOT NULL,
        updated_at DOUBLE PRECISION NOT NULL,
        log_state TEXT GENERATED ALWAYS AS (
            CASE
                WHEN state = 2 THEN 'delivered'
                WHEN state IN (3, 4, 5, 8) THEN 'undelivered'
                WHEN status = 'accepted' THEN 'accepted'
                WHEN status = 'failed' THEN 'failed'
                WHEN status = 'needs_operator' THEN 'attention'
                ELSE 'pending'
            END
        ) STORED
    );
    CREATE INDEX messages_status ON messages (status);
    CREATE INDEX messages_phone ON messages (phone_number text_pattern_ops);
    CREATE INDEX messages_log_time ON messages (created_at, id);
    CREATE INDEX messages_log_state ON messages (log_state, created_at, id);

    CREATE TABLE attachments (
        message_ref BIGINT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        content_type TEXT NOT NULL,
        filename TEXT,
        content BYTEA NOT NULL,
        PRIMARY KEY (message_ref, position)
    );

    CREATE TABLE attempts (
        message_ref BIGINT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
        number INTEGER NOT NULL,
        started_at DOUBLE PRECISION NOT NULL,
        finished_at DOUBLE PRECISION,
        http_status INTEGER,
        result_code INTEGER,
        transport_error TEXT,
        raw_response TEXT,
        outcome_known BOOLEAN,
        decision TEXT,
        detail TEXT,
        retry_at DOUBLE PRECISION,
        PRIMARY KEY (message_ref, number)
    );

    -- Keyed by the provider's message_id: a receipt may come before (or without) its
    -- message. One row per identity; a redelivery of it only counts.
    CREATE TABLE receipts (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        message_id TEXT NOT NULL,
        message_state INTEGER NOT NULL,
        result_code INTEGER,
        app_id TEXT,
        conversation_id TEXT,
        received_at DOUBLE PRECISION NOT NULL,
        source_address TEXT NOT NULL,
        raw TEXT NOT NULL,
        redeliveries INTEGER NOT NULL DEFAULT 0,
        last_received_at DOUBLE PRECISION NOT NULL
    );
    CREATE UNIQUE INDEX receipts_identity ON receipts (
        message_id, message_state, COALESCE(result_code, -1),
        COALESCE(app_id, ''), COALESCE(conversation_id, '')
    );

    CREATE TABLE replies (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        message_id TEXT NOT NULL UNIQUE,
        shortcode TEXT NOT NULL,
        phone_number TEXT NOT NULL,
        carrier TEXT,
        body TEXT NOT NULL,
        received_at DOUBLE PRECISION NOT NULL,
        source_address TEXT NOT NULL,
        raw TEXT NOT NULL,
        redeliveries INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX replies_phone ON replies (phone_number text_pattern_ops);
    CREATE INDEX replies_log_time ON replies (received_at, id);

    CREATE TABLE reply_attachments (
        reply_ref BIGINT NOT NULL REFERENCES replies (id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        content_type TEXT NOT NULL,
        content BYTEA NOT NULL,
        PRIMARY KEY (reply_ref, position)
    );

    -- Receipts for message_ids never sent from here, one row each, kept by the triggers
    -- below with the delivery-state rule: the first final state (2 3 4 5 8) stands; until
    -- then the latest. Its id is its first receipt's, its time its latest receipt's.
    CREATE TABLE orphans (
        message_id TEXT PRIMARY KEY,
        id BIGINT NOT NULL,
        state INTEGER NOT NULL,
        state_result_code INTEGER,
        received_at DOUBLE PRECISION NOT NULL
    );
    CREATE INDEX orphans_log_time ON orphans (received_at, id);

    CREATE FUNCTION receipts_orphan() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF NOT EXISTS (SELECT 1 FROM messages WHERE message_id = NEW.message_id) THEN
            INSERT INTO orphans AS o (message_id, id, state, state_result_code, received_at)
                VALUES (NEW.message_id, NEW.id, NEW.message_state, NEW.result_code,
                        NEW.received_at)
                ON CONFLICT (message_id) DO UPDATE SET
                    state = CASE WHEN o.state IN (2, 3, 4, 5, 8)
                        THEN o.state ELSE excluded.state END,
                    state_result_code = CASE WHEN o.state IN (2, 3, 4, 5, 8)
                        THEN o.state_result_code ELSE excluded.state_result_code END,
                    received_at = GREATEST(o.received_at, excluded.received_at);
        END IF;
        RETURN NULL;
    END $$;
    CREATE TRIGGER receipts_orphan AFTER INSERT ON receipts
        FOR EACH ROW EXECUTE FUNCTION receipts_orphan();

    CREATE FUNCTION messages_orphan() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        DELETE FROM orphans WHERE message_id = NEW.message_id;
        RETURN NULL;
    END $$;
    CREATE TRIGGER messages_orphan AFTER INSERT ON messages
        FOR EACH ROW EXECUTE FUNCTION messages_orphan();

    CREATE TABLE quarantine (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        received_at DOUBLE PRECISION NOT NULL,
        source_address TEXT NOT NULL,
        method TEXT NOT NULL,
        target TEXT NOT NULL,
        headers TEXT NOT NULL,
        body BYTEA NOT NULL,
        reason TEXT NOT NULL,
        body_length INTEGER,
        body_sha256 TEXT
    );
    CREATE TABLE quarantine_totals (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        entries BIGINT NOT NULL,
        bytes BIGINT NOT NULL,
        dropped BIGINT NOT NULL
    );
    INSERT INTO quarantine_totals VALUES (1, 0, 0, 0);

    -- Text and numbers found anywhere: trigram indexes. Text is folded by lower() over
    -- the "C" collation, which folds ASCII letters only, as the SQLite store's LIKE does.
    CREATE INDEX messages_text ON messages
        USING gin (lower(body COLLATE "C") gin_trgm_ops);
    CREATE INDEX replies_text ON replies USING gin (lower(body COLLATE "C") gin_trgm_ops);
    CREATE INDEX messages_numbers ON messages USING gin (phone_number gin_trgm_ops);
    CREATE INDEX replies_numbers ON replies USING gin (phone_number gin_trgm_ops);

    -- message_ids by their start (text of six characters or more), whatever the
    -- database's collation: pattern indexes serve LIKE 'start%'.
    CREATE INDEX messages_id_start ON messages (message_id text_pattern_ops);
    CREATE INDEX replies_id_start ON replies (message_id text_pattern_ops);
    CREATE INDEX orphans_id_start ON orphans (message_id text_pattern_ops);
    """,
)

VERSION = len(MIGRATIONS)


def _ensure_version_table(conn: psycopg.Connection[Any]) -> None:
    conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_version ("
        " id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL)"
    )
    conn.execute("INSERT INTO schema_version VALUES (1, 0) ON CONFLICT (id) DO NOTHING")


def version(conn: psycopg.Connection[Any]) -> int:
    """The schema version of the database ``conn`` is on; 0 when it has none yet."""
    found = conn.execute("SELECT to_regclass('schema_version') IS NOT NULL").fetchone()
    if found is None or not found[0]:
        return 0
    row = conn.execute("SELECT version FROM schema_version WHERE id = 1").fetchone()
    return 0 if row is None else int(row[0])


def migrate(conn: psycopg.Connection[Any]) -> list[int]:
    """Apply the migrations the database lacks, each once, whoever else runs them at the
    same time; the versions applied here.

    Raises:
        IncompatibleStore: the database's schema is newer than this program's.
    """
    applied: list[int] = []
    while True:
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
            _ensure_version_table(conn)
            current = version(conn)
            if current > VERSION:
                raise IncompatibleStore(_newer(current))
            if current == VERSION:
                return applied
            conn.execute(MIGRATIONS[current].encode())
            conn.execute("UPDATE schema_version SET version = %s WHERE id = 1", (current + 1,))
            applied.append(current + 1)


def check(conn: psycopg.Connection[Any]) -> None:
    """Stop unless the database is on this program's schema version.

    Raises:
        IncompatibleStore: it is older (``db migrate`` upgrades it) or newer.
    """
    current = version(conn)
    if current > VERSION:
        raise IncompatibleStore(_newer(current))
    if current < VERSION:
        raise IncompatibleStore(
            f"the shared store's schema is version {current} and this program needs "
            f"version {VERSION}: run `sms-console db migrate` to upgrade it"
        )


def _newer(current: int) -> str:
    return (
        f"the shared store's schema is version {current}, newer than this program's "
        f"version {VERSION}: upgrade this program"
    )
