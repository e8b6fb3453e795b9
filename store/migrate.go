package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"

	"github.com/pressly/goose/v3"
)

//go:embed migrations
var migrationsFS embed.FS

// MigrationsFS returns the numbered SQL migrations of one dialect
// ("sqlite" or "postgres"). Both dialects carry the same versions.
func MigrationsFS(driver string) (fs.FS, error) {
	return fs.Sub(migrationsFS, "migrations/"+driver)
}

// Migrate applies every pending migration in order, each in its own
// transaction, and records it in schema_migrations. It returns the
// versions it applied.
func (db *DB) Migrate(ctx context.Context) ([]int64, error) {
	fsys, err := MigrationsFS(db.driver)
	if err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	dialect := goose.DialectSQLite3
	if db.driver == "postgres" {
		dialect = goose.DialectPostgres
	}
	p, err := goose.NewProvider(dialect, db.sqlDB, fsys, goose.WithTableName("schema_migrations"))
	if err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	results, err := p.Up(ctx)
	if err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	applied := make([]int64, 0, len(results))
	for _, r := range results {
		applied = append(applied, r.Source.Version)
	}
	return applied, nil
}

// SchemaVersion returns the newest applied migration version.
func (db *DB) SchemaVersion(ctx context.Context) (int64, error) {
	var v int64
	err := db.sqlDB.QueryRowContext(ctx,
		"SELECT COALESCE(MAX(version_id), 0) FROM schema_migrations WHERE is_applied").Scan(&v)
	if err != nil {
		return 0, fmt.Errorf("schema version: %w", err)
	}
	return v, nil
}
