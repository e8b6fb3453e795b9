package instagram_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"kysy/scheduler/instagram"
	"kysy/scheduler/instagram/igfake"
)

const (
	cardURL = "https://kysy.example/cards/42.png"
	caption = "Kysymys: miten jaksan koulussa? Vastaus: pienin askelin. #kysy #jaksaminen"
)

func setup(t *testing.T, mod func(*instagram.Config)) (*igfake.Server, *instagram.Client) {
	t.Helper()
	fake := igfake.New()
	t.Cleanup(fake.Close)
	cfg := instagram.Config{
		APIBase:      fake.URL + "/v21.0",
		UserID:       igfake.DefaultUserID,
		AccessToken:  igfake.DefaultToken,
		Timeout:      2 * time.Second,
		PollInterval: time.Millisecond,
		MaxPolls:     5,
	}
	if mod != nil {
		mod(&cfg)
	}
	return fake, instagram.New(cfg)
}

// saver records saved container ids like the scheduler's store would.
type saver struct {
	mu  sync.Mutex
	ids []string
}

func (s *saver) save(id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ids = append(s.ids, id)
	return nil
}

func (s *saver) last() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.ids) == 0 {
		return ""
	}
	return s.ids[len(s.ids)-1]
}

func asError(t *testing.T, err error) *instagram.Error {
	t.Helper()
	var e *instagram.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not *instagram.Error", err, err)
	}
	return e
}

func noToken(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	for _, s := range []string{err.Error(), fmt.Sprintf("%v", err), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err),
		instagram.Explain(err, "fi"), instagram.Explain(err, "en")} {
		if strings.Contains(s, igfake.DefaultToken) {
			t.Fatalf("access token leaked: %s", s)
		}
	}
}

func TestDeliverHappyPath(t *testing.T) {
	fake, c := setup(t, nil)
	var sv saver
	res, err := c.Deliver(context.Background(), "", cardURL, caption, sv.save)
	if err != nil {
		t.Fatal(err)
	}
	if res.ContainerID == "" || res.MediaID == "" || res.AlreadyPublished {
		t.Fatalf("result %+v", res)
	}
	if sv.last() != res.ContainerID {
		t.Fatalf("saved %v, container %s", sv.ids, res.ContainerID)
	}
	calls := fake.Calls()
	if calls.Create != 1 || calls.Publish != 1 || fake.PublishCount(res.ContainerID) != 1 {
		t.Fatalf("calls %+v", calls)
	}
	if calls.ImageURLs[0] != cardURL || calls.Captions[0] != caption {
		t.Fatalf("fake got image_url %q caption %q", calls.ImageURLs[0], calls.Captions[0])
	}
	if calls.TokenInURL != 0 || calls.Unauthorized != 0 {
		t.Fatalf("token in URL %d times, unauthorized %d", calls.TokenInURL, calls.Unauthorized)
	}
	for _, a := range calls.Auth {
		if !a.OK || a.Via == "query" || a.Via == "" {
			t.Fatalf("auth %+v", a)
		}
	}
	if fake.ContainerStatus(res.ContainerID) != igfake.Published {
		t.Fatal("container not published in the fake")
	}
}

// The id must be stored before media_publish is called.
func TestDeliverSavesBeforePublish(t *testing.T) {
	fake, c := setup(t, nil)
	save := func(id string) error {
		if n := fake.Calls().Publish; n != 0 {
			t.Errorf("publish called %d times before save", n)
		}
		return nil
	}
	if _, err := c.Deliver(context.Background(), "", cardURL, caption, save); err != nil {
		t.Fatal(err)
	}
}

func TestDeliverSaveFailsNothingPublished(t *testing.T) {
	fake, c := setup(t, nil)
	boom := errors.New("database is locked")
	res, err := c.Deliver(context.Background(), "", cardURL, caption, func(string) error { return boom })
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v", err)
	}
	if res.ContainerID != "" {
		t.Fatalf("unsaved container returned as stored: %+v", res)
	}
	if n := fake.Calls().Publish; n != 0 {
		t.Fatalf("published %d times without a stored id", n)
	}
}

// Crash simulation: media_publish goes through in the fake but the answer
// never arrives (timeout); the retry with the stored id sees PUBLISHED and
// does not publish again.
func TestDeliverCrashAfterPublishNoDouble(t *testing.T) {
	fake, c := setup(t, func(cfg *instagram.Config) { cfg.Timeout = 200 * time.Millisecond })
	fake.PublishThenHang(1)
	var sv saver
	res, err := c.Deliver(context.Background(), "", cardURL, caption, sv.save)
	if err == nil {
		t.Fatal("first attempt should time out")
	}
	e := asError(t, err)
	if !e.Retryable() || !e.Timeout || e.Kind != instagram.KindNetwork {
		t.Fatalf("timeout error %#v not retryable", e)
	}
	noToken(t, err)
	stored := sv.last()
	if stored == "" || res.ContainerID != stored {
		t.Fatalf("stored %q, result %+v", stored, res)
	}

	// "Restart": a new client, the stored id.
	c2 := instagram.New(instagram.Config{APIBase: fake.URL + "/v21.0", UserID: igfake.DefaultUserID,
		AccessToken: igfake.DefaultToken, PollInterval: time.Millisecond})
	res2, err := c2.Deliver(context.Background(), stored, cardURL, caption, sv.save)
	if err != nil {
		t.Fatal(err)
	}
	if !res2.AlreadyPublished || res2.ContainerID != stored {
		t.Fatalf("second attempt %+v", res2)
	}
	if n := fake.PublishCount(stored); n != 1 {
		t.Fatalf("media_publish called %d times for %s, want exactly 1", n, stored)
	}
	if calls := fake.Calls(); calls.Create != 1 || calls.Publish != 1 {
		t.Fatalf("calls %+v", calls)
	}
}

// Crash between save and publish: the stored container is FINISHED and is
// published once, no new container.
func TestDeliverStoredFinishedPublishesOnce(t *testing.T) {
	fake, c := setup(t, nil)
	id, err := c.CreateContainer(context.Background(), cardURL, caption)
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.Deliver(context.Background(), id, cardURL, caption, func(string) error {
		t.Error("save must not be called for a stored FINISHED container")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.ContainerID != id || res.MediaID == "" || res.AlreadyPublished {
		t.Fatalf("result %+v", res)
	}
	if fake.PublishCount(id) != 1 || fake.Calls().Create != 1 {
		t.Fatalf("calls %+v", fake.Calls())
	}
}

func TestDeliverStoredExpiredOrErrorMakesNew(t *testing.T) {
	for _, st := range []string{igfake.Expired, igfake.Failed} {
		t.Run(st, func(t *testing.T) {
			fake, c := setup(t, nil)
			old, err := c.CreateContainer(context.Background(), cardURL, caption)
			if err != nil {
				t.Fatal(err)
			}
			fake.SetContainerStatus(old, st, "")
			var sv saver
			res, err := c.Deliver(context.Background(), old, cardURL, caption, sv.save)
			if err != nil {
				t.Fatal(err)
			}
			if res.ContainerID == old || res.ContainerID == "" || sv.last() != res.ContainerID || res.MediaID == "" {
				t.Fatalf("result %+v, saved %v", res, sv.ids)
			}
			if fake.PublishCount(old) != 0 || fake.PublishCount(res.ContainerID) != 1 || fake.Calls().Create != 2 {
				t.Fatalf("calls %+v", fake.Calls())
			}
		})
	}
}

func TestDeliverWaitsInProgressThenFinished(t *testing.T) {
	fake, c := setup(t, nil)
	fake.SetStatusSequence(igfake.InProgress, igfake.InProgress, igfake.Finished)
	var sv saver
	res, err := c.Deliver(context.Background(), "", cardURL, caption, sv.save)
	if err != nil {
		t.Fatal(err)
	}
	calls := fake.Calls()
	if calls.Status != 3 || calls.Publish != 1 || res.MediaID == "" {
		t.Fatalf("calls %+v result %+v", calls, res)
	}
}

func TestDeliverInProgressBounded(t *testing.T) {
	fake, c := setup(t, func(cfg *instagram.Config) { cfg.MaxPolls = 3 })
	fake.SetStatusSequence(igfake.InProgress)
	var sv saver
	res, err := c.Deliver(context.Background(), "", cardURL, caption, sv.save)
	e := asError(t, err)
	if e.Kind != instagram.KindNotReady || !e.Retryable() || res.ContainerID == "" {
		t.Fatalf("err %v result %+v", err, res)
	}
	if calls := fake.Calls(); calls.Status != 3 || calls.Publish != 0 {
		t.Fatalf("calls %+v", calls)
	}
	if !strings.Contains(e.Explain("fi"), "käsittelee vielä") {
		t.Fatalf("fi: %s", e.Explain("fi"))
	}
	// Later the container finishes: the stored id is published, no new container.
	fake.SetContainerStatus(res.ContainerID, igfake.Finished, "")
	res2, err := c.Deliver(context.Background(), res.ContainerID, cardURL, caption, sv.save)
	if err != nil || res2.MediaID == "" || fake.Calls().Create != 1 {
		t.Fatalf("retry: %v %+v %+v", err, res2, fake.Calls())
	}
}

func TestDeliverPollingHonoursContext(t *testing.T) {
	fake, c := setup(t, func(cfg *instagram.Config) {
		cfg.PollInterval = time.Hour
		cfg.MaxPolls = 10
	})
	fake.SetStatusSequence(igfake.InProgress)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.Deliver(ctx, "", cardURL, caption, (&saver{}).save)
	if err == nil || time.Since(start) > 5*time.Second {
		t.Fatalf("err %v after %s", err, time.Since(start))
	}
	if !asError(t, err).Retryable() {
		t.Fatal("cancelled wait should be retryable")
	}
}

func TestDeliverNewContainerError(t *testing.T) {
	fake, c := setup(t, nil)
	fake.SetStatusSequence(igfake.Failed)
	_, err := c.Deliver(context.Background(), "", cardURL, caption, (&saver{}).save)
	e := asError(t, err)
	if e.Kind != instagram.KindContainerFailed || !e.NeedsNewContainer() || fake.Calls().Publish != 0 {
		t.Fatalf("err %v", err)
	}
}

func TestErrorsTranslated(t *testing.T) {
	cases := []struct {
		name      string
		ep        igfake.Endpoint
		apiErr    igfake.APIError
		retryable bool
		fi, en    string
	}{
		{"token expired 190", igfake.Create, igfake.APIError{Code: 190, Subcode: 463, Message: "Error validating access token: Session has expired"},
			false, "Instagramin käyttöoikeus (access token) on vanhentunut", "access token has expired"},
		{"permission 10", igfake.Create, igfake.APIError{Code: 10, Message: "Application does not have permission for this action"},
			false, "puuttuu lupa", "lacks permission"},
		{"permission 200", igfake.Publish, igfake.APIError{Code: 200, Message: "Permissions error"},
			false, "puuttuu lupa", "lacks permission"},
		{"rate limit 4", igfake.Create, igfake.APIError{Code: 4, Message: "Application request limit reached", Transient: true},
			true, "rajoittaa hetkellisesti", "temporarily limiting"},
		{"rate limit 17", igfake.Publish, igfake.APIError{Code: 17, Message: "User request limit reached"},
			true, "rajoittaa hetkellisesti", "temporarily limiting"},
		{"rate limit 613", igfake.Create, igfake.APIError{Code: 613, Message: "Calls to this api have exceeded the rate limit."},
			true, "rajoittaa hetkellisesti", "temporarily limiting"},
		{"publishing limit", igfake.Publish, igfake.APIError{Code: 9, Subcode: 2207042, Message: "max posts"},
			true, "julkaisuraja", "publishing limit"},
		{"5xx", igfake.Create, igfake.APIError{HTTPStatus: 503, Code: 2, Message: "Service temporarily unavailable"},
			true, "tilapäinen häiriö", "temporary fault"},
		{"5xx html", igfake.Create, igfake.APIError{HTTPStatus: 502, RawBody: "<html>Bad Gateway</html>"},
			true, "tilapäinen häiriö", "temporary fault"},
		{"server 2207001", igfake.Publish, igfake.APIError{Code: -1, Subcode: 2207001, Message: "Instagram server error"},
			true, "tilapäinen häiriö", "temporary fault"},
		{"media fetch 9004", igfake.Create, igfake.APIError{Code: 9004, Subcode: 2207052, Message: "Media download has failed"},
			true, "kuvakorttia", "card image"},
		{"not ready 9007", igfake.Publish, igfake.APIError{Code: 9007, Subcode: 2207027, Message: "Media ID is not available"},
			true, "käsittelee vielä", "still processing"},
		{"image too large", igfake.Create, igfake.APIError{Code: 36000, Subcode: 2207004, Message: "The image size is too large."},
			false, "hylkäsi kuvakortin", "rejected the card image"},
		{"aspect ratio", igfake.Create, igfake.APIError{Code: 36003, Subcode: 2207009, Message: "aspect ratio"},
			false, "hylkäsi kuvakortin", "rejected the card image"},
		{"invalid parameter 100", igfake.Create, igfake.APIError{Code: 100, Message: "Invalid parameter"},
			false, "virheellisenä", "invalid"},
		{"spam 2207051", igfake.Publish, igfake.APIError{Code: 4, Subcode: 2207051, Message: "We restrict certain activity"},
			false, "roskapostiksi", "spam"},
		{"account restricted", igfake.Publish, igfake.APIError{Code: 25, Subcode: 2207050, Message: "restricted"},
			false, "rajoittanut tiliä", "restricted the account"},
		{"unexpected 400 html", igfake.Create, igfake.APIError{HTTPStatus: 400, RawBody: "<html>nope</html>"},
			false, "odottamattomalla", "unexpected"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fake, c := setup(t, nil)
			fake.FailNext(tc.ep, 1, tc.apiErr)
			_, err := c.Deliver(context.Background(), "", cardURL, caption, (&saver{}).save)
			e := asError(t, err)
			if got := e.Retryable(); got != tc.retryable {
				t.Errorf("Retryable() = %v, want %v (%v)", got, tc.retryable, err)
			}
			if fi := e.Explain("fi"); !strings.Contains(fi, tc.fi) {
				t.Errorf("fi: %q lacks %q", fi, tc.fi)
			}
			if en := e.Explain("en"); !strings.Contains(en, tc.en) {
				t.Errorf("en: %q lacks %q", en, tc.en)
			}
			if tc.apiErr.RawBody == "" && tc.apiErr.Code != 0 {
				want := fmt.Sprintf("error %d", tc.apiErr.Code)
				if tc.apiErr.Subcode != 0 {
					want += fmt.Sprintf("/%d", tc.apiErr.Subcode)
				}
				if !strings.Contains(err.Error(), want) || e.Code != tc.apiErr.Code || e.Subcode != tc.apiErr.Subcode {
					t.Errorf("Error() %q lacks %q", err.Error(), want)
				}
				if e.FBTrace == "" || !strings.Contains(err.Error(), e.FBTrace) {
					t.Errorf("fbtrace missing: %q", err.Error())
				}
			}
			noToken(t, err)
		})
	}
}

func TestTokenExpiredMessages(t *testing.T) {
	fake, c := setup(t, nil)
	fake.FailNext(igfake.Create, 1, igfake.APIError{Code: 190, Message: "Error validating access token"})
	_, err := c.CreateContainer(context.Background(), cardURL, caption)
	e := asError(t, err)
	if e.Retryable() {
		t.Fatal("190 must not be retryable")
	}
	fi := e.Explain("fi")
	if !strings.HasPrefix(fi, "Instagramin käyttöoikeus (access token) on vanhentunut") || !strings.Contains(fi, "Pyydä ylläpitäjää uusimaan se") ||
		!strings.Contains(fi, "virhekoodi 190") {
		t.Fatalf("fi: %s", fi)
	}
	if en := e.Explain("en-GB"); !strings.Contains(en, "Ask an administrator to renew it") {
		t.Fatalf("en: %s", en)
	}
	if e.Explain("fi-FI") != fi {
		t.Fatal("fi-FI should be Finnish")
	}
}

func TestWrongTokenRejectedByFake(t *testing.T) {
	fake, c := setup(t, func(cfg *instagram.Config) { cfg.AccessToken = "wrong-token-xyz" })
	_, err := c.CreateContainer(context.Background(), cardURL, caption)
	e := asError(t, err)
	if e.Code != 190 || e.Retryable() || fake.Calls().Unauthorized != 1 {
		t.Fatalf("err %v calls %+v", err, fake.Calls())
	}
	if strings.Contains(err.Error(), "wrong-token-xyz") {
		t.Fatal("token leaked")
	}
}

func TestTimeoutsRetryable(t *testing.T) {
	for _, ep := range []igfake.Endpoint{igfake.Create, igfake.Status, igfake.Publish} {
		t.Run(string(ep), func(t *testing.T) {
			fake, c := setup(t, func(cfg *instagram.Config) { cfg.Timeout = 100 * time.Millisecond })
			fake.Hang(ep, 1)
			_, err := c.Deliver(context.Background(), "", cardURL, caption, (&saver{}).save)
			e := asError(t, err)
			if e.Kind != instagram.KindNetwork || !e.Timeout || !e.Retryable() {
				t.Fatalf("err %#v", e)
			}
			if !strings.Contains(e.Explain("fi"), "aikakatkaisu") || !strings.Contains(e.Explain("en"), "timeout") {
				t.Fatalf("explain: %s / %s", e.Explain("fi"), e.Explain("en"))
			}
			if !strings.Contains(err.Error(), "timeout") {
				t.Fatalf("Error(): %s", err)
			}
			noToken(t, err)
			if fake.Calls().Publish > 1 {
				t.Fatal("published more than once")
			}
		})
	}
}

func TestConnectionRefusedRetryable(t *testing.T) {
	fake := igfake.New()
	base := fake.URL
	fake.Close()
	c := instagram.New(instagram.Config{APIBase: base, UserID: "1", AccessToken: igfake.DefaultToken, Timeout: time.Second})
	_, _, err := c.Quota(context.Background())
	e := asError(t, err)
	if e.Kind != instagram.KindNetwork || !e.Retryable() || e.Timeout {
		t.Fatalf("err %#v", e)
	}
	noToken(t, err)
}

func TestUnexpectedBodies(t *testing.T) {
	cases := map[string]string{
		"not json":         "this is not json",
		"no id":            `{"foo":"bar"}`,
		"unknown status":   `{"status_code":"WEIRD"}`,
		"quota empty data": `{"data":[]}`,
	}
	for name, body := range cases {
		t.Run(name, func(t *testing.T) {
			srv := newRaw(t, body, 200)
			c := instagram.New(instagram.Config{APIBase: srv, UserID: "1", AccessToken: igfake.DefaultToken})
			var err error
			switch name {
			case "unknown status":
				_, err = c.Status(context.Background(), "123")
			case "quota empty data":
				_, _, err = c.Quota(context.Background())
			default:
				_, err = c.CreateContainer(context.Background(), cardURL, caption)
			}
			e := asError(t, err)
			if e.Kind != instagram.KindBadResponse || e.Retryable() {
				t.Fatalf("err %v kind %v", err, e.Kind)
			}
			noToken(t, err)
		})
	}
}

func TestLargeBodyBounded(t *testing.T) {
	srv := newRaw(t, `{"id":"`+strings.Repeat("9", instagram.MaxResponseBytes+10)+`"}`, 200)
	c := instagram.New(instagram.Config{APIBase: srv, UserID: "1", AccessToken: igfake.DefaultToken})
	_, err := c.CreateContainer(context.Background(), cardURL, caption)
	if e := asError(t, err); e.Kind != instagram.KindBadResponse || !strings.Contains(err.Error(), "larger than") {
		t.Fatalf("err %v", err)
	}
}

// A server that echoes the token in its error message does not leak it.
func TestEchoedTokenRedacted(t *testing.T) {
	srv := newRaw(t, `{"error":{"message":"bad token `+igfake.DefaultToken+`","type":"OAuthException","code":190}}`, 400)
	c := instagram.New(instagram.Config{APIBase: srv, UserID: "1", AccessToken: igfake.DefaultToken})
	_, err := c.Publish(context.Background(), "5")
	noToken(t, err)
	if !strings.Contains(err.Error(), "[redacted]") {
		t.Fatalf("err %v", err)
	}
	srv2 := newRaw(t, "<html>"+igfake.DefaultToken+"</html>", 500)
	_, err = instagram.New(instagram.Config{APIBase: srv2, UserID: "1", AccessToken: igfake.DefaultToken}).Publish(context.Background(), "5")
	noToken(t, err)
}

func TestTokenNeverInFmtOrLogs(t *testing.T) {
	cfg := instagram.Config{APIBase: "https://x", UserID: "1", AccessToken: igfake.DefaultToken}
	c := instagram.New(cfg)
	var b strings.Builder
	slog.New(slog.NewTextHandler(&b, nil)).Info("x", "cfg", cfg, "client", c)
	for _, s := range []string{fmt.Sprint(cfg), fmt.Sprintf("%v %+v", c, c), b.String()} {
		if strings.Contains(s, igfake.DefaultToken) {
			t.Fatalf("token leaked: %s", s)
		}
	}
}

func TestQuota(t *testing.T) {
	fake, c := setup(t, nil)
	fake.SetQuota(7, 50)
	used, total, err := c.Quota(context.Background())
	if err != nil || used != 7 || total != 50 {
		t.Fatalf("quota %d/%d %v", used, total, err)
	}
	if err := c.CheckQuota(context.Background(), 42); err != nil {
		t.Fatalf("42 pending + 7 used < 50: %v", err)
	}
	err = c.CheckQuota(context.Background(), 43)
	var qe *instagram.QuotaError
	if !errors.As(err, &qe) || qe.Used != 7 || qe.Total != 50 || qe.Pending != 43 {
		t.Fatalf("err %v", err)
	}
	if !strings.Contains(instagram.Explain(err, "fi"), "7/50") {
		t.Fatalf("fi: %s", instagram.Explain(err, "fi"))
	}
	// The auth of GET requests is a header, never the URL.
	for _, a := range fake.Calls().Auth {
		if a.Via != "bearer" {
			t.Fatalf("GET auth via %q", a.Via)
		}
	}
	// Publishing at the limit fails with 9/2207042, retryable.
	fake.SetQuota(50, 50)
	_, err = c.Deliver(context.Background(), "", cardURL, caption, (&saver{}).save)
	if e := asError(t, err); e.Subcode != 2207042 || !e.Retryable() {
		t.Fatalf("err %v", err)
	}
}

func TestUnpublishRefused(t *testing.T) {
	fake, c := setup(t, nil)
	err := c.Unpublish(context.Background(), "17900000000000001")
	if !errors.Is(err, instagram.ErrUnpublishRefused) {
		t.Fatalf("err %v", err)
	}
	if !strings.Contains(err.Error(), "cannot be deleted") || !strings.Contains(instagram.Explain(err, "fi"), "Instagram-sovelluksessa") {
		t.Fatalf("messages: %s / %s", err, instagram.Explain(err, "fi"))
	}
	if n := len(fake.Calls().Auth); n != 0 {
		t.Fatalf("Unpublish made %d API calls", n)
	}
}

func TestMissingConfig(t *testing.T) {
	c := instagram.New(instagram.Config{APIBase: "http://127.0.0.1:1", UserID: "1"})
	_, err := c.CreateContainer(context.Background(), cardURL, caption)
	if e := asError(t, err); e.Kind != instagram.KindConfig || e.Retryable() {
		t.Fatalf("err %v", err)
	}
}

func TestCheckCaption(t *testing.T) {
	exact := strings.Repeat("ä", 2200)
	if err := instagram.CheckCaption(exact, 5); err != nil {
		t.Fatalf("2200 runes: %v", err)
	}
	err := instagram.CheckCaption(exact+"ä", 5)
	var ce *instagram.CaptionError
	if !errors.As(err, &ce) || ce.Rule != "length" || ce.Got != 2201 || ce.Limit != 2200 {
		t.Fatalf("2201 runes: %v", err)
	}
	if !strings.Contains(err.Error(), "2201") || !strings.Contains(err.Error(), "2200") {
		t.Fatalf("message: %v", err)
	}
	if fi := instagram.Explain(err, "fi"); !strings.Contains(fi, "2201 merkkiä") || !strings.Contains(fi, "1 merkillä") {
		t.Fatalf("fi: %s", fi)
	}

	five := "#yksi #kaksi #kolme #neljä #viisi"
	if err := instagram.CheckCaption(five, 5); err != nil {
		t.Fatalf("5 hashtags: %v", err)
	}
	err = instagram.CheckCaption(five+" (#kuusi)", 5)
	if !errors.As(err, &ce) || ce.Rule != "hashtags" || ce.Got != 6 || ce.Limit != 5 {
		t.Fatalf("6 hashtags: %v", err)
	}
	if !strings.Contains(err.Error(), "6 hashtags") || !strings.Contains(err.Error(), "at most 5") {
		t.Fatalf("message: %v", err)
	}
	if err := instagram.CheckCaption("#a", 0); err == nil {
		t.Fatal("max 0 allows no hashtags")
	}
	if err := instagram.CheckCaption(strings.Repeat("#t ", 6), -1); err == nil {
		t.Fatal("negative max should mean the default 5")
	}
	if err := instagram.CheckCaption(strings.Repeat("#t ", 31), 100); err == nil {
		t.Fatal("Instagram's 30 is the ceiling")
	}
	// Both rules broken: both reported.
	err = instagram.CheckCaption(strings.Repeat("#x ", 800), 5)
	if !strings.Contains(err.Error(), "characters") || !strings.Contains(err.Error(), "hashtags") {
		t.Fatalf("both: %v", err)
	}
}

func TestCountHashtags(t *testing.T) {
	cases := map[string]int{
		"":                     0,
		"#kysy":                1,
		"#kysy #vastaus":       2,
		"a#b":                  0,
		"# ":                   0,
		"##":                   0,
		"##tag":                1,
		"(#mielenterveys)":     1,
		"#ä #öljy #123 #_x":    4,
		"sähköposti#ei":        0,
		"rivi\n#uusi,#toinen.": 2,
	}
	for in, want := range cases {
		if got := instagram.CountHashtags(in); got != want {
			t.Errorf("CountHashtags(%q) = %d, want %d", in, got, want)
		}
	}
}

// newRaw serves one fixed body for every request.
func newRaw(t *testing.T, body string, status int) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// Many posts delivered at once: each container is published exactly once
// (run with -race: the client and the fake are safe for concurrent use).
func TestConcurrentDeliver(t *testing.T) {
	fake, c := setup(t, nil)
	fake.SetStatusSequence(igfake.InProgress, igfake.Finished)
	const n = 12
	var wg sync.WaitGroup
	results := make([]instagram.Result, n)
	errs := make([]error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			results[i], errs[i] = c.Deliver(context.Background(), "", fmt.Sprintf("%s?%d", cardURL, i), caption, (&saver{}).save)
		}(i)
	}
	wg.Wait()
	seen := map[string]bool{}
	for i := 0; i < n; i++ {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		if seen[results[i].ContainerID] {
			t.Fatalf("container %s delivered twice", results[i].ContainerID)
		}
		seen[results[i].ContainerID] = true
		if fake.PublishCount(results[i].ContainerID) != 1 {
			t.Fatalf("container %s published %d times", results[i].ContainerID, fake.PublishCount(results[i].ContainerID))
		}
	}
	if calls := fake.Calls(); calls.Create != n || calls.Publish != n {
		t.Fatalf("calls %+v", calls)
	}
}
