package tests

// Real headless Chromium tests of the public pages, at a phone viewport, in
// Finnish and Swedish, with JavaScript on and off. They ask a question, read
// the receipt, look the status up with it, use the quick exit, check that no
// page loads anything from another origin, and run axe-core (WCAG 2.1 A and
// AA) on every page they visit. axe-core comes from npm: run `npm ci` in
// tests/ first.

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// The phone: CSS pixels of the viewport, at device scale factor 3.
const (
	phoneWidth  = 390
	phoneHeight = 844
)

// browserFlowTimeout bounds one flow (one tab), so that a hang fails the
// test instead of blocking it.
const browserFlowTimeout = 60 * time.Second

var receiptCodeRE = regexp.MustCompile(`^[A-Z2-9]{4}(-[A-Z2-9]{4}){4}$`)

// browserLang is what a flow types and expects in one language. The
// sentences are copied from templates/i18n/*.toml on purpose: a changed
// translation should be a visible change here too.
type browserLang struct {
	code     string
	question string
	received string // status_received
	copied   string // receipt_copied
	noText   string // err_text_required
	noCode   string // err_receipt_not_found
}

var browserLangs = []browserLang{
	{
		code:     "fi",
		question: "Miten voin kertoa opettajalle, että minua kiusataan välitunnilla?",
		received: "Kysymyksesi on jonossa ja odottaa vastaajaa.",
		copied:   "Koodi kopioitu.",
		noText:   "Kirjoita ensin kysymys.",
		noCode:   "Tällä koodilla ei löytynyt kysymystä. Tarkista koodi ja yritä uudelleen.",
	},
	{
		code:     "sv",
		question: "Hur kan jag berätta för läraren att jag blir mobbad på rasten?",
		received: "Din fråga står i kö och väntar på någon som svarar.",
		copied:   "Koden är kopierad.",
		noText:   "Skriv först en fråga.",
		noCode:   "Vi hittade ingen fråga med den koden. Kontrollera koden och försök igen.",
	},
}

// neutralPage is the harmless page the quick exit leads to in the tests.
const neutralPage = `<!doctype html><html lang="en"><head><meta charset="utf-8">` +
	`<link rel="icon" href="data:,"><title>Weather</title></head>` +
	`<body><h1 id="neutral-page">Weather today</h1></body></html>`

// TestBrowserPublicPages runs the question flow in fi and sv, each with
// JavaScript on and off, in one Chromium with one tab per flow.
func TestBrowserPublicPages(t *testing.T) {
	axeSrc := loadAxe(t)
	neutral := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, neutralPage)
	}))
	t.Cleanup(neutral.Close)
	s := startServer(t, withEnv("KYSY_HTTP_QUICK_EXIT_URL="+neutral.URL+"/"))
	browser := newBrowser(t)

	for _, l := range browserLangs {
		for _, js := range []bool{true, false} {
			name := l.code + "/js-on"
			if !js {
				name = l.code + "/js-off"
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				f := &browserFlow{t: t, kysy: s.URL, neutral: neutral.URL, lang: l, js: js, axe: axeSrc}
				f.run(browser)
			})
		}
	}
}

// loadAxe reads axe-core from tests/node_modules.
func loadAxe(t *testing.T) string {
	t.Helper()
	p := filepath.Join("node_modules", "axe-core", "axe.min.js")
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("axe-core is missing (%v): run npm ci in tests/", err)
	}
	return string(b)
}

// newBrowser starts one headless Chromium for the test and returns its
// context; each flow opens its own tab from it.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	// chromedp looks for "chromium" on PATH itself; check first so that a
	// missing browser fails with a clear message instead of an exec error.
	if _, err := exec.LookPath("chromium"); err != nil {
		t.Fatalf("Chromium is not installed (%v): the browser tests need it, install Debian's chromium package (apt-get install chromium)", err)
	}
	// No chromedp.DefaultExecAllocatorOptions: these flags and nothing else.
	// chromedp adds a fresh temporary --user-data-dir, --remote-debugging-pipe
	// and about:blank.
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-quic", true),
	)
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancel()
		cancelAlloc()
	})
	// The first Run binds the browser's life to its context, so bound the
	// start with a watchdog that cancels, not with a timeout context.
	watchdog := time.AfterFunc(30*time.Second, cancel)
	err := chromedp.Do(ctx)
	if !watchdog.Stop() {
		t.Fatalf("Chromium did not start within 30 s: %v", err)
	}
	if err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	return ctx
}

// browserFlow is one tab going through the public pages.
type browserFlow struct {
	t       *testing.T
	kysy    string // the Kysy server's origin
	neutral string // the neutral site's origin
	lang    browserLang
	js      bool
	axe     string
	ctx     context.Context

	mu       sync.Mutex
	requests []*network.EventRequestWillBeSent
}

func (f *browserFlow) run(browser context.Context) {
	t := f.t
	ctx, cancel := context.WithTimeout(browser, browserFlowTimeout)
	defer cancel()
	ctx, cancelTab := chromedp.NewContext(ctx)
	defer cancelTab()
	f.ctx = ctx

	if err := chromedp.Listen(ctx, func(ev any) {
		if ev, ok := ev.(*network.EventRequestWillBeSent); ok {
			f.mu.Lock()
			f.requests = append(f.requests, ev)
			f.mu.Unlock()
		}
	}); err != nil {
		t.Fatalf("open tab: %v", err)
	}
	f.do("emulate a phone", chromedp.EmulateViewport(phoneWidth, phoneHeight,
		chromedp.EmulatePortrait, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulateScale(3)))
	if f.js {
		// The tabs run side by side; each must count as focused, or the
		// clipboard refuses the copy button.
		f.do("emulate focus", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, emulation.SetFocusEmulationEnabled, emulation.SetFocusEmulationEnabledParams{Enabled: true})
			return err
		}))
	} else {
		f.do("turn JavaScript off", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
			return err
		}))
	}
	lang := f.lang.code

	// The question form.
	f.do("open the question form", chromedp.Navigate(f.kysy+"/?lang="+lang), chromedp.WaitVisible(chromedp.ID("question")))
	f.checkPage("question form")
	f.checkAxe("question form")
	f.do("send the form empty",
		chromedp.Tap(chromedp.CSS(`form.ask button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.ID("form-error")))
	f.checkText("#form-error", f.lang.noText)
	f.checkPage("question form with an error")
	f.checkAxe("question form with an error")
	f.do("type and send the question",
		chromedp.SendKeys(chromedp.ID("question"), f.lang.question),
		chromedp.Tap(chromedp.CSS(`form.ask button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.ID("receipt-code")))

	// The receipt page.
	code := strings.TrimSpace(run(f, "read the receipt code", chromedp.Text(chromedp.ID("receipt-code"))))
	if !receiptCodeRE.MatchString(code) {
		t.Fatalf("receipt code %q does not match %s", code, receiptCodeRE)
	}
	loc := run(f, "read the receipt page URL", chromedp.Location())
	if loc != f.kysy+"/questions" {
		t.Errorf("receipt page is at %q, want %q (a form post answered with the page itself, no redirect)", loc, f.kysy+"/questions")
	}
	if strings.Contains(strings.ToUpper(loc), code) || strings.Contains(strings.ToUpper(loc), strings.ReplaceAll(code, "-", "")) {
		t.Errorf("receipt page URL %q contains the receipt code", loc)
	}
	f.checkPage("receipt page")
	if f.js {
		f.do("wait for the copy button", chromedp.WaitVisible(chromedp.ID("copy-receipt")))
	} else {
		hidden := run(f, "read the copy button", chromedp.AttributeValue(chromedp.ID("copy-receipt"), "hidden"))
		if !hidden.Exists {
			t.Errorf("with JavaScript off the copy button #copy-receipt is not hidden: it cannot work without a script")
		}
	}
	f.checkAxe("receipt page")
	if f.js {
		f.checkCopy()
	}

	// The answer page: form, then status.
	f.do("open the answer form", chromedp.Navigate(f.kysy+"/answer?lang="+lang), chromedp.WaitVisible(chromedp.ID("receipt")))
	f.checkPage("answer form")
	f.checkAxe("answer form")
	f.do("look up an unknown code",
		chromedp.SendKeys(chromedp.ID("receipt"), "AAAA-BBBB-CCCC-DDDD-EEEE"),
		chromedp.Tap(chromedp.CSS(`form.lookup button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.ID("form-error")))
	f.checkText("#form-error", f.lang.noCode)
	f.checkPage("answer form with an error")
	f.checkAxe("answer form with an error")
	f.do("type the receipt code and look it up",
		chromedp.Clear(chromedp.ID("receipt")),
		chromedp.SendKeys(chromedp.ID("receipt"), code),
		chromedp.Tap(chromedp.CSS(`form.lookup button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.ID("status-text")))
	f.checkText("#status-text", f.lang.received)
	f.checkPage("status page")
	f.checkAxe("status page")
	loc = run(f, "read the status page URL", chromedp.Location())
	if strings.Contains(strings.ToUpper(loc), code) {
		t.Errorf("status page URL %q contains the receipt code", loc)
	}

	// The quick exit, from the status page.
	before := run(f, "read the history", chromedp.NavigationEntries())
	f.leave("tapping the quick exit", chromedp.Tap(chromedp.ID("quick-exit")))
	after := run(f, "read the history", chromedp.NavigationEntries())
	if f.js {
		// location.replace: the status page is gone from the back button.
		if len(after.Entries) != len(before.Entries) {
			t.Errorf("with JavaScript the quick exit added a history entry (%d → %d entries); it should replace the page", len(before.Entries), len(after.Entries))
		}
		// Escape leaves too. Navigate waits for the load event, so app.js
		// has run and listens for the key.
		f.do("open the question form again", chromedp.Navigate(f.kysy+"/?lang="+lang), chromedp.WaitVisible(chromedp.ID("question")))
		f.leave("pressing Escape", chromedp.KeyEvent(kb.Escape))
	} else if len(after.Entries) != len(before.Entries)+1 {
		t.Errorf("with JavaScript off the quick exit should be a plain link (one new history entry), got %d → %d entries", len(before.Entries), len(after.Entries))
	}

	f.checkRequests(code)
}

// do runs actions in the flow's tab and stops the test on an error.
func (f *browserFlow) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	f.t.Helper()
	if err := chromedp.Do(f.ctx, actions...); err != nil {
		f.t.Fatalf("%s (%s, JavaScript %s): %v", what, f.lang.code, onOff(f.js), err)
	}
}

// exitWait bounds a quick exit: it must be quick, and a broken one should
// fail in seconds, not at the end of the flow's whole budget.
const exitWait = 10 * time.Second

// leave runs the actions that should end on the neutral site.
func (f *browserFlow) leave(how string, actions ...chromedp.Action[chromedp.Void]) {
	f.t.Helper()
	ctx, cancel := context.WithTimeout(f.ctx, exitWait)
	defer cancel()
	actions = append(actions, chromedp.WaitVisible(chromedp.ID("neutral-page")))
	if err := chromedp.Do(ctx, actions...); err != nil {
		loc, _ := chromedp.Run(f.ctx, chromedp.Location())
		f.t.Fatalf("%s (%s, JavaScript %s) did not reach the neutral site within %v; the browser is at %s: %v",
			how, f.lang.code, onOff(f.js), exitWait, loc, err)
	}
	f.checkOnNeutral(how)
}

// run runs one action with a value in the flow's tab.
func run[T any](f *browserFlow, what string, a chromedp.Action[T]) T {
	f.t.Helper()
	v, err := chromedp.Run(f.ctx, a)
	if err != nil {
		f.t.Fatalf("%s (%s, JavaScript %s): %v", what, f.lang.code, onOff(f.js), err)
	}
	return v
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

// checkText expects the visible text of the element sel.
func (f *browserFlow) checkText(sel, want string) {
	f.t.Helper()
	got := strings.TrimSpace(run(f, "read "+sel, chromedp.Text(chromedp.CSS(sel))))
	if got != want {
		f.t.Errorf("%s = %q, want %q", sel, got, want)
	}
}

// layoutProbe measures what a phone user sees first: any sideways
// scrolling, and where the quick exit is.
const layoutProbe = `(function () {
	var r = document.getElementById('quick-exit').getBoundingClientRect();
	return {scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth,
		exitTop: r.top, exitBottom: r.bottom, exitHeight: r.height, exitWidth: r.width};
})()`

type layout struct {
	ScrollWidth float64 `json:"scrollWidth"`
	InnerWidth  float64 `json:"innerWidth"`
	ExitTop     float64 `json:"exitTop"`
	ExitBottom  float64 `json:"exitBottom"`
	ExitHeight  float64 `json:"exitHeight"`
	ExitWidth   float64 `json:"exitWidth"`
}

// checkPage checks what every page must get right: its language, no
// sideways scrolling at the phone width (WCAG 1.4.10), and the quick exit
// on the first screen, big enough to hit with a thumb.
func (f *browserFlow) checkPage(where string) {
	f.t.Helper()
	l := run(f, "measure the "+where, chromedp.Evaluate[layout](layoutProbe))
	// A mobile browser widens the layout viewport (and zooms out) to fit
	// content that is too wide, so compare with the phone, not innerWidth.
	if l.ScrollWidth > phoneWidth || l.InnerWidth > phoneWidth {
		f.t.Errorf("%s: the page is %v px wide (viewport %v px) on a %d px phone: it scrolls sideways or zooms out", where, l.ScrollWidth, l.InnerWidth, phoneWidth)
	}
	if l.ExitTop < 0 || l.ExitBottom > phoneHeight {
		f.t.Errorf("%s: the quick exit is at %v–%v px, outside the first screen (0–%d px)", where, l.ExitTop, l.ExitBottom, phoneHeight)
	}
	if l.ExitHeight < 44 || l.ExitWidth < 44 {
		f.t.Errorf("%s: the quick exit is %v×%v px, smaller than a 44×44 px touch target", where, l.ExitWidth, l.ExitHeight)
	}
	got := run(f, "read <html lang>", chromedp.AttributeValue(chromedp.CSS("html"), "lang"))
	if got.Value != f.lang.code {
		f.t.Errorf("%s: <html lang=%q>, want %q", where, got.Value, f.lang.code)
	}
}

// checkCopy taps the copy button and expects the localized confirmation.
func (f *browserFlow) checkCopy() {
	f.t.Helper()
	f.do("tap the copy button", chromedp.Tap(chromedp.ID("copy-receipt")))
	msg := run(f, "wait for the copy status", chromedp.Poll[string](
		`(function () { var t = document.getElementById('copy-status').textContent; return t ? t : false; })()`,
		chromedp.WithPollingInterval(50*time.Millisecond)))
	if msg != f.lang.copied {
		f.t.Errorf("after tapping #copy-receipt, #copy-status = %q, want %q", msg, f.lang.copied)
	}
}

func (f *browserFlow) checkOnNeutral(how string) {
	f.t.Helper()
	loc := run(f, "read the location", chromedp.Location())
	if loc != f.neutral+"/" {
		f.t.Errorf("after %s the browser is at %q, want the neutral site %q", how, loc, f.neutral+"/")
	}
}

// axeViolation is the part of an axe-core violation that a report needs.
type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	URL    string `json:"helpUrl"`
	Nodes  []struct {
		Target  []string `json:"target"`
		HTML    string   `json:"html"`
		Summary string   `json:"summary"`
	} `json:"nodes"`
}

type axeResult struct {
	Violations []axeViolation `json:"violations"`
	Passes     int            `json:"passes"`
	Incomplete []string       `json:"incomplete"`
}

const axeRun = `axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})
	.then(function (r) {
		return {
			passes: r.passes.length,
			incomplete: r.incomplete.map(function (v) { return v.id; }),
			violations: r.violations.map(function (v) {
				return {id: v.id, impact: v.impact || '', help: v.help, helpUrl: v.helpUrl,
					nodes: v.nodes.map(function (n) {
						return {target: n.target.map(String), html: n.html, summary: n.failureSummary || ''};
					})};
			})
		};
	})`

// checkAxe injects axe-core into the current page and expects no WCAG 2.1
// A/AA violation. DevTools' Runtime.evaluate is not subject to the CSP.
func (f *browserFlow) checkAxe(where string) {
	f.t.Helper()
	if !f.js {
		// axe.run needs timers, which do not fire while script execution is
		// off; the markup is the same without JavaScript (only the copy
		// button stays hidden), so the JavaScript-on flows cover it.
		return
	}
	f.do("inject axe-core into the "+where, chromedp.Evaluate[chromedp.Void](f.axe))
	res := run(f, "run axe-core on the "+where, chromedp.Evaluate[axeResult](axeRun, chromedp.EvalAwaitPromise))
	f.t.Logf("%s (%s): axe-core: %d rules passed, %d violated, needs review: %v", where, f.lang.code, res.Passes, len(res.Violations), res.Incomplete)
	if res.Passes == 0 {
		f.t.Errorf("%s: axe-core passed no rule at all; did it run?", where)
	}
	for _, v := range res.Violations {
		var b strings.Builder
		fmt.Fprintf(&b, "%s (%s): axe violation %s [%s]: %s\n    %s", where, f.lang.code, v.ID, v.Impact, v.Help, v.URL)
		for _, n := range v.Nodes {
			fmt.Fprintf(&b, "\n    at %s: %s\n      %s", strings.Join(n.Target, " "), n.HTML, strings.ReplaceAll(n.Summary, "\n", "\n      "))
		}
		f.t.Error(b.String())
	}
}

// checkRequests expects every request of a Kysy page on Kysy's origin (or a
// data: URL), the neutral site only loaded as the quick exit's target, and
// the receipt code in no URL.
func (f *browserFlow) checkRequests(code string) {
	f.t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	sawCSS := false
	for _, ev := range f.requests {
		u := ev.Request.URL
		if strings.Contains(strings.ToUpper(u), code) {
			f.t.Errorf("request URL %s contains the receipt code", u)
		}
		if strings.HasPrefix(u, "data:") {
			continue
		}
		if u == f.kysy+"/static/style.css" {
			sawCSS = true
		}
		switch origin(u) {
		case f.kysy:
		case f.neutral:
			if origin(ev.DocumentURL) != f.neutral {
				f.t.Errorf("the Kysy page %s loaded %s (%s)", ev.DocumentURL, u, ev.Type)
			}
		default:
			f.t.Errorf("third-party request from %s: %s (%s)", ev.DocumentURL, u, ev.Type)
		}
	}
	if !sawCSS {
		f.t.Errorf("no request for %s/static/style.css seen: is the network listener working? (%d requests)", f.kysy, len(f.requests))
	}
}

func origin(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	return u.Scheme + "://" + u.Host
}
