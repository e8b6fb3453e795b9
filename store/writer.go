package store

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"gorm.io/gorm"
)

// ErrClosed is returned by CreateQuestion after Close.
var ErrClosed = errors.New("store is closed")

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
}

type insertRequest struct {
	q    *Question
	errc chan error
}

func newQuestionWriter(db *DB) *questionWriter {
	w := &questionWriter{db: db, reqs: make(chan insertRequest), quit: make(chan struct{}), done: make(chan struct{})}
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
	ctx := context.Background()
	err := w.db.orm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		return insertQuestions(tx, qs)
	})
	if err == nil {
		for _, r := range batch {
			r.errc <- nil
		}
		return
	}
	if len(batch) == 1 {
		for _, q := range qs {
			q.ID = 0
		}
		batch[0].errc <- translate(err)
		return
	}
	for _, r := range batch {
		r.q.ID = 0
		err := w.db.orm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			return insertQuestions(tx, []*Question{r.q})
		})
		if err != nil {
			r.q.ID = 0
		}
		r.errc <- translate(err)
	}
}

// stop lets the running commit finish and refuses new questions.
func (w *questionWriter) stop() {
	w.once.Do(func() { close(w.quit) })
	<-w.done
}
