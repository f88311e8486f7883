"""Numbered schema migrations; ``PRAGMA user_version`` records the last one applied.

Append new steps; never edit one that has shipped.
"""

from __future__ import annotations

import sqlite3

from console.store import migration_conversations
from console.store.errors import IncompatibleStore

MIGRATIONS: tuple[str, ...] = (
    # 1: outbox, attempts, receipts, replies, quarantine.
    """
    CREATE TABLE messages (
        id INTEGER PRIMARY KEY,
        message_id TEXT NOT NULL UNIQUE,
        profile TEXT NOT NULL,
        phone_number TEXT NOT NULL,
        sender TEXT NOT NULL,
        body TEXT NOT NULL,
        endpoint TEXT NOT NULL,
        method TEXT NOT NULL,
        priority TEXT,
        carrier INTEGER,
        receipt INTEGER NOT NULL,
        app_id TEXT,
        conversation_id TEXT,
        status TEXT NOT NULL,
        result_code INTEGER,
        status_detail TEXT,
        attempt_count INTEGER NOT NULL DEFAULT 0,
        next_attempt_at REAL,
        state INTEGER,
        state_result_code INTEGER,
        state_at REAL,
        created_at REAL NOT NULL,
        updated_at REAL NOT NULL
    );
    CREATE INDEX messages_status ON messages(status);
    CREATE INDEX messages_phone ON messages(phone_number);

    CREATE TABLE attachments (
        message_ref INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        content_type TEXT NOT NULL,
        filename TEXT,
        content BLOB NOT NULL,
        PRIMARY KEY (message_ref, position)
    );

    CREATE TABLE attempts (
        message_ref INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
        number INTEGER NOT NULL,
        started_at REAL NOT NULL,
        finished_at REAL,
        http_status INTEGER,
        result_code INTEGER,
        transport_error TEXT,
        raw_response TEXT,
        outcome_known INTEGER,
        decision TEXT,
        detail TEXT,
        retry_at REAL,
        PRIMARY KEY (message_ref, number)
    );

    -- Keyed by the provider-side message_id, not by messages.id: a receipt may arrive
    -- before (or without) its message, and is linked simply by that id.
    CREATE TABLE receipts (
        id INTEGER PRIMARY KEY,
        message_id TEXT NOT NULL,
        message_state INTEGER NOT NULL,
        result_code INTEGER,
        app_id TEXT,
        conversation_id TEXT,
        received_at REAL NOT NULL,
        source_address TEXT NOT NULL,
        raw TEXT NOT NULL,
        redeliveries INTEGER NOT NULL DEFAULT 0,
        last_received_at REAL NOT NULL
    );
    CREATE UNIQUE INDEX receipts_identity ON receipts(
        message_id, message_state, IFNULL(result_code, -1),
        IFNULL(app_id, ''), IFNULL(conversation_id, '')
    );

    CREATE TABLE replies (
        id INTEGER PRIMARY KEY,
        message_id TEXT NOT NULL UNIQUE,
        shortcode TEXT NOT NULL,
        phone_number TEXT NOT NULL,
        carrier TEXT,
        body TEXT NOT NULL,
        received_at REAL NOT NULL,
        source_address TEXT NOT NULL,
        raw TEXT NOT NULL,
        redeliveries INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX replies_phone ON replies(phone_number);

    CREATE TABLE reply_attachments (
        reply_ref INTEGER NOT NULL REFERENCES replies(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        content_type TEXT NOT NULL,
        content BLOB NOT NULL,
        PRIMARY KEY (reply_ref, position)
    );

    CREATE TABLE quarantine (
        id INTEGER PRIMARY KEY,
        received_at REAL NOT NULL,
        source_address TEXT NOT NULL,
        method TEXT NOT NULL,
        target TEXT NOT NULL,
        headers TEXT NOT NULL,
        body BLOB NOT NULL,
        reason TEXT NOT NULL
    );
    """,
    # 2: the message log. Indexes in (time, id) order let the log page newest first (or
    # oldest first) across both tables by merging two index scans; phone_number rides along
    # so a number search reads only the index. log_state is the filterable outcome of a
    # message, from acceptance (status) and delivery (state: 2 delivered, 3 4 5 8 final).
    """
    ALTER TABLE messages ADD COLUMN log_state TEXT GENERATED ALWAYS AS (
        CASE
            WHEN state = 2 THEN 'delivered'
            WHEN state IN (3, 4, 5, 8) THEN 'undelivered'
            WHEN status = 'accepted' THEN 'accepted'
            WHEN status = 'failed' THEN 'failed'
            WHEN status = 'needs_operator' THEN 'attention'
            ELSE 'pending'
        END
    ) VIRTUAL;
    CREATE INDEX messages_log_time ON messages(created_at, id, phone_number);
    CREATE INDEX messages_log_state ON messages(log_state, created_at);
    CREATE INDEX replies_log_time ON replies(received_at, id, phone_number);
    """,
    # 3: the quarantine keeps the head of a large body with the whole one's length and
    # hash, and running totals for its caps (bytes: body, target and headers as stored).
    """
    ALTER TABLE quarantine ADD COLUMN body_length INTEGER;
    ALTER TABLE quarantine ADD COLUMN body_sha256 TEXT;
    CREATE TABLE quarantine_totals (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        entries INTEGER NOT NULL,
        bytes INTEGER NOT NULL,
        dropped INTEGER NOT NULL
    );
    INSERT INTO quarantine_totals
        SELECT 1, COUNT(*), IFNULL(SUM(length(body) + length(target) + length(headers)), 0), 0
        FROM quarantine;
    """,
    # 4: text search by index. Trigram full-text tables over the message and reply bodies,
    # kept current by triggers. They index lower(body) with a case-sensitive tokenizer:
    # SQLite's lower() folds ASCII letters only, as LIKE does, so a phrase query finds
    # exactly the rows LIKE '%text%' finds (the tokenizer's own folding would also match
    # letters LIKE tells apart, such as É and é). The views are their external content.
    """
    CREATE VIEW messages_text_content AS SELECT id, lower(body) AS body FROM messages;
    CREATE VIRTUAL TABLE messages_text USING fts5(
        body, content = 'messages_text_content', content_rowid = 'id',
        tokenize = 'trigram case_sensitive 1'
    );
    INSERT INTO messages_text (messages_text) VALUES ('rebuild');
    CREATE TRIGGER messages_text_insert AFTER INSERT ON messages BEGIN
        INSERT INTO messages_text (rowid, body) VALUES (new.id, lower(new.body));
    END;
    CREATE TRIGGER messages_text_delete AFTER DELETE ON messages BEGIN
        INSERT INTO messages_text (messages_text, rowid, body)
            VALUES ('delete', old.id, lower(old.body));
    END;
    CREATE TRIGGER messages_text_update AFTER UPDATE OF id, body ON messages BEGIN
        INSERT INTO messages_text (messages_text, rowid, body)
            VALUES ('delete', old.id, lower(old.body));
        INSERT INTO messages_text (rowid, body) VALUES (new.id, lower(new.body));
    END;

    CREATE VIEW replies_text_content AS SELECT id, lower(body) AS body FROM replies;
    CREATE VIRTUAL TABLE replies_text USING fts5(
        body, content = 'replies_text_content', content_rowid = 'id',
        tokenize = 'trigram case_sensitive 1'
    );
    INSERT INTO replies_text (replies_text) VALUES ('rebuild');
    CREATE TRIGGER replies_text_insert AFTER INSERT ON replies BEGIN
        INSERT INTO replies_text (rowid, body) VALUES (new.id, lower(new.body));
    END;
    CREATE TRIGGER replies_text_delete AFTER DELETE ON replies BEGIN
        INSERT INTO replies_text (replies_text, rowid, body)
            VALUES ('delete', old.id, lower(old.body));
    END;
    CREATE TRIGGER replies_text_update AFTER UPDATE OF id, body ON replies BEGIN
        INSERT INTO replies_text (replies_text, rowid, body)
            VALUES ('delete', old.id, lower(old.body));
        INSERT INTO replies_text (rowid, body) VALUES (new.id, lower(new.body));
    END;
    """,
    # 5: receipts for message_ids never sent from here, one log row each: the delivery-state
    # rule applied in arrival order (the first final state, 2 3 4 5 8, stands; until then
    # the latest), placed at the latest receipt's time; its id is its first receipt's.
    # Triggers keep it: a receipt for an unknown message_id adds or updates its row, the
    # message's arrival removes it. Two b-trees and no computed column: every receipt of a
    # flood of unknown ids passes here.
    """
    CREATE TABLE orphans (
        message_id TEXT PRIMARY KEY,
        id INTEGER NOT NULL,
        state INTEGER NOT NULL,
        state_result_code INTEGER,
        received_at REAL NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX orphans_log_time ON orphans(received_at, id);

    WITH orphaned AS (
        SELECT message_id, MAX(received_at) AS latest, MIN(id) AS first,
            MIN(CASE WHEN message_state IN (2, 3, 4, 5, 8) THEN id END) AS first_final,
            MAX(id) AS last
        FROM receipts r
        WHERE NOT EXISTS (SELECT 1 FROM messages m WHERE m.message_id = r.message_id)
        GROUP BY message_id
    )
    INSERT INTO orphans (message_id, id, state, state_result_code, received_at)
        SELECT g.message_id, g.first, r.message_state, r.result_code, g.latest
        FROM orphaned g JOIN receipts r ON r.id = COALESCE(g.first_final, g.last);

    CREATE TRIGGER receipts_orphan AFTER INSERT ON receipts
    WHEN NOT EXISTS (SELECT 1 FROM messages WHERE message_id = new.message_id) BEGIN
        INSERT INTO orphans (message_id, id, state, state_result_code, received_at)
            VALUES (new.message_id, new.id, new.message_state, new.result_code, new.received_at)
            ON CONFLICT (message_id) DO UPDATE SET
                state = CASE WHEN state IN (2, 3, 4, 5, 8) THEN state ELSE excluded.state END,
                state_result_code = CASE WHEN state IN (2, 3, 4, 5, 8)
                    THEN state_result_code ELSE excluded.state_result_code END,
                received_at = MAX(received_at, excluded.received_at);
    END;
    CREATE TRIGGER messages_orphan AFTER INSERT ON messages BEGIN
        DELETE FROM orphans WHERE message_id = new.message_id;
    END;
    """,
    # 6: phone numbers by any digits in them: trigram full-text tables over the numbers
    # of messages and replies (digits only, so no folding), kept by triggers. A search for
    # the last digits of a number reads the index instead of every number.
    """
    CREATE VIRTUAL TABLE messages_numbers USING fts5(
        phone_number, content = 'messages', content_rowid = 'id', tokenize = 'trigram'
    );
    INSERT INTO messages_numbers (messages_numbers) VALUES ('rebuild');
    CREATE TRIGGER messages_numbers_insert AFTER INSERT ON messages BEGIN
        INSERT INTO messages_numbers (rowid, phone_number) VALUES (new.id, new.phone_number);
    END;
    CREATE TRIGGER messages_numbers_delete AFTER DELETE ON messages BEGIN
        INSERT INTO messages_numbers (messages_numbers, rowid, phone_number)
            VALUES ('delete', old.id, old.phone_number);
    END;
    CREATE TRIGGER messages_numbers_update AFTER UPDATE OF id, phone_number ON messages BEGIN
        INSERT INTO messages_numbers (messages_numbers, rowid, phone_number)
            VALUES ('delete', old.id, old.phone_number);
        INSERT INTO messages_numbers (rowid, phone_number) VALUES (new.id, new.phone_number);
    END;

    CREATE VIRTUAL TABLE replies_numbers USING fts5(
        phone_number, content = 'replies', content_rowid = 'id', tokenize = 'trigram'
    );
    INSERT INTO replies_numbers (replies_numbers) VALUES ('rebuild');
    CREATE TRIGGER replies_numbers_insert AFTER INSERT ON replies BEGIN
        INSERT INTO replies_numbers (rowid, phone_number) VALUES (new.id, new.phone_number);
    END;
    CREATE TRIGGER replies_numbers_delete AFTER DELETE ON replies BEGIN
        INSERT INTO replies_numbers (replies_numbers, rowid, phone_number)
            VALUES ('delete', old.id, old.phone_number);
    END;
    CREATE TRIGGER replies_numbers_update AFTER UPDATE OF id, phone_number ON replies BEGIN
        INSERT INTO replies_numbers (replies_numbers, rowid, phone_number)
            VALUES ('delete', old.id, old.phone_number);
        INSERT INTO replies_numbers (rowid, phone_number) VALUES (new.id, new.phone_number);
    END;
    """,
    # 7: team mode's columns and tables, as the shared store has them: who sent each
    # message and from which host, the outbox's claims, the audit trail, and receivers'
    # heartbeats.
    """
    ALTER TABLE messages ADD COLUMN operator TEXT;
    ALTER TABLE messages ADD COLUMN host TEXT;
    ALTER TABLE messages ADD COLUMN lease_owner TEXT;
    ALTER TABLE messages ADD COLUMN lease_until REAL;
    CREATE INDEX messages_operator_time ON messages(operator, created_at, id);

    CREATE TABLE audit (
        id INTEGER PRIMARY KEY,
        at REAL NOT NULL,
        operator TEXT NOT NULL,
        host TEXT NOT NULL,
        action TEXT NOT NULL,
        message_id TEXT,
        detail TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX audit_time ON audit(at, id);

    CREATE TABLE receivers (
        receiver_id TEXT PRIMARY KEY,
        host TEXT NOT NULL,
        pid INTEGER NOT NULL,
        started_at REAL NOT NULL,
        seen_at REAL NOT NULL,
        last_callback_at REAL
    ) WITHOUT ROWID;
    """,
    # 8: text of one or two characters by index. Every trigram the text indexes were
    # given, in a table of its own (added to, never taken from, so a superset): text too
    # short for a trigram looks up the trigrams containing it here and asks the index for
    # those. A trigger splits each new text into trigrams against a table of positions.
    # Text with fewer characters than a trigram, or more than there are positions, has
    # none there: such rows are read from the table through a small partial index.
    """
    CREATE TABLE text_positions (i INTEGER PRIMARY KEY);
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 65536)
    INSERT INTO text_positions (i) SELECT i FROM n;

    CREATE TABLE text_trigrams (term TEXT PRIMARY KEY) WITHOUT ROWID;
    CREATE INDEX text_trigrams_second ON text_trigrams(substr(term, 2));
    CREATE INDEX text_trigrams_third ON text_trigrams(substr(term, 3));
    CREATE VIRTUAL TABLE temp.messages_text_terms USING fts5vocab(main, messages_text, row);
    CREATE VIRTUAL TABLE temp.replies_text_terms USING fts5vocab(main, replies_text, row);
    INSERT OR IGNORE INTO text_trigrams (term)
        SELECT term FROM temp.messages_text_terms
        UNION SELECT term FROM temp.replies_text_terms;
    DROP TABLE temp.messages_text_terms;
    DROP TABLE temp.replies_text_terms;

    CREATE TRIGGER messages_trigrams_insert AFTER INSERT ON messages BEGIN
        INSERT OR IGNORE INTO text_trigrams (term)
            SELECT substr(lower(new.body), i, 3) FROM text_positions
            WHERE i <= length(new.body) - 2;
    END;
    CREATE TRIGGER messages_trigrams_update AFTER UPDATE OF body ON messages BEGIN
        INSERT OR IGNORE INTO text_trigrams (term)
            SELECT substr(lower(new.body), i, 3) FROM text_positions
            WHERE i <= length(new.body) - 2;
    END;
    CREATE TRIGGER replies_trigrams_insert AFTER INSERT ON replies BEGIN
        INSERT OR IGNORE INTO text_trigrams (term)
            SELECT substr(lower(new.body), i, 3) FROM text_positions
            WHERE i <= length(new.body) - 2;
    END;
    CREATE TRIGGER replies_trigrams_update AFTER UPDATE OF body ON replies BEGIN
        INSERT OR IGNORE INTO text_trigrams (term)
            SELECT substr(lower(new.body), i, 3) FROM text_positions
            WHERE i <= length(new.body) - 2;
    END;
    CREATE INDEX messages_untrigrammed ON messages(id)
        WHERE length(body) < 3 OR length(body) > 65538;
    CREATE INDEX replies_untrigrammed ON replies(id)
        WHERE length(body) < 3 OR length(body) > 65538;
    """,
    # 9: conversations and opt-out.
    migration_conversations.CONVERSATIONS,
)


def pending(conn: sqlite3.Connection) -> int:
    """How many upgrades an existing schema awaits; 0 for a new, empty database."""
    (version,) = conn.execute("PRAGMA user_version").fetchone()
    return max(len(MIGRATIONS) - version, 0) if version else 0


def migrate(conn: sqlite3.Connection) -> int:
    """Bring the schema up to date; return the version now in force."""
    (version,) = conn.execute("PRAGMA user_version").fetchone()
    if version > len(MIGRATIONS):
        raise IncompatibleStore(
            f"the database is from a newer version of the program (schema {version}, "
            f"this program knows up to {len(MIGRATIONS)})"
        )
    for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
        # executescript commits first; wrap each step so it applies whole or not at all.
        conn.executescript(f"BEGIN;\n{script}\nPRAGMA user_version = {number};\nCOMMIT;")
    return len(MIGRATIONS)
