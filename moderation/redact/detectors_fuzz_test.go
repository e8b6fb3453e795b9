package redact

import (
	"testing"
	"unicode/utf8"
)

// FuzzDetectors runs every detector of structured.go, address.go, school.go
// and date.go on arbitrary input and checks that no detector panics and
// that every match lies inside the input, is non-empty, and (for valid
// UTF-8 input) starts and ends on rune boundaries.
func FuzzDetectors(f *testing.F) {
	seeds := []string{
		"", "a", "@", "@@", ":", "::", ".", "..", "1.2.3.4", "fe80::1", "FI37 5260 1815 9083 01",
		"4650 7529 1703 4234", "ABC-123", "ÅLA-204", "https://x.fi/ä", "www.ä.fi", "bit.ly/ö",
		"snap: jenna_2010", "@jenna", "jenna at gmail dot com", "jenna(at)gmail(dot)com",
		"nolla neljä nolla yks kaks kolme neljä viis", "044 streck 998 12 34", "Linnankatu 30 C 12:ssa",
		"asun Mannerheimintiellä", "00100 Helsinki", "123 45 Stad", "Kallion lukiossa", "Lastenkoti Koivulassa",
		"vastaanottokoti ankkuriin", "synt. 9.1.2014", "March 12, 2010", "12. maaliskuuta", "\xff\xfe@\xc3",
		"a\xc3", "\xe2\x80", "ä.fi", "Ä-12", "12 ÅÄÖ", "+358 viiva 40", "ä@ä.ä", "tie 1 A 1", "ig:ssä x.y",
		"s. 1.1.", "2010-01-01", "1.1.2010.", "::ffff:1.2.3.4", "\u2013\u2014", "plus plus 0 0 0 0 0 0 0",
	}
	for _, s := range seeds {
		f.Add(s)
	}
	f.Add(benchText()[:600])
	f.Fuzz(func(t *testing.T, s string) {
		valid := utf8.ValidString(s)
		for _, d := range allNewDetectors {
			ms := d.d(s, nil)
			for _, m := range ms {
				if m.start < 0 || m.end > len(s) || m.start >= m.end {
					t.Fatalf("%s(%q): bad span %d..%d", d.name, s, m.start, m.end)
				}
				if valid {
					if !utf8.RuneStart(s[m.start]) || (m.end < len(s) && !utf8.RuneStart(s[m.end])) {
						t.Fatalf("%s(%q): span %d..%d splits a rune", d.name, s, m.start, m.end)
					}
				}
				if m.kind == "" {
					t.Fatalf("%s(%q): empty kind", d.name, s)
				}
			}
		}
	})
}
