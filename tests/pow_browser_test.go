package tests

// ALTCHA proof of work in a real headless Chromium: the vendored widget
// fetches a challenge, solves it in its worker and the form posts the
// solution; the server spends it, so the same solution sent again is
// refused. With JavaScript off the form still works, under the stricter
// limit for submissions without a solution.

import (
	"context"
	"database/sql"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	cdpruntime "github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

func TestBrowserProofOfWork(t *testing.T) {
	axeSrc := loadAxe(t)
	s := startServer(t, withEnv(
		"KYSY_INBOX_POW=true",
		"KYSY_INBOX_POW_KEY=browser-test-key-browser-test-key-0123",
		"KYSY_INBOX_POW_DIFFICULTY=20000",
		"KYSY_INBOX_RATE_ENABLED=true",
		"KYSY_INBOX_RATE_WITHOUT_POW_PER_HOUR=2",
		"KYSY_INBOX_RATE_WITHOUT_POW_BURST=2",
	))
	browser := newBrowser(t)
	fi := browserLangs[0]

	t.Run("js-on", func(t *testing.T) {
		f := &browserFlow{t: t, kysy: s.URL, lang: fi, js: true, axe: axeSrc}
		ctx, cancel := context.WithTimeout(browser, browserFlowTimeout)
		defer cancel()
		ctx, cancelTab := chromedp.NewContext(ctx)
		defer cancelTab()
		f.ctx = ctx

		var mu sync.Mutex
		var problems []string // CSP refusals, errors, uncaught exceptions
		var posted []byte     // the form post's body
		if err := chromedp.Listen(ctx, func(ev any) {
			mu.Lock()
			defer mu.Unlock()
			switch ev := ev.(type) {
			case *cdplog.EventEntryAdded:
				if ev.Entry.Level == cdplog.EntryLevelError || strings.Contains(ev.Entry.Text, "Content Security Policy") {
					problems = append(problems, ev.Entry.Text)
				}
			case *cdpruntime.EventExceptionThrown:
				problems = append(problems, "uncaught: "+ev.ExceptionDetails.Text)
			case *network.EventRequestWillBeSent:
				if ev.Request.Method == "POST" && strings.HasSuffix(ev.Request.URL, "/questions") {
					for _, e := range ev.Request.PostDataEntries {
						posted = append(posted, e.Bytes...)
					}
				}
			}
		}); err != nil {
			t.Fatalf("open tab: %v", err)
		}
		f.do("enable the log", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, cdplog.Enable, cdp.Empty{})
			return err
		}))
		f.do("emulate a phone", chromedp.EmulateViewport(phoneWidth, phoneHeight,
			chromedp.EmulatePortrait, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulateScale(3)))
		f.do("open the form with the widget", chromedp.Navigate(s.URL+"/?lang=fi"),
			chromedp.WaitVisible(chromedp.CSS(`altcha-widget .altcha`)))
		f.checkText(`altcha-widget .altcha-label`, "En ole robotti")
		f.checkPage("question form with the widget")
		f.checkAxe("question form with the widget")
		f.do("type and send the question",
			chromedp.SendKeys(chromedp.ID("question"), fi.question),
			chromedp.Tap(chromedp.CSS(`form.ask button[type="submit"]`)),
			chromedp.WaitVisible(chromedp.ID("receipt-code")))
		code := strings.TrimSpace(run(f, "read the receipt code", chromedp.Text(chromedp.ID("receipt-code"))))
		if !receiptCodeRE.MatchString(code) {
			t.Fatalf("receipt code %q", code)
		}

		mu.Lock()
		body, issues := string(posted), append([]string(nil), problems...)
		mu.Unlock()
		for _, p := range issues {
			t.Errorf("browser reported: %s", p)
		}
		form, err := url.ParseQuery(body)
		if err != nil || form.Get("altcha") == "" {
			t.Fatalf("the form post carried no altcha solution: %q", body)
		}
		if n := countRows(t, s.DBPath, "SELECT COUNT(*) FROM pow_used"); n != 1 {
			t.Fatalf("%d spent challenges recorded after one submission, want 1", n)
		}

		// The widget's own solution, sent again from outside the browser.
		form.Set("question", "Sama ratkaisu toiseen kertaan")
		req, _ := http.NewRequest("POST", s.URL+"/questions", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", s.URL)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(resp.Body)
		page := string(raw)
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "on jo käytetty") {
			t.Fatalf("replayed solution: %d, want 422 with the used-check message", resp.StatusCode)
		}
		if n := countRows(t, s.DBPath, "SELECT COUNT(*) FROM questions"); n != 1 {
			t.Fatalf("%d questions stored, want 1: the replay was taken", n)
		}
	})

	t.Run("js-off", func(t *testing.T) {
		f := &browserFlow{t: t, kysy: s.URL, lang: fi, js: false, axe: axeSrc}
		ctx, cancel := context.WithTimeout(browser, browserFlowTimeout)
		defer cancel()
		ctx, cancelTab := chromedp.NewContext(ctx)
		defer cancelTab()
		f.ctx = ctx
		f.do("turn JavaScript off", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
			return err
		}))
		// The stricter bucket holds two; the third question in a row waits.
		for i, want := range []string{"#receipt-code", "#receipt-code", `div.error[role="alert"]`} {
			f.do("send the form without JavaScript",
				chromedp.Navigate(s.URL+"/?lang=fi"),
				chromedp.WaitVisible(chromedp.ID("question")),
				chromedp.SendKeys(chromedp.ID("question"), fi.question),
				chromedp.Tap(chromedp.CSS(`form.ask button[type="submit"]`)),
				chromedp.WaitVisible(chromedp.CSS(want)))
			if i == 2 {
				txt := run(f, "read the error page", chromedp.Text(chromedp.CSS("main")))
				if !strings.Contains(txt, "Liian monta") {
					t.Errorf("submission %d without JavaScript: the refusal does not say why: %q", i+1, txt)
				}
			}
		}
		if n := countRows(t, s.DBPath, "SELECT COUNT(*) FROM questions"); n != 3 {
			t.Fatalf("%d questions stored after 1 with JavaScript and 2 without, want 3", n)
		}
	})
}

// countRows runs a COUNT query on the server's SQLite file.
func countRows(t *testing.T, path, query string) int64 {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=ro&_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int64
	deadline := time.Now().Add(5 * time.Second)
	for {
		err = db.QueryRow(query).Scan(&n)
		if err == nil || time.Now().After(deadline) {
			break
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	return n
}
