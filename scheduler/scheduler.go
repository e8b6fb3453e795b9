package scheduler

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"math"
	mrand "math/rand/v2"
	"sync"
	"time"

	"github.com/robfig/cron/v3"

	"kysy/moderation"
	"kysy/store"
)

// Channel sends one post to one place. Deliver must be safe to call again
// for the same delivery after a crash: it gets the delivery's idempotency
// key and any Instagram container id stored before (save stores one).
type Channel interface {
	Name() string
	Deliver(ctx context.Context, d store.Delivery, p store.Post, save func(containerID string) error) (externalID string, err error)
}

// Permanent marks a delivery error that retrying cannot fix (a 4xx from a
// webhook, an expired Instagram token): the delivery fails at once.
type Permanent struct{ Err error }

func (p *Permanent) Error() string { return p.Err.Error() }
func (p *Permanent) Unwrap() error { return p.Err }

// Options tunes the publisher; zero values take the defaults.
type Options struct {
	// Lease is how long a claimed delivery is ours; a crashed instance's
	// deliveries are taken over after it (default 1m).
	Lease time.Duration
	// MaxAttempts before a delivery fails (default 6).
	MaxAttempts int
	// Backoff is the first retry's wait; it doubles each time, with full
	// jitter, up to an hour (default 30s).
	Backoff time.Duration
	// Workers send deliveries in parallel (default 32).
	Workers int
	// Batch is how many deliveries one claim takes (default 256).
	Batch int
}

func (o *Options) defaults() {
	if o.Lease <= 0 {
		o.Lease = time.Minute
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 6
	}
	if o.Backoff <= 0 {
		o.Backoff = 30 * time.Second
	}
	if o.Workers <= 0 {
		o.Workers = 32
	}
	if o.Batch <= 0 {
		o.Batch = 256
	}
}

// Scheduler publishes due posts on their channels, exactly once (I7): each
// delivery is claimed in the database under a lease before it is sent.
type Scheduler struct {
	cfg      Config
	loc      *time.Location
	db       *store.DB
	mod      *moderation.Service
	channels map[string]Channel
	opts     Options
	log      *slog.Logger
	owner    string
	cron     *cron.Cron
	tickMu   sync.Mutex
	wake     chan struct{}
	done     chan struct{}
	// Now is the clock; tests replace it.
	Now func() time.Time
}

// New returns a scheduler for the channels given.
func New(cfg Config, db *store.DB, mod *moderation.Service, channels []Channel, opts Options, log *slog.Logger) (*Scheduler, error) {
	loc, err := time.LoadLocation(cfg.Timezone)
	if err != nil {
		return nil, fmt.Errorf("scheduler.timezone: %w", err)
	}
	opts.defaults()
	var b [8]byte
	rand.Read(b[:])
	s := &Scheduler{cfg: cfg, loc: loc, db: db, mod: mod, channels: map[string]Channel{}, opts: opts,
		log: log.With("component", "scheduler"), owner: hex.EncodeToString(b[:]), wake: make(chan struct{}, 1), done: make(chan struct{}), Now: time.Now}
	for _, c := range channels {
		s.channels[c.Name()] = c
	}
	return s, nil
}

// Location is scheduler.timezone.
func (s *Scheduler) Location() *time.Location { return s.loc }

// Start runs the jobs in scheduler.timezone until ctx ends: the publish
// tick (scheduler.tick), missed-post detection (within every tick), and
// the daily retention job at 03:30. A first tick runs at once, so posts
// due during downtime go out at start-up (or become missed).
func (s *Scheduler) Start(ctx context.Context) error {
	s.cron = cron.New(cron.WithLocation(s.loc), cron.WithParser(cron.NewParser(
		cron.Minute|cron.Hour|cron.Dom|cron.Month|cron.Dow|cron.Descriptor)))
	if _, err := s.cron.AddFunc(s.cfg.Tick, s.Wake); err != nil {
		return fmt.Errorf("scheduler.tick: %w", err)
	}
	if _, err := s.cron.AddFunc("30 3 * * *", func() {
		if err := s.Retention(ctx); err != nil {
			s.log.Error("retention", "err", err)
		}
	}); err != nil {
		return err
	}
	s.cron.Start()
	go func() {
		<-ctx.Done()
		<-s.cron.Stop().Done()
	}()
	go s.loop(ctx)
	s.Wake()
	return nil
}

// Wake asks for a tick now (a new post due at once, publish-now). It never
// blocks.
func (s *Scheduler) Wake() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

func (s *Scheduler) loop(ctx context.Context) {
	defer close(s.done)
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.wake:
		}
		if err := s.Tick(ctx); err != nil && ctx.Err() == nil {
			s.log.Error("publish tick", "err", err)
		}
	}
}

// Done is closed when the jobs have stopped after ctx ended; the
// database may be closed then.
func (s *Scheduler) Done() <-chan struct{} { return s.done }

// Tick does one round of publishing: if this instance holds the publish
// lease, it starts due posts, marks late ones missed, and sends every
// delivery that is due, until none is left.
func (s *Scheduler) Tick(ctx context.Context) error {
	s.tickMu.Lock()
	defer s.tickMu.Unlock()
	ok, err := s.db.AcquireJob(ctx, "publish", s.owner, s.Now(), 2*s.opts.Lease)
	if err != nil || !ok {
		return err
	}
	if _, err := s.mod.StartDue(ctx, s.Now()); err != nil {
		return err
	}
	for {
		if ok, err := s.db.AcquireJob(ctx, "publish", s.owner, s.Now(), 2*s.opts.Lease); err != nil || !ok {
			return err
		}
		ds, err := s.db.ClaimDeliveries(ctx, s.owner, s.Now(), s.opts.Lease, s.opts.Batch)
		if err != nil {
			return err
		}
		if len(ds) == 0 {
			return nil
		}
		if err := s.send(ctx, ds); err != nil {
			return err
		}
	}
}

// send delivers a claimed batch in parallel and records the outcomes.
func (s *Scheduler) send(ctx context.Context, ds []store.Delivery) error {
	ids := map[int64]bool{}
	for _, d := range ds {
		ids[d.PostID] = true
	}
	postIDs := make([]int64, 0, len(ids))
	for id := range ids {
		postIDs = append(postIDs, id)
	}
	posts := map[int64]store.Post{}
	for _, id := range postIDs {
		p, err := s.db.PostByID(ctx, id)
		if err != nil {
			return err
		}
		posts[id] = *p
	}
	outs := make([]store.DeliveryOutcome, len(ds))
	sem := make(chan struct{}, s.opts.Workers)
	var wg sync.WaitGroup
	for i, d := range ds {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			outs[i] = s.deliver(ctx, d, posts[d.PostID])
		}()
	}
	wg.Wait()
	touched, err := s.db.FinishDeliveries(ctx, s.owner, s.Now(), outs)
	if err != nil {
		return err
	}
	return s.mod.SettlePosts(ctx, touched, s.Now())
}

// deliver makes one attempt and decides what follows: published, a retry
// after a backoff with jitter, or failed.
func (s *Scheduler) deliver(ctx context.Context, d store.Delivery, p store.Post) store.DeliveryOutcome {
	out := store.DeliveryOutcome{ID: d.ID}
	if p.Status != store.PostPublishing && p.Status != store.PostFailed {
		// Unpublished or withdrawn while queued: send nothing.
		out.Status, out.Error = store.DeliveryUnpublished, "the post was taken down before it went out"
		return out
	}
	ch, ok := s.channels[d.Channel]
	if !ok {
		out.Status, out.Error = store.DeliveryFailed, fmt.Sprintf("channel %s is not enabled on this instance", d.Channel)
		return out
	}
	// An attempt ends well inside its lease, so no other instance takes
	// the delivery over while it is still being sent.
	actx, cancel := context.WithTimeout(ctx, s.opts.Lease/2)
	defer cancel()
	save := func(container string) error { return s.db.SaveContainer(ctx, d.ID, s.owner, container) }
	ext, err := ch.Deliver(actx, d, p, save)
	if err == nil {
		out.Status, out.ExternalID = store.DeliveryPublished, ext
		return out
	}
	out.Error = err.Error()
	var perm *Permanent
	if errors.As(err, &perm) || d.Attempts >= s.opts.MaxAttempts {
		out.Status = store.DeliveryFailed
		s.log.Warn("delivery failed", "channel", d.Channel, "post", d.PostID, "attempts", d.Attempts, "err", err)
		return out
	}
	out.Status, out.NextAttempt = store.DeliveryPending, s.Now().Add(s.backoff(d.Attempts))
	s.log.Info("delivery will be retried", "channel", d.Channel, "post", d.PostID, "attempts", d.Attempts, "err", err)
	return out
}

// backoff is the wait before attempt n+1: Backoff·2^(n-1), capped at an
// hour, with full jitter in [half, all] of it so that retries spread out.
func (s *Scheduler) backoff(n int) time.Duration {
	d := float64(s.opts.Backoff) * math.Pow(2, float64(n-1))
	d = math.Min(d, float64(time.Hour))
	return time.Duration(d/2 + mrand.Float64()*d/2)
}

// Retention runs the daily retention job now.
func (s *Scheduler) Retention(ctx context.Context) error {
	ok, err := s.db.AcquireJob(ctx, "retention", s.owner, s.Now(), time.Hour)
	if err != nil || !ok {
		return err
	}
	n, err := s.mod.Retention(ctx, s.Now(), s.cfg.Retention.Rejected, s.cfg.Retention.UnpublishedAnswered)
	if err != nil {
		return err
	}
	s.log.Info("retention", "deleted", n)
	return nil
}
