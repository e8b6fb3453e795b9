package redact

// Street addresses and postal codes (Finnish and Swedish).
//
// An address is a street name ending in a street word ("Linnankatu",
// "Koivukujalla", "Hamngatan", "Norra esplanaden") followed by a house
// number, an optional stair letter and flat number ("30 C 12", "17 as. 5",
// "3 lgh 1102"). The scanner starts from each short digit run and looks back
// at the word before it, so text without digits costs one byte scan. A
// street word alone is an address only after a cue ("asun
// Mannerheimintiellä", "bor på Storgatan").

import (
	"strings"
	"unicode/utf8"
)

// streetSuffix is a form of a street word with its base form, and whether
// the word is weak (a common word on its own: piha, tori, ranta…), in which
// case the street must be capitalised.
type streetSuffix struct {
	form, base string
	weak       bool
}

// streetWords lists street words (base form first) with their case forms.
var streetWords = []struct {
	weak  bool
	forms []string
}{
	{false, []string{"katu", "kadullakin", "kadulla", "kadulle", "kadulta", "kadussa", "kadusta", "katuun", "kadun", "katua"}},
	{false, []string{"tie", "tiellä", "tielle", "tieltä", "tiessä", "tiestä", "tiehen", "tietä", "tien"}},
	{false, []string{"kuja", "kujalla", "kujalle", "kujalta", "kujassa", "kujasta", "kujaan", "kujaa", "kujan"}},
	{false, []string{"polku", "polulla", "polulle", "polulta", "polussa", "polkuun", "polkua", "polun"}},
	{false, []string{"väylä", "väylällä", "väylälle", "väylältä", "väylässä", "väylään", "väylää", "väylän"}},
	{false, []string{"raitti", "raitilla", "raitille", "raitilta", "raittia", "raitin"}},
	{false, []string{"kaari", "kaarella", "kaarelle", "kaarelta", "kaareen", "kaarta", "kaaren"}},
	{false, []string{"puistikko", "puistikolla", "puistikossa", "puistikon"}},
	{false, []string{"esplanadi", "esplanadilla", "esplanadille", "esplanadin"}},
	{false, []string{"bulevardi", "bulevardilla", "bulevardille", "bulevardin"}},
	{false, []string{"gatan"}}, {false, []string{"vägen"}}, {false, []string{"gränd", "gränden"}},
	{false, []string{"stigen"}}, {false, []string{"esplanaden"}}, {false, []string{"allén", "allen"}},
	{false, []string{"gata"}}, {false, []string{"väg"}},
	{true, []string{"rinne", "rinteellä", "rinteelle", "rinteeltä", "rinteessä", "rinteeseen", "rinnettä", "rinteen"}},
	{true, []string{"piha", "pihalla", "pihalle", "pihalta", "pihassa", "pihaan", "pihan"}},
	{true, []string{"tori", "torilla", "torille", "torilta", "torin"}},
	{true, []string{"ranta", "rannalla", "rannalle", "rannalta", "rannassa", "rantaan", "rannan"}},
	{true, []string{"mäki", "mäellä", "mäelle", "mäeltä", "mäessä", "mäkeen", "mäen"}},
	{true, []string{"puisto", "puistossa", "puistosta", "puistoon", "puistolla", "puiston"}},
	{true, []string{"aukio", "aukiolla", "aukiolle", "aukion"}},
	{true, []string{"linja", "linjalla", "linjalle", "linjan"}},
	{true, []string{"backen"}}, {true, []string{"torget"}}, {true, []string{"leden"}}, {true, []string{"kajen"}},
	{true, []string{"stranden"}}, {true, []string{"parken"}}, {true, []string{"plan"}},
}

// streetIndex finds street word forms at the end of a word; streetInfo
// holds each form's base and weakness.
var streetIndex, streetInfo = func() (*txSuffixIndex, []streetSuffix) {
	var forms []string
	var info []streetSuffix
	for _, w := range streetWords {
		for _, f := range w.forms {
			forms = append(forms, f)
			info = append(info, streetSuffix{form: f, base: w.forms[0], weak: w.weak})
		}
	}
	return newTxSuffixIndex(forms), info
}()

// streetNotStreets end like a street word but are not streets: road numbers
// ("valtatie 4"), "-tori" agent nouns (kuraattori, rehtori), ordinary words.
var streetNotStreets = []string{"valtatie", "kantatie", "moottoritie", "maantie", "seututie", "yhdystie",
	"pyörätie", "kevyenliikenteenväylä", "elämäntie", "oikotie", "umpikuja", "hoitopolku", "palvelupolku",
	"opintopolku", "sateenkaari", "monitori", "moottori", "kompressori", "kalkulaattori", "valtaväylä",
	"vesiväylä", "tietokoneväylä", "kotipiha", "takapiha", "etupiha", "koulunpiha", "välkkäpiha", "uimaranta",
	"hiihtomäki", "pulkkamäki", "laskettelurinne", "leikkipuisto", "koirapuisto", "huvipuisto", "skeittipuisto",
	"kansallispuisto", "aikajana", "suunta", "rautatie", "kävelytie", "puhelinlinja", "aikalinja", "kanta",
	"bussilinja", "nollalinja", "auttava", "kriisilinja", "tukilinja", "neuvontalinja", "linja", "tie", "katu", "kuja", "polku", "väylä", "tori", "piha", "ranta", "mäki", "puisto",
	"kaari", "rinne", "aukio", "väg", "gata", "plan", "vägen", "gatan", "stigen", "backen", "torget", "leden",
	"parken", "kajen", "stranden", "allén", "allen", "esplanaden", "esplanadi", "bulevardi", "raitti"}

var streetNotStreetSet = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range streetNotStreets {
		m[w] = true
	}
	return m
}()

// streetDirectionals may stand as a separate word before a street name
// ("Pohjoinen Rautatiekatu", "Norra esplanaden", "Iso Roobertinkatu").
var streetDirectionals = txSet("pohjoinen", "eteläinen", "itäinen", "läntinen", "iso", "pieni", "vanha", "uusi",
	"norra", "södra", "östra", "västra", "stora", "lilla", "gamla", "nya", "pohjois", "etelä", "itä", "länsi")

// streetUnits after a number mean a quantity, not a house number.
var streetUnits = txSet("kertaa", "kerran", "krt", "vuotta", "vuoden", "vuodeksi", "v", "vee", "km", "m",
	"metriä", "metrin", "kilometriä", "kilometrin", "min", "minuuttia", "minuutin", "minsaa", "tuntia",
	"tunnin", "tuntii", "h", "sekuntia", "s", "päivää", "päivän", "pv", "viikkoa", "viikon", "vk", "kuukautta",
	"kuukauden", "kk", "e", "euroa", "euron", "eur", "snt", "kpl", "henkeä", "hlö", "lasta", "ihmistä", "kilsaa",
	"times", "time", "years", "year", "minutes", "mins", "hours", "hour", "days", "weeks", "months", "miles",
	"år", "gånger", "gång", "minuter", "timmar", "timme", "dagar", "veckor", "månader", "meter", "kr", "kronor",
	"st", "kg", "g", "l", "litraa", "astetta", "prosenttia", "x", "autoa", "bussia", "pysäkkiä", "stops",
	"kilsan", "metrii", "hållplatser", "kpl:tta", "kertaan", "asti", "saakka", "tai", "or", "eller")

// streetFlatMarkers introduce a flat number ("as. 5", "lgh 1102").
var streetFlatMarkers = txSet("as", "asunto", "asunnossa", "lgh", "lägenhet", "bst", "bostad", "apt",
	"apartment", "flat", "huoneisto", "h", "rappu", "porras", "trappa", "trapp", "ovi")

// addressCues introduce one's own address; after them a street word without
// a number is an address too.
var (
	addressCueExact = txSet("asun", "asumme", "asutaan", "asuu", "asuvat", "asuin", "asuttiin", "asuimme",
		"osoite", "osote", "osoitteeni", "osotteeni", "osoitteessa", "osotteessa", "kotiosoite", "kotiosote",
		"osoitteesta", "bor", "bodde", "adress", "adressen", "adressi", "address", "live", "lives", "living",
		"lived", "stay", "staying", "asustaa", "asustan", "majailen", "muutettiin", "muutimme", "muutin",
		"flyttade", "moved")
	addressCueFillers = txSet("nyt", "nykyään", "tällä", "hetkellä", "on", "är", "is", "at", "on", "in",
		"på", "i", "mun", "min", "my", "our", "meidän", "me", "mä", "ma", "mää", "we", "i", "now", "currently",
		"vid", "till", "to", "nu", "siis", "edelleen", "still", "kadulla", "ja", "and", "och", "itse", "själv",
		"myself", "ihan", "kotona", "hemma", "home")
)

var addressCues = newTxWordIndex(nil, txKeys(addressCueExact))

// detectAddresses finds Finnish and Swedish street addresses: street +
// house number (+ stair letter and flat number), and, after a cue such as
// "asun", "osoite", "bor på", "I live on", a street name alone.
func detectAddresses(s string, out []match) []match {
	t := plainText(s)
	return detectAddressesIn(&t, out)
}

func detectAddressesIn(t *text, out []match) []match {
	s := t.s
	if len(s) < 5 {
		return out
	}
	first := len(out)
	if t.digits > 0 {
		digits := t.digitCursor()
		for i := digits.next(0); i < len(s); i = digits.next(i + 1) {
			e := txDigitEnd(s, i)
			if e-i <= 3 && i >= 3 && s[i-1] == ' ' && !(i >= 2 && s[i-2] == ' ') {
				if st, ok := streetBefore(s, i-1); ok {
					if end, ok := houseNumberAt(s, i); ok {
						out = append(out, match{KindAddress, st, end})
						i = end - 1
						continue
					}
				}
			}
			// English order: "12 Rauhankatu".
			if e-i <= 3 && s[i] != '0' && e+1 < len(s) && s[e] == ' ' && txIsUpperAt(s, e+1) && !txWordBefore(s, i) &&
				!(i > 0 && (s[i-1] == '.' || s[i-1] == ',' || s[i-1] == '-' || s[i-1] == '/')) && !streetClockBefore(s, i) {
				we := txLetterEnd(s, e+1)
				if sf, p, ok := streetSuffixOf(s[e+1 : we]); ok && p > 0 && sf.form == sf.base && !sf.weak && !txWordAt(s, we) &&
					!(we+1 < len(s) && s[we] == ' ' && txIsDigit(s[we+1])) {
					out = append(out, match{KindAddress, i, we})
					i = we - 1
					continue
				}
			}
			i = e - 1
		}
	}
	// Cue rule: "asun Mannerheimintiellä". The numbered matches are in
	// order; num walks them to skip a street already matched with its number.
	numEnd := len(out)
	num := first
	words := t.cursor()
	for i := 0; i < len(s); {
		ws, we := words.nextWith(i, keyAddrCue)
		i = we
		if we-ws < 3 || we-ws > 12 || !addressCues.first.first[txFoldTab[s[ws]]] || !addressCues.mayMatch(s, ws) || txWordBefore(s, ws) || !addressCues.match(s[ws:we]) {
			continue
		}
		if st, end, ok := streetAfterCue(s, we); ok {
			for num < numEnd && out[num].end <= st {
				num++
			}
			if num >= numEnd || out[num].start > st {
				out = append(out, match{KindAddress, st, end})
			}
			i = end
		}
	}
	return out
}

// streetBefore checks that the word ending at e (exclusive) is a street name
// and returns where the address starts.
func streetBefore(s string, e int) (int, bool) {
	ws := txStreetWordStart(s, e)
	if ws >= e || txWordBefore(s, ws) {
		return 0, false
	}
	sf, prefixLen, ok := streetSuffixOf(s[ws:e])
	if !ok {
		return 0, false
	}
	var buf [64]byte
	w, ok := txLower(buf[:], s[ws:e])
	if !ok {
		return 0, false
	}
	start := ws
	// A separate directional or adjective word before ("Norra esplanaden",
	// "Pohjoinen Rautatiekatu", "Iso Roobertinkatu").
	if ws >= 2 && s[ws-1] == ' ' {
		ps := txLetterStart(s, ws-1)
		if ps < ws-1 && txIsUpperAt(s, ps) && !txWordBefore(s, ps) && txLowerIn(s[ps:ws-1], streetDirectionals) {
			start = ps
		}
	}
	if prefixLen == 0 {
		// The street word alone: "Norra esplanaden 5", "Esplanadi 5";
		// never "tiellä 5", "på vägen 2".
		if start != ws {
			return start, true
		}
		if gs, ok := streetGenitiveBefore(s, ws); ok && !sf.weak {
			return gs, true // "Mannerheimin tie 5"
		}
		if sf.weak || !txIsUpperAt(s, ws) {
			return 0, false
		}
		return ws, true
	}
	name := w[:prefixLen]
	if streetNotStreetSet[string(name)+sf.base] {
		// "valtatie 4" is a road, but "Pispalan valtatie 45" a street.
		if gs, ok := streetGenitiveBefore(s, ws); ok {
			return gs, true
		}
		return 0, false
	}
	if sf.base == "tori" {
		// kuraattori, rehtori, lektori, sektori…
		if p := name[len(name)-1]; p == 't' || p == 'k' || p == 'h' {
			return 0, false
		}
	}
	if sf.weak && start == ws && !txIsUpperAt(s, ws) {
		return 0, false
	}
	return start, true
}

// streetClockBefore: "klo 12 Mannerheimintie" is a time and a place.
func streetClockBefore(s string, i int) bool {
	if i < 3 || s[i-1] != ' ' {
		return false
	}
	ps := txLetterStart(s, i-1)
	return txLowerIn(s[ps:i-1], streetClockWords)
}

var streetClockWords = txSet("klo", "kello", "kl", "vid", "noin", "n")

// streetGenitiveBefore finds a capitalised genitive name right before the
// street word at ws ("Pispalan valtatie").
func streetGenitiveBefore(s string, ws int) (int, bool) {
	if ws < 3 || s[ws-1] != ' ' || s[ws-2] != 'n' {
		return 0, false
	}
	ps := txStreetWordStart(s, ws-1)
	if ps >= ws-2 || !txIsUpperAt(s, ps) || txWordBefore(s, ps) || schoolSentenceStart(s, ps) {
		return 0, false
	}
	return ps, true
}

// txStreetWordStart is the start of the word ending at e; hyphens inside a
// name ("Pohjois-Haagan") belong to it.
func txStreetWordStart(s string, e int) int {
	ws := txLetterStart(s, e)
	for ws >= 2 && s[ws-1] == '-' {
		p := txLetterStart(s, ws-1)
		if p == ws-1 {
			break
		}
		ws = p
	}
	return ws
}

// streetSuffixOf finds the street word that w ends with and the length of
// the name before it.
func streetSuffixOf(w string) (streetSuffix, int, bool) {
	i, ok := streetIndex.find(w)
	if !ok {
		return streetSuffix{}, 0, false
	}
	sf := streetInfo[i]
	p := len(w) - len(sf.form)
	if p > 0 && p < 3 {
		return streetSuffix{}, 0, false // "ätie": too short a name
	}
	return sf, p, true
}

// houseNumberAt parses "30", "30 C 12", "12a", "12-14", "17 as. 5",
// "3 lgh 1102" at s[i:] and returns the end of the address, or false when
// the number is a quantity ("tiellä 5 vuotta"), a time or a decimal.
func houseNumberAt(s string, i int) (int, bool) {
	e := txDigitEnd(s, i)
	if e-i > 3 || s[i] == '0' {
		return 0, false // "080 005 005" is a phone number
	}
	if e+1 < len(s) && s[e] == ' ' && txIsDigit(s[e+1]) {
		if de := txDigitEnd(s, e+1); de-e-1 >= 2 {
			return 0, false // "12 345 678": a number in groups
		}
	}
	if e < len(s) {
		c := s[e]
		if (c == '.' || c == ',' || c == ':' || c == '/') && e+1 < len(s) && txIsDigit(s[e+1]) {
			return 0, false // 2.5, 14:30, 417/2007
		}
		if c == '%' || c == '$' {
			return 0, false
		}
		if c >= utf8.RuneSelf {
			r, _ := utf8.DecodeRuneInString(s[e:])
			if r == '€' || r == '§' {
				return 0, false
			}
		}
	}
	end := e
	// "12a", "12 b" glued letter.
	if end < len(s) && txIsASCIILetter(s[end]) && !txWordAt(s, end+1) {
		end++
	} else if txWordAt(s, end) {
		if end < len(s) && txIsDigit(s[end]) {
			return 0, false
		}
		// "5v", "5min": a unit glued to the number.
		le := txLetterEnd(s, end)
		if txLowerIn(s[end:le], streetUnits) {
			return 0, false
		}
		return 0, false
	}
	// Range "12-14".
	if end+1 < len(s) && s[end] == '-' && txIsDigit(s[end+1]) {
		re := txDigitEnd(s, end+1)
		if re-end-1 <= 4 && !txWordAt(s, re) {
			end = re
		}
	}
	// What follows the house number.
	j := end
	if j+1 < len(s) && s[j] == ' ' {
		k := j + 1
		if ok, _ := txLetterAt(s, k); ok {
			le := txLetterEnd(s, k)
			word := s[k:le]
			if txLowerIn(word, streetUnits) && !(len(word) == 1 && word[0] >= 'A' && word[0] <= 'H') {
				if !(len(word) == 1 && le+1 < len(s) && s[le] == ' ' && txIsDigit(s[le+1])) {
					return 0, false
				}
			}
			switch {
			case len(word) == 1 && txIsASCIILetter(word[0]) && (word[0]|0x20) <= 'h':
				// Stair letter, maybe a flat number after it.
				if le+1 < len(s) && s[le] == ' ' && txIsDigit(s[le+1]) {
					fe := txDigitEnd(s, le+1)
					if fe-le-1 <= 4 && !txWordAt(s, fe) && !(fe+1 < len(s) && (s[fe] == '.' || s[fe] == ',') && txIsDigit(s[fe+1])) {
						return fe, true
					}
				}
				if word[0] >= 'A' && word[0] <= 'H' && !txWordAt(s, le) {
					return le, true
				}
			case txLowerIn(word, streetFlatMarkers):
				k2 := le
				if k2 < len(s) && s[k2] == '.' {
					k2++
				}
				if k2 < len(s) && s[k2] == ' ' {
					k2++
				}
				if k2 < len(s) && txIsDigit(s[k2]) {
					fe := txDigitEnd(s, k2)
					if fe-k2 <= 5 && !txWordAt(s, fe) {
						return fe, true
					}
				}
			}
		}
	}
	return end, true
}

// streetAfterCue finds a street word among the first words after a cue.
func streetAfterCue(s string, i int) (int, int, bool) {
	j := i
	for step := 0; step < 4; step++ {
		for j < len(s) && (s[j] == ' ' || s[j] == ':' || s[j] == ',') {
			j++
		}
		ok, _ := txLetterAt(s, j)
		if !ok {
			return 0, 0, false
		}
		we := txLetterEnd(s, j)
		for we+1 < len(s) && s[we] == '-' {
			if ok, _ := txLetterAt(s, we+1); !ok {
				break
			}
			we = txLetterEnd(s, we+1)
		}
		w := s[j:we]
		if sf, p, ok := streetSuffixOf(w); ok && p > 0 {
			// Without a number only strong street words count, and never a
			// town ("asuu Lappeenrannassa", "bor i Kristinestad").
			var buf [64]byte
			lw, _ := txLower(buf[:], w)
			st, ok := streetBefore(s, we)
			if !ok || sf.weak || schoolIsPlace(lw) {
				return 0, 0, false
			}
			end := we
			if end+1 < len(s) && s[end] == ' ' && txIsDigit(s[end+1]) {
				if e2, ok := houseNumberAt(s, end+1); ok {
					end = e2
				}
			}
			return st, end, true
		}
		if !txLowerIn(w, addressCueFillers) && !txLowerIn(w, streetDirectionals) {
			return 0, 0, false
		}
		j = we
	}
	return 0, 0, false
}

// postcodeCues make any five-digit number a postal code.
var postcodeCues = []string{"postinumero", "postinro", "postnummer", "postnr", "zip", "postcode", "postal",
	"postikoodi", "postiosoite", "postadress"}

// postcodeNotTowns are capitalised words after a number that are no town.
var postcodeNotTowns = txSet("euroa", "eur", "e", "km", "kg", "kr", "sek", "usd", "dollaria", "robux", "v",
	"followers", "seuraajaa", "seuraajat", "tykkäystä", "likes", "views", "katselua", "askelta", "steps",
	"pistettä", "points", "kalori", "kcal", "ihmistä", "people", "vuotta", "years", "mk", "markkaa", "kpl",
	"dkk", "nok", "gbp", "€", "eu", "fi", "the", "and", "ja", "och", "tai", "or", "jpg", "png", "mb", "gb")

// detectPostcodes finds Finnish postal codes (five digits) before a
// capitalised town ("00100 Helsinki", "33100 TAMPERE"), after an address
// ("…42 d 18, 01200 vantaa") or after a cue ("postinumero 00100"), and
// Swedish ones ("123 45 Stad"). Only the code is matched; the town stays.
func detectPostcodes(s string, out []match) []match {
	t := plainText(s)
	return detectPostcodesIn(&t, out)
}

func detectPostcodesIn(t *text, out []match) []match {
	s := t.s
	// A code is a run of three or five digits.
	if len(s) < 5 || t.digits < 3 {
		return out
	}
	digits := t.digitCursor()
	for i := digits.next(0); i < len(s); i = digits.next(i + 1) {
		e := txDigitEnd(s, i)
		n := e - i
		if n != 5 && n != 3 {
			i = e - 1
			continue
		}
		if txWordBefore(s, i) && !(i >= 3 && s[i-1] == '-' && strings.EqualFold(s[i-3:i-1], "fi")) {
			i = e - 1
			continue
		}
		if i > 0 && (s[i-1] == '.' || s[i-1] == ',' || s[i-1] == '+' || s[i-1] == '/' || s[i-1] == '-' && !(i >= 3 && strings.EqualFold(s[i-3:i-1], "fi"))) {
			i = e - 1
			continue
		}
		end := e
		if n == 3 {
			// Swedish "123 45".
			if e+3 > len(s) || s[e] != ' ' || !txIsDigit(s[e+1]) || !txIsDigit(s[e+2]) || (e+3 < len(s) && txIsDigit(s[e+3])) || s[i] == '0' {
				i = e - 1
				continue
			}
			end = e + 3
		}
		if end < len(s) && (txWordAt(s, end) || ((s[end] == '.' || s[end] == ',' || s[end] == ':' || s[end] == '/' || s[end] == '-') && end+1 < len(s) && txIsDigit(s[end+1]))) {
			i = end - 1
			continue
		}
		// Part of a longer spaced number ("040 12345 67")?
		spacedBefore := i >= 2 && s[i-1] == ' ' && txIsDigit(s[i-2])
		spacedAfter := end+1 < len(s) && s[end] == ' ' && txIsDigit(s[end+1])
		cue := txCueWords(s, i-32, i, postcodeCues, nil) || postcodeAsPlace(s, i, end)
		if cue && n == 5 && !spacedAfter {
			out = append(out, match{KindAddress, i, end})
			i = end - 1
			continue
		}
		if spacedAfter || (spacedBefore && !postcodeAfterAddress(s, i)) {
			i = end - 1
			continue
		}
		town, townUpper := postcodeTownAfter(s, end)
		if town && (townUpper || (n == 5 && postcodeAfterAddress(s, i))) {
			out = append(out, match{KindAddress, i, end})
		}
		i = end - 1
	}
	return out
}

// postcodeNotTownStems start words that count things ("Robuxia",
// "Seuraajaa", "Euroa").
var postcodeNotTownStems = []string{"robux", "bucks", "seuraaj", "tykkäy", "follower", "like", "view", "euro",
	"dollar", "askel", "kalori", "piste", "point", "subscriber", "tilaaj", "katselu", "kruunu", "krona", "kronor",
	"coin", "kolikk", "gem", "timant", "vuot", "year", "ihmis", "henk", "oppila", "asukk", "invån", "kpl"}

func postcodeNotTownStem(w string) bool {
	for _, p := range postcodeNotTownStems {
		if len(w) >= len(p) && strings.EqualFold(w[:len(p)], p) {
			return true
		}
	}
	return false
}

// postcodePlacePreps make a bare code a place: "en ungdomsgård i 65100",
// "somewhere in 00100", "alueella 33720".
var postcodePlacePreps = txSet("i", "in", "på", "near", "nära", "around", "kring", "area", "alueella", "alueelle",
	"alueelta", "alue", "alueen", "lähellä", "postinumeroalueella", "postinumeroalue", "område", "området")

// postcodeAsPlace reports a five-digit code used as a place: after a
// locative word (and not before a unit: "i 10000 år"), or with a Finnish
// case ending ("00100:ssa").
func postcodeAsPlace(s string, i, end int) bool {
	if end-i != 5 {
		return false
	}
	if end+2 < len(s) && s[end] == ':' && txIsASCIILetter(s[end+1]) {
		le := txLetterEnd(s, end+1)
		switch strings.ToLower(s[end+1 : le]) {
		case "ssa", "ssä", "sta", "stä", "lla", "llä", "lta", "ltä", "lle", "n", "een", "seen":
			return true
		}
	}
	if i < 2 || s[i-1] != ' ' {
		return false
	}
	ps := txLetterStart(s, i-1)
	if ps == i-1 || !txLowerIn(s[ps:i-1], postcodePlacePreps) {
		return false
	}
	// Not a quantity: "i 10000 år", "in 20000 years".
	if end+1 < len(s) && s[end] == ' ' {
		if ok, _ := txLetterAt(s, end+1); ok {
			we := txLetterEnd(s, end+1)
			w := s[end+1 : we]
			if txLowerIn(w, streetUnits) || txLowerIn(w, postcodeNotTowns) || postcodeNotTownStem(w) {
				return false
			}
		}
	}
	return true
}

// postcodeTownAfter reports whether a word follows the code after one
// space (or a comma and a space), and whether it is capitalised.
func postcodeTownAfter(s string, end int) (bool, bool) {
	j := end
	if j < len(s) && s[j] == ',' {
		j++
	}
	if j >= len(s) || s[j] != ' ' {
		return false, false
	}
	j++
	ok, _ := txLetterAt(s, j)
	if !ok {
		return false, false
	}
	we := txLetterEnd(s, j)
	if we-j < 2 && !(we-j == 1 && we < len(s) && s[we] == '-') {
		return false, false
	}
	if txLowerIn(s[j:we], postcodeNotTowns) || postcodeNotTownStem(s[j:we]) {
		return false, false
	}
	return true, txIsUpperAt(s, j)
}

// postcodeAfterAddress reports whether the code at i follows an address: a
// comma or space after a house number or stair/flat, or a street word.
func postcodeAfterAddress(s string, i int) bool {
	j := i
	if j >= 1 && s[j-1] == ' ' {
		j--
	}
	if j >= 1 && s[j-1] == ',' {
		j--
	}
	if j == i {
		return false
	}
	if j >= 1 && txIsDigit(s[j-1]) {
		// "…18, 01200": the digits before should end an address.
		k := j
		for k > 0 && (txIsDigit(s[k-1]) || s[k-1] == ' ' || txIsASCIILetter(s[k-1]) || s[k-1] == '.') && j-k < 24 {
			k--
		}
		return postcodeStreetNear(s, i)
	}
	return postcodeStreetNear(s, i)
}

// postcodeStreetNear reports whether a street word ends within 40 bytes
// before i.
func postcodeStreetNear(s string, i int) bool {
	from := txRuneStartAfter(s, i-40)
	for k := from; k < i; {
		ok, n := txLetterAt(s, k)
		if !ok {
			if n == 0 {
				n = 1
			}
			k += n
			continue
		}
		we := txLetterEnd(s, k)
		if _, p, ok := streetSuffixOf(s[k:we]); ok && (p > 0 || txIsUpperAt(s, k)) {
			return true
		}
		k = we
	}
	return false
}
