-- The idea market, part three: personal invite links, merges of duplicate
-- ideas (with what is needed to undo them), and supports counted by an
-- earlier platform that an import brings along.

-- Only the SHA-256 of an invite token is stored; the link is shown to the
-- organiser once. email is NULL once the invited person left and was erased.
CREATE TABLE invites (
    id             INTEGER PRIMARY KEY,
    conference_id  INTEGER NOT NULL REFERENCES conferences(id),
    email          TEXT,
    token_hash     TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    used_at        TEXT,
    participant_id INTEGER REFERENCES participants(id)
);
CREATE UNIQUE INDEX invites_email ON invites(conference_id, email);
CREATE UNIQUE INDEX invites_token ON invites(conference_id, token_hash);

-- Supports an import carried over from another platform: counted, but not
-- tied to any participant. ideas.support_count = imported_supports + supports.
ALTER TABLE ideas ADD COLUMN imported_supports INTEGER NOT NULL DEFAULT 0;

CREATE TABLE merges (
    id              INTEGER PRIMARY KEY,
    conference_id   INTEGER NOT NULL REFERENCES conferences(id),
    source_id       INTEGER NOT NULL REFERENCES ideas(id),
    target_id       INTEGER NOT NULL REFERENCES ideas(id),
    previous_status TEXT NOT NULL,
    moved_imported  INTEGER NOT NULL DEFAULT 0,
    actor           TEXT NOT NULL,
    reason          TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL,
    undone_at       TEXT
);
CREATE INDEX merges_source ON merges(source_id, id);
CREATE INDEX merges_target ON merges(target_id, id);

-- Each support the source idea had at the merge. moved: it went to the
-- target; otherwise the person already supported the target and it was
-- dropped. Undo restores all of them to the source and removes the moved ones
-- from the target.
CREATE TABLE merge_supports (
    merge_id       INTEGER NOT NULL REFERENCES merges(id),
    participant_id INTEGER NOT NULL REFERENCES participants(id),
    created_at     TEXT NOT NULL,
    moved          INTEGER NOT NULL,
    PRIMARY KEY (merge_id, participant_id)
);

-- The comments the merge moved from the source to the target.
CREATE TABLE merge_comments (
    merge_id   INTEGER NOT NULL REFERENCES merges(id),
    comment_id INTEGER NOT NULL REFERENCES comments(id),
    PRIMARY KEY (merge_id, comment_id)
);
