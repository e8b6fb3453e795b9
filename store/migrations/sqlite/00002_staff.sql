-- Staff accounts, their credentials, answers with four-eyes review, and the
-- hash-chained audit log (SPEC §1, §3, I4, I5). Staff times are exact:
-- only the young person's times are truncated (I2).
-- +goose Up
CREATE TABLE staff_users (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    name           TEXT    NOT NULL,
    password_hash  TEXT    NOT NULL,
    roles          TEXT    NOT NULL,
    disabled       BOOLEAN NOT NULL DEFAULT FALSE,
    totp_secret    TEXT    NOT NULL DEFAULT '',
    failed_logins  INTEGER NOT NULL DEFAULT 0,
    locked_until   TIMESTAMP,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX staff_users_name ON staff_users (name);

CREATE TABLE api_tokens (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id     INTEGER NOT NULL REFERENCES staff_users (id),
    token_hash  BLOB    NOT NULL,
    expires_at  TIMESTAMP,
    created_at  TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX api_tokens_hash ON api_tokens (token_hash);

CREATE TABLE staff_sessions (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id     INTEGER NOT NULL REFERENCES staff_users (id),
    token_hash  BLOB    NOT NULL,
    csrf_token  TEXT    NOT NULL,
    expires_at  TIMESTAMP NOT NULL,
    created_at  TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX staff_sessions_hash ON staff_sessions (token_hash);
CREATE INDEX staff_sessions_user ON staff_sessions (user_id);

CREATE TABLE answers (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    question_id     INTEGER NOT NULL REFERENCES questions (id),
    body            TEXT    NOT NULL,
    status          TEXT    NOT NULL,
    author_id       INTEGER NOT NULL REFERENCES staff_users (id),
    reviewer_id     INTEGER REFERENCES staff_users (id),
    review_comment  TEXT    NOT NULL DEFAULT '',
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    submitted_at    TIMESTAMP,
    approved_at     TIMESTAMP
);
CREATE INDEX answers_status ON answers (status, submitted_at, id);
CREATE INDEX answers_approved ON answers (approved_at);

ALTER TABLE questions ADD COLUMN answer_id INTEGER REFERENCES answers (id);
CREATE INDEX questions_answer ON questions (answer_id);
CREATE INDEX questions_cluster ON questions (cluster_id);

CREATE TABLE audit_log (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    at           TIMESTAMP NOT NULL,
    actor        TEXT    NOT NULL,
    role         TEXT    NOT NULL,
    action       TEXT    NOT NULL,
    target_type  TEXT    NOT NULL,
    target_id    INTEGER NOT NULL,
    detail       TEXT    NOT NULL DEFAULT '',
    prev_hash    BLOB    NOT NULL,
    hash         BLOB    NOT NULL
);
-- History by target, for changes only. Reads are most of the log and
-- are counted in question_reads instead: an index over them would grow
-- one run per question and rewrite ~50 scattered pages per queue page.
CREATE INDEX audit_log_changes ON audit_log (target_type, target_id, id) WHERE action <> 'question.read';

-- How often staff in each role read each question: kept in the same
-- transaction as the question.read entries it counts, and checked
-- against them by `kysy audit verify`.
CREATE TABLE question_reads (
    question_id  INTEGER  NOT NULL,
    role         TEXT    NOT NULL,
    reads        INTEGER  NOT NULL,
    PRIMARY KEY (question_id, role)
);

-- The head of the chain, updated in the same transaction as each append:
-- it pins the last entry, so cutting the tail off is detected too, and
-- on PostgreSQL its row lock serialises appends.
CREATE TABLE audit_head (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    last_id  INTEGER NOT NULL,
    hash     BLOB    NOT NULL
);
INSERT INTO audit_head (id, last_id, hash) VALUES (1, 0, X'');

-- +goose Down
DROP TABLE question_reads;
DROP TABLE audit_head;
DROP TABLE audit_log;
DROP INDEX questions_cluster;
DROP INDEX questions_answer;
ALTER TABLE questions DROP COLUMN answer_id;
DROP TABLE answers;
DROP TABLE staff_sessions;
DROP TABLE api_tokens;
DROP TABLE staff_users;
