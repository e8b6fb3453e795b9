package api

import (
	"fmt"
	"testing"
	"time"
)

type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time { return c.t }

func TestLimiterBucket(t *testing.T) {
	clk := &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	l := newLimiter(time.Hour/30, 2, clk.now)
	for i := 0; i < 2; i++ {
		if ok, _ := l.allow("192.0.2.1"); !ok {
			t.Fatalf("request %d refused within the burst", i)
		}
	}
	ok, wait := l.allow("192.0.2.1")
	if ok || wait <= 0 || wait > 2*time.Minute {
		t.Fatalf("third request: ok=%v wait=%v, want refused with a wait of about 2m", ok, wait)
	}
	clk.t = clk.t.Add(wait)
	if ok, _ := l.allow("192.0.2.1"); !ok {
		t.Fatal("refused after waiting Retry-After")
	}
}

func TestLimiterForgetsDaily(t *testing.T) {
	clk := &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	l := newLimiter(time.Hour, 1, clk.now)
	l.allow("192.0.2.1")
	key := l.key
	if ok, _ := l.allow("192.0.2.1"); ok {
		t.Fatal("second request allowed")
	}
	clk.t = clk.t.Add(24 * time.Hour)
	if ok, _ := l.allow("192.0.2.1"); !ok {
		t.Fatal("refused after the key rotated")
	}
	if l.key == key {
		t.Fatal("the HMAC key did not rotate after 24 h")
	}
	if l.size() != 1 {
		t.Fatalf("buckets after rotation = %d, want 1", l.size())
	}
}

func TestLimiterMemoryBounded(t *testing.T) {
	clk := &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	l := newLimiter(time.Second, 1, clk.now)
	for i := 0; i < maxEntries+1000; i++ {
		l.allow(fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255))
		if i%50000 == 0 {
			clk.t = clk.t.Add(time.Second)
		}
	}
	if n := l.size(); n > maxEntries {
		t.Fatalf("limiter holds %d buckets, bound is %d", n, maxEntries)
	}
	// Idle buckets that would be full again are swept.
	clk.t = clk.t.Add(time.Hour)
	l.allow("192.0.2.9")
	if n := l.size(); n != 1 {
		t.Fatalf("after an idle hour the limiter holds %d buckets, want 1", n)
	}
}
