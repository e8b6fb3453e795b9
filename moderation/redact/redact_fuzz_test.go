package redact_test

import (
	"bufio"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"kysy/moderation/redact"
)

// corpusTexts returns the texts of the project's labelled corpus.
func corpusTexts(tb testing.TB) []string {
	tb.Helper()
	f, err := os.Open("testdata/corpus.jsonl")
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var c struct{ Text string }
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			tb.Fatal(err)
		}
		out = append(out, c.Text)
	}
	return out
}

// checkResult asserts the redactor's contract on one input.
func checkResult(t *testing.T, r *redact.Redactor, in string) {
	res := r.Redact(in)
	if utf8.ValidString(in) && !utf8.ValidString(res.Text) {
		t.Fatalf("Redact(%q) made invalid UTF-8: %q", in, res.Text)
	}
	last := 0
	for _, sp := range res.Spans {
		if sp.Start < last || sp.End <= sp.Start || sp.End > len(res.Text) {
			t.Fatalf("Redact(%q): span %+v out of order or out of range (text %q)", in, sp, res.Text)
		}
		if res.Text[sp.Start:sp.End] != "["+string(sp.Kind)+"]" {
			t.Fatalf("Redact(%q): span %+v covers %q, not its placeholder", in, sp, res.Text[sp.Start:sp.End])
		}
		last = sp.End
	}
	again := r.Redact(res.Text)
	if again.Text != res.Text {
		t.Fatalf("redacting the output of %q again changed it:\n first %q\nsecond %q", in, res.Text, again.Text)
	}
}

// FuzzRedact: the redactor never panics, its spans are valid byte ranges
// of its output that cover their placeholders, and redacting its output
// again finds nothing new. Seeds: the corpus and testdata/fuzz/FuzzRedact.
func FuzzRedact(f *testing.F) {
	for _, s := range corpusTexts(f) {
		f.Add(s)
	}
	for _, s := range []string{"", "[NAME]", "@", "0", "040 123 4567 040 123 4567", "Anna-Liisa Virtanen, Kalevan koulu",
		"J\u200benna", "ＡＢＣ－１２３", strings.Repeat("9", 40), "a@b.fi@c.fi", "\xff\xfe", "nimi on", "t. ", "Toivo. Toivo"} {
		f.Add(s)
	}
	r := redact.New(redact.Options{})
	f.Fuzz(func(t *testing.T, in string) {
		checkResult(t, r, in)
	})
}

// BenchmarkRedact measures the redactor on the corpus's realistic
// questions, joined into one text of about 1 MB.
func BenchmarkRedact(b *testing.B) {
	texts := corpusTexts(b)
	var sb strings.Builder
	for sb.Len() < 1<<20 {
		for _, t := range texts {
			sb.WriteString(t)
			sb.WriteString("\n\n")
		}
	}
	in := sb.String()
	r := redact.New(redact.Options{})
	r.Redact(in) // build the lexicons outside the timing
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	b.ResetTimer()
	var allocsBefore, allocsAfter runtimeMem
	allocsBefore.read()
	for b.Loop() {
		r.Redact(in)
	}
	allocsAfter.read()
	kb := float64(len(in)) / 1024 * float64(b.N)
	b.ReportMetric(float64(allocsAfter.mallocs-allocsBefore.mallocs)/kb, "allocs/KB")
}

// BenchmarkRedactQuestion measures one typical question at a time, the
// way intake calls the redactor.
func BenchmarkRedactQuestion(b *testing.B) {
	texts := corpusTexts(b)
	r := redact.New(redact.Options{})
	total := 0
	for _, t := range texts {
		total += len(t)
	}
	b.SetBytes(int64(total))
	b.ReportAllocs()
	var allocsBefore, allocsAfter runtimeMem
	allocsBefore.read()
	for b.Loop() {
		for _, t := range texts {
			r.Redact(t)
		}
	}
	allocsAfter.read()
	kb := float64(total) / 1024 * float64(b.N)
	b.ReportMetric(float64(allocsAfter.mallocs-allocsBefore.mallocs)/kb, "allocs/KB")
}
