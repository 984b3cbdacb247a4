-- Follow-up after the conference: organisers answer on the idea (status
-- reason, official answer, responsible unit, progress), every step is kept
-- in a timeline, and unfinished ideas move on into a later conference while
-- the conference they left keeps a stage of them. See docs/follow-up.md.

ALTER TABLE ideas ADD COLUMN status_reason TEXT NOT NULL DEFAULT '';    -- why it was rejected
ALTER TABLE ideas ADD COLUMN official_answer TEXT NOT NULL DEFAULT '';  -- Markdown subset
ALTER TABLE ideas ADD COLUMN responsible_unit TEXT NOT NULL DEFAULT '';
ALTER TABLE ideas ADD COLUMN progress INTEGER NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100);

-- The timeline: one row per follow-up step or carry-over. NULL in
-- official_answer, responsible_unit and progress means "unchanged in this
-- step"; '' in from_status/to_status means the status did not change.
-- account_id is kept for the audit trail and never shown; author_name is the
-- organiser's display name at the time.
CREATE TABLE idea_follow_ups (
    id                   BIGSERIAL PRIMARY KEY,
    idea_id              BIGINT NOT NULL REFERENCES ideas(id),
    conference_id        BIGINT NOT NULL REFERENCES conferences(id), -- where the idea was at the time
    kind                 TEXT NOT NULL,                                -- update | carried_over
    account_id           BIGINT REFERENCES accounts(id),
    author_name          TEXT NOT NULL DEFAULT '',
    from_status          TEXT NOT NULL DEFAULT '',
    to_status            TEXT NOT NULL DEFAULT '',
    reason               TEXT NOT NULL DEFAULT '',
    official_answer      TEXT,
    responsible_unit     TEXT,
    progress             INTEGER CHECK (progress BETWEEN 0 AND 100),
    note                 TEXT NOT NULL DEFAULT '',
    target_conference_id BIGINT REFERENCES conferences(id),          -- carried_over: where it went
    created_at           TIMESTAMPTZ NOT NULL
);
CREATE INDEX idea_follow_ups_idea ON idea_follow_ups(idea_id, id);

-- An idea's standing in a conference it left by carry-over: its status and
-- counts at that moment, and where it went. An idea passes through a
-- conference at most once.
CREATE TABLE idea_stages (
    idea_id              BIGINT NOT NULL REFERENCES ideas(id),
    conference_id        BIGINT NOT NULL REFERENCES conferences(id),
    status               TEXT NOT NULL,
    supports             INTEGER NOT NULL,
    comments             INTEGER NOT NULL,
    target_conference_id BIGINT NOT NULL REFERENCES conferences(id),
    carried_at           TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (idea_id, conference_id)
);
CREATE INDEX idea_stages_conference ON idea_stages(conference_id, carried_at, idea_id);

-- "Meine Ideen" finds a browser's memberships by key hash across conferences.
CREATE INDEX participants_key_hash ON participants(key_hash);
