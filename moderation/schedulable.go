package moderation

import (
	"context"
	"errors"
	"slices"
	"time"

	"kysy/store"
)

// Schedulable is an approved answer without an active post, with what comms
// need to know about its question before scheduling it.
type Schedulable struct {
	Answer store.Answer
	// Lang is the question's language, which is the post's.
	Lang string
	// QuestionShown is whether the post will show the question: its asker
	// consented to publishing and has not withdrawn it.
	QuestionShown bool
}

// Schedulable lists, for comms, up to limit approved answers that have no
// post scheduled, going out, published or failed; oldest approval first.
// Answers whose question is gone (retention) are left out.
func (s *Service) Schedulable(ctx context.Context, actor *Actor, limit int) ([]Schedulable, error) {
	if _, err := actor.roleFor(RoleComms, RoleAdmin); err != nil {
		return nil, err
	}
	if limit < 1 || limit > 200 {
		return nil, Invalid("invalid_limit", "limit must be between 1 and 200.")
	}
	as, err := s.db.ApprovedWithoutPost(ctx, limit)
	if err != nil {
		return nil, err
	}
	out := make([]Schedulable, 0, len(as))
	for _, a := range as {
		q, err := s.db.QuestionByID(ctx, a.QuestionID)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		shown := q.ConsentPublish && q.Status != store.StatusWithdrawn && q.Status != store.StatusRejected
		out = append(out, Schedulable{Answer: a, Lang: q.Lang, QuestionShown: shown})
	}
	return out, nil
}

// PublishLocation is scheduler.timezone, where slots and times of posts
// are read.
func (s *Service) PublishLocation() *time.Location { return s.publishConfig().Location }

// PublishChannels are the enabled channels, in their configured order.
func (s *Service) PublishChannels() []string { return slices.Clone(s.publishConfig().Channels) }
