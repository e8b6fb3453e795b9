package redact

import (
	"math/rand"
	"slices"
	"testing"
)

func TestDetectSchools(t *testing.T) {
	runDetCases(t, detectSchools, KindSchool, []detCase{
		{"Mä käyn Kalevan koulua", []string{"Kalevan"}},
		{"Syksyllä aloitan Kallion lukiossa", []string{"Kallion"}},
		{"Lastenkoti Koivulassa on hyvä ruoka", []string{"Koivulassa"}},
		{"asun nyt lastenkoti Pihlaja:ssa", []string{"Pihlaja"}},
		{"veli on nuorisokoti Tähkä nimisessä paikassa", []string{"Tähkä"}},
		{"olin Vaskiluodon koulukodissa vuoden", []string{"Vaskiluodon"}},
		{"hon går på Sibbo gymnasium", []string{"Sibbo"}},
		{"Jag gick i Brändö gymnasium förut", []string{"Brändö"}},
		{"I study at Oak Hill School in Espoo", []string{"Oak Hill"}},
		{"ennen olin Kalevankoulussa", []string{"Kalevankoulussa"}},
		{"Kallionlukio on iso", []string{"Kallionlukio"}},
		{"pikkuveli on Aurinkorinteen päiväkodissa", []string{"Aurinkorinteen"}},
		{"Vi går i Lyceiskolan i stan", []string{"Lyceiskolan"}},
		{"placerad på barnhemmet Lärkan sedan maj", []string{"Lärkan"}},
		{"hon är på daghemmet Solrosen", []string{"Solrosen"}},
		{"mut viedään vastaanottokoti majakkaan huomenna", []string{"majakkaan"}},
		{"opiskelen Keudan ammattiopistossa", []string{"Keudan"}},
		{"opiskelin ammattiopisto Luovissa", []string{"Luovissa"}},
		{"my friend is at Kannelmäki school", []string{"Kannelmäki"}},
		{"A teacher at Vanaja reform school hit me", []string{"Vanaja"}},
		{"he goes to Espoo International School", []string{"Espoo International"}},
		{"Nuorisokoti Majakassa on tiukkaa. Majakasta ei pääse pois", []string{"Majakassa", "Majakasta"}},
		{"Pihlajamäen ala-asteella kiusattiin", []string{"Pihlajamäen"}},
		{"Auroran sairaalassa on osasto", []string{"Auroran"}},
		{"Jag går på Vasa övningsskola", []string{"Vasa"}},
		{"he lives in Sunnyside Children's Home", []string{"Sunnyside"}},
		{"Koulukoti Sairila on kaukana", []string{"Sairila"}},
		{"sisko on päiväkodissa Kuusenkävyssä ja viihtyy", []string{"Kuusenkävyssä"}},
		{"hän muutti nuorisokotiin Majakkaan", []string{"Majakkaan"}},
		{"Pohjois-Haagan yhteiskoulussa", []string{"Pohjois-Haagan"}},
		// Institution words without a name.
		{"koulussa kiusataan ja lastenkodissa on tylsää", nil},
		{"meidän koulu on kiva ja mun koulun kuraattori on kiva", nil},
		{"uusi koulu ja sama lukio ja oma päiväkoti", nil},
		{"Meidän koulussa on kiusaamista", nil},
		{"Uudessa koulussa on kivaa", nil},
		{"Menen kouluun huomenna. Aloitin lukion syksyllä.", nil},
		{"Tänään koulussa oli kivaa. Kun koulu alkaa, jännittää.", nil},
		{"Äidin seurassa en viihdy", nil},
		{"Peruskoulu loppuu ja Yläkoulu alkaa. Lastenkoti on iso.", nil},
		{"Min skola är stor och The School is big", nil},
		{"In school we learn. At school I hide.", nil},
		{"Vantaan ammattiopisto on iso", nil},
		{"it is a Helsinki school", nil},
		{"nuorisokoti Tampereella ja lastenkoti kaupungissa", nil},
		{"lastenkoti jossa asun", nil},
		{"päiväkodissa Helsingissä ja lastenkodissa Tampereella", nil},
		{"päiväkodissa Jenna leikkii", nil},
		{"Grundskolan och Gymnasiet", nil},
		{"olen 14v, klo 16, 112, 116 111, 20 €, lastensuojelulaki 417/2007 40 §", nil},
		{"COVID-19 ja Kalevala", nil},
	})
}

// TestSchoolsSkipping: on a listed text detectSchoolsIn skips to the words
// before an institution word; it must find what the word-by-word scan of
// the plain text finds.
func TestSchoolsSkipping(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	words := []string{"asun", "Kallion", "lukiossa", "Lastenkoti", "Koivulassa", "koulu", "Kalevan", "koulussa", "home",
		"Children's", "Sunnyside", "Oak", "Hill", "School", "reform", "school", "Vanaja", "ala-asteella", "Pohjois-Haagan",
		"yläasteella", "[NAME]", "12", "@x", "_y", "/z", "päiväkodissa", "Päivärinne", "barnhemmet", "Fyren",
		"vastaanottokoti", "ankkuriin", "mä", "oon", "ja", "se", "on", "Mun", "Sibbo", "gymnasium", "Kompassissa",
		"Kompassista", "Kompassi", "lastenkodissa", "x-", "-y", "o'", "Menen", "kouluun", "Helsingin", "yliopistossa",
		"Espoo", "International", "koti", "Lasten-koti", "KOULUSSA", "Ä"}
	seps := " , . - : \n'"
	found := 0
	for range 20000 {
		var b []byte
		for range rng.Intn(40) {
			b = append(b, words[rng.Intn(len(words))]...)
			b = append(b, seps[rng.Intn(len(seps))])
		}
		s := string(b)
		listed, plain := scanText(s, nil, nil, nil), plainText(s)
		got, want := detectSchoolsIn(&listed, nil), detectSchoolsIn(&plain, nil)
		if !slices.Equal(got, want) {
			t.Fatalf("%q: listed %v, plain %v", s, got, want)
		}
		found += len(want)
	}
	if found == 0 {
		t.Fatal("no school found: the test tests nothing")
	}
}
