package moderation_test

import (
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"kysy/moderation"
	"kysy/moderation/redact"
	"kysy/store"
)

func newService(t *testing.T) (*moderation.Service, *store.DB) {
	t.Helper()
	log := slog.New(slog.DiscardHandler)
	db, err := store.Open(context.Background(), store.Config{Driver: "sqlite", DSN: filepath.Join(t.TempDir(), "m.db")}, log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	svc := moderation.New(db, moderation.Config{MaxChars: 50, SessionTTL: time.Hour, LockoutAfter: 5, LockoutFor: 15 * time.Minute}, redact.New(redact.Options{}), nil, log)
	svc.Now = func() time.Time { return time.Date(2026, 11, 22, 2, 47, 31, 0, time.UTC) }
	return svc, db
}

func TestSubmitStoresRedactedTextAndHourOnly(t *testing.T) {
	svc, db := newService(t)
	ctx := context.Background()
	sub, err := svc.Submit(ctx, moderation.SubmitInput{Text: "  Soita 040 123 4567\r\n kiitos  "})
	if err != nil {
		t.Fatal(err)
	}
	if sub.Lang != "fi" || sub.Status != store.StatusReceived {
		t.Fatalf("submission %+v", sub)
	}
	st, err := svc.Lookup(ctx, sub.Receipt)
	if err != nil || st.Status != store.StatusReceived {
		t.Fatalf("lookup: %+v %v", st, err)
	}
	q, err := db.QuestionByID(ctx, sub.ID)
	if err != nil {
		t.Fatal(err)
	}
	if q.Text != "Soita [PHONE]\n kiitos" {
		t.Fatalf("stored text %q", q.Text)
	}
	if want := time.Date(2026, 11, 22, 2, 0, 0, 0, time.UTC); !q.CreatedAt.Equal(want) || !q.UpdatedAt.Equal(want) {
		t.Fatalf("stored times %v %v, want truncated to %v", q.CreatedAt, q.UpdatedAt, want)
	}
	if q.Redactions != `[{"kind":"PHONE","start":6,"end":13}]` {
		t.Fatalf("spans %s", q.Redactions)
	}
}

func TestSubmitRejectsBadText(t *testing.T) {
	svc, db := newService(t)
	cases := map[string]string{
		"":                                 "text_required",
		" \n\t ":                           "text_required",
		strings.Repeat("ä", 51):            "text_too_long",
		"hei\x00":                          "invalid_characters",
		"hei\x1b[0m":                       "invalid_characters",
		"hei\u0085":                        "invalid_characters",
		"hei \xff":                         "invalid_utf8",
		"hyvä " + strings.Repeat("ä", 45):  "",
		"tab\tand\nnewlines\r\nare fine ✓": "",
	}
	for text, code := range cases {
		_, err := svc.Submit(context.Background(), moderation.SubmitInput{Text: text})
		var me *moderation.Error
		switch {
		case code == "" && err != nil:
			t.Errorf("Submit(%q) = %v, want success", text, err)
		case code != "" && (!errors.As(err, &me) || me.Code != code):
			t.Errorf("Submit(%q) = %v, want %s", text, err, code)
		}
	}
	if n, _ := db.CountQuestions(context.Background(), ""); n != 2 {
		t.Fatalf("stored %d questions, want the 2 good ones", n)
	}
	if _, err := svc.Submit(context.Background(), moderation.SubmitInput{Text: "hei", Lang: "de"}); err == nil {
		t.Fatal("lang de accepted")
	}
}

func TestWithdrawDeletesText(t *testing.T) {
	svc, db := newService(t)
	ctx := context.Background()
	sub, _ := svc.Submit(ctx, moderation.SubmitInput{Text: "salainen kysymys"})
	if err := svc.Withdraw(ctx, strings.ToLower(sub.Receipt)); err != nil {
		t.Fatal(err)
	}
	if err := svc.Withdraw(ctx, sub.Receipt); err != nil {
		t.Fatalf("second withdrawal: %v", err)
	}
	q, err := db.QuestionByID(ctx, sub.ID)
	if err != nil {
		t.Fatal(err)
	}
	if q.Text != "" || q.Status != store.StatusWithdrawn {
		t.Fatalf("after withdrawal: status %s text %q", q.Status, q.Text)
	}
	var me *moderation.Error
	if err := svc.Withdraw(ctx, "AAAA-BBBB-CCCC-DDDD-EEEE"); !errors.As(err, &me) || me.Code != "receipt_not_found" {
		t.Fatalf("unknown receipt: %v", err)
	}
}

func TestConcurrentSubmissions(t *testing.T) {
	svc, db := newService(t)
	var wg sync.WaitGroup
	receipts := make(chan string, 400)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				sub, err := svc.Submit(context.Background(), moderation.SubmitInput{Text: "mitä huostaanotto tarkoittaa?"})
				if err != nil {
					t.Error(err)
					return
				}
				receipts <- sub.Receipt
			}
		}()
	}
	wg.Wait()
	close(receipts)
	for r := range receipts {
		if _, err := svc.Lookup(context.Background(), r); err != nil {
			t.Fatalf("lookup %v", err)
		}
	}
	if n, _ := db.CountQuestions(context.Background(), ""); n != 400 {
		t.Fatalf("stored %d, want 400", n)
	}
}

func TestDetectLang(t *testing.T) {
	cases := map[string]string{
		"Voiko sossu viedä mut pois kotoa jos kerron isästä?": "fi",
		"Får socialen ta mig från min mamma om jag berättar?": "sv",
		"Can the social worker tell my mom what I said?":      "en",
		"moi": "fi",
	}
	for text, want := range cases {
		if got := moderation.DetectLang(text); got != want {
			t.Errorf("DetectLang(%q) = %s, want %s", text, got, want)
		}
	}
}
