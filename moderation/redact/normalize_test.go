package redact

import "testing"

func TestNormalize(t *testing.T) {
	cases := []struct{ in, want string }{
		{"Jenna soittaa", "Jenna soittaa"},
		{"Jen\u200bna", "Jenna"},
		{"J\u00adenna\ufeff", "Jenna"},
		{"０４０ １２３ ４５６７", "040 123 4567"},
		{"٠٤٠١٢٣٤٥٦٧", "0401234567"},
		{"Аnnа", "Anna"},   // Cyrillic A and a
		{"Μikko", "Mikko"}, // Greek capital mu
		{"040\u2013123\u00a04567", "040-123 4567"},
		{"äiti ja isä ö å", "äiti ja isä ö å"},
	}
	for _, tc := range cases {
		n := normalize(tc.in)
		if n.text != tc.want {
			t.Errorf("normalize(%q) = %q, want %q", tc.in, n.text, tc.want)
		}
		if n.orig != nil {
			if len(n.orig) != len(n.text)+1 || int(n.orig[len(n.text)]) != len(tc.in) {
				t.Errorf("normalize(%q): mapping has %d entries for %d bytes", tc.in, len(n.orig), len(n.text))
			}
			a, b := n.span(0, len(n.text))
			if a != 0 || b != len(tc.in) {
				t.Errorf("normalize(%q): whole span maps to [%d,%d)", tc.in, a, b)
			}
		}
	}
}

func TestNormalizeSpanCoversEvasion(t *testing.T) {
	in := "soita ０４０ １２３\u200b ４５６７ heti"
	n := normalize(in)
	r := New(Options{})
	ms := r.detectPhones(n.text, nil)
	if len(ms) != 1 {
		t.Fatalf("phones in %q: %v", n.text, ms)
	}
	a, b := n.span(ms[0].start, ms[0].end)
	if got := in[a:b]; got != "０４０ １２３\u200b ４５６７" {
		t.Fatalf("span maps to %q", got)
	}
}
