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
	// seeds are offsets of the text a scan decodes further as percent
	// escapes whatever they stand for: escapes that were escaped again
	// (see decodeMapped).
	seeds []int
	join  []byte   // wrapped base64 joined across its line breaks
	wins  []window // decode windows of a block
	meta  patterns.Meta
	inner []Finding // splitContainers scratch
	fill  []Finding // resolve's coverage pieces
	res   []Finding // Redact's resolved findings
	est   []int     // work estimates of budget blocks
	span  [][2]int  // the regions budget blocks over their allowance mask
	// recent are the last budget blocks searched (budgetHits).
	recent  [budgetWindow - 1]blockWork
	nrecent int
	own     budget  // the work counter of a top-level scan
	bud     *budget // the counter this scan adds to: own, or a parent's
	// origin is the absolute offset of the scanned text (the stream
	// offset of a Writer's buffer); budget blocks are aligned to it.
	origin int
	// need, when positive, is where the text the caller still wants
	// findings in begins: a keyword whose windows cannot reach it is not
	// searched (a line Writer's text before its pending lines was decided
	// already). Top-level scans only; 0 means all. need must follow a
	// line break: a value that runs on past its window (runOn,
	// valueRunOn) stops at one, so a keyword's windows bound what its
	// findings reach past a line break.
	need int
	// reach is, for a top-level scan, how far into src the windows of
	// the keywords found in it could reach: the largest end of a
	// keyword plus its patterns' reach (a decoding trigger's run for an
	// encoding keyword), 0 when none was found.
	reach int
	// allowed are the spans of candidates the allowlist exempted in
	// this scan (allow.go); sum is its digest scratch.
	allowed [][2]int
	sum     [32]byte
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
	if cap(st.seeds) > maxPooledCap {
		st.seeds = nil
	}
	st.seeds = st.seeds[:0]
	if cap(st.join) > maxPooledCap {
		st.join = nil
	}
	if cap(st.inner) > maxPooledCap || cap(st.fill) > maxPooledCap || cap(st.res) > maxPooledCap {
		st.inner, st.fill, st.res = nil, nil, nil
	}
	st.cands, st.hits, st.jobs, st.found, st.wins = st.cands[:0], st.hits[:0], st.jobs[:0], st.found[:0], st.wins[:0]
	st.inner, st.fill, st.res = st.inner[:0], st.fill[:0], st.res[:0]
	if cap(st.est) > maxPooledCap || cap(st.span) > maxPooledCap {
		st.est, st.span = nil, nil
	}
	st.bud, st.origin = nil, 0
	if cap(st.allowed) > maxPooledCap {
		st.allowed = nil
	}
	st.allowed = st.allowed[:0]
	st.recent, st.nrecent = [budgetWindow - 1]blockWork{}, 0
}

// top prepares st for a top-level scan of n bytes: a fresh work counter.
func (st *state) top(n int) {
	st.own = budget{}
	st.bud = &st.own
	st.need, st.reach = 0, 0
}

// nested prepares sub for a scan of text decoded from st's text at
// offset at: its work adds to st's counter, and its budget blocks get the
// allowance of the head of the input only when the encoded text lies in
// it.
func (st *state) nested(sub *state, at int) {
	sub.bud = st.bud
	sub.origin = 0
	if st.origin+at >= workHead {
		sub.origin = workHead
	}
}

// Scan returns the credentials found in src, sorted by Start, without
// overlaps. It returns nil when there are none, and then allocates nothing.
// src is not modified or retained. Scan never fails: bad input (binary,
// invalid UTF-8, NUL bytes, huge lines) gives a result in bounded time, and
// a region it cannot decide (a regex search past its match timeout, text
// past the work budget) is an undecided finding (PatternID UndecidedID).
func (d *Detector) Scan(src []byte) []Finding {
	return d.AppendScan(nil, src)
}

// AppendScan appends the findings in src to dst and returns the extended
// slice, for callers who reuse a slice across calls.
func (d *Detector) AppendScan(dst []Finding, src []byte) []Finding {
	n := len(dst)
	dst = d.appendScanAt(dst, src, 0)
	d.observe(len(src), dst[n:])
	return dst
}

// appendScanAt is AppendScan of src found at offset origin of a longer
// input (a stream), to which budget blocks are aligned. It reports nothing
// to the Observer: internal scans use it, and their callers report.
func (d *Detector) appendScanAt(dst []Finding, src []byte, origin int) []Finding {
	dst, _ = d.appendScanNeed(dst, src, origin, 0)
	return dst
}

// appendScanNeed is appendScanAt for a caller that wants only the
// findings that reach src[need:] (see state.need); others may or may not
// be returned. It also returns how far the windows of the keywords in src
// reach (see state.reach).
func (d *Detector) appendScanNeed(dst []Finding, src []byte, origin, need int) ([]Finding, int) {
	st := d.pool.Get().(*state)
	st.top(len(src))
	st.origin = origin
	st.need = need
	dst = d.scan(st, dst, src, 0)
	reach := st.reach
	d.release(st)
	return dst, reach
}

// kwReach is how far past its end the windows of keyword kw reach: the
// largest reach of its patterns, or a decoding run for a trigger.
func (d *Detector) kwReach(kw *keyword) int {
	r := nearReach // decoding regions near a keyword (nearJobs)
	if kw.trigger {
		r = d.lim.run
	}
	for _, p := range kw.pats {
		r = max(r, d.pats[p].reach)
	}
	return r
}

// release counts the work of a top-level scan and returns st to the pool.
func (d *Detector) release(st *state) {
	if st.own.spent > 0 {
		d.work.Add(uint64(st.own.spent))
	}
	st.reset()
	d.pool.Put(st)
}

// scanHeld is a top-level scan of src with st, a state the caller took
// from the pool and holds across several scans (the slog Handler holds one
// per record): it counts the scan's work and leaves st ready for the next
// scan, as release would, without returning it to the pool.
func (d *Detector) scanHeld(st *state, dst []Finding, src []byte) []Finding {
	st.top(len(src))
	st.origin = 0
	dst = d.scan(st, dst, src, 0)
	if st.own.spent > 0 {
		d.work.Add(uint64(st.own.spent))
	}
	st.reset()
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
	// Blocks end at multiples of scanBlock of the whole input, so that
	// the budget blocks inside them see the same keyword occurrences
	// whatever part of a stream is scanned.
	for bs := 0; bs < len(src); {
		be := min(len(src), (st.origin+bs)/scanBlock*scanBlock+scanBlock-st.origin)
		d.scanBlock(st, src, bs, be, depth)
		bs = be
	}
	if len(st.allowed) > 0 {
		d.countAllowed(st)
	}
	if len(st.found) == 0 {
		return dst
	}
	return d.resolve(st, dst, st.found)
}

// scanBlock appends to st.found the findings around keyword occurrences
// that start in src[bs:be].
func (d *Detector) scanBlock(st *state, src []byte, bs, be, depth int) {
	ext := min(len(src), be+d.pf.maxKeyword-1) // a keyword may end past be
	st.cands = d.pf.find(st.cands[:0], src[bs:ext])
	st.hits, st.jobs = st.hits[:0], st.jobs[:0]
	if depth < d.opts.decodeDepth {
		st.jobs = d.wrapJobs(st.jobs, src, bs, be)
		for _, p := range st.seeds {
			if p >= bs && p < be {
				st.jobs = append(st.jobs, job{enc: EncodingPercent, pos: p})
			}
		}
	}
	if len(st.cands) == 0 && len(st.jobs) == 0 {
		return
	}
	var near nearMarks
	for _, c := range st.cands {
		start := bs + c.start
		if start >= be {
			continue // the next block reports it
		}
		kw := &d.pf.kws[c.kw]
		if depth == 0 {
			st.reach = max(st.reach, start+len(kw.text)+d.kwReach(kw))
		}
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
			if d.exempt != nil && d.exempt[p] {
				continue
			}
			if depth == 0 && start+len(kw.text)+d.pats[p].reach < st.need {
				continue // its windows end before the text wanted
			}
			st.hits = append(st.hits, hit{pat: p, start: start, end: start + len(kw.text)})
		}
	}
	slices.SortFunc(st.hits, func(a, b hit) int {
		if c := cmp.Compare(a.pat, b.pat); c != 0 {
			return c
		}
		return cmp.Compare(a.start, b.start)
	})
	// Wrapped-base64 jobs came first: decode in text order.
	slices.SortStableFunc(st.jobs, func(a, b job) int { return cmp.Compare(a.pos, b.pos) })
	d.budgetHits(st, src, st.origin)
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
	// src[backFrom:backTo] was searched for line breaks, the last at
	// lastNL (-1: none); src[fwdFrom:fwdTo] too, the first at nextNL.
	backFrom, backTo, lastNL int
	fwdFrom, fwdTo, nextNL   int
}

// nearJobs records the decode regions near the keyword src[start:end]:
// JSON text up to a \/, and the keyword's line when it holds ANSI escapes
// or HTML references. Most keywords have none of \, ESC and & near them:
// one look at the window settles that.
func (st *state) nearJobs(src []byte, start, end int, m *nearMarks) {
	lw := lineWindow(src, start, end, m)
	a, b := lw.from(m.quiet)
	if w := src[a:b]; bytes.IndexByte(w, '\\') < 0 && bytes.IndexByte(w, 0x1b) < 0 && bytes.IndexByte(w, '&') < 0 {
		m.quiet = max(m.quiet, b)
		return
	}
	if lo, hi, ok := escapedSlashRegion(src, start, end, m.slash, lw); ok {
		st.jobs = append(st.jobs, job{enc: EncodingJSON, pos: lo, lo: lo, hi: hi})
		m.slash = hi
	} else {
		m.slash = max(m.slash, hi)
	}
	if lo, hi, ok := escapeRegion(src, start, end, m.esc, lw); ok {
		st.jobs = append(st.jobs, job{enc: EncodingANSI, pos: lo, lo: lo, hi: hi})
		m.esc = hi
	} else {
		m.esc = max(m.esc, hi)
	}
	if lo, hi, ok := entityRegion(src, start, end, m.ent, lw); ok {
		st.jobs = append(st.jobs, job{enc: EncodingHTML, pos: lo, lo: lo, hi: hi})
		m.ent = hi
	} else {
		m.ent = max(m.ent, hi)
	}
}

// runRegion runs c's regex over src[lo:hi] and records matches that contain
// one of the keyword hits.
func (d *Detector) runRegion(st *state, c *compiled, src []byte, lo, hi int, hits []hit) {
	if c.anchored == nil {
		st.bud.add((hi-lo)*c.weight + workPerSearch)
	}
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
		d.accept(st, c, src, ss, se, ms, me)
		return true
	})
	if err != nil {
		d.timeouts.Add(1)
		d.observeTimeout()
		d.markUndecided(st, lo, hi, ReasonTimeout)
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
	st.bud.add((b-at)*c.weight + workPerSearch)
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
			d.accept(st, c, src, ss, se, ms, me)
		}
		return false
	})
	if err != nil {
		d.timeouts.Add(1)
		d.observeTimeout()
		d.markUndecided(st, lo+runeOff(offs, a), lo+runeOff(offs, b), ReasonTimeout)
	}
}

// accept judges the candidate secret src[ss:se] of a match src[ms:me]
// and records its finding. A greedy match can take text around a secret
// of words (words before and after a mnemonic), or stop inside it at its
// count of words: for a Words pattern, when the validator rejects the
// whole, runs of whole words are judged in turn (see judgeWords), and the
// first valid one is the finding.
// A finding whose value runs on past its end (a value longer than its
// pattern allows, or an unquoted assigned value cut at punctuation) has
// the rest of the run masked as undecided.
func (d *Detector) accept(st *state, c *compiled, src []byte, ss, se, ms, me int) {
	f, ok, invalid := d.judge(st, c, src, ss, se, ms, me)
	if !ok && invalid && c.p.Words {
		f, ok, se = d.judgeWords(st, c, src, ss, se, ms, me)
	}
	if !ok {
		return
	}
	e := runOn(src, se)
	if e == se && c.p.Generic && c.p.NeedsContext {
		e = valueRunOn(src, se)
	}
	// An exact allowed value is exempt; one that runs on is longer than
	// any value on the allowlist could vouch for.
	if d.opts.allow != nil && e == se && d.allowedValue(st, src[f.Start:f.End]) {
		st.allowed = append(st.allowed, [2]int{f.Start, f.End})
		return
	}
	st.found = append(st.found, f)
	if e > se {
		d.markUndecided(st, se, e, ReasonLimit)
	}
}

// maxValueRunOn bounds how far past an assigned value valueRunOn looks.
const maxValueRunOn = 256

// valueRunOn returns the end of the text that continues an unquoted
// assigned value past end, when the value stopped at punctuation a
// password can hold (& ; , < > ( ) { } [ ]) with more of the value after
// it: up to the next space, quote or line break. It returns end when the
// punctuation ends the text (a closing bracket, a comma before a space).
func valueRunOn(src []byte, end int) int {
	if end >= len(src) || !softStop(src[end]) || nextField(src[end:]) {
		return end
	}
	e, word := end+1, false
	for e < len(src) && e-end < maxValueRunOn && !hardStop(src[e]) {
		word = word || isWordByte(src[e])
		e++
	}
	if !word {
		return end
	}
	return e
}

// nextField reports whether b, which starts with the punctuation that
// stopped a value, goes on with the next field rather than more of the
// value: a closing tag (</), or a name and '=' or ':' (;Encrypt=True,
// &user=bob, ,Port: 5432).
func nextField(b []byte) bool {
	if len(b) >= 2 && b[0] == '<' && b[1] == '/' {
		return true
	}
	i := 1
	for i < len(b) && (b[i] == ' ' || b[i] == '\t') && i < 3 {
		i++
	}
	j := i
	for j < len(b) && j-i <= 64 && (isWordByte(b[j]) || b[j] == '.') {
		j++
	}
	return j > i && j < len(b) && (b[j] == '=' || b[j] == ':') && (b[i] < '0' || b[i] > '9')
}

func softStop(c byte) bool {
	switch c {
	case '&', ';', ',', '<', '>', '(', ')', '{', '}', '[', ']':
		return true
	}
	return false
}

func hardStop(c byte) bool {
	switch c {
	case ' ', '\t', '\r', '\n', '"', '\'', '`':
		return true
	}
	return false
}

// maxWords, maxMoreWords and maxWordTries bound the runs of words
// judgeWords tries.
const (
	maxWords     = 64
	maxMoreWords = 12
	maxWordTries = 256
)

// judgeWords judges the runs of whole words of src[ss:se] and of up to
// maxMoreWords words of letters after it: from each word in turn, the
// longest run first (the match starts at the words its keyword names);
// it returns the first valid one's finding and end.
func (d *Detector) judgeWords(st *state, c *compiled, src []byte, ss, se, ms, me int) (Finding, bool, int) {
	var starts, ends [maxWords]int
	n := 0
	for i := ss; i < se && n < maxWords; {
		for i < se && isSeparator(src[i]) {
			i++
		}
		if i == se {
			break
		}
		starts[n] = i
		for i < se && !isSeparator(src[i]) {
			i++
		}
		ends[n] = i
		n++
	}
	// A regex that bounds its count of words may stop inside the secret:
	// the words of letters that follow the match are added.
	for i, more := se, 0; n > 0 && n < maxWords && more < maxMoreWords && i < len(src) && (src[i] == ' ' || src[i] == '\t'); more++ {
		j := i
		for j < len(src) && (src[j] == ' ' || src[j] == '\t') && j-i < 4 {
			j++
		}
		k := j
		for k < len(src) && (src[k]|0x20 >= 'a' && src[k]|0x20 <= 'z') && k-j < 16 {
			k++
		}
		if k == j || k < len(src) && !isSeparator(src[k]) && src[k] != '"' && src[k] != '\'' && src[k] != '\n' && src[k] != '\r' {
			break
		}
		starts[n], ends[n] = j, k
		n++
		i = k
	}
	tries := 0
	for i := 0; i < n; i++ {
		for l := n - i; l >= 1; l-- {
			if tries++; tries > maxWordTries {
				return Finding{}, false, se
			}
			s, e := starts[i], ends[i+l-1]
			m0, m1 := ms, me
			if ms == ss {
				m0 = s
			}
			if me == se {
				m1 = e
			}
			if f, ok, _ := d.judge(st, c, src, s, e, m0, m1); ok {
				return f, true, e
			}
		}
	}
	return Finding{}, false, se
}

// isSeparator reports whether c separates the words judgeWords tries.
func isSeparator(c byte) bool {
	switch c {
	case ' ', '\t', ',', ';', '&', '|':
		return true
	}
	return false
}

// maxRunOn bounds how far past a finding runOn looks.
const maxRunOn = 16 << 10

// runOn returns the end of the token characters that continue src
// directly at end (a letter, digit, '_' or '-' first, then base64,
// base64url and '.', '~', '=' too), or end when none do.
func runOn(src []byte, end int) int {
	if end == 0 || end >= len(src) || !isWordByte(src[end]) || !isB64(src[end-1]) {
		return end
	}
	e := end + 1
	for e < len(src) && e-end < maxRunOn && (isB64(src[e]) || src[e] == '.' || src[e] == '~' || src[e] == '=') {
		e++
	}
	return e
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
}

// judge applies the validator, entropy and placeholder checks to a
// candidate secret and builds its Finding; invalid reports that the
// validator rejected it.
func (d *Detector) judge(st *state, c *compiled, src []byte, ss, se, ms, me int) (f Finding, ok, invalid bool) {
	secret := src[ss:se]
	p := &c.p
	if knownDocValues[string(secret)] {
		return Finding{}, false, false
	}
	ent := patterns.Entropy(secret)
	if p.MinEntropy > 0 && ent < p.MinEntropy {
		return Finding{}, false, false
	}
	// The validator is an indirect call, so a Meta on the stack would
	// escape: the pooled state holds it.
	st.meta = patterns.Meta{}
	meta := &st.meta
	validated := false
	if p.Validate != nil {
		if !p.Validate(secret, meta) {
			return Finding{}, false, true
		}
		validated = meta.Structured
	}
	// A checksum or parsed structure outweighs placeholder words inside a
	// long structured secret (a key name "dummy" inside a manifest, a
	// comment inside a key file); short validated values are still checked.
	if (!validated || len(secret) <= 128) && isPlaceholder(secret) {
		return Finding{}, false, false
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
		pat:        c.idx + 1,
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
	}, true, false
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

// patOf returns the compiled pattern of f, or nil for an undecided
// finding or an id this Detector does not have.
func (d *Detector) patOf(f *Finding) *compiled {
	if f.pat > 0 && int(f.pat) <= len(d.pats) && d.pats[f.pat-1].p.ID == f.PatternID {
		return &d.pats[f.pat-1]
	}
	return d.compiledByID(f.PatternID)
}

func (d *Detector) isGeneric(f *Finding) bool {
	c := d.patOf(f)
	return c != nil && c.p.Generic
}

// patIndex returns f's pattern index, or len(d.pats) when it has none.
func (d *Detector) patIndex(f *Finding) int {
	if c := d.patOf(f); c != nil {
		return int(c.idx)
	}
	return len(d.pats)
}

// link gives findings of linked patterns that lie near each other the same
// non-zero Link.
func (d *Detector) link(fs []Finding) {
	next := 0
	for i := range fs {
		c := d.patOf(&fs[i])
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
