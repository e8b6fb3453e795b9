package api

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/altcha-org/altcha-lib-go"
	"github.com/labstack/echo/v4"

	"kysy/moderation"
	"kysy/store"
)

// maxPowPayload bounds the altcha field: a real solution is ~400 bytes.
const maxPowPayload = 2048

// purgeEvery is how often spent challenges past their expiry are removed.
const purgeEvery = 10 * time.Minute

var (
	errPowInvalid = moderation.Invalid("invalid_challenge",
		"The anti-spam check did not pass or has expired. Please send the question again.")
	errPowUsed = moderation.Invalid("challenge_used",
		"This anti-spam check was used already. Please send the question again.")
	errPowOff = newError(http.StatusNotFound, "not_found", "Proof of work is not in use.")
)

// powGate is ALTCHA proof of work on submissions (SPEC §4.2): challenges
// signed with an HMAC key, solutions verified by altcha-lib-go (v1.0.0,
// which has the fix for CVE-2025-68113, challenge splicing), and each
// verified challenge spent in the database until it expires, because the
// library keeps no record and a replayed solution must be refused.
type powGate struct {
	key       string
	maxNumber int64
	ttl       time.Duration
	db        *store.DB
	now       func() time.Time

	mu        sync.Mutex
	lastPurge time.Time
}

func newPowGate(cfg InboxConfig, db *store.DB, now func() time.Time) *powGate {
	key := cfg.PowKey
	if key == "" {
		var b [32]byte
		rand.Read(b[:])
		key = hex.EncodeToString(b[:])
	}
	return &powGate{key: key, maxNumber: cfg.PowDifficulty, ttl: cfg.PowExpires, db: db, now: now}
}

// challenge makes a fresh challenge that expires after ttl.
func (g *powGate) challenge() (altcha.Challenge, error) {
	exp := g.now().Add(g.ttl)
	return altcha.CreateChallenge(altcha.ChallengeOptions{
		Algorithm: altcha.SHA256,
		HMACKey:   g.key,
		MaxNumber: g.maxNumber,
		Expires:   &exp,
	})
}

// verified is a solution whose signature and work are correct and which
// has not expired; spend then uses it up.
type verified struct {
	challenge string
	expires   time.Time
}

// verify checks a solution without spending it.
func (g *powGate) verify(payload string) (*verified, error) {
	if payload == "" || len(payload) > maxPowPayload {
		return nil, errPowInvalid
	}
	raw, err := base64.StdEncoding.DecodeString(payload)
	if err != nil {
		return nil, errPowInvalid
	}
	var p altcha.Payload
	if err := json.Unmarshal(raw, &p); err != nil || p.Algorithm != string(altcha.SHA256) {
		return nil, errPowInvalid
	}
	// Every challenge we sign carries an expiry; one without it is not ours.
	exp, err := strconv.ParseInt(altcha.ExtractParams(p).Get("expires"), 10, 64)
	if err != nil || g.now().Unix() > exp {
		return nil, errPowInvalid
	}
	ok, err := altcha.VerifySolutionSafe(p, g.key, false) // expiry checked above, on our clock
	if err != nil || !ok {
		return nil, errPowInvalid
	}
	return &verified{challenge: p.Challenge, expires: time.Unix(exp, 0)}, nil
}

// spend records v as used; a second use is refused.
func (g *powGate) spend(ctx context.Context, v *verified) error {
	g.purge(ctx)
	fresh, err := g.db.SpendChallenge(ctx, v.challenge, v.expires)
	if err != nil {
		return err
	}
	if !fresh {
		return errPowUsed
	}
	return nil
}

// purge removes expired records at most every purgeEvery, so the table
// stays as small as the number of challenges solved in the last hour.
func (g *powGate) purge(ctx context.Context) {
	now := g.now()
	g.mu.Lock()
	due := now.Sub(g.lastPurge) >= purgeEvery
	if due {
		g.lastPurge = now
	}
	g.mu.Unlock()
	if due {
		// A failed purge only keeps rows longer; the submission goes on.
		g.db.PurgeSpentChallenges(ctx, now) //nolint:errcheck
	}
}

// admission decides how a submission proves it is not a flood: a verified
// solution to be spent once the question is valid, or, when it carries
// none (the form without JavaScript), a token from the stricter limiter.
func (s *Server) admission(c echo.Context, payload string) (func(context.Context) error, error) {
	if !s.cfg.Inbox.Pow {
		return nil, nil
	}
	if payload == "" {
		if s.cfg.Inbox.Rate.Enabled {
			if ok, wait := s.noPow.allow(c.RealIP()); !ok {
				e := newError(http.StatusTooManyRequests, "rate_limited",
					"Too many questions from this connection. Please wait a moment and try again, or turn on JavaScript.")
				e.RetryAfter = retryAfterSeconds(wait)
				return nil, e
			}
		}
		return nil, nil
	}
	v, err := s.pow.verify(payload)
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context) error { return s.pow.spend(ctx, v) }, nil
}

// handleChallenge serves a new ALTCHA challenge (SPEC §4.2).
func (s *Server) handleChallenge(c echo.Context) error {
	if !s.cfg.Inbox.Pow {
		return errPowOff
	}
	ch, err := s.pow.challenge()
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusOK, ch)
}
