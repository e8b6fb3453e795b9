package redact

// Names of specific schools and institutions (SPEC §7): "Kallion lukiossa",
// "Lastenkoti Koivulassa", "Kalevankoulu", "Sibbo gymnasium", "barnhemmet
// Fyren", "Oak Hill School". Per the annotation conventions the distinctive
// name part is matched ("Kallion", "Koivulassa"); a one-token compound is
// matched whole. An institution word without a name ("koulussa", "meidän
// koulu", "uusi lukio") is never matched: a name before an institution word
// must be capitalised, a genitive for Finnish institution words, and not one
// of a stop list of determiners, adjectives, roles and sentence-initial verbs.

import (
	"strings"
	"unicode/utf8"
)

// instLang tells which naming pattern an institution word takes.
type instLang uint8

const (
	instFi   instLang = iota + 1 // genitive name before: "Kallion lukio"
	instSvEn                     // any capitalised name before: "Sibbo gymnasium", "Oak Hill School"
)

// instForm is one inflected institution word.
type instForm struct {
	form string
	lang instLang
	// after: the name may follow ("Lastenkoti Koivulassa", "barnhemmet
	// Fyren"); only for the nominative / definite forms.
	after bool
	// direction: the form is an illative or partitive ("kouluun",
	// "lukiota"), which a sentence-initial verb governs ("Menen kouluun").
	verbal bool
	// agree: an inflected form of a "name after" word; a capitalised name
	// in the same case may follow ("päiväkodissa Tähtisilmässä").
	agree string
}

// schoolCaseForms are the endings of each case in both vowel harmonies.
var schoolCaseForms = map[string][]string{
	"ssa": {"ssa", "ssä"}, "ssä": {"ssa", "ssä"}, "sta": {"sta", "stä"}, "stä": {"sta", "stä"},
	"lla": {"lla", "llä"}, "llä": {"lla", "llä"}, "lta": {"lta", "ltä"}, "ltä": {"lta", "ltä"},
	"lle": {"lle"}, "iin": {"iin", "hin", "seen", "aan", "ään", "oon", "öön", "uun", "yyn", "een"},
	"hin":  {"iin", "hin", "seen", "aan", "ään", "oon", "öön", "uun", "yyn", "een"},
	"seen": {"iin", "hin", "seen", "aan", "ään", "oon", "öön", "uun", "yyn", "een"},
	"aan":  {"iin", "hin", "seen", "aan", "ään", "oon", "öön", "uun", "yyn", "een"},
	"oon":  {"iin", "hin", "seen", "aan", "ään", "oon", "öön", "uun", "yyn", "een"},
}

// schoolSameCase reports whether the name w carries the case of the
// institution ending e ("päiväkodissa Tähtisilmässä").
func schoolSameCase(w, e string) bool {
	for _, f := range schoolCaseForms[e] {
		if len(w) > len(f)+2 && strings.HasSuffix(w, f) {
			return true
		}
	}
	return false
}

// schoolCaseEnding returns the Finnish case ending of an inflected
// institution form that a following name agrees with.
func schoolCaseEnding(form string) string {
	for _, e := range []string{"ssa", "ssä", "sta", "stä", "lla", "llä", "lle", "lta", "ltä", "iin", "hin", "seen", "aan", "oon"} {
		if strings.HasSuffix(form, e) {
			return e
		}
	}
	return ""
}

// kotiPrefixes make "koti" an institution (lastenkoti, nuorisokoti…); plain
// "koti" is home.
var kotiPrefixes = []string{"lasten", "nuoriso", "koulu", "perhe", "vastaanotto", "päivä", "ryhmä", "turva",
	"nuorten", "tukiasumis", "hoito", "tuki", "kriisi", "ensi", "hoiva"}

// instForms are the institution word forms; koti forms (kodissa, kotiin…)
// count only after one of kotiPrefixes.
var instForms, instKoti = func() ([]instForm, []bool) {
	var out []instForm
	var koti []bool
	add := func(lang instLang, after, isKoti bool, verbal []string, forms ...string) {
		vb := txSet(verbal...)
		for k, f := range forms {
			agree := ""
			if after && k > 0 && lang == instFi {
				agree = schoolCaseEnding(f)
			}
			out = append(out, instForm{form: f, lang: lang, after: after && k == 0, verbal: vb[f], agree: agree})
			koti = append(koti, isKoti)
		}
	}
	add(instFi, false, false, []string{"kouluun", "koulua"}, "koulu", "koulun", "koulussa", "koulusta", "kouluun",
		"koululla", "koululle", "koululta", "koulua", "koulut", "kouluissa", "kouluista", "kouluihin")
	add(instFi, false, false, []string{"lukioon", "lukiota"}, "lukio", "lukion", "lukiossa", "lukiosta", "lukioon",
		"lukiolla", "lukiolle", "lukiolta", "lukiota")
	for _, pre := range []string{"ala-aste", "yläaste", "yla-aste", "ylä-aste", "alaaste"} {
		add(instFi, false, false, []string{pre + "elle", pre + "tta", pre + "eseen"}, pre, pre+"en", pre+"ella",
			pre+"elle", pre+"elta", pre+"tta", pre+"eseen")
	}
	add(instFi, true, false, []string{"opistoon", "opistoa"}, "opisto", "opiston", "opistossa", "opistosta",
		"opistoon", "opistolla", "opistolle", "opistolta", "opistoa")
	add(instFi, true, true, []string{"kotiin", "kotia"}, "koti", "kodin", "kodissa", "kodista", "kotiin",
		"kodille", "kodilla", "kodilta", "kotia")
	add(instFi, true, false, []string{"nuorisoasemalle", "nuorisoasemaa"}, "nuorisoasema", "nuorisoaseman",
		"nuorisoasemalla", "nuorisoasemalle", "nuorisoasemalta", "nuorisoasemaa")
	add(instFi, true, false, []string{"nuorisotaloon", "nuorisotaloa"}, "nuorisotalo", "nuorisotalon",
		"nuorisotalolla", "nuorisotalolle", "nuorisotalolta", "nuorisotaloon", "nuorisotalossa", "nuorisotaloa")
	add(instFi, true, false, []string{"koulutuskeskukseen"}, "koulutuskeskus", "koulutuskeskuksen",
		"koulutuskeskuksessa", "koulutuskeskuksesta", "koulutuskeskukseen")
	add(instFi, false, false, []string{"sairaalaan", "sairaalaa"}, "sairaala", "sairaalan", "sairaalassa",
		"sairaalasta", "sairaalaan", "sairaalaa")
	add(instFi, false, false, []string{"klinikkaan", "klinikalle"}, "klinikka", "klinikan", "klinikalla",
		"klinikalle", "klinikalta", "klinikassa", "klinikkaan")
	add(instFi, false, false, []string{"kirkkoon"}, "kirkko", "kirkon", "kirkossa", "kirkosta", "kirkkoon",
		"kirkolla", "kirkolle")
	add(instFi, false, false, []string{"seurakuntaan"}, "seurakunta", "seurakunnan", "seurakunnassa",
		"seurakunnasta", "seurakuntaan")
	add(instFi, false, false, []string{"seuraan"}, "seura", "seuran", "seurassa", "seurasta", "seuraan")
	// Swedish and English.
	add(instSvEn, false, false, nil, "skola", "skolan", "skolor", "skolans")
	add(instSvEn, true, false, nil, "förskolan", "förskola")
	add(instSvEn, false, false, nil, "gymnasium", "gymnasiet", "gymnasiets", "gymnasiums")
	add(instSvEn, true, false, nil, "barnhemmet", "barnhem")
	add(instSvEn, true, false, nil, "daghemmet", "daghem")
	add(instSvEn, true, false, nil, "ungdomshemmet", "ungdomshem")
	add(instSvEn, true, false, nil, "hemmet")
	add(instSvEn, false, false, nil, "school", "academy", "college", "kindergarten", "preschool", "schools")
	return out, koti
}()

var instIndex = func() *txSuffixIndex {
	forms := make([]string, len(instForms))
	for i, f := range instForms {
		forms[i] = f.form
	}
	return newTxSuffixIndex(forms)
}()

// instAfterIndex holds only the forms a name may follow ("lastenkoti X").
var instAfterIndex = func() *txSuffixIndex {
	var forms []string
	for _, f := range instForms {
		if f.after {
			forms = append(forms, f.form)
		}
	}
	return newTxSuffixIndex(forms)
}()

// instOf finds the institution form w (any case) ends with, and the length
// of what precedes the institution word in w (for koti forms, before the
// koti prefix: "Lastenkoti" has 0, "Kalevanlastenkoti" 7). The form is
// returned by reference: it is asked of every word.
func instOf(w string) (*instForm, int, bool) {
	i, ok := instIndex.find(w)
	if !ok {
		return nil, 0, false
	}
	f := &instForms[i]
	p := len(w) - len(f.form)
	if instKoti[i] {
		head := w[:p]
		for _, kp := range kotiPrefixes {
			if len(head) >= len(kp) && strings.EqualFold(head[len(head)-len(kp):], kp) {
				return f, p - len(kp), true
			}
		}
		return nil, 0, false
	}
	return f, p, true
}

// schoolNameStop are capitalised words before or after an institution word
// that are not its name: determiners, pronouns, adjectives, roles, time
// words and sentence-initial verbs.
var schoolNameStop = txSet(
	// fi determiners, pronouns, adjectives
	"uusi", "uuden", "uudessa", "uuteen", "vanha", "vanhan", "vanhassa", "vanhaan", "sama", "saman", "samassa",
	"samaan", "oma", "oman", "omassa", "omaan", "meidän", "teidän", "heidän", "minun", "sinun", "hänen", "mun",
	"sun", "sen", "tän", "tämän", "tuon", "ton", "jonkun", "jonkin", "jokaisen", "kaikkien", "yhden", "toisen",
	"eri", "ison", "pienen", "paikallisen", "kunnallisen", "yksityisen", "lähi", "lähimmän", "lähimpään",
	"entisen", "nykyisen", "koko", "ensimmäisen", "viime", "ensi", "seuraavan", "edellisen", "kristillisen",
	"suomenkielisen", "ruotsinkielisen", "englanninkielisen", "kansainvälisen", "kaupungin", "kunnan",
	"valtion", "seurakunnan", "hyvän", "huonon", "parhaan", "erään", "joidenkin", "muiden", "näiden", "niiden",
	"noiden", "ainoan", "oikean", "väärän", "toisessa", "uudelle", "vanhalle", "kyseisen", "saman", "eikö",
	// fi roles and people
	"äidin", "isän", "isin", "iskän", "faijan", "mutsin", "mamman", "pappan", "mummin", "mummon", "vaarin",
	"siskon", "veljen", "kaverin", "ystävän", "poikaystävän", "tyttöystävän", "serkun", "tädin", "sedän", "enon",
	"perheen", "sossun", "opettajan", "open", "rehtorin", "kuraattorin", "terkan", "terveydenhoitajan",
	"lapsen", "lasten", "nuorten", "tyttöjen", "poikien", "aikuisten", "pojan", "tytön", "sisaren", "siskoni",
	"veljeni", "isäpuolen", "äitipuolen", "sijaisperheen", "perheeni", "kaverini", "ystäväni", "naapurin",
	"oppilaan", "oppilaiden", "henkilökunnan", "ohjaajan", "hoitajan", "lääkärin", "poliisin",
	// fi time and function words ending in -n
	"kun", "jos", "ennen", "jälkeen", "tänään", "eilen", "myöhemmin", "sitten", "joten", "miten", "siten", "usein",
	"vain", "kuin", "vuoden", "päivän", "viikon", "kuukauden", "aamun", "illan", "kevään", "syksyn", "kesän",
	"talven", "kolmannen", "neljännen", "ekan", "tokan", "nyt", "vasta", "heti", "aina", "jo", "vielä", "taas",
	"koulun", "lukion", "ammattikoulun", "yläkoulun", "alakoulun", "ala-asteen", "yläasteen", "peruskoulun",
	"mutta", "mut", "ja", "tai", "että", "vaikka", "koska", "niin", "kanssa", "ilman", "kautta",
	// fi sentence-initial verbs ending in -n ("Menen kouluun")
	"menen", "menin", "pääsen", "pääsin", "haen", "hain", "käyn", "kävin", "aloitan", "aloitin", "lopetan",
	"lopetin", "jätän", "jätin", "vaihdan", "vaihdoin", "vihaan", "vihasin", "inhoan", "inhosin", "rakastan",
	"tykkään", "tykkäsin", "pelkään", "pelkäsin", "lähden", "lähdin", "tulen", "tulin", "olen", "olin", "oon",
	"lintsaan", "lintsasin", "haluan", "halusin", "muutan", "muutin", "opiskelen", "opiskelin", "siirryn",
	"siirryin", "palaan", "palasin", "asun", "asuin", "etsin", "löysin", "valitsen", "valitsin", "mietin",
	"ajattelin", "ajattelen", "pyysin", "pyydän", "soitin", "soitan", "kerroin", "kerron", "karkasin",
	"karkaan", "jouduin", "joudun", "vietän", "vietin", "jään", "jäin", "istun", "istuin", "odotan", "odotin",
	"pelkään", "en", "emme", "enkä", "eikä", "voin", "voisin", "saan", "sain", "tiedän", "luulen", "toivon",
	"käytän", "aion", "pitäisin", "menisin", "oon", "oisin", "olisin", "kävisin",
	// sv
	"min", "mitt", "mina", "vår", "vårt", "våra", "din", "ditt", "er", "den", "det", "en", "ett", "nya", "gamla",
	"samma", "andra", "stora", "lilla", "hans", "hennes", "deras", "kommunala", "privata", "svenska", "finska",
	"svenskspråkiga", "finskspråkiga", "närmaste", "vilken", "vilket", "denna", "detta", "i", "på", "till",
	"från", "jag", "vi", "när", "om", "och", "men", "eller", "att", "som", "har", "är", "var", "går", "gick",
	"börjar", "bytte", "byter", "hatar", "mammas", "pappas", "kompisens", "vännens",
	// en
	"my", "our", "your", "his", "her", "their", "the", "a", "an", "this", "that", "these", "those", "new",
	"old", "same", "other", "another", "every", "each", "any", "some", "no", "local", "public", "private",
	"primary", "secondary", "high", "middle", "elementary", "boarding", "reform", "special", "nearest",
	"previous", "current", "next", "last", "first", "second", "in", "at", "to", "from", "of", "for", "and",
	"but", "or", "after", "before", "with", "i", "we", "when", "if", "then", "so", "because", "since",
	"finnish", "swedish", "english", "international", "state", "city", "town", "summer", "sunday", "night",
	"driving", "art", "music", "dance", "language", "catholic", "christian", "grammar", "is", "was", "it",
	"go", "went", "hate", "love", "left", "changed", "mum's", "mom's", "dad's", "friend's",
)

// schoolPlaceStems are the big Finnish towns (and countries): a town's
// genitive before a school ("Vantaan ammattiopisto") or after a home
// ("nuorisokoti Tampereella") is a place, which is kept.
var schoolPlaceStems = []string{"helsin", "helsingfors", "espoo", "esbo", "vantaa", "vanda", "tamper",
	"tammerfors", "turku", "turu", "åbo", "oulu", "oulun", "uleåborg", "jyväskylä", "kuopio", "lahti",
	"lahde", "lahte", "pori", "joensuu", "lappeenran", "hämeenlinn", "vaasa", "vasa", "seinäjo", "rovanie",
	"mikkel", "kotka", "kotkan", "salo", "porvoo", "kokkola", "hyvinkää", "lohja", "lohjan", "järvenpää",
	"rauma", "rauman", "kajaani", "kerava", "savonlinn", "nokia", "kangasala", "kouvola", "imatra", "tuusula",
	"kirkkonum", "sipoo", "nurmijärv", "kemi", "tornio", "tornion", "iisalm", "varkau", "pietarsaar",
	"naantal", "raisio", "raision", "kaarina", "lempäälä", "riihimä", "forssa", "heinola", "valkeakosk",
	"suomi", "suome", "ruotsi", "ruotsa", "norja", "viro", "viroo", "venäjä", "saksa", "englann", "kaupung",
	"kunna", "keskusta", "stockholm", "tukholm", "göteborg", "london", "lontoo", "kaupunki"}

func schoolIsPlace(lw []byte) bool {
	for _, p := range schoolPlaceStems {
		if len(lw) >= len(p) && string(lw[:len(p)]) == p && utf8.RuneCount(lw[len(p):]) <= 6 {
			return true
		}
	}
	return false
}

// schoolCompoundStop are first parts of compounds that are types of
// school, not names ("Peruskoulu", "Lastenkoti", "Grundskolan").
var schoolCompoundStop = txSet("lasten", "nuorten", "kansan", "kaupungin", "kunnan", "valtion", "aikuisten",
	"tyttöjen", "poikien", "perus", "ylä", "ala", "ammatti", "kesä", "auto", "pyhä", "sunnuntai", "erityis",
	"sairaala", "koti", "nuoriso", "perhe", "vastaanotto", "päivä", "ryhmä", "turva", "sijais", "ammattikorkea",
	"korkea", "yhteis", "yksityis", "steiner", "kristillinen", "grund", "gymnasie", "folkhög", "folk", "hög",
	"låg", "mellan", "special", "sommar", "kör", "musik", "privat", "internat", "dag", "barn", "ungdoms", "för",
	"yrkes", "real", "övnings", "flick", "pojk", "kommunal", "stads", "svensk", "finsk", "engelsk",
	"lågstadie", "högstadie", "mellanstadie", "yrkeshög", "yli", "yliopisto", "tanssi", "musiikki", "kuvataide",
	"urheilu", "ilta", "kieli", "kielikoulu", "pre", "high", "home", "after", "boarding", "summer", "sunday",
	"night", "driving", "dance", "art", "music", "tuki", "lukio", "taide", "ratsastus", "uimakoulu", "uima",
	"hiihto", "jalkapallo", "kiekko", "salibandy", "koripallo", "partio", "seura", "kaupunginosa")

// schoolCompoundName: the first part of a compound is a name, not a type.
func schoolCompoundName(pre string, f instForm) bool {
	pre = strings.ToLower(strings.TrimSuffix(pre, "-"))
	if schoolCompoundStop[pre] || utf8.RuneCountInString(pre) < 3 {
		return false
	}
	for st := range schoolCompoundStop {
		if len(st) >= 4 && strings.HasSuffix(pre, st) {
			return false // "Suomalaisyhteis…", "Kaupunginosa…"
		}
	}
	if f.lang == instFi {
		return pre[len(pre)-1] == 'n' && !schoolIsPlace([]byte(pre))
	}
	return true
}

// englishSchoolMods may stand between a name and "school".
var englishSchoolMods = txSet("reform", "boarding", "primary", "secondary", "elementary", "middle", "high",
	"comprehensive", "upper", "lower", "grammar", "special", "public", "private", "international", "community",
	"art", "music", "sports", "language", "junior", "senior", "folk", "christian", "catholic", "steiner",
	"montessori", "vocational", "upper-secondary")

var englishModIndex = newTxWordIndex(nil, txKeys(englishSchoolMods))

// schoolWord is a word of the text; gap: exactly one space separates it
// from the word before.
type schoolWord struct {
	s, e int
	gap  bool
}

// detectSchools finds names of specific schools and institutions. It is
// driven by institution words: each word is tested once against the
// institution forms (a bit set on its last two bytes rejects almost all),
// and only then are the words before it (a ring of four) or the word after
// it examined.
func detectSchools(s string, out []match) []match {
	t := plainText(s)
	return detectSchoolsIn(&t, out)
}

func detectSchoolsIn(t *text, out []match) []match {
	s := t.s
	if len(s) < 6 {
		return out
	}
	words := t.cursor()
	first := len(out)
	var ring [4]schoolWord // ring[n-1] is the word before the current one
	n := 0                 // valid words in the ring
	pendingAfter := false  // the word before was "Lastenkoti", "barnhemmet"…
	pendingAgree := ""     // …or "päiväkodissa": a name in the same case may follow
	cand := 0              // listed words before t.words[cand] are no candidates (schoolCandidate)
	for i := 0; i < len(s); {
		if t.listed && !pendingAfter && pendingAgree == "" {
			// Only a candidate or the word after one can make a match, and
			// only the four words before a candidate can matter to it: skip
			// to the fifth before the next candidate, as if the ring had
			// been reset there. The words skipped are single words (one
			// joined to the next is a candidate), so the one skipped to
			// starts a word as the loop would, and the ring it builds holds
			// the same four words with the same gaps.
			k := words.k
			for k < len(t.words) && int(t.words[k].end) <= i {
				k++
			}
			cand = max(cand, k)
			for cand < len(t.words) && !schoolCandidate(s, t.words[cand]) {
				cand++
			}
			if cand == len(t.words) {
				break
			}
			if cand-k > len(ring) {
				i, n = int(t.words[cand-len(ring)-1].start), 0
			}
		}
		ws, we := words.next(i)
		if ws >= len(s) {
			break
		}
		// A word extended over a hyphen is tested in full.
		we = schoolWordExtend(s, we)
		i = we
		// txNextWord starts after a non-letter: only digits and marks
		// glue a word to the one before.
		// "[NAME]" placeholders from an earlier pass are not words either.
		if ws > 0 && (txIsDigit(s[ws-1]) || s[ws-1] == '@' || s[ws-1] == '_' || s[ws-1] == '/' || s[ws-1] == '[' ||
			s[ws-1] >= utf8.RuneSelf && txWordBefore(s, ws)) || (we < len(s) && s[we] == ']') {
			n, pendingAfter, pendingAgree = 0, false, ""
			continue
		}
		cur := schoolWord{ws, we, n > 0 && ws == ring[n-1].e+1 && s[ring[n-1].e] == ' '}
		w := s[ws:we]
		var f *instForm // set when isInst
		var p int
		var isInst bool
		// Every institution form has four bytes or more.
		if len(w) >= 4 {
			f, p, isInst = instOf(w)
		}
		if pendingAfter && cur.gap && !isInst {
			if m, ok := schoolNameAfter(s, cur); ok {
				out = append(out, m)
			}
		}
		if pendingAgree != "" && cur.gap && !isInst && txIsUpperAt(s, ws) && schoolSameCase(w, pendingAgree) {
			if m, ok := schoolNameAfter(s, cur); ok {
				out = append(out, m)
			}
		}
		pendingAfter, pendingAgree = false, ""
		switch {
		case isInst:
			if p >= 3 && txIsUpperAt(s, ws) && schoolCompoundName(w[:p], *f) {
				// "Kalevankoulu", "Kallionlukiossa", "Katedralskolan".
				out = append(out, match{KindSchool, ws, we})
			} else if cur.gap && n > 0 {
				if m, ok := schoolNameBefore(s, ring[:n], *f, p > 0); ok {
					out = append(out, m)
				}
			}
			pendingAfter, pendingAgree = f.after, f.agree
		case n > 0 && cur.gap && len(w) == 4 && strings.EqualFold(w, "home") && schoolChildrens(s, ring[n-1]):
			// "Sunnyside Children's Home".
			if n > 1 && ring[n-1].gap {
				if m, ok := schoolNameBefore(s, ring[:n-1], instForm{form: "home", lang: instSvEn}, false); ok {
					out = append(out, m)
				}
			}
		}
		if n < len(ring) {
			ring[n] = cur
			n++
		} else {
			ring[0], ring[1], ring[2], ring[3] = ring[1], ring[2], ring[3], cur
		}
	}
	if len(out) > first {
		out = schoolPropagate(t, out, first)
	}
	return out
}

// schoolCandidate reports whether the listed word w is one that
// detectSchoolsIn acts on: an institution word, "home", or a word joined
// to the next (schoolWordExtend), which is tested in full.
func schoolCandidate(s string, w wordSpan) bool {
	ws, we := int(w.start), int(w.end)
	switch {
	case we+1 < len(s) && (s[we] == '-' || s[we] == '\''):
		return true
	case we-ws < 4:
		return false
	case we-ws == 4 && s[ws]|0x20 == 'h' && s[ws+1]|0x20 == 'o' && s[ws+2]|0x20 == 'm' && s[ws+3]|0x20 == 'e':
		return true // "home", in any case
	}
	// instIndex.mayEnd is instOf's first test, and rejects most words.
	return instIndex.mayEnd(s[ws:we]) && schoolIsInst(s[ws:we])
}

func schoolChildrens(s string, w schoolWord) bool {
	x := s[w.s:w.e]
	return strings.EqualFold(x, "children's") || strings.EqualFold(x, "childrens")
}

// schoolWordExtend extends a letter run ending at e over inner hyphens and
// apostrophes ("ala-asteella", "Pohjois-Haagan", "Children's").
func schoolWordExtend(s string, e int) int {
	for e+1 < len(s) && (s[e] == '-' || s[e] == '\'') {
		if ok, _ := txLetterAt(s, e+1); !ok {
			break
		}
		e = txLetterEnd(s, e+1)
	}
	return e
}

// schoolNameBefore finds the name before an institution word of form f;
// prev holds the words before it, the nearest last.
func schoolNameBefore(s string, prev []schoolWord, f instForm, compound bool) (match, bool) {
	var buf [64]byte
	k := len(prev) - 1
	pw := prev[k]
	if f.lang == instFi {
		// "Kallion lukiossa": a capitalised genitive.
		w := s[pw.s:pw.e]
		if !txIsUpperAt(s, pw.s) || w[len(w)-1] != 'n' {
			return match{}, false
		}
		lb, ok := txLower(buf[:], w)
		if !ok || schoolNameStop[string(lb)] || schoolIsPlace(lb) || schoolIsInst(w) {
			return match{}, false
		}
		if f.verbal && schoolSentenceStart(s, pw.s) {
			return match{}, false // "Menen kouluun"
		}
		return match{KindSchool, pw.s, pw.e}, true
	}
	// Swedish and English: "Sibbo gymnasium", "Oak Hill School", "Vanaja
	// reform school", "Espoo International School".
	if !txIsUpperAt(s, pw.s) && englishModIndex.match(s[pw.s:pw.e]) {
		if k == 0 || !pw.gap {
			return match{}, false
		}
		k--
	}
	end := prev[k].e
	start := -1
	words := 0
	for ; k >= 0 && words < 3; k-- {
		x := prev[k]
		w := s[x.s:x.e]
		if !txIsUpperAt(s, x.s) || schoolIsInst(w) {
			break
		}
		lb, ok := txLower(buf[:], w)
		if !ok || schoolNameStop[string(lb)] && !englishSchoolMods[string(lb)] {
			break
		}
		start = x.s
		words++
		if !x.gap {
			break
		}
	}
	if words == 0 {
		return match{}, false
	}
	if words == 1 {
		lb, _ := txLower(buf[:], s[start:end])
		lw := string(lb)
		// A town alone before "school" is a place ("a Helsinki school"),
		// but "Vasa övningsskola" and "Borgå gymnasium" are names.
		if schoolNameStop[lw] || ((schoolIsPlace(lb) || englishSchoolMods[lw]) && !compound && f.form != "gymnasium" && f.form != "gymnasiet") {
			return match{}, false
		}
	}
	return match{KindSchool, start, end}, true
}

func schoolIsInst(w string) bool {
	_, _, ok := instOf(w)
	return ok
}

// schoolNameAfter checks the word after a nominative institution word:
// "Lastenkoti Koivulassa", "barnhemmet Fyren", "vastaanottokoti ankkuriin".
func schoolNameAfter(s string, cur schoolWord) (match, bool) {
	w := s[cur.s:cur.e]
	var buf [64]byte
	lb, ok := txLower(buf[:], w)
	if !ok || schoolNameStop[string(lb)] || schoolIsPlace(lb) {
		return match{}, false
	}
	if txIsUpperAt(s, cur.s) {
		if utf8.RuneCount(lb) < 3 {
			return match{}, false
		}
		return match{KindSchool, cur.s, cur.e}, true
	}
	// A lower-case name needs a case ending that shows it names the home.
	if len(lb) < 5 || schoolLowerStop[string(lb)] {
		return match{}, false
	}
	for _, end := range []string{"iin", "hin", "seen", "aan", "ään", "oon", "öön", "uun", "yyn", "een", "ssa", "ssä", "sta", "stä"} {
		if len(lb) > len(end) && string(lb[len(lb)-len(end):]) == end {
			return match{KindSchool, cur.s, cur.e}, true
		}
	}
	return match{}, false
}

// schoolSentenceStart reports whether the word at ws begins a sentence.
func schoolSentenceStart(s string, ws int) bool {
	j := ws
	for j > 0 && (s[j-1] == ' ' || s[j-1] == '"' || s[j-1] == '(' || s[j-1] == '\t') {
		j--
	}
	if j == 0 {
		return true
	}
	c := s[j-1]
	return c == '.' || c == '!' || c == '?' || c == '\n' || c == '\r' || c == ':'
}

// schoolLowerStop are ordinary words in the cases schoolNameAfter
// accepts.
var schoolLowerStop = txSet("kotiin", "sisään", "takaisin", "tähän", "siihen", "tuohon", "johonkin", "mihin",
	"kouluun", "aikaan", "loppuun", "alkuun", "huomiseen", "jossa", "missä", "mistä", "josta", "jonne",
	"kaupungissa", "kaupunkiin", "kaupungista", "keskustassa", "keskustaan", "keskustasta", "lähellä",
	"kanssa", "sieltä", "täältä", "siellä", "täällä", "tuolla", "jossain", "jostain", "johonkin", "muualla",
	"muualle", "muualta", "kerran", "heti", "vasta", "aamulla", "illalla", "yöllä", "huomenna", "eilen",
	"tänään", "ensin", "sitten", "viikoksi", "pysyvästi", "väliaikaisesti", "kiireellisesti", "huostaan",
	"sijoitukseen", "sijoituksessa", "asumaan", "asuun", "mennessä", "jälkeen", "ennen", "aikana", "asti",
	"saakka", "ilman", "maalla", "maalle", "pohjoisessa", "etelässä", "idässä", "lännessä", "suomessa",
	"ruotsissa", "omaan", "toiseen", "uuteen", "samaan", "erääseen", "johonkin", "kunnassa", "kuntaan",
	"lähistöllä", "naapurissa", "naapuriin", "perheeseen", "perheessä", "laitokseen", "laitoksessa",
	"yksikköön", "yksikössä", "osastolle", "osastolla", "paikkaan", "paikassa", "vuoteen", "kuukauteen",
	"pitkään", "lyhyeen", "varmaan", "luultavasti", "vissiin", "ainakin", "yhteen", "kahteen", "kolmeen",
	"viikkoon", "päivään", "iltaan", "aamuun", "yöhön", "ikään", "alussa", "lopussa", "välissä", "lisäksi",
	"puolesta", "takia", "vuoksi", "kautta", "mukaan", "kesken", "viereen", "vieressä", "luona", "luokse",
	"luota", "asemaan", "asemassa")

// schoolPropagate finds other forms of a matched one-word name
// ("Kompassissa" … "Kompassista"): words that start with a matched name's
// stem and add at most five bytes.
func schoolPropagate(t *text, out []match, first int) []match {
	s := t.s
	stems := map[string]bool{} // stem -> also lower-case words
	anyLower := false
	firsts := &txPairs{}
	minLen, maxLen := 1<<30, 0
	var lbuf [64]byte
	for _, m := range out[first:] {
		w := s[m.start:m.end]
		if strings.ContainsAny(w, " -") {
			continue
		}
		lw := appendLower(lbuf[:0], w) // strings.ToLower(w), without allocating
		st := lw[:schoolStemLen(lw)]
		if utf8.RuneCount(st) < 5 || schoolIsPlace(lw) {
			continue
		}
		// The same name recurs: store (and allocate) a stem only when new,
		// or when it is first seen in lower case.
		lower := !txIsUpperAt(s, m.start)
		if was, ok := stems[string(st)]; !ok || lower && !was {
			stems[string(st)] = was || lower
		}
		anyLower = anyLower || lower
		if firsts.n < 200 {
			firsts.put([2]byte{st[0], st[1]})
		}
		minLen, maxLen = min(minLen, len(st)), max(maxLen, len(st))
	}
	if len(stems) == 0 {
		return out
	}
	seen := map[int]bool{}
	for _, m := range out[first:] {
		seen[m.start] = true
	}
	var buf [64]byte
	words := t.cursor()
	for i := 0; i < len(s); {
		ws, we := words.next(i)
		i = we
		if we-ws < minLen || we-ws > maxLen+5 {
			continue
		}
		c := s[ws]
		upper := c >= 'A' && c <= 'Z' || c >= utf8.RuneSelf && txIsUpperAt(s, ws)
		if (!upper && !anyLower) || !firsts.has(txKey2(s, ws)) || seen[ws] || txWordBefore(s, ws) {
			continue
		}
		lw, ok := txLower(buf[:], s[ws:we])
		if !ok {
			continue
		}
		for l := max(minLen, len(lw)-5); l <= min(maxLen, len(lw)); l++ {
			if l < len(lw) && !utf8.RuneStart(lw[l]) {
				continue
			}
			if lower, ok := stems[string(lw[:l])]; ok && (upper || lower) {
				out = append(out, match{KindSchool, ws, we})
				break
			}
		}
	}
	return out
}

// schoolStemEndings are the Finnish case endings schoolStem strips.
var schoolStemEndings = []string{"seen", "ssa", "ssä", "sta", "stä", "lla", "llä", "lta", "ltä", "lle", "iin",
	"hin", "aan", "ään", "oon", "uun", "yyn", "een", "öön", "ksi", "na", "nä", "n"}

// schoolStemLen is the length of lw's stem: lw less a Finnish case
// ending (the first of schoolStemEndings it has) when four bytes remain.
func schoolStemLen(lw []byte) int {
	for _, end := range schoolStemEndings {
		if len(lw) >= len(end) && string(lw[len(lw)-len(end):]) == end && len(lw)-len(end) >= 4 {
			return len(lw) - len(end)
		}
	}
	return len(lw)
}
