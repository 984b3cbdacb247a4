-- The idea market, part one: conference settings, participants, ideas with
-- their earlier versions, and supports.

ALTER TABLE conferences ADD COLUMN topics JSONB NOT NULL DEFAULT '[]';        -- array of names
ALTER TABLE conferences ADD COLUMN departments JSONB NOT NULL DEFAULT '[]';   -- array of names
ALTER TABLE conferences ADD COLUMN anonymity TEXT NOT NULL DEFAULT 'allowed'; -- never | allowed | always
ALTER TABLE conferences ADD COLUMN late_ideas BOOLEAN NOT NULL DEFAULT FALSE;

-- A participant is one browser's membership in one conference. key_hash is
-- the SHA-256 of the long-lived participant cookie; NULL after leaving.
CREATE TABLE participants (
    id            BIGSERIAL PRIMARY KEY,
    conference_id BIGINT NOT NULL REFERENCES conferences(id),
    key_hash      TEXT,
    display_name  TEXT NOT NULL,
    department    TEXT NOT NULL DEFAULT '',
    role          TEXT NOT NULL DEFAULT 'participant',
    created_at    TIMESTAMPTZ NOT NULL,
    left_at       TIMESTAMPTZ
);
CREATE UNIQUE INDEX participants_key ON participants(conference_id, key_hash);

CREATE TABLE ideas (
    id               BIGSERIAL PRIMARY KEY,
    conference_id    BIGINT NOT NULL REFERENCES conferences(id),
    title            TEXT NOT NULL,
    body             TEXT NOT NULL DEFAULT '',
    topic            TEXT NOT NULL DEFAULT '',
    department       TEXT NOT NULL DEFAULT '',
    author_id        BIGINT REFERENCES participants(id),
    author_name      TEXT NOT NULL DEFAULT '',   -- for imported ideas without a participant
    anonymous        BOOLEAN NOT NULL DEFAULT FALSE,
    status           TEXT NOT NULL DEFAULT 'new',
    hidden           BOOLEAN NOT NULL DEFAULT FALSE,
    hidden_reason    TEXT NOT NULL DEFAULT '',
    merged_into_id   BIGINT REFERENCES ideas(id),
    support_count    INTEGER NOT NULL DEFAULT 0,
    comment_count    INTEGER NOT NULL DEFAULT 0,
    version          INTEGER NOT NULL DEFAULT 1,
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX ideas_conference_created ON ideas(conference_id, created_at, id);
CREATE INDEX ideas_conference_supports ON ideas(conference_id, support_count, id);
CREATE INDEX ideas_conference_comments ON ideas(conference_id, comment_count, id);
CREATE INDEX ideas_author ON ideas(author_id);

-- Earlier versions of an idea, written before each edit, for moderators.
CREATE TABLE idea_versions (
    id         BIGSERIAL PRIMARY KEY,
    idea_id    BIGINT NOT NULL REFERENCES ideas(id),
    title      TEXT NOT NULL,
    body       TEXT NOT NULL,
    topic      TEXT NOT NULL,
    department TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX idea_versions_idea ON idea_versions(idea_id, id);

CREATE TABLE supports (
    idea_id        BIGINT NOT NULL REFERENCES ideas(id),
    participant_id BIGINT NOT NULL REFERENCES participants(id),
    created_at     TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (idea_id, participant_id)
);
CREATE INDEX supports_participant ON supports(participant_id);

