package store

import (
	"context"
	"fmt"
)

// activePostStatuses are the post statuses that keep an answer from being
// scheduled again (as ActivePostForAnswer reads them).
var activePostStatuses = []PostStatus{PostScheduled, PostPublishing, PostPublished, PostFailed}

// ApprovedWithoutPost returns up to limit approved answers that have no
// post scheduled, going out, published or failed: what comms may still
// schedule. Oldest approval first.
func (db *DB) ApprovedWithoutPost(ctx context.Context, limit int) ([]Answer, error) {
	var as []Answer
	err := db.gorm(ctx).
		Where("status = ? AND NOT EXISTS (SELECT 1 FROM posts WHERE posts.answer_id = answers.id AND posts.status IN ?)",
			AnswerApproved, activePostStatuses).
		Order("approved_at, id").Limit(limit).Find(&as).Error
	if err != nil {
		return nil, fmt.Errorf("approved answers without a post: %w", translate(err))
	}
	return as, nil
}
