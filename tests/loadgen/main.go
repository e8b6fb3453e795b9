// Command loadgen drives Kysy's intake, POST /api/v1/questions, over HTTP
// for a fixed time with a fixed number of connections, and reports how many
// questions were accepted (201) per second and the latency distribution.
//
// It imports no Kysy package: it speaks HTTP only, and only to the -url it
// is given, which must be a loopback address.
//
//	go run ./tests/loadgen -url http://127.0.0.1:8080 -duration 30 -c 64
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"kysy/tests/internal/loadkit"
)

// question is one realistic question as a young person might write it;
// some carry (fake) phone numbers, e-mail addresses or an identity code so
// that the server's redactor has work to do.
type question struct {
	lang string
	text string
}

var questions = []question{
	{"fi", "Mun isä juo joka viikonloppu ja huutaa äidille. Voiko sossu viedä mut pois kotoa jos kerron tästä?"},
	{"fi", "Kaveri kertoi että sen kotona lyödään. Sen numero on 040 123 4567, voitteko soittaa sille?"},
	{"fi", "Saako koulukuraattori kertoa vanhemmille jos mä puhun sille masennuksesta?"},
	{"fi", "Mitä lastensuojeluilmoituksen jälkeen tapahtuu? Mä oon 14 ja pelkään että joudun laitokseen."},
	{"fi", "Äiti sanoo että jos kerron kenellekään, se tappaa itsensä. Mun sähköposti on salainen.tyttö99@example.com"},
	{"fi", "Voinko itse hakea sijaisperheeseen? Kotona on tosi paha olla ja koulu menee huonosti."},
	{"fi", "Onko normaalia että isäpuoli lukee mun viestit? Soita mulle +358 50 765 4321 jos voit."},
	{"fi", "Mun pikkusisko ei saa ruokaa kun äiti on töissä. Mitä mä voin tehdä?"},
	{"fi", "Meillä on kotona väkivaltaa ja mä soitin jo 112 kerran. Mitä nyt tapahtuu?"},
	{"fi", "Mun hetu on 131052-308T ja sossu kysyi sitä, onko se ok antaa puhelimessa?"},
	{"sv", "Min pappa dricker och jag är rädd när han kommer hem. Kan socialen hjälpa mig utan att han vet?"},
	{"sv", "Får skolkuratorn berätta för mina föräldrar om jag säger att jag skadar mig själv?"},
	{"sv", "Min kompis blir slagen hemma. Hennes mejl är kompis.hjalp@example.org, kan ni kontakta henne?"},
	{"sv", "Vad händer om jag gör en barnskyddsanmälan om mig själv? Ring mig på 045 987 6543."},
	{"sv", "Jag vill inte bo hemma längre. Kan jag flytta till min mormor fast mamma säger nej?"},
	{"sv", "Jag har ringt 116 111 men ingen svarade. Vem kan jag prata med i kväll?"},
	{"en", "My mom's boyfriend yells at me every night. Can a social worker help me without telling him?"},
	{"en", "Is it true that child protection can take me away if I tell the school nurse about home?"},
	{"en", "My friend says her dad hits her. Email me at worried.friend@example.net, what should I do?"},
	{"en", "I am 15 and my parents lock me in my room. Call me on 050 111 2233 after school please."},
	{"en", "Can I talk to a social worker anonymously? I don't want my dad to find out."},
	{"en", "My teacher noticed bruises. Will they call my parents first or the police?"},
}

type body struct {
	Text           string `json:"text"`
	Lang           string `json:"lang,omitempty"`
	ConsentPublish bool   `json:"consent_publish"`
}

// worker results, merged at the end.
type result struct {
	lat      []time.Duration // every completed request, any status
	statuses map[int]int
	errs     map[string]int
}

func main() {
	rawURL := flag.String("url", "http://127.0.0.1:8080", "base URL of a Kysy server on a loopback address (or the full .../api/v1/questions URL)")
	seconds := flag.Int("duration", 10, "how long to send, in seconds")
	conns := flag.Int("c", 64, "concurrent connections (one request in flight on each)")
	variety := flag.Int("text-variety", len(questions), fmt.Sprintf("how many of the %d built-in questions to cycle through (1 = the same text each time); "+
		"above %d, two questions are joined at random for more variety", len(questions), len(questions)))
	flag.Parse()

	target, err := loadkit.IntakeURL(*rawURL, "loadgen")
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(2)
	}
	if *seconds < 1 || *seconds > 3600 {
		fmt.Fprintln(os.Stderr, "loadgen: -duration must be 1..3600 seconds")
		os.Exit(2)
	}
	if *conns < 1 || *conns > 4096 {
		fmt.Fprintln(os.Stderr, "loadgen: -c must be 1..4096")
		os.Exit(2)
	}
	if *variety < 1 {
		*variety = 1
	}

	tr := &http.Transport{
		Proxy:               nil, // loopback only: never through a proxy
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
		MaxIdleConns:        *conns,
		MaxIdleConnsPerHost: *conns,
		MaxConnsPerHost:     *conns,
		IdleConnTimeout:     30 * time.Second,
		DisableCompression:  true,
	}
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

	// Every request ends by the deadline plus the client timeout: the run
	// is bounded in time whatever the server does.
	d := time.Duration(*seconds) * time.Second
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()

	results := make([]result, *conns)
	var wg sync.WaitGroup
	start := time.Now()
	for i := range *conns {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			results[i] = work(ctx, client, target, i, *variety)
		}(i)
	}
	wg.Wait()
	elapsed := time.Since(start)
	tr.CloseIdleConnections()
	report(os.Stdout, target, *conns, elapsed, results)
}

func work(ctx context.Context, client *http.Client, target string, id, variety int) result {
	res := result{lat: make([]time.Duration, 0, 8192), statuses: map[int]int{}, errs: map[string]int{}}
	rng := rand.New(rand.NewPCG(uint64(id)+1, 0x6b797379))
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	for {
		if ctx.Err() != nil {
			return res
		}
		buf.Reset()
		q := pick(rng, variety)
		if err := enc.Encode(body{Text: q.text, Lang: q.lang, ConsentPublish: rng.IntN(3) == 0}); err != nil {
			panic(err)
		}
		// The request is not tied to ctx: one that started before the
		// deadline runs to its end (bounded by the client timeout), so an
		// accepted question is never cut off and miscounted.
		req, err := http.NewRequest(http.MethodPost, target, bytes.NewReader(buf.Bytes()))
		if err != nil {
			panic(err)
		}
		req.Header.Set("Content-Type", "application/json")
		t0 := time.Now()
		resp, err := client.Do(req)
		if err != nil {
			res.errs[loadkit.ErrKind(err)]++
			time.Sleep(10 * time.Millisecond) // no hot loop against a server that is not there
			continue
		}
		_, err = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		lat := time.Since(t0)
		if err != nil {
			res.errs["read body"]++
			continue
		}
		res.lat = append(res.lat, lat)
		res.statuses[resp.StatusCode]++
	}
}

// pick returns the next question: one of the first variety built-in ones,
// or, above len(questions), two joined at random.
func pick(rng *rand.Rand, variety int) question {
	if variety <= len(questions) {
		return questions[rng.IntN(variety)]
	}
	a, b := questions[rng.IntN(len(questions))], questions[rng.IntN(len(questions))]
	return question{lang: a.lang, text: a.text + " " + b.text}
}

func report(w io.Writer, target string, conns int, elapsed time.Duration, results []result) {
	var lat []time.Duration
	statuses := map[int]int{}
	errs := map[string]int{}
	for _, r := range results {
		lat = append(lat, r.lat...)
		for k, v := range r.statuses {
			statuses[k] += v
		}
		for k, v := range r.errs {
			errs[k] += v
		}
	}
	slices.Sort(lat)
	secs := elapsed.Seconds()
	fmt.Fprintf(w, "loadgen: %s, %d connections, %.2fs\n", target, conns, secs)
	fmt.Fprintf(w, "requests: %d (%.0f/s)\n", len(lat), float64(len(lat))/secs)
	fmt.Fprintf(w, "accepted-201: %d\n", statuses[http.StatusCreated])
	fmt.Fprintf(w, "accepted/s: %.0f\n", float64(statuses[http.StatusCreated])/secs)
	codes := make([]int, 0, len(statuses))
	for k := range statuses {
		if k != http.StatusCreated {
			codes = append(codes, k)
		}
	}
	sort.Ints(codes)
	other := 0
	for _, k := range codes {
		fmt.Fprintf(w, "status-%d: %d\n", k, statuses[k])
		other += statuses[k]
	}
	fmt.Fprintf(w, "other-status: %d\n", other)
	kinds := make([]string, 0, len(errs))
	nerr := 0
	for k, v := range errs {
		kinds = append(kinds, k)
		nerr += v
	}
	sort.Strings(kinds)
	for _, k := range kinds {
		fmt.Fprintf(w, "error-%s: %d\n", strings.ReplaceAll(k, " ", "-"), errs[k])
	}
	fmt.Fprintf(w, "transport-errors: %d\n", nerr)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	fmt.Fprintf(w, "p50-ms: %.2f\np90-ms: %.2f\np99-ms: %.2f\nmax-ms: %.2f\n",
		ms(loadkit.Pct(lat, 50)), ms(loadkit.Pct(lat, 90)), ms(loadkit.Pct(lat, 99)), ms(loadkit.Pct(lat, 100)))
}
