package triage

import (
	"regexp"
	"strings"
	"unicode"
)

// spamThreshold is the score at which a question is spam. A link alone
// (1) or an ad word alone (1–2) is not enough: young people quote
// articles, name apps and ask about money.
const spamThreshold = 3

// calmMax bounds how much child-protection vocabulary can lower the score.
const calmMax = 2

var (
	// hostRe is a word that names a host: "www.x.fi", "bit.ly/abc",
	// "https://…". Only words with a dot or "://" are tried.
	hostRe = regexp.MustCompile(`^(?:https?://)?(?:www\.)?((?:[\pL\pN-]+\.)+([a-z]{2,12}))(?:[/?#:].*)?$`)
	// handleRe finds a social-media handle to contact ("@kryptokingi"),
	// not an email address.
	handleRe = regexp.MustCompile(`(?:^|[\s(:,])@[\pL\pN_.]{3,}`)
	// percentRe finds a discount or a yield: "-70%", "500 %".
	percentRe = regexp.MustCompile(`\d\s?%`)
	// moneyRe finds sums of money: "500€", "€50", "$100", "100 euroa".
	moneyRe = regexp.MustCompile(`(?i)(?:[€$£]\s?\d|\d\s?(?:[€$£]|k?e\b|eur\b|euroa|usd|kr\b|dollars?))`)
)

// shorteners hide where a link goes; invite links pull people elsewhere.
var shorteners = []string{
	"bit.ly", "tinyurl.com", "t.co", "goo.gl", "cutt.ly", "rb.gy", "is.gd", "ow.ly", "shorturl.at",
	"tiny.cc", "t.ly", "rebrand.ly", "linktr.ee", "s.id", "v.gd", "buff.ly", "lnkd.in", "t.me",
	"wa.me", "discord.gg", "bitly.com", "shorte.st", "adf.ly", "qr.ae", "tiny.one", "rotf.lol",
}

// trustedHosts are the services a question may well link to: helplines,
// authorities, the social media the service itself uses, news.
var trustedHosts = []string{
	"mll.fi", "sekasin.fi", "sekasin247.fi", "nettiturvakoti.fi", "mieli.fi", "nollalinja.fi",
	"riku.fi", "poliisi.fi", "112.fi", "kela.fi", "suomi.fi", "thl.fi", "lastensuojelu.info",
	"nuortenlastensuojelu.fi", "hel.fi", "yle.fi", "hs.fi", "nuorisotakuu.fi", "oikeus.fi",
	"finlex.fi", "omaolo.fi", "terveyskyla.fi", "mielenterveystalo.fi", "tukinet.net", "ehyt.fi",
	"bris.se", "1177.se", "childline.org.uk", "kidshelpphone.ca", "instagram.com", "tiktok.com",
	"youtube.com", "wikipedia.org", "kysy.fi", "sekasin.net", "apua.info", "koulukino.fi",
}

// spamSignals returns the spam signals of text, or nil when it is not spam.
func (c *Classifier) spamSignals(text string, d *doc, cx *cues) []string {
	if gibberish(text, d, cx) {
		return []string{"gibberish"}
	}
	if name := trolling(d, cx); name != "" {
		return []string{name}
	}
	score := 0
	var signals []string
	add := func(name string, w int) {
		score += w
		signals = append(signals, name)
	}
	lower := strings.ToLower(text)
	links, short := 0, false
	for _, host := range hosts(lower) {
		switch {
		case hostIn(host, shorteners):
			short = true
		case hostIn(host, trustedHosts):
		default:
			links++
		}
	}
	if short {
		add("shortener", 3)
	}
	if links > 0 {
		add("link", 1)
		if wordsOutside(d) <= 6 {
			// a bare link with a word or two around it
			add("bare_link", 2)
		}
	}
	for _, sec := range c.spam {
		if len(d.spans(sec)) > 0 {
			add(sec.name, sec.weight)
		}
	}
	if strings.Contains(text, "@") && handleRe.MatchString(text) {
		add("handle", 1)
	}
	if len(cx.by["laughter"]) > 0 {
		add("laughter", 1)
	}
	digits := strings.ContainsAny(lower, "0123456789")
	if digits && percentRe.MatchString(lower) {
		add("discount", 1)
	}
	if (digits || strings.ContainsAny(lower, "€$£")) && moneyRe.MatchString(lower) {
		add("sum", 1)
	}
	if shouting(text) {
		add("shouting", 1)
	}
	calm := min(len(cx.by["calm"]), calmMax)
	if score-calm < spamThreshold {
		return nil
	}
	return signals
}

// tlds are the endings that make "word.word" a host rather than a typo
// ("loppu.ja" is not a link).
var tlds = map[string]bool{}

func init() {
	for _, t := range strings.Fields(`com net org fi se io ly me co gg xyz info biz app shop store site online
		top click link ru cn uk eu de tk ml ga cf gq live club us to cc tv ee at gl gd id in pw win vip bet
		casino money no dk nu ai be win`) {
		tlds[t] = true
	}
}

// hosts returns the hosts named in the text, at most eight.
func hosts(lower string) []string {
	if !strings.Contains(lower, ".") {
		return nil
	}
	var out []string
	for _, f := range strings.Fields(lower) {
		if len(out) == 8 {
			break
		}
		if !strings.Contains(f, ".") {
			continue
		}
		f = strings.Trim(f, `.,;!?()[]{}"'«»<>:`)
		m := hostRe.FindStringSubmatch(f)
		if m == nil || (!tlds[m[2]] && !strings.Contains(f, "://")) {
			continue
		}
		out = append(out, strings.TrimPrefix(m[1], "www."))
	}
	return out
}

func hostIn(host string, list []string) bool {
	for _, h := range list {
		if host == h || strings.HasSuffix(host, "."+h) {
			return true
		}
	}
	return false
}

// wordsOutside counts the words of the question, a rough measure of how
// much it says beyond a link.
func wordsOutside(d *doc) int {
	n := 0
	for _, t := range d.toks {
		if len(t.key) > 2 && !allDigits(t.key) {
			n++
		}
	}
	return n
}

// shouting reports ad-style typography: many exclamation marks, many
// emoji, or mostly capitals.
func shouting(text string) bool {
	bang, emoji, upper, letters := 0, 0, 0, 0
	for _, r := range text {
		switch {
		case r == '!':
			bang++
		case r >= 0x1F000 || unicode.Is(unicode.So, r):
			emoji++
		case unicode.IsUpper(r):
			upper++
			letters++
		case unicode.IsLetter(r):
			letters++
		}
	}
	return bang >= 3 || emoji >= 4 || (letters >= 15 && upper*10 >= letters*7)
}

// keyboardRuns are stretches of a keyboard row that a mashing hand types.
var keyboardRuns = []string{
	"qwer", "wert", "erty", "rtyu", "tyui", "yuio", "uiop", "asdf", "sdfg", "dfgh", "fghj", "ghjk",
	"hjkl", "zxcv", "xcvb", "cvbn", "vbnm", "poiu", "oiuy", "iuyt", "lkjh", "kjhg", "jhgf", "hgfd",
	"gfds", "fdsa", "mnbv", "nbvc", "bvcx", "vcxz", "qaz", "wsx", "edc", "jkl", "sdf", "dfg",
}

// keyboard4 and keyboard3 index keyboardRuns by length for quick lookup.
var keyboard4, keyboard3 = func() (map[string]bool, map[string]bool) {
	a, b := map[string]bool{}, map[string]bool{}
	for _, k := range keyboardRuns {
		if len(k) == 4 {
			a[k] = true
		} else {
			b[k] = true
		}
	}
	return a, b
}()

// gibberish reports keyboard mash, strings of one letter, and texts of
// non-words: no word of the three languages, and most words unlike any.
func gibberish(text string, d *doc, cx *cues) bool {
	letters, squeezed := 0, 0
	var prev rune
	for _, r := range strings.ToLower(text) {
		if unicode.IsLetter(r) {
			letters++
			if r != prev {
				squeezed++
			}
			prev = r
		} else if !unicode.IsSpace(r) {
			prev = 0
		}
	}
	if letters == 0 {
		return onlyPunctuation(text)
	}
	if letters >= 6 && squeezed < 3 {
		return true
	}
	laugh := positions(cx, "laughter")
	known := map[int]bool{}
	for _, l := range []string{"lang_fi", "lang_sv", "lang_en"} {
		for _, s := range cx.by[l] {
			known[s.start] = true
		}
	}
	words, bad := 0, 0
	for i, t := range d.toks {
		k := t.key
		if t.alt != "" {
			k = t.alt
		}
		if !hasLetter(k) || (len(k) < 3 && !laugh[i]) {
			continue
		}
		words++
		if laugh[i] || !wordlike(k) {
			bad++
		}
	}
	if words == 0 {
		return false
	}
	if len(known) == 0 && bad*2 >= words {
		return true
	}
	return bad*10 >= words*7
}

// positions returns the words that start a cue of name.
func positions(cx *cues, name string) map[int]bool {
	at := map[int]bool{}
	for _, s := range cx.by[name] {
		at[s.start] = true
	}
	return at
}

// trolling reports texts that only swear or laugh ("perkele perkele
// saatana", "shit shit fuck you all lmao") and texts that repeat one word
// ("kakka kakka kakka kakka"). A repeated call for help is not trolling.
func trolling(d *doc, cx *cues) string {
	rude := positions(cx, "profanity")
	laugh := positions(cx, "laughter")
	help := map[int]bool{}
	for _, n := range []string{"urgency", "now", "recent"} {
		for p := range positions(cx, n) {
			help[p] = true
		}
	}
	words, bad := 0, 0
	count := map[string]int{}
	most, mostWord := 0, ""
	for i, t := range d.toks {
		if !hasLetter(t.key) {
			continue
		}
		words++
		if rude[i] || laugh[i] {
			bad++
		}
		count[t.key]++
		if count[t.key] > most {
			most, mostWord = count[t.key], t.key
		}
	}
	if words >= 2 && bad*2 >= words && len(rude) > 0 {
		return "profanity"
	}
	if most >= 3 && most*4 >= words*3 {
		for i, t := range d.toks {
			if t.key == mostWord && help[i] {
				return ""
			}
		}
		return "repeated"
	}
	return ""
}

func hasLetter(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) {
			return true
		}
	}
	return false
}

// onlyPunctuation: a text of punctuation marks alone ("??!!..."). Digits
// (a helpline number) and emoji (a feeling) are not spam.
func onlyPunctuation(text string) bool {
	n := 0
	for _, r := range text {
		switch {
		case unicode.IsSpace(r):
		case unicode.IsPunct(r):
			n++
		default:
			return false
		}
	}
	return n >= 3
}

// wordlike reports whether a folded word could be Finnish, Swedish or
// English: it has vowels, no long consonant cluster, no keyboard run and
// no short unit repeated over and over. Words in other scripts pass.
func wordlike(w string) bool {
	vowels, cons, maxCons := 0, 0, 0
	for _, r := range w {
		if r > unicode.MaxLatin1 && unicode.IsLetter(r) {
			return true
		}
		switch {
		case strings.ContainsRune("aeiouy", r):
			vowels++
			cons = 0
		case unicode.IsLetter(r):
			cons++
			maxCons = max(maxCons, cons)
		default:
			cons = 0
		}
	}
	if vowels == 0 && len(w) >= 4 {
		return false
	}
	if maxCons >= 5 {
		return false
	}
	if len(w) >= 7 && vowels*7 < len(w) {
		return false
	}
	if len(w) >= 6 {
		for p := 1; p <= 3; p++ {
			if periodic(w, p) {
				return false
			}
		}
	}
	n := 0
	for i := 0; i+3 <= len(w); i++ {
		if i+4 <= len(w) && keyboard4[w[i:i+4]] {
			return false
		}
		if keyboard3[w[i:i+3]] {
			n++
		}
	}
	return n < 2
}

// periodic reports whether w repeats its first p letters throughout.
func periodic(w string, p int) bool {
	for i := p; i < len(w); i++ {
		if w[i] != w[i-p] {
			return false
		}
	}
	return true
}
