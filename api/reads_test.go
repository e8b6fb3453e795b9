package api_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
)

// The receipt page tells the young person how often staff in each role
// read the question, and never who (SPEC I5).
func TestReceiptPageShowsStaffReads(t *testing.T) {
	e := newStaffEnv(t)
	id, receipt := e.question(t, "Saako isä lukea mun viestit?")
	form := url.Values{"receipt": {receipt}, "lang": {"en"}}.Encode()
	page := func() string {
		rec := e.do(t, "POST", "/answer", "application/x-www-form-urlencoded", form)
		if rec.Code != 200 {
			t.Fatalf("receipt page: %d", rec.Code)
		}
		return rec.Body.String()
	}
	if body := page(); !strings.Contains(body, "No one has read your question yet.") {
		t.Fatal("a fresh question must say no one has read it")
	}
	ctx := context.Background()
	for _, name := range []string{"mika", "ritva", "mika"} {
		if _, err := e.mod.Question(ctx, e.actors[name], id); err != nil {
			t.Fatal(err)
		}
	}
	body := page()
	for _, want := range []string{"Staff have opened your question 3 times", "<li>social worker: 2</li>", "<li>professional who checks the answer: 1</li>"} {
		if !strings.Contains(body, want) {
			t.Errorf("the receipt page lacks %q", want)
		}
	}
	for _, name := range []string{"mika", "ritva"} {
		if strings.Contains(body, name) {
			t.Errorf("the receipt page names %s", name)
		}
	}
}
