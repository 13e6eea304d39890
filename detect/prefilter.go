package detect

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"slices"
	"sort"
	"strings"
)

// The prefilter finds every occurrence of every keyword in one pass.
//
// Each keyword is represented by one 4-byte gram: its rarest 4 bytes, or,
// for a 3-byte keyword, the keyword followed by each byte a match may
// continue with. A keyword matched regardless of case contributes every
// case variant of its gram (at most 16). The scan loads 4 bytes at every
// position, hashes them into a 2^18-bit (32 KiB) table that fits in L1 cache and
// moves on unless the bit is set: on ordinary logs well under 1% of
// positions pass, and only those look at the exact grams and compare
// keywords. The cost per byte is a load, a multiply, two shifts and a bit
// test, whatever the number of keywords: the prefilter is sub-linear in
// the catalog size.

const (
	tableBits = 18
	headBits  = 14 // buckets of the exact-gram index
	hashMul   = 0x9E3779B1
	hashMul2  = 0x85EBCA77 // the second, independent filter
)

// keyword is one distinct keyword of the prefilter.
type keyword struct {
	text []byte
	fold bool
	pats []int32 // compiled pattern indexes; empty for decode triggers
	// trigger marks a keyword that starts decoding (base64 forms of
	// distinctive keywords); enc is how to decode.
	trigger bool
	enc     Encoding
}

// gramRef says that a gram occurs in keyword kw at offset off.
type gramRef struct {
	kw  int32
	off int32
}

type prefilter struct {
	bits [1 << tableBits / 64]uint64
	// bits2 is a second filter over the same grams with another hash:
	// a position whose gram passes bits is compared against the exact
	// grams only if it passes bits2 too, which rejects most accidental
	// passes for the cost of one more bit test.
	bits2 [1 << tableBits / 64]uint64
	grams map[uint32][]gramRef // build time only
	// heads[b]..heads[b+1] index the entries whose gram is in bucket b.
	heads   []int32
	entries []gramEntry
	kws     []keyword
	// maxKeyword is the length of the longest keyword.
	maxKeyword int
}

// gramEntry is one (gram, keyword, offset) of the prefilter.
type gramEntry struct {
	gram uint32
	ref  gramRef
}

func gramHash(g uint32) uint32 { return (g * hashMul) >> (32 - tableBits) }

func gramHash2(g uint32) uint32 { return (g * hashMul2) >> (32 - tableBits) }

// gramBucket is the bucket of the exact-gram index that g falls in.
func gramBucket(g uint32) uint32 { return (g * hashMul) >> (32 - headBits) }

// followBytes are the bytes that may follow a 3-byte keyword.
var followBytes = func() []byte {
	var out []byte
	for c := byte('a'); c <= 'z'; c++ {
		out = append(out, c, c-('a'-'A'))
	}
	for c := byte('0'); c <= '9'; c++ {
		out = append(out, c)
	}
	// '%' and '&' let a percent-escape trigger be followed by another
	// escape or the next query parameter.
	return append(out, '-', '_', '.', '%', '&')
}()

// gramCost ranks how common a folded byte is in logs; lower is rarer. The
// prefilter represents each keyword by its rarest gram.
func gramCost(c byte) int {
	switch {
	case c == ' ' || c == '\t':
		return 12
	case c >= '0' && c <= '9':
		return 8
	case c == 'e' || c == 't' || c == 'a' || c == 'o' || c == 'i' || c == 'n' || c == 's' || c == 'r':
		return 9
	case c == 'h' || c == 'l' || c == 'd' || c == 'c' || c == 'u' || c == 'm' || c == 'p':
		return 7
	case c >= 'a' && c <= 'z':
		return 4
	case c == '.' || c == ':' || c == '/' || c == '-' || c == '=' || c == ',':
		return 6
	default:
		return 2
	}
}

func gramOf(b []byte) uint32 { return binary.LittleEndian.Uint32(b) }

// caseVariants returns every ASCII case variant of the 4-byte gram g.
func caseVariants(g uint32) []uint32 {
	out := []uint32{g}
	for i := 0; i < 4; i++ {
		c := byte(g >> (8 * i))
		lo := c | 0x20
		if lo < 'a' || lo > 'z' {
			continue
		}
		for _, v := range out {
			out = append(out, v^uint32(0x20)<<(8*i))
		}
	}
	return out
}
func buildPrefilter(pats []compiled, decode bool) prefilter {
	pf := prefilter{grams: make(map[uint32][]gramRef)}
	index := make(map[string]int32)
	add := func(text string, fold bool, pat int32, trigger bool, enc Encoding) {
		key := text
		if fold {
			key = "i:" + string(lower([]byte(text)))
		} else {
			key = "s:" + text
		}
		if trigger {
			key = "t" + key
		}
		i, ok := index[key]
		if !ok {
			i = int32(len(pf.kws))
			index[key] = i
			pf.kws = append(pf.kws, keyword{text: []byte(text), fold: fold, trigger: trigger, enc: enc})
		}
		if pat >= 0 {
			kw := &pf.kws[i]
			if len(kw.pats) == 0 || kw.pats[len(kw.pats)-1] != pat {
				kw.pats = append(kw.pats, pat)
			}
		}
	}
	for i := range pats {
		p := &pats[i].p
		for _, k := range p.Keywords {
			add(k, p.KeywordsFoldCase, int32(i), false, EncodingNone)
		}
	}
	if decode {
		// Base64 forms of the keywords of patterns that recognise a secret
		// on its own, at the three byte alignments, and their hex forms,
		// start decoding of the run around them. Keywords matched regardless of case contribute
		// their forms as written, in lower case, capitalised and in upper
		// case (password=, Password=, PASSWORD=): the cases real text
		// uses.
		for i := range pats {
			p := &pats[i].p
			if p.NeedsContext {
				continue
			}
			for _, k := range p.Keywords {
				variants := []string{k}
				if p.KeywordsFoldCase {
					l := lower([]byte(k))
					t := slices.Clone(l)
					if len(t) > 0 && t[0] >= 'a' && t[0] <= 'z' {
						t[0] -= 'a' - 'A'
					}
					for _, v := range []string{string(l), string(t), strings.ToUpper(k)} {
						if !slices.Contains(variants, v) {
							variants = append(variants, v)
						}
					}
				}
				for _, v := range variants {
					for _, t := range base64Forms(v) {
						add(t, false, -1, true, EncodingBase64)
						if u := strings.NewReplacer("+", "-", "/", "_").Replace(t); u != t {
							add(u, false, -1, true, EncodingBase64) // the URL-safe alphabet
						}
					}
				}
				// Hex forms (lower- and upper-case digits) of the same
				// variants.
				for _, v := range variants {
					h := hex.EncodeToString([]byte(v))
					add(h, false, -1, true, EncodingHex)
					add(strings.ToUpper(h), false, -1, true, EncodingHex)
				}
				// HTML forms of a keyword that holds a character HTML
				// escapes ("ciphertext" written &quot;ciphertext&quot;):
				// the references each common escaper writes.
				for _, v := range variants {
					for _, h := range htmlForms(v) {
						add(h, false, -1, true, EncodingHTML)
					}
				}
			}
		}
		for _, t := range []string{"%2F", "%2B", "%3D", "%40", "%3A", "%24", "%25", "%2f", "%2b", "%3d", "%3a"} {
			add(t, false, -1, true, EncodingPercent)
		}
		for _, t := range []string{`\u00`, `:\/\/`} {
			add(t, false, -1, true, EncodingJSON)
		}
		// References for the characters of secrets that break a keyword
		// when escaped (1//0, +ASt, sig=).
		for _, t := range []string{"&#x2F;", "&#x2f;", "&#47;", "&#x2B;", "&#x2b;", "&#43;", "&#x3D;", "&#x3d;", "&#61;", "&sol;", "&plus;", "&equals;"} {
			add(t, false, -1, true, EncodingHTML)
		}
	}
	for ki := range pf.kws {
		kw := &pf.kws[ki]
		pf.maxKeyword = max(pf.maxKeyword, len(kw.text))
		var grams []uint32
		ref := gramRef{kw: int32(ki)}
		if len(kw.text) == 3 {
			base := uint32(kw.text[0]) | uint32(kw.text[1])<<8 | uint32(kw.text[2])<<16
			for _, c := range followBytes {
				grams = append(grams, base|uint32(c)<<24)
			}
		}
		if len(kw.text) >= 4 {
			best, bestCost := 0, 1<<30
			for off := 0; off+4 <= len(kw.text); off++ {
				cost := 0
				for _, c := range kw.text[off : off+4] {
					cost += gramCost(c | 0x20)
				}
				if kw.fold {
					// Each letter doubles the variants to insert.
					for _, c := range kw.text[off : off+4] {
						if lo := c | 0x20; lo >= 'a' && lo <= 'z' {
							cost += 3
						}
					}
				}
				if cost < bestCost {
					best, bestCost = off, cost
				}
			}
			grams = append(grams, gramOf(kw.text[best:]))
			ref.off = int32(best)
		}
		for _, g := range grams {
			if !kw.fold {
				pf.insert(g, ref)
				continue
			}
			for _, v := range caseVariants(g) {
				pf.insert(v, ref)
			}
		}
	}
	for g, refs := range pf.grams {
		for _, r := range refs {
			pf.entries = append(pf.entries, gramEntry{gram: g, ref: r})
		}
	}
	sort.Slice(pf.entries, func(a, b int) bool {
		ea, eb := pf.entries[a], pf.entries[b]
		if ha, hb := gramBucket(ea.gram), gramBucket(eb.gram); ha != hb {
			return ha < hb
		}
		if ea.gram != eb.gram {
			return ea.gram < eb.gram
		}
		return ea.ref.kw < eb.ref.kw
	})
	pf.heads = make([]int32, 1<<headBits+1)
	for _, e := range pf.entries {
		pf.heads[gramBucket(e.gram)+1]++
	}
	for i := 1; i < len(pf.heads); i++ {
		pf.heads[i] += pf.heads[i-1]
	}
	pf.grams = nil
	return pf
}

func (pf *prefilter) insert(g uint32, r gramRef) {
	for _, x := range pf.grams[g] {
		if x == r {
			return
		}
	}
	pf.grams[g] = append(pf.grams[g], r)
	h := gramHash(g)
	pf.bits[h>>6] |= 1 << (h & 63)
	h2 := gramHash2(g)
	pf.bits2[h2>>6] |= 1 << (h2 & 63)
}

// htmlEscapers are the references common HTML escapers write for the
// characters they escape (html.EscapeString, Python's html.escape, PHP's
// htmlspecialchars): each writes one style throughout a text.
var htmlEscapers = []*strings.Replacer{
	strings.NewReplacer(`"`, "&#34;", "'", "&#39;", "&", "&amp;", "<", "&lt;", ">", "&gt;"),
	strings.NewReplacer(`"`, "&quot;", "'", "&#x27;", "&", "&amp;", "<", "&lt;", ">", "&gt;"),
	strings.NewReplacer(`"`, "&quot;", "'", "&#039;", "&", "&amp;", "<", "&lt;", ">", "&gt;"),
	strings.NewReplacer(`"`, "&#x22;", "'", "&apos;", "&", "&#x26;", "<", "&#x3C;", ">", "&#x3E;"),
}

// htmlForms returns the HTML-escaped forms of k, none when k holds no
// character HTML escapes.
func htmlForms(k string) []string {
	if !strings.ContainsAny(k, `"'&<>`) {
		return nil
	}
	var out []string
	for _, r := range htmlEscapers {
		if f := r.Replace(k); !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	return out
}

// base64Forms returns base64 texts of at least 4 characters that the bytes
// of k always encode to, at each of the three alignments k can take in a
// base64 stream. Characters that also depend on the bytes before k are
// enumerated over those bits (4 or 16 variants) when that is needed to
// reach 4 characters; characters that depend on the bytes after k are
// dropped.
func base64Forms(k string) []string {
	var out []string
	for pad := 0; pad < 3; pad++ {
		start := 0 // first character determined by k alone
		if pad > 0 {
			start = (pad*8 + 5) / 6
		}
		end := ((pad + len(k)) * 8) / 6 // characters before the partial last one
		if end-start >= 4 {
			buf := make([]byte, pad+len(k))
			copy(buf[pad:], k)
			out = append(out, base64.StdEncoding.EncodeToString(buf)[start:end])
			continue
		}
		if pad == 0 || end-(start-1) < 4 {
			continue
		}
		// Include the straddling character before k: its low bits come
		// from k, its high bits (2 for pad 1, 4 for pad 2) from the byte
		// before.
		bits := 2 * pad
		for v := 0; v < 1<<bits; v++ {
			buf := make([]byte, pad+len(k))
			copy(buf[pad:], k)
			buf[pad-1] = byte(v)
			out = append(out, base64.StdEncoding.EncodeToString(buf)[start-1:end])
		}
	}
	return out
}

// lower returns an ASCII-lowercased copy of b (used at build time only).
func lower(b []byte) []byte {
	out := make([]byte, len(b))
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		out[i] = c
	}
	return out
}

// equalFold reports whether a and b are equal ignoring ASCII case.
func equalFold(a, b []byte) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := a[i], b[i]
		if x == y {
			continue
		}
		if x|0x20 != y|0x20 {
			return false
		}
		if c := x | 0x20; c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}

// candidate is a keyword occurrence.
type candidate struct {
	kw    int32
	start int
}

// findGeneric appends every keyword occurrence in src to dst. It is the
// portable twin of find (see prefilter_unsafe.go); tests cross-check them.
func (pf *prefilter) findGeneric(dst []candidate, src []byte) []candidate {
	n := len(src)
	if n < 4 {
		return dst
	}
	bits := &pf.bits
	for i := 0; i <= n-4; i++ {
		g := binary.LittleEndian.Uint32(src[i : i+4 : i+4])
		h := (g * hashMul) >> (32 - tableBits)
		if bits[h>>6]&(1<<(h&63)) == 0 {
			continue
		}
		dst = pf.verify(dst, src, i, g)
	}
	return dst
}

func (pf *prefilter) verify(dst []candidate, src []byte, i int, g uint32) []candidate {
	if h2 := gramHash2(g); pf.bits2[h2>>6]&(1<<(h2&63)) == 0 {
		return dst
	}
	h := gramBucket(g)
	for _, e := range pf.entries[pf.heads[h]:pf.heads[h+1]] {
		if e.gram != g {
			continue
		}
		r := e.ref
		kw := &pf.kws[r.kw]
		start := i - int(r.off)
		end := start + len(kw.text)
		if start < 0 || end > len(src) {
			continue
		}
		var ok bool
		if kw.fold {
			ok = equalFold(src[start:end], kw.text)
		} else {
			ok = string(src[start:end]) == string(kw.text)
		}
		if ok {
			dst = append(dst, candidate{kw: r.kw, start: start})
		}
	}
	return dst
}
