package redact

import "testing"

func TestDetectAddresses(t *testing.T) {
	runDetCases(t, detectAddresses, KindAddress, []detCase{
		{"asun Lehtikatu 14 C 27, Porissa", []string{"Lehtikatu 14 C 27"}},
		{"iskän luona Sammontie 5:ssä on rauhallista", []string{"Sammontie 5"}},
		{"Koivukujalla 4 B 12 asuu mun mummi", []string{"Koivukujalla 4 B 12"}},
		{"kaveri asuu Linnankadulla 3", []string{"Linnankadulla 3"}},
		{"osote: pihlajatie 7 a 9", []string{"pihlajatie 7 a 9"}},
		{"Rantakatu 2 as. 14, Oulu", []string{"Rantakatu 2 as. 14"}},
		{"Pohjoinen Rautatiekatu 21 on se talo", []string{"Pohjoinen Rautatiekatu 21"}},
		{"vi bor på Norra esplanaden 5 i stan", []string{"Norra esplanaden 5"}},
		{"Jag bor på Skolgatan 12 lgh 1102.", []string{"Skolgatan 12 lgh 1102"}},
		{"Strandvägen 3 B, Jakobstad", []string{"Strandvägen 3 B"}},
		{"we live at Kuusitie 9a now", []string{"Kuusitie 9a"}},
		{"Hämeenpuisto 40 B 6:ssa", []string{"Hämeenpuisto 40 B 6"}},
		{"Mäntypolulla 2-4 on leikkipuisto", []string{"Mäntypolulla 2-4"}},
		{"Kauppatori 1 on keskellä", []string{"Kauppatori 1"}},
		{"meidän osote on Pispalan valtatie 45", []string{"Pispalan valtatie 45"}},
		{"we live at 12 Rauhankatu now", []string{"12 Rauhankatu"}},
		{"Bor på Gamla Kyrkvägen 14, Jakobstad", []string{"Gamla Kyrkvägen 14"}},
		{"Osoite: Vanha Porvoontie 229 as 7", []string{"Vanha Porvoontie 229 as 7"}},
		// Cue rule: a street without a number after "asun", "bor på"…
		{"asun Mannerheimintiellä ja kuulen kaiken", []string{"Mannerheimintiellä"}},
		{"mun osoite on Vanhan-Mäen-polku", []string{"Vanhan-Mäen-polku"}},
		{"jag bor på Kvarngatan nära skolan", []string{"Kvarngatan"}},
		{"I live on Keskuskatu", []string{"Keskuskatu"}},
		// Hard negatives: streets without numbers and without a cue,
		// quantities, road numbers, -tori nouns, generic words.
		{"kävelin Mannerheimintiellä eilen", nil},
		{"kotikadulla 2 kertaa päivässä", nil},
		{"valtatie 4 on ruuhkainen", nil},
		{"tavataan klo 12 Mannerheimintie kulmassa", nil},
		{"kuraattori 2 kertaa, rehtori 3 kertaa", nil},
		{"tiellä 5 minuuttia, på vägen 2 gånger", nil},
		{"pihalla 3 lasta ja rannalla 2", nil},
		{"Koulukadulla 14.30 alkaa", nil},
		{"asun rannalla ja asun mäellä", nil},
		{"Veli asuu Lappeenrannassa ja mä Imatralla", nil},
		{"olen 14v, klo 16, soita 112 tai 116 111, 20 €, lastensuojelulaki 417/2007 40 §", nil},
		{"COVID-19 ja vuonna 2019", nil},
		{"Entä Nollalinja 080 005 005?", nil},
		{"Kotikatu 12 345 678", nil},
		{"Tie 5 on kiva", []string{"Tie 5"}},
		{"tie 5", nil},
	})
}

func TestDetectPostcodes(t *testing.T) {
	runDetCases(t, detectPostcodes, KindAddress, []detCase{
		{"Lehtikatu 14, 28100 Pori", []string{"28100"}},
		{"osoite 00100 Helsinki", []string{"00100"}},
		{"33100 TAMPERE", []string{"33100"}},
		{"pihlajatie 7 a 9, 01300 vantaa", []string{"01300"}},
		{"postinumero 90100 ja kaupunki", []string{"90100"}},
		{"Storgatan 8, 652 24 Karlstad", []string{"652 24"}},
		{"zip 02100", []string{"02100"}},
		{"FI-00100 Helsinki", []string{"00100"}},
		{"finns det en ungdomsgård i 65100 som är öppen", []string{"65100"}},
		{"onks 33720:ssa mitään nuorisotaloa", []string{"33720"}},
		// Hard negatives: amounts, years, phone groups, counts.
		{"maksoin 20000 euroa ja 15000 e", nil},
		{"vuonna 2019 Helsinki oli kiva", nil},
		{"soita 040 12345 Helsinki", nil},
		{"mulla on 10000 seuraajaa", nil},
		{"12345 678", nil},
		{"olen 14v, klo 16, 112, 116 111, 20 €, 417/2007 40 §", nil},
		{"09 2525 0111 on kriisipuhelin", nil},
		{"100 20 Euroa", nil},
		{"i 10000 år och in 20000 years", nil},
		{"Ostin 10000 Robuxia ja sain 25000 Seuraajaa", nil},
	})
}
