package redact

import (
	"fmt"
	"sort"
	"strings"
	"testing"
)

// detCase is one table row: the input and the exact substrings the
// detector must match, in order. want == nil means no match at all.
type detCase struct {
	in   string
	want []string
}

// runDetCases runs a detector on each case and compares the matched
// substrings exactly, and checks that every match has the expected kind.
func runDetCases(t *testing.T, d detector, kind Kind, cases []detCase) {
	t.Helper()
	for _, tc := range cases {
		ms := d(tc.in, nil)
		sort.SliceStable(ms, func(i, j int) bool { return ms[i].start < ms[j].start })
		var got []string
		for _, m := range ms {
			if m.start < 0 || m.end > len(tc.in) || m.start >= m.end {
				t.Errorf("%q: bad offsets %d..%d", tc.in, m.start, m.end)
				continue
			}
			if m.kind != kind {
				t.Errorf("%q: kind %s, want %s", tc.in, m.kind, kind)
			}
			got = append(got, tc.in[m.start:m.end])
		}
		if fmt.Sprintf("%q", got) != fmt.Sprintf("%q", tc.want) {
			t.Errorf("in  %q\n got  %q\n want %q", tc.in, got, tc.want)
		}
	}
}

func TestDetectIBANs(t *testing.T) {
	runDetCases(t, detectIBANs, KindIBAN, []detCase{
		{"tilinumero FI37 5260 1815 9083 01 kiitos", []string{"FI37 5260 1815 9083 01"}},
		{"maksa tilille FI3866131860913909.", []string{"FI3866131860913909"}},
		{"pienillä fi38 6613 1860 9139 09 ja isoilla", []string{"fi38 6613 1860 9139 09"}},
		{"Mitt konto SE41 9603 0824 6281 9482 1993, tack", []string{"SE41 9603 0824 6281 9482 1993"}},
		{"Papa's account DE60518190937865797543 in Berlin", []string{"DE60518190937865797543"}},
		{"norsk NO27 2319 4875 749 og", []string{"NO27 2319 4875 749"}},
		{"(EE68 1186 2527 6018 9555)", []string{"EE68 1186 2527 6018 9555"}},
		{"UK bank GB39 NWBK 9797 1147 1049 74 yes", []string{"GB39 NWBK 9797 1147 1049 74"}},
		// Hard negatives: wrong check digits, too short, glued, not a country.
		{"FI37 5260 1815 9083 02", nil},
		{"FI37 5260 1815 9083", nil},
		{"xFI3752601815908301", nil},
		{"FI37526018159083012345", nil},
		{"OK12 3456 7890 1234 56", nil},
		{"soita 116 111 tai 112, lastensuojelulaki 417/2007 40 §", nil},
		{"olen 14v, maksoin 20 € klo 16", nil},
		{"COVID-19 ja MP3 ja A4", nil},
	})
}

func TestDetectCards(t *testing.T) {
	runDetCases(t, detectCards, KindCard, []detCase{
		{"kortti 4650 7529 1703 4234 exp 12/27", []string{"4650 7529 1703 4234"}},
		{"kortin numero on 5667127684268463!", []string{"5667127684268463"}},
		{"viivoilla 4563-2122-3307-9245.", []string{"4563-2122-3307-9245"}},
		{"amex 3740 268599 52890", []string{"3740 268599 52890"}},
		{"discover 6078 6666 1760 3131", []string{"6078 6666 1760 3131"}},
		{"old visa 4721590109283 ok", []string{"4721590109283"}},
		{"2-series 2159 0139 6245 9572", []string{"2159 0139 6245 9572"}},
		{"long 4117 7774 1215 4728 030", []string{"4117 7774 1215 4728 030"}},
		{"kortti 4650 7529 1703 4234 2 kertaa", []string{"4650 7529 1703 4234"}},
		// Hard negatives: Luhn fails, phone numbers, references in fives,
		// helplines, amounts, identity codes.
		{"4650 7529 1703 4235", nil},
		{"soita 040 123 4567 tai 0401234567", nil},
		{"viite 46507 52917 03423", nil},
		{"kriisipuhelin 09 2525 0111 ja 116 111", nil},
		{"maksoin 20 € ja 1500 euroa, vuonna 2019", nil},
		{"hetu 150798-245H", nil},
		{"FI37 5260 1815 9083 01", nil},
		{"x4650752917034234", nil},
	})
}

func TestDetectIPs(t *testing.T) {
	runDetCases(t, detectIPs, KindIP, []detCase{
		{"sen IP oli 83.150.2.77 eilen", []string{"83.150.2.77"}},
		{"from 10.0.0.1:8080 and 192.168.1.254.", []string{"10.0.0.1", "192.168.1.254"}},
		{"(255.255.255.0)", []string{"255.255.255.0"}},
		{"ipv6 2001:db8:85a3::8a2e:370:7334 ok", []string{"2001:db8:85a3::8a2e:370:7334"}},
		{"täysi 2001:0db8:0000:0000:0000:ff00:0042:8329.", []string{"2001:0db8:0000:0000:0000:ff00:0042:8329"}},
		{"loopback ::1 ja fe80::1ff:fe23:4567:890a", []string{"::1", "fe80::1ff:fe23:4567:890a"}},
		{"mapped ::ffff:192.0.2.128", []string{"::ffff:192.0.2.128"}},
		// Hard negatives.
		{"versio 1.2.3 ja päiväys 12.03.2010", nil},
		{"octet 256.1.1.1 too big", nil},
		{"viisi osaa 1.2.3.4.5", nil},
		{"version 1.2.3.4 julkaistu", nil},
		{"v1.2.3.4", nil},
		{"kello 14.30 tai 14:30:15", nil},
		{"dead::beef on koodia", nil},
		{"lastensuojelulaki 417/2007 40 § ja 112", nil},
		{"C::D ja std::vector", nil},
		{"olen 14v ja maksoin 20 €", nil},
	})
}

func TestDetectPlates(t *testing.T) {
	runDetCases(t, detectPlates, KindPlate, []detCase{
		{"valkoinen pakettiauto KXT-418 seisoo pihalla", []string{"KXT-418"}},
		{"sillä on vanha kilpi BN-27.", []string{"BN-27"}},
		{"ahvenanmaalainen ÅLA-204", []string{"ÅLA-204"}},
		{"isän auton rekkari on kxt-418", []string{"kxt-418"}},
		{"rekisterinumero PTM902", []string{"PTM902"}},
		{"rekkari: ptm902 muistaakseni", []string{"ptm902"}},
		{"bilen hade registreringsnummer DRT 55F", []string{"DRT 55F"}},
		{"en svensk bil ABC 123 stod där", []string{"ABC 123"}},
		{"Swedish plate MLR 07K", []string{"MLR 07K"}},
		{"the car plate was JKL 55 I think", []string{"JKL 55"}},
		{"mopon kilpi 12 TVK", []string{"12 TVK"}},
		// Hard negatives.
		{"COVID-19 ja MP3 ja A-4 paperi ja WCAG-2", nil},
		{"PS-5 on parempi kuin EU-27 tai TV-2", nil},
		{"soita MLL 116 111 tai SOS 112", nil},
		{"isän BMW 320 on nopea", nil},
		{"abc-123 ilman vihjettä", nil},
		{"auto on 3 v vanha ja bilen har 120 hk", nil},
		{"olen 14v, klo 16, 20 €, lastensuojelulaki 417/2007 40 §", nil},
		{"SARS-CoV-2 ja B-12 vitamiini", nil},
		{"GTA 5 ja K-18 peli", nil},
		{"ABC123 ilman vihjettä", nil},
		{"HELP-112", nil},
	})
}

func TestDetectURLs(t *testing.T) {
	runDetCases(t, detectURLs, KindURL, []detCase{
		{"katso https://example.com/jenna?x=1 nyt", []string{"https://example.com/jenna?x=1"}},
		{"(http://kotisivu.net/kuvat).", []string{"http://kotisivu.net/kuvat"}},
		{"sivu www.jennan-blogi.fi, käy", []string{"www.jennan-blogi.fi"}},
		{"linkki bit.ly/3xYz9Q ja tiktok.com/@koira_123", []string{"bit.ly/3xYz9Q", "tiktok.com/@koira_123"}},
		{"instagram.com/jenna.k.2010 on mun", []string{"instagram.com/jenna.k.2010"}},
		{"blogi jennankuvat.fi on auki", []string{"jennankuvat.fi"}},
		{"kolla minsida.se!", []string{"minsida.se"}},
		{"my page lottie-art.io is new", []string{"lottie-art.io"}},
		{"HTTPS://EXAMPLE.ORG/A", []string{"HTTPS://EXAMPLE.ORG/A"}},
		{"wa.me/358401112223 tai t.me/jennak", []string{"wa.me/358401112223", "t.me/jennak"}},
		{"sub.domain.se on", []string{"sub.domain.se"}},
		// Kept: helplines and public services, with or without www/path.
		{"katso nuortennetti.fi ja https://www.mll.fi/nuoret/ ja sekasin.fi", nil},
		{"lastensuojelu.info ja 112.fi ja kela.fi/lomakkeet ja www.suomi.fi", nil},
		{"apua.sekasin.fi", nil},
		// Hard negatives: e-mails, handles, sentences without spaces,
		// numbers, abbreviations, bare generic sites.
		{"jenna.k@gmail.com ja @jenna.k.fi", nil},
		{"oon väsyny.se ei auta. joo.me mentiin", nil},
		{"loppu.Se oli kivaa", nil},
		{"klo 14.30, 2.5 km, versio 1.2.3", nil},
		{"esim. jne. mm. yms.", nil},
		{"mulla on gmail.com osoite ja tiktok.com on kiva", nil},
		{"olen 14v, 20 €, lastensuojelulaki 417/2007 40 §, soita 116 111", nil},
		{"COVID-19 ja kuva.jpg ja video.mp4", nil},
		{"https://", nil},
		// A scheme URL further on hides no domain before it.
		{"facebook.com/jenna.k.77 ja https://x.fi/a", []string{"facebook.com/jenna.k.77", "https://x.fi/a"}},
	})
}

func TestDetectHandles(t *testing.T) {
	runDetCases(t, detectHandles, KindHandle, []detCase{
		{"laita viestiä @jenna_2010 tai @koira.123.", []string{"@jenna_2010", "@koira.123"}},
		{"mun snäppi on jenna_2010", []string{"jenna_2010"}},
		{"lisää mut snäpissä: koira.123", []string{"koira.123"}},
		{"snap: mustikkapiirakka", []string{"mustikkapiirakka"}},
		{"sc mustikkapiirakka", []string{"mustikkapiirakka"}},
		{"ig: kissakuva", []string{"kissakuva"}},
		{"insta: @kissakuva", []string{"@kissakuva"}},
		{"oon igissä kissakuva", []string{"kissakuva"}},
		{"tiktok: dancequeen09", []string{"dancequeen09"}},
		{"discord: hamsteri#4421", []string{"hamsteri#4421"}},
		{"telegram @salainen_tili", []string{"@salainen_tili"}},
		{"wa: numeroton.tyyppi", []string{"numeroton.tyyppi"}},
		{"kik lumipallo77", []string{"lumipallo77"}},
		{"min snap är tussilago.x", []string{"tussilago.x"}},
		{"add me on snap: frog_prince", []string{"frog_prince"}},
		{"my insta is mira.loves.cats", []string{"mira.loves.cats"}},
		{"Snäpätkää: sininen_kettu", []string{"sininen_kettu"}},
		{"mun snäppi on mustikkapiirakka", []string{"mustikkapiirakka"}},
		// Hard negatives: e-mails, URLs, plain words after platforms.
		{"jenna@gmail.com ja jenna.k@hotmail.fi", nil},
		{"tiktok.com/@kissa on linkki", nil},
		{"snäpissä kiusataan ja tiktokissa näin videon", nil},
		{"mun snäppi on hakkeroitu", nil},
		{"Mun Snapchat ja Instagram on yksityisiä", nil},
		{"instagram tili ja tiktok tili on molemmat auki", nil},
		{"Snäppi: en käytä. Insta: ei ole.", nil},
		{"insta on paska ja tiktok on kiva", nil},
		{"snap: en oo koskaan käyttäny", nil},
		{"whatsapp wa.me/358401112223", nil},
		{"soita 112, olen 14v, klo 16, 20 €, 417/2007 40 §", nil},
		{"COVID-19 ja @ 16", nil},
		{"sähköposti a@b", nil},
		{"[EMAIL]@c.fi", nil},
	})
}

func TestDetectObfuscatedEmails(t *testing.T) {
	runDetCases(t, detectObfuscatedEmails, KindEmail, []detCase{
		{"mailaa jenna at gmail dot com kiitos", []string{"jenna at gmail dot com"}},
		{"meili on jenna.k ät gmail piste com", []string{"jenna.k ät gmail piste com"}},
		{"jenna(at)gmail(dot)com", []string{"jenna(at)gmail(dot)com"}},
		{"jenna [at] gmail [.] com.", []string{"jenna [at] gmail [.] com"}},
		{"jenna (ät) hotmail (piste) fi", []string{"jenna (ät) hotmail (piste) fi"}},
		{"laita jenna miukumauku gmail.com", []string{"jenna miukumauku gmail.com"}},
		{"skriv till jenna snabel-a gmail punkt com", []string{"jenna snabel-a gmail punkt com"}},
		{"mail jenna AT gmail DOT com", []string{"jenna AT gmail DOT com"}},
		{"jenna@gmail piste com", []string{"jenna@gmail piste com"}},
		{"jenna at hotmail.com", []string{"jenna at hotmail.com"}},
		{"jenna_v at koulu dot edu dot fi", []string{"jenna_v at koulu dot edu dot fi"}},
		// Hard negatives.
		{"jenna@gmail.com on tavallinen", nil},
		{"look at google.com for help", nil},
		{"meet me at school at five", nil},
		{"Look at this dot com thing", nil},
		{"hän on at home dot", nil},
		{"olen 14v, klo 16, soita 116 111, 20 €, 417/2007 40 §", nil},
		{"at dot com", nil},
	})
}

func TestDetectSpelledPhones(t *testing.T) {
	runDetCases(t, detectSpelledPhones, KindPhone, []detCase{
		{"soita 044 streck 998 12 34", []string{"044 streck 998 12 34"}},
		{"numero 040 viiva 123 4567 illalla", []string{"040 viiva 123 4567"}},
		{"nolla neljä nolla yks kaks kolme neljä viis kuus seittemän", []string{"nolla neljä nolla yks kaks kolme neljä viis kuus seittemän"}},
		{"nolla viis nolla, kaheksan yheksän seitsemän, kuus viis neljä kolme", []string{"nolla viis nolla, kaheksan yheksän seitsemän, kuus viis neljä kolme"}},
		{"ring noll sju nio ett två tre fyra fem sex", []string{"noll sju nio ett två tre fyra fem sex"}},
		{"call me oh four oh one two three four five six seven", []string{"oh four oh one two three four five six seven"}},
		{"045 kaks kolme neljä 56 78", []string{"045 kaks kolme neljä 56 78"}},
		{"plus 358 40 viiva 123 4567", []string{"plus 358 40 viiva 123 4567"}},
		{"+358 40 viiva 765 4321", []string{"+358 40 viiva 765 4321"}},
		{"040  765  4321 tuplaväleillä", []string{"040  765  4321"}},
		{"050 - 765 - 4321", []string{"050 - 765 - 4321"}},
		// Hard negatives: the phone regexp's own territory, helplines,
		// counts, short numbers, ordinary counting.
		{"soita 040 123 4567", nil},
		{"yks kaks kolme neljä viis kuus seitsemän", nil},
		{"kriisipuhelin nolla yhdeksän kaksi viisi kaksi viisi nolla yksi yksi yksi", nil},
		{"nolla neljä nolla", nil},
		{"olen 14v, klo 16, 112, 20 €, lastensuojelulaki 417/2007 40 §", nil},
		{"vuonna 2019 ja 2020", nil},
		{"en tiedä, en jaksa, en voi", nil},
		{"Nolla, yksi, kaksi, kolme, neljä, viisi, kuusi, seitsemän.", nil},
	})
}

// benchText is ~1 MB of mixed fi/sv/en question-like text with some
// personal details, for the benchmark.
func benchText() string {
	parts := []string{
		"Moi, mä oon 14v ja mun isä juo joka viikonloppu. Voiks sossu tulla kotiin ilman et isä tietää? ",
		"Asun Koivukujalla 4 B 12, 02100 Espoo ja mun numero on 040 765 4321. ",
		"Mun kaveri sano et lastensuojelulaki 417/2007 40 § kertoo mitä sossu saa tehdä. Onks se totta? ",
		"Hej, jag är 15 år och bor på Storgatan 8 A 3 i Vasa. Min mamma dricker och jag vågar inte gå hem. ",
		"I'm 16 and my stepdad hits me. My insta is @mira.loves.cats and I go to Oak Hill School. ",
		"Kallion lukiossa kuraattori sanoi, että hän tekee ilmoituksen. Saako se tehdä niin kysymättä? ",
		"Soitin 116 111 mut kukaan ei vastannu, klo 16 jälkeen on aina varattua. Mitä mä teen nyt? ",
		"Synnyin 12.3.2010 ja muutin lastenkotiin viime vuonna. Nuorisokoti Kompassissa on tiukat säännöt. ",
		"Isän auto KXT-418 on aina pihassa ja se ajaa humalassa. Voinko ilmottaa poliisille nimettömänä? ",
		"katso https://example.com/jenna tai nuortennetti.fi, sieltä löytyy apua kaikille nuorille. ",
		"Mun snäppi on jenna_2010, laita viestiä jos voit. Äiti lukee mun sähköpostit joka ilta. ",
		"Tilinumero FI37 5260 1815 9083 01 ja kortti 4650 7529 1703 4234, äiti vei mun rahat. ",
		"Varje natt hör jag hur grannen skriker. Kan man anmäla utan att säga sitt namn? ",
		"Toivottavasti joku vastaa pian, koska en jaksa enää odottaa. Onneksi mummi on tukena. ",
		"The school nurse said she must call child welfare. Is that true even if I beg her not to? ",
		"mailaa jenna at gmail dot com tai soita nolla neljä nolla yks kaks kolme neljä viis kuus seittemän. ",
		"Vuonna 2019 meillä kävi sossu kaksi kertaa, mutta mikään ei muuttunut. Miksi kukaan ei auta? ",
		"kotona on ihan kamalaa ja mä haluun pois. voiko sijaisperheeseen päästä nopeasti jos pyytää itse? ",
	}
	var b strings.Builder
	for b.Len() < 1<<20 {
		for _, p := range parts {
			b.WriteString(p)
		}
		b.WriteString("\n")
	}
	return b.String()
}

// allNewDetectors lists the detectors of structured.go, address.go,
// school.go and date.go.
var allNewDetectors = []struct {
	name string
	d    detector
}{
	{"IBANs", detectIBANs},
	{"Cards", detectCards},
	{"IPs", detectIPs},
	{"Plates", detectPlates},
	{"URLs", detectURLs},
	{"Handles", detectHandles},
	{"ObfuscatedEmails", detectObfuscatedEmails},
	{"SpelledPhones", detectSpelledPhones},
	{"Addresses", detectAddresses},
	{"Postcodes", detectPostcodes},
	{"Schools", detectSchools},
	{"BirthDates", detectBirthDates},
}

func BenchmarkStructured(b *testing.B) {
	text := benchText()
	b.Run("all", func(b *testing.B) {
		b.SetBytes(int64(len(text)))
		b.ReportAllocs()
		var ms []match
		for i := 0; i < b.N; i++ {
			ms = ms[:0]
			for _, d := range allNewDetectors {
				ms = d.d(text, ms)
			}
		}
	})
	for _, d := range allNewDetectors {
		b.Run(d.name, func(b *testing.B) {
			b.SetBytes(int64(len(text)))
			var ms []match
			for i := 0; i < b.N; i++ {
				ms = d.d(text, ms[:0])
			}
		})
	}
}
