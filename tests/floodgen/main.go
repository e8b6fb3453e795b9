// Command floodgen attacks Kysy's intake, POST /api/v1/questions, the way
// a flood would, to show what the per-address rate limiter does with it:
//
//   - many: -addrs simulated clients, each from its own loopback alias
//     (127.0.1.0, 127.0.1.1, … by default), each sending as fast as it
//     can on -workers keep-alive connections;
//   - one: one client from a single alias (-one-addr, 127.0.0.2) sending
//     as fast as it can on -one-conns connections;
//   - spray: -addrs addresses, each sending -per-addr questions (default
//     one) on a fresh connection, -workers at a time; it makes the limiter
//     remember as many addresses as it can, to show that its memory is
//     bounded. The run ends when every address has sent (or at -duration),
//     and the other groups stop with it;
//   - both: many and one at once.
//
// -phase takes one of these or several joined with commas (spray,one).
// Throughout, a normal client from its own alias (-normal-addr, 127.0.0.3)
// sends one question every -normal-every on a fresh connection, as a
// person would. At the end it prints, per group, the 201s, 429s, other
// statuses, transport errors and the latency, and exits 1 if the normal
// client got anything but 201s, or a many or one flooder got no 429.
//
// Linux routes all of 127.0.0.0/8 to the loopback device, so binding a
// connection's source to any 127.x.y.z needs no setup. Every alias lies in
// 127.0.0.0/8 and 127.0.0.1 is never used for an attacker. floodgen
// imports no Kysy package: it speaks HTTP only, and only to the -url it is
// given, which must be a loopback address.
//
//	go run ./tests/floodgen -url http://127.0.0.1:8080 -phase many -duration 30
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/netip"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"kysy/tests/internal/loadkit"
)

// questions are plain, made-up questions with no personal details: no
// names, numbers, addresses or schools.
var questions = []struct{ lang, text string }{
	{"fi", "Mitä tapahtuu, jos kerron koulun kuraattorille, että kotona on riitaa?"},
	{"fi", "Voiko sosiaalityöntekijän kanssa jutella ilman, että vanhemmat saavat tietää?"},
	{"fi", "Kuinka kauan lastensuojeluilmoituksen käsittely yleensä kestää?"},
	{"fi", "Onko normaalia, että jännittää koko ajan, kun pitää mennä kotiin?"},
	{"fi", "Saako nuori itse pyytää apua perheneuvolasta?"},
	{"sv", "Vad händer efter en orosanmälan, och får jag veta vad som bestäms?"},
	{"sv", "Kan jag prata med en socialarbetare utan att mina föräldrar är med?"},
	{"sv", "Är det okej att be om hjälp fast det inte är så allvarligt hemma?"},
	{"en", "What happens after someone files a child welfare report about a family?"},
	{"en", "Can a young person talk to a social worker without their parents there?"},
	{"en", "Is it normal to feel worried all the time about things at home?"},
	{"en", "How do I know whether my situation is serious enough to ask for help?"},
}

type body struct {
	Text string `json:"text"`
	Lang string `json:"lang"`
}

// tally is one group's count; a worker keeps its own and they are merged
// at the end.
type tally struct {
	lat      []time.Duration // every completed request, any status
	statuses map[int]int
	noRetry  int // 429s without a Retry-After header
	errs     map[string]int
	firstErr string
}

func newTally() *tally {
	return &tally{statuses: map[int]int{}, errs: map[string]int{}}
}

func (t *tally) merge(o *tally) {
	t.lat = append(t.lat, o.lat...)
	for k, v := range o.statuses {
		t.statuses[k] += v
	}
	for k, v := range o.errs {
		t.errs[k] += v
	}
	t.noRetry += o.noRetry
	if t.firstErr == "" {
		t.firstErr = o.firstErr
	}
}

// group collects the tallies of one kind of client.
type group struct {
	name    string
	clients int // distinct source addresses
	conns   int // connections or workers
	mu      sync.Mutex
	total   *tally
	start   time.Time
	end     time.Time
}

func (g *group) add(t *tally) {
	g.mu.Lock()
	g.total.merge(t)
	g.end = time.Now() // the group's time runs until its last worker ends
	g.mu.Unlock()
}

func main() {
	rawURL := flag.String("url", "http://127.0.0.1:8080", "base URL of a Kysy server on a loopback address (or the full .../api/v1/questions URL)")
	seconds := flag.Int("duration", 30, "how long to attack, in seconds (spray stops earlier once every address has sent)")
	phase := flag.String("phase", "both", "many | one | both | spray, or several joined with commas (spray,one)")
	addrs := flag.Int("addrs", 2000, "distinct source addresses for many and spray")
	workers := flag.Int("workers", 2, "many: connections per address; spray: addresses sending at once")
	firstAddr := flag.String("first-addr", "127.0.1.0", "first source address for many and spray; the next ones follow it")
	perAddr := flag.Int("per-addr", 1, "spray: questions each address sends")
	oneAddr := flag.String("one-addr", "127.0.0.2", "source address of the one-address flooder")
	oneConns := flag.Int("one-conns", 64, "connections of the one-address flooder")
	normalAddr := flag.String("normal-addr", "127.0.0.3", "source address of the normal client")
	normalEvery := flag.Duration("normal-every", 5*time.Second, "the normal client sends one question this often (0: no normal client)")
	flag.Parse()

	fail := func(format string, a ...any) {
		fmt.Fprintf(os.Stderr, "floodgen: "+format+"\n", a...)
		os.Exit(2)
	}
	target, err := loadkit.IntakeURL(*rawURL, "floodgen")
	if err != nil {
		fail("%v", err)
	}
	if *seconds < 1 || *seconds > 3600 {
		fail("-duration must be 1..3600 seconds")
	}
	groups := map[string]bool{}
	for _, p := range strings.Split(*phase, ",") {
		switch p = strings.TrimSpace(p); p {
		case "many", "one", "spray":
			groups[p] = true
		case "both":
			groups["many"], groups["one"] = true, true
		default:
			fail("-phase %q: want many, one, both or spray, or several joined with commas", p)
		}
	}
	if groups["many"] && groups["spray"] {
		fail("-phase: many and spray both use -addrs from -first-addr; run them one at a time")
	}
	if *addrs < 1 || *addrs > 1<<23 {
		fail("-addrs must be 1..%d", 1<<23)
	}
	if *workers < 1 || *workers > 4096 || *oneConns < 1 || *oneConns > 4096 || *perAddr < 1 {
		fail("-workers and -one-conns must be 1..4096, -per-addr at least 1")
	}
	if groups["many"] && *addrs**workers > 16384 {
		fail("-addrs × -workers must be at most 16384 connections for many")
	}
	first, err := aliasAddr(*firstAddr)
	if err != nil {
		fail("-first-addr: %v", err)
	}
	one, err := aliasAddr(*oneAddr)
	if err != nil {
		fail("-one-addr: %v", err)
	}
	normal, err := aliasAddr(*normalAddr)
	if err != nil {
		fail("-normal-addr: %v", err)
	}
	// The flooders' range must hold neither the one flooder nor the normal
	// client, whose buckets would then be shared.
	last, ok := nth(first, *addrs-1)
	if (groups["many"] || groups["spray"]) && !ok {
		fail("-first-addr %s + %d addresses leaves 127.0.0.0/8", first, *addrs)
	}
	for _, a := range []netip.Addr{one, normal} {
		if (groups["many"] || groups["spray"]) && first.Compare(a) <= 0 && a.Compare(last) <= 0 {
			fail("%s lies in the flooders' range %s–%s", a, first, last)
		}
	}
	if one == normal {
		fail("-one-addr and -normal-addr must differ")
	}

	// Requests started before the deadline run to their end (bounded by
	// the client timeout): an answer is never cut off and miscounted.
	d := time.Duration(*seconds) * time.Second
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()

	var all []*group
	var wg sync.WaitGroup
	start := time.Now()
	if groups["many"] {
		g := &group{name: "many", clients: *addrs, conns: *addrs * *workers, total: newTally(), start: start}
		all = append(all, g)
		for i := range *addrs {
			src, _ := nth(first, i)
			client := newClient(src, *workers, true)
			for w := range *workers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					g.add(flood(ctx, client, target, uint64(i)<<8|uint64(w)))
				}()
			}
		}
	}
	if groups["one"] {
		g := &group{name: "one", clients: 1, conns: *oneConns, total: newTally(), start: start}
		all = append(all, g)
		client := newClient(one, *oneConns, true)
		for w := range *oneConns {
			wg.Add(1)
			go func() {
				defer wg.Done()
				g.add(flood(ctx, client, target, 1<<40|uint64(w)))
			}()
		}
	}
	var sprayed atomic.Int64
	if groups["spray"] {
		g := &group{name: "spray", clients: *addrs, conns: *workers, total: newTally(), start: start}
		all = append(all, g)
		// One transport whose dialer takes the source address from the
		// request's context; without keep-alive no connection is reused
		// for another address.
		tr := newTransport(*workers, false, func(ctx context.Context) netip.Addr {
			return ctx.Value(srcKey{}).(netip.Addr)
		})
		client := &http.Client{Transport: tr, Timeout: 10 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		var next atomic.Int64
		var swg sync.WaitGroup
		for w := range *workers {
			wg.Add(1)
			swg.Add(1)
			go func() {
				defer wg.Done()
				defer swg.Done()
				t := newTally()
				rng := rand.New(rand.NewPCG(uint64(w)+1, 0x73707279))
				var buf bytes.Buffer
				for ctx.Err() == nil {
					i := next.Add(1) - 1
					if i >= int64(*addrs) {
						break
					}
					src, _ := nth(first, int(i))
					sctx := context.WithValue(context.Background(), srcKey{}, src)
					for range *perAddr {
						send(sctx, client, target, rng, &buf, t)
					}
					sprayed.Add(1)
				}
				g.add(t)
			}()
		}
		// Once every address has sent, the run is over: the other groups
		// stop too.
		go func() { swg.Wait(); cancel() }()
	}
	var ng *group
	if *normalEvery > 0 {
		ng = &group{name: "normal", clients: 1, conns: 1, total: newTally(), start: start}
		all = append(all, ng)
		client := newClient(normal, 1, false)
		wg.Add(1)
		go func() {
			defer wg.Done()
			ng.add(steady(ctx, client, target, *normalEvery))
		}()
	}
	if len(all) == 0 {
		fail("nothing to run")
	}
	// A line of progress every 10 s goes to stderr, so a long run shows it
	// is alive without cluttering the report.
	go func() {
		tk := time.NewTicker(10 * time.Second)
		defer tk.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tk.C:
				if groups["spray"] {
					fmt.Fprintf(os.Stderr, "floodgen: %.0fs, %d of %d addresses sprayed\n", time.Since(start).Seconds(), sprayed.Load(), *addrs)
				}
			}
		}
	}()
	wg.Wait()
	elapsed := time.Since(start)
	ok = report(os.Stdout, target, *phase, elapsed, all)
	if !ok {
		os.Exit(1)
	}
}

type srcKey struct{}

// aliasAddr parses an IPv4 loopback alias other than 127.0.0.1.
func aliasAddr(s string) (netip.Addr, error) {
	a, err := netip.ParseAddr(s)
	if err != nil || !a.Is4() || !a.IsLoopback() {
		return netip.Addr{}, fmt.Errorf("%q is not an IPv4 loopback address", s)
	}
	if a == netip.MustParseAddr("127.0.0.1") {
		return netip.Addr{}, errors.New("127.0.0.1 is kept for the server")
	}
	return a, nil
}

// nth returns the i-th address after first, if it stays inside 127/8 and
// is not the broadcast address 127.255.255.255.
func nth(first netip.Addr, i int) (netip.Addr, bool) {
	b := first.As4()
	v := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
	v += uint32(i)
	if v>>24 != 127 || v == 0x7fffffff {
		return netip.Addr{}, false
	}
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}), true
}

// newTransport returns a transport whose connections leave from the
// address src returns for the dial's context.
func newTransport(conns int, keepAlive bool, src func(context.Context) netip.Addr) *http.Transport {
	return &http.Transport{
		Proxy: nil, // loopback only: never through a proxy
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			d := net.Dialer{
				Timeout:   5 * time.Second,
				LocalAddr: &net.TCPAddr{IP: src(ctx).AsSlice()},
			}
			return d.DialContext(ctx, network, addr)
		},
		DisableKeepAlives:   !keepAlive,
		MaxIdleConns:        conns,
		MaxIdleConnsPerHost: conns,
		MaxConnsPerHost:     conns,
		IdleConnTimeout:     30 * time.Second,
		DisableCompression:  true,
	}
}

// newClient returns a client whose every connection leaves from src.
func newClient(src netip.Addr, conns int, keepAlive bool) *http.Client {
	tr := newTransport(conns, keepAlive, func(context.Context) netip.Addr { return src })
	return &http.Client{Transport: tr, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// flood sends questions one after another until ctx ends.
func flood(ctx context.Context, client *http.Client, target string, seed uint64) *tally {
	t := newTally()
	rng := rand.New(rand.NewPCG(seed+1, 0x666c6f6f64))
	var buf bytes.Buffer
	for ctx.Err() == nil {
		if !send(context.Background(), client, target, rng, &buf, t) {
			time.Sleep(10 * time.Millisecond) // no hot loop against a server that is not there
		}
	}
	client.CloseIdleConnections()
	return t
}

// steady sends one question every period until ctx ends, the first at once.
func steady(ctx context.Context, client *http.Client, target string, period time.Duration) *tally {
	t := newTally()
	rng := rand.New(rand.NewPCG(7, 0x6e6f726d))
	var buf bytes.Buffer
	tk := time.NewTicker(period)
	defer tk.Stop()
	for {
		send(context.Background(), client, target, rng, &buf, t)
		select {
		case <-ctx.Done():
			return t
		case <-tk.C:
			if ctx.Err() != nil {
				return t
			}
		}
	}
}

// send posts one question and counts the outcome; false means a transport
// error.
func send(ctx context.Context, client *http.Client, target string, rng *rand.Rand, buf *bytes.Buffer, t *tally) bool {
	q := questions[rng.IntN(len(questions))]
	buf.Reset()
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(body{Text: q.text, Lang: q.lang}); err != nil {
		panic(err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(buf.Bytes()))
	if err != nil {
		panic(err)
	}
	req.Header.Set("Content-Type", "application/json")
	t0 := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		k := loadkit.ErrKind(err)
		t.errs[k]++
		if t.firstErr == "" {
			t.firstErr = err.Error()
		}
		return false
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	lat := time.Since(t0)
	if err != nil {
		t.errs["read body"]++
		return false
	}
	t.lat = append(t.lat, lat)
	t.statuses[resp.StatusCode]++
	if resp.StatusCode == http.StatusTooManyRequests && resp.Header.Get("Retry-After") == "" {
		t.noRetry++
	}
	return true
}

// report prints one block per group and says whether the run passed.
func report(w io.Writer, target, phase string, elapsed time.Duration, groups []*group) bool {
	fmt.Fprintf(w, "floodgen: %s, phase %s, %.2fs\n", target, phase, elapsed.Seconds())
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	pass := true
	for _, g := range groups {
		t := g.total
		slices.Sort(t.lat)
		secs := elapsed.Seconds()
		if !g.end.IsZero() {
			secs = g.end.Sub(g.start).Seconds()
		}
		other := 0
		codes := make([]int, 0, len(t.statuses))
		for k, v := range t.statuses {
			if k != http.StatusCreated && k != http.StatusTooManyRequests {
				codes = append(codes, k)
				other += v
			}
		}
		sort.Ints(codes)
		nerr := 0
		kinds := make([]string, 0, len(t.errs))
		for k, v := range t.errs {
			kinds = append(kinds, k)
			nerr += v
		}
		sort.Strings(kinds)
		p := g.name
		fmt.Fprintf(w, "%s-addresses: %d\n%s-connections: %d\n", p, g.clients, p, g.conns)
		fmt.Fprintf(w, "%s-seconds: %.2f\n", p, secs)
		fmt.Fprintf(w, "%s-requests: %d (%.0f/s)\n", p, len(t.lat), float64(len(t.lat))/secs)
		fmt.Fprintf(w, "%s-201: %d\n%s-429: %d\n", p, t.statuses[http.StatusCreated], p, t.statuses[http.StatusTooManyRequests])
		if t.noRetry > 0 {
			fmt.Fprintf(w, "%s-429-without-retry-after: %d\n", p, t.noRetry)
		}
		for _, k := range codes {
			fmt.Fprintf(w, "%s-status-%d: %d\n", p, k, t.statuses[k])
		}
		fmt.Fprintf(w, "%s-other-status: %d\n", p, other)
		for _, k := range kinds {
			fmt.Fprintf(w, "%s-error-%s: %d\n", p, strings.ReplaceAll(k, " ", "-"), t.errs[k])
		}
		fmt.Fprintf(w, "%s-errors: %d\n", p, nerr)
		if t.firstErr != "" {
			fmt.Fprintf(w, "%s-first-error: %s\n", p, t.firstErr)
		}
		fmt.Fprintf(w, "%s-p50-ms: %.2f\n%s-p99-ms: %.2f\n%s-max-ms: %.2f\n",
			p, ms(loadkit.Pct(t.lat, 50)), p, ms(loadkit.Pct(t.lat, 99)), p, ms(loadkit.Pct(t.lat, 100)))
		switch g.name {
		case "normal":
			sent := len(t.lat) + nerr
			if sent == 0 || t.statuses[http.StatusCreated] != sent {
				fmt.Fprintf(w, "FAIL: the normal client got %d 201s of %d questions sent\n", t.statuses[http.StatusCreated], sent)
				pass = false
			}
			if sent > 0 {
				fmt.Fprintf(w, "normal-201-rate: %.1f%%\n", 100*float64(t.statuses[http.StatusCreated])/float64(sent))
			}
		case "many", "one":
			if t.statuses[http.StatusTooManyRequests] == 0 {
				fmt.Fprintf(w, "FAIL: the %s flooders got no 429\n", g.name)
				pass = false
			}
		}
	}
	if pass {
		fmt.Fprintln(w, "result: PASS")
	} else {
		fmt.Fprintln(w, "result: FAIL")
	}
	return pass
}
