package tests

// The comms pages of the staff console in a real headless Chromium, at a
// phone's width: a comms user signs in, sets the posting slots (a wrong
// one first), schedules an approved answer in the next free slot, sees the
// post's preview with its image card, finds the post in the week view and
// in the post list. axe-core checks every one of these pages.

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

func TestBrowserConsolePosts(t *testing.T) {
	axeSrc := loadAxe(t)
	s := startServer(t)
	addConsoleUser(t, s, "mona", "moderator,reviewer")
	addConsoleUser(t, s, "riku", "reviewer")
	addConsoleUser(t, s, "kia", "comms")
	mona, riku := postsToken(t, s, "mona"), postsToken(t, s, "riku")

	// An approved answer to a question asked with consent to publish, made
	// through the staff API.
	const question = "Voiko sossu tulla kouluun juttelemaan minun kanssani?"
	const answerText = "Voi. Sosiaalityöntekijä voi tavata sinut koulussa, ja sinä saat kertoa omin sanoin, miten sinulla menee."
	code, sub := postJSON(t, s.URL+"/api/v1/questions", fmt.Sprintf(`{"text":%q,"lang":"fi","consent_publish":true}`, question))
	if code != http.StatusCreated {
		t.Fatalf("submit: %d %v", code, sub)
	}
	queue := postsStaffCall(t, s, mona, "GET", "/questions", "", 200)
	qid := int64(queue["items"].([]any)[0].(map[string]any)["id"].(float64))
	ans := postsStaffCall(t, s, mona, "POST", fmt.Sprintf("/questions/%d/answers", qid), fmt.Sprintf(`{"body":%q}`, answerText), 201)
	aid := int64(ans["id"].(float64))
	postsStaffCall(t, s, mona, "POST", fmt.Sprintf("/answers/%d/submit", aid), "", 200)
	postsStaffCall(t, s, riku, "POST", fmt.Sprintf("/answers/%d/approve", aid), "", 200)

	browser := newBrowser(t)
	kia := newConsoleTab(t, browser, "comms", s.URL, axeSrc, phoneWidth, phoneHeight, true)
	kia.do("open the slots signed out",
		chromedp.Navigate(s.URL+"/console/slots?lang=fi"),
		chromedp.WaitVisible(chromedp.ID("password")))
	kia.signIn("kia", "Kirjautuneena: kia")
	kia.do("wait for the slots", chromedp.WaitVisible(chromedp.ID("slots")))
	kia.checkPage("slots page", "fi")
	kia.checkAxe("slots page (no slots)")
	if !kia.present("#no-slots") {
		t.Error("with no slots the slots page does not say so")
	}

	// A wrong slot is named, and nothing is saved.
	kia.do("save a wrong slot",
		chromedp.SendKeys(chromedp.ID("slots"), "0 15 * * 1,3,5\n0 25 * * *"),
		chromedp.Click(chromedp.ID("slots-save")),
		chromedp.WaitVisible(chromedp.ID("form-error")))
	if got := kia.text("#form-error"); !strings.Contains(got, "Rivi 2 (0 25 * * *) ei kelpaa.") {
		t.Errorf("a wrong slot was answered with %q", got)
	}
	if !kia.present("#no-slots") {
		t.Error("a wrong slot was saved")
	}
	kia.checkPage("slots page with an error", "fi")
	kia.checkAxe("slots page with an error")

	// Every day at 15:00 and 9:30, Helsinki time: the next five times.
	kia.do("save the slots",
		chromedp.Clear(chromedp.ID("slots")),
		chromedp.SendKeys(chromedp.ID("slots"), "0 15 * * *\n30 9 * * *"),
		chromedp.Click(chromedp.ID("slots-save")),
		chromedp.WaitVisible(chromedp.ID("next-slots")))
	if got := kia.text("#notice"); got != "Julkaisuajat tallennettu." {
		t.Errorf("after saving the slots the notice is %q", got)
	}
	if n := tabRun(kia, "count the next slot times", chromedp.Evaluate[int](`document.querySelectorAll('#next-slots li').length`)); n != 5 {
		t.Errorf("the slots page shows %d next times, want 5", n)
	}
	kia.checkAxe("slots page")

	// Schedule the answer in the next free slot.
	kia.do("open the answers to publish",
		chromedp.Click(chromedp.ID("nav-schedule")),
		chromedp.WaitVisible(chromedp.ID(fmt.Sprintf("schedule-%d", aid))))
	if got := kia.text(fmt.Sprintf("#answer-preview-%d", aid)); got != answerText {
		t.Errorf("the list to publish shows %q, want the answer", got)
	}
	if got := kia.text(fmt.Sprintf("#shown-%d", aid)); got != "Kysymys näytetään vastauksen kanssa." {
		t.Errorf("the consent is shown as %q", got)
	}
	kia.checkPage("schedule page", "fi")
	kia.checkAxe("schedule page")
	kia.do("schedule the answer",
		chromedp.Click(chromedp.ID(fmt.Sprintf("schedule-submit-%d", aid))),
		chromedp.WaitVisible(chromedp.ID("post-status")))
	if got := kia.text("#notice"); got != "Julkaisu ajastettu." {
		t.Errorf("after scheduling the notice is %q", got)
	}
	if got := kia.text("#post-status"); got != "Ajastettu" {
		t.Errorf("the post is %q, want Ajastettu", got)
	}
	if got := kia.text("#post-answer"); got != answerText {
		t.Errorf("the preview shows the answer %q", got)
	}
	if got := kia.text("#post-question"); got != question {
		t.Errorf("the preview shows the question %q", got)
	}
	if got := kia.text("#post-caption"); !strings.Contains(got, answerText) {
		t.Errorf("the caption %q lacks the answer", got)
	}
	if kia.present("#findings") {
		t.Error("the preview warns of personal details the answer does not have")
	}
	width := tabRun(kia, "wait for the image card", chromedp.Poll[int](
		`(function () { var i = document.getElementById('post-card'); return i && i.complete && i.naturalWidth; })()`,
		chromedp.WithPollingInterval(100*time.Millisecond), chromedp.WithPollingTimeout(20*time.Second)))
	if width != 1080 {
		t.Errorf("the image card is %d px wide, want 1080", width)
	}
	postTime := tabRun(kia, "read the post's time", chromedp.AttributeValue(chromedp.ID("post-time"), "datetime")).Value
	at, err := time.Parse(time.RFC3339, postTime)
	if err != nil {
		t.Fatalf("the post's time %q: %v", postTime, err)
	}
	if local := at.In(helsinkiOrUTC()); !(local.Hour() == 15 && local.Minute() == 0) && !(local.Hour() == 9 && local.Minute() == 30) {
		t.Errorf("the post is at %s, not in a slot", local)
	}
	if d := time.Until(at); d <= 0 || d > 25*time.Hour {
		t.Errorf("the post is at %s, %s from now: not the next free slot", at, d)
	}
	kia.checkPage("post page", "fi")
	kia.checkAxe("post page")
	pid := strings.TrimPrefix(tabRun(kia, "read the post's address", chromedp.Location()), s.URL+"/console/posts/")
	pid = pid[:strings.IndexAny(pid+"?", "?")]

	// The week with the post.
	kia.do("open the week of the post",
		chromedp.Click(chromedp.ID("post-week")),
		chromedp.WaitVisible(chromedp.ID("week-caption")))
	if !kia.present("#week-post-" + pid) {
		t.Fatalf("the week view lacks post %s", pid)
	}
	day := at.In(helsinkiOrUTC()).Format("2006-01-02")
	if got := kia.text("#day-" + day + " #week-post-" + pid); !strings.Contains(got, "Ajastettu") ||
		!strings.Contains(got, at.In(helsinkiOrUTC()).Format("15:04")) {
		t.Errorf("the week shows the post as %q under %s", got, day)
	}
	kia.checkPage("week page", "fi")
	kia.checkAxe("week page")

	// And in the list of posts.
	kia.do("open the posts",
		chromedp.Click(chromedp.ID("nav-posts")),
		chromedp.WaitVisible(chromedp.ID("post-row-"+pid)))
	kia.checkPage("posts page", "fi")
	kia.checkAxe("posts page")
	kia.do("open the scheduled posts",
		chromedp.Click(chromedp.ID("ptab-scheduled")),
		chromedp.WaitVisible(chromedp.ID("post-row-"+pid)))

	// Nothing left to publish.
	kia.do("open the answers to publish again",
		chromedp.Click(chromedp.ID("nav-schedule")),
		chromedp.WaitVisible(chromedp.ID("schedule-empty")))
	kia.checkAxe("schedule page (empty)")
}

// helsinkiOrUTC is scheduler.timezone of the test server's config.
func helsinkiOrUTC() *time.Location {
	if loc, err := time.LoadLocation("Europe/Helsinki"); err == nil {
		return loc
	}
	return time.UTC
}
