-- Questions as stored: the text is already redacted, the receipt only as a
-- SHA-256 hash, and the timestamps truncated to the hour (SPEC I1-I3).
-- +goose Up
CREATE TABLE questions (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    receipt_hash    BLOB    NOT NULL,
    text            TEXT    NOT NULL,
    lang            TEXT    NOT NULL,
    status          TEXT    NOT NULL,
    urgent          BOOLEAN NOT NULL DEFAULT FALSE,
    spam            BOOLEAN NOT NULL DEFAULT FALSE,
    consent_publish BOOLEAN NOT NULL DEFAULT FALSE,
    redactions      TEXT    NOT NULL DEFAULT '[]',
    signals         TEXT    NOT NULL DEFAULT '[]',
    cluster_id      INTEGER,
    reject_reason   TEXT    NOT NULL DEFAULT '',
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX questions_receipt_hash ON questions (receipt_hash);
CREATE INDEX questions_queue ON questions (status, urgent DESC, created_at, id);

-- +goose Down
DROP TABLE questions;
