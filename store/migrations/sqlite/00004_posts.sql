-- Publishing (SPEC §3, §9, I4, I7). A post publishes one approved answer;
-- what it published (question only with consent, answer, caption) is
-- copied into the post when it goes out, so later edits do not change a
-- published post. Each channel of a post is a delivery, claimed with a
-- lease before it is sent (exactly once across crashes and instances).
-- +goose Up
CREATE TABLE posts (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    answer_id     INTEGER NOT NULL REFERENCES answers (id),
    question_id   INTEGER REFERENCES questions (id),
    status        TEXT    NOT NULL,
    scheduled_at  TIMESTAMP NOT NULL,
    published_at  TIMESTAMP,
    channels      TEXT    NOT NULL,
    lang          TEXT    NOT NULL,
    question      TEXT    NOT NULL DEFAULT '',
    answer        TEXT    NOT NULL DEFAULT '',
    caption       TEXT    NOT NULL DEFAULT '',
    reason        TEXT    NOT NULL DEFAULT '',
    created_by    INTEGER NOT NULL REFERENCES staff_users (id),
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL
);
CREATE INDEX posts_due ON posts (status, scheduled_at, id);
CREATE INDEX posts_answer ON posts (answer_id);
CREATE INDEX posts_public ON posts (published_at DESC, id DESC) WHERE published_at IS NOT NULL;

CREATE TABLE deliveries (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    post_id          INTEGER NOT NULL REFERENCES posts (id),
    channel          TEXT    NOT NULL,
    status           TEXT    NOT NULL,
    idempotency_key  TEXT    NOT NULL,
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TIMESTAMP NOT NULL,
    lease_owner      TEXT    NOT NULL DEFAULT '',
    lease_until      TIMESTAMP,
    container_id     TEXT    NOT NULL DEFAULT '',
    external_id      TEXT    NOT NULL DEFAULT '',
    last_error       TEXT    NOT NULL DEFAULT '',
    delivered_at     TIMESTAMP,
    updated_at       TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX deliveries_post_channel ON deliveries (post_id, channel);
CREATE INDEX deliveries_due ON deliveries (status, next_attempt_at, id);

-- Posting slots: cron expressions in scheduler.timezone.
CREATE TABLE slots (
    position  INTEGER NOT NULL PRIMARY KEY,
    spec      TEXT    NOT NULL
);

-- One row per scheduler job: the instance holding the lease runs it
-- (SPEC §10: one instance publishes at a time).
CREATE TABLE job_leases (
    name         TEXT NOT NULL PRIMARY KEY,
    owner        TEXT NOT NULL,
    lease_until  TIMESTAMP NOT NULL
);

-- +goose Down
DROP TABLE job_leases;
DROP TABLE slots;
DROP TABLE deliveries;
DROP TABLE posts;
