package tests

// The public post pages in a real headless Chromium at a phone's width:
// a question answered, approved by a second person and published through
// the real binary's scheduler shows on /posts and /posts/:id in Finnish,
// with its image card, escaped, with nothing from another origin, and
// axe-core finds no violation.

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

func TestBrowserPublicPosts(t *testing.T) {
	axeSrc := loadAxe(t)
	s := startServer(t, withEnv("KYSY_SCHEDULER_TICK=@every 1s"))
	for _, u := range [][2]string{{"mona", "moderator"}, {"riku", "reviewer"}, {"kaisa", "comms"}} {
		addConsoleUser(t, s, u[0], u[1])
	}
	tok := map[string]string{}
	for _, n := range []string{"mona", "riku", "kaisa"} {
		tok[n] = postsToken(t, s, n)
	}
	question := "Saako sossu kertoa <b>koululle</b> mitä sanoin?"
	code, _ := postJSON(t, s.URL+"/api/v1/questions", fmt.Sprintf(`{"text":%q,"lang":"fi","consent_publish":true}`, question))
	if code != 201 {
		t.Fatalf("submit: %d", code)
	}
	items := postsStaffCall(t, s, tok["mona"], "GET", "/questions", "", 200)["items"].([]any)
	qid := int64(items[0].(map[string]any)["id"].(float64))
	a := postsStaffCall(t, s, tok["mona"], "POST", fmt.Sprintf("/questions/%d/answers", qid), `{"body":"Ei ilman syytä. Sossu kertoo koululle vain sen, mikä on tarpeen sinun tueksesi – kysy häneltä suoraan."}`, 201)
	aid := int64(a["id"].(float64))
	postsStaffCall(t, s, tok["mona"], "POST", fmt.Sprintf("/answers/%d/submit", aid), "", 200)
	postsStaffCall(t, s, tok["riku"], "POST", fmt.Sprintf("/answers/%d/approve", aid), "", 200)
	p := postsStaffCall(t, s, tok["kaisa"], "POST", "/posts", fmt.Sprintf(`{"answer_id":%d,"at":%q}`, aid, time.Now().UTC().Format(time.RFC3339)), 201)
	pid := int64(p["id"].(float64))
	deadline := time.Now().Add(30 * time.Second)
	for {
		got := postsStaffCall(t, s, tok["kaisa"], "GET", fmt.Sprintf("/posts/%d", pid), "", 200)
		if got["status"] == "published" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("post not published within 30 s: %v", got)
		}
		time.Sleep(100 * time.Millisecond) // polling the state, not assuming it
	}

	browser := newBrowser(t)
	f := &browserFlow{t: t, kysy: s.URL, lang: browserLangs[0], js: true, axe: axeSrc}
	ctx, cancel := context.WithTimeout(browser, browserFlowTimeout)
	defer cancel()
	ctx, cancelTab := chromedp.NewContext(ctx)
	defer cancelTab()
	f.ctx = ctx
	f.do("emulate a phone", chromedp.EmulateViewport(phoneWidth, phoneHeight,
		chromedp.EmulatePortrait, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulateScale(3)))

	f.do("open the posts", chromedp.Navigate(s.URL+"/posts?lang=fi"), chromedp.WaitVisible(chromedp.CSS("ol.posts")))
	f.checkPage("posts page")
	f.checkAxe("posts page")
	heading := strings.TrimSpace(run(f, "read the post's heading", chromedp.Text(chromedp.CSS("ol.posts h2"))))
	if heading != question {
		t.Errorf("the post's heading is %q, want the question as text %q", heading, question)
	}
	if n := run(f, "count injected elements", chromedp.Evaluate[int](`document.querySelectorAll("ol.posts b").length`)); n != 0 {
		t.Errorf("the question's HTML became %d elements", n)
	}
	f.do("open the post", chromedp.Tap(chromedp.CSS("ol.posts h2 a")), chromedp.WaitVisible(chromedp.CSS("img.card")))
	f.checkPage("post page")
	f.checkAxe("post page")
	width := run(f, "wait for the card", chromedp.Poll[int](
		`(function () { var i = document.querySelector("img.card"); return i.complete && i.naturalWidth > 0 ? i.naturalWidth : false; })()`,
		chromedp.WithPollingInterval(50*time.Millisecond)))
	if width != 1080 {
		t.Errorf("the card is %d px wide, want 1080", width)
	}
	if loc := run(f, "read the location", chromedp.Location()); loc != fmt.Sprintf("%s/posts/%d?lang=fi", s.URL, pid) {
		t.Errorf("post page at %s", loc)
	}
}
