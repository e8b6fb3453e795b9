// Package instagram is Kysy's Instagram channel: it publishes an approved
// question-and-answer card through the Graph API content-publishing flow
// (SPEC: "create the media container with image_url + caption, then
// media_publish; the card is served at http.base_url").
//
// The flow, as documented by Meta (Instagram Platform → Content Publishing):
//
//	POST /{ig-user-id}/media            image_url, caption   → {"id": container id}
//	GET  /{container-id}?fields=status_code                  → FINISHED | IN_PROGRESS | ERROR | EXPIRED | PUBLISHED
//	POST /{ig-user-id}/media_publish    creation_id          → {"id": media id}
//	GET  /{ig-user-id}/content_publishing_limit?fields=config,quota_usage
//	                                    → {"data":[{"quota_usage":N,"config":{"quota_total":M,"quota_duration":86400}}]}
//
// Exactly-once publishing across crashes is Deliver's job: the caller stores
// the container id (save) before media_publish is called, and a later attempt
// with that id asks the container's status instead of publishing again.
//
// The access token never travels in a URL: POST requests carry it as the
// access_token form value (the documented parameter, sent in the body), GET
// requests as an "Authorization: Bearer" header. Meta's reference pages only
// show the access_token query parameter, which would put the token into
// proxy and access logs; the bearer header is NOT verified in Meta's docs
// (third-party guides use it against graph.instagram.com) — if Graph API
// refuses it, GET requests must move the token elsewhere, never into the
// URL of a logged request. Errors never contain the token.
package instagram

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// DefaultAPIBase is channels.instagram.api_base's default.
const DefaultAPIBase = "https://graph.facebook.com/v21.0"

// Defaults for the zero values of Config.
const (
	DefaultTimeout      = 30 * time.Second
	DefaultPollInterval = 2 * time.Second
	DefaultMaxPolls     = 15
	// MaxResponseBytes bounds every response body read from the API.
	MaxResponseBytes = 1 << 20
)

// Config configures a Client (channels.instagram plus tuning knobs).
type Config struct {
	// APIBase is the Graph API root including the version,
	// e.g. https://graph.facebook.com/v21.0.
	APIBase string
	// UserID is the Instagram professional account's id (ig-user-id).
	UserID string
	// AccessToken is the user access token with instagram_content_publish.
	AccessToken string
	// HTTP is the client used for requests; nil means a new http.Client.
	HTTP *http.Client
	// Timeout bounds each single request (default 30 s).
	Timeout time.Duration
	// PollInterval is the wait between status checks of an IN_PROGRESS
	// container (default 2 s).
	PollInterval time.Duration
	// MaxPolls bounds the status checks Deliver makes while a container is
	// IN_PROGRESS (default 15).
	MaxPolls int
}

// String keeps the access token out of fmt output.
func (c Config) String() string {
	return fmt.Sprintf("instagram.Config{APIBase:%q UserID:%q AccessToken:[secret] Timeout:%s}", c.APIBase, c.UserID, c.Timeout)
}

// LogValue keeps the access token out of slog output.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(slog.String("api_base", c.APIBase), slog.String("user_id", c.UserID),
		slog.String("access_token", "[secret]"))
}

// Client talks to the Instagram Graph API. It is safe for concurrent use.
type Client struct {
	base     string
	userID   string
	token    string
	http     *http.Client
	timeout  time.Duration
	interval time.Duration
	maxPolls int
}

// New returns a Client; zero fields of cfg get their defaults.
func New(cfg Config) *Client {
	c := &Client{
		base:     strings.TrimRight(strings.TrimSpace(cfg.APIBase), "/"),
		userID:   strings.TrimSpace(cfg.UserID),
		token:    strings.TrimSpace(cfg.AccessToken),
		http:     cfg.HTTP,
		timeout:  cfg.Timeout,
		interval: cfg.PollInterval,
		maxPolls: cfg.MaxPolls,
	}
	if c.base == "" {
		c.base = DefaultAPIBase
	}
	if c.http == nil {
		c.http = &http.Client{}
	}
	if c.timeout <= 0 {
		c.timeout = DefaultTimeout
	}
	if c.interval <= 0 {
		c.interval = DefaultPollInterval
	}
	if c.maxPolls <= 0 {
		c.maxPolls = DefaultMaxPolls
	}
	return c
}

// String keeps the access token out of fmt output.
func (c *Client) String() string {
	return fmt.Sprintf("instagram.Client{base:%q user:%q token:[secret]}", c.base, c.userID)
}

// LogValue keeps the access token out of slog output.
func (c *Client) LogValue() slog.Value {
	return slog.GroupValue(slog.String("api_base", c.base), slog.String("user_id", c.userID))
}

// CreateContainer makes the media container for a single image post
// (POST /{ig-user-id}/media with image_url and caption) and returns its id.
// The caller stores the id BEFORE publishing it (see Deliver).
func (c *Client) CreateContainer(ctx context.Context, imageURL, caption string) (string, error) {
	const op = "create container"
	if imageURL == "" {
		return "", &Error{Op: op, Kind: KindBadRequest, Message: "image_url is empty"}
	}
	form := url.Values{"image_url": {imageURL}, "caption": {caption}}
	var out struct {
		ID string `json:"id"`
	}
	if err := c.call(ctx, op, http.MethodPost, []string{c.userID, "media"}, nil, form, &out); err != nil {
		return "", err
	}
	if out.ID == "" {
		return "", &Error{Op: op, Kind: KindBadResponse, Status: http.StatusOK, Message: "response has no container id"}
	}
	return out.ID, nil
}

// ContainerStatus is a media container's status_code.
type ContainerStatus string

// The five documented container states.
const (
	// StatusFinished: the container is ready to be published.
	StatusFinished ContainerStatus = "FINISHED"
	// StatusInProgress: Instagram is still processing the container.
	StatusInProgress ContainerStatus = "IN_PROGRESS"
	// StatusError: the container failed; a new one is needed.
	StatusError ContainerStatus = "ERROR"
	// StatusExpired: the container was not published within 24 hours.
	StatusExpired ContainerStatus = "EXPIRED"
	// StatusPublished: the container's media has been published.
	StatusPublished ContainerStatus = "PUBLISHED"
)

// Valid reports whether s is one of the five documented states.
func (s ContainerStatus) Valid() bool {
	switch s {
	case StatusFinished, StatusInProgress, StatusError, StatusExpired, StatusPublished:
		return true
	}
	return false
}

// Status is a container's status_code (GET /{container-id}?fields=status_code).
func (c *Client) Status(ctx context.Context, containerID string) (ContainerStatus, error) {
	st, _, err := c.status(ctx, containerID)
	return st, err
}

// status also returns the container's free-text "status" field, which
// explains an ERROR.
func (c *Client) status(ctx context.Context, containerID string) (ContainerStatus, string, error) {
	const op = "container status"
	if containerID == "" {
		return "", "", &Error{Op: op, Kind: KindBadRequest, Message: "container id is empty"}
	}
	var out struct {
		StatusCode string `json:"status_code"`
		Status     string `json:"status"`
	}
	q := url.Values{"fields": {"status_code,status"}}
	if err := c.call(ctx, op, http.MethodGet, []string{containerID}, q, nil, &out); err != nil {
		return "", "", err
	}
	st := ContainerStatus(out.StatusCode)
	if !st.Valid() {
		return "", "", &Error{Op: op, Kind: KindBadResponse, Status: http.StatusOK,
			Message: fmt.Sprintf("unknown status_code %q", truncate(out.StatusCode, 40))}
	}
	return st, c.redact(out.Status), nil
}

// Publish publishes a FINISHED container (POST /{ig-user-id}/media_publish
// with creation_id) and returns the new media id. Call it only through
// Deliver, or after storing containerID: a timeout here leaves it unknown
// whether the post went out, and only the container's status can tell.
func (c *Client) Publish(ctx context.Context, containerID string) (mediaID string, err error) {
	const op = "publish"
	if containerID == "" {
		return "", &Error{Op: op, Kind: KindBadRequest, Message: "container id is empty"}
	}
	var out struct {
		ID string `json:"id"`
	}
	form := url.Values{"creation_id": {containerID}}
	if err := c.call(ctx, op, http.MethodPost, []string{c.userID, "media_publish"}, nil, form, &out); err != nil {
		return "", err
	}
	if out.ID == "" {
		return "", &Error{Op: op, Kind: KindBadResponse, Status: http.StatusOK, Message: "response has no media id"}
	}
	return out.ID, nil
}

// Quota is the account's content_publishing_limit: posts published through
// the API in the current window (24 h) and how many the window allows.
func (c *Client) Quota(ctx context.Context) (used, total int, err error) {
	const op = "publishing limit"
	var out struct {
		Data []struct {
			QuotaUsage *int `json:"quota_usage"`
			Config     *struct {
				QuotaTotal    *int `json:"quota_total"`
				QuotaDuration int  `json:"quota_duration"`
			} `json:"config"`
		} `json:"data"`
	}
	q := url.Values{"fields": {"config,quota_usage"}}
	if err := c.call(ctx, op, http.MethodGet, []string{c.userID, "content_publishing_limit"}, q, nil, &out); err != nil {
		return 0, 0, err
	}
	if len(out.Data) == 0 || out.Data[0].QuotaUsage == nil || out.Data[0].Config == nil || out.Data[0].Config.QuotaTotal == nil {
		return 0, 0, &Error{Op: op, Kind: KindBadResponse, Status: http.StatusOK,
			Message: "response lacks data[0].quota_usage or data[0].config.quota_total"}
	}
	return *out.Data[0].QuotaUsage, *out.Data[0].Config.QuotaTotal, nil
}

// QuotaError says a post cannot be scheduled because the account's
// publishing limit over 24 hours is used up.
type QuotaError struct {
	Used, Total, Pending int
}

// Error names the numbers.
func (e *QuotaError) Error() string {
	return fmt.Sprintf("instagram: publishing limit: %d of %d posts used in the last 24 h and %d more already scheduled; no room for another",
		e.Used, e.Total, e.Pending)
}

// Explain is the message for a comms worker, in Finnish ("fi") or English.
func (e *QuotaError) Explain(lang string) string {
	if isFinnish(lang) {
		return fmt.Sprintf("Instagram-tilin julkaisuraja on täynnä: %d/%d julkaisua viimeisen 24 tunnin aikana ja %d jo ajastettuna. Ajasta julkaisu myöhemmäksi.",
			e.Used, e.Total, e.Pending)
	}
	return fmt.Sprintf("The Instagram account's publishing limit is used up: %d of %d posts in the last 24 hours and %d already scheduled. Schedule the post later.",
		e.Used, e.Total, e.Pending)
}

// CheckQuota applies the content_publishing_limit rule when a post is
// scheduled: pending is the number of Instagram posts already scheduled
// inside the coming 24 hours. It returns a *QuotaError when no room is left,
// or the Graph API error when the limit cannot be read.
func (c *Client) CheckQuota(ctx context.Context, pending int) error {
	used, total, err := c.Quota(ctx)
	if err != nil {
		return err
	}
	if used+pending >= total {
		return &QuotaError{Used: used, Total: total, Pending: pending}
	}
	return nil
}

// ErrUnpublishRefused is returned by Unpublish: the Graph API cannot delete
// published Instagram media.
var ErrUnpublishRefused = errors.New("instagram: published media cannot be deleted through the Graph API; delete the post by hand in the Instagram app")

// Unpublish always refuses with ErrUnpublishRefused: the Instagram Graph API
// offers no way to delete published media, so the post has to be removed in
// the Instagram app by someone who can log in to the account.
func (c *Client) Unpublish(ctx context.Context, mediaID string) error {
	return fmt.Errorf("%w (media %s)", ErrUnpublishRefused, truncate(mediaID, 40))
}

// call runs one Graph API request and decodes its JSON answer into out.
func (c *Client) call(ctx context.Context, op, method string, path []string, query, form url.Values, out any) error {
	if c.userID == "" {
		return &Error{Op: op, Kind: KindConfig, Message: "channels.instagram.user_id is not set"}
	}
	if c.token == "" {
		return &Error{Op: op, Kind: KindConfig, Message: "channels.instagram.access_token is not set"}
	}
	segs := make([]string, len(path))
	for i, p := range path {
		if p == "" || p == "." || p == ".." {
			return &Error{Op: op, Kind: KindBadRequest, Message: fmt.Sprintf("bad id %q", truncate(p, 40))}
		}
		segs[i] = url.PathEscape(p)
	}
	u := c.base + "/" + strings.Join(segs, "/")
	if len(query) > 0 {
		u += "?" + query.Encode()
	}

	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	var body io.Reader
	if method == http.MethodPost {
		f := url.Values{}
		for k, v := range form {
			f[k] = v
		}
		f.Set("access_token", c.token)
		body = strings.NewReader(f.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return &Error{Op: op, Kind: KindConfig, Message: "bad api_base: " + c.redact(err.Error())}
	}
	if method == http.MethodPost {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	req.Header.Set("Accept", "application/json")

	resp, err := c.http.Do(req)
	if err != nil {
		return c.networkError(ctx, op, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, MaxResponseBytes+1))
	if err != nil {
		return c.networkError(ctx, op, err)
	}
	if len(raw) > MaxResponseBytes {
		return &Error{Op: op, Kind: KindBadResponse, Status: resp.StatusCode,
			Message: fmt.Sprintf("response body larger than %d bytes", MaxResponseBytes)}
	}

	// A Graph API error body may come with any status, even 200.
	var env struct {
		Error *struct {
			Message   string `json:"message"`
			Type      string `json:"type"`
			Code      int    `json:"code"`
			Subcode   int    `json:"error_subcode"`
			FBTrace   string `json:"fbtrace_id"`
			Transient bool   `json:"is_transient"`
			UserTitle string `json:"error_user_title"`
			UserMsg   string `json:"error_user_msg"`
		} `json:"error"`
	}
	if json.Unmarshal(raw, &env) == nil && env.Error != nil {
		msg := env.Error.Message
		if env.Error.UserMsg != "" && env.Error.UserMsg != msg {
			msg += " — " + env.Error.UserMsg
		}
		return &Error{Op: op, Kind: KindAPI, Status: resp.StatusCode, Code: env.Error.Code, Subcode: env.Error.Subcode,
			Type: env.Error.Type, FBTrace: env.Error.FBTrace, Transient: env.Error.Transient,
			Message: c.redact(truncate(msg, 500))}
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return &Error{Op: op, Kind: KindBadResponse, Status: resp.StatusCode,
			Message: fmt.Sprintf("HTTP %d without a Graph API error body: %q", resp.StatusCode, c.redact(truncate(string(raw), 200)))}
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return &Error{Op: op, Kind: KindBadResponse, Status: resp.StatusCode,
			Message: fmt.Sprintf("response is not the expected JSON (%v): %q", err, c.redact(truncate(string(raw), 200)))}
	}
	return nil
}

// networkError turns a transport failure into a retryable *Error.
func (c *Client) networkError(ctx context.Context, op string, err error) error {
	e := &Error{Op: op, Kind: KindNetwork, Err: &redactedError{msg: c.redact(err.Error()), cause: err}}
	switch {
	case errors.Is(ctx.Err(), context.DeadlineExceeded) || errors.Is(err, context.DeadlineExceeded) || isTimeout(err):
		e.Message = fmt.Sprintf("no answer from Instagram in time (timeout %s)", c.timeout)
		e.Timeout = true
	case errors.Is(err, context.Canceled):
		e.Message = "request cancelled before Instagram answered"
	default:
		e.Message = "could not reach Instagram: " + c.redact(rootMessage(err))
	}
	return e
}

func isTimeout(err error) bool {
	var t interface{ Timeout() bool }
	return errors.As(err, &t) && t.Timeout()
}

// rootMessage drops url.Error's "Post \"https://…\":" prefix.
func rootMessage(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) && ue.Err != nil {
		return ue.Err.Error()
	}
	return err.Error()
}

// redact removes the access token (and its URL-encoded form) from s.
func (c *Client) redact(s string) string {
	if c.token == "" {
		return s
	}
	s = strings.ReplaceAll(s, c.token, "[redacted]")
	if enc := url.QueryEscape(c.token); enc != c.token {
		s = strings.ReplaceAll(s, enc, "[redacted]")
	}
	return s
}

// redactedError wraps a transport error whose text has been redacted.
type redactedError struct {
	msg   string
	cause error
}

func (r *redactedError) Error() string { return r.msg }
func (r *redactedError) Unwrap() error { return r.cause }

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
