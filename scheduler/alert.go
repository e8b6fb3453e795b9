package scheduler

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"time"
)

// UrgentCounter reports how many urgent questions wait for an answer and
// when the oldest of them arrived (nil when none waits).
type UrgentCounter func(ctx context.Context) (int64, *time.Time, error)

// UrgentAlert tells the on-duty worker that urgent questions are waiting:
// a signed POST of {"urgent_waiting", "oldest_urgent_seconds", "at"} to
// channels.alert.url, never any text. Alerts are sent at most once per
// interval; an urgent question arriving in between is covered by the next
// one, which carries the count at that moment.
type UrgentAlert struct {
	cfg      WebhookConfig
	count    UrgentCounter
	client   *http.Client
	log      *slog.Logger
	interval time.Duration
	kick     chan struct{}
	// Now is the clock; tests replace it.
	Now func() time.Time
}

// NewUrgentAlert returns an alerter; Run sends its alerts.
func NewUrgentAlert(cfg WebhookConfig, count UrgentCounter, interval time.Duration, log *slog.Logger) *UrgentAlert {
	return &UrgentAlert{cfg: cfg, count: count, client: &http.Client{Timeout: 10 * time.Second},
		log: log.With("component", "alert"), interval: interval, kick: make(chan struct{}, 1), Now: time.Now}
}

// Notify says an urgent question arrived. It never blocks.
func (a *UrgentAlert) Notify() {
	select {
	case a.kick <- struct{}{}:
	default: // an alert is already due
	}
}

// Run sends alerts until ctx ends.
func (a *UrgentAlert) Run(ctx context.Context) {
	var last time.Time
	for {
		select {
		case <-ctx.Done():
			return
		case <-a.kick:
		}
		if wait := a.interval - a.Now().Sub(last); !last.IsZero() && wait > 0 {
			t := time.NewTimer(wait)
			select {
			case <-ctx.Done():
				t.Stop()
				return
			case <-t.C:
			}
		}
		select { // this alert covers any question that came while waiting
		case <-a.kick:
		default:
		}
		last = a.Now()
		if err := a.send(ctx); err != nil {
			a.log.Warn("urgent alert not delivered", "err", err)
		}
	}
}

type alertBody struct {
	UrgentWaiting       int64     `json:"urgent_waiting"`
	OldestUrgentSeconds *int64    `json:"oldest_urgent_seconds"`
	At                  time.Time `json:"at"`
}

func (a *UrgentAlert) send(ctx context.Context) error {
	n, oldest, err := a.count(ctx)
	if err != nil {
		return err
	}
	now := a.Now().UTC().Truncate(time.Second)
	body := alertBody{UrgentWaiting: n, At: now}
	if oldest != nil {
		s := int64(now.Sub(*oldest) / time.Second)
		body.OldestUrgentSeconds = &s
	}
	raw, err := json.Marshal(body)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.cfg.URL, bytes.NewReader(raw))
	if err != nil {
		return err
	}
	mac := hmac.New(sha256.New, []byte(a.cfg.Secret))
	mac.Write(raw)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Kysy-Signature", "sha256="+hex.EncodeToString(mac.Sum(nil)))
	resp, err := a.client.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("alert receiver answered %d", resp.StatusCode)
	}
	return nil
}
