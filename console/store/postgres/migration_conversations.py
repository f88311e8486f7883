"""Migration 3 of the shared store: conversations and opt-out.

As the SQLite store's migration 9: threads kept by triggers, each operator's read marks,
the opt-out list and its history, canned replies, what could not be made of a reply's
attachment. Claims of threads, opt-out changes and canned replies reach consoles through
the change feed.

Kept apart from :mod:`console.store.postgres.migrations` for its length; never edited once
shipped.
"""

CONVERSATIONS = """
    CREATE TABLE threads (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        phone_number TEXT NOT NULL,
        sender TEXT NOT NULL,
        last_at DOUBLE PRECISION NOT NULL,
        last_direction TEXT NOT NULL,
        last_message_id TEXT NOT NULL,
        last_body TEXT NOT NULL,
        incoming INTEGER NOT NULL DEFAULT 0,
        -- The replies that came before conversations did: read, for every operator.
        seen_by_all INTEGER NOT NULL DEFAULT 0,
        claimed_by TEXT,
        claimed_until DOUBLE PRECISION,
        UNIQUE (phone_number, sender)
    );
    CREATE INDEX threads_recent ON threads (last_at, id);
    CREATE INDEX threads_unread ON threads (id) WHERE incoming > 0;
    CREATE INDEX threads_numbers ON threads USING gin (phone_number gin_trgm_ops);
    CREATE INDEX messages_thread ON messages (phone_number, sender, created_at, id);
    CREATE INDEX replies_thread ON replies (phone_number, shortcode, received_at, id);

    INSERT INTO threads (phone_number, sender, last_at, last_direction, last_message_id,
                         last_body, incoming)
        SELECT DISTINCT ON (e.phone_number, e.sender)
               e.phone_number, e.sender, e.at, e.direction, e.message_id, left(e.body, 200),
               (SELECT count(*) FROM replies r
                WHERE r.phone_number = e.phone_number AND r.shortcode = e.sender)
        FROM (
            SELECT phone_number, sender, created_at AS at, 'out' AS direction,
                   message_id, body FROM messages
            UNION ALL
            SELECT phone_number, shortcode, received_at, 'in', message_id, body FROM replies
        ) AS e
        ORDER BY e.phone_number, e.sender, e.at DESC, e.direction;
    UPDATE threads SET seen_by_all = incoming;

    -- In the threads' order, so that two writers touching the same threads wait for each
    -- other instead of deadlocking.
    CREATE FUNCTION threads_from_messages() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO threads AS t (phone_number, sender, last_at, last_direction,
                                  last_message_id, last_body)
            SELECT DISTINCT ON (phone_number, sender)
                   phone_number, sender, created_at, 'out', message_id, left(body, 200)
            FROM new_rows
            ORDER BY phone_number, sender, created_at DESC, id DESC
        ON CONFLICT (phone_number, sender) DO UPDATE SET
            last_at = excluded.last_at, last_direction = excluded.last_direction,
            last_message_id = excluded.last_message_id, last_body = excluded.last_body
        WHERE excluded.last_at >= t.last_at;
        RETURN NULL;
    END $$;
    CREATE FUNCTION threads_from_replies() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO threads AS t (phone_number, sender, last_at, last_direction,
                                  last_message_id, last_body, incoming)
            SELECT DISTINCT ON (phone_number, shortcode)
                   phone_number, shortcode, received_at, 'in', message_id, left(body, 200),
                   count(*) OVER (PARTITION BY phone_number, shortcode)
            FROM new_rows
            ORDER BY phone_number, shortcode, received_at DESC, id DESC
        ON CONFLICT (phone_number, sender) DO UPDATE SET
            incoming = t.incoming + excluded.incoming,
            last_at = greatest(t.last_at, excluded.last_at),
            last_direction = CASE WHEN excluded.last_at >= t.last_at
                                  THEN excluded.last_direction ELSE t.last_direction END,
            last_message_id = CASE WHEN excluded.last_at >= t.last_at
                                   THEN excluded.last_message_id ELSE t.last_message_id END,
            last_body = CASE WHEN excluded.last_at >= t.last_at
                             THEN excluded.last_body ELSE t.last_body END;
        RETURN NULL;
    END $$;
    CREATE TRIGGER threads_messages AFTER INSERT ON messages
        REFERENCING NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION threads_from_messages();
    CREATE TRIGGER threads_replies AFTER INSERT ON replies
        REFERENCING NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION threads_from_replies();

    CREATE TABLE thread_reads (
        thread_id BIGINT NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
        operator TEXT NOT NULL,
        seen INTEGER NOT NULL,
        PRIMARY KEY (thread_id, operator)
    );

    CREATE TABLE suppressions (
        phone_number TEXT PRIMARY KEY,
        at DOUBLE PRECISION NOT NULL,
        keyword TEXT,
        reply_message_id TEXT,
        operator TEXT,
        host TEXT,
        reason TEXT,
        -- The STOP confirmation stored with the opt-out: the one message the number may get.
        confirmation_message_id TEXT
    );
    CREATE TABLE suppression_events (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        phone_number TEXT NOT NULL,
        action TEXT NOT NULL,
        at DOUBLE PRECISION NOT NULL,
        keyword TEXT,
        reply_message_id TEXT,
        operator TEXT,
        host TEXT,
        reason TEXT
    );
    CREATE INDEX suppression_events_number ON suppression_events (phone_number, at, id);

    CREATE TABLE canned_replies (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        name TEXT NOT NULL,
        -- The name folded (console.protocol.canned_text.name_key): two names that differ
        -- only in case are one reply's.
        name_key TEXT NOT NULL UNIQUE,
        body TEXT NOT NULL,
        updated_at DOUBLE PRECISION NOT NULL,
        updated_by TEXT
    );

    ALTER TABLE reply_attachments ADD COLUMN problem TEXT;

    -- A thread's claim, an opt-out list's entry or a canned reply changed: the change's
    -- message_id is the thread's id, the number, or empty.
    CREATE FUNCTION record_thread_changes() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO changes (kind, message_id)
            SELECT DISTINCT 'thread', n.id::text FROM new_rows n JOIN old_rows o USING (id)
            WHERE (n.claimed_by, n.claimed_until) IS DISTINCT FROM
                  (o.claimed_by, o.claimed_until);
        IF FOUND THEN
            PERFORM wake_consoles();
        END IF;
        RETURN NULL;
    END $$;
    CREATE FUNCTION record_suppression_changes() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO changes (kind, message_id)
            SELECT DISTINCT 'suppression', phone_number FROM new_rows;
        IF FOUND THEN
            PERFORM wake_consoles();
        END IF;
        RETURN NULL;
    END $$;
    CREATE FUNCTION record_canned_changes() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO changes (kind, message_id) VALUES ('canned', '');
        PERFORM wake_consoles();
        RETURN NULL;
    END $$;
    CREATE TRIGGER threads_changes_update AFTER UPDATE ON threads
        REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION record_thread_changes();
    CREATE TRIGGER suppression_changes AFTER INSERT ON suppression_events
        REFERENCING NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION record_suppression_changes();
    -- For each row: a statement trigger would fire for a statement that changed none.
    CREATE TRIGGER canned_changes AFTER INSERT OR UPDATE OR DELETE ON canned_replies
        FOR EACH ROW EXECUTE FUNCTION record_canned_changes();

    -- A change of its own for each refused callback: a console counts them all.
    CREATE OR REPLACE FUNCTION record_quarantine_changes() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO changes (kind, message_id) SELECT 'quarantine', id::text FROM new_rows;
        IF FOUND THEN
            PERFORM wake_consoles();
        END IF;
        RETURN NULL;
    END $$;
    DROP TRIGGER quarantine_changes ON quarantine;
    CREATE TRIGGER quarantine_changes AFTER INSERT ON quarantine
        REFERENCING NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION record_quarantine_changes();
    """
