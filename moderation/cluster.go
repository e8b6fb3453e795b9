package moderation

import (
	"hash/fnv"
	"math/bits"
	"strings"
	"sync"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Near-duplicate grouping at intake (issue 6): questions that say the
// same thing get the same cluster_id, so that the console can offer to
// answer them together. A 64-bit SimHash over word unigrams and bigrams of
// the redacted, normalised text is compared with the hashes of recent
// questions; within maxClusterDistance bits, the new question joins the
// older one's cluster (whose id is the id of its first question). Only the
// hashes live here, in memory and for the last clusterWindow questions:
// near-duplicates arrive close together, and a restart merely starts
// grouping afresh.

const (
	// maxClusterDistance is the largest Hamming distance between two
	// SimHashes that still counts as the same question.
	maxClusterDistance = 3
	// clusterWindow is how many recent questions are remembered.
	clusterWindow = 16384
	// minClusterWords keeps very short texts ("hei", "apua") out of
	// clusters: they say too little to be the same question.
	minClusterWords = 4
)

// simHash returns the SimHash of text and whether it has enough words to
// be compared.
func simHash(text string) (uint64, bool) {
	words := clusterWords(text)
	if len(words) < minClusterWords {
		return 0, false
	}
	var weights [64]int
	add := func(feature string, w int) {
		h := fnv.New64a()
		h.Write([]byte(feature))
		v := h.Sum64()
		for i := range weights {
			if v&(1<<i) != 0 {
				weights[i] += w
			} else {
				weights[i] -= w
			}
		}
	}
	for i, w := range words {
		add(w, 1)
		if i > 0 {
			add(words[i-1]+" "+w, 2)
		}
	}
	var out uint64
	for i, w := range weights {
		if w > 0 {
			out |= 1 << i
		}
	}
	return out, true
}

// clusterWords lowercases text, drops diacritics and punctuation, and
// splits it into words; placeholders such as [NAME] count as words.
func clusterWords(text string) []string {
	var b strings.Builder
	for _, r := range norm.NFD.String(strings.ToLower(text)) {
		switch {
		case unicode.Is(unicode.Mn, r):
			// a combining mark: ä → a
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		default:
			b.WriteByte(' ')
		}
	}
	return strings.Fields(b.String())
}

// clusterEntry is one remembered question.
type clusterEntry struct {
	hash    uint64
	id      int64
	cluster int64
}

// clusterer remembers the SimHashes of recent questions. Lookups go
// through four 16-bit bands: two hashes within 3 bits agree on at least
// one band, so only questions sharing a band are compared.
type clusterer struct {
	mu    sync.Mutex
	ring  []clusterEntry
	next  int
	bands [4]map[uint16][]int32 // band value → ring positions
}

func newClusterer() *clusterer {
	c := &clusterer{ring: make([]clusterEntry, 0, clusterWindow)}
	for i := range c.bands {
		c.bands[i] = map[uint16][]int32{}
	}
	return c
}

func band(h uint64, i int) uint16 { return uint16(h >> (16 * i)) }

// match returns the cluster a question with hash h belongs to, or 0.
func (c *clusterer) match(h uint64) int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	best, bestDist := int64(0), maxClusterDistance+1
	for i := range c.bands {
		for _, pos := range c.bands[i][band(h, i)] {
			e := c.ring[pos]
			if d := bits.OnesCount64(e.hash ^ h); d < bestDist {
				best, bestDist = e.cluster, d
			}
		}
	}
	return best
}

// remember records a stored question; cluster is its cluster, or its own
// id when it starts one.
func (c *clusterer) remember(h uint64, id, cluster int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := clusterEntry{hash: h, id: id, cluster: cluster}
	if len(c.ring) < clusterWindow {
		c.ring = append(c.ring, e)
		c.index(len(c.ring) - 1)
		return
	}
	old := c.ring[c.next]
	for i := range c.bands {
		c.unindex(i, band(old.hash, i), int32(c.next))
	}
	c.ring[c.next] = e
	c.index(c.next)
	c.next = (c.next + 1) % clusterWindow
}

func (c *clusterer) index(pos int) {
	for i := range c.bands {
		b := band(c.ring[pos].hash, i)
		c.bands[i][b] = append(c.bands[i][b], int32(pos))
	}
}

func (c *clusterer) unindex(i int, b uint16, pos int32) {
	list := c.bands[i][b]
	for k, p := range list {
		if p == pos {
			list[k] = list[len(list)-1]
			list = list[:len(list)-1]
			break
		}
	}
	if len(list) == 0 {
		delete(c.bands[i], b)
	} else {
		c.bands[i][b] = list
	}
}
