package tests

// A real headless Chromium through the staff console, end to end: a young
// person asks on the public form and keeps the receipt; staff accounts are
// made with the real CLI; a moderator (who is also a reviewer) drafts an
// answer and sends it to review, and cannot approve it herself; a reviewer
// in a separate browser context (own cookies) approves it; the receipt then
// shows the answer. axe-core checks the console's login, queue, question
// and review pages (WCAG 2.1 A and AA).

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// Laptop and tablet viewports in CSS pixels.
const (
	consoleLaptopWidth, consoleLaptopHeight = 1366, 768
	consoleTabletWidth, consoleTabletHeight = 820, 1180
)

const consoleTestPassword = "pitkä ja hyvä salasana 42"

// consoleTab is one browser tab with its own cookies.
type consoleTab struct {
	t    *testing.T
	who  string
	ctx  context.Context
	axe  string
	base string
}

// newConsoleTab opens a tab in a new browser context, so that it shares
// no cookies with any other tab, at the given viewport.
func newConsoleTab(t *testing.T, browser context.Context, who, base, axe string, width, height int64, touch bool) *consoleTab {
	t.Helper()
	ctx, cancel := context.WithTimeout(browser, browserFlowTimeout)
	t.Cleanup(cancel)
	ctx, cancelTab := chromedp.NewContext(ctx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancelTab)
	tab := &consoleTab{t: t, who: who, ctx: ctx, axe: axe, base: base}
	opts := []chromedp.EmulateViewportOption{}
	if touch {
		opts = append(opts, chromedp.EmulatePortrait, chromedp.EmulateMobile, chromedp.EmulateTouch)
	}
	tab.do("set the viewport", chromedp.EmulateViewport(width, height, opts...))
	return tab
}

func (c *consoleTab) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	c.t.Helper()
	if err := chromedp.Do(c.ctx, actions...); err != nil {
		loc, _ := chromedp.Run(c.ctx, chromedp.Location())
		c.t.Fatalf("%s: %s (at %s): %v", c.who, what, loc, err)
	}
}

func tabRun[T any](c *consoleTab, what string, a chromedp.Action[T]) T {
	c.t.Helper()
	v, err := chromedp.Run(c.ctx, a)
	if err != nil {
		c.t.Fatalf("%s: %s: %v", c.who, what, err)
	}
	return v
}

// text is the visible text of the element sel, trimmed.
func (c *consoleTab) text(sel string) string {
	c.t.Helper()
	return strings.TrimSpace(tabRun(c, "read "+sel, chromedp.Text(chromedp.CSS(sel))))
}

// present reports whether an element matches sel on the current page.
func (c *consoleTab) present(sel string) bool {
	c.t.Helper()
	return tabRun(c, "look for "+sel, chromedp.Evaluate[bool](fmt.Sprintf(`document.querySelector(%q) !== null`, sel)))
}

// consoleLayout is what every console page must get right at its width.
type consoleLayout struct {
	ScrollWidth float64 `json:"scrollWidth"`
	InnerWidth  float64 `json:"innerWidth"`
	Scripts     int     `json:"scripts"`
	Lang        string  `json:"lang"`
	H1          int     `json:"h1"`
}

const consoleLayoutProbe = `({scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth,
	scripts: document.scripts.length, lang: document.documentElement.lang,
	h1: document.querySelectorAll('h1').length})`

// checkPage expects no sideways scrolling, no script at all (the console
// works without JavaScript because it has none), one h1, and the language.
func (c *consoleTab) checkPage(where, lang string) {
	c.t.Helper()
	l := tabRun(c, "measure the "+where, chromedp.Evaluate[consoleLayout](consoleLayoutProbe))
	if l.ScrollWidth > l.InnerWidth {
		c.t.Errorf("%s: %s is %v px wide in a %v px viewport: it scrolls sideways", c.who, where, l.ScrollWidth, l.InnerWidth)
	}
	if l.Scripts != 0 {
		c.t.Errorf("%s: %s has %d script elements; the console must work without JavaScript", c.who, where, l.Scripts)
	}
	if l.H1 != 1 {
		c.t.Errorf("%s: %s has %d h1 elements, want 1", c.who, where, l.H1)
	}
	if l.Lang != lang {
		c.t.Errorf("%s: %s has <html lang=%q>, want %q", c.who, where, l.Lang, lang)
	}
}

// checkAxe runs axe-core on the current page and expects no WCAG 2.1 A/AA
// violation.
func (c *consoleTab) checkAxe(where string) {
	c.t.Helper()
	c.do("inject axe-core into the "+where, chromedp.Evaluate[chromedp.Void](c.axe))
	res := tabRun(c, "run axe-core on the "+where, chromedp.Evaluate[axeResult](axeRun, chromedp.EvalAwaitPromise))
	c.t.Logf("%s: %s: axe-core: %d rules passed, %d violated, needs review: %v", c.who, where, res.Passes, len(res.Violations), res.Incomplete)
	if res.Passes == 0 {
		c.t.Errorf("%s: axe-core passed no rule at all on the %s; did it run?", c.who, where)
	}
	for _, v := range res.Violations {
		var b strings.Builder
		fmt.Fprintf(&b, "%s: %s: axe violation %s [%s]: %s\n    %s", c.who, where, v.ID, v.Impact, v.Help, v.URL)
		for _, n := range v.Nodes {
			fmt.Fprintf(&b, "\n    at %s: %s\n      %s", strings.Join(n.Target, " "), n.HTML, strings.ReplaceAll(n.Summary, "\n", "\n      "))
		}
		c.t.Error(b.String())
	}
}

// signIn uses the console's sign-in form; greeting is what the console
// then says, in its language.
func (c *consoleTab) signIn(name, greeting string) {
	c.t.Helper()
	c.do("type the name and password and sign in",
		chromedp.SendKeys(chromedp.ID("name"), name),
		chromedp.SendKeys(chromedp.ID("password"), consoleTestPassword),
		chromedp.Click(chromedp.ID("sign-in")),
		chromedp.WaitVisible(chromedp.ID("signed-in-as")))
	if got, want := c.text("#signed-in-as"), greeting; got != want {
		c.t.Fatalf("%s: after signing in the page says %q, want %q", c.who, got, want)
	}
}

// addConsoleUser creates an account with the real CLI, the password on stdin.
func addConsoleUser(t *testing.T, s *server, name, roles string) {
	t.Helper()
	out, errOut, code := runKysy(t, s.Dir, consoleTestPassword+"\n", nil, "user", "add", name, "--roles", roles, "--config", s.cfgPath)
	if code != 0 || !strings.Contains(out, "added "+name) {
		t.Fatalf("kysy user add %s: exit %d\n%s%s", name, code, out, errOut)
	}
}

func TestBrowserConsoleAnswerFlow(t *testing.T) {
	axeSrc := loadAxe(t)
	s := startServer(t)
	addConsoleUser(t, s, "mona", "moderator,reviewer")
	addConsoleUser(t, s, "riku", "reviewer")
	browser := newBrowser(t)

	const question = "Voiko sosiaalityöntekijä viedä minut pois kotoa, jos kerron että isä juo?"
	const answerText = "Ei voi noin vain. Sosiaalityöntekijä kuuntelee sinua ensin ja miettii kanssasi, mikä auttaisi."

	// A young person asks and keeps the receipt.
	young := newConsoleTab(t, browser, "young person", s.URL, axeSrc, phoneWidth, phoneHeight, true)
	young.do("ask a question",
		chromedp.Navigate(s.URL+"/?lang=fi"),
		chromedp.WaitVisible(chromedp.ID("question")),
		chromedp.SendKeys(chromedp.ID("question"), question),
		chromedp.Click(chromedp.CSS(`form.ask button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.ID("receipt-code")))
	receipt := young.text("#receipt-code")
	if !receiptCodeRE.MatchString(receipt) {
		t.Fatalf("receipt code %q does not match %s", receipt, receiptCodeRE)
	}

	// The moderator, on a laptop.
	mod := newConsoleTab(t, browser, "moderator", s.URL, axeSrc, consoleLaptopWidth, consoleLaptopHeight, false)
	mod.do("open the console signed out",
		chromedp.Navigate(s.URL+"/console?lang=fi"),
		chromedp.WaitVisible(chromedp.ID("password")))
	if loc := tabRun(mod, "read the location", chromedp.Location()); !strings.HasPrefix(loc, s.URL+"/console/login") {
		t.Fatalf("signed out, /console went to %s, want the sign-in page", loc)
	}
	mod.checkPage("login page", "fi")
	mod.checkAxe("login page")
	mod.do("sign in with a wrong password",
		chromedp.SendKeys(chromedp.ID("name"), "mona"),
		chromedp.SendKeys(chromedp.ID("password"), "väärä salasana"),
		chromedp.Click(chromedp.ID("sign-in")),
		chromedp.WaitVisible(chromedp.ID("form-error")))
	if got := mod.text("#form-error"); got != "Käyttäjätunnus, salasana tai vahvistuskoodi on väärin." {
		t.Errorf("wrong password: the page says %q", got)
	}
	mod.checkAxe("login page with an error")
	mod.do("clear the name", chromedp.Clear(chromedp.ID("name")))
	mod.signIn("mona", "Kirjautuneena: mona")
	mod.do("wait for the inbox", chromedp.WaitVisible(chromedp.ID("tab-received")))
	mod.checkPage("queue", "fi")
	mod.checkAxe("queue")

	// Find the question in the inbox by its text.
	link := tabRun(mod, "find the question in the queue", chromedp.Evaluate[string](fmt.Sprintf(`(function () {
		var links = document.querySelectorAll('a.preview');
		for (var i = 0; i < links.length; i++) { if (links[i].textContent.indexOf(%q) >= 0) { return links[i].id; } }
		return '';
	})()`, "isä juo")))
	if link == "" {
		t.Fatal("the question is not in the moderator's inbox")
	}
	mod.do("open the question",
		chromedp.Click(chromedp.ID(link)),
		chromedp.WaitVisible(chromedp.ID("question-text")))
	if got := mod.text("#question-text"); got != question {
		t.Errorf("the question page shows %q, want %q", got, question)
	}
	mod.checkPage("question page", "fi")
	mod.checkAxe("question page")

	mod.do("draft an answer",
		chromedp.SendKeys(chromedp.ID("answer-body"), answerText),
		chromedp.Click(chromedp.ID("start-answer")),
		chromedp.WaitVisible(chromedp.ID("notice")))
	if got := mod.text("#notice"); got != "Vastausluonnos aloitettu." {
		t.Errorf("after starting a draft the notice is %q", got)
	}
	if got := mod.text("#answer-status"); got != "Luonnos" {
		t.Errorf("after starting a draft the answer is %q, want Luonnos", got)
	}
	mod.checkAxe("question page with a draft")
	mod.do("send the draft to review",
		chromedp.Click(chromedp.ID("submit-answer")),
		chromedp.WaitVisible(chromedp.ID("four-eyes")))
	if got := mod.text("#notice"); got != "Vastaus lähetetty tarkastukseen." {
		t.Errorf("after sending to review the notice is %q", got)
	}
	if got := mod.text("#answer-status"); got != "Tarkastettavana" {
		t.Errorf("after sending to review the answer is %q, want Tarkastettavana", got)
	}
	answerID := tabRun(mod, "read the answer id", chromedp.AttributeValue(chromedp.ID("answer-status"), "data-answer")).Value

	// Four eyes in the UI: the author holds the reviewer role too, but is
	// offered no approval, finds nothing of hers to review, and a form sent
	// anyway is refused with a clear message.
	if mod.present("#approve") {
		t.Error("the author is offered an approve button for her own answer")
	}
	mod.do("open the review list",
		chromedp.Click(chromedp.ID("nav-review")),
		chromedp.WaitVisible(chromedp.ID("review-empty")))
	if mod.present("#approve-" + answerID) {
		t.Error("the author's own answer is on her review list")
	}
	mod.checkPage("review page", "fi")
	mod.checkAxe("review page (empty)")
	mod.do("send an approval of her own answer anyway",
		chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`(function () {
			var f = document.createElement('form');
			f.method = 'post';
			f.action = '/console/answers/%s/approve?lang=fi';
			var c = document.createElement('input');
			c.type = 'hidden'; c.name = 'csrf'; c.value = document.querySelector('input[name=csrf]').value;
			f.appendChild(c);
			document.body.appendChild(f);
			f.submit();
		})()`, answerID)),
		chromedp.WaitVisible(chromedp.ID("form-error")))
	if got := mod.text("#form-error"); !strings.Contains(got, "Kirjoitit tämän vastauksen itse") || !strings.Contains(got, "neljän silmän periaate") {
		t.Errorf("the author's approval was answered with %q, want the four-eyes message", got)
	}
	mod.checkAxe("review page with the four-eyes error")

	// The reviewer, on a tablet, in a browser context of her own, in
	// English: the browser asks for it (Accept-Language en-US).
	rev := newConsoleTab(t, browser, "reviewer", s.URL, axeSrc, consoleTabletWidth, consoleTabletHeight, true)
	rev.do("open the console",
		chromedp.Navigate(s.URL+"/console/review"),
		chromedp.WaitVisible(chromedp.ID("password")))
	rev.signIn("riku", "Signed in as riku")
	rev.do("wait for the review list", chromedp.WaitVisible(chromedp.ID("approve-"+answerID)))
	if loc := tabRun(rev, "read the location", chromedp.Location()); loc != s.URL+"/console/review?lang=en" {
		t.Errorf("after signing in the reviewer is at %s, want the review page she asked for", loc)
	}
	if got := rev.text("#answer-body-" + answerID); got != answerText {
		t.Errorf("the review list shows the answer %q, want %q", got, answerText)
	}
	if !strings.Contains(rev.text("#review-"+answerID), question) {
		t.Error("the review list does not show the question with the answer")
	}
	rev.checkPage("review page", "en")
	rev.checkAxe("review page")
	rev.do("open the question from the review list",
		chromedp.Click(chromedp.CSS("#review-"+answerID+" .ref-q a")),
		chromedp.WaitVisible(chromedp.ID("approve")))
	if rev.present("#start-answer") || rev.present("#reject-submit") || rev.present("#redact-submit") {
		t.Error("a reviewer is offered a moderator's forms on the question page")
	}
	rev.checkPage("question page", "en")
	rev.checkAxe("question page (reviewer)")
	rev.do("go back to the review list",
		chromedp.Click(chromedp.ID("nav-review")),
		chromedp.WaitVisible(chromedp.ID("approve-"+answerID)))
	rev.do("approve the answer",
		chromedp.Click(chromedp.ID("approve-"+answerID)),
		chromedp.WaitVisible(chromedp.ID("review-empty")))
	if got := rev.text("#notice"); got != "Answer approved." {
		t.Errorf("after approving the notice is %q", got)
	}

	// The moderator's tab was never signed in as the reviewer, and the
	// reviewer's cookies are her own.
	mod.do("open the figures", chromedp.Navigate(s.URL+"/console/stats?lang=fi"), chromedp.WaitVisible(chromedp.ID("signed-in-as")))
	if got := mod.text("#signed-in-as"); got != "Kirjautuneena: mona" {
		t.Errorf("the moderator's tab says %q after the reviewer signed in", got)
	}

	// The young person reads the answer with the receipt.
	young.do("look the receipt up",
		chromedp.Navigate(s.URL+"/answer?lang=fi"),
		chromedp.WaitVisible(chromedp.ID("receipt")),
		chromedp.SendKeys(chromedp.ID("receipt"), receipt),
		chromedp.Click(chromedp.CSS(`form.lookup button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.ID("answer-body")))
	if got := young.text("#answer-body"); got != answerText {
		t.Errorf("the receipt page shows the answer %q, want %q", got, answerText)
	}

	// Signing out ends the session.
	mod.do("sign out",
		chromedp.Click(chromedp.ID("sign-out")),
		chromedp.WaitVisible(chromedp.ID("password")))
	mod.do("open the console after signing out",
		chromedp.Navigate(s.URL+"/console/queue?lang=fi"),
		chromedp.WaitVisible(chromedp.ID("password")))
}
