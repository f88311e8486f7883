"""The shared store's numbered schema migrations, applied in order by ``db migrate``.

Append new steps; never edit one that has shipped.
"""

from console.store.postgres import migration_conversations

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
    # 2: team mode. Who sent each message and from which host; the outbox's claims (a
    # console sending a message holds it until lease_until, and may renew that); the audit
    # trail; each receiver's heartbeat; the change feed that wakes every console.
    """
    ALTER TABLE messages
        ADD COLUMN operator TEXT,
        ADD COLUMN host TEXT,
        ADD COLUMN lease_owner TEXT,
        ADD COLUMN lease_until DOUBLE PRECISION;
    CREATE INDEX messages_operator_time ON messages (operator, created_at, id);

    CREATE TABLE audit (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at DOUBLE PRECISION NOT NULL,
        operator TEXT NOT NULL,
        host TEXT NOT NULL,
        action TEXT NOT NULL,
        message_id TEXT,
        detail TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX audit_time ON audit (at, id);

    CREATE TABLE receivers (
        receiver_id TEXT PRIMARY KEY,
        host TEXT NOT NULL,
        pid INTEGER NOT NULL,
        started_at DOUBLE PRECISION NOT NULL,
        seen_at DOUBLE PRECISION NOT NULL,
        last_callback_at DOUBLE PRECISION
    );

    -- One row per committed change that consoles show. seq orders them; xact is the
    -- writing transaction, so that a reader can tell which rows may still appear below
    -- the ones it has seen (a sequence value is taken at insert, not at commit).
    CREATE TABLE changes (
        seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        xact xid8 NOT NULL DEFAULT pg_current_xact_id(),
        kind TEXT NOT NULL,
        message_id TEXT NOT NULL,
        at DOUBLE PRECISION NOT NULL DEFAULT extract(epoch FROM clock_timestamp())
    );
    CREATE INDEX changes_xact ON changes (xact);
    CREATE INDEX changes_time ON changes (at);

    -- Statement triggers with transition tables: a receiver's batch of a hundred rows
    -- costs one INSERT here, and one NOTIFY, delivered at commit.
    -- A transaction that notifies holds a lock of the whole database through its commit,
    -- so that the commits of two receivers would wait for each other. A receiver
    -- therefore notifies in a short transaction of its own after each commit, and says
    -- so by setting sms_console.wake_after_commit in its batch's transaction.
    CREATE FUNCTION wake_consoles() RETURNS void LANGUAGE plpgsql AS $$
    BEGIN
        IF current_setting('sms_console.wake_after_commit', true) IS DISTINCT FROM 'on' THEN
            PERFORM pg_notify('sms_console_changes', '');
        END IF;
    END $$;
    CREATE FUNCTION record_changes() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO changes (kind, message_id)
            SELECT DISTINCT TG_ARGV[0], message_id FROM new_rows;
        IF FOUND THEN
            PERFORM wake_consoles();
        END IF;
        RETURN NULL;
    END $$;
    -- A message's row changes for a lease alone too: only what a console shows counts.
    CREATE FUNCTION record_message_changes() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO changes (kind, message_id)
            SELECT DISTINCT 'message', n.message_id FROM new_rows n JOIN old_rows o USING (id)
            WHERE (n.status, n.result_code, n.status_detail, n.attempt_count,
                   n.next_attempt_at, n.state, n.state_result_code, n.state_at)
                IS DISTINCT FROM
                  (o.status, o.result_code, o.status_detail, o.attempt_count,
                   o.next_attempt_at, o.state, o.state_result_code, o.state_at);
        IF FOUND THEN
            PERFORM wake_consoles();
        END IF;
        RETURN NULL;
    END $$;
    CREATE FUNCTION record_quarantine_changes() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO changes (kind, message_id) VALUES ('quarantine', '');
        PERFORM wake_consoles();
        RETURN NULL;
    END $$;
    CREATE TRIGGER messages_changes_insert AFTER INSERT ON messages
        REFERENCING NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION record_changes('message');
    CREATE TRIGGER messages_changes_update AFTER UPDATE ON messages
        REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION record_message_changes();
    CREATE TRIGGER receipts_changes_insert AFTER INSERT ON receipts
        REFERENCING NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION record_changes('receipt');
    CREATE TRIGGER receipts_changes_update AFTER UPDATE ON receipts
        REFERENCING NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION record_changes('receipt');
    CREATE TRIGGER replies_changes_insert AFTER INSERT ON replies
        REFERENCING NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION record_changes('reply');
    CREATE TRIGGER replies_changes_update AFTER UPDATE ON replies
        REFERENCING NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION record_changes('reply');
    CREATE TRIGGER quarantine_changes AFTER INSERT ON quarantine
        FOR EACH STATEMENT EXECUTE FUNCTION record_quarantine_changes();

    -- Text of one or two characters, too short for pg_trgm, found as the SQLite store
    -- finds it (its migration 8): through the trigrams that contain it. Every trigram of
    -- the (ASCII-folded) texts is listed, added to and never taken from; each text's own
    -- trigrams are a GIN-indexed array, which a search asks for any of those listed.
    -- Text shorter than a trigram has none: a partial index finds it.
    CREATE FUNCTION trigrams(t TEXT) RETURNS TEXT[]
        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
        AS $$
            SELECT coalesce(array_agg(DISTINCT substr(t, i, 3)), '{}')
            FROM generate_series(1, length(t) - 2) AS i
        $$;
    CREATE TABLE text_trigrams (term TEXT COLLATE "C" PRIMARY KEY);
    CREATE INDEX text_trigrams_second ON text_trigrams (substr(term, 2));
    CREATE INDEX text_trigrams_third ON text_trigrams (substr(term, 3));
    INSERT INTO text_trigrams (term)
        SELECT unnest(trigrams(lower(body COLLATE "C"))) FROM messages
        UNION SELECT unnest(trigrams(lower(body COLLATE "C"))) FROM replies;
    CREATE INDEX messages_trigrams ON messages
        USING gin (trigrams(lower(body COLLATE "C")));
    CREATE INDEX replies_trigrams ON replies USING gin (trigrams(lower(body COLLATE "C")));
    CREATE INDEX messages_short_text ON messages (id) WHERE length(body) < 3;
    CREATE INDEX replies_short_text ON replies (id) WHERE length(body) < 3;

    -- In one order, so that two writers adding the same new trigrams wait for each
    -- other instead of deadlocking.
    CREATE FUNCTION record_trigrams() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO text_trigrams (term)
            SELECT DISTINCT unnest(trigrams(lower(body COLLATE "C"))) FROM new_rows ORDER BY 1
            ON CONFLICT DO NOTHING;
        RETURN NULL;
    END $$;
    CREATE FUNCTION record_new_body_trigrams() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO text_trigrams (term)
            SELECT DISTINCT unnest(trigrams(lower(NEW.body COLLATE "C"))) ORDER BY 1
            ON CONFLICT DO NOTHING;
        RETURN NULL;
    END $$;
    CREATE TRIGGER messages_trigrams_insert AFTER INSERT ON messages
        REFERENCING NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION record_trigrams();
    CREATE TRIGGER replies_trigrams_insert AFTER INSERT ON replies
        REFERENCING NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION record_trigrams();
    CREATE TRIGGER messages_trigrams_update AFTER UPDATE OF body ON messages
        FOR EACH ROW WHEN (OLD.body IS DISTINCT FROM NEW.body)
        EXECUTE FUNCTION record_new_body_trigrams();
    CREATE TRIGGER replies_trigrams_update AFTER UPDATE OF body ON replies
        FOR EACH ROW WHEN (OLD.body IS DISTINCT FROM NEW.body)
        EXECUTE FUNCTION record_new_body_trigrams();
    """,
    # 3: conversations and opt-out.
    migration_conversations.CONVERSATIONS,
)
