package store

import (
	"context"
	"fmt"
	"time"
)

// SpendChallenge records a verified proof-of-work challenge until
// expires, rounded up to the next hour (I2). It reports false when the
// challenge was spent before: a replayed solution. The insert is atomic
// on both engines, so two instances racing with one solution admit it
// once.
func (db *DB) SpendChallenge(ctx context.Context, challenge string, expires time.Time) (bool, error) {
	until := expires.UTC().Truncate(time.Hour)
	if until.Before(expires) {
		until = until.Add(time.Hour)
	}
	res := db.orm.WithContext(ctx).Exec(
		"INSERT INTO pow_used (challenge, expires_at) VALUES (?, ?) ON CONFLICT (challenge) DO NOTHING",
		challenge, until)
	if res.Error != nil {
		return false, fmt.Errorf("spend challenge: %w", translate(res.Error))
	}
	return res.RowsAffected == 1, nil
}

// PurgeSpentChallenges forgets challenges that expired before now; the
// library refuses an expired solution on its own, so forgetting them
// changes no decision. It returns how many it removed.
func (db *DB) PurgeSpentChallenges(ctx context.Context, now time.Time) (int64, error) {
	res := db.orm.WithContext(ctx).Exec("DELETE FROM pow_used WHERE expires_at < ?", now.UTC())
	if res.Error != nil {
		return 0, fmt.Errorf("purge challenges: %w", translate(res.Error))
	}
	return res.RowsAffected, nil
}
