package moderation

import (
	"math/bits"
	"testing"
)

func TestSimHashNearDuplicates(t *testing.T) {
	base := "Voiko sosiaalityöntekijä ottaa minut huostaan jos kerron että isä juo paljon?"
	near := []string{
		"voiko sosiaalityontekija ottaa minut huostaan jos kerron etta isa juo paljon",
		"Voiko sosiaalityöntekijä ottaa minut huostaan, jos kerron että isä juo paljon!!",
		"VOIKO SOSIAALITYÖNTEKIJÄ OTTAA MINUT HUOSTAAN JOS KERRON ETTÄ ISÄ JUO PALJON?",
	}
	far := []string{
		"Saako äiti lukea mun viestit ilman lupaa?",
		"Voiko sosiaalityöntekijä tulla kouluun puhumaan minulle ilman että opettaja tietää?",
		"How long does it take to get an answer here?",
	}
	h, ok := simHash(base)
	if !ok {
		t.Fatal("a long question must be comparable")
	}
	for _, s := range near {
		g, _ := simHash(s)
		if d := bits.OnesCount64(g ^ h); d > maxClusterDistance {
			t.Errorf("%q is %d bits away, want ≤ %d", s, d, maxClusterDistance)
		}
	}
	for _, s := range far {
		g, _ := simHash(s)
		if d := bits.OnesCount64(g ^ h); d <= maxClusterDistance {
			t.Errorf("%q is only %d bits away", s, d)
		}
	}
	if _, ok := simHash("apua ihan kamalaa"); ok {
		t.Error("three words are too few to compare")
	}
}

func TestClustererMatchesAndForgets(t *testing.T) {
	c := newClusterer()
	a, _ := simHash("Voiko sossu ottaa minut pois kotoa jos kerron kaiken")
	b := a ^ 0b101 // two bits away
	if got := c.match(a); got != 0 {
		t.Fatalf("empty clusterer matched %d", got)
	}
	c.remember(a, 1, 1)
	if got := c.match(b); got != 1 {
		t.Fatalf("near hash matched %d, want cluster 1", got)
	}
	if got := c.match(a ^ 0b1111); got != 0 {
		t.Fatalf("a hash 4 bits away matched %d", got)
	}
	// After clusterWindow newer questions the first one is forgotten, and
	// the band index does not grow past the window.
	for i := int64(0); i < clusterWindow; i++ {
		c.remember(uint64(i)*0x9E3779B97F4A7C15, 100+i, 100+i)
	}
	if got := c.match(b); got != 0 {
		t.Fatalf("a forgotten question still matched %d", got)
	}
	for i := range c.bands {
		n := 0
		for _, l := range c.bands[i] {
			n += len(l)
		}
		if n != clusterWindow {
			t.Fatalf("band %d indexes %d positions, want %d", i, n, clusterWindow)
		}
	}
}
