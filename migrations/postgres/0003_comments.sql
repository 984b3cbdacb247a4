-- Comments on ideas, with one level of replies, and comment locks.

ALTER TABLE ideas ADD COLUMN comments_locked BOOLEAN NOT NULL DEFAULT FALSE;

CREATE TABLE comments (
    id            BIGSERIAL PRIMARY KEY,
    idea_id       BIGINT NOT NULL REFERENCES ideas(id),
    parent_id     BIGINT REFERENCES comments(id),
    author_id     BIGINT REFERENCES participants(id),
    author_name   TEXT NOT NULL DEFAULT '',
    body          TEXT NOT NULL,
    hidden        BOOLEAN NOT NULL DEFAULT FALSE,
    hidden_reason TEXT NOT NULL DEFAULT '',
    deleted       BOOLEAN NOT NULL DEFAULT FALSE,
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX comments_idea ON comments(idea_id, id);
