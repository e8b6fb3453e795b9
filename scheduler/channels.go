package scheduler

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"kysy/store"
)

// Feed is the built-in channel: a post is on the public pages and feeds
// once its feed delivery is published, so delivering is recording it.
type Feed struct{}

// Name is "feed".
func (Feed) Name() string { return "feed" }

// Deliver has nothing to send.
func (Feed) Deliver(context.Context, store.Delivery, store.Post, func(string) error) (string, error) {
	return "", nil
}

// Links gives the public addresses of a post and its card.
type Links struct {
	BaseURL string
}

// Post is the post's page.
func (l Links) Post(id int64) string {
	return strings.TrimRight(l.BaseURL, "/") + "/posts/" + strconv.FormatInt(id, 10)
}

// Card is the post's image card; ext is "png" or "jpg".
func (l Links) Card(id int64, ext string) string { return l.Post(id) + "/card." + ext }

// Webhook POSTs each post as JSON to channels.webhook.url (SPEC §9), signed
// with X-Kysy-Signature: sha256=<hex HMAC-SHA256 of the body>, and with the
// delivery's Idempotency-Key, the same on every attempt, so a receiver can
// drop a redelivery after a crash. Any 2xx is delivered.
type Webhook struct {
	cfg    WebhookConfig
	links  Links
	client *http.Client
	// Now is the clock for published_at when the post has none yet.
	Now func() time.Time
}

// NewWebhook returns the webhook channel.
func NewWebhook(cfg WebhookConfig, links Links) *Webhook {
	return &Webhook{cfg: cfg, links: links, client: &http.Client{Timeout: 15 * time.Second}, Now: time.Now}
}

// Name is "webhook".
func (w *Webhook) Name() string { return "webhook" }

// WebhookPayload is the body of a webhook delivery.
type WebhookPayload struct {
	ID          int64     `json:"id"`
	Question    *string   `json:"question"`
	Answer      string    `json:"answer"`
	Caption     string    `json:"caption"`
	URL         string    `json:"url"`
	CardURL     string    `json:"card_url"`
	PublishedAt time.Time `json:"published_at"`
}

// Sign is the X-Kysy-Signature value of body under secret.
func Sign(secret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// Deliver sends one post.
func (w *Webhook) Deliver(ctx context.Context, d store.Delivery, p store.Post, _ func(string) error) (string, error) {
	at := p.ScheduledAt
	if p.PublishedAt != nil {
		at = *p.PublishedAt
	}
	body := WebhookPayload{ID: p.ID, Answer: p.Answer, Caption: p.Caption, URL: w.links.Post(p.ID),
		CardURL: w.links.Card(p.ID, "png"), PublishedAt: at.UTC()}
	if p.Question != "" {
		q := p.Question
		body.Question = &q
	}
	raw, err := json.Marshal(body)
	if err != nil {
		return "", &Permanent{err}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.cfg.URL, bytes.NewReader(raw))
	if err != nil {
		return "", &Permanent{err}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Kysy")
	req.Header.Set("X-Kysy-Signature", Sign(string(w.cfg.Secret), raw))
	req.Header.Set("Idempotency-Key", d.IdempotencyKey)
	resp, err := w.client.Do(req)
	if err != nil {
		var ue interface{ Timeout() bool }
		if errors.As(err, &ue) && ue.Timeout() {
			return "", errors.New("the webhook receiver did not answer in time")
		}
		return "", errors.New("could not reach the webhook receiver")
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode <= 299:
		return "", nil
	case resp.StatusCode == http.StatusRequestTimeout || resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
		return "", fmt.Errorf("the webhook receiver answered %d", resp.StatusCode)
	default:
		return "", &Permanent{fmt.Errorf("the webhook receiver refused the post with %d", resp.StatusCode)}
	}
}
