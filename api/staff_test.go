package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"kysy/moderation"
	"kysy/store"
)

const staffAPI = "/api/v1/staff"

type answerJSON struct {
	ID            int64   `json:"id"`
	QuestionID    int64   `json:"question_id"`
	Body          string  `json:"body"`
	Status        string  `json:"status"`
	AuthorID      int64   `json:"author_id"`
	ReviewerID    *int64  `json:"reviewer_id"`
	ReviewComment string  `json:"review_comment"`
	SubmittedAt   *string `json:"submitted_at"`
	ApprovedAt    *string `json:"approved_at"`
}

type historyJSON struct {
	ID     int64  `json:"id"`
	At     string `json:"at"`
	Actor  string `json:"actor"`
	Role   string `json:"role"`
	Action string `json:"action"`
	Detail string `json:"detail"`
}

type detailJSON struct {
	ID         int64             `json:"id"`
	Text       string            `json:"text"`
	Status     string            `json:"status"`
	Redactions []json.RawMessage `json:"redactions"`
	AnswerID   *int64            `json:"answer_id"`
	Answer     *answerJSON       `json:"answer"`
	Linked     []struct {
		ID     int64  `json:"id"`
		Status string `json:"status"`
	} `json:"linked"`
	History []historyJSON `json:"history"`
	Reads   []struct {
		Role  string `json:"role"`
		Count int64  `json:"count"`
	} `json:"reads"`
}

// lookup reads a receipt through the public API.
func (e *staffEnv) lookup(t *testing.T, receipt string) (status string, answer *string) {
	t.Helper()
	rec := e.do(t, "POST", "/api/v1/receipts/lookup", "application/json", fmt.Sprintf(`{"receipt":%q}`, receipt))
	expect(t, rec, http.StatusOK, "")
	var out struct {
		Status string  `json:"status"`
		Answer *string `json:"answer"`
	}
	decodeInto(t, rec, &out)
	return out.Status, out.Answer
}

// refused sends a request that must be refused with status and code,
// and checks that it changed nothing; for invalid_transition the message
// must name the current status.
func (e *staffEnv) refused(t *testing.T, c cred, method, path, body string, status int, code, current string) {
	t.Helper()
	before := e.snapshot(t)
	rec := e.call(t, c, method, path, body)
	if rec.Code != status {
		t.Fatalf("%s %s as %s: status %d, want %d: %s", method, path, c.name, rec.Code, status, rec.Body)
	}
	eb := decodeErr(t, rec)
	if eb.Error.Code != code {
		t.Fatalf("%s %s as %s: code %q, want %q", method, path, c.name, eb.Error.Code, code)
	}
	if current != "" && !strings.Contains(eb.Error.Message, "current status is "+current) {
		t.Fatalf("%s %s: message %q does not name the current status %s", method, path, eb.Error.Message, current)
	}
	if after := e.snapshot(t); after != before {
		t.Fatalf("%s %s as %s was refused but changed rows:\nbefore:\n%s\nafter:\n%s", method, path, c.name, before, after)
	}
}

// TestStaffLifecycle drives a question from the inbox to an approved
// answer over HTTP, with four eyes, a round of changes, a linked
// near-duplicate, refused transitions, and the receipt look-ups; then the
// audit chain and the question's history.
func TestStaffLifecycle(t *testing.T) {
	e := newStaffEnv(t)
	anna, ritva, mika := e.bearer("anna"), e.bearer("ritva"), e.bearer("mika")
	q1, r1 := e.question(t, "Voiko sossu viedä mut pois kotoa jos kerron isän juomisesta?")
	q2, r2 := e.question(t, "Jos kerron että isä juo, viekö sossu mut pois?")
	q3, r3 := e.question(t, "Voiko sosiaalityöntekijä ottaa minut pois kotoa?")

	// A reviewer reads the question before anyone answers.
	expect(t, e.call(t, ritva, "GET", fmt.Sprintf("%s/questions/%d", staffAPI, q1), ""), 200, "")

	rec := e.call(t, anna, "POST", fmt.Sprintf("%s/questions/%d/answers", staffAPI, q1), `{"body":"Ei voi noin vain."}`)
	expect(t, rec, http.StatusCreated, "")
	if got := strings.TrimSpace(rec.Body.String()); !strings.HasPrefix(got, `{"id":`) || !strings.HasSuffix(got, `,"status":"draft"}`) {
		t.Fatalf("201 body = %s, want {\"id\",\"status\":\"draft\"}", got)
	}
	var created struct {
		ID int64 `json:"id"`
	}
	decodeInto(t, rec, &created)
	aid := created.ID
	ans := func(verb string) string { return fmt.Sprintf("%s/answers/%d%s", staffAPI, aid, verb) }

	rec = e.call(t, anna, "PUT", ans(""), `{"body":"Ei voi. Sossu auttaa ensin kotona, ja sinua kuunnellaan."}`)
	expect(t, rec, 200, "")
	var a answerJSON
	decodeInto(t, rec, &a)
	if a.Status != "draft" || !strings.HasPrefix(a.Body, "Ei voi. Sossu") || a.QuestionID != q1 {
		t.Fatalf("edited draft = %+v", a)
	}
	// Only the author edits.
	e.refused(t, mika, "PUT", ans(""), `{"body":"Toinen teksti"}`, 403, "forbidden", "")

	// The near-duplicate is linked before approval.
	rec = e.call(t, mika, "POST", ans("/link"), fmt.Sprintf(`{"question_ids":[%d]}`, q2))
	expect(t, rec, 200, "")
	if got := strings.TrimSpace(rec.Body.String()); got != fmt.Sprintf(`{"answer_id":%d,"linked":[%d]}`, aid, q2) {
		t.Fatalf("link body = %s", got)
	}
	if st := e.questionRow(t, q2).Status; st != store.StatusAnswering {
		t.Fatalf("linked question status %s, want answering", st)
	}

	rec = e.call(t, anna, "POST", ans("/submit"), "")
	expect(t, rec, 200, "")
	decodeInto(t, rec, &a)
	if a.Status != "in_review" || a.SubmittedAt == nil {
		t.Fatalf("submitted answer = %+v", a)
	}
	// Submitting twice is refused, and names the status.
	e.refused(t, anna, "POST", ans("/submit"), "", 409, "invalid_transition", "in_review")

	// Four eyes: anna holds the reviewer role, but wrote the answer.
	e.refused(t, anna, "POST", ans("/approve"), "", 403, "four_eyes", "")
	e.refused(t, anna, "POST", ans("/request-changes"), `{"comment":"Itse katsottu"}`, 403, "four_eyes", "")
	// mika is no reviewer at all.
	e.refused(t, mika, "POST", ans("/approve"), "", 403, "forbidden", "")

	rec = e.call(t, ritva, "POST", ans("/request-changes"), `{"comment":"Kerro myös, mistä saa apua heti."}`)
	expect(t, rec, 200, "")
	decodeInto(t, rec, &a)
	if a.Status != "changes" || a.ReviewComment != "Kerro myös, mistä saa apua heti." || a.ReviewerID == nil {
		t.Fatalf("answer sent back = %+v", a)
	}
	for _, q := range []int64{q1, q2} {
		if st := e.questionRow(t, q).Status; st != store.StatusChanges {
			t.Fatalf("question %d status %s, want changes", q, st)
		}
	}
	if st, ans := e.lookup(t, r1); st != "changes" || ans != nil {
		t.Fatalf("receipt before approval: %s %v", st, ans)
	}
	// A reviewer cannot approve an answer waiting for its author.
	e.refused(t, ritva, "POST", ans("/approve"), "", 409, "invalid_transition", "changes")

	final := "Ei voi noin vain. Sossu auttaa ensin kotona, ja sinua kuunnellaan. Apua saa heti numerosta 116 111."
	expect(t, e.call(t, anna, "PUT", ans(""), fmt.Sprintf(`{"body":%q}`, final)), 200, "")
	expect(t, e.call(t, anna, "POST", ans("/submit"), "{}"), 200, "")

	rec = e.call(t, ritva, "GET", staffAPI+"/review", "")
	expect(t, rec, 200, "")
	var review struct {
		Items []answerJSON `json:"items"`
	}
	decodeInto(t, rec, &review)
	if len(review.Items) != 1 || review.Items[0].ID != aid {
		t.Fatalf("ritva's review list = %s", rec.Body)
	}
	rec = e.call(t, anna, "GET", staffAPI+"/review", "")
	decodeInto(t, rec, &review)
	if len(review.Items) != 0 {
		t.Fatalf("anna's review list holds her own answer: %s", rec.Body)
	}

	rec = e.call(t, ritva, "POST", ans("/approve"), "")
	expect(t, rec, 200, "")
	decodeInto(t, rec, &a)
	if a.Status != "approved" || a.ApprovedAt == nil || a.ReviewComment != "" {
		t.Fatalf("approved answer = %+v", a)
	}
	for _, r := range []string{r1, r2} {
		st, got := e.lookup(t, r)
		if st != "approved" || got == nil || *got != final {
			t.Fatalf("receipt after approval: %s %v, want approved with the answer", st, got)
		}
	}
	if st, got := e.lookup(t, r3); st != "received" || got != nil {
		t.Fatalf("unlinked receipt: %s %v", st, got)
	}

	// After approval nothing more is linked, and the answer stays put.
	e.refused(t, mika, "POST", ans("/link"), fmt.Sprintf(`{"question_ids":[%d]}`, q3), 409, "invalid_transition", "approved")
	e.refused(t, ritva, "POST", ans("/approve"), "", 409, "invalid_transition", "approved")
	e.refused(t, anna, "PUT", ans(""), `{"body":"Myöhäinen muutos"}`, 409, "invalid_transition", "approved")
	// An answered question cannot be rejected or answered again.
	e.refused(t, mika, "POST", fmt.Sprintf("%s/questions/%d/reject", staffAPI, q1), `{"reason":"Myöhässä"}`, 409, "invalid_transition", "approved")
	e.refused(t, mika, "POST", fmt.Sprintf("%s/questions/%d/answers", staffAPI, q2), `{"body":"Toinen vastaus"}`, 409, "invalid_transition", "approved")

	// Approving a draft is refused with its status.
	_, draft := e.draft(t, "mika")
	e.refused(t, ritva, "POST", fmt.Sprintf("%s/answers/%d/approve", staffAPI, draft), "", 409, "invalid_transition", "draft")

	rec = e.call(t, anna, "GET", ans(""), "")
	expect(t, rec, 200, "")
	decodeInto(t, rec, &a)
	if a.Status != "approved" || a.Body != final {
		t.Fatalf("GET answer = %+v", a)
	}

	// The audit chain is intact, and the question's history names who read
	// it and who moved its answer.
	n, brk, err := e.db.VerifyAudit(context.Background())
	if err != nil || brk != nil || n == 0 {
		t.Fatalf("verify audit: %d entries, break %v, err %v", n, brk, err)
	}
	rec = e.call(t, ritva, "GET", fmt.Sprintf("%s/questions/%d", staffAPI, q1), "")
	expect(t, rec, 200, "")
	var d detailJSON
	decodeInto(t, rec, &d)
	if d.Status != "approved" || d.Answer == nil || d.Answer.Body != final || d.AnswerID == nil || *d.AnswerID != aid {
		t.Fatalf("detail = %s", rec.Body)
	}
	if len(d.Linked) != 1 || d.Linked[0].ID != q2 || d.Linked[0].Status != "approved" {
		t.Fatalf("detail links %+v, want question %d", d.Linked, q2)
	}
	var got []string
	for i, h := range d.History {
		got = append(got, h.Actor+" "+h.Action)
		if i > 0 && h.ID <= d.History[i-1].ID {
			t.Fatalf("history out of order: %+v", d.History)
		}
		if _, err := time.Parse(time.RFC3339, h.At); err != nil || !strings.HasSuffix(h.At, "Z") {
			t.Fatalf("history time %q is not RFC 3339 UTC", h.At)
		}
	}
	want := []string{
		"anna answer.create", "anna question.answering", "anna answer.edit",
		"anna answer.submit", "ritva answer.request_changes", "anna answer.edit", "anna answer.submit",
		"ritva answer.approve",
	}
	if !slices.Equal(got, want) {
		t.Fatalf("history:\n got %q\nwant %q", got, want)
	}
	// Ritva's two detail reads (this one included) are counted, by role.
	if len(d.Reads) != 1 || d.Reads[0].Role != "reviewer" || d.Reads[0].Count != 2 {
		t.Fatalf("reads %+v, want reviewer ×2", d.Reads)
	}
}

// TestStaffAuthorisationMatrix sends every staff route with every kind of
// credential and checks the status: 401 without valid credentials, 403
// forbidden for a role that may not, and the route's own answer for one
// that may. A request that is not 2xx changes nothing.
func TestStaffAuthorisationMatrix(t *testing.T) {
	e := newStaffEnv(t)
	q := func(t *testing.T) int64 {
		id, _ := e.question(t, "Saako sossu kertoa vanhemmille mitä mä sanon?")
		return id
	}
	type route struct {
		name, method string
		// setup makes what the request needs and returns its path and body.
		setup func(t *testing.T) (string, string)
		// want is the status by role; a role not named gets 403 forbidden.
		// A malformed path id or query parameter is refused before the
		// role is checked, the same for every role.
		want map[string]int
	}
	fixed := func(path, body string) func(*testing.T) (string, string) {
		return func(*testing.T) (string, string) { return path, body }
	}
	mod := func(st int) map[string]int { return map[string]int{"moderator": st} }
	rev := func(st int) map[string]int { return map[string]int{"reviewer": st} }
	modRev := func(st int) map[string]int { return map[string]int{"moderator": st, "reviewer": st} }
	all := func(st int) map[string]int {
		return map[string]int{"moderator": st, "reviewer": st, "comms": st, "admin": st}
	}
	routes := []route{
		{"queue", "GET", func(t *testing.T) (string, string) { q(t); return staffAPI + "/questions", "" }, modRev(200)},
		{"queue spam page", "GET", fixed(staffAPI+"/questions?status=spam&limit=5", ""), modRev(200)},
		{"queue bad status", "GET", fixed(staffAPI+"/questions?status=lost", ""), all(422)},
		{"question", "GET", func(t *testing.T) (string, string) { return fmt.Sprintf("%s/questions/%d", staffAPI, q(t)), "" }, modRev(200)},
		{"question unknown", "GET", fixed(staffAPI+"/questions/999999", ""), modRev(404)},
		{"question id not a number", "GET", fixed(staffAPI+"/questions/abc", ""), all(404)},
		{"question id zero", "GET", fixed(staffAPI+"/questions/0", ""), all(404)},
		{"question id negative", "GET", fixed(staffAPI+"/questions/-1", ""), all(404)},
		{"question id too large", "GET", fixed(staffAPI+"/questions/99999999999999999999", ""), all(404)},
		{"question id with sign", "PATCH", fixed(staffAPI+"/questions/+1", `{"text":"x"}`), all(404)},
		{"edit", "PATCH", func(t *testing.T) (string, string) {
			return fmt.Sprintf("%s/questions/%d", staffAPI, q(t)), `{"text":"Saako sossu kertoa äidille?"}`
		}, mod(200)},
		{"edit empty", "PATCH", func(t *testing.T) (string, string) {
			return fmt.Sprintf("%s/questions/%d", staffAPI, q(t)), `{"text":"  "}`
		}, mod(422)},
		{"reject", "POST", func(t *testing.T) (string, string) {
			return fmt.Sprintf("%s/questions/%d/reject", staffAPI, q(t)), `{"reason":"Tämä ei ole kysymys."}`
		}, mod(200)},
		{"restore", "POST", func(t *testing.T) (string, string) {
			id := e.storeQuestion(t, "Osta halpoja kelloja", store.StatusSpam, false)
			return fmt.Sprintf("%s/questions/%d/restore", staffAPI, id), ""
		}, mod(200)},
		{"restore not spam", "POST", func(t *testing.T) (string, string) {
			return fmt.Sprintf("%s/questions/%d/restore", staffAPI, q(t)), ""
		}, mod(409)},
		{"redact", "POST", func(t *testing.T) (string, string) {
			return fmt.Sprintf("%s/questions/%d/redact", staffAPI, q(t)), `{"phrase":"vanhemmille","kind":"name"}`
		}, mod(200)},
		{"redact missing phrase", "POST", func(t *testing.T) (string, string) {
			return fmt.Sprintf("%s/questions/%d/redact", staffAPI, q(t)), `{"phrase":"kissalle","kind":"NAME"}`
		}, mod(422)},
		{"start answer", "POST", func(t *testing.T) (string, string) {
			return fmt.Sprintf("%s/questions/%d/answers", staffAPI, q(t)), `{"body":"Ei saa ilman lupaasi."}`
		}, mod(201)},
		{"start answer twice", "POST", func(t *testing.T) (string, string) {
			qid, _ := e.draft(t, "mika")
			return fmt.Sprintf("%s/questions/%d/answers", staffAPI, qid), `{"body":"Toinen"}`
		}, mod(409)},
		{"answer", "GET", func(t *testing.T) (string, string) {
			_, aid := e.draft(t, "mika")
			return fmt.Sprintf("%s/answers/%d", staffAPI, aid), ""
		}, modRev(200)},
		{"answer unknown", "GET", fixed(staffAPI+"/answers/999999", ""), modRev(404)},
		{"edit answer", "PUT", func(t *testing.T) (string, string) {
			_, aid := e.draft(t, "mika")
			return fmt.Sprintf("%s/answers/%d", staffAPI, aid), `{"body":"Uusi vastaus."}`
		}, mod(200)},
		{"submit", "POST", func(t *testing.T) (string, string) {
			_, aid := e.draft(t, "mika")
			return fmt.Sprintf("%s/answers/%d/submit", staffAPI, aid), ""
		}, mod(200)},
		{"approve", "POST", func(t *testing.T) (string, string) {
			_, aid := e.inReview(t, "mika")
			return fmt.Sprintf("%s/answers/%d/approve", staffAPI, aid), ""
		}, rev(200)},
		{"approve unknown", "POST", fixed(staffAPI+"/answers/999999/approve", ""), rev(404)},
		{"request changes", "POST", func(t *testing.T) (string, string) {
			_, aid := e.inReview(t, "mika")
			return fmt.Sprintf("%s/answers/%d/request-changes", staffAPI, aid), `{"comment":"Lyhennä."}`
		}, rev(200)},
		{"link", "POST", func(t *testing.T) (string, string) {
			_, aid := e.draft(t, "mika")
			return fmt.Sprintf("%s/answers/%d/link", staffAPI, aid), fmt.Sprintf(`{"question_ids":[%d]}`, q(t))
		}, mod(200)},
		{"link nothing", "POST", func(t *testing.T) (string, string) {
			_, aid := e.draft(t, "mika")
			return fmt.Sprintf("%s/answers/%d/link", staffAPI, aid), `{"question_ids":[]}`
		}, mod(422)},
		{"review", "GET", fixed(staffAPI+"/review", ""), rev(200)},
		{"audit", "GET", fixed(staffAPI+"/audit?limit=10", ""), map[string]int{"admin": 200}},
		{"audit bad cursor", "GET", fixed(staffAPI+"/audit?cursor=abc", ""), all(422)},
		{"stats", "GET", fixed(staffAPI+"/stats", ""), all(200)},
	}
	creds := []struct {
		cred
		role string // "" for credentials that must be refused with 401
	}{
		{cred{name: "none"}, ""},
		{e.bearer("mika"), "moderator"},
		{e.bearer("ritva"), "reviewer"},
		{e.bearer("kaisa"), "comms"},
		{e.bearer("aatu"), "admin"},
		{e.bearer("disabled"), ""},
		{e.bearer("expired"), ""},
		{cred{name: "malformed bearer", bearer: "not-a-kysy-token"}, ""},
		{cred{name: "basic auth"}, ""},
		{e.login(t, "mika"), "moderator"},
		{e.login(t, "ritva"), "reviewer"},
		{e.login(t, "aatu"), "admin"},
	}
	for _, rt := range routes {
		for _, c := range creds {
			t.Run(rt.name+"/"+c.name, func(t *testing.T) {
				path, body := rt.setup(t)
				var hdr []string
				if c.name == "basic auth" {
					hdr = []string{"Authorization", "Basic bWlrYTpjb3JyZWN0"}
				}
				before := e.snapshot(t)
				rec := e.call(t, c.cred, rt.method, path, body, hdr...)
				want, code := http.StatusUnauthorized, "unauthenticated"
				if c.role != "" {
					want, code = http.StatusForbidden, "forbidden"
					if st, ok := rt.want[c.role]; ok {
						want, code = st, ""
					}
				}
				if rec.Code != want {
					t.Fatalf("%s %s as %s: status %d, want %d: %s", rt.method, path, c.name, rec.Code, want, rec.Body)
				}
				if want >= 400 {
					if code == "" && want == 404 {
						code = "not_found"
					}
					if got := decodeErr(t, rec).Error.Code; code != "" && got != code {
						t.Fatalf("%s %s as %s: code %q, want %q", rt.method, path, c.name, got, code)
					}
					if after := e.snapshot(t); after != before {
						t.Fatalf("%s %s as %s: %d changed rows", rt.method, path, c.name, rec.Code)
					}
				} else if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
					t.Fatalf("content type %q", ct)
				}
			})
		}
	}
}

// TestStaffCSRF: a session cookie alone does not make an unsafe request;
// the session's own CSRF token must come with it. Bearer tokens need none.
// Cross-site requests are refused whatever they carry.
func TestStaffCSRF(t *testing.T) {
	e := newStaffEnv(t)
	qid, _ := e.question(t, "Mitä huostaanotto tarkoittaa?")
	path := fmt.Sprintf("%s/questions/%d", staffAPI, qid)
	body := `{"text":"Mitä huostaanotto tarkoittaa käytännössä?"}`
	mika := e.login(t, "mika")
	other := e.login(t, "mika") // a second session of the same account
	ritva := e.login(t, "ritva")

	cases := []struct {
		name string
		c    cred
	}{
		{"no token", cred{name: "no token", cookie: mika.cookie}},
		{"wrong token", cred{name: "wrong token", cookie: mika.cookie, csrf: "AAAA" + mika.csrf[4:]}},
		{"another session's token", cred{name: "other session", cookie: mika.cookie, csrf: other.csrf}},
		{"another user's token", cred{name: "other user", cookie: mika.cookie, csrf: ritva.csrf}},
		{"empty token", cred{name: "empty", cookie: mika.cookie, csrf: ""}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e.refused(t, tc.c, "PATCH", path, body, 403, "csrf", "")
			e.refused(t, tc.c, "POST", path+"/reject", `{"reason":"x"}`, 403, "csrf", "")
		})
	}
	// The token in a form field does not count on the API.
	e.refused(t, cred{name: "form field", cookie: mika.cookie}, "POST", path+"/reject?csrf="+mika.csrf, `{"reason":"x"}`, 403, "csrf", "")

	// Reading needs no token.
	expect(t, e.call(t, cred{name: "cookie only", cookie: mika.cookie}, "GET", path, ""), 200, "")

	// Cross-site requests are refused, with a session or a bearer token.
	for _, c := range []cred{mika, e.bearer("mika")} {
		before := e.snapshot(t)
		rec := e.call(t, c, "PATCH", path, body, "Sec-Fetch-Site", "cross-site")
		expect(t, rec, 403, "forbidden")
		rec = e.call(t, c, "PATCH", path, body, "Origin", "https://evil.example")
		expect(t, rec, 403, "forbidden")
		if e.snapshot(t) != before {
			t.Fatal("a cross-site request changed rows")
		}
	}

	rec := e.call(t, mika, "PATCH", path, body, "Sec-Fetch-Site", "same-origin")
	expect(t, rec, 200, "")
	if got := e.questionRow(t, qid).Text; got != "Mitä huostaanotto tarkoittaa käytännössä?" {
		t.Fatalf("text after the edit = %q", got)
	}
	rec = e.call(t, e.bearer("mika"), "PATCH", path, `{"text":"Mitä huostaanotto on?"}`)
	expect(t, rec, 200, "")
	if got := e.questionRow(t, qid).Text; got != "Mitä huostaanotto on?" {
		t.Fatalf("text after the bearer edit = %q", got)
	}
}

// TestStaffSessionFixation: only cookies the server issued count; each
// sign-in makes a new one; signing out or being disabled ends it; so does
// its lifetime.
func TestStaffSessionFixation(t *testing.T) {
	e := newStaffEnv(t)
	ctx := context.Background()
	stats := staffAPI + "/stats"
	planted := cred{name: "planted", cookie: "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE"}
	expect(t, e.call(t, planted, "GET", stats, ""), 401, "unauthenticated")
	expect(t, e.call(t, cred{name: "huge", cookie: strings.Repeat("A", 200)}, "GET", stats, ""), 401, "unauthenticated")

	first := e.login(t, "anna")
	if first.cookie == planted.cookie || len(first.cookie) < 40 {
		t.Fatalf("login issued %q", first.cookie)
	}
	expect(t, e.call(t, planted, "GET", stats, ""), 401, "unauthenticated")
	expect(t, e.call(t, first, "GET", stats, ""), 200, "")

	second := e.login(t, "anna")
	if second.cookie == first.cookie || second.csrf == first.csrf {
		t.Fatal("a second sign-in reused the first session's cookie or CSRF token")
	}
	expect(t, e.call(t, second, "GET", stats, ""), 200, "")

	if err := e.mod.Logout(ctx, first.cookie); err != nil {
		t.Fatal(err)
	}
	expect(t, e.call(t, first, "GET", stats, ""), 401, "unauthenticated")
	expect(t, e.call(t, second, "GET", stats, ""), 200, "")

	// Disabling an account ends its sessions and its tokens.
	if _, err := e.mod.AddUser(ctx, moderation.CLIActor, "eeva", staffPassword, []moderation.Role{moderation.RoleModerator}); err != nil {
		t.Fatal(err)
	}
	tok, err := e.mod.CreateToken(ctx, moderation.CLIActor, "eeva", 0)
	if err != nil {
		t.Fatal(err)
	}
	eeva := e.login(t, "eeva")
	expect(t, e.call(t, eeva, "GET", stats, ""), 200, "")
	if err := e.mod.DisableUser(ctx, moderation.CLIActor, "eeva"); err != nil {
		t.Fatal(err)
	}
	expect(t, e.call(t, eeva, "GET", stats, ""), 401, "unauthenticated")
	expect(t, e.call(t, cred{name: "eeva token", bearer: tok}, "GET", stats, ""), 401, "unauthenticated")
	if _, err := e.mod.Login(ctx, "eeva", staffPassword, ""); err == nil {
		t.Fatal("a disabled account signed in")
	}

	// A session ends with its lifetime.
	e.clock.Advance(staffSessionTTL + time.Minute)
	expect(t, e.call(t, second, "GET", stats, ""), 401, "unauthenticated")
}

type queueJSON struct {
	Items      []map[string]json.RawMessage `json:"items"`
	NextCursor *string                      `json:"next_cursor"`
}

// TestStaffQueue: urgent first, then oldest; cursor pagination visits each
// question once; items carry exactly the fields of SPEC §4.3 plus
// answer_id; each listed question is audited as read.
func TestStaffQueue(t *testing.T) {
	e := newStaffEnv(t)
	ctx := context.Background()
	var want []int64
	var urgent, plain []int64
	for i := range 7 {
		e.clock.Advance(time.Hour)
		if i%3 == 1 {
			urgent = append(urgent, e.storeQuestion(t, fmt.Sprintf("Isä lyö minua %d", i), store.StatusReceived, true))
		} else {
			id, _ := e.question(t, fmt.Sprintf("Kysymys numero %d: mitä sossu tekee?", i))
			plain = append(plain, id)
		}
	}
	e.storeQuestion(t, "Roskapostia", store.StatusSpam, false)
	want = append(append(want, urgent...), plain...)

	var got []int64
	cursor := ""
	for pages := 0; ; pages++ {
		if pages > 10 {
			t.Fatal("the cursor never ends")
		}
		path := staffAPI + "/questions?limit=2"
		if cursor != "" {
			path += "&cursor=" + cursor
		}
		rec := e.call(t, e.bearer("mika"), "GET", path, "")
		expect(t, rec, 200, "")
		if !strings.Contains(rec.Body.String(), `"next_cursor":`) {
			t.Fatalf("no next_cursor in %s", rec.Body)
		}
		var page queueJSON
		decodeInto(t, rec, &page)
		for _, it := range page.Items {
			var keys []string
			for k := range it {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			wantKeys := []string{"answer_id", "cluster_id", "consent_publish", "created_at", "id", "lang",
				"redactions", "signals", "spam", "status", "text", "urgent"}
			if !slices.Equal(keys, wantKeys) {
				t.Fatalf("item keys %q, want %q", keys, wantKeys)
			}
			var id int64
			var created string
			json.Unmarshal(it["id"], &id)
			json.Unmarshal(it["created_at"], &created)
			if ts, err := time.Parse(time.RFC3339, created); err != nil || ts.Location() != time.UTC || ts.Minute() != 0 {
				t.Fatalf("created_at %q is not an hour in RFC 3339 UTC", created)
			}
			if it["redactions"][0] != '[' || it["signals"][0] != '[' {
				t.Fatalf("redactions %s or signals %s is not an array", it["redactions"], it["signals"])
			}
			if string(it["status"]) != `"received"` {
				t.Fatalf("status %s in the received queue", it["status"])
			}
			got = append(got, id)
		}
		if page.NextCursor == nil {
			break
		}
		cursor = *page.NextCursor
	}
	if !slices.Equal(got, want) {
		t.Fatalf("queue order %v, want %v (urgent %v first, then oldest)", got, want, urgent)
	}
	for _, id := range want {
		reads, err := e.db.QuestionReads(ctx, id)
		if err != nil || len(reads) != 1 || reads[0].Role != "moderator" || reads[0].Count != 1 {
			t.Fatalf("reads of question %d: %+v %v", id, reads, err)
		}
	}

	// A redaction shows as a span of the text.
	id, _ := e.question(t, "Soita mulle 040 123 4567 jos voit")
	rec := e.call(t, e.bearer("ritva"), "GET", fmt.Sprintf("%s/questions/%d", staffAPI, id), "")
	expect(t, rec, 200, "")
	var d struct {
		Text       string `json:"text"`
		Redactions []struct {
			Kind       string `json:"kind"`
			Start, End int
		} `json:"redactions"`
	}
	decodeInto(t, rec, &d)
	if len(d.Redactions) != 1 || d.Redactions[0].Kind != "PHONE" || d.Text[d.Redactions[0].Start:d.Redactions[0].End] != "[PHONE]" {
		t.Fatalf("detail %s", rec.Body)
	}

	// The moderator adds a redaction by hand.
	rec = e.call(t, e.bearer("mika"), "POST", fmt.Sprintf("%s/questions/%d/redact", staffAPI, id), `{"phrase":"jos voit","kind":"date"}`)
	expect(t, rec, 200, "")
	if got := e.questionRow(t, id); got.Text != "Soita mulle [PHONE] [DATE]" || !strings.Contains(got.Redactions, `"DATE"`) {
		t.Fatalf("after redact: %q %s", got.Text, got.Redactions)
	}

	rec = e.call(t, e.bearer("mika"), "GET", staffAPI+"/questions?status=spam", "")
	var spam queueJSON
	decodeInto(t, rec, &spam)
	if len(spam.Items) != 1 || spam.NextCursor != nil || string(spam.Items[0]["spam"]) != "true" {
		t.Fatalf("spam queue %s", rec.Body)
	}
	rec = e.call(t, e.bearer("mika"), "GET", staffAPI+"/questions?status=approved", "")
	if strings.TrimSpace(rec.Body.String()) != `{"items":[],"next_cursor":null}` {
		t.Fatalf("empty queue %s", rec.Body)
	}

	for _, bad := range []struct{ query, code string }{
		{"status=lost", "invalid_status"},
		{"limit=0", "invalid_limit"},
		{"limit=201", "invalid_limit"},
		{"limit=ten", "invalid_limit"},
		{"cursor=garbage!", "invalid_cursor"},
		{"cursor=Mi4yLjM", "invalid_cursor"}, // "2.2.3"
	} {
		before := e.snapshot(t)
		rec := e.call(t, e.bearer("mika"), "GET", staffAPI+"/questions?"+bad.query, "")
		if rec.Code != 422 || decodeErr(t, rec).Error.Code != bad.code {
			t.Errorf("?%s: %d %s, want 422 %s", bad.query, rec.Code, rec.Body, bad.code)
		}
		if e.snapshot(t) != before {
			t.Errorf("?%s changed rows", bad.query)
		}
	}
}

// TestStaffBadInput is I8 on the staff API: strict bodies, and a clear
// 4xx that changes nothing.
func TestStaffBadInput(t *testing.T) {
	e := newStaffEnv(t)
	qid, _ := e.question(t, "Mitä avohuolto on?")
	_, aid := e.draft(t, "mika")
	qp := fmt.Sprintf("%s/questions/%d", staffAPI, qid)
	ap := fmt.Sprintf("%s/answers/%d", staffAPI, aid)
	cases := []struct {
		name, method, path, ctype, body string
		status                          int
		code                            string
	}{
		{"unknown field", "PATCH", qp, "application/json", `{"text":"x","name":"Jenna"}`, 400, "unknown_field"},
		{"wrong type", "PATCH", qp, "application/json", `{"text":5}`, 400, "invalid_json"},
		{"malformed", "POST", qp + "/reject", "application/json", `{"reason":`, 400, "invalid_json"},
		{"empty body", "POST", qp + "/reject", "application/json", ``, 400, "invalid_json"},
		{"no reason", "POST", qp + "/reject", "application/json", `{}`, 422, "reason_required"},
		{"control character", "POST", qp + "/reject", "application/json", `{"reason":"a\u0000b"}`, 422, "invalid_characters"},
		{"not json", "PUT", ap, "text/plain", `{"body":"x"}`, 415, "unsupported_media_type"},
		{"invalid utf-8", "PUT", ap, "application/json", "{\"body\":\"\xff\"}", 400, "invalid_utf8"},
		{"too long answer", "PUT", ap, "application/json", `{"body":"` + strings.Repeat("a", 5001) + `"}`, 422, "text_too_long"},
		{"too large", "PUT", ap, "application/json", `{"body":"` + strings.Repeat("a", 70<<10) + `"}`, 413, "body_too_large"},
		{"body on submit", "POST", ap + "/submit", "application/json", `{"force":true}`, 400, "unknown_field"},
		{"ids not numbers", "POST", ap + "/link", "application/json", `{"question_ids":["1"]}`, 400, "invalid_json"},
		{"link unknown question", "POST", ap + "/link", "application/json", `{"question_ids":[999999]}`, 404, "not_found"},
		{"bad kind", "POST", qp + "/redact", "application/json", `{"phrase":"avohuolto","kind":"SECRET"}`, 422, "invalid_kind"},
		{"wrong method", "DELETE", qp, "", ``, 405, "method_not_allowed"},
		{"unknown route", "GET", staffAPI + "/nothing", "", ``, 404, "not_found"},
	}
	tok := e.tokens["mika"]
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := e.snapshot(t)
			rec := e.do(t, tc.method, tc.path, tc.ctype, tc.body, "Authorization", "Bearer "+tok)
			if rec.Code != tc.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, tc.status, rec.Body)
			}
			if got := decodeErr(t, rec).Error.Code; got != tc.code {
				t.Fatalf("code %q, want %q", got, tc.code)
			}
			if e.snapshot(t) != before {
				t.Fatal("bad input changed rows")
			}
		})
	}
}

// TestStaffStats: queue depth for every status, urgent waiting, the oldest
// waiting age, and time-to-answer over 7 and 30 days in seconds.
func TestStaffStats(t *testing.T) {
	e := newStaffEnv(t)
	e.clock.Advance(58 * time.Minute) // 10:00 exactly
	q1, _ := e.question(t, "Kuka päättää huostaanotosta?")
	e.storeQuestion(t, "Pelkään mennä kotiin", store.StatusReceived, true)
	e.storeQuestion(t, "Roskaa", store.StatusSpam, false)
	a, err := e.mod.StartAnswer(context.Background(), e.actors["mika"], q1, "Hallinto-oikeus tai sosiaalihuolto.")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.mod.SubmitAnswer(context.Background(), e.actors["mika"], a.ID); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(3 * time.Hour)
	if _, err := e.mod.Approve(context.Background(), e.actors["ritva"], a.ID); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(2 * time.Hour)

	rec := e.call(t, e.bearer("kaisa"), "GET", staffAPI+"/stats", "")
	expect(t, rec, 200, "")
	var st struct {
		QueueDepth           map[string]int64 `json:"queue_depth"`
		UrgentWaiting        int64            `json:"urgent_waiting"`
		OldestWaitingSeconds *int64           `json:"oldest_waiting_seconds"`
		TimeToAnswer         map[string]struct {
			Answered      int    `json:"answered"`
			MedianSeconds *int64 `json:"median_seconds"`
			P90Seconds    *int64 `json:"p90_seconds"`
		} `json:"time_to_answer"`
		Posts map[string]any `json:"posts"`
		At    string         `json:"at"`
	}
	decodeInto(t, rec, &st)
	if len(st.QueueDepth) != 10 || st.QueueDepth["received"] != 1 || st.QueueDepth["spam"] != 1 ||
		st.QueueDepth["approved"] != 1 || st.QueueDepth["published"] != 0 {
		t.Fatalf("queue_depth %v", st.QueueDepth)
	}
	if st.UrgentWaiting != 1 || st.OldestWaitingSeconds == nil || *st.OldestWaitingSeconds != 5*3600 {
		t.Fatalf("urgent %d, oldest %v: %s", st.UrgentWaiting, st.OldestWaitingSeconds, rec.Body)
	}
	for _, w := range []string{"7d", "30d"} {
		tta := st.TimeToAnswer[w]
		if tta.Answered != 1 || tta.MedianSeconds == nil || *tta.MedianSeconds != 3*3600 || *tta.P90Seconds != 3*3600 {
			t.Fatalf("time_to_answer[%s] = %+v: %s", w, tta, rec.Body)
		}
	}
	if st.Posts == nil || len(st.Posts) != 0 || st.At != "2025-03-03T15:00:00Z" {
		t.Fatalf("posts %v, at %q", st.Posts, st.At)
	}

	// With nothing answered, the figures are null rather than zero.
	e.clock.Advance(31 * 24 * time.Hour)
	rec = e.call(t, e.bearer("aatu"), "GET", staffAPI+"/stats", "")
	if !strings.Contains(rec.Body.String(), `"7d":{"answered":0,"median_seconds":null,"p90_seconds":null}`) {
		t.Fatalf("stats with nothing answered: %s", rec.Body)
	}
}

// TestStaffAuditPage: admins page through the whole chain with the
// cursor; each page follows the last.
func TestStaffAuditPage(t *testing.T) {
	e := newStaffEnv(t)
	e.question(t, "Mitä jälkihuolto on?")
	expect(t, e.call(t, e.bearer("mika"), "GET", staffAPI+"/questions", ""), 200, "")
	n, _, err := e.db.VerifyAudit(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	cursor := ""
	for range 100 {
		path := staffAPI + "/audit?limit=4"
		if cursor != "" {
			path += "&cursor=" + cursor
		}
		rec := e.call(t, e.bearer("aatu"), "GET", path, "")
		expect(t, rec, 200, "")
		var page struct {
			Items []struct {
				historyJSON
				TargetType string `json:"target_type"`
				PrevHash   string `json:"prev_hash"`
				Hash       string `json:"hash"`
			} `json:"items"`
			NextCursor *string `json:"next_cursor"`
		}
		decodeInto(t, rec, &page)
		for _, it := range page.Items {
			if len(it.Hash) != 64 || it.Actor == "" || it.Action == "" {
				t.Fatalf("audit item %+v", it)
			}
			ids = append(ids, it.ID)
		}
		if page.NextCursor == nil {
			break
		}
		cursor = *page.NextCursor
	}
	if int64(len(ids)) != n {
		t.Fatalf("paged %d entries, the chain has %d", len(ids), n)
	}
	for i, id := range ids {
		if id != int64(i+1) {
			t.Fatalf("entry %d has id %d", i, id)
		}
	}
}

// TestStaffQueueQueryPlan: both shapes of the queue query (first page, and
// after a cursor) walk questions_queue in order, with no temporary B-tree
// for sorting; after a cursor the scan starts at the cursor.
func TestStaffQueueQueryPlan(t *testing.T) {
	e := newStaffEnv(t)
	for _, q := range queueQueries {
		plan := explain(t, e.raw, q.sql, q.args...)
		if !strings.Contains(plan, "USING INDEX questions_queue (status=? AND urgent=?") || strings.Contains(plan, "TEMP B-TREE") ||
			q.name == "after a cursor" && !strings.Contains(plan, "created_at>?") {
			t.Errorf("plan of %s:\n%s", q.name, plan)
		}
	}
}
