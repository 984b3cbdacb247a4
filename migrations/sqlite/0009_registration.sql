-- Registration: sign-ups with double opt-in, capacity, waitlist with
-- expiring offers, over-booking by an expected no-show rate, check-in at
-- the door, and a durable outbox for the e-mails all of that sends. See
-- docs/registration.md.

CREATE TABLE registration_settings (
    conference_id         INTEGER PRIMARY KEY REFERENCES conferences(id),
    open                  INTEGER NOT NULL DEFAULT 0,
    venue_limit           INTEGER NOT NULL DEFAULT 0 CHECK (venue_limit >= 0),
    no_show_rate          REAL NOT NULL DEFAULT 0 CHECK (no_show_rate >= 0 AND no_show_rate <= 0.5),
    offer_hours           INTEGER NOT NULL DEFAULT 48 CHECK (offer_hours >= 1),
    require_check_in      INTEGER NOT NULL DEFAULT 0,
    retention_days        INTEGER NOT NULL DEFAULT 0 CHECK (retention_days >= 0),
    measured_no_show_rate REAL CHECK (measured_no_show_rate >= 0 AND measured_no_show_rate <= 1),
    version               INTEGER NOT NULL,
    updated_at            TEXT NOT NULL
);

CREATE TABLE registrations (
    id             INTEGER PRIMARY KEY,
    conference_id  INTEGER NOT NULL REFERENCES conferences(id),
    token_hash     TEXT NOT NULL,             -- SHA-256 of the personal link's token
    ticket_code    TEXT NOT NULL,
    request_key    TEXT NOT NULL DEFAULT '',  -- the form's idempotency key
    name           TEXT NOT NULL,
    email          TEXT NOT NULL,
    email_norm     TEXT NOT NULL,             -- lower-cased, for "one active registration per address"
    name_norm      TEXT NOT NULL DEFAULT '',  -- lower-cased in Go, so that the search by name folds Ä/ä alike in both engines
    department     TEXT NOT NULL DEFAULT '',
    accessibility  TEXT NOT NULL DEFAULT '',
    locale         TEXT NOT NULL DEFAULT 'de',
    status         TEXT NOT NULL,
    walk_in        INTEGER NOT NULL DEFAULT 0,
    promoted       INTEGER NOT NULL DEFAULT 0,
    created_at     TEXT NOT NULL,
    confirmed_at   TEXT,
    waitlisted_at  TEXT,
    offered_at     TEXT,
    offer_expires  TEXT,
    cancelled_at   TEXT,
    checked_in_at  TEXT,
    check_in_door  TEXT NOT NULL DEFAULT '',
    erased_at      TEXT,
    version        INTEGER NOT NULL,
    updated_at     TEXT NOT NULL
);
-- Token and ticket are unique while set; '' (cleared by erasure) may repeat.
CREATE UNIQUE INDEX registrations_token ON registrations(token_hash) WHERE token_hash <> '';
CREATE UNIQUE INDEX registrations_ticket ON registrations(conference_id, ticket_code) WHERE ticket_code <> '';
CREATE UNIQUE INDEX registrations_request ON registrations(conference_id, request_key) WHERE request_key <> '';
-- Walk-ins may come without an address ('').
CREATE UNIQUE INDEX registrations_active_email ON registrations(conference_id, email_norm)
    WHERE status NOT IN ('cancelled', 'lapsed') AND erased_at IS NULL AND email_norm <> '';
CREATE INDEX registrations_status ON registrations(conference_id, status);
CREATE INDEX registrations_waitlist ON registrations(conference_id, waitlisted_at, id) WHERE status = 'waitlisted';

-- A participant (a browser) linked to its registration from the ticket
-- page, so that voting can require check-in.
ALTER TABLE participants ADD COLUMN registration_id INTEGER REFERENCES registrations(id);

CREATE TABLE mail_outbox (
    id              INTEGER PRIMARY KEY,
    conference_id   INTEGER REFERENCES conferences(id),
    registration_id INTEGER REFERENCES registrations(id),
    to_addr         TEXT NOT NULL,
    locale          TEXT NOT NULL,
    template        TEXT NOT NULL,
    data            TEXT NOT NULL,            -- JSON object of strings
    dedupe_key      TEXT,                     -- NULL or unique
    created_at      TEXT NOT NULL,
    next_attempt_at TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    claimed_until   TEXT,
    sent_at         TEXT,
    failed_at       TEXT,
    last_error      TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX mail_outbox_dedupe ON mail_outbox(dedupe_key) WHERE dedupe_key IS NOT NULL;
CREATE INDEX mail_outbox_due ON mail_outbox(next_attempt_at) WHERE sent_at IS NULL AND failed_at IS NULL;
CREATE INDEX mail_outbox_registration ON mail_outbox(registration_id);
