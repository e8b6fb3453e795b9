package triage_test

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"kysy/moderation/triage"
)

// fakeClock is a clock the test moves by hand.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func newClock() *fakeClock {
	return &fakeClock{t: time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)}
}

func TestFloodThirdCopyWithinWindow(t *testing.T) {
	clk := newClock()
	g := triage.NewFloodGuard(triage.FloodOptions{Now: clk.Now})
	text := "Voiko sossu tulla kouluun?"
	for i, want := range []bool{false, false, true, true} {
		if got := g.Seen(text); got != want {
			t.Fatalf("copy %d: Seen = %v, want %v", i+1, got, want)
		}
		clk.Add(time.Minute)
	}
}

func TestFloodNormalises(t *testing.T) {
	g := triage.NewFloodGuard(triage.FloodOptions{Now: newClock().Now})
	g.Seen("Voiko sossu tulla kouluun?")
	g.Seen("voiko   SOSSU tulla kouluun!!")
	if !g.Seen("voiko sossu tulla kouluun") {
		t.Error("case, spacing and punctuation variants are not one text")
	}
	if g.Seen("voiko sossu tulla kouluun huomenna") {
		t.Error("a different question counted as a copy")
	}
}

func TestFloodWindowExpires(t *testing.T) {
	clk := newClock()
	g := triage.NewFloodGuard(triage.FloodOptions{Now: clk.Now, Window: 10 * time.Minute})
	g.Seen("sama teksti")
	clk.Add(6 * time.Minute)
	g.Seen("sama teksti")
	clk.Add(6 * time.Minute) // the first copy is now 12 minutes old
	if g.Seen("sama teksti") {
		t.Error("a copy outside the window still counts")
	}
	clk.Add(time.Minute)
	if !g.Seen("sama teksti") {
		t.Error("three copies within 10 minutes are not a flood")
	}
	clk.Add(11 * time.Minute)
	if g.Len() == 0 {
		t.Fatal("entry vanished before any call expired it")
	}
	g.Seen("toinen teksti")
	if g.Len() != 1 {
		t.Errorf("Len = %d after the window passed, want 1 (expired entries are dropped)", g.Len())
	}
}

func TestFloodMemoryBound(t *testing.T) {
	clk := newClock()
	g := triage.NewFloodGuard(triage.FloodOptions{Now: clk.Now, MaxEntries: 100})
	for i := range 10_000 {
		g.Seen(fmt.Sprintf("kysymys numero %d", i))
	}
	if n := g.Len(); n > 100 {
		t.Errorf("Len = %d, want at most MaxEntries 100", n)
	}
	// the most recent texts are the ones kept
	g.Seen("kysymys numero 9999")
	if !g.Seen("kysymys numero 9999") {
		t.Error("a recent text was evicted before older ones")
	}
}

func TestFloodEmptyNeverFlood(t *testing.T) {
	g := triage.NewFloodGuard(triage.FloodOptions{Now: newClock().Now})
	for range 5 {
		if g.Seen("!!! ???") {
			t.Fatal("a text with no letters or digits counted as a flood")
		}
	}
}

func TestFloodKeysDiffer(t *testing.T) {
	// Two guards have different random keys; a copy in one is nothing to
	// the other.
	clk := newClock()
	a := triage.NewFloodGuard(triage.FloodOptions{Now: clk.Now})
	b := triage.NewFloodGuard(triage.FloodOptions{Now: clk.Now})
	a.Seen("x y z")
	a.Seen("x y z")
	if b.Seen("x y z") {
		t.Error("guards share state")
	}
}

func TestFloodConcurrent(t *testing.T) {
	g := triage.NewFloodGuard(triage.FloodOptions{Now: newClock().Now, MaxEntries: 50})
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				g.Seen(fmt.Sprintf("teksti %d", (w*200+i)%70))
			}
		}()
	}
	wg.Wait()
	if g.Len() > 50 {
		t.Errorf("Len = %d, want at most 50", g.Len())
	}
}

func TestTriagerFlood(t *testing.T) {
	clk := newClock()
	tr := triage.NewTriager(classifier(t), triage.NewFloodGuard(triage.FloodOptions{Now: clk.Now}))
	calmText := "Voiko sossu lukea mun viestit?"
	var last triage.Result
	for range 3 {
		last = tr.Triage(calmText)
	}
	if !last.Spam || !slices.Contains(last.Signals, "flood") {
		t.Errorf("third copy = %+v, want spam with flood", last)
	}
	urgent := "isä lyö mua ja pelkään mennä kotiin"
	for range 5 {
		last = tr.Triage(urgent)
	}
	if last.Spam || !last.Urgent {
		t.Errorf("repeated urgent text = %+v, want urgent and never spam", last)
	}
	if r := triage.NewTriager(classifier(t), nil).Triage(calmText); r.Spam {
		t.Errorf("without a flood guard = %+v, want not spam", r)
	}
}
