// Package moderation holds Kysy's rules: the intake pipeline that cleans,
// redacts and triages a question in memory before it is written, receipts,
// and the question lifecycle. It imports only store (and its own
// subpackages); handlers and jobs call its verbs.
package moderation

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"kysy/moderation/redact"
	"kysy/store"
)

// Config is the part of the configuration moderation reads.
type Config struct {
	// MaxChars bounds a question's length in characters after trimming.
	MaxChars int
	// SessionTTL is how long a console sign-in lasts.
	SessionTTL time.Duration
	// LockoutAfter failed sign-ins in a row lock an account for LockoutFor.
	LockoutAfter int
	LockoutFor   time.Duration
}

// Redactor removes personal details from text; redact.Redactor is the
// production one.
type Redactor interface {
	Redact(text string) redact.Result
}

// Triage is the verdict of a Triager on one question.
type Triage struct {
	Urgent  bool
	Spam    bool
	Signals []string
}

// Triager classifies a question at intake.
type Triager interface {
	Triage(text string) Triage
}

// Service carries out Kysy's domain verbs.
type Service struct {
	db     *store.DB
	cfg    Config
	red    Redactor
	triage Triager
	// clusters groups near-duplicate questions at intake.
	clusters *clusterer
	// expected caches ExpectedAnswerDays.
	expected expectedCache
	// pub is the publishing configuration (ConfigurePublishing).
	pub publishing
	log *slog.Logger
	// Now is the clock; tests replace it.
	Now func() time.Time
	// OnUrgent, when set, is called after an urgent question is stored;
	// it must not block.
	OnUrgent func()
}

// New returns a Service. triager may be nil: then no question is urgent or
// spam at intake.
func New(db *store.DB, cfg Config, red Redactor, triager Triager, log *slog.Logger) *Service {
	return &Service{db: db, cfg: cfg, red: red, triage: triager, clusters: newClusterer(),
		log: log.With("component", "moderation"), Now: time.Now}
}

// SubmitInput is an anonymous question as it arrives.
type SubmitInput struct {
	Text           string
	Lang           string // fi, sv, en, or empty to detect
	ConsentPublish bool
	// Admit, when set, runs once the question is known to be valid and
	// before anything is stored; its error refuses the question. Intake
	// spends the proof-of-work challenge here, so an invalid question
	// does not use it up (I8).
	Admit func(context.Context) error
}

// Submission is what the young person is told after asking.
type Submission struct {
	// ID is the stored question's id, for staff and tests; it is never
	// shown to the young person.
	ID int64
	// Receipt is the only copy of the receipt code; it is not stored.
	Receipt string
	Status  store.Status
	Urgent  bool
	Lang    string
}

// Submit runs the intake pipeline in memory (clean, triage, redact) and
// stores the redacted question durably. The raw text never leaves this
// function. It returns an *Error of KindInvalid for text that breaks the
// text policy, and only returns a Submission after the write committed.
func (s *Service) Submit(ctx context.Context, in SubmitInput) (*Submission, error) {
	text, err := CleanQuestionText(in.Text, s.cfg.MaxChars)
	if err != nil {
		return nil, err
	}
	lang := in.Lang
	if lang == "" {
		lang = DetectLang(text)
	}
	if !ValidLang(lang) {
		return nil, Invalid("invalid_lang", "The language must be fi, sv or en.")
	}
	if in.Admit != nil {
		if err := in.Admit(ctx); err != nil {
			return nil, err
		}
	}
	var verdict Triage
	if s.triage != nil {
		verdict = s.triage.Triage(text)
	}
	red := s.red.Redact(text)
	spans, err := json.Marshal(red.Spans)
	if err != nil {
		return nil, fmt.Errorf("submit: encode spans: %w", err)
	}
	signals := verdict.Signals
	if signals == nil {
		signals = []string{}
	}
	sig, err := json.Marshal(signals)
	if err != nil {
		return nil, fmt.Errorf("submit: encode signals: %w", err)
	}
	status := store.StatusReceived
	if verdict.Spam && !verdict.Urgent {
		status = store.StatusSpam
	}
	receipt := newReceipt()
	canonical, _ := normalizeReceipt(receipt)
	now := s.hour()
	q := &store.Question{
		ReceiptHash:    hashReceipt(canonical),
		Text:           red.Text,
		Lang:           lang,
		Status:         status,
		Urgent:         verdict.Urgent,
		Spam:           verdict.Spam,
		ConsentPublish: in.ConsentPublish,
		Redactions:     string(spans),
		Signals:        string(sig),
		CreatedAt:      now,
		UpdatedAt:      now,
	}
	hash, comparable := simHash(red.Text)
	if comparable {
		if c := s.clusters.match(hash); c != 0 {
			q.ClusterID = &c
		}
	}
	if err := s.db.CreateQuestion(ctx, q); err != nil {
		return nil, fmt.Errorf("submit: %w", err)
	}
	if verdict.Urgent && s.OnUrgent != nil {
		s.OnUrgent()
	}
	if comparable {
		cluster := q.ID // the first question of a cluster names it
		if q.ClusterID != nil {
			cluster = *q.ClusterID
		}
		s.clusters.remember(hash, q.ID, cluster)
	}
	return &Submission{ID: q.ID, Receipt: receipt, Status: publicStatus(status), Urgent: verdict.Urgent, Lang: lang}, nil
}

// hour is the current time truncated to the hour, the only precision at
// which intake times are stored (SPEC I2).
func (s *Service) hour() time.Time {
	return s.Now().UTC().Truncate(time.Hour)
}

// publicStatus is the status shown to the young person: spam is shown as
// received, so that a misjudged question looks like any other and a
// spammer learns nothing.
func publicStatus(st store.Status) store.Status {
	if st == store.StatusSpam {
		return store.StatusReceived
	}
	return st
}

// Status is what a receipt holder may see of their question.
type Status struct {
	Status       store.Status
	Lang         string
	Urgent       bool
	RejectReason string
	Answer       *string
	PostURL      *string
	// Reads is how many times staff in each role read the question (I5):
	// the young person's answer to "who looked at my question".
	Reads []store.ReadCount
}

// answered are the statuses in which the receipt shows the answer.
var answered = []store.Status{store.StatusApproved, store.StatusScheduled, store.StatusPublished}

// youngPerson is the actor of the receipt holder's own changes; the audit
// log names no one else for them.
var youngPerson = &Actor{Name: "young person"}

var errReceiptNotFound = NotFound("receipt_not_found", "No question matches this receipt code. Check the code and try again.")

// questionByReceipt finds the question of a receipt code, comparing the
// stored hash in constant time. An unknown or malformed code is
// receipt_not_found, never a hint of which.
func (s *Service) questionByReceipt(ctx context.Context, receipt string) (*store.Question, error) {
	canonical, ok := normalizeReceipt(receipt)
	if !ok {
		return nil, errReceiptNotFound
	}
	want := hashReceipt(canonical)
	q, err := s.db.QuestionByReceiptHash(ctx, want)
	if errors.Is(err, store.ErrNotFound) {
		return nil, errReceiptNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("look up receipt: %w", err)
	}
	if subtle.ConstantTimeCompare(q.ReceiptHash, want) != 1 {
		return nil, errReceiptNotFound
	}
	return q, nil
}

// Lookup returns the status of the question a receipt belongs to.
func (s *Service) Lookup(ctx context.Context, receipt string) (*Status, error) {
	q, err := s.questionByReceipt(ctx, receipt)
	if err != nil {
		return nil, err
	}
	st := &Status{Status: publicStatus(q.Status), Lang: q.Lang, Urgent: q.Urgent}
	if q.Status == store.StatusRejected {
		st.RejectReason = q.RejectReason
	}
	if q.AnswerID != nil && slices.Contains(answered, q.Status) {
		as, err := s.db.AnswersByIDs(ctx, []int64{*q.AnswerID})
		if err != nil {
			return nil, fmt.Errorf("lookup: %w", err)
		}
		if len(as) == 1 && as[0].Status == store.AnswerApproved {
			st.Answer = &as[0].Body
		}
	}
	if st.Reads, err = s.db.QuestionReads(ctx, q.ID); err != nil {
		return nil, fmt.Errorf("lookup: %w", err)
	}
	return st, nil
}

// Withdraw deletes the text of the question a receipt belongs to and marks
// it withdrawn; withdrawing twice is not an error. The WAL is checkpointed
// afterwards so the old text does not linger there.
func (s *Service) Withdraw(ctx context.Context, receipt string) error {
	q, err := s.questionByReceipt(ctx, receipt)
	if err != nil {
		return err
	}
	err = s.db.InTx(ctx, func(tx *store.DB) error {
		if err := tx.WithdrawQuestion(ctx, q.ID, s.hour()); err != nil {
			return err
		}
		if err := s.audit(ctx, tx, youngPerson, "", "question.withdraw", "question", q.ID, ""); err != nil {
			return err
		}
		return s.takeDownPostsOf(ctx, tx, q)
	})
	if err != nil {
		return fmt.Errorf("withdraw: %w", err)
	}
	if err := s.db.Checkpoint(ctx); err != nil {
		// The text is deleted and secure_delete zeroed its page; the old
		// page still in the WAL goes at the next automatic checkpoint.
		s.log.Warn("checkpoint after withdrawal", "err", err)
	}
	return nil
}

// StaffConfig is the staff sign-in policy (config key staff).
type StaffConfig struct {
	SessionTTL   time.Duration `mapstructure:"session_ttl"`
	LockoutAfter int           `mapstructure:"lockout_after"`
	LockoutFor   time.Duration `mapstructure:"lockout_for"`
}

// Validate names each bad key.
func (c StaffConfig) Validate() error {
	var errs []error
	if c.SessionTTL < time.Minute || c.SessionTTL > 30*24*time.Hour {
		errs = append(errs, fmt.Errorf("staff.session_ttl: %s is not between 1m and 720h", c.SessionTTL))
	}
	if c.LockoutAfter < 1 || c.LockoutAfter > 100 {
		errs = append(errs, fmt.Errorf("staff.lockout_after: %d is not between 1 and 100", c.LockoutAfter))
	}
	if c.LockoutFor < time.Second || c.LockoutFor > 24*time.Hour {
		errs = append(errs, fmt.Errorf("staff.lockout_for: %s is not between 1s and 24h", c.LockoutFor))
	}
	return errors.Join(errs...)
}
