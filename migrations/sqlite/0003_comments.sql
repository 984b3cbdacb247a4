-- Comments on ideas, with one level of replies, and comment locks.

ALTER TABLE ideas ADD COLUMN comments_locked INTEGER NOT NULL DEFAULT 0;

CREATE TABLE comments (
    id            INTEGER PRIMARY KEY,
    idea_id       INTEGER NOT NULL REFERENCES ideas(id),
    parent_id     INTEGER REFERENCES comments(id),
    author_id     INTEGER REFERENCES participants(id),
    author_name   TEXT NOT NULL DEFAULT '',
    body          TEXT NOT NULL,
    hidden        INTEGER NOT NULL DEFAULT 0,
    hidden_reason TEXT NOT NULL DEFAULT '',
    deleted       INTEGER NOT NULL DEFAULT 0,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE INDEX comments_idea ON comments(idea_id, id);
