-- Proof-of-work challenges already spent (SPEC §4.2, issue 6). The ALTCHA
-- library keeps no record, so a solved challenge is stored until it
-- expires and a replay is refused. The row holds the challenge hash only,
-- and its expiry rounded up to the hour, so that it cannot date a
-- question more precisely than the question's own time (I2).
-- +goose Up
CREATE TABLE pow_used (
    challenge   TEXT        NOT NULL PRIMARY KEY,
    expires_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX pow_used_expires ON pow_used (expires_at);

-- +goose Down
DROP TABLE pow_used;
