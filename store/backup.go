package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
)

// BackupInfo describes a finished backup.
type BackupInfo struct {
	Path          string
	Bytes         int64
	SchemaVersion int64
}

// Backup writes a consistent copy of the SQLite database to the new file
// out while the database stays in use. VACUUM INTO reads the database in
// one read transaction, so the copy is a snapshot (WAL content included)
// that never blocks writers; it is also compacted, so free pages of
// deleted text are not carried over.
//
// The copy is written to a temporary file beside out, checked, synced and
// only then linked under its final name with mode 0600, so a failed or
// interrupted backup never leaves a partial file called out. Backup never
// overwrites: it refuses when out exists, when out's directory does not,
// when out is the database file itself, and on PostgreSQL (use pg_dump).
func (db *DB) Backup(ctx context.Context, out string) (BackupInfo, error) {
	if db.driver != "sqlite" {
		return BackupInfo{}, fmt.Errorf("backup: the %s database is not a file; use pg_dump", db.driver)
	}
	if out == "" {
		return BackupInfo{}, errors.New("backup: no output file given")
	}
	if err := db.checkBackupTarget(ctx, out); err != nil {
		return BackupInfo{}, err
	}
	var tables int
	if err := db.sqlDB.QueryRowContext(ctx,
		"SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").Scan(&tables); err != nil {
		return BackupInfo{}, fmt.Errorf("backup: %w", err)
	}
	if tables == 0 {
		// Open creates a missing file: without this, a mistyped
		// database.dsn would "back up" an empty database.
		return BackupInfo{}, errors.New("backup: the database has no Kysy schema (is database.dsn right? run kysy migrate first)")
	}

	dir := filepath.Dir(out)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(out)+".*.tmp")
	if err != nil {
		return BackupInfo{}, fmt.Errorf("backup: %w", err)
	}
	tmpPath := tmp.Name()
	tmp.Close()
	done := false
	defer func() {
		if !done {
			os.Remove(tmpPath)
		}
	}()

	// VACUUM INTO fills an empty existing file and keeps its mode (0600
	// from CreateTemp).
	if _, err := db.sqlDB.ExecContext(ctx, "VACUUM INTO ?", tmpPath); err != nil {
		return BackupInfo{}, fmt.Errorf("backup: copy database: %w", err)
	}
	version, err := checkBackupCopy(ctx, tmpPath)
	if err != nil {
		return BackupInfo{}, err
	}
	size, err := syncFile(tmpPath)
	if err != nil {
		return BackupInfo{}, fmt.Errorf("backup: %w", err)
	}
	if err := linkNoReplace(tmpPath, out); err != nil {
		return BackupInfo{}, err
	}
	done = true
	os.Remove(tmpPath)
	if err := syncDir(dir); err != nil {
		return BackupInfo{}, fmt.Errorf("backup: %w", err)
	}
	return BackupInfo{Path: out, Bytes: size, SchemaVersion: version}, nil
}

// checkBackupTarget refuses an out that is the database itself, already
// exists, or lies in a directory that does not.
func (db *DB) checkBackupTarget(ctx context.Context, out string) error {
	var seq int
	var name, file string
	if err := db.sqlDB.QueryRowContext(ctx, "PRAGMA database_list").Scan(&seq, &name, &file); err != nil {
		return fmt.Errorf("backup: locate the database file: %w", err)
	}
	abs, err := filepath.Abs(out)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	outInfo, outErr := os.Stat(out)
	if abs == filepath.Clean(file) {
		return fmt.Errorf("backup: %s is the database file itself; give a new file", out)
	}
	if outErr == nil {
		if dbInfo, err := os.Stat(file); err == nil && os.SameFile(outInfo, dbInfo) {
			return fmt.Errorf("backup: %s is the database file itself; give a new file", out)
		}
	}
	if _, err := os.Lstat(out); err == nil {
		return fmt.Errorf("backup: %s already exists; backups never overwrite, give a new file", out)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("backup: %w", err)
	}
	dir := filepath.Dir(out)
	if st, err := os.Stat(dir); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("backup: directory %s does not exist", dir)
		}
		return fmt.Errorf("backup: %w", err)
	} else if !st.IsDir() {
		return fmt.Errorf("backup: %s is not a directory", dir)
	}
	return nil
}

// checkBackupCopy opens the copy read-only, checks it and returns its
// schema version.
func checkBackupCopy(ctx context.Context, path string) (int64, error) {
	u := url.URL{Scheme: "file", Path: path}
	// file:/abs/path or file:rel/path; immutable: nothing else has the file.
	dsn := "file:" + u.EscapedPath() + "?mode=ro&immutable=1"
	c, err := sql.Open("sqlite3", dsn)
	if err != nil {
		return 0, fmt.Errorf("backup: open copy: %w", err)
	}
	defer c.Close()
	var check string
	if err := c.QueryRowContext(ctx, "PRAGMA quick_check").Scan(&check); err != nil {
		return 0, fmt.Errorf("backup: check copy: %w", err)
	}
	if check != "ok" {
		return 0, fmt.Errorf("backup: the copy failed its check: %s", check)
	}
	var v int64
	if err := c.QueryRowContext(ctx,
		"SELECT COALESCE(MAX(version_id), 0) FROM schema_migrations WHERE is_applied").Scan(&v); err != nil {
		return 0, fmt.Errorf("backup: schema version of copy: %w", err)
	}
	return v, nil
}

// syncFile sets path to mode 0600, flushes it to disk and returns its size.
func syncFile(path string) (int64, error) {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	if err := f.Chmod(0o600); err != nil {
		return 0, err
	}
	if err := f.Sync(); err != nil {
		return 0, err
	}
	st, err := f.Stat()
	if err != nil {
		return 0, err
	}
	return st.Size(), f.Close()
}

// linkNoReplace gives the file at tmp the name out, failing if out exists.
// A hard link cannot replace a file, unlike rename; on a file system
// without hard links it falls back to checking first and renaming.
func linkNoReplace(tmp, out string) error {
	err := os.Link(tmp, out)
	if err == nil {
		return nil
	}
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("backup: %s already exists; backups never overwrite, give a new file", out)
	}
	if _, serr := os.Lstat(out); !errors.Is(serr, fs.ErrNotExist) {
		return fmt.Errorf("backup: %s already exists; backups never overwrite, give a new file", out)
	}
	if rerr := os.Rename(tmp, out); rerr != nil {
		return fmt.Errorf("backup: move copy into place: %w", errors.Join(err, rerr))
	}
	return nil
}

// syncDir flushes dir's entries, so the new name survives a crash.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
