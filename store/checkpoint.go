package store

import (
	"database/sql"
	"sync"
	"time"

	sqlite3 "github.com/mattn/go-sqlite3"
)

// sqliteDriver is go-sqlite3 with automatic WAL checkpoints turned off on
// every pooled connection: a staff request that happens to commit the
// thousandth WAL frame would otherwise copy the WAL back into the database
// and fsync it before it answers. The background checkpointer does that
// work instead, and the intake writer turns automatic checkpoints back on
// for its own connection (see questionWriter.connect).
const sqliteDriver = "sqlite3_kysy"

var registerDriver sync.Once

func registerSQLiteDriver() {
	registerDriver.Do(func() {
		sql.Register(sqliteDriver, &sqlite3.SQLiteDriver{
			ConnectHook: func(c *sqlite3.SQLiteConn) error {
				_, err := c.Exec("PRAGMA wal_autocheckpoint = 0", nil)
				return err
			},
		})
	})
}

// checkpointEvery is how often the checkpointer copies the WAL back.
const checkpointEvery = 250 * time.Millisecond

// checkpointer copies the WAL back into the database in the background,
// every checkpointEvery. PASSIVE never waits for, or blocks, readers and
// writers, and costs next to nothing when no frame is new; the next write
// after a complete checkpoint starts the WAL over.
type checkpointer struct {
	db   *sql.DB
	stop chan struct{}
	done chan struct{}
	once sync.Once
}

func startCheckpointer(db *sql.DB, log interface{ Warn(string, ...any) }) *checkpointer {
	c := &checkpointer{db: db, stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(c.done)
		t := time.NewTicker(checkpointEvery)
		defer t.Stop()
		warned := false
		for {
			select {
			case <-c.stop:
				return
			case <-t.C:
			}
			var busy, frames, copied int
			err := c.db.QueryRow("PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &frames, &copied)
			if err != nil && !warned {
				log.Warn("background checkpoint", "err", err)
				warned = true
			}
		}
	}()
	return c
}

// close stops the checkpointer; calling it again does nothing.
func (c *checkpointer) close() {
	c.once.Do(func() { close(c.stop) })
	<-c.done
}
