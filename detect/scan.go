package detect

import (
	"bytes"
	"cmp"
	"slices"
	"unicode/utf8"

	"github.com/dlclark/regexp2/v2"

	"github.com/leakward/leakward/patterns"
)

// maxRegion bounds the text one regex search runs over. Windows of nearby
// keywords of one pattern are merged up to this size; a longer run of
// keywords is split into overlapping regions.
const maxRegion = 64 << 10

// maxPooledCap is the largest scratch capacity kept in the pool after a
// call, so that one hostile input does not pin memory.
const maxPooledCap = 1 << 16

// hit is a keyword occurrence for one pattern.
type hit struct {
	pat        int32
	start, end int
}

// job is a decode trigger: an encoded run to decode and rescan. The run is
// found around pos, or is [lo, hi) when hi > 0.
type job struct {
	enc    Encoding
	pos    int
	lo, hi int
}

// state is per-call scratch, pooled.
type state struct {
	cands []candidate
	hits  []hit
	jobs  []job
	runes []rune
	offs  []int
	found []Finding
	dec   []byte
	dmap  []int
	join  []byte   // wrapped base64 joined across its line breaks
	wins  []window // decode windows of a block
	meta  patterns.Meta
}

func (st *state) reset() {
	if cap(st.cands) > maxPooledCap {
		st.cands = nil
	}
	if cap(st.hits) > maxPooledCap {
		st.hits = nil
	}
	if cap(st.runes) > maxPooledCap {
		st.runes, st.offs = nil, nil
	}
	if cap(st.found) > maxPooledCap {
		st.found = nil
	}
	if cap(st.dec) > maxPooledCap {
		st.dec, st.dmap = nil, nil
	}
	if cap(st.join) > maxPooledCap {
		st.join = nil
	}
	st.cands, st.hits, st.jobs, st.found, st.wins = st.cands[:0], st.hits[:0], st.jobs[:0], st.found[:0], st.wins[:0]
}

// Scan returns the credentials found in src, sorted by Start, without
// overlaps. It returns nil when there are none, and then allocates nothing.
// src is not modified or retained. Scan never fails: bad input (binary,
// invalid UTF-8, NUL bytes, huge lines) gives a result in bounded time, and a
// regex search that exceeds its match timeout is a miss.
func (d *Detector) Scan(src []byte) []Finding {
	return d.AppendScan(nil, src)
}

// AppendScan appends the findings in src to dst and returns the extended
// slice, for callers who reuse a slice across calls.
func (d *Detector) AppendScan(dst []Finding, src []byte) []Finding {
	st := d.pool.Get().(*state)
	dst = d.scan(st, dst, src, 0)
	st.reset()
	d.pool.Put(st)
	return dst
}

// scanBlock is how much text one prefilter pass covers. Keyword
// occurrences are collected and processed block by block, so scratch
// memory stays bounded however many keywords a long input holds; regex
// windows still reach into neighbouring blocks.
const scanBlock = 256 << 10

// scan finds credentials in src at the given decode depth and appends them
// to dst, resolved and sorted.
func (d *Detector) scan(st *state, dst []Finding, src []byte, depth int) []Finding {
	st.found = st.found[:0]
	for bs := 0; bs < len(src); bs += scanBlock {
		d.scanBlock(st, src, bs, min(len(src), bs+scanBlock), depth)
	}
	if len(st.found) == 0 {
		return dst
	}
	return d.resolve(dst, st.found)
}

// scanBlock appends to st.found the findings around keyword occurrences
// that start in src[bs:be].
func (d *Detector) scanBlock(st *state, src []byte, bs, be, depth int) {
	ext := min(len(src), be+d.pf.maxKeyword-1) // a keyword may end past be
	st.cands = d.pf.find(st.cands[:0], src[bs:ext])
	if len(st.cands) == 0 {
		return
	}
	st.hits, st.jobs = st.hits[:0], st.jobs[:0]
	var near nearMarks
	for _, c := range st.cands {
		start := bs + c.start
		if start >= be {
			continue // the next block reports it
		}
		kw := &d.pf.kws[c.kw]
		if kw.trigger {
			if depth < d.opts.decodeDepth {
				st.jobs = append(st.jobs, job{enc: kw.enc, pos: start})
			}
			continue
		}
		if depth < d.opts.decodeDepth {
			st.nearJobs(src, start, start+len(kw.text), &near)
		}
		for _, p := range kw.pats {
			st.hits = append(st.hits, hit{pat: p, start: start, end: start + len(kw.text)})
		}
	}
	slices.SortFunc(st.hits, func(a, b hit) int {
		if c := cmp.Compare(a.pat, b.pat); c != 0 {
			return c
		}
		return cmp.Compare(a.start, b.start)
	})
	for i := 0; i < len(st.hits); {
		j := i + 1
		pi := st.hits[i].pat
		c := &d.pats[pi]
		lo := max(0, st.hits[i].start-c.reach)
		hi := min(len(src), st.hits[i].end+c.reach)
		for j < len(st.hits) && st.hits[j].pat == pi {
			nlo := max(0, st.hits[j].start-c.reach)
			nhi := min(len(src), st.hits[j].end+c.reach)
			if nlo > hi || nhi-lo > maxRegion {
				break
			}
			hi = max(hi, nhi)
			j++
		}
		d.runRegion(st, c, src, lo, hi, st.hits[i:j])
		i = j
	}
	if len(st.jobs) > 0 {
		d.decodeJobs(st, src, depth)
	}
}

// nearMarks are how far a block's text is known to need no region of
// each kind decoded near a keyword.
type nearMarks struct {
	quiet      int // no \, ESC or & near the keywords before
	slash, esc int // no \/ or ANSI escape region
	ent        int // no HTML reference region
}

// nearJobs records the decode regions near the keyword src[start:end]:
// JSON text up to a \/, and the keyword's line when it holds ANSI escapes
// or HTML references. Most keywords have none of \, ESC and & near them:
// one look at the window settles that.
func (st *state) nearJobs(src []byte, start, end int, m *nearMarks) {
	a, b := lineWindow(src, start, end, m.quiet)
	if w := src[a:b]; bytes.IndexByte(w, '\\') < 0 && bytes.IndexByte(w, 0x1b) < 0 && bytes.IndexByte(w, '&') < 0 {
		m.quiet = max(m.quiet, b)
		return
	}
	if lo, hi, ok := escapedSlashRegion(src, start, end, m.slash); ok {
		st.jobs = append(st.jobs, job{enc: EncodingJSON, pos: lo, lo: lo, hi: hi})
		m.slash = hi
	} else {
		m.slash = max(m.slash, hi)
	}
	if lo, hi, ok := escapeRegion(src, start, end, m.esc); ok {
		st.jobs = append(st.jobs, job{enc: EncodingANSI, pos: lo, lo: lo, hi: hi})
		m.esc = hi
	} else {
		m.esc = max(m.esc, hi)
	}
	if lo, hi, ok := entityRegion(src, start, end, m.ent); ok {
		st.jobs = append(st.jobs, job{enc: EncodingHTML, pos: lo, lo: lo, hi: hi})
		m.ent = hi
	} else {
		m.ent = max(m.ent, hi)
	}
}

// runRegion runs c's regex over src[lo:hi] and records matches that contain
// one of the keyword hits.
func (d *Detector) runRegion(st *state, c *compiled, src []byte, lo, hi int, hits []hit) {
	region := src[lo:hi]
	st.runes, st.offs = toRunes(st.runes[:0], st.offs[:0], region)
	runes, offs := st.runes, st.offs
	if c.anchored != nil {
		d.runAnchored(st, c, src, lo, hits)
		return
	}
	err := c.re.FindRunesMatches(runes, 0, func(m regexp2.MatchView) bool {
		mi, ml, ok := m.GroupRange(0)
		if !ok {
			return true
		}
		ms, me := lo+runeOff(offs, mi), lo+runeOff(offs, mi+ml)
		if !containsHit(hits, ms, me) {
			return true
		}
		ss, se := ms, me
		if c.secretGroup > 0 {
			si, sl, ok := m.GroupRange(c.secretGroup)
			if !ok {
				return true
			}
			ss, se = lo+runeOff(offs, si), lo+runeOff(offs, si+sl)
		}
		if se <= ss {
			return true
		}
		if f, ok := d.judge(st, c, src, ss, se, ms, me); ok {
			st.found = append(st.found, f)
		}
		return true
	})
	if err != nil {
		d.timeouts.Add(1)
	}
}

// runAnchored tries c's anchored regex once at each keyword hit, less each
// of c's leads; st.runes and st.offs hold src[lo:…] decoded.
func (d *Detector) runAnchored(st *state, c *compiled, src []byte, lo int, hits []hit) {
	runes, offs := st.runes, st.offs
	for _, h := range hits {
		for _, lead := range c.leads {
			target := h.start - lead - lo
			if target < 0 {
				continue
			}
			at := target
			if len(offs) > 0 {
				i, found := slices.BinarySearch(offs, target)
				if !found {
					continue // inside a multi-byte rune
				}
				at = i
			}
			if at >= len(runes) {
				continue
			}
			d.tryAt(st, c, src, lo, at)
		}
	}
}

// tryAt runs c's anchored regex at rune index at of st.runes. The regex
// sees only the runes it can reach (c.reach on each side of at): regexp2's
// per-call cost grows with the length of its input, and a dense run of
// keywords would otherwise cost the region's length per attempt.
func (d *Detector) tryAt(st *state, c *compiled, src []byte, lo, at int) {
	a := max(0, at-c.reach)
	b := min(len(st.runes), at+c.reach)
	runes, offs := st.runes[a:b], st.offs
	err := c.anchored.FindRunesMatches(runes, at-a, func(m regexp2.MatchView) bool {
		mi, ml, ok := m.GroupRange(0)
		if !ok || mi != at-a {
			return false
		}
		mi += a
		ms, me := lo+runeOff(offs, mi), lo+runeOff(offs, mi+ml)
		ss, se := ms, me
		if c.secretGroup > 0 {
			si, sl, ok := m.GroupRange(c.secretGroup)
			if !ok {
				return false
			}
			si += a
			ss, se = lo+runeOff(offs, si), lo+runeOff(offs, si+sl)
		}
		if se > ss {
			if f, ok := d.judge(st, c, src, ss, se, ms, me); ok {
				st.found = append(st.found, f)
			}
		}
		return false
	})
	if err != nil {
		d.timeouts.Add(1)
	}
}

// judge applies the validator, entropy and placeholder checks to a
// candidate secret and builds its Finding.
func (d *Detector) judge(st *state, c *compiled, src []byte, ss, se, ms, me int) (Finding, bool) {
	secret := src[ss:se]
	p := &c.p
	if knownDocValues[string(secret)] {
		return Finding{}, false
	}
	ent := patterns.Entropy(secret)
	if p.MinEntropy > 0 && ent < p.MinEntropy {
		return Finding{}, false
	}
	// The validator is an indirect call, so a Meta on the stack would
	// escape: the pooled state holds it.
	st.meta = patterns.Meta{}
	meta := &st.meta
	validated := false
	if p.Validate != nil {
		if !p.Validate(secret, meta) {
			return Finding{}, false
		}
		validated = meta.Structured
	}
	// A checksum or parsed structure outweighs placeholder words inside a
	// long structured secret (a key name "dummy" inside a manifest, a
	// comment inside a key file); short validated values are still checked.
	if (!validated || len(secret) <= 128) && isPlaceholder(secret) {
		return Finding{}, false
	}
	conf := p.Confidence
	if p.Uncertain && conf > patterns.ConfidenceGeneric {
		conf--
	}
	if validated {
		conf = patterns.ConfidenceValidated
	}
	test := meta.Test
	if !test {
		match := src[ms:me]
		for _, m := range p.TestMarkers {
			if bytes.Contains(match, []byte(m)) {
				test = true
				break
			}
		}
	}
	return Finding{
		PatternID:  p.ID,
		Start:      ss,
		End:        se,
		Severity:   p.Severity,
		Grants:     p.Grants,
		Confidence: conf,
		Validated:  validated,
		Test:       test,
		Entropy:    ent,
		Meta:       *meta,
	}, true
}

// containsHit reports whether some hit lies within [ms, me).
func containsHit(hits []hit, ms, me int) bool {
	i, _ := slices.BinarySearchFunc(hits, ms, func(h hit, t int) int { return cmp.Compare(h.start, t) })
	for ; i < len(hits) && hits[i].start < me; i++ {
		if hits[i].end <= me {
			return true
		}
	}
	return false
}

// toRunes decodes b into runes, recording the byte offset of each rune
// (plus the end) in offs when b is not all ASCII. Invalid UTF-8 decodes to
// U+FFFD one byte at a time, so offsets stay exact.
func toRunes(runes []rune, offs []int, b []byte) ([]rune, []int) {
	base := len(runes)
	runes = slices.Grow(runes, len(b))[:base+len(b)]
	out := runes[base:]
	ascii := true
	for i, c := range b {
		if c >= utf8.RuneSelf {
			ascii = false
			break
		}
		out[i] = rune(c)
	}
	if ascii {
		return runes, offs[:0]
	}
	runes = runes[:base]
	for i := 0; i < len(b); {
		r, w := utf8.DecodeRune(b[i:])
		runes = append(runes, r)
		offs = append(offs, i)
		i += w
	}
	offs = append(offs, len(b))
	return runes, offs
}

// runeOff maps a rune index to a byte offset (identity for ASCII text).
func runeOff(offs []int, i int) int {
	if len(offs) == 0 {
		return i
	}
	if i >= len(offs) {
		return offs[len(offs)-1]
	}
	return offs[i]
}

// better orders overlapping findings: validated first; then, for two
// findings of one pattern, the one whose span contains the other (the
// decoded form of a secret whose end is percent-encoded holds all of it,
// the form as written only part); then provider-specific over generic,
// then confidence, then findings on the text as written, then the longer
// span, then catalog order.
func (d *Detector) better(a, b *Finding) bool {
	if a.Validated != b.Validated {
		return a.Validated
	}
	if a.PatternID == b.PatternID {
		if contains(a, b) {
			return true
		}
		if contains(b, a) {
			return false
		}
	}
	if ga, gb := d.isGeneric(a.PatternID), d.isGeneric(b.PatternID); ga != gb {
		return gb
	}
	if a.Confidence != b.Confidence {
		return a.Confidence > b.Confidence
	}
	if (a.Encoding == EncodingNone) != (b.Encoding == EncodingNone) {
		return a.Encoding == EncodingNone
	}
	if la, lb := a.End-a.Start, b.End-b.Start; la != lb {
		return la > lb
	}
	return d.patIndex(a.PatternID) < d.patIndex(b.PatternID)
}

// maxSplit bounds the findings of one scan that splitContainers compares
// pairwise.
const maxSplit = 512

// splitContainers keeps every byte of a finding covered when a better
// finding lies strictly inside it: instead of losing the container to the
// inner finding (and, with it, the rest of a Secret manifest or of a
// Basic credential around a decoded token), the container is cut into its
// parts outside the inner findings, which keep its id and facts.
func (d *Detector) splitContainers(found []Finding) []Finding {
	if len(found) < 2 || len(found) > maxSplit {
		return found
	}
	n := len(found)
	for ci := 0; ci < n; ci++ {
		c := found[ci]
		var inner []Finding
		for j := 0; j < n; j++ {
			if j != ci && contains(&c, &found[j]) && d.yieldsTo(&c, &found[j]) {
				inner = append(inner, found[j])
			}
		}
		if len(inner) == 0 {
			continue
		}
		slices.SortFunc(inner, func(a, b Finding) int { return cmp.Compare(a.Start, b.Start) })
		pos := c.Start
		first := true
		for _, in := range inner {
			if in.Start > pos {
				piece := c
				piece.Start, piece.End = pos, in.Start
				if first {
					found[ci] = piece
					first = false
				} else {
					found = append(found, piece)
				}
			}
			pos = max(pos, in.End)
		}
		if pos < c.End {
			piece := c
			piece.Start = pos
			if first {
				found[ci] = piece
				first = false
			} else {
				found = append(found, piece)
			}
		}
		if first {
			// Fully covered by inner findings: drop the container.
			found[ci].End = found[ci].Start
		}
	}
	return slices.DeleteFunc(found, func(f Finding) bool { return f.End <= f.Start })
}

// yieldsTo reports whether container c is cut around inner, a finding
// inside it: when inner is better, and when c is a generic finding (a
// Secret manifest's data block, a password assignment) and inner says
// more about the secret, validated or not: a provider's finding, or one
// found by decoding the text c holds as written.
func (d *Detector) yieldsTo(c, inner *Finding) bool {
	if d.better(inner, c) {
		return true
	}
	if c.PatternID == inner.PatternID || !d.isGeneric(c.PatternID) {
		return false
	}
	return !d.isGeneric(inner.PatternID) || c.Encoding == EncodingNone && inner.Encoding != EncodingNone
}

// contains reports whether a's span strictly contains b's.
func contains(a, b *Finding) bool {
	return a.Start <= b.Start && b.End <= a.End && a.End-a.Start > b.End-b.Start
}

func (d *Detector) isGeneric(id string) bool {
	c := d.compiledByID(id)
	return c != nil && c.p.Generic
}

func (d *Detector) patIndex(id string) int {
	for i := range d.pats {
		if d.pats[i].p.ID == id {
			return i
		}
	}
	return len(d.pats)
}

// resolve sorts found, drops duplicates and overlaps (keeping the better
// finding of each overlapping pair), links related findings and appends
// the result to dst.
func (d *Detector) resolve(dst []Finding, found []Finding) []Finding {
	found = d.splitContainers(found)
	slices.SortFunc(found, func(a, b Finding) int {
		if c := cmp.Compare(a.Start, b.Start); c != 0 {
			return c
		}
		if d.better(&a, &b) {
			return -1
		}
		if d.better(&b, &a) {
			return 1
		}
		return 0
	})
	base := len(dst)
	for i := range found {
		f := &found[i]
		if n := len(dst); n > base {
			last := &dst[n-1]
			if f.Start < last.End {
				if d.better(f, last) {
					*last = *f
					// The replacement may now overlap its predecessor.
					for n := len(dst); n-base >= 2 && dst[n-1].Start < dst[n-2].End; n = len(dst) {
						if d.better(&dst[n-1], &dst[n-2]) {
							dst[n-2] = dst[n-1]
						}
						dst = dst[:n-1]
					}
				}
				continue
			}
		}
		dst = append(dst, *f)
	}
	d.link(dst[base:])
	return dst
}

// link gives findings of linked patterns that lie near each other the same
// non-zero Link.
func (d *Detector) link(fs []Finding) {
	next := 0
	for i := range fs {
		c := d.compiledByID(fs[i].PatternID)
		if c == nil || len(c.links) == 0 {
			continue
		}
		for j := range fs {
			if i == j || absInt(fs[j].Start-fs[i].Start) > patterns.LinkDistance {
				continue
			}
			if !c.linksTo(d, fs[j].PatternID) {
				continue
			}
			switch {
			case fs[i].Link == 0 && fs[j].Link == 0:
				next++
				fs[i].Link, fs[j].Link = next, next
			case fs[i].Link == 0:
				fs[i].Link = fs[j].Link
			case fs[j].Link == 0:
				fs[j].Link = fs[i].Link
			}
		}
	}
}

func (c *compiled) linksTo(d *Detector, id string) bool {
	for _, j := range c.links {
		if d.pats[j].p.ID == id {
			return true
		}
	}
	return false
}

func (d *Detector) compiledByID(id string) *compiled {
	for i := range d.pats {
		if d.pats[i].p.ID == id {
			return &d.pats[i]
		}
	}
	return nil
}

func absInt(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
