package triage_test

import (
	"strings"
	"testing"

	"kysy/moderation/triage"
)

// benchTexts are typical questions: short and long, calm, urgent and spam.
var benchTexts = []string{
	"voiko sossu ottaa mut pois kotoa jos kerron et vanhemmat riitelee paljon?",
	"mun isäpuoli hakkas mut taas eilen illalla enkä uskalla mennä kotiin koulun jälkeen",
	"kun olin pieni isä löi mua, mut nyt se on muuttunu ja kaikki on hyvin. voiko siitä silti puhua jollekin?",
	"VOITA 500€ LAHJAKORTTI!! Osallistu tästä: www.voittoarvonta.xyz",
	"jag vill inte leva längre, har tänkt på det varje dag",
	"what happens if someone reports my family to child protection?",
}

// BenchmarkClassify measures one question at a time; SetBytes makes the
// MB/s figure comparable across text lengths.
func BenchmarkClassify(b *testing.B) {
	c, err := triage.New()
	if err != nil {
		b.Fatal(err)
	}
	total := 0
	for _, t := range benchTexts {
		total += len(t)
	}
	b.SetBytes(int64(total / len(benchTexts)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c.Classify(benchTexts[i%len(benchTexts)])
	}
}

// BenchmarkClassifyLong is a question at the intake limit (2000 characters).
func BenchmarkClassifyLong(b *testing.B) {
	c, err := triage.New()
	if err != nil {
		b.Fatal(err)
	}
	long := strings.Repeat(benchTexts[2]+" ", 20)[:2000]
	b.SetBytes(int64(len(long)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c.Classify(long)
	}
}
