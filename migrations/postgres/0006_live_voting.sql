-- Live voting: the agenda's sessions, the rounds (votes) held in them, one
-- ballot per voter and round, and each idea's results written back at close.

-- moderator_ids is a JSON array of participant ids: a handful per session,
-- always read and written whole, never queried by member.
CREATE TABLE agenda_sessions (
    id            BIGSERIAL PRIMARY KEY,
    conference_id BIGINT NOT NULL REFERENCES conferences(id),
    title         TEXT NOT NULL,
    room          TEXT NOT NULL DEFAULT '',
    description   TEXT NOT NULL DEFAULT '',
    starts_at     TIMESTAMPTZ NOT NULL,
    ends_at       TIMESTAMPTZ NOT NULL,
    moderator_ids JSONB NOT NULL DEFAULT '[]',
    version       INTEGER NOT NULL DEFAULT 1,
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX agenda_sessions_conference ON agenda_sessions(conference_id, starts_at, id);

-- options is the JSON array of RoundOptions; results the JSON of the final
-- Results, NULL until the round closes and again after a reset. voter_key is
-- the secret of an anonymous round's voter hashes, NULL unless it is open.
CREATE TABLE rounds (
    id             BIGSERIAL PRIMARY KEY,
    conference_id  BIGINT NOT NULL REFERENCES conferences(id),
    session_id     BIGINT NOT NULL REFERENCES agenda_sessions(id),
    title          TEXT NOT NULL,
    method         TEXT NOT NULL,
    options        JSONB NOT NULL DEFAULT '[]',
    max_choices    INTEGER NOT NULL DEFAULT 0,
    points         INTEGER NOT NULL DEFAULT 0,
    max_per_option INTEGER NOT NULL DEFAULT 0,
    live_results   BOOLEAN NOT NULL DEFAULT FALSE,
    anonymous      BOOLEAN NOT NULL DEFAULT FALSE,
    changeable     BOOLEAN NOT NULL DEFAULT FALSE,
    eligibility    TEXT NOT NULL DEFAULT 'joined',
    state          TEXT NOT NULL DEFAULT 'draft',
    closes_at      TIMESTAMPTZ,
    opened_at      TIMESTAMPTZ,
    closed_at      TIMESTAMPTZ,
    revealed_at    TIMESTAMPTZ,
    voter_key      BYTEA,
    results        JSONB,
    version        INTEGER NOT NULL DEFAULT 1,
    created_at     TIMESTAMPTZ NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX rounds_session ON rounds(session_id, id);
CREATE INDEX rounds_open ON rounds(id) WHERE state = 'open';

-- One ballot per voter and round: one person, one vote, as a fact of the
-- schema. voter_key is "p<participant id>" or, in anonymous rounds, a keyed
-- hash; participant_id is set in named rounds only.
CREATE TABLE ballots (
    id             BIGSERIAL PRIMARY KEY,
    round_id       BIGINT NOT NULL REFERENCES rounds(id),
    voter_key      TEXT NOT NULL,
    participant_id BIGINT REFERENCES participants(id),
    client_id      TEXT NOT NULL,
    cast_at        TIMESTAMPTZ NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL,
    CONSTRAINT ballots_voter UNIQUE (round_id, voter_key)
);

-- What each ballot gave each option. round_id is copied from the ballot so
-- that a round's tally is one GROUP BY over this index, without a join and
-- without a counter row that every ballot would have to update.
CREATE TABLE ballot_values (
    ballot_id BIGINT NOT NULL REFERENCES ballots(id) ON DELETE CASCADE,
    round_id  BIGINT NOT NULL,
    option_id INTEGER NOT NULL,
    value     INTEGER NOT NULL,
    PRIMARY KEY (ballot_id, option_id)
);
CREATE INDEX ballot_values_tally ON ballot_values(round_id, option_id, value);

-- How an idea fared in a round, written when the round's results are saved.
CREATE TABLE idea_round_results (
    idea_id  BIGINT NOT NULL REFERENCES ideas(id),
    round_id BIGINT NOT NULL REFERENCES rounds(id),
    votes    INTEGER NOT NULL,
    no       INTEGER NOT NULL,
    points   INTEGER NOT NULL,
    mean     DOUBLE PRECISION NOT NULL,
    rank     INTEGER NOT NULL,
    options  INTEGER NOT NULL,
    ballots  INTEGER NOT NULL,
    PRIMARY KEY (idea_id, round_id)
);
CREATE INDEX idea_round_results_round ON idea_round_results(round_id);
