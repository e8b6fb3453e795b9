package store

import (
	"context"
	"fmt"
)

// PragmaForTest reads one SQLite pragma on a pooled connection.
func (db *DB) PragmaForTest(ctx context.Context, name string) (string, error) {
	var v string
	err := db.sqlDB.QueryRowContext(ctx, fmt.Sprintf("PRAGMA %s", name)).Scan(&v)
	return v, err
}
