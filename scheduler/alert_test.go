package scheduler

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

type delivery struct {
	body []byte
	sig  string
}

func TestUrgentAlertIsSignedAndCarriesNoText(t *testing.T) {
	got := make(chan delivery, 10)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got <- delivery{b, r.Header.Get("X-Kysy-Signature")}
	}))
	defer srv.Close()
	secret := "a secret of sixteen+"
	now := time.Date(2026, 11, 22, 2, 47, 31, 0, time.UTC)
	arrived := now.Add(-90 * time.Minute)
	waiting := int64(2)
	count := func(context.Context) (int64, *time.Time, error) { return waiting, &arrived, nil }
	a := NewUrgentAlert(WebhookConfig{Enabled: true, URL: srv.URL, Secret: Secret(secret)}, count, 50*time.Millisecond, slog.New(slog.DiscardHandler))
	a.Now = func() time.Time { return now }
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go a.Run(ctx)

	a.Notify()
	d := <-got
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(d.body)
	if d.sig != "sha256="+hex.EncodeToString(mac.Sum(nil)) {
		t.Fatalf("signature %q does not match the body", d.sig)
	}
	var m map[string]any
	if err := json.Unmarshal(d.body, &m); err != nil {
		t.Fatal(err)
	}
	if len(m) != 3 || m["urgent_waiting"] != 2.0 || m["oldest_urgent_seconds"] != 5400.0 || m["at"] != "2026-11-22T02:47:31Z" {
		t.Fatalf("alert body %s: want only the count, the age and the time", d.body)
	}

	// Two more urgent questions inside the interval: one more alert, with
	// the count at the time it goes out.
	waiting = 4
	a.Notify()
	a.Notify()
	d = <-got
	if err := json.Unmarshal(d.body, &m); err != nil || m["urgent_waiting"] != 4.0 {
		t.Fatalf("second alert %s", d.body)
	}
	select {
	case extra := <-got:
		t.Fatalf("a third alert was sent: %s", extra.body)
	default:
	}
}

func TestAlertConfigNamesItsKeys(t *testing.T) {
	c := ChannelsConfig{Alert: WebhookConfig{Enabled: true, URL: "ftp://x", Secret: "short"}, Instagram: InstagramConfig{MaxHashtags: 5}}
	err := c.Validate()
	if err == nil {
		t.Fatal("a bad alert config passed")
	}
	for _, want := range []string{"channels.alert.url", "channels.alert.secret", "KYSY_CHANNELS_ALERT_SECRET"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %s", err, want)
		}
	}
}
