package api_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"kysy/api"
	"kysy/moderation"
	"kysy/moderation/redact"
	"kysy/store"
)

type testEnv struct {
	srv *api.Server
	db  *store.DB
	h   http.Handler
}

func testConfig() api.Config {
	l := func(s string) map[string]string { return map[string]string{"fi": s, "sv": s, "en": s} }
	return api.Config{
		HTTP: api.HTTPConfig{Addr: "127.0.0.1:0", BaseURL: "http://127.0.0.1:8080",
			QuickExitURL: "https://example.org/", BodyLimit: 64 << 10},
		Inbox: api.InboxConfig{Open: true, MaxChars: 2000, ServiceHours: "ma–pe 9–16", ExpectedAnswerDays: 7,
			Rate: api.RateConfig{Enabled: false, PerHour: 30, Burst: 10}},
		Support: []api.Contact{{Name: l("Hätänumero"), Phone: "112", Hours: l("aina")},
			{Name: l("MLL"), Phone: "116 111", URL: "https://www.nuortennetti.fi"}},
		RetentionRejected:    30 * 24 * time.Hour,
		RetentionUnpublished: 180 * 24 * time.Hour,
	}
}

func newEnv(t testing.TB, change ...func(*api.Config)) *testEnv {
	t.Helper()
	log := slog.New(slog.DiscardHandler)
	db, err := store.Open(context.Background(), store.Config{Driver: "sqlite", DSN: filepath.Join(t.TempDir(), "t.db")}, log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	cfg := testConfig()
	for _, f := range change {
		f(&cfg)
	}
	mod := moderation.New(db, moderation.Config{MaxChars: cfg.Inbox.MaxChars}, redact.New(redact.Options{}), nil, log)
	srv, err := api.New(cfg, mod, db, log)
	if err != nil {
		t.Fatal(err)
	}
	return &testEnv{srv: srv, db: db, h: srv.Handler()}
}

// do sends one request through the real handler.
func (e *testEnv) do(t testing.TB, method, path, ctype, body string, hdr ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	return rec
}

func (e *testEnv) count(t testing.TB) int64 {
	t.Helper()
	n, err := e.db.CountQuestions(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	return n
}

type errBody struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

func decodeErr(t testing.TB, rec *httptest.ResponseRecorder) errBody {
	t.Helper()
	var b errBody
	if err := json.Unmarshal(rec.Body.Bytes(), &b); err != nil {
		t.Fatalf("error body is not JSON: %q", rec.Body.String())
	}
	if b.Error.Code == "" || b.Error.Message == "" {
		t.Fatalf("error body lacks code or message: %q", rec.Body.String())
	}
	return b
}

func submit(t testing.TB, e *testEnv, text string) string {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"text": text})
	rec := e.do(t, "POST", "/api/v1/questions", "application/json", string(body))
	if rec.Code != http.StatusCreated {
		t.Fatalf("submit %q: status %d, body %s", text, rec.Code, rec.Body)
	}
	var out struct {
		Receipt string `json:"receipt"`
	}
	json.Unmarshal(rec.Body.Bytes(), &out)
	return out.Receipt
}

func readAll(t testing.TB, r io.Reader) string {
	t.Helper()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func newRecorder() *httptest.ResponseRecorder { return httptest.NewRecorder() }
