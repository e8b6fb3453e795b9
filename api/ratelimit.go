package api

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"math"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// keyLifetime is how long one HMAC key lives; a new key makes every
// earlier bucket unreachable, so the limiter forgets all addresses daily.
const keyLifetime = 24 * time.Hour

// maxEntries bounds the limiter's memory; past it, idle buckets are swept,
// and if none are idle the oldest key generation is dropped.
const maxEntries = 200_000

// limiter is a token bucket per client, keyed by an HMAC of the client's
// address under a random key that lives only in memory and is replaced
// every 24 hours (SPEC I2). No address is ever stored, even in memory.
type limiter struct {
	mu        sync.Mutex
	key       [32]byte
	keyBorn   time.Time
	every     time.Duration
	burst     int
	buckets   map[[16]byte]*bucket
	lastSweep time.Time
	now       func() time.Time
}

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

func newLimiter(every time.Duration, burst int, now func() time.Time) *limiter {
	l := &limiter{every: every, burst: burst, now: now, buckets: map[[16]byte]*bucket{}}
	l.rotate(now())
	return l
}

func (l *limiter) rotate(now time.Time) {
	rand.Read(l.key[:])
	l.keyBorn = now
	l.buckets = map[[16]byte]*bucket{}
	l.lastSweep = now
}

// allow takes one token for the client at addr. When none is left it
// returns false and how long until one is.
func (l *limiter) allow(addr string) (bool, time.Duration) {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.keyBorn) >= keyLifetime {
		l.rotate(now)
	}
	mac := hmac.New(sha256.New, l.key[:])
	mac.Write([]byte(addr))
	var id [16]byte
	copy(id[:], mac.Sum(nil))

	b, ok := l.buckets[id]
	if !ok {
		if len(l.buckets) >= maxEntries || now.Sub(l.lastSweep) > 10*time.Minute {
			l.sweep(now)
		}
		b = &bucket{lim: rate.NewLimiter(rate.Every(l.every), l.burst)}
		l.buckets[id] = b
	}
	b.seen = now
	r := b.lim.ReserveN(now, 1)
	if !r.OK() {
		return false, time.Hour
	}
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return false, d
	}
	return true, 0
}

// sweep forgets buckets idle long enough to have refilled completely:
// forgetting them changes no decision.
func (l *limiter) sweep(now time.Time) {
	full := time.Duration(l.burst) * l.every
	for id, b := range l.buckets {
		if now.Sub(b.seen) >= full {
			delete(l.buckets, id)
		}
	}
	l.lastSweep = now
	if len(l.buckets) >= maxEntries {
		// Every bucket is busy: a flood from more addresses than we can
		// remember. Starting afresh keeps memory bounded.
		l.rotate(now)
	}
}

// size is the number of remembered buckets.
func (l *limiter) size() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.buckets)
}

// retryAfterSeconds rounds a wait up to whole seconds, at least one.
func retryAfterSeconds(d time.Duration) int {
	return int(math.Max(1, math.Ceil(d.Seconds())))
}
