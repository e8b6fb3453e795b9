package moderation_test

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"kysy/moderation"
	"kysy/store"
)

// staff adds an account with roles and returns its actor.
func staff(t *testing.T, svc *moderation.Service, name string, roles ...moderation.Role) *moderation.Actor {
	t.Helper()
	u, err := svc.AddUser(context.Background(), moderation.CLIActor, name, "correct horse battery", roles)
	if err != nil {
		t.Fatal(err)
	}
	return &moderation.Actor{UserID: u.ID, Name: u.Name, Roles: roles}
}

func submit(t *testing.T, svc *moderation.Service, text string) *moderation.Submission {
	t.Helper()
	sub, err := svc.Submit(context.Background(), moderation.SubmitInput{Text: text, Lang: "fi"})
	if err != nil {
		t.Fatal(err)
	}
	return sub
}

// wantCode fails unless err is a moderation error with code.
func wantCode(t *testing.T, err error, code string) *moderation.Error {
	t.Helper()
	var me *moderation.Error
	if !errors.As(err, &me) || me.Code != code {
		t.Fatalf("error %v, want %s", err, code)
	}
	return me
}

func questionStatus(t *testing.T, db *store.DB, id int64) store.Status {
	t.Helper()
	q, err := db.QuestionByID(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return q.Status
}

func TestLifecycleWithFourEyes(t *testing.T) {
	svc, db := newService(t)
	ctx := context.Background()
	// The author holds every role: four eyes still stop them.
	anna := staff(t, svc, "anna", moderation.Roles...)
	ben := staff(t, svc, "ben", moderation.RoleReviewer)
	sub := submit(t, svc, "Voiko sossu ottaa huostaan?")
	dup := submit(t, svc, "Voiko sossu viedä minut pois?")

	a, err := svc.StartAnswer(ctx, anna, sub.ID, "Ei voi noin vain.")
	if err != nil || a.Status != store.AnswerDraft {
		t.Fatalf("start: %+v %v", a, err)
	}
	if st := questionStatus(t, db, sub.ID); st != store.StatusAnswering {
		t.Fatalf("question %s, want answering", st)
	}
	_, err = svc.StartAnswer(ctx, anna, sub.ID, "Toinen")
	me := wantCode(t, err, "invalid_transition")
	if !strings.Contains(me.Message, "answering") {
		t.Fatalf("message %q does not name the current status", me.Message)
	}
	if _, err := svc.Link(ctx, anna, a.ID, []int64{dup.ID}); err != nil {
		t.Fatal(err)
	}
	_, err = svc.Approve(ctx, ben, a.ID)
	wantCode(t, err, "invalid_transition") // a draft is not in review
	_, err = svc.EditAnswer(ctx, ben, a.ID, "Muutettu")
	wantCode(t, err, "forbidden") // ben is no moderator
	if _, err := svc.SubmitAnswer(ctx, anna, a.ID); err != nil {
		t.Fatal(err)
	}
	_, err = svc.SubmitAnswer(ctx, anna, a.ID)
	wantCode(t, err, "invalid_transition")
	_, err = svc.Approve(ctx, anna, a.ID)
	wantCode(t, err, "four_eyes")
	_, err = svc.RequestChanges(ctx, anna, a.ID, "Itse")
	wantCode(t, err, "four_eyes")
	_, err = svc.RequestChanges(ctx, ben, a.ID, "  ")
	wantCode(t, err, "comment_required")
	if _, err := svc.RequestChanges(ctx, ben, a.ID, "Lisää neuvontapuhelin."); err != nil {
		t.Fatal(err)
	}
	for _, id := range []int64{sub.ID, dup.ID} {
		if st := questionStatus(t, db, id); st != store.StatusChanges {
			t.Fatalf("question %d %s, want changes", id, st)
		}
	}
	if _, err := svc.EditAnswer(ctx, anna, a.ID, "Ei voi noin vain. Soita 116 111."); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.SubmitAnswer(ctx, anna, a.ID); err != nil {
		t.Fatal(err)
	}
	// Before approval the receipt shows no answer.
	st, err := svc.Lookup(ctx, sub.Receipt)
	if err != nil || st.Answer != nil || st.Status != store.StatusInReview {
		t.Fatalf("lookup before approval: %+v %v", st, err)
	}
	got, err := svc.Approve(ctx, ben, a.ID)
	if err != nil || got.Status != store.AnswerApproved || got.ApprovedAt == nil || *got.ReviewerID != ben.UserID {
		t.Fatalf("approve: %+v %v", got, err)
	}
	for _, r := range []string{sub.Receipt, dup.Receipt} {
		st, err := svc.Lookup(ctx, r)
		if err != nil || st.Status != store.StatusApproved || st.Answer == nil || *st.Answer != "Ei voi noin vain. Soita 116 111." {
			t.Fatalf("lookup after approval: %+v %v", st, err)
		}
	}
	third := submit(t, svc, "Entä jos en halua?")
	_, err = svc.Link(ctx, anna, a.ID, []int64{third.ID})
	wantCode(t, err, "invalid_transition")
	_, err = svc.EditAnswer(ctx, anna, a.ID, "Myöhäinen muutos")
	wantCode(t, err, "invalid_transition")
	_, err = svc.Reject(ctx, anna, sub.ID, "Ei kuulu meille")
	wantCode(t, err, "invalid_transition")

	if n, brk, err := db.VerifyAudit(ctx); err != nil || brk != nil || n < 10 {
		t.Fatalf("audit after lifecycle: %d %v %v", n, brk, err)
	}
}

func TestRejectRestoreAndEdit(t *testing.T) {
	svc, db := newService(t)
	ctx := context.Background()
	mod := staff(t, svc, "mira", moderation.RoleModerator)
	comms := staff(t, svc, "kim", moderation.RoleComms)
	sub := submit(t, svc, "Osta halpoja kelloja")

	_, err := svc.Reject(ctx, comms, sub.ID, "mainos")
	wantCode(t, err, "forbidden")
	_, err = svc.Reject(ctx, mod, sub.ID, "")
	wantCode(t, err, "reason_required")
	_, err = svc.Reject(ctx, mod, sub.ID, "ok\x00")
	wantCode(t, err, "invalid_characters")
	_, err = svc.Reject(ctx, mod, 999, "mainos")
	wantCode(t, err, "not_found")
	if st := questionStatus(t, db, sub.ID); st != store.StatusReceived {
		t.Fatalf("refused rejections changed the status to %s", st)
	}
	if _, err := svc.Reject(ctx, mod, sub.ID, "Mainos, ei kysymys."); err != nil {
		t.Fatal(err)
	}
	st, err := svc.Lookup(ctx, sub.Receipt)
	if err != nil || st.Status != store.StatusRejected || st.RejectReason != "Mainos, ei kysymys." {
		t.Fatalf("lookup: %+v %v", st, err)
	}
	_, err = svc.Restore(ctx, mod, sub.ID)
	wantCode(t, err, "invalid_transition")

	other := submit(t, svc, "Mitä tapahtuu jos kerron?")
	q, err := svc.EditQuestion(ctx, mod, other.ID, "Mitä tapahtuu jos kerron? Soita 040 123 4567")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(q.Text, "Soita [PHONE]") || !strings.Contains(q.Redactions, "PHONE") {
		t.Fatalf("edited text is redacted again: %q %s", q.Text, q.Redactions)
	}
	q, err = svc.RedactMore(ctx, mod, other.ID, "kerron", "NAME")
	if err != nil || !strings.Contains(q.Text, "jos [NAME]?") || strings.Count(q.Redactions, "kind") != 2 {
		t.Fatalf("redact more: %q %s %v", q.Text, q.Redactions, err)
	}
	_, err = svc.RedactMore(ctx, mod, other.ID, "ei tekstissä", "NAME")
	wantCode(t, err, "phrase_not_found")
	_, err = svc.RedactMore(ctx, mod, other.ID, "Soita", "SHOE")
	wantCode(t, err, "invalid_kind")
}

// Every read a moderator makes is counted for the receipt holder, by role
// and without names.
func TestReceiptTellsWhoRead(t *testing.T) {
	svc, _ := newService(t)
	ctx := context.Background()
	mod := staff(t, svc, "mira", moderation.RoleModerator)
	rev := staff(t, svc, "ben", moderation.RoleReviewer)
	sub := submit(t, svc, "Saako äiti lukea viestini?")
	if _, err := svc.Queue(ctx, mod, store.StatusReceived, 50, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Question(ctx, mod, sub.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Question(ctx, rev, sub.ID); err != nil {
		t.Fatal(err)
	}
	st, err := svc.Lookup(ctx, sub.Receipt)
	if err != nil {
		t.Fatal(err)
	}
	want := []store.ReadCount{{Role: "moderator", Count: 2}, {Role: "reviewer", Count: 1}}
	if len(st.Reads) != 2 || st.Reads[0] != want[0] || st.Reads[1] != want[1] {
		t.Fatalf("reads %+v, want %+v", st.Reads, want)
	}
	_, err = svc.Question(ctx, &moderation.Actor{UserID: 99, Name: "x", Roles: []moderation.Role{moderation.RoleComms}}, sub.ID)
	wantCode(t, err, "forbidden")
}

func TestQueueOrderAndCursor(t *testing.T) {
	svc, _ := newService(t)
	ctx := context.Background()
	mod := staff(t, svc, "mira", moderation.RoleModerator)
	var ids []int64
	for i := 0; i < 7; i++ {
		ids = append(ids, submit(t, svc, "Kysymys numero "+strings.Repeat("x", i+1)).ID)
	}
	var seen []int64
	cursor := ""
	for page := 0; page < 5; page++ {
		p, err := svc.Queue(ctx, mod, store.StatusReceived, 3, cursor)
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range p.Items {
			seen = append(seen, q.ID)
		}
		if p.NextCursor == "" {
			break
		}
		cursor = p.NextCursor
	}
	if len(seen) != len(ids) {
		t.Fatalf("pages gave %v, want %v", seen, ids)
	}
	for i := range ids {
		if seen[i] != ids[i] {
			t.Fatalf("order %v, want %v (same hour: by id)", seen, ids)
		}
	}
	_, err := svc.Queue(ctx, mod, store.StatusReceived, 3, "not-a-cursor")
	wantCode(t, err, "invalid_cursor")
	_, err = svc.Queue(ctx, mod, store.StatusReceived, 0, "")
	wantCode(t, err, "invalid_limit")
}

// Two reviewers racing to review one answer: exactly one wins.
func TestConcurrentReviewOneWins(t *testing.T) {
	svc, db := newService(t)
	ctx := context.Background()
	anna := staff(t, svc, "anna", moderation.RoleModerator)
	revs := []*moderation.Actor{staff(t, svc, "ben", moderation.RoleReviewer), staff(t, svc, "cai", moderation.RoleReviewer)}
	sub := submit(t, svc, "Kysymys")
	a, err := svc.StartAnswer(ctx, anna, sub.ID, "Vastaus")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.SubmitAnswer(ctx, anna, a.ID); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	results := make([]error, 8)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if i%2 == 0 {
				_, results[i] = svc.Approve(ctx, revs[i%2], a.ID)
			} else {
				_, results[i] = svc.RequestChanges(ctx, revs[i%2], a.ID, "muuta")
			}
		}()
	}
	wg.Wait()
	ok := 0
	for _, err := range results {
		if err == nil {
			ok++
		} else {
			wantCode(t, err, "invalid_transition")
		}
	}
	if ok != 1 {
		t.Fatalf("%d reviews succeeded, want exactly 1: %v", ok, results)
	}
	if n, brk, err := db.VerifyAudit(ctx); err != nil || brk != nil || n == 0 {
		t.Fatalf("audit: %d %v %v", n, brk, err)
	}
}

func TestLoginLockoutAndSessions(t *testing.T) {
	svc, _ := newService(t)
	ctx := context.Background()
	staff(t, svc, "anna", moderation.RoleModerator)
	_, err := svc.Login(ctx, "nobody", "correct horse battery", "")
	wantCode(t, err, "bad_login")
	res, err := svc.Login(ctx, "anna", "correct horse battery", "")
	if err != nil {
		t.Fatal(err)
	}
	res2, err := svc.Login(ctx, "anna", "correct horse battery", "")
	if err != nil || res2.Cookie == res.Cookie || res2.CSRF == res.CSRF {
		t.Fatalf("each login must give a new session: %v", err)
	}
	actor, csrf, err := svc.Session(ctx, res.Cookie)
	if err != nil || actor.Name != "anna" || csrf != res.CSRF {
		t.Fatalf("session: %+v %q %v", actor, csrf, err)
	}
	for i := 0; i < 5; i++ { // lockout_after is 5 in newService
		_, err = svc.Login(ctx, "anna", "wrong password!!", "")
		wantCode(t, err, "bad_login")
	}
	_, err = svc.Login(ctx, "anna", "correct horse battery", "")
	wantCode(t, err, "account_locked")
	if err := svc.Logout(ctx, res.Cookie); err != nil {
		t.Fatal(err)
	}
	_, _, err = svc.Session(ctx, res.Cookie)
	wantCode(t, err, "unauthenticated")
	if err := svc.DisableUser(ctx, moderation.CLIActor, "anna"); err != nil {
		t.Fatal(err)
	}
	_, _, err = svc.Session(ctx, res2.Cookie)
	wantCode(t, err, "unauthenticated")
}

func TestAccountRules(t *testing.T) {
	svc, _ := newService(t)
	ctx := context.Background()
	_, err := svc.AddUser(ctx, moderation.CLIActor, "anna", "short", []moderation.Role{moderation.RoleModerator})
	wantCode(t, err, "weak_password")
	_, err = svc.AddUser(ctx, moderation.CLIActor, "a b", "correct horse battery", []moderation.Role{moderation.RoleModerator})
	wantCode(t, err, "invalid_name")
	_, err = moderation.ParseRoles("moderator,boss")
	wantCode(t, err, "invalid_role")
	staff(t, svc, "anna", moderation.RoleModerator)
	_, err = svc.AddUser(ctx, moderation.CLIActor, "anna", "correct horse battery", []moderation.Role{moderation.RoleModerator})
	wantCode(t, err, "name_taken")
	_, err = svc.AddUser(ctx, &moderation.Actor{Name: "m", Roles: []moderation.Role{moderation.RoleModerator}}, "eve", "correct horse battery", []moderation.Role{moderation.RoleAdmin})
	wantCode(t, err, "forbidden")
	tok, err := svc.CreateToken(ctx, moderation.CLIActor, "anna", 0)
	if err != nil {
		t.Fatal(err)
	}
	if a, err := svc.AuthenticateToken(ctx, tok); err != nil || a.Name != "anna" {
		t.Fatalf("token: %+v %v", a, err)
	}
	_, err = svc.AuthenticateToken(ctx, tok+"x")
	wantCode(t, err, "unauthenticated")
}

func TestTOTPLogin(t *testing.T) {
	svc, _ := newService(t)
	ctx := context.Background()
	staff(t, svc, "anna", moderation.RoleModerator)
	raw, err := svc.EnableTOTP(ctx, moderation.CLIActor, "anna")
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	secret := u.Query().Get("secret")
	_, err = svc.Login(ctx, "anna", "correct horse battery", "")
	wantCode(t, err, "bad_login")
	_, err = svc.Login(ctx, "anna", "correct horse battery", "000000")
	if code, _ := totp.GenerateCode(secret, time.Now()); code != "000000" {
		wantCode(t, err, "bad_login")
	}
	code, err := totp.GenerateCode(secret, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Login(ctx, "anna", "correct horse battery", code); err != nil {
		t.Fatal(err)
	}
}

// Near-duplicates are grouped at intake and offered on the question.
func TestNearDuplicatesShareACluster(t *testing.T) {
	svc, db := newService(t)
	ctx := context.Background()
	mod := staff(t, svc, "mira", moderation.RoleModerator)
	first := submit(t, svc, "Voiko sossu viedä minut pois kotoa?")
	second := submit(t, svc, "voiko sossu viedä minut pois kotoa")
	other := submit(t, svc, "Saako äiti lukea kaikki mun viestit?")
	q2, err := db.QuestionByID(ctx, second.ID)
	if err != nil || q2.ClusterID == nil || *q2.ClusterID != first.ID {
		t.Fatalf("second question's cluster %v, want %d (%v)", q2.ClusterID, first.ID, err)
	}
	q3, _ := db.QuestionByID(ctx, other.ID)
	if q3.ClusterID != nil {
		t.Fatalf("an unrelated question joined cluster %d", *q3.ClusterID)
	}
	d, err := svc.Question(ctx, mod, first.ID)
	if err != nil || len(d.Similar) != 1 || d.Similar[0].ID != second.ID {
		t.Fatalf("similar to the first: %+v %v", d.Similar, err)
	}
	d, err = svc.Question(ctx, mod, second.ID)
	if err != nil || len(d.Similar) != 1 || d.Similar[0].ID != first.ID {
		t.Fatalf("similar to the second: %+v %v", d.Similar, err)
	}
}

// The form's expected wait follows the real answers once there are
// enough of them, and is cached.
func TestExpectedAnswerDays(t *testing.T) {
	svc, _ := newService(t)
	ctx := context.Background()
	if got := svc.ExpectedAnswerDays(ctx, 7); got != 7 {
		t.Fatalf("with no answers: %d, want the configured 7", got)
	}
	anna := staff(t, svc, "anna", moderation.RoleModerator)
	ben := staff(t, svc, "ben", moderation.RoleReviewer)
	arrived := svc.Now
	for i := 0; i < 5; i++ {
		svc.Now = arrived
		sub := submit(t, svc, "Kysymys numero "+strings.Repeat("i", i+1))
		svc.Now = func() time.Time { return arrived().Add(time.Duration(30+i) * time.Hour) }
		a, err := svc.StartAnswer(ctx, anna, sub.ID, "Vastaus")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.SubmitAnswer(ctx, anna, a.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Approve(ctx, ben, a.ID); err != nil {
			t.Fatal(err)
		}
	}
	// Still cached from the first call (same clock minute)...
	svc.Now = arrived
	if got := svc.ExpectedAnswerDays(ctx, 7); got != 7 {
		t.Fatalf("within the cache: %d, want 7", got)
	}
	// ...then the p90 of 30–34 h (arrival to the hour) rounds up to 2 days.
	svc.Now = func() time.Time { return arrived().Add(35 * time.Hour) }
	if got := svc.ExpectedAnswerDays(ctx, 7); got != 2 {
		t.Fatalf("from the answers: %d, want 2", got)
	}
}
