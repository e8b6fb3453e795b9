package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// Status is where a question is in its lifecycle (SPEC §3).
type Status string

// The statuses of SPEC §3.
const (
	StatusReceived  Status = "received"
	StatusAnswering Status = "answering"
	StatusInReview  Status = "in_review"
	StatusChanges   Status = "changes"
	StatusApproved  Status = "approved"
	StatusScheduled Status = "scheduled"
	StatusPublished Status = "published"
	StatusSpam      Status = "spam"
	StatusRejected  Status = "rejected"
	StatusWithdrawn Status = "withdrawn"
)

// Question is an anonymous question as stored. Text is already redacted;
// the receipt code exists only as ReceiptHash; CreatedAt and UpdatedAt are
// truncated to the hour by the caller.
type Question struct {
	ID             int64 `gorm:"primaryKey"`
	ReceiptHash    []byte
	Text           string
	Lang           string
	Status         Status
	Urgent         bool
	Spam           bool
	ConsentPublish bool
	// Redactions is a JSON array of the redaction spans in Text.
	Redactions string
	// Signals is a JSON array of the triage signals that matched.
	Signals      string
	ClusterID    *int64
	RejectReason string
	// AnswerID is the answer this question gets, its own or a linked one.
	AnswerID  *int64
	CreatedAt time.Time `gorm:"autoCreateTime:false"`
	UpdatedAt time.Time `gorm:"autoUpdateTime:false"`
}

// QuestionByReceiptHash returns the question whose receipt hashes to hash,
// or ErrNotFound.
func (db *DB) QuestionByReceiptHash(ctx context.Context, hash []byte) (*Question, error) {
	var q Question
	err := db.orm.WithContext(ctx).Where("receipt_hash = ?", hash).Take(&q).Error
	if err != nil {
		return nil, fmt.Errorf("question by receipt: %w", translate(err))
	}
	return &q, nil
}

// QuestionByID returns the question with id, or ErrNotFound.
func (db *DB) QuestionByID(ctx context.Context, id int64) (*Question, error) {
	var q Question
	if err := db.orm.WithContext(ctx).Where("id = ?", id).Take(&q).Error; err != nil {
		return nil, fmt.Errorf("question %d: %w", id, translate(err))
	}
	return &q, nil
}

// WithdrawQuestion marks the question withdrawn and deletes its text and
// redaction spans. It returns ErrNotFound for an unknown id; withdrawing a
// withdrawn question changes nothing and is not an error.
func (db *DB) WithdrawQuestion(ctx context.Context, id int64, at time.Time) error {
	res := db.orm.WithContext(ctx).Model(&Question{}).
		Where("id = ? AND status <> ?", id, StatusWithdrawn).
		Updates(map[string]any{
			"status":     StatusWithdrawn,
			"text":       "",
			"redactions": "[]",
			"signals":    "[]",
			"updated_at": at,
		})
	if res.Error != nil {
		return fmt.Errorf("withdraw question %d: %w", id, translate(res.Error))
	}
	if res.RowsAffected == 0 {
		var n int64
		if err := db.orm.WithContext(ctx).Model(&Question{}).Where("id = ?", id).Count(&n).Error; err != nil {
			return fmt.Errorf("withdraw question %d: %w", id, translate(err))
		}
		if n == 0 {
			return fmt.Errorf("withdraw question %d: %w", id, ErrNotFound)
		}
	}
	return nil
}

// CountQuestions returns how many questions have status; an empty status
// counts all.
func (db *DB) CountQuestions(ctx context.Context, status Status) (int64, error) {
	var n int64
	q := db.orm.WithContext(ctx).Model(&Question{})
	if status != "" {
		q = q.Where("status = ?", status)
	}
	if err := q.Count(&n).Error; err != nil {
		return 0, fmt.Errorf("count questions: %w", translate(err))
	}
	return n, nil
}

// insertQuestions writes qs in one statement inside tx and fills in their IDs.
func insertQuestions(tx *gorm.DB, qs []*Question) error {
	if len(qs) == 0 {
		return errors.New("insert questions: empty batch")
	}
	return tx.Create(qs).Error
}

// ImportQuestions writes qs directly, in batches, in one transaction,
// bypassing the group-commit writer: for data imports and benchmarks, not
// for intake. The texts must already be redacted (I1).
func (db *DB) ImportQuestions(ctx context.Context, qs []*Question) error {
	err := db.gorm(ctx).Transaction(func(tx *gorm.DB) error {
		return tx.CreateInBatches(qs, 500).Error
	})
	if err != nil {
		return fmt.Errorf("import questions: %w", translate(err))
	}
	return nil
}
