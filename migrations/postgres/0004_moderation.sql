-- Moderation: tags and review marks, reports by participants, and the audit log.

ALTER TABLE ideas ADD COLUMN tags JSONB NOT NULL DEFAULT '[]';
ALTER TABLE ideas ADD COLUMN reviewed BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE comments ADD COLUMN reviewed BOOLEAN NOT NULL DEFAULT FALSE;
CREATE INDEX ideas_unreviewed ON ideas(conference_id, reviewed);

CREATE TABLE reports (
    id             BIGSERIAL PRIMARY KEY,
    conference_id  BIGINT NOT NULL REFERENCES conferences(id),
    entity         TEXT NOT NULL,  -- idea | comment
    entity_id      BIGINT NOT NULL,
    participant_id BIGINT NOT NULL REFERENCES participants(id),
    reason         TEXT NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL,
    resolved_at    TIMESTAMPTZ
);
CREATE UNIQUE INDEX reports_once ON reports(entity, entity_id, participant_id);
CREATE INDEX reports_conference ON reports(conference_id, resolved_at);

CREATE TABLE audit_log (
    id            BIGSERIAL PRIMARY KEY,
    conference_id BIGINT NOT NULL REFERENCES conferences(id),
    actor         TEXT NOT NULL,   -- organiser e-mail or moderator display name, as at the time
    action        TEXT NOT NULL,
    entity        TEXT NOT NULL,
    entity_id     BIGINT NOT NULL,
    reason        TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX audit_log_conference ON audit_log(conference_id, id);
