"""Migration 9 of the SQLite store: conversations and opt-out.

A thread per customer number and our sender, kept by triggers as messages and replies
arrive (with the count of replies, against which each operator's read mark is kept); the
numbers that opted out, and every change to that list; canned replies; what could not be
made of a reply's attachment.

Kept apart from :mod:`console.store.migrations` for its length; never edited once shipped.
"""

CONVERSATIONS = """
    CREATE TABLE threads (
        id INTEGER PRIMARY KEY,
        phone_number TEXT NOT NULL,
        sender TEXT NOT NULL,
        last_at REAL NOT NULL,
        last_direction TEXT NOT NULL,
        last_message_id TEXT NOT NULL,
        last_body TEXT NOT NULL,
        incoming INTEGER NOT NULL DEFAULT 0,
        -- The replies that came before conversations did: read, for every operator.
        seen_by_all INTEGER NOT NULL DEFAULT 0,
        claimed_by TEXT,
        claimed_until REAL,
        UNIQUE (phone_number, sender)
    );
    -- The number rides along: a search for digits in it reads the index alone.
    CREATE INDEX threads_recent ON threads(last_at, id, phone_number);
    CREATE INDEX threads_unread ON threads(id) WHERE incoming > 0;
    CREATE INDEX messages_thread ON messages(phone_number, sender, created_at, id);
    CREATE INDEX replies_thread ON replies(phone_number, shortcode, received_at, id);

    INSERT INTO threads (phone_number, sender, last_at, last_direction, last_message_id,
                         last_body, incoming)
        SELECT phone_number, sender, at, direction, message_id, substr(body, 1, 200),
               (SELECT count(*) FROM replies r
                WHERE r.phone_number = e.phone_number AND r.shortcode = e.sender)
        FROM (
            SELECT phone_number, sender, at, direction, message_id, body,
                   row_number() OVER (PARTITION BY phone_number, sender
                                      ORDER BY at DESC, direction) AS n
            FROM (
                SELECT phone_number, sender, created_at AS at, 'out' AS direction,
                       message_id, body FROM messages
                UNION ALL
                SELECT phone_number, shortcode, received_at, 'in', message_id, body
                FROM replies
            )
        ) AS e
        WHERE n = 1;
    UPDATE threads SET seen_by_all = incoming;

    CREATE TRIGGER threads_message AFTER INSERT ON messages BEGIN
        INSERT INTO threads (phone_number, sender, last_at, last_direction,
                             last_message_id, last_body)
        VALUES (new.phone_number, new.sender, new.created_at, 'out', new.message_id,
                substr(new.body, 1, 200))
        ON CONFLICT (phone_number, sender) DO UPDATE SET
            last_at = excluded.last_at, last_direction = excluded.last_direction,
            last_message_id = excluded.last_message_id, last_body = excluded.last_body
        WHERE excluded.last_at >= threads.last_at;
    END;
    CREATE TRIGGER threads_reply AFTER INSERT ON replies BEGIN
        INSERT INTO threads (phone_number, sender, last_at, last_direction,
                             last_message_id, last_body, incoming)
        VALUES (new.phone_number, new.shortcode, new.received_at, 'in', new.message_id,
                substr(new.body, 1, 200), 1)
        ON CONFLICT (phone_number, sender) DO UPDATE SET
            incoming = threads.incoming + 1,
            last_at = max(threads.last_at, excluded.last_at),
            last_direction = iif(excluded.last_at >= threads.last_at,
                                 excluded.last_direction, threads.last_direction),
            last_message_id = iif(excluded.last_at >= threads.last_at,
                                  excluded.last_message_id, threads.last_message_id),
            last_body = iif(excluded.last_at >= threads.last_at,
                            excluded.last_body, threads.last_body);
    END;

    -- How many of a thread's replies an operator has seen (marking a thread unread sets
    -- it one below its count).
    CREATE TABLE thread_reads (
        thread_id INTEGER NOT NULL REFERENCES threads(id) ON DELETE CASCADE,
        operator TEXT NOT NULL,
        seen INTEGER NOT NULL,
        PRIMARY KEY (thread_id, operator)
    ) WITHOUT ROWID;

    -- The numbers that must not be sent to: by an opt-out keyword (its word and the
    -- reply's id) or by hand (the operator and the reason).
    CREATE TABLE suppressions (
        phone_number TEXT PRIMARY KEY,
        at REAL NOT NULL,
        keyword TEXT,
        reply_message_id TEXT,
        operator TEXT,
        host TEXT,
        reason TEXT,
        -- The STOP confirmation stored with the opt-out: the one message the number may get.
        confirmation_message_id TEXT
    ) WITHOUT ROWID;
    CREATE TABLE suppression_events (
        id INTEGER PRIMARY KEY,
        phone_number TEXT NOT NULL,
        action TEXT NOT NULL,
        at REAL NOT NULL,
        keyword TEXT,
        reply_message_id TEXT,
        operator TEXT,
        host TEXT,
        reason TEXT
    );
    CREATE INDEX suppression_events_number ON suppression_events(phone_number, at, id);

    CREATE TABLE canned_replies (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        -- The name folded (console.protocol.canned_text.name_key): two names that differ
        -- only in case are one reply's.
        name_key TEXT NOT NULL UNIQUE,
        body TEXT NOT NULL,
        updated_at REAL NOT NULL,
        updated_by TEXT
    );

    ALTER TABLE reply_attachments ADD COLUMN problem TEXT;
    """
