package moderation

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"text/template"
	"time"

	"github.com/robfig/cron/v3"

	"kysy/moderation/redact"
	"kysy/scheduler/instagram"
	"kysy/store"
	"kysy/templates"
)

// The channels of SPEC §9.
const (
	ChannelFeed      = "feed"
	ChannelWebhook   = "webhook"
	ChannelInstagram = "instagram"
)

// maxSlots bounds the posting slots.
const maxSlots = 50

// PublishConfig is what the post verbs need from the configuration.
type PublishConfig struct {
	// Location is scheduler.timezone: slots are read in it.
	Location *time.Location
	// Channels are the enabled channels; a post goes to all of them unless
	// it names some.
	Channels []string
	// BaseURL is http.base_url, for post and card addresses.
	BaseURL string
	// MaxDelay is scheduler.max_delay.
	MaxDelay time.Duration
	// MaxHashtags is channels.instagram.max_hashtags.
	MaxHashtags int
	// Quota reads Instagram's content_publishing_limit (used, total over
	// 24 h); nil when Instagram is off.
	Quota func(ctx context.Context) (used, total int, err error)
}

// scheduler is the actor of the scheduler's own changes in the audit log.
var schedulerActor = &Actor{Name: "scheduler"}

var (
	errPostNotFound = NotFound("not_found", "There is no post with this id.")
	captionTmpl     = template.Must(template.New("caption.txt").ParseFS(templates.FS, "caption.txt"))
)

// captionLabels are the words of the caption per language.
var captionLabels = map[string]map[string]string{
	"fi": {"Question": "Kysymys", "Answer": "Vastaus", "More": "Lue verkossa:", "Ask": "Kysy nimettömästi:"},
	"sv": {"Question": "Fråga", "Answer": "Svar", "More": "Läs på webben:", "Ask": "Fråga anonymt:"},
	"en": {"Question": "Question", "Answer": "Answer", "More": "Read online:", "Ask": "Ask anonymously:"},
}

// publishing holds the post configuration; set once at start.
type publishing struct {
	mu  sync.RWMutex
	cfg PublishConfig
}

// ConfigurePublishing sets what the post verbs need.
func (s *Service) ConfigurePublishing(c PublishConfig) {
	if c.Location == nil {
		c.Location = time.UTC
	}
	s.pub.mu.Lock()
	s.pub.cfg = c
	s.pub.mu.Unlock()
}

func (s *Service) publishConfig() PublishConfig {
	s.pub.mu.RLock()
	defer s.pub.mu.RUnlock()
	c := s.pub.cfg
	if c.Location == nil {
		c.Location = time.UTC
	}
	if len(c.Channels) == 0 {
		c.Channels = []string{ChannelFeed}
	}
	return c
}

// ParseSlots checks posting slots: five-field cron expressions (minute
// hour day-of-month month day-of-week), read in scheduler.timezone.
func ParseSlots(specs []string) ([]cron.Schedule, error) {
	if len(specs) > maxSlots {
		return nil, Invalid("invalid_slots", fmt.Sprintf("At most %d slots, not %d.", maxSlots, len(specs)))
	}
	parser := cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow)
	out := make([]cron.Schedule, 0, len(specs))
	seen := map[string]bool{}
	for i, sp := range specs {
		sp = strings.Join(strings.Fields(sp), " ")
		if seen[sp] {
			return nil, Invalid("invalid_slots", fmt.Sprintf("Slot %d (%q) is listed twice.", i+1, sp))
		}
		seen[sp] = true
		if strings.HasPrefix(sp, "TZ=") || strings.HasPrefix(sp, "CRON_TZ=") {
			return nil, Invalid("invalid_slots", fmt.Sprintf("Slot %d (%q): slots use scheduler.timezone; leave the time zone out.", i+1, sp))
		}
		sched, err := parser.Parse(sp)
		if err != nil {
			return nil, Invalid("invalid_slots", fmt.Sprintf("Slot %d (%q) is not a cron expression of five fields (minute hour day month weekday, e.g. \"0 15 * * 1,3,5\"): %v.", i+1, sp, err))
		}
		// A slot that never comes (30 February) is a mistake too.
		if sched.Next(time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)).IsZero() {
			return nil, Invalid("invalid_slots", fmt.Sprintf("Slot %d (%q) never comes.", i+1, sp))
		}
		out = append(out, sched)
	}
	return out, nil
}

// NextSlot returns the first slot time after after (in loc) that no time
// in taken already holds, or the zero time when there are no slots.
func NextSlot(scheds []cron.Schedule, loc *time.Location, after time.Time, taken []time.Time) time.Time {
	if len(scheds) == 0 {
		return time.Time{}
	}
	busy := make(map[int64]bool, len(taken))
	for _, t := range taken {
		busy[t.Unix()] = true
	}
	t := after.In(loc)
	for range 100_000 {
		var next time.Time
		for _, sc := range scheds {
			if n := sc.Next(t); !n.IsZero() && (next.IsZero() || n.Before(next)) {
				next = n
			}
		}
		if next.IsZero() {
			return time.Time{}
		}
		if !busy[next.Unix()] {
			return next
		}
		t = next
	}
	return time.Time{}
}

// Slots returns the posting slots.
func (s *Service) Slots(ctx context.Context, actor *Actor) ([]string, error) {
	if _, err := actor.roleFor(RoleComms, RoleAdmin); err != nil {
		return nil, err
	}
	return s.db.Slots(ctx)
}

// SetSlots replaces the posting slots after checking each.
func (s *Service) SetSlots(ctx context.Context, actor *Actor, specs []string) ([]string, error) {
	role, err := actor.roleFor(RoleComms, RoleAdmin)
	if err != nil {
		return nil, err
	}
	clean := make([]string, len(specs))
	for i, sp := range specs {
		clean[i] = strings.Join(strings.Fields(sp), " ")
	}
	if _, err := ParseSlots(clean); err != nil {
		return nil, err
	}
	err = s.db.InTx(ctx, func(tx *store.DB) error {
		if err := tx.ReplaceSlots(ctx, clean); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, role, "slots.set", "slots", 0, strings.Join(clean, "; "))
	})
	if err != nil {
		return nil, err
	}
	return clean, nil
}

// ScheduleInput is a request to publish an approved answer.
type ScheduleInput struct {
	AnswerID int64
	// At is the time; nil means the next free slot.
	At *time.Time
	// Channels, empty for every enabled channel.
	Channels []string
}

// PostContent is what a post shows, and the caption built from it.
type PostContent struct {
	QuestionID *int64
	Question   string // empty without consent
	Answer     string
	Lang       string
	Caption    string
}

// content builds what the answer's post will show: the answer, and the
// question only when its asker consented and has not withdrawn it.
func (s *Service) content(ctx context.Context, tx *store.DB, a *store.Answer, postID int64) (*PostContent, error) {
	q, err := tx.QuestionByID(ctx, a.QuestionID)
	if err != nil {
		return nil, err
	}
	c := &PostContent{Answer: a.Body, Lang: q.Lang}
	if q.ConsentPublish && q.Status != store.StatusWithdrawn && q.Status != store.StatusRejected {
		c.Question = q.Text
		id := q.ID
		c.QuestionID = &id
	}
	c.Caption, err = s.caption(c, postID)
	return c, err
}

// PostURL is the public address of post id.
func (s *Service) PostURL(id int64) string {
	return strings.TrimRight(s.publishConfig().BaseURL, "/") + "/posts/" + strconv.FormatInt(id, 10)
}

// caption renders templates/caption.txt.
func (s *Service) caption(c *PostContent, postID int64) (string, error) {
	labels, ok := captionLabels[c.Lang]
	if !ok {
		labels = captionLabels["fi"]
	}
	url := ""
	if postID > 0 {
		url = s.PostURL(postID)
	}
	var b bytes.Buffer
	err := captionTmpl.Execute(&b, map[string]any{"Question": c.Question, "Answer": c.Answer, "URL": url,
		"L": labels, "Lang": c.Lang, "Home": strings.TrimRight(s.publishConfig().BaseURL, "/") + "/"})
	if err != nil {
		return "", fmt.Errorf("caption: %w", err)
	}
	return strings.TrimSpace(b.String()), nil
}

// checkCaption applies Instagram's rules (SPEC §9) at scheduling time,
// as a 422 with the explanation a comms worker needs.
func checkCaption(caption string, maxHashtags int) error {
	err := instagram.CheckCaption(caption, maxHashtags)
	if err == nil {
		return nil
	}
	code := "caption_too_long"
	var ce *instagram.CaptionError
	if errors.As(err, &ce) && ce.Rule == "hashtags" {
		code = "too_many_hashtags"
	}
	return Invalid(code, instagram.Explain(err, "en"))
}

func (s *Service) checkChannels(asked []string) ([]string, error) {
	enabled := s.publishConfig().Channels
	if len(asked) == 0 {
		return enabled, nil
	}
	var out []string
	for _, c := range asked {
		if !slices.Contains(enabled, c) {
			return nil, Invalid("invalid_channel", fmt.Sprintf("%q is not an enabled channel (enabled: %s).", c, strings.Join(enabled, ", ")))
		}
		if !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out, nil
}

// SchedulePost schedules an approved answer, at a time or in the next free
// slot. Instagram's rules are checked now, not when the post goes out.
func (s *Service) SchedulePost(ctx context.Context, actor *Actor, in ScheduleInput) (*store.Post, error) {
	role, err := actor.roleFor(RoleComms, RoleAdmin)
	if err != nil {
		return nil, err
	}
	channels, err := s.checkChannels(in.Channels)
	if err != nil {
		return nil, err
	}
	cfg := s.publishConfig()
	now := s.Now().UTC()
	at := time.Time{}
	if in.At != nil {
		at = in.At.UTC().Truncate(time.Second)
		if at.Before(now.Add(-time.Minute)) {
			return nil, Invalid("invalid_time", "The time is in the past: give a future time, or none for the next free slot.")
		}
		if at.After(now.AddDate(1, 0, 0)) {
			return nil, Invalid("invalid_time", "The time is more than a year ahead.")
		}
	} else {
		specs, err := s.db.Slots(ctx)
		if err != nil {
			return nil, err
		}
		scheds, err := ParseSlots(specs)
		if err != nil {
			return nil, err
		}
		taken, err := s.db.ScheduledTimes(ctx, now)
		if err != nil {
			return nil, err
		}
		at = NextSlot(scheds, cfg.Location, now, taken).UTC()
		if at.IsZero() {
			return nil, Invalid("no_slots", "There are no posting slots: set slots (PUT /slots) or give a time.")
		}
	}
	var p *store.Post
	err = s.db.InTx(ctx, func(tx *store.DB) error {
		a, err := tx.AnswerByID(ctx, in.AnswerID)
		if err != nil {
			return notFoundAs(err, errAnswerNotFound)
		}
		if a.Status != store.AnswerApproved {
			return invalidTransition("schedule the answer", a.Status)
		}
		if err := noLivePost(ctx, tx, a.ID); err != nil {
			return err
		}
		// A missed post of the answer is replaced by this one, so that it
		// cannot be published as well.
		if err := s.cancelMissed(ctx, tx, actor, role, a.ID, now); err != nil {
			return err
		}
		c, err := s.content(ctx, tx, a, 0)
		if err != nil {
			return err
		}
		if slices.Contains(channels, ChannelInstagram) {
			// The final caption carries the post's address, ~40 characters
			// more; leave room for it.
			if err := checkCaption(c.Caption+strings.Repeat("x", len(s.PostURL(1_000_000_000))), cfg.MaxHashtags); err != nil {
				return err
			}
			if cfg.Quota != nil {
				used, total, err := cfg.Quota(ctx)
				if err != nil {
					return Unavailable("instagram_unavailable", "Could not read Instagram's publishing quota: "+instagram.Explain(err, "en"))
				}
				// What the account used in the last 24 h counts if the post
				// goes out within a day; our own scheduled Instagram posts
				// within a day of it count too.
				near, err := tx.CountScheduledOn(ctx, ChannelInstagram, at.Add(-24*time.Hour), at.Add(24*time.Hour))
				if err != nil {
					return err
				}
				projected := int(near)
				if at.Before(now.Add(24 * time.Hour)) {
					projected += used
				}
				if projected >= total {
					return Invalid("instagram_quota", fmt.Sprintf("Instagram allows %d posts in 24 hours; %d are used or scheduled around this time. Choose another time or leave Instagram out.", total, projected))
				}
			}
		}
		qs, err := tx.QuestionsByAnswer(ctx, a.ID)
		if err != nil {
			return err
		}
		p = &store.Post{AnswerID: a.ID, QuestionID: c.QuestionID, Status: store.PostScheduled, ScheduledAt: at,
			Channels: strings.Join(channels, ","), Lang: c.Lang, CreatedBy: actor.UserID, CreatedAt: now, UpdatedAt: now}
		if err := tx.CreatePost(ctx, p); err != nil {
			return err
		}
		for i := range qs {
			if qs[i].Status == store.StatusApproved {
				q := &qs[i]
				q.Status, q.UpdatedAt = store.StatusScheduled, s.hour()
				if err := tx.UpdateQuestion(ctx, q, store.StatusApproved, "status", "updated_at"); err != nil {
					return conflictAs(err, "schedule the answer")
				}
			}
		}
		return s.audit(ctx, tx, actor, role, "post.schedule", "post", p.ID, fmt.Sprintf("answer %d at %s on %s", a.ID, at.Format(time.RFC3339), p.Channels))
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// setAnswerQuestions moves the answer's questions that are in one of from
// to to.
func (s *Service) setAnswerQuestions(ctx context.Context, tx *store.DB, answerID int64, from []store.Status, to store.Status) error {
	qs, err := tx.QuestionsByAnswer(ctx, answerID)
	if err != nil {
		return err
	}
	for i := range qs {
		q := &qs[i]
		if !slices.Contains(from, q.Status) {
			continue
		}
		was := q.Status
		q.Status, q.UpdatedAt = to, s.hour()
		if err := tx.UpdateQuestion(ctx, q, was, "status", "updated_at"); err != nil {
			return err
		}
	}
	return nil
}

// movePost loads and locks post id and runs fn on it inside a transaction.
func (s *Service) movePost(ctx context.Context, id int64, fn func(tx *store.DB, p *store.Post) error) (*store.Post, error) {
	var p *store.Post
	err := s.db.InTx(ctx, func(tx *store.DB) error {
		var err error
		if p, err = tx.PostByID(ctx, id); err != nil {
			return notFoundAs(err, errPostNotFound)
		}
		return fn(tx, p)
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// PublishNow sends a scheduled or missed post at once, or retries the
// failed channels of a failed one.
func (s *Service) PublishNow(ctx context.Context, actor *Actor, id int64) (*store.Post, error) {
	role, err := actor.roleFor(RoleComms, RoleAdmin)
	if err != nil {
		return nil, err
	}
	now := s.Now().UTC()
	return s.movePost(ctx, id, func(tx *store.DB, p *store.Post) error {
		was := p.Status
		switch was {
		case store.PostScheduled, store.PostMissed:
			if was == store.PostMissed {
				if err := noLivePost(ctx, tx, p.AnswerID); err != nil {
					return err
				}
				if err := s.setAnswerQuestions(ctx, tx, p.AnswerID, []store.Status{store.StatusApproved}, store.StatusScheduled); err != nil {
					return err
				}
			}
			p.Status, p.ScheduledAt, p.Reason, p.UpdatedAt = store.PostScheduled, now.Truncate(time.Second), "", now
			if err := tx.UpdatePost(ctx, p, was, "status", "scheduled_at", "reason", "updated_at"); err != nil {
				return conflictAs(err, "publish the post now")
			}
		case store.PostFailed:
			if err := tx.SetDeliveries(ctx, p.ID, []store.DeliveryStatus{store.DeliveryFailed}, store.DeliveryPending, now); err != nil {
				return err
			}
			p.Status, p.Reason, p.UpdatedAt = store.PostPublishing, "", now
			if err := tx.UpdatePost(ctx, p, was, "status", "reason", "updated_at"); err != nil {
				return conflictAs(err, "publish the post now")
			}
		default:
			return invalidTransition("publish the post now", was)
		}
		return s.audit(ctx, tx, actor, role, "post.publish_now", "post", p.ID, string(was)+"→"+string(p.Status))
	})
}

// ErrInstagramUnpublish is the refusal to unpublish a post that went out on
// Instagram: the Graph API cannot delete published media.
var ErrInstagramUnpublish = Conflict("instagram_unpublish_refused",
	"This post is on Instagram, and Instagram does not let apps delete published posts. Delete it in the Instagram app first, then unpublish it here with instagram_removed=true.")

// DeletePost unschedules a post that has not gone out, or unpublishes one
// that has. instagramRemoved confirms that a post published on Instagram
// was deleted there by hand.
func (s *Service) DeletePost(ctx context.Context, actor *Actor, id int64, instagramRemoved bool) (*store.Post, error) {
	role, err := actor.roleFor(RoleComms, RoleAdmin)
	if err != nil {
		return nil, err
	}
	now := s.Now().UTC()
	return s.movePost(ctx, id, func(tx *store.DB, p *store.Post) error {
		was := p.Status
		switch was {
		case store.PostScheduled, store.PostMissed:
			p.Status = store.PostCancelled
			if err := s.setAnswerQuestions(ctx, tx, p.AnswerID, []store.Status{store.StatusScheduled}, store.StatusApproved); err != nil {
				return err
			}
		case store.PostPublished, store.PostFailed, store.PostPublishing:
			ds, err := tx.DeliveriesOf(ctx, []int64{p.ID})
			if err != nil {
				return err
			}
			for _, d := range ds {
				if d.Channel == ChannelInstagram && (d.Status == store.DeliveryPublished || d.Status == store.DeliverySending) && !instagramRemoved {
					return ErrInstagramUnpublish
				}
			}
			if err := tx.SetDeliveries(ctx, p.ID, []store.DeliveryStatus{store.DeliveryPending, store.DeliverySending, store.DeliveryPublished, store.DeliveryFailed},
				store.DeliveryUnpublished, now); err != nil {
				return err
			}
			p.Status = store.PostUnpublished
			if err := s.setAnswerQuestions(ctx, tx, p.AnswerID, []store.Status{store.StatusScheduled, store.StatusPublished}, store.StatusApproved); err != nil {
				return err
			}
		default:
			return invalidTransition("remove the post", was)
		}
		p.UpdatedAt = now
		if err := tx.UpdatePost(ctx, p, was, "status", "updated_at"); err != nil {
			return conflictAs(err, "remove the post")
		}
		return s.audit(ctx, tx, actor, role, "post.remove", "post", p.ID, string(was)+"→"+string(p.Status))
	})
}

// PostView is a post with its channels' states.
type PostView struct {
	store.Post
	// Deliveries is each channel's state; "scheduled" before it starts.
	Deliveries map[string]string
	Errors     map[string]string
}

// PostsPage is one page of posts.
type PostsPage struct {
	Items      []PostView
	NextCursor string
}

// ParsePostStatus checks a status filter.
func ParsePostStatus(s string) (store.PostStatus, error) {
	switch st := store.PostStatus(s); st {
	case "", store.PostScheduled, store.PostPublishing, store.PostPublished, store.PostFailed, store.PostMissed,
		store.PostCancelled, store.PostUnpublished, store.PostReturned:
		return st, nil
	}
	return "", Invalid("invalid_status", fmt.Sprintf("%q is not a post status (scheduled, publishing, published, failed, missed, cancelled, unpublished, returned).", s))
}

// Posts lists posts for comms, newest first.
func (s *Service) Posts(ctx context.Context, actor *Actor, status store.PostStatus, limit int, cursor string) (*PostsPage, error) {
	if _, err := actor.roleFor(RoleComms, RoleAdmin); err != nil {
		return nil, err
	}
	if limit < 1 || limit > 200 {
		return nil, Invalid("invalid_limit", "limit must be between 1 and 200.")
	}
	var before int64
	if cursor != "" {
		n, err := strconv.ParseInt(cursor, 10, 64)
		if err != nil || n < 1 {
			return nil, Invalid("invalid_cursor", "The cursor is not one this server gave.")
		}
		before = n
	}
	ps, err := s.db.ListPosts(ctx, status, limit+1, before)
	if err != nil {
		return nil, err
	}
	page := &PostsPage{}
	if len(ps) > limit {
		ps = ps[:limit]
		page.NextCursor = strconv.FormatInt(ps[len(ps)-1].ID, 10)
	}
	page.Items, err = s.viewPosts(ctx, ps)
	return page, err
}

func (s *Service) viewPosts(ctx context.Context, ps []store.Post) ([]PostView, error) {
	ids := make([]int64, len(ps))
	for i, p := range ps {
		ids[i] = p.ID
	}
	ds, err := s.db.DeliveriesOf(ctx, ids)
	if err != nil {
		return nil, err
	}
	by := map[int64][]store.Delivery{}
	for _, d := range ds {
		by[d.PostID] = append(by[d.PostID], d)
	}
	out := make([]PostView, len(ps))
	for i, p := range ps {
		v := PostView{Post: p, Deliveries: map[string]string{}, Errors: map[string]string{}}
		for _, c := range strings.Split(p.Channels, ",") {
			v.Deliveries[c] = string(p.Status)
			if p.Status == store.PostPublishing {
				v.Deliveries[c] = string(store.DeliveryPending)
			}
		}
		for _, d := range by[p.ID] {
			v.Deliveries[d.Channel] = string(d.Status)
			if d.LastError != "" {
				v.Errors[d.Channel] = d.LastError
			}
		}
		out[i] = v
	}
	return out, nil
}

// Post returns one post for comms.
func (s *Service) Post(ctx context.Context, actor *Actor, id int64) (*PostView, error) {
	if _, err := actor.roleFor(RoleComms, RoleAdmin); err != nil {
		return nil, err
	}
	p, err := s.db.PostByID(ctx, id)
	if err != nil {
		return nil, notFoundAs(err, errPostNotFound)
	}
	vs, err := s.viewPosts(ctx, []store.Post{*p})
	if err != nil {
		return nil, err
	}
	return &vs[0], nil
}

// Preview is a post as it will be published, with what the last check
// before publishing would find.
type Preview struct {
	Post     *store.Post
	Content  *PostContent
	Findings []string // kinds of personal details the last check finds
}

// PreviewPost renders the post's caption and content as they will go out.
func (s *Service) PreviewPost(ctx context.Context, actor *Actor, id int64) (*Preview, error) {
	if _, err := actor.roleFor(RoleComms, RoleAdmin); err != nil {
		return nil, err
	}
	p, err := s.db.PostByID(ctx, id)
	if err != nil {
		return nil, notFoundAs(err, errPostNotFound)
	}
	var c *PostContent
	if p.Answer != "" || p.Status == store.PostPublished || p.Status == store.PostUnpublished {
		c = &PostContent{QuestionID: p.QuestionID, Question: p.Question, Answer: p.Answer, Lang: p.Lang, Caption: p.Caption}
	} else {
		a, err := s.db.AnswerByID(ctx, p.AnswerID)
		if err != nil {
			return nil, err
		}
		if c, err = s.content(ctx, s.db, a, p.ID); err != nil {
			return nil, err
		}
	}
	return &Preview{Post: p, Content: c, Findings: s.gateFindings(c.Caption)}, nil
}

// WeekPosts returns the posts scheduled in the week (Monday 00:00 in
// scheduler.timezone) that holds day.
func (s *Service) WeekPosts(ctx context.Context, actor *Actor, day time.Time) (time.Time, []PostView, error) {
	if _, err := actor.roleFor(RoleComms, RoleAdmin); err != nil {
		return time.Time{}, nil, err
	}
	loc := s.publishConfig().Location
	d := day.In(loc)
	start := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, loc)
	start = start.AddDate(0, 0, -((int(start.Weekday()) + 6) % 7))
	ps, err := s.db.PostsBetween(ctx, start, start.AddDate(0, 0, 7))
	if err != nil {
		return start, nil, err
	}
	vs, err := s.viewPosts(ctx, ps)
	return start, vs, err
}

// gateFindings runs the last check before publishing (I4): the caption
// through the redactor once more. The service's own addresses (the post's
// link, the form's) are ours, not someone's personal details, so they are
// left out of the check.
func (s *Service) gateFindings(caption string) []string {
	if base := strings.TrimRight(s.publishConfig().BaseURL, "/"); base != "" {
		own := regexp.MustCompile(regexp.QuoteMeta(base) + `(/[A-Za-z0-9/_.-]*)?`)
		caption = own.ReplaceAllString(caption, "")
	}
	return findingKinds(s.red.Redact(caption).Spans)
}

func findingKinds(spans []redact.Span) []string {
	var kinds []string
	for _, sp := range spans {
		k := strings.ToLower(string(sp.Kind))
		if !slices.Contains(kinds, k) {
			kinds = append(kinds, k)
		}
	}
	return kinds
}

func newIdempotencyKey() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// startBatch is how many due posts one transaction starts.
const startBatch = 200

// StartDue is the scheduler's first step at each tick: posts more than
// max_delay late become missed (their questions wait, approved, for a new
// time); due posts pass the last check (I4) and get one delivery per
// channel, or go back to review. It returns how many posts started.
func (s *Service) StartDue(ctx context.Context, now time.Time) (int, error) {
	cfg := s.publishConfig()
	cutoff := now.Add(-cfg.MaxDelay)
	err := s.db.InTx(ctx, func(tx *store.DB) error {
		missed, err := tx.ExpireScheduled(ctx, cutoff, now,
			fmt.Sprintf("Not published within scheduler.max_delay (%s) of its time; choose a new time.", cfg.MaxDelay))
		if err != nil {
			return err
		}
		for _, p := range missed {
			if err := s.setAnswerQuestions(ctx, tx, p.AnswerID, []store.Status{store.StatusScheduled}, store.StatusApproved); err != nil {
				return err
			}
			if err := s.audit(ctx, tx, schedulerActor, "", "post.missed", "post", p.ID, p.ScheduledAt.UTC().Format(time.RFC3339)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("missed posts: %w", err)
	}
	started := 0
	for {
		ids, err := s.db.DuePostIDs(ctx, now, startBatch)
		if err != nil || len(ids) == 0 {
			return started, err
		}
		err = s.db.InTx(ctx, func(tx *store.DB) error {
			for _, id := range ids {
				ok, err := s.startPost(ctx, tx, id, now)
				if err != nil {
					return err
				}
				if ok {
					started++
				}
			}
			return nil
		})
		if err != nil {
			return started, fmt.Errorf("start posts: %w", err)
		}
	}
}

// startPost takes one due post: the last check, the copy of what goes out,
// and its deliveries. It reports whether the post is now going out.
func (s *Service) startPost(ctx context.Context, tx *store.DB, id int64, now time.Time) (bool, error) {
	p, err := tx.PostByID(ctx, id)
	if err != nil {
		return false, err
	}
	if p.Status != store.PostScheduled || p.ScheduledAt.After(now) {
		return false, nil // another instance took it, or it moved
	}
	a, err := tx.AnswerByID(ctx, p.AnswerID)
	if err != nil {
		return false, err
	}
	c, err := s.content(ctx, tx, a, p.ID)
	if err != nil {
		return false, err
	}
	if kinds := s.gateFindings(c.Caption); len(kinds) > 0 || a.Status != store.AnswerApproved {
		reason := "The answer is no longer approved."
		if len(kinds) > 0 {
			reason = fmt.Sprintf("The last check before publishing found personal details (%s) in the caption. Remove them and approve the answer again.", strings.Join(kinds, ", "))
		}
		return false, s.returnToReview(ctx, tx, p, a, reason, now)
	}
	p.Status, p.QuestionID, p.Question, p.Answer, p.Caption, p.Lang, p.UpdatedAt =
		store.PostPublishing, c.QuestionID, c.Question, c.Answer, c.Caption, c.Lang, now
	if err := tx.UpdatePost(ctx, p, store.PostScheduled, "status", "question_id", "question", "answer", "caption", "lang", "updated_at"); err != nil {
		return false, err
	}
	var ds []store.Delivery
	for _, ch := range strings.Split(p.Channels, ",") {
		ds = append(ds, store.Delivery{PostID: p.ID, Channel: ch, Status: store.DeliveryPending, IdempotencyKey: newIdempotencyKey(),
			NextAttemptAt: now, UpdatedAt: now})
	}
	if err := tx.CreateDeliveries(ctx, ds); err != nil {
		return false, err
	}
	return true, s.audit(ctx, tx, schedulerActor, "", "post.start", "post", p.ID, p.Channels)
}

// returnToReview stops a post at the last check and sends its answer back
// to review with the reason (SPEC I4).
func (s *Service) returnToReview(ctx context.Context, tx *store.DB, p *store.Post, a *store.Answer, reason string, now time.Time) error {
	p.Status, p.Reason, p.UpdatedAt = store.PostReturned, reason, now
	if err := tx.UpdatePost(ctx, p, store.PostScheduled, "status", "reason", "updated_at"); err != nil {
		return err
	}
	if a.Status == store.AnswerApproved {
		was := a.Status
		a.Status, a.ReviewComment, a.UpdatedAt = store.AnswerInReview, reason, now
		if err := tx.UpdateAnswer(ctx, a, was, "status", "review_comment", "updated_at"); err != nil {
			return err
		}
	}
	if err := s.setAnswerQuestions(ctx, tx, a.ID, []store.Status{store.StatusScheduled, store.StatusApproved}, store.StatusInReview); err != nil {
		return err
	}
	return s.audit(ctx, tx, schedulerActor, "", "post.return", "post", p.ID, reason)
}

// SettlePosts brings posts up to date with their deliveries: the feed
// copy going out sets published_at; every channel delivered makes the post
// published (and its questions); a channel that gave up makes it failed.
func (s *Service) SettlePosts(ctx context.Context, ids []int64, now time.Time) error {
	if len(ids) == 0 {
		return nil
	}
	return s.db.InTx(ctx, func(tx *store.DB) error {
		ds, err := tx.DeliveriesOf(ctx, ids)
		if err != nil {
			return err
		}
		by := map[int64][]store.Delivery{}
		for _, d := range ds {
			by[d.PostID] = append(by[d.PostID], d)
		}
		for _, id := range ids {
			p, err := tx.PostByID(ctx, id)
			if err != nil {
				return err
			}
			if p.Status != store.PostPublishing && p.Status != store.PostFailed {
				continue
			}
			var done, failed, open int
			var reasons []string
			firstOut := false
			for _, d := range by[id] {
				switch d.Status {
				case store.DeliveryPublished:
					done++
					firstOut = true
				case store.DeliveryFailed:
					failed++
					reasons = append(reasons, d.Channel+": "+d.LastError)
				default:
					open++
				}
			}
			was := p.Status
			cols := []string{"status", "updated_at"}
			if firstOut && p.PublishedAt == nil {
				t := now.UTC()
				p.PublishedAt = &t
				cols = append(cols, "published_at")
			}
			switch {
			case open == 0 && failed == 0:
				p.Status = store.PostPublished
			case open == 0:
				p.Status = store.PostFailed
				p.Reason = strings.Join(reasons, "; ")
				cols = append(cols, "reason")
			}
			if p.Status == was && len(cols) == 2 {
				continue
			}
			p.UpdatedAt = now
			if err := tx.UpdatePost(ctx, p, was, cols...); err != nil {
				return err
			}
			if p.Status == store.PostPublished && was != store.PostPublished {
				if err := s.setAnswerQuestions(ctx, tx, p.AnswerID, []store.Status{store.StatusScheduled}, store.StatusPublished); err != nil {
					return err
				}
				if err := s.audit(ctx, tx, schedulerActor, "", "post.published", "post", p.ID, ""); err != nil {
					return err
				}
			}
			if p.Status == store.PostFailed && was != store.PostFailed {
				if err := s.audit(ctx, tx, schedulerActor, "", "post.failed", "post", p.ID, p.Reason); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// takeDownPostsOf cancels or unpublishes, when its asker withdraws it, every
// post that shows question q or answers it first-hand (SPEC §4.2). A post
// that went out on Instagram is marked for deletion there by hand: the
// Graph API cannot delete it.
func (s *Service) takeDownPostsOf(ctx context.Context, tx *store.DB, q *store.Question) error {
	var ps []store.Post
	shown, err := tx.PostsForQuestion(ctx, q.ID)
	if err != nil {
		return err
	}
	ps = append(ps, shown...)
	if q.AnswerID != nil {
		a, err := tx.AnswerByID(ctx, *q.AnswerID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		if err == nil && a.QuestionID == q.ID {
			if p, err := tx.ActivePostForAnswer(ctx, a.ID); err == nil {
				if !slices.ContainsFunc(ps, func(x store.Post) bool { return x.ID == p.ID }) {
					ps = append(ps, *p)
				}
			} else if !errors.Is(err, store.ErrNotFound) {
				return err
			}
		}
	}
	now := s.Now().UTC()
	for i := range ps {
		p := &ps[i]
		was := p.Status
		cols := []string{"status", "question", "caption", "reason", "updated_at"}
		switch was {
		case store.PostScheduled, store.PostMissed:
			p.Status = store.PostCancelled
		case store.PostPublishing, store.PostPublished, store.PostFailed:
			p.Status = store.PostUnpublished
			ds, err := tx.DeliveriesOf(ctx, []int64{p.ID})
			if err != nil {
				return err
			}
			for _, d := range ds {
				if d.Channel == ChannelInstagram && (d.Status == store.DeliveryPublished || d.Status == store.DeliverySending) {
					p.Reason = "Withdrawn by the asker. It is still on Instagram: delete it in the Instagram app."
				}
			}
			if err := tx.SetDeliveries(ctx, p.ID, []store.DeliveryStatus{store.DeliveryPending, store.DeliverySending, store.DeliveryFailed, store.DeliveryPublished},
				store.DeliveryUnpublished, now); err != nil {
				return err
			}
		default:
			continue
		}
		if p.Reason == "" {
			p.Reason = "Withdrawn by the asker."
		}
		p.Question, p.Caption, p.UpdatedAt = "", "", now
		if err := tx.UpdatePost(ctx, p, was, cols...); err != nil {
			return err
		}
		if err := s.audit(ctx, tx, schedulerActor, "", "post.withdrawn", "post", p.ID, string(was)+"→"+string(p.Status)); err != nil {
			return err
		}
	}
	return nil
}

// retentionBatch is how many questions one retention transaction deletes.
const retentionBatch = 500

// Retention deletes for good what is kept no longer (SPEC §9, config
// scheduler.retention): rejected, spam and withdrawn questions last
// changed more than rejected ago, and answered questions never published
// (approved) last changed more than unpublished ago. Published questions
// stay. It returns how many questions it deleted.
func (s *Service) Retention(ctx context.Context, now time.Time, rejected, unpublished time.Duration) (int64, error) {
	var total int64
	rules := []struct {
		statuses []store.Status
		keep     time.Duration
	}{
		{[]store.Status{store.StatusRejected, store.StatusSpam, store.StatusWithdrawn}, rejected},
		{[]store.Status{store.StatusApproved}, unpublished},
	}
	for _, r := range rules {
		for {
			ids, err := s.db.RetentionCandidates(ctx, r.statuses, now.Add(-r.keep), retentionBatch)
			if err != nil || len(ids) == 0 {
				if err != nil {
					return total, err
				}
				break
			}
			err = s.db.InTx(ctx, func(tx *store.DB) error {
				if err := tx.DeleteQuestions(ctx, ids); err != nil {
					return err
				}
				return s.audit(ctx, tx, schedulerActor, "", "retention.delete", "question", 0, fmt.Sprintf("%d questions", len(ids)))
			})
			if err != nil {
				return total, fmt.Errorf("retention: %w", err)
			}
			total += int64(len(ids))
		}
	}
	if total > 0 {
		if err := s.db.Checkpoint(ctx); err != nil {
			s.log.Warn("checkpoint after retention", "err", err)
		}
	}
	return total, nil
}

// cancelMissed cancels the answer's missed posts.
func (s *Service) cancelMissed(ctx context.Context, tx *store.DB, actor *Actor, role Role, answerID int64, now time.Time) error {
	missed, err := tx.PostsOfAnswer(ctx, answerID, store.PostMissed)
	if err != nil {
		return err
	}
	for i := range missed {
		p := &missed[i]
		p.Status, p.UpdatedAt = store.PostCancelled, now
		if err := tx.UpdatePost(ctx, p, store.PostMissed, "status", "updated_at"); err != nil {
			return err
		}
		if err := s.audit(ctx, tx, actor, role, "post.remove", "post", p.ID, "missed→cancelled (replaced)"); err != nil {
			return err
		}
	}
	return nil
}

// noLivePost refuses a second live post (scheduled, going out, published or
// failed) for one answer.
func noLivePost(ctx context.Context, tx *store.DB, answerID int64) error {
	old, err := tx.ActivePostForAnswer(ctx, answerID)
	if err == nil {
		return Conflict("already_scheduled", fmt.Sprintf("This answer already has post %d (%s).", old.ID, old.Status))
	}
	if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	return nil
}
