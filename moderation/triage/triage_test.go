package triage_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"kysy/moderation/triage"
)

func classifier(t testing.TB) *triage.Classifier {
	t.Helper()
	c, err := triage.New()
	if err != nil {
		t.Fatalf("embedded rules do not compile: %v", err)
	}
	return c
}

// TestSignals checks that each urgent category raises its own named
// signal, in Finnish (spoken and written), Swedish and English.
func TestSignals(t *testing.T) {
	c := classifier(t)
	cases := []struct {
		signal string
		texts  []string
	}{
		{"self_harm", []string{
			"haluun vaan kuolla",
			"mä viiltelen itteäni joka ilta",
			"en jaksa elää enää",
			"jag vill inte leva längre",
			"i want to kill myself",
		}},
		{"violence_home", []string{
			"faija hakkaa mua kun se on kännissä",
			"isa lyo mua",
			"äidin miesystävä potki mua eilen",
			"pappa slår mig",
			"my stepdad beats me",
		}},
		{"partner_violence", []string{"mun poikaystävä lyö mua", "my boyfriend hits me"}},
		{"sexual_abuse", []string{
			"isäpuoli koskettelee mua",
			"min styvpappa tafsar på mig",
			"my uncle touches my private parts",
		}},
		{"grooming", []string{
			"joku aikuinen mies pyytää multa nakukuvia",
			"an older guy online wants me to send nudes and meet him",
		}},
		{"image_abuse", []string{"mun nakukuvat on levitetty koko koululle"}},
		{"thrown_out", []string{
			"äiti heitti mut ulos eikä mulla oo mihinkään mennä",
			"my mom kicked me out",
			"pappa slängde ut mig",
		}},
		{"runaway", []string{"karkasin kotoa eilen", "i ran away from home", "jag har rymt hemifrån"}},
		{"substance_emergency", []string{
			"kaveri otti kaikki pillerit eikä herää",
			"min kompis vaknar inte efter all alkohol",
			"my friend took a bunch of pills and won't wake up",
		}},
		{"sibling_danger", []string{"isä lyö mun pikkuveljeä", "dad hits my little sister"}},
		{"afraid_home", []string{"pelkään mennä kotiin", "jag vågar inte gå hem", "i'm scared to go home"}},
		{"honour_violence", []string{"vanhemmat uhkaa lähettää mut kotimaahan naimisiin"}},
		{"abduction", []string{"isä uhkaa hakea mut väkisin koulusta"}},
	}
	for _, tc := range cases {
		for _, text := range tc.texts {
			t.Run(tc.signal+"/"+text, func(t *testing.T) {
				r := c.Classify(text)
				if !r.Urgent || !slices.Contains(r.Signals, tc.signal) {
					t.Errorf("Classify(%q) = %+v, want urgent with signal %s", text, r, tc.signal)
				}
				if r.Spam {
					t.Errorf("Classify(%q) is spam; an urgent question never is", text)
				}
			})
		}
	}
}

// TestModifiers checks the signals that qualify an urgent verdict.
func TestModifiers(t *testing.T) {
	c := classifier(t)
	cases := []struct{ text, want string }{
		{"pelkään mennä kotiin tänään", "tonight"},
		{"isä lyö mua just nyt", "now"},
		{"i'm scared to go home tonight", "tonight"},
		{"mun kaveri sanoo et se haluu tappaa ittensä", "friend"},
	}
	for _, tc := range cases {
		r := c.Classify(tc.text)
		if !r.Urgent || !slices.Contains(r.Signals, tc.want) {
			t.Errorf("Classify(%q) = %+v, want urgent with %s", tc.text, r, tc.want)
		}
	}
}

// calm asserts that none of the texts is urgent.
func calm(t *testing.T, texts ...string) {
	t.Helper()
	c := classifier(t)
	for _, text := range texts {
		if r := c.Classify(text); r.Urgent {
			t.Errorf("Classify(%q) = %+v, want not urgent", text, r)
		}
	}
}

func TestSuppressNegation(t *testing.T) {
	calm(t,
		"en aio tappaa itteäni, kysyn vaan",
		"isä ei oo ikinä lyöny mua",
		"en halua kuolla, pelkään vaan",
		"ei meillä kotona mitään väkivaltaa oo",
		"I'm not going to hurt myself",
		"I would never kill myself",
		"jag tänker inte skada mig själv",
		"pappa slår mig inte",
	)
	// a negation that is part of the phrase is not a denial
	c := classifier(t)
	for _, text := range []string{"en halua elää", "I don't want to live anymore", "jag vill inte leva"} {
		if !c.Classify(text).Urgent {
			t.Errorf("Classify(%q) is not urgent; the negation is part of the crisis", text)
		}
	}
}

func TestSuppressPastAndResolved(t *testing.T) {
	calm(t,
		"kun olin pieni isä löi mua, mut nyt kaikki on hyvin",
		"viiltelin vuosia sitten, nyt arvet hävettää",
		"when I was little my dad hit me, now everything is fine",
		"i used to cut but i've been clean for a year",
		"när jag var liten slog pappa mig men nu är allt bra",
		"mun kaveri karkas eilen mut se tuli jo takasin",
	)
	// the past does not hide what happens again now
	c := classifier(t)
	text := "kun olin pieni isä löi mua ja nyt se lyö taas"
	if !c.Classify(text).Urgent {
		t.Errorf("Classify(%q) is not urgent; it happens again now", text)
	}
}

func TestSuppressHypotheticalAndGeneral(t *testing.T) {
	calm(t,
		"mitä tapahtuu jos joku tekee lastensuojeluilmoituksen?",
		"jos isä lyö lasta, voiko lapsen ottaa huostaan?",
		"mitä jos mun kaveri satuttaa itseään?",
		"saako vanhemmat lyödä lasta?",
		"miksi jotkut nuoret viiltelee?",
		"can the social worker take me away from my parents?",
		"why do people self harm?",
		"vad händer om någon gör en orosanmälan?",
	)
	// a disclosure inside a condition is still a disclosure
	c := classifier(t)
	text := "voiko sossu viedä mut pois jos kerron että isä lyö mua?"
	if !c.Classify(text).Urgent {
		t.Errorf("Classify(%q) is not urgent; the violence is disclosed", text)
	}
	// a threat made conditional by the abuser is a threat
	text = "isäpuoli sanoi et jos kerron kellekään se satuttaa mun pikkusiskoa"
	if !c.Classify(text).Urgent {
		t.Errorf("Classify(%q) is not urgent; it is a threat", text)
	}
}

func TestSuppressIdiomJokeFiction(t *testing.T) {
	calm(t,
		"äiti tappaa mut jos se näkee mun todistuksen",
		"kuolen tylsyyteen matikan tunnilla",
		"my mom will kill me when she sees my grades lol",
		"meidän koira karkas eilen",
		"mut heitettiin ulos luokasta",
		"isä potkas pallon ikkunan läpi",
		"kaveri sano et haluu kuolla mut sit se sano et vitsi vitsi",
		"kirjotan novellia jossa päähenkilö tappaa itsensä",
		"isä heitti mut kouluun aamulla",
		"haluun kuulla muiden kokemuksia",
		"tapaan isää joka toinen viikonloppu",
	)
}

func TestWeakNeedsSupport(t *testing.T) {
	c := classifier(t)
	if r := c.Classify("en halua mennä kotiin"); r.Urgent {
		t.Errorf("a wish alone is not urgent: %+v", r)
	}
	if r := c.Classify("en halua mennä kotiin tänään, isä on taas kännissä"); !r.Urgent {
		t.Errorf("with tonight it is: %+v", r)
	}
	if r := c.Classify("mun kissa kuoli eilen enkä jaksa mitään"); r.Urgent {
		t.Errorf("yesterday does not confirm 'I can't take anything': %+v", r)
	}
}

func TestSpam(t *testing.T) {
	c := classifier(t)
	spam := []struct{ text, signal string }{
		{"VOITA UUS IPHONE!!! klikkaa bit.ly/xyz", "shortener"},
		{"Tienaa 300€ päivässä kotoa käsin, laita yv", "money"},
		{"Osta seuraajia halvalla! 1000 seuraajaa vain 5€", "followers"},
		{"bitcoin tuplaus 24h, kysy lisää telegram @kryptokingi", "crypto"},
		{"asdfghjkl", "gibberish"},
		{"kkkkkkkkkkkkkkkkk", "gibberish"},
		{"jdjdjdjdjdjdjd", "gibberish"},
		{"perkele perkele saatana", "profanity"},
		{"testi testi testi testi", "repeated"},
		{"laita tää 15 ihmiselle tai sulle käy huonosti", "chain"},
		{"Grattis! Du har vunnit en iPhone, klicka här: bit.ly/vinn", "prize"},
		{"Congratulations, claim your $1000 gift card at tinyurl.com/x", "prize"},
	}
	for _, tc := range spam {
		r := c.Classify(tc.text)
		if !r.Spam || r.Urgent || !slices.Contains(r.Signals, tc.signal) {
			t.Errorf("Classify(%q) = %+v, want spam with %s", tc.text, r, tc.signal)
		}
	}
	notSpam := []string{
		"näin teidän postauksen instassa, voiko sossulle soittaa nimettömästi?",
		"luin mll.fi sivuilta että voi soittaa 116 111, onko se ilmainen?",
		"sain linkin https://www.youtube.com/watch?v=abc jossa puhutaan huostaanotosta",
		"voitin kilpailun ja äiti otti palkinnon",
		"mun isä pelaa kasinolla kaikki rahat",
		"hahaha tää on vaan testi, toimiiko tää?",
		"apua apua apua",
		"😭😭😭",
		"112",
		"хочу поговорить с социальным работником",
	}
	for _, text := range notSpam {
		if r := c.Classify(text); r.Spam {
			t.Errorf("Classify(%q) = %+v, want not spam", text, r)
		}
	}
}

// TestUrgentNeverSpam: a crisis next to a link or in few words stays urgent.
func TestUrgentNeverSpam(t *testing.T) {
	c := classifier(t)
	for _, text := range []string{
		"isä lyö mua!!! bit.ly/apua",
		"HALUUN KUOLLA HALUUN KUOLLA HALUUN KUOLLA",
		"i want to die. https://example.com",
	} {
		r := c.Classify(text)
		if !r.Urgent || r.Spam {
			t.Errorf("Classify(%q) = %+v, want urgent and not spam", text, r)
		}
	}
}

// TestResultJSON pins the shape `kysy triage` prints (SPEC §5).
func TestResultJSON(t *testing.T) {
	c := classifier(t)
	b, err := json.Marshal(c.Classify("moi"))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), `{"urgent":false,"spam":false,"signals":[]}`; got != want {
		t.Errorf("JSON = %s, want %s", got, want)
	}
}

// TestOddInput: any string is classified without panicking.
func TestOddInput(t *testing.T) {
	c := classifier(t)
	for _, text := range []string{
		"", " ", "\n\n", "a", "ä", "ÄÄÄÄÄÄ", "a\u0308iti lyo mua", "\xff\xfe", strings.Repeat("lyö ", 2000),
		strings.Repeat("isä ", 500) + "lyö", "...,,,;;;", "mut", "mut mut mut", "𝔦𝔰𝔞̈ 𝔩𝔶𝔬̈",
	} {
		r := c.Classify(text)
		if r.Signals == nil {
			t.Errorf("Classify(%q).Signals is nil", text)
		}
	}
	if !c.Classify("a\u0308iti lyo\u0308 mua").Urgent {
		t.Error("combining diaeresis is not folded")
	}
}

func TestClassifyPackageFunc(t *testing.T) {
	if !triage.Classify("haluun kuolla").Urgent {
		t.Error("triage.Classify does not use the embedded rules")
	}
}

// TestBlindRoundFour covers what the rules learnt from the blind batches
// t4/t5 (README.md): asking for a lethal amount or height, farewell
// letters, nowhere to sleep tonight, a knife, a locked basement, hidden
// bruises, a secret an adult asks a child to keep, a forced marriage — and
// the calm questions that use the same words.
func TestBlindRoundFour(t *testing.T) {
	c := classifier(t)
	urgent := map[string][]string{
		"self_harm": {
			"orkar int leva mer",
			"kuinka monta unilääkettä tarvii ettei herää",
			"is 30 paracetamol enough",
			"how high do you need to jump to die",
			"vad är det snabbaste sättet att dö",
			"hur länge tar det att förblöda",
			"mä kirjotin kirjeet kaikille valmiiks",
		},
		"thrown_out":      {"where can i sleep tonight, dad changed the locks"},
		"violence_home":   {"mamma hotade mig med en kniv igår", "isäpuoli lukitsee mut kellariin aina kun se suuttuu", "miten saan mustelmat piiloon ettei ope huomaa"},
		"grooming":        {"valmentaja sanoi etten saa kertoa vanhemmille meidän viesteistä"},
		"honour_violence": {"mun pitää mennä naimisiin serkun kanssa kesällä"},
		"image_abuse":     {"ne kuvas mua ku mä olin sammunu"},
		"sexual_abuse":    {"sanoin ei mutta se jatkoi silti"},
		"violence":        {"he knows where i live and says he'll come over if i block him"},
		"afraid_home":     {"jag är rädd att vara i samma hus som honom"},
	}
	for signal, texts := range urgent {
		for _, text := range texts {
			r := c.Classify(text)
			if !r.Urgent || !slices.Contains(r.Signals, signal) {
				t.Errorf("%q: got %+v, want urgent with %s", text, r, signal)
			}
		}
	}
	// The rules of this round stay calm on the same words in calm
	// questions (the model's own false alarms are measured on the held-out
	// sets, README.md).
	rules, err := triage.RulesOnly()
	if err != nil {
		t.Fatal(err)
	}
	for _, text := range []string{
		"how many ibuprofen can i take for period pain",
		"voiko buranaa ottaa alkoholin kanssa",
		"my parents changed the locks after the burglary",
		"the coach said not to tell the other team our tactics",
		"how do i cover a bruise from football with makeup",
		"mun isä sanoo et mä en saa syödä karkkia arkena",
	} {
		if r := rules.Classify(text); r.Urgent {
			t.Errorf("%q: got urgent %v, want calm", text, r.Signals)
		}
	}
	// The new taunt rule alone does not make an upset young person spam;
	// with an insult to the service it does.
	if r := rules.Classify("miks te ette auta ketään? kysyin jo viikko sitten"); r.Spam {
		t.Errorf("a complaint became spam: %v", r.Signals)
	}
	if r := c.Classify("this service is useless and you people are a joke"); !r.Spam {
		t.Errorf("an insult to the service is not spam: %v", r.Signals)
	}
}
