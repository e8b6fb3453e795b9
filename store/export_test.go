package store

import (
	"context"
	"fmt"
	"time"
)

// PragmaForTest reads one SQLite pragma on a pooled connection.
func (db *DB) PragmaForTest(ctx context.Context, name string) (string, error) {
	var v string
	err := db.sqlDB.QueryRowContext(ctx, fmt.Sprintf("PRAGMA %s", name)).Scan(&v)
	return v, err
}

// ExecForTest runs raw SQL, as an attacker with database access would.
func (db *DB) ExecForTest(ctx context.Context, query string, args ...any) error {
	_, err := db.sqlDB.ExecContext(ctx, query, args...)
	return err
}

// SetMaxConnsForTest bounds the pool, so a test can see the one connection.
func (db *DB) SetMaxConnsForTest(n int) { db.sqlDB.SetMaxOpenConns(n) }

// QueryTimeForTest reads one time value with raw SQL.
func (db *DB) QueryTimeForTest(ctx context.Context, query string, args ...any) (time.Time, error) {
	var t time.Time
	err := db.orm.WithContext(ctx).Raw(query, args...).Row().Scan(&t)
	return t, err
}
