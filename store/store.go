// Package store owns Kysy's persisted nouns: GORM records, queries,
// transactions and migrations. It imports no other Kysy package, knows
// nothing of HTTP or policy, and never logs row data.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"gorm.io/driver/postgres"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// Config selects the database engine and where it lives.
type Config struct {
	Driver string `mapstructure:"driver"`
	DSN    string `mapstructure:"dsn"`
}

// Validate reports a configuration that Open cannot use, naming the key.
func (c Config) Validate() error {
	var errs []error
	switch c.Driver {
	case "sqlite", "postgres":
	default:
		errs = append(errs, fmt.Errorf("database.driver: %q is not one of sqlite, postgres", c.Driver))
	}
	if strings.TrimSpace(c.DSN) == "" {
		errs = append(errs, errors.New("database.dsn: must not be empty"))
	}
	return errors.Join(errs...)
}

// ErrNotFound is returned when a row that must exist does not.
var ErrNotFound = errors.New("not found")

// ErrConflict is returned when a conditional write finds the row changed,
// or a unique key is taken.
var ErrConflict = errors.New("conflict")

// DB is Kysy's database handle. main owns it and closes it.
type DB struct {
	orm    *gorm.DB
	sqlDB  *sql.DB
	driver string
	log    *slog.Logger
	// Now is the clock; tests replace it.
	Now func() time.Time

	writer *questionWriter
	// ckpt is the background WAL checkpointer (SQLite only).
	ckpt *checkpointer
}

// Open connects to the database of cfg. For SQLite it creates the parent
// directory, and every connection runs in WAL mode with foreign keys,
// secure_delete, full sync and a busy timeout.
func Open(ctx context.Context, cfg Config, log *slog.Logger) (*DB, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	gl := logger.NewSlogLogger(log.With("component", "gorm"), logger.Config{
		SlowThreshold:             500 * time.Millisecond,
		LogLevel:                  logger.Warn,
		IgnoreRecordNotFoundError: true,
		ParameterizedQueries:      true,
	})
	gcfg := &gorm.Config{
		Logger:                 gl,
		TranslateError:         true,
		SkipDefaultTransaction: true,
		NowFunc:                func() time.Time { return time.Now().UTC() },
	}
	var dial gorm.Dialector
	switch cfg.Driver {
	case "sqlite":
		dsn, err := sqliteDSN(cfg.DSN)
		if err != nil {
			return nil, err
		}
		registerSQLiteDriver()
		dial = sqlite.New(sqlite.Config{DriverName: sqliteDriver, DSN: dsn})
	case "postgres":
		dial = postgres.Open(cfg.DSN)
	}
	orm, err := gorm.Open(dial, gcfg)
	if err != nil {
		return nil, fmt.Errorf("open %s database: %w", cfg.Driver, err)
	}
	sqlDB, err := orm.DB()
	if err != nil {
		return nil, fmt.Errorf("open %s database: %w", cfg.Driver, err)
	}
	if cfg.Driver == "sqlite" {
		// One writer at a time is all SQLite allows; a small pool serves
		// readers in WAL mode without piling up busy waits.
		sqlDB.SetMaxOpenConns(8)
		sqlDB.SetMaxIdleConns(8)
		sqlDB.SetConnMaxIdleTime(0)
	}
	if err := sqlDB.PingContext(ctx); err != nil {
		sqlDB.Close()
		return nil, fmt.Errorf("connect to %s database: %w", cfg.Driver, err)
	}
	db := &DB{orm: orm, sqlDB: sqlDB, driver: cfg.Driver, log: log.With("component", "store"),
		Now: func() time.Time { return time.Now().UTC() }}
	db.writer = newQuestionWriter(db)
	if cfg.Driver == "sqlite" {
		db.ckpt = startCheckpointer(sqlDB, db.log)
	}
	return db, nil
}

// sqliteDSN turns a file path (or file: URI) into a go-sqlite3 DSN with
// Kysy's pragmas. Existing query parameters win over the defaults.
func sqliteDSN(dsn string) (string, error) {
	path, query, _ := strings.Cut(strings.TrimPrefix(dsn, "file:"), "?")
	if path == "" || path == ":memory:" {
		return "", errors.New("database.dsn: SQLite needs a file path (an in-memory database would lose acknowledged questions)")
	}
	if dir := filepath.Dir(path); dir != "." {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return "", fmt.Errorf("database.dsn: create directory: %w", err)
		}
	}
	q, err := url.ParseQuery(query)
	if err != nil {
		return "", fmt.Errorf("database.dsn: %w", err)
	}
	defaults := map[string]string{
		"_journal_mode":  "WAL",
		"_foreign_keys":  "on",
		"_busy_timeout":  "10000",
		"_synchronous":   "FULL",
		"_secure_delete": "on",
		"_txlock":        "immediate",
	}
	for k, v := range defaults {
		if !q.Has(k) {
			q.Set(k, v)
		}
	}
	return "file:" + path + "?" + q.Encode(), nil
}

// Driver names the engine: sqlite or postgres.
func (db *DB) Driver() string { return db.driver }

// Ping reports whether the database answers.
func (db *DB) Ping(ctx context.Context) error {
	var one int
	if err := db.sqlDB.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		return fmt.Errorf("ping database: %w", err)
	}
	return nil
}

// Close stops the question writer, checkpoints the WAL and closes the pool.
func (db *DB) Close() error {
	db.writer.stop()
	if db.ckpt != nil {
		db.ckpt.close()
	}
	if db.driver == "sqlite" {
		if _, err := db.sqlDB.Exec("PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
			db.log.Warn("checkpoint at close", "err", err)
		}
	}
	return db.sqlDB.Close()
}

// Checkpoint folds the SQLite WAL back into the database file and truncates
// it, so that overwritten pages (withdrawn text) do not linger in the WAL.
// It is a no-op on PostgreSQL.
func (db *DB) Checkpoint(ctx context.Context) error {
	if db.driver != "sqlite" {
		return nil
	}
	if _, err := db.sqlDB.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	return nil
}

// InTx runs fn in one transaction; fn's error rolls it back.
func (db *DB) InTx(ctx context.Context, fn func(tx *DB) error) error {
	return db.orm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		return fn(&DB{orm: tx, sqlDB: db.sqlDB, driver: db.driver, log: db.log, Now: db.Now, writer: db.writer})
	})
}

// translate maps GORM's errors onto the store's sentinels.
func translate(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, gorm.ErrRecordNotFound):
		return ErrNotFound
	case errors.Is(err, gorm.ErrDuplicatedKey):
		return ErrConflict
	}
	return err
}
