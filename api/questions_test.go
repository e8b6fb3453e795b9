package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"kysy/api"
)

var receiptRE = regexp.MustCompile(`^[A-HJ-NP-Z2-9]{4}(-[A-HJ-NP-Z2-9]{4}){4}$`)

func TestSubmitLookupWithdraw(t *testing.T) {
	e := newEnv(t)
	rec := e.do(t, "POST", "/api/v1/questions", "application/json",
		`{"text":"Voiko sossu viedä mut pois kotoa? Soita 040 123 4567","lang":"fi","consent_publish":true}`)
	if rec.Code != http.StatusCreated {
		t.Fatalf("status %d, body %s", rec.Code, rec.Body)
	}
	var created struct {
		Receipt string `json:"receipt"`
		Status  string `json:"status"`
		Urgent  *bool  `json:"urgent"`
		Support []any  `json:"support"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &created); err != nil {
		t.Fatal(err)
	}
	if !receiptRE.MatchString(created.Receipt) || created.Status != "received" || created.Urgent == nil || *created.Urgent || created.Support == nil {
		t.Fatalf("201 body = %s", rec.Body)
	}

	// Look-ups tolerate lower case and missing dashes.
	loose := strings.ToLower(strings.ReplaceAll(created.Receipt, "-", " "))
	rec = e.do(t, "POST", "/api/v1/receipts/lookup", "application/json", fmt.Sprintf(`{"receipt":%q}`, loose))
	if rec.Code != http.StatusOK {
		t.Fatalf("lookup: status %d, body %s", rec.Code, rec.Body)
	}
	if got := rec.Body.String(); !strings.Contains(got, `"status":"received"`) || !strings.Contains(got, `"answer":null`) || !strings.Contains(got, `"post_url":null`) {
		t.Fatalf("lookup body = %s", got)
	}

	rec = e.do(t, "POST", "/api/v1/receipts/withdraw", "application/json", fmt.Sprintf(`{"receipt":%q}`, created.Receipt))
	if rec.Code != http.StatusOK || rec.Body.String() != "{\"status\":\"withdrawn\"}\n" {
		t.Fatalf("withdraw: %d %s", rec.Code, rec.Body)
	}
	rec = e.do(t, "POST", "/api/v1/receipts/lookup", "application/json", fmt.Sprintf(`{"receipt":%q}`, created.Receipt))
	if !strings.Contains(rec.Body.String(), `"status":"withdrawn"`) {
		t.Fatalf("lookup after withdraw = %s", rec.Body)
	}
	n, _ := e.db.CountQuestions(t.Context(), "withdrawn")
	if n != 1 {
		t.Fatalf("withdrawn questions = %d, want 1", n)
	}
}

func TestLookupUnknownReceipt(t *testing.T) {
	e := newEnv(t)
	submit(t, e, "Mitä avohuolto tarkoittaa?")
	for _, code := range []string{"ABCD-EFGH-JKLM-NPQR-STUV", "short", "ABCD-EFGH-JKLM-NPQR-STUV-WXYZ", "ÄÄÄÄ-EFGH-JKLM-NPQR-STUV"} {
		rec := e.do(t, "POST", "/api/v1/receipts/lookup", "application/json", fmt.Sprintf(`{"receipt":%q}`, code))
		if rec.Code != http.StatusNotFound || decodeErr(t, rec).Error.Code != "receipt_not_found" {
			t.Errorf("lookup %q: %d %s, want 404 receipt_not_found", code, rec.Code, rec.Body)
		}
		rec = e.do(t, "POST", "/api/v1/receipts/withdraw", "application/json", fmt.Sprintf(`{"receipt":%q}`, code))
		if rec.Code != http.StatusNotFound {
			t.Errorf("withdraw %q: %d, want 404", code, rec.Code)
		}
	}
	if n, _ := e.db.CountQuestions(t.Context(), "withdrawn"); n != 0 {
		t.Fatalf("a bad receipt withdrew %d questions", n)
	}
}

// TestBadInput is I8: each bad input gets its status and error code, never
// a 500, and writes nothing.
func TestBadInput(t *testing.T) {
	long := strings.Repeat("a", 2001)
	huge := `{"text":"` + strings.Repeat("a", 70<<10) + `"}`
	cases := []struct {
		name, path, ctype, body string
		status                  int
		code                    string
	}{
		{"malformed json", "/api/v1/questions", "application/json", `{"text": "hei"`, 400, "invalid_json"},
		{"not json at all", "/api/v1/questions", "application/json", `text=hei`, 400, "invalid_json"},
		{"trailing garbage", "/api/v1/questions", "application/json", `{"text":"hei"} {"text":"x"}`, 400, "invalid_json"},
		{"array body", "/api/v1/questions", "application/json", `[{"text":"hei"}]`, 400, "invalid_json"},
		{"text is a number", "/api/v1/questions", "application/json", `{"text": 42}`, 400, "invalid_json"},
		{"consent is a string", "/api/v1/questions", "application/json", `{"text":"hei","consent_publish":"yes"}`, 400, "invalid_json"},
		{"unknown field", "/api/v1/questions", "application/json", `{"text":"hei","name":"Jenna"}`, 400, "unknown_field"},
		{"invalid utf-8", "/api/v1/questions", "application/json", "{\"text\":\"hei \xff\xfe\"}", 400, "invalid_utf8"},
		{"escaped NUL", "/api/v1/questions", "application/json", `{"text":"hei\u0000sossu"}`, 422, "invalid_characters"},
		{"escape character", "/api/v1/questions", "application/json", `{"text":"hei \u001b[31m sossu"}`, 422, "invalid_characters"},
		{"C1 control", "/api/v1/questions", "application/json", `{"text":"hei \u0085 sossu"}`, 422, "invalid_characters"},
		{"raw NUL byte", "/api/v1/questions", "application/json", "{\"text\":\"hei\x00\"}", 400, "invalid_json"},
		{"empty body", "/api/v1/questions", "application/json", ``, 400, "invalid_json"},
		{"empty object", "/api/v1/questions", "application/json", `{}`, 422, "text_required"},
		{"null text", "/api/v1/questions", "application/json", `{"text":null}`, 422, "text_required"},
		{"blank text", "/api/v1/questions", "application/json", `{"text":"  \n\t "}`, 422, "text_required"},
		{"too long", "/api/v1/questions", "application/json", `{"text":"` + long + `"}`, 422, "text_too_long"},
		{"too large", "/api/v1/questions", "application/json", huge, 413, "body_too_large"},
		{"bad lang", "/api/v1/questions", "application/json", `{"text":"hei","lang":"de"}`, 422, "invalid_lang"},
		{"text/plain", "/api/v1/questions", "text/plain", `{"text":"hei"}`, 415, "unsupported_media_type"},
		{"form encoded", "/api/v1/questions", "application/x-www-form-urlencoded", `text=hei`, 415, "unsupported_media_type"},
		{"no content type", "/api/v1/questions", "", `{"text":"hei"}`, 415, "unsupported_media_type"},
		{"lookup unknown field", "/api/v1/receipts/lookup", "application/json", `{"receipt":"x","id":1}`, 400, "unknown_field"},
		{"lookup without receipt", "/api/v1/receipts/lookup", "application/json", `{}`, 422, "receipt_required"},
		{"withdraw wrong type", "/api/v1/receipts/withdraw", "application/json", `{"receipt":["x"]}`, 400, "invalid_json"},
		{"withdraw too large", "/api/v1/receipts/withdraw", "application/json", `{"receipt":"` + strings.Repeat("A", 70<<10) + `"}`, 413, "body_too_large"},
		{"get on post route", "/api/v1/questions", "", ``, 405, "method_not_allowed"},
		{"unknown api route", "/api/v1/nothing", "application/json", `{}`, 404, "not_found"},
	}
	e := newEnv(t)
	receipt := submit(t, e, "Onko minun pakko tavata isää?")
	before := e.count(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			method := "POST"
			if tc.name == "get on post route" {
				method = "GET"
			}
			rec := e.do(t, method, tc.path, tc.ctype, tc.body)
			if rec.Code != tc.status {
				t.Fatalf("body %.80q: status %d, want %d (%s)", tc.body, rec.Code, tc.status, rec.Body)
			}
			if got := decodeErr(t, rec).Error.Code; got != tc.code {
				t.Fatalf("body %.80q: code %q, want %q", tc.body, got, tc.code)
			}
			if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Fatalf("error content type %q", ct)
			}
		})
	}
	if after := e.count(t); after != before {
		t.Fatalf("bad input wrote: %d questions before, %d after", before, after)
	}
	rec := e.do(t, "POST", "/api/v1/receipts/lookup", "application/json", fmt.Sprintf(`{"receipt":%q}`, receipt))
	if !strings.Contains(rec.Body.String(), `"received"`) {
		t.Fatalf("the good question changed: %s", rec.Body)
	}
}

func TestFormEscapesHTML(t *testing.T) {
	e := newEnv(t)
	text := "<script>alert(1)</script>" + strings.Repeat("x", 2000)
	rec := e.do(t, "POST", "/questions", "application/x-www-form-urlencoded", "lang=en&question="+url.QueryEscape(text))
	if rec.Code != http.StatusUnprocessableEntity {
		t.Fatalf("status %d", rec.Code)
	}
	body := rec.Body.String()
	if strings.Contains(body, "<script>alert") || !strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Fatalf("the re-rendered form does not escape the text")
	}
	if !strings.Contains(body, "too long") {
		t.Fatalf("the form does not say the question is too long")
	}
}

func TestInboxClosed(t *testing.T) {
	e := newEnv(t, func(c *api.Config) { c.Inbox.Open = false })
	rec := e.do(t, "POST", "/api/v1/questions", "application/json", `{"text":"hei"}`)
	if rec.Code != http.StatusServiceUnavailable || decodeErr(t, rec).Error.Code != "inbox_closed" {
		t.Fatalf("closed inbox: %d %s", rec.Code, rec.Body)
	}
	if e.count(t) != 0 {
		t.Fatal("closed inbox stored a question")
	}
	page := e.do(t, "GET", "/?lang=en", "", "")
	if page.Code != 200 || !strings.Contains(page.Body.String(), "not taking new questions") || strings.Contains(page.Body.String(), `action="/questions"`) {
		t.Fatalf("closed form page: %d", page.Code)
	}
	if !strings.Contains(page.Body.String(), "as soon as we can. Our service hours: ma–pe 9–16") ||
		!strings.Contains(page.Body.String(), "116 111") {
		t.Fatal("the closed page must say when we open (unknown: the service hours) and where to get help")
	}
	e = newEnv(t, func(c *api.Config) {
		c.Inbox.Open = false
		c.Inbox.Reopens = "ma 24.11. klo 9"
		c.Inbox.ReopensByLang = map[string]string{"en": "Mon 24 Nov at 9"}
	})
	for lang, want := range map[string]string{"en": "We take questions again: Mon 24 Nov at 9.", "fi": "Otamme taas kysymyksiä vastaan: ma 24.11. klo 9.",
		"sv": "Vi tar emot frågor igen: ma 24.11. klo 9."} {
		if body := e.do(t, "GET", "/?lang="+lang, "", "").Body.String(); !strings.Contains(body, want) {
			t.Errorf("%s: the closed page lacks %q", lang, want)
		}
	}
}
