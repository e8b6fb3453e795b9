package moderation

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"kysy/store"
)

// waiting are the statuses of a question still without an approved answer.
var waiting = []store.Status{store.StatusReceived, store.StatusAnswering, store.StatusInReview, store.StatusChanges}

// TimeToAnswer summarises how long questions waited for an approved answer.
type TimeToAnswer struct {
	Count  int
	Median time.Duration
	P90    time.Duration
}

// Stats is the state of the service at a glance (SPEC §4.3 /stats).
type Stats struct {
	ByStatus      map[store.Status]int64
	UrgentWaiting int64
	// OldestWaiting is when the oldest waiting question arrived (to the
	// hour), nil when none waits.
	OldestWaiting *time.Time
	// TimeToAnswer is keyed by window: "7d" and "30d".
	TimeToAnswer map[string]TimeToAnswer
	Now          time.Time
}

// Stats computes the stats; any staff role may read them.
func (s *Service) Stats(ctx context.Context, actor *Actor) (*Stats, error) {
	if _, err := actor.roleFor(Roles...); err != nil {
		return nil, err
	}
	now := s.Now().UTC()
	st := &Stats{ByStatus: map[store.Status]int64{}, TimeToAnswer: map[string]TimeToAnswer{}, Now: now}
	for _, status := range queueStatuses {
		st.ByStatus[status] = 0
	}
	counts, err := s.db.CountByStatus(ctx)
	if err != nil {
		return nil, fmt.Errorf("stats: %w", err)
	}
	for _, c := range counts {
		st.ByStatus[c.Status] = c.Count
	}
	oldest, urgent, err := s.db.OldestWaiting(ctx, waiting)
	if err != nil {
		return nil, fmt.Errorf("stats: %w", err)
	}
	st.UrgentWaiting = urgent
	if oldest != nil {
		t := oldest.CreatedAt.UTC()
		st.OldestWaiting = &t
	}
	for _, w := range []struct {
		key  string
		days int
	}{{"7d", 7}, {"30d", 30}} {
		ds, err := s.db.AnsweredSince(ctx, now.AddDate(0, 0, -w.days))
		if err != nil {
			return nil, fmt.Errorf("stats: %w", err)
		}
		st.TimeToAnswer[w.key] = summarise(ds)
	}
	return st, nil
}

// summarise returns the count, median and 90th percentile (nearest rank).
func summarise(ds []time.Duration) TimeToAnswer {
	if len(ds) == 0 {
		return TimeToAnswer{}
	}
	slices.Sort(ds)
	rank := func(p float64) time.Duration {
		i := int(p*float64(len(ds))+0.999999) - 1
		return ds[max(0, min(i, len(ds)-1))]
	}
	return TimeToAnswer{Count: len(ds), Median: rank(0.5), P90: rank(0.9)}
}

// AuditPage returns up to limit audit entries after id after; admins only.
func (s *Service) AuditPage(ctx context.Context, actor *Actor, after int64, limit int) ([]store.AuditEntry, error) {
	if _, err := actor.roleFor(RoleAdmin); err != nil {
		return nil, err
	}
	if after < 0 {
		return nil, errBadCursor
	}
	return s.db.AuditPage(ctx, after, limit)
}

// VerifyAudit checks the whole audit chain (`kysy audit verify`).
func (s *Service) VerifyAudit(ctx context.Context) (int64, *store.AuditBreak, error) {
	return s.db.VerifyAudit(ctx)
}

// expectedCacheFor is how long an expected answer time is reused: the
// form is the busiest page, and the figure moves slowly.
const expectedCacheFor = 5 * time.Minute

// minAnsweredForExpected is how many answers of the last 30 days the
// figure needs before it replaces the configured one.
const minAnsweredForExpected = 5

type expectedCache struct {
	mu   sync.Mutex
	days int
	at   time.Time
}

// ExpectedAnswerDays is the wait the form promises: the 90th percentile
// of the time to an approved answer over the last 30 days, in whole days
// rounded up (at least 1), or fallback (inbox.expected_answer_days) while
// fewer than minAnsweredForExpected questions were answered. It is
// computed at most every expectedCacheFor.
func (s *Service) ExpectedAnswerDays(ctx context.Context, fallback int) int {
	c := &s.expected
	c.mu.Lock()
	defer c.mu.Unlock()
	now := s.Now()
	if !c.at.IsZero() && now.Sub(c.at) < expectedCacheFor {
		return c.days
	}
	days := fallback
	ds, err := s.db.AnsweredSince(ctx, now.UTC().AddDate(0, 0, -30))
	if err != nil {
		s.log.Warn("expected answer time", "err", err)
		return fallback // not cached: try again next time
	}
	if t := summarise(ds); t.Count >= minAnsweredForExpected {
		days = max(1, int((t.P90+24*time.Hour-1)/(24*time.Hour)))
	}
	c.days, c.at = days, now
	return days
}

// UrgentWaiting counts the urgent questions still waiting for an answer
// and says when the oldest arrived, for the on-duty alert.
func (s *Service) UrgentWaiting(ctx context.Context) (int64, *time.Time, error) {
	return s.db.UrgentWaiting(ctx, waiting)
}
