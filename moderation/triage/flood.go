package triage

import (
	"container/list"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"sync"
	"time"
)

// FloodOptions configure a FloodGuard; zero values take the defaults.
type FloodOptions struct {
	// Window is how long a text is remembered (default 10 minutes).
	Window time.Duration
	// Threshold is the copy that counts as a flood: with 3, the third
	// identical text within Window is spam (default 3).
	Threshold int
	// MaxEntries bounds memory: past it, the texts seen longest ago are
	// forgotten first (default 20 000).
	MaxEntries int
	// Now is the clock; tests replace it.
	Now func() time.Time
}

// FloodGuard spots copy-paste floods: the same text, after normalisation,
// sent again and again within a short window. It keeps only a keyed hash
// of each text (HMAC-SHA-256 with a random key that lives in memory and
// dies with the process), never the text, and at most MaxEntries of them.
// It is safe for concurrent use.
type FloodGuard struct {
	mu   sync.Mutex
	opts FloodOptions
	key  []byte
	byID map[floodID]*list.Element
	lru  *list.List // of *floodEntry, least recently seen first
}

type floodID [16]byte

type floodEntry struct {
	id   floodID
	seen []time.Time // within the window, oldest first, at most Threshold
}

// NewFloodGuard returns a FloodGuard with a fresh random key.
func NewFloodGuard(opts FloodOptions) *FloodGuard {
	if opts.Window <= 0 {
		opts.Window = 10 * time.Minute
	}
	if opts.Threshold <= 0 {
		opts.Threshold = 3
	}
	if opts.MaxEntries <= 0 {
		opts.MaxEntries = 20_000
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		panic("triage: no randomness for the flood key: " + err.Error())
	}
	return &FloodGuard{opts: opts, key: key, byID: map[floodID]*list.Element{}, lru: list.New()}
}

// Seen records one arrival of text and reports whether it is a flood: the
// Threshold-th copy or later within Window. Texts that normalise to
// nothing (only punctuation or emoji) are never a flood.
func (g *FloodGuard) Seen(text string) bool {
	norm := floodKey(text)
	if norm == "" {
		return false
	}
	mac := hmac.New(sha256.New, g.key)
	mac.Write([]byte(norm))
	var id floodID
	copy(id[:], mac.Sum(nil))

	g.mu.Lock()
	defer g.mu.Unlock()
	now := g.opts.Now()
	g.expire(now)
	var e *floodEntry
	if el, ok := g.byID[id]; ok {
		e = el.Value.(*floodEntry)
		g.lru.MoveToBack(el)
	} else {
		for g.lru.Len() >= g.opts.MaxEntries {
			g.remove(g.lru.Front())
		}
		e = &floodEntry{id: id}
		g.byID[id] = g.lru.PushBack(e)
	}
	cutoff := now.Add(-g.opts.Window)
	kept := e.seen[:0]
	for _, t := range e.seen {
		if t.After(cutoff) {
			kept = append(kept, t)
		}
	}
	e.seen = append(kept, now)
	if len(e.seen) > g.opts.Threshold {
		e.seen = e.seen[len(e.seen)-g.opts.Threshold:]
	}
	return len(e.seen) >= g.opts.Threshold
}

// Len is the number of texts remembered.
func (g *FloodGuard) Len() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.lru.Len()
}

// expire forgets the texts last seen before the window. The list is in
// order of last arrival, so it stops at the first recent one.
func (g *FloodGuard) expire(now time.Time) {
	cutoff := now.Add(-g.opts.Window)
	for el := g.lru.Front(); el != nil; el = g.lru.Front() {
		e := el.Value.(*floodEntry)
		if e.seen[len(e.seen)-1].After(cutoff) {
			return
		}
		g.remove(el)
	}
}

func (g *FloodGuard) remove(el *list.Element) {
	delete(g.byID, el.Value.(*floodEntry).id)
	g.lru.Remove(el)
}

// Triager classifies questions at intake and watches for floods: the
// stateful counterpart of Classify for a running server.
type Triager struct {
	c     *Classifier
	flood *FloodGuard
}

// NewTriager returns a Triager; flood may be nil to skip flood detection.
func NewTriager(c *Classifier, flood *FloodGuard) *Triager {
	return &Triager{c: c, flood: flood}
}

// Triage classifies text and records it with the flood guard. A flood
// makes a question spam with the signal "flood", unless it is urgent.
func (t *Triager) Triage(text string) Result {
	res := t.c.Classify(text)
	if t.flood != nil && t.flood.Seen(text) && !res.Urgent {
		res.Spam = true
		res.Signals = append(res.Signals, "flood")
	}
	return res
}
