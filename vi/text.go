package vi

import (
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// collators are Vietnamese collators with numeric ordering; a Collator
// keeps buffers and is not safe for concurrent use, hence the pool.
var collators = sync.Pool{New: func() any {
	return collate.New(language.Vietnamese, collate.Numeric)
}}

// Compare orders two strings as a Vietnamese reader expects: by the
// Vietnamese alphabet (a ă â b c d đ e ê …, tones after the letter), with
// runs of digits compared as numbers, so "Xã Thử 2" comes before
// "Xã Thử 10". It returns -1, 0 or +1, for slices.SortFunc.
func Compare(a, b string) int {
	c := collators.Get().(*collate.Collator)
	defer collators.Put(c)
	return c.CompareString(a, b)
}

// Fold is s as a search key: lower case, without tone marks or other
// diacritics, đ as d, so "duc thang", "Đức Thắng" and "ĐỨC THẮNG" fold to
// the same "duc thang". Match with strings.Contains(Fold(text), Fold(q)).
func Fold(s string) string {
	if v, ok := foldCache.Load(s); ok {
		return v.(string)
	}
	out := fold(s)
	if foldCacheSize.Add(1) > maxCachedKeys {
		foldCache.Clear()
		foldCacheSize.Store(0)
	}
	foldCache.Store(s, out)
	return out
}

// foldCache remembers Fold's answers: a search filters the same 10,000
// unit names on every request.
var (
	foldCache     sync.Map
	foldCacheSize atomic.Int64
)

func fold(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil {
		out = s
	}
	out = strings.Map(func(r rune) rune {
		switch r {
		case 'đ', 'Đ':
			return 'd'
		}
		return unicode.ToLower(r)
	}, out)
	return out
}

// Key is s's sort key in the order of Compare: sorting many strings by
// their keys (strings.Compare) is much faster than comparing them pairwise
// with Compare, which collates both sides every time. For many keys, a
// Keyer reuses its buffers.
func Key(s string) string { return NewKeyer().Key(s) }

// Keyer computes sort keys (see Key) with one collator and buffer; it is
// not safe for concurrent use.
type Keyer struct {
	c   *collate.Collator
	buf collate.Buffer
}

// NewKeyer is a Keyer for Vietnamese with numeric ordering.
func NewKeyer() *Keyer { return &Keyer{c: collate.New(language.Vietnamese, collate.Numeric)} }

// Key is s's sort key. Keys are remembered process-wide: the same unit
// names are sorted on every page and report, and collating 10,000 names
// costs ~20 ms where looking them up costs well under one.
func (k *Keyer) Key(s string) string {
	if v, ok := keyCache.Load(s); ok {
		return v.(string)
	}
	k.buf.Reset()
	key := string(k.c.KeyFromString(&k.buf, s))
	if keyCacheSize.Add(1) > maxCachedKeys {
		// Names come and go with reorganisations; start afresh rather
		// than grow without bound.
		keyCache.Clear()
		keyCacheSize.Store(0)
	}
	keyCache.Store(s, key)
	return key
}

// keyCache maps a string to its sort key (see Keyer.Key).
var (
	keyCache     sync.Map
	keyCacheSize atomic.Int64
)

// maxCachedKeys bounds keyCache: a national roll-out has ~12,000 units,
// with their parents and former names a few times that.
const maxCachedKeys = 200_000

// SortStable sorts xs stably by the texts each gives, compared in order
// as Compare would (the parent's name, then the name, say), with every
// text's key computed once rather than once per comparison.
func SortStable[T any](xs []T, texts func(T) []string) {
	SortStableKeyed(xs, NewKeyer().Key, texts)
}

// SortStableKeyed is SortStable with the keys made by key.
func SortStableKeyed[T any](xs []T, key func(string) string, texts func(T) []string) {
	if len(xs) < 2 {
		return
	}
	// One flat slice of keys, n a row: no allocation per row.
	n := len(texts(xs[0]))
	keys := make([]string, 0, len(xs)*n)
	for _, x := range xs {
		ts := texts(x)
		for j := range n {
			k := ""
			if j < len(ts) {
				k = key(ts[j])
			}
			keys = append(keys, k)
		}
	}
	order := make([]int32, len(xs))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortStableFunc(order, func(a, b int32) int {
		return slices.Compare(keys[int(a)*n:int(a+1)*n], keys[int(b)*n:int(b+1)*n])
	})
	sorted := make([]T, len(xs))
	for i, j := range order {
		sorted[i] = xs[j]
	}
	copy(xs, sorted)
}
