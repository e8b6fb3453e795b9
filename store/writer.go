package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/mattn/go-sqlite3"
	"gorm.io/gorm"
)

// ErrClosed is returned by CreateQuestion after Close.
var ErrClosed = errors.New("store is closed")

// walSizeLimit is journal_size_limit on the writer's connection: when the
// WAL starts over, a WAL file that grew larger is truncated to this size.
const walSizeLimit = 8 << 20

// maxBatch bounds one group commit; SQLite's bound-parameter limit allows
// far more, but a short batch keeps the tail latency of each commit low.
const maxBatch = 256

// questionWriter is the group-commit path for new questions: every
// concurrent CreateQuestion call that arrives while a commit is running
// joins the next one, so one fsync acknowledges many questions.
type questionWriter struct {
	db   *DB
	reqs chan insertRequest
	quit chan struct{}
	done chan struct{}
	once sync.Once

	// insert writes one batch in one transaction: sqliteInsert on SQLite,
	// ormInsert on PostgreSQL.
	insert func(qs []*Question) error

	// On SQLite the writer keeps one connection of the pool for itself,
	// with the INSERT prepared once: a batch is then BEGIN IMMEDIATE, one
	// execution of the prepared statement per question, COMMIT. GORM's
	// multi-row INSERT … RETURNING, built and parsed afresh for every
	// batch, took nearly half the server's CPU under load; this halves
	// the writer's CPU per question (BENCHMARKS.md).
	conn *sql.Conn
	stmt *sql.Stmt

	// commits and rows count the batches committed and the questions in
	// them, for benchmarks (rows per commit shows the group commit).
	commits, rows atomic.Int64
}

type insertRequest struct {
	q    *Question
	errc chan error
}

func newQuestionWriter(db *DB) *questionWriter {
	w := &questionWriter{db: db, reqs: make(chan insertRequest), quit: make(chan struct{}), done: make(chan struct{})}
	w.insert = w.ormInsert
	if db.driver == "sqlite" {
		w.insert = w.sqliteInsert
	}
	go w.run()
	return w
}

// CreateQuestion stores q durably and sets q.ID. It returns only after the
// transaction holding q has committed (SPEC I6), or with an error, in which
// case q was not acknowledged.
func (db *DB) CreateQuestion(ctx context.Context, q *Question) error {
	r := insertRequest{q: q, errc: make(chan error, 1)}
	select {
	case db.writer.reqs <- r:
	case <-db.writer.quit:
		return fmt.Errorf("create question: %w", ErrClosed)
	case <-ctx.Done():
		return fmt.Errorf("create question: %w", ctx.Err())
	}
	// Once handed over the insert runs to its end: wait for it, so that the
	// caller never reports failure for a question that was in fact stored.
	if err := <-r.errc; err != nil {
		return fmt.Errorf("create question: %w", err)
	}
	return nil
}

func (w *questionWriter) run() {
	defer close(w.done)
	defer w.release()
	batch := make([]insertRequest, 0, maxBatch)
	for {
		select {
		case r := <-w.reqs:
			batch = append(batch[:0], r)
		gather:
			for len(batch) < maxBatch {
				select {
				case r := <-w.reqs:
					batch = append(batch, r)
				default:
					break gather
				}
			}
			w.commit(batch)
		case <-w.quit:
			return
		}
	}
}

// commit writes the batch in one transaction. If the batch fails as a
// whole, each question is retried alone so one bad row cannot sink the rest.
func (w *questionWriter) commit(batch []insertRequest) {
	qs := make([]*Question, len(batch))
	for i, r := range batch {
		qs[i] = r.q
	}
	err := w.insert(qs)
	if err == nil {
		w.commits.Add(1)
		w.rows.Add(int64(len(qs)))
		for _, r := range batch {
			r.errc <- nil
		}
		return
	}
	for _, q := range qs {
		q.ID = 0
	}
	if len(batch) == 1 {
		batch[0].errc <- translate(err)
		return
	}
	for _, r := range batch {
		err := w.insert([]*Question{r.q})
		if err != nil {
			r.q.ID = 0
		}
		r.errc <- translate(err)
	}
}

// ormInsert writes qs with GORM in one transaction (PostgreSQL).
func (w *questionWriter) ormInsert(qs []*Question) error {
	return w.db.orm.WithContext(context.Background()).Transaction(func(tx *gorm.DB) error {
		return insertQuestions(tx, qs)
	})
}

// insertQuestionSQL names the same columns, in the same order, as GORM's
// INSERT for Question; the values are bound the same way, so a row is
// stored byte for byte as GORM would store it (TestSQLiteInsertMatchesGORM).
const insertQuestionSQL = "INSERT INTO questions (receipt_hash, text, lang, status, urgent, spam, consent_publish, " +
	"redactions, signals, cluster_id, reject_reason, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"

// sqliteInsert writes qs in one transaction on the writer's own
// connection and sets their IDs. It returns only after COMMIT succeeded;
// on any error the transaction is rolled back and no ID is kept. Errors
// go through GORM's SQLite error translation, as GORM's Create would.
func (w *questionWriter) sqliteInsert(qs []*Question) error {
	err := w.sqliteInsertTx(qs)
	if err != nil {
		if tr, ok := w.db.orm.Dialector.(gorm.ErrorTranslator); ok {
			err = tr.Translate(err)
		}
	}
	return err
}

func (w *questionWriter) sqliteInsertTx(qs []*Question) error {
	if len(qs) == 0 {
		return errors.New("insert questions: empty batch")
	}
	// The writer never gives up on a batch half way: a request's context
	// ends the wait for its answer, not the write (see CreateQuestion).
	ctx := context.Background()
	if err := w.connect(ctx); err != nil {
		return err
	}
	// _txlock=immediate applies to database/sql transactions only; say it.
	if _, err := w.conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		w.abort()
		return err
	}
	for _, q := range qs {
		res, err := w.stmt.ExecContext(ctx, q.ReceiptHash, q.Text, q.Lang, string(q.Status), q.Urgent, q.Spam,
			q.ConsentPublish, q.Redactions, q.Signals, q.ClusterID, q.RejectReason, q.CreatedAt, q.UpdatedAt)
		if err == nil {
			q.ID, err = res.LastInsertId()
		}
		if err != nil {
			w.abort()
			return err
		}
	}
	if _, err := w.conn.ExecContext(ctx, "COMMIT"); err != nil {
		w.abort()
		return err
	}
	return nil
}

// connect takes the writer's own connection from the pool, if it has none,
// and prepares the INSERT on it.
//
// WAL checkpoints stay SQLite's automatic ones (wal_autocheckpoint, 1000
// frames): the COMMIT that takes the WAL past 1000 frames copies it back
// into the database. Because all intake goes through this one writer, no
// other write slips in between that checkpoint and the next batch, so the
// next batch starts the WAL over from its beginning and the WAL stays at
// about 1000 frames plus one batch (~4-5 MB) under sustained load. (With
// many connections each committing single rows, another commit lands while
// each checkpoint runs, the WAL is never wholly copied back, never starts
// over, and grows without bound: SQLite's "checkpoint starvation".) A
// reader that keeps an old snapshot open still stops the WAL from starting
// over; when it ends and the WAL starts over, a file grown past
// walSizeLimit is truncated back to that size.
func (w *questionWriter) connect(ctx context.Context) error {
	if w.conn != nil {
		return nil
	}
	conn, err := w.db.sqlDB.Conn(ctx)
	if err != nil {
		return err
	}
	// Pooled connections leave checkpoints to the background checkpointer;
	// this one keeps SQLite's automatic ones, for the reason above.
	if _, err := conn.ExecContext(ctx, "PRAGMA wal_autocheckpoint = 1000"); err != nil {
		conn.Close()
		return err
	}
	if _, err := conn.ExecContext(ctx, "PRAGMA journal_size_limit = "+strconv.Itoa(walSizeLimit)); err != nil {
		conn.Close()
		return err
	}
	stmt, err := conn.PrepareContext(ctx, insertQuestionSQL)
	if err != nil {
		conn.Close()
		return err
	}
	w.conn, w.stmt = conn, stmt
	return nil
}

// abort rolls back whatever transaction is open on the writer's
// connection. If one is still open afterwards the connection is thrown
// away rather than ever handed back to the pool with a transaction in it;
// the next batch takes a fresh one.
func (w *questionWriter) abort() {
	if w.conn == nil {
		return
	}
	ctx := context.Background()
	_, _ = w.conn.ExecContext(ctx, "ROLLBACK")
	clean := false
	_ = w.conn.Raw(func(dc any) error {
		if c, ok := dc.(*sqlite3.SQLiteConn); ok {
			clean = c.AutoCommit()
		}
		return nil
	})
	if !clean {
		_ = w.conn.Raw(func(any) error { return driver.ErrBadConn })
		w.release()
	}
}

// release closes the writer's statement and gives its connection back.
func (w *questionWriter) release() {
	if w.stmt != nil {
		w.stmt.Close()
	}
	if w.conn != nil {
		w.conn.Close()
	}
	w.conn, w.stmt = nil, nil
}

// stop lets the running commit finish and refuses new questions.
func (w *questionWriter) stop() {
	w.once.Do(func() { close(w.quit) })
	<-w.done
}
