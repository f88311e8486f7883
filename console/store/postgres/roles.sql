-- Team mode's database roles on the shared store (printed by `sms-console db roles`).
--
-- Run it as a superuser, in the store's database, after `sms-console db migrate` and
-- again after every later migrate: it makes what is missing and grants from scratch.
--
--   sms_owner     owns the schema; `db migrate` runs as it (made before the first
--                 migrate, as the database's owner)
--   sms_receiver  `sms-console receiver`: stores receipts, replies and refused callbacks
--   sms_operator  the console: reads everything, creates messages, records attempts
--
-- Neither of the last two may change the schema. Each person or receiver logs in as a
-- role of its own that is a member of one of them, e.g.
--   CREATE ROLE alice LOGIN PASSWORD '...' IN ROLE sms_operator;

DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'sms_receiver') THEN
        CREATE ROLE sms_receiver NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'sms_operator') THEN
        CREATE ROLE sms_operator NOLOGIN;
    END IF;
END $$;

-- Only the owner creates objects in the schema (PostgreSQL 15's default, made sure of).
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO sms_receiver, sms_operator;

-- From scratch (column privileges go with their table's), so that a re-run takes back
-- what is no longer granted below.
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM sms_receiver, sms_operator;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM sms_receiver, sms_operator;

-- Both check the schema version they meet.
GRANT SELECT ON schema_version TO sms_receiver, sms_operator;

-- Receivers: every callback, counted once; a message's delivery state and nothing else
-- of it (not its text); a receipt for an unknown message_id kept as an orphan (by a
-- trigger that runs as the receiver, and dropped once its message exists); refused
-- callbacks, within the quarantine's caps.
GRANT SELECT, INSERT ON receipts, replies, reply_attachments TO sms_receiver;
GRANT UPDATE (redeliveries, last_received_at) ON receipts TO sms_receiver;
GRANT UPDATE (redeliveries) ON replies TO sms_receiver;
GRANT SELECT (id, message_id, state, state_result_code, state_at, updated_at)
    ON messages TO sms_receiver;
GRANT UPDATE (state, state_result_code, state_at, updated_at) ON messages TO sms_receiver;
GRANT SELECT, INSERT, UPDATE, DELETE ON orphans TO sms_receiver;
GRANT SELECT, INSERT, DELETE ON quarantine TO sms_receiver;
GRANT SELECT, UPDATE ON quarantine_totals TO sms_receiver;
GRANT USAGE ON SEQUENCE receipts_id_seq, replies_id_seq, quarantine_id_seq TO sms_receiver;
-- Its own heartbeat row (and others' read, to show them; those gone for a day deleted);
-- the change feed that its writes add to by triggers, and trims.
GRANT SELECT, INSERT, UPDATE, DELETE ON receivers TO sms_receiver;
GRANT SELECT, INSERT, DELETE ON changes TO sms_receiver;
GRANT USAGE ON SEQUENCE changes_seq_seq TO sms_receiver;
-- The list of trigrams the texts hold, added to by triggers as replies arrive.
GRANT INSERT ON text_trigrams TO sms_receiver;

-- Conversations: a reply's thread, kept by a trigger; an opt-out keyword's entry on the
-- opt-out list (added or taken off in the reply's transaction, with its history).
GRANT SELECT, INSERT, UPDATE (incoming, last_at, last_direction, last_message_id, last_body)
    ON threads TO sms_receiver;
GRANT SELECT, INSERT, UPDATE, DELETE ON suppressions TO sms_receiver;
GRANT SELECT, INSERT ON suppression_events TO sms_receiver;
GRANT USAGE ON SEQUENCE threads_id_seq, suppression_events_id_seq TO sms_receiver;

-- Operators: everything read; messages, their attachments and attempts written, never
-- deleted. A console claims the messages it sends (SELECT … FOR UPDATE SKIP LOCKED, then
-- a lease written on the message's row). A new message takes over its orphan receipts:
-- it first claims the orphan's row (waiting for a receiver storing one), then deletes it.
GRANT SELECT ON ALL TABLES IN SCHEMA public TO sms_operator;
GRANT INSERT, UPDATE ON messages, attachments, attempts TO sms_operator;
GRANT INSERT, UPDATE (id), DELETE ON orphans TO sms_operator;
GRANT USAGE ON SEQUENCE messages_id_seq TO sms_operator;
-- The audit trail is added to, never changed; the change feed is added to by triggers.
GRANT INSERT ON audit, changes, text_trigrams TO sms_operator;
GRANT USAGE ON SEQUENCE audit_id_seq, changes_seq_seq TO sms_operator;
-- Conversations: threads (made by a trigger as a message is stored; claimed by an
-- operator), each operator's read marks, the opt-out list changed by hand (with its
-- history), the team's canned replies.
GRANT INSERT, UPDATE ON threads TO sms_operator;
GRANT INSERT, UPDATE, DELETE ON thread_reads, suppressions, canned_replies TO sms_operator;
GRANT INSERT ON suppression_events TO sms_operator;
GRANT USAGE ON SEQUENCE threads_id_seq, suppression_events_id_seq, canned_replies_id_seq
    TO sms_operator;
