package detect

import (
	"bytes"
	"cmp"
	"encoding/base64"
	"encoding/binary"
	"slices"
	"unicode/utf8"
)

// Encoded secrets are found by decoding only candidate regions: a run of
// base64 (or of hex digits) around the encoded form of a distinctive
// keyword, a block of wrapped base64 lines holding such a run, a run of
// percent-encoded text around %2F, %2B, %3D, %40, %3A, %24 or %25 (and, in
// text percent-decoded already, around an escape that was escaped again),
// a JSON string around :\/\/ or \u00, the line of an HTML reference for /,
// + or = or of the HTML form of a keyword holding quotes, the JSON text
// from a keyword to a \/ near it, and the line of a keyword with ANSI
// escape sequences or HTML references near it. A region reaches
// at most maxDecodeRun bytes each side of its trigger; overlapping regions
// of one encoding are merged and decoded once (in overlapping chunks when
// long), and rescanned with the whole catalog one level deeper
// (DefaultDecodeDepth levels at most). Findings inside the decoded bytes
// are mapped back to the encoded bytes that hold them.

const maxDecodeRun = 4 << 10

func isB64(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' ||
		c == '+' || c == '/' || c == '-' || c == '_'
}

// b64Byte is isB64 as a table, for wrapJobs' look at every 64th byte.
var b64Byte = func() (t [256]bool) {
	for c := range 256 {
		t[c] = isB64(byte(c))
	}
	return t
}()

func isURLRun(c byte) bool {
	return c > ' ' && c < 0x7f && c != '"' && c != '\'' && c != '&' && c != '?' &&
		c != '<' && c != '>' && c != '\\'
}

// runAround returns the maximal run [lo, hi) of bytes accepted by in around
// pos, bounded to bound bytes on each side; loCut and hiCut report an edge
// set by the bound, the run going on past it.
func runAround(src []byte, pos, bound int, in func(byte) bool) (lo, hi int, loCut, hiCut bool) {
	lo, hi = pos, pos
	for lo > 0 && pos-lo < bound && in(src[lo-1]) {
		lo--
	}
	for hi < len(src) && hi-pos < bound && in(src[hi]) {
		hi++
	}
	return lo, hi, lo > 0 && in(src[lo-1]), hi < len(src) && in(src[hi])
}

// window is a region of src to decode with one encoding. A cut edge is one
// set by a bound, the encoded text going on past it: what is decoded next
// to it depends on where the bound fell, so findings within edgeMargin of
// it are not kept. Windows of one encoding that overlap are merged before
// decoding, and long ones decoded in overlapping chunks, so the findings
// kept do not depend on which trigger came first or on where a scan of a
// stream started: a streaming redactor and a scan of the whole text agree.
type window struct {
	enc          Encoding
	lo, hi       int
	loCut, hiCut bool
	// shift: also decode from lo+1 (hex whose byte alignment is unknown).
	shift bool
}

// edgeMargin is how close to a cut edge a finding may end.
const edgeMargin = 512

// decodeLimits are a Detector's bounds on decoding, derived from its
// longest pattern so that the base64 form of a secret of any enabled
// pattern (an RSA-8192 private key in base64 on one line) is decoded
// whole; a hex form, twice as long as the secret, is decoded whole up to
// half that length (an RSA-4096 key).
type decodeLimits struct {
	// run bounds a base64 or hex run on each side of its trigger: at
	// least the base64 form of the longest secret.
	run int
	// chunk is the most text decoded at once; overlap is how much
	// consecutive chunks of a long window share: more than the longest
	// encoded secret and both edge margins, a multiple of 4, which keeps
	// base64 aligned.
	chunk, overlap int
	// wrapRegion bounds the text of one decoded block of wrapped base64;
	// wrapOverlap is how much of a block decoded already is decoded again
	// with the next part.
	wrapRegion, wrapOverlap int
}

func newDecodeLimits(maxWin int) decodeLimits {
	enc := (4*maxWin/3 + 7) &^ 3 // base64 adds a third
	l := decodeLimits{run: max(maxDecodeRun, enc)}
	l.overlap = (enc + 2*edgeMargin + 3) &^ 3
	l.chunk = max(2*maxDecodeRun, 3*l.overlap)
	l.wrapRegion = max(4*maxDecodeRun, 3*l.overlap)
	l.wrapOverlap = l.overlap
	return l
}

func lineRun(c byte) bool { return c != '\n' }

// decodeJobs decodes the trigger regions recorded in st.jobs and appends
// findings inside them, mapped to src offsets, to st.found.
func (d *Detector) decodeJobs(st *state, src []byte, depth int) {
	wins := st.wins[:0]
	wrapEnd := 0 // end of the last block of wrapped base64
	// The run window of the last trigger of each encoding: a trigger
	// inside it extends it rather than walking the run again (a run dense
	// with triggers costs its length once).
	var last [len(encodingNames)]struct {
		lo, hi       int
		loCut, hiCut bool
	}
	runWin := func(enc Encoding, pos int, in func(byte) bool) (lo, hi int, loCut, hiCut bool) {
		l := &last[enc]
		bound := maxDecodeRun
		if enc == EncodingBase64 || enc == EncodingHex {
			bound = d.lim.run
		}
		if pos < l.lo || pos >= l.hi {
			lo, hi, loCut, hiCut = runAround(src, pos, bound, in)
		} else {
			lo, loCut = l.lo, l.loCut
			if pos-bound > l.lo {
				lo, loCut = pos-bound, true
			}
			hi, hiCut = l.hi, l.hiCut
			if hiCut {
				for hi < len(src) && hi-pos < bound && in(src[hi]) {
					hi++
				}
				hiCut = hi < len(src) && in(src[hi])
			}
		}
		l.lo, l.hi, l.loCut, l.hiCut = lo, hi, loCut, hiCut
		return lo, hi, loCut, hiCut
	}
	for _, j := range st.jobs {
		w := window{enc: j.enc}
		switch {
		case j.hi > 0:
			in := lineRun // ANSI and HTML: the keyword's line
			if j.enc == EncodingJSON {
				in = isJSONRun
			}
			w.lo, w.hi = j.lo, j.hi
			w.loCut = w.lo > 0 && in(src[w.lo-1])
			w.hiCut = w.hi < len(src) && in(src[w.hi])
		case j.enc == EncodingBase64:
			if j.pos < wrapEnd {
				continue
			}
			w.lo, w.hi, w.loCut, w.hiCut = runWin(j.enc, j.pos, isB64)
			for !w.hiCut && w.hi < len(src) && src[w.hi] == '=' && w.hi-j.pos < d.lim.run+2 {
				w.hi++
			}
			if !w.loCut && !w.hiCut {
				if end, ok := d.decodeWrapped(st, src, w.lo, w.hi, wrapEnd, depth); ok {
					wrapEnd = end
					continue
				}
			}
		case j.enc == EncodingHex:
			w.lo, w.hi, w.loCut, w.hiCut = runWin(j.enc, j.pos, isHexDigit)
			w.shift = (j.pos-w.lo)%2 != 0
		default:
			in := isURLRun
			switch j.enc {
			case EncodingJSON:
				in = isJSONRun
			case EncodingHTML:
				// Escaped text keeps its spaces: the line around the
				// reference (a connection string's "Initial Catalog").
				in = lineRun
			}
			w.lo, w.hi, w.loCut, w.hiCut = runWin(j.enc, j.pos, in)
		}
		if w.hi > w.lo {
			wins = append(wins, w)
		}
	}
	slices.SortFunc(wins, func(a, b window) int {
		if c := cmp.Compare(a.enc, b.enc); c != 0 {
			return c
		}
		return cmp.Compare(a.lo, b.lo)
	})
	n := 0
	for _, w := range wins {
		if n > 0 {
			m := &wins[n-1]
			// Only overlapping windows merge: touching ones are separate
			// runs (base64 padding ends one).
			if m.enc == w.enc && w.lo < m.hi && (w.enc != EncodingHex || (w.lo-m.lo)%2 == 0) {
				if w.hi > m.hi || w.hi == m.hi && w.hiCut {
					m.hi, m.hiCut = w.hi, w.hiCut
				}
				m.shift = m.shift || w.shift
				continue
			}
		}
		wins[n] = w
		n++
	}
	st.wins = wins[:n]
	for _, w := range st.wins {
		d.decodeWindow(st, src, w, depth)
	}
}

// decodeWindow decodes w, in chunks of d.lim.chunk bytes that overlap by
// d.lim.overlap when it is longer.
func (d *Detector) decodeWindow(st *state, src []byte, w window, depth int) {
	for p := w.lo; ; p += d.lim.chunk - d.lim.overlap {
		q := min(w.hi, p+d.lim.chunk)
		r := w
		r.lo, r.hi = p, q
		r.loCut = w.loCut || p > w.lo
		r.hiCut = w.hiCut || q < w.hi
		keepLo, keepHi := r.lo, r.hi
		if r.loCut {
			keepLo += edgeMargin
		}
		if r.hiCut {
			keepHi -= edgeMargin
		}
		if keepHi > keepLo {
			switch r.enc {
			case EncodingBase64:
				aligns := 1
				if r.loCut {
					aligns = 4 // the run's alignment is unknown
				}
				for a := 0; a < aligns; a++ {
					d.decodeBase64(st, src, r.lo+a, r.hi, keepLo, keepHi, depth)
				}
			case EncodingHex:
				d.decodeHex(st, src, r.lo, r.hi, keepLo, keepHi, depth)
				if r.shift || r.loCut {
					d.decodeHex(st, src, r.lo+1, r.hi, keepLo, keepHi, depth)
				}
			default:
				d.decodeMapped(st, src, r.lo, r.hi, r.enc, keepLo, keepHi, depth)
			}
		}
		if q >= w.hi {
			return
		}
	}
}

// decodeBase64 decodes src[lo:hi] as base64 (standard or URL alphabet,
// padded or not) and rescans the result.
func (d *Detector) decodeBase64(st *state, src []byte, lo, hi, keepLo, keepHi, depth int) {
	run := src[lo:hi]
	for len(run) > 0 && run[len(run)-1] == '=' {
		run = run[:len(run)-1]
	}
	if len(run)%4 == 1 {
		run = run[:len(run)-1]
	}
	if len(run) < 8 {
		return
	}
	enc := base64.RawStdEncoding
	for _, c := range run {
		if c == '-' || c == '_' {
			enc = base64.RawURLEncoding
			break
		}
	}
	sub := d.pool.Get().(*state)
	st.nested(sub, lo)
	defer func() { sub.reset(); d.pool.Put(sub) }()
	need := enc.DecodedLen(len(run))
	if cap(sub.dec) < need {
		sub.dec = make([]byte, need)
	}
	n, err := enc.Decode(sub.dec[:need], run)
	if err != nil || n == 0 {
		return
	}
	dec := sub.dec[:n]
	inner := d.scan(sub, nil, dec, depth+1)
	for _, f := range inner {
		s := lo + f.Start/3*4
		e := lo + (f.End+2)/3*4
		if e > hi {
			e = hi
		}
		d.addDecoded(st, f, s, e, EncodingBase64, keepLo, keepHi)
	}
}

// Wrapped base64 (base64(1) and MIME write lines of 76 characters, PEM
// and OpenSSL 64) is joined across its line breaks before decoding, so a
// secret that straddles a break is found.

// wrapJobs appends a base64 decode job for each block of wrapped base64
// that starts in src[bs:be]: a line that ends with a run of 64 or 76
// base64 characters (all of its content after indentation, or a value
// after a key). Such a block is decoded whatever it holds, so a keyword
// whose encoded form a line break splits is still found. A long block
// gets a job every half d.lim.wrapRegion, where the decoding of the part
// before stops. Every run of 64 characters holds a multiple of 64, so
// the text is sampled there and only the run around a sample is read:
// ordinary text costs a few bytes read per 64.
func (d *Detector) wrapJobs(jobs []job, src []byte, bs, be int) []job {
	prevEnd, last := -1, 0 // end of the last full line seen; last job
	known := 0             // src[:known] is read: a run of base64 ends there or goes on
	for p := bs | 63; p < be; p += 64 {
		if !b64Byte[src[p]] {
			continue
		}
		// The run must end at a line break: look right first, eight
		// bytes at once for the separators of ordinary text.
		if p+9 > known && p+9 <= len(src) && hasTextSep(binary.LittleEndian.Uint64(src[p+1:p+9])) {
			continue
		}
		b := max(p+1, known)
		for b < len(src) && b-p <= 76 && b64Byte[src[b]] {
			b++
		}
		known = b
		if b < len(src) && src[b] != '\n' && src[b] != '\r' {
			continue
		}
		a := p
		for a > 0 && b-a < 77 && b64Byte[src[a-1]] {
			a--
		}
		if !wrapWidth(b-a) || a > 0 && b64Byte[src[a-1]] {
			continue
		}
		// A line of a block follows the last one: same block. A new
		// block needs a second line of base64 (a digest at the end of a
		// log line is not one).
		gap := a - prevEnd
		follows := prevEnd >= 0 && gap > 0 && gap <= maxWrapLine && onlySpace(src[prevEnd:a])
		if !follows && !nextLineB64(src, b, b-a) {
			continue
		}
		if !follows || a-last >= d.lim.wrapRegion/2 {
			jobs = append(jobs, job{enc: EncodingBase64, pos: a})
			last = a
		}
		prevEnd = b
		p = (b-1)&^63 | 63 // the next sample after this line
	}
	return jobs
}

// nextLineB64 reports whether the line after the line break at src[i]
// starts, after indentation, with a run of base64 characters (and '='
// padding) no longer than width: 16 or more, or 4 or more that end the
// line or are followed by a space. A log line that follows a digest
// starts with a timestamp, whose run is shorter and ends at a ':'.
func nextLineB64(src []byte, i, width int) bool {
	if i < len(src) && src[i] == '\r' {
		i++
	}
	if i >= len(src) || src[i] != '\n' {
		return false
	}
	i++
	for k := 0; i < len(src) && (src[i] == ' ' || src[i] == '\t') && k < maxWrapLine; k++ {
		i++
	}
	j := i
	for j < len(src) && j-i <= width && b64Byte[src[j]] {
		j++
	}
	for k := 0; j < len(src) && src[j] == '=' && k < 2; k++ {
		j++
	}
	if j-i > width+2 || j < len(src) && b64Byte[src[j]] {
		return false
	}
	// A short run must end its line or a field (a log line's closing
	// fields may follow); a run of 16 or more may have anything after it.
	return j-i >= 16 || j-i >= 4 && (j == len(src) || src[j] == '\n' || src[j] == '\r' || src[j] == ' ' || src[j] == '\t')
}

// hasTextSep reports whether the 8 bytes of v hold a space, '"', ':',
// ',', '.' or '=' (none of which a full line of wrapped base64 holds).
func hasTextSep(v uint64) bool {
	const lo, hi = 0x0101010101010101, 0x8080808080808080
	zero := func(x uint64) uint64 { return (x - lo) &^ x & hi }
	return zero(v^(lo*' '))|zero(v^(lo*'"'))|zero(v^(lo*':'))|zero(v^(lo*','))|zero(v^(lo*'.'))|zero(v^(lo*'=')) != 0
}

// onlySpace reports whether b is line breaks and indentation only.
func onlySpace(b []byte) bool {
	for _, c := range b {
		if c != '\n' && c != '\r' && c != ' ' && c != '\t' {
			return false
		}
	}
	return true
}

// maxWrapLine bounds the indentation and lines the wrapped-base64 helpers
// read: wrapped base64 has short lines, and a long line is not read twice.
const maxWrapLine = 160

// wrapWidth reports whether n is the line width of wrapped base64.
func wrapWidth(n int) bool { return n == 76 || n == 64 }

// b64Seg is the base64 run at the start of a line's content.
type b64Seg struct {
	lo, hi int
	whole  bool // the run is all of the line's content
	padded bool // it ends with '='
}

// segAt returns the base64 run that starts the content (after indentation)
// of the line starting at ls, with ok when it is at least 4 characters.
func segAt(src []byte, ls int) (sg b64Seg, ok bool) {
	i := ls
	for i < len(src) && (src[i] == ' ' || src[i] == '\t') && i-ls < maxWrapLine {
		i++
	}
	j := i
	for j < len(src) && isB64(src[j]) && j-i <= maxWrapLine {
		j++
	}
	k := j
	for k < len(src) && src[k] == '=' && k-j < 2 {
		k++
	}
	e := k
	if e < len(src) && src[e] == '\r' {
		e++
	}
	sg = b64Seg{lo: i, hi: k, whole: e == len(src) || src[e] == '\n', padded: k > j}
	return sg, k-i >= 4
}

// lineStart returns the start of the line holding src[i], or -1 when it
// is more than maxWrapLine bytes back.
func lineStart(src []byte, i int) int {
	ls := i
	for ls > 0 && src[ls-1] != '\n' {
		if i-ls >= maxWrapLine {
			return -1
		}
		ls--
	}
	return ls
}

// prevSeg returns the segment of the line before the line starting at ls.
func prevSeg(src []byte, ls int) (b64Seg, bool) {
	if ls == 0 {
		return b64Seg{}, false
	}
	p := lineStart(src, ls-1)
	if p < 0 {
		return b64Seg{}, false
	}
	return segAt(src, p)
}

// nextLine returns the start of the line after the one holding src[i].
func nextLine(src []byte, i int) int {
	for i < len(src) && src[i] != '\n' {
		if src[i] != '\r' {
			return -1 // text after the segment
		}
		i++
	}
	if i+1 >= len(src) {
		return -1
	}
	return i + 1
}

// A block of wrapped base64 longer than d.lim.wrapRegion is decoded in
// parts that share d.lim.wrapOverlap bytes: more than the encoded form of
// the longest secret, so that one that straddles two parts is whole in
// one of them.

// decodeWrapped decodes the block of wrapped base64 lines holding the run
// src[lo:hi] (its '=' padding included), when there is one, and rescans
// it; it returns the end of the block and whether it was one. Lines that
// end before floor were decoded already (each line starts a 4-character
// group, so a block may be decoded from any of its lines); the last
// d.lim.wrapOverlap bytes of them are decoded again.
func (d *Detector) decodeWrapped(st *state, src []byte, lo, hi, floor, depth int) (int, bool) {
	ls := lineStart(src, lo)
	if ls < 0 {
		return 0, false
	}
	cur, ok := segAt(src, ls)
	var first b64Seg
	width := 0
	loCut, hiCut := false, false
	if ok && cur.lo == lo && cur.hi == hi {
		// The run starts its line: a full line of a block, or its short
		// last line (the line before gives the width).
		prev, pok := prevSeg(src, ls)
		switch {
		case pok && prev.whole && !prev.padded && wrapWidth(prev.hi-prev.lo) && hi-lo <= prev.hi-prev.lo:
			width = prev.hi - prev.lo
		case cur.whole && !cur.padded && wrapWidth(hi-lo):
			width = hi - lo
		default:
			return 0, false
		}
		first = cur
		for {
			p := lineStart(src, first.lo)
			prev, pok := prevSeg(src, p)
			if !pok || !prev.whole || prev.padded || prev.hi-prev.lo != width {
				break
			}
			if prev.hi < floor-d.lim.wrapOverlap || hi-prev.lo > 2*d.lim.run {
				loCut = true // the block goes on before: a bound stopped
				break
			}
			first = prev
		}
	} else {
		// A full-width run after other text (a key, a prompt) at the end
		// of its line starts a block.
		e := hi
		if e < len(src) && src[e] == '\r' {
			e++
		}
		if !wrapWidth(hi-lo) || hi > lo && src[hi-1] == '=' || e < len(src) && src[e] != '\n' {
			return 0, false
		}
		width = hi - lo
		first = b64Seg{lo: lo, hi: hi, whole: true}
	}
	// Forward: full lines continue the block; a shorter run, padding or a
	// run followed by other text ends it.
	sub := d.pool.Get().(*state)
	st.nested(sub, first.lo)
	defer func() { sub.reset(); d.pool.Put(sub) }()
	join, jmap := sub.join[:0], sub.dmap[:0]
	lines, end := 0, first.hi
	for sg := first; ; {
		for i := sg.lo; i < sg.hi; i++ {
			join = append(join, src[i])
			jmap = append(jmap, i)
		}
		lines, end = lines+1, sg.hi
		if sg.hi-sg.lo < width || sg.padded || !sg.whole {
			break
		}
		n := nextLine(src, sg.hi)
		if n < 0 {
			break
		}
		next, ok := segAt(src, n)
		if !ok || next.hi-next.lo > width {
			break
		}
		if next.hi-first.lo > d.lim.wrapRegion {
			hiCut = true
			break
		}
		sg = next
	}
	sub.join, sub.dmap = join, jmap
	if lines < 2 {
		return 0, false
	}
	keepLo, keepHi := first.lo, end
	if loCut {
		keepLo += edgeMargin
	}
	if hiCut {
		keepHi -= edgeMargin
	}
	run := join
	for len(run) > 0 && run[len(run)-1] == '=' {
		run = run[:len(run)-1]
	}
	if len(run)%4 == 1 {
		run = run[:len(run)-1]
	}
	enc := base64.RawStdEncoding
	if bytes.ContainsAny(run, "-_") {
		enc = base64.RawURLEncoding
	}
	need := enc.DecodedLen(len(run))
	if cap(sub.dec) < need {
		sub.dec = make([]byte, need)
	}
	n, err := enc.Decode(sub.dec[:need], run)
	if err != nil || n == 0 {
		return end, true
	}
	for _, f := range d.scan(sub, nil, sub.dec[:n], depth+1) {
		js := f.Start / 3 * 4
		je := min((f.End+2)/3*4, len(run))
		if je <= js {
			continue
		}
		d.addDecoded(st, f, jmap[js], jmap[je-1]+1, EncodingBase64, keepLo, keepHi)
	}
	return end, true
}

func isHexDigit(c byte) bool { return unhex(c) >= 0 }

// decodeHex decodes src[lo:hi] as hex digits (an odd last digit is
// dropped) and rescans the result.
func (d *Detector) decodeHex(st *state, src []byte, lo, hi, keepLo, keepHi, depth int) {
	n := (hi - lo) / 2
	if n < 4 {
		return
	}
	sub := d.pool.Get().(*state)
	st.nested(sub, lo)
	defer func() { sub.reset(); d.pool.Put(sub) }()
	if cap(sub.dec) < n {
		sub.dec = make([]byte, n)
	}
	dec := sub.dec[:n]
	for i := range dec {
		dec[i] = byte(unhex(src[lo+2*i])<<4 | unhex(src[lo+2*i+1]))
	}
	for _, f := range d.scan(sub, nil, dec, depth+1) {
		d.addDecoded(st, f, lo+2*f.Start, lo+2*f.End, EncodingHex, keepLo, keepHi)
	}
}

func isJSONRun(c byte) bool { return c >= ' ' && c != '"' }

// escapedSlashRegion looks for \/ (a JSON-escaped slash, which encoders
// such as PHP's write for every /) near a keyword at src[kwStart:kwEnd]
// (see lineWindow), not before from. A secret holding / is then written with backslashes
// the patterns do not accept: when one is found, the region from the JSON
// string holding the first of the keyword and the \/ to the end of the
// string holding the last is returned, for decoding, with ok. Otherwise hi
// is where the search stopped.
func escapedSlashRegion(src []byte, kwStart, kwEnd, from int, lw lineWin) (lo, hi int, ok bool) {
	a, b := lw.from(from)
	w := src[a:b]
	i := bytes.Index(w, []byte(`\/`))
	if i < 0 {
		// A \ at the end of the window may start one.
		return 0, max(from, b-1), false
	}
	first, last := a+i, a+bytes.LastIndex(w, []byte(`\/`))
	lo, _, _, _ = runAround(src, min(first, kwStart), maxDecodeRun, isJSONRun)
	_, hi, _, _ = runAround(src, max(last, kwStart), maxDecodeRun, isJSONRun)
	return lo, hi, true
}

// decodeMapped undoes percent or JSON escapes in src[lo:hi], keeping a map
// from decoded to source offsets, and rescans the result.
func (d *Detector) decodeMapped(st *state, src []byte, lo, hi int, enc Encoding, keepLo, keepHi, depth int) {
	sub := d.pool.Get().(*state)
	st.nested(sub, lo)
	defer func() { sub.reset(); d.pool.Put(sub) }()
	dec, dmap := sub.dec[:0], sub.dmap[:0]
	seeds := sub.seeds[:0]
	changed, plus := false, false
	for i := lo; i < hi; {
		c := src[i]
		switch {
		case enc == EncodingPercent && c == '%' && i+2 < hi && unhex(src[i+1]) >= 0 && unhex(src[i+2]) >= 0:
			b := byte(unhex(src[i+1])<<4 | unhex(src[i+2]))
			if b == '%' && i+4 < hi && unhex(src[i+3]) >= 0 && unhex(src[i+4]) >= 0 {
				// %25 before two hex digits: an escape escaped again,
				// decoded once more whatever character it stands for.
				seeds = append(seeds, len(dec))
			}
			dec = append(dec, b)
			dmap = append(dmap, i)
			i += 3
			changed = true
			continue
		case enc == EncodingPercent && c == '+':
			plus = true
		case enc == EncodingHTML && c == '&':
			if r, n := entity(src[i:hi]); n > 0 {
				start := len(dec)
				dec = utf8.AppendRune(dec, r)
				for range len(dec) - start {
					dmap = append(dmap, i)
				}
				i += n
				changed = true
				continue
			}
		case enc == EncodingANSI && c == 0x1b:
			if n := csiLen(src[i:hi]); n > 0 {
				i += n
				changed = true
				continue
			}
		case enc == EncodingJSON && c == '\\' && i+1 < hi:
			e := src[i+1]
			switch e {
			case '/', '\\', '"':
				dec = append(dec, e)
			case 'n':
				dec = append(dec, '\n')
			case 't':
				dec = append(dec, '\t')
			case 'r':
				dec = append(dec, '\r')
			case 'u':
				if i+5 < hi {
					r := rune(0)
					ok := true
					for _, h := range src[i+2 : i+6] {
						v := unhex(h)
						if v < 0 {
							ok = false
							break
						}
						r = r<<4 | rune(v)
					}
					if ok {
						start := len(dec)
						dec = utf8.AppendRune(dec, r)
						for range len(dec) - start {
							dmap = append(dmap, i)
						}
						i += 6
						changed = true
						continue
					}
				}
				dec = append(dec, c)
				dmap = append(dmap, i)
				i++
				continue
			default:
				dec = append(dec, c)
				dmap = append(dmap, i)
				i++
				continue
			}
			dmap = append(dmap, i)
			i += 2
			changed = true
			continue
		}
		dec = append(dec, c)
		dmap = append(dmap, i)
		i++
	}
	dmap = append(dmap, hi)
	sub.dec, sub.dmap, sub.seeds = dec, dmap, seeds
	if !changed {
		return
	}
	d.addMapped(st, d.scan(sub, nil, dec, depth+1), dmap, enc, keepLo, keepHi)
	// A form (application/x-www-form-urlencoded) writes a space as '+':
	// unless the run writes spaces as %20, its bare '+' may be spaces,
	// and the text is scanned again with them so.
	if plus && !bytes.Contains(src[lo:hi], []byte("%20")) {
		for k, c := range dec {
			if c == '+' && src[dmap[k]] == '+' {
				dec[k] = ' '
			}
		}
		d.addMapped(st, d.scan(sub, nil, dec, depth+1), dmap, enc, keepLo, keepHi)
	}
}

// addMapped records the findings inner of text decoded by decodeMapped,
// mapping their spans to source offsets with dmap.
func (d *Detector) addMapped(st *state, inner []Finding, dmap []int, enc Encoding, keepLo, keepHi int) {
	for _, f := range inner {
		e := dmap[f.End]
		if enc == EncodingANSI {
			// Bytes are kept one for one: end after the secret's last
			// byte, before any sequence that follows it.
			e = dmap[f.End-1] + 1
		}
		d.addDecoded(st, f, dmap[f.Start], e, enc, keepLo, keepHi)
	}
}

// csiLen returns the length of the ANSI control sequence (ESC [ parameters
// intermediates final) that b starts with, or 0 when it starts with none.
func csiLen(b []byte) int {
	if len(b) < 3 || b[0] != 0x1b || b[1] != '[' {
		return 0
	}
	i := 2
	for i < len(b) && i < 32 && b[i] >= 0x30 && b[i] <= 0x3f {
		i++
	}
	for i < len(b) && i < 32 && b[i] >= 0x20 && b[i] <= 0x2f {
		i++
	}
	if i < len(b) && b[i] >= 0x40 && b[i] <= 0x7e {
		return i + 1
	}
	return 0
}

// nearReach is how far before and after a keyword a \/, an ANSI escape or
// an HTML reference makes the text around it decoded.
const nearReach = 256

// lineWin is the window of a keyword: the bytes of src within nearReach
// of it, on its line.
type lineWin struct{ a, b int }

// lineWindow returns the window of the keyword src[kwStart:kwEnd]. The
// keywords of a block come in order and their windows overlap: m keeps
// what the last searches for line breaks found, so that a line dense with
// keywords is searched once, not once per keyword.
func lineWindow(src []byte, kwStart, kwEnd int, m *nearMarks) lineWin {
	a := max(0, kwStart-nearReach)
	if m.backTo > m.backFrom && m.backFrom <= a && a <= m.backTo && m.backTo <= kwStart {
		if nl := bytes.LastIndexByte(src[m.backTo:kwStart], '\n'); nl >= 0 {
			m.lastNL = m.backTo + nl
		}
	} else {
		m.backFrom, m.lastNL = a, -1
		if nl := bytes.LastIndexByte(src[a:kwStart], '\n'); nl >= 0 {
			m.lastNL = a + nl
		}
	}
	m.backTo = kwStart
	if m.lastNL >= a {
		a = m.lastNL + 1
	}
	b := min(len(src), kwEnd+nearReach)
	if !(m.fwdTo > m.fwdFrom && m.fwdFrom <= kwEnd && (m.nextNL >= kwEnd || m.nextNL < 0 && kwEnd <= m.fwdTo)) {
		m.fwdFrom, m.fwdTo, m.nextNL = kwEnd, kwEnd, -1
	}
	if m.nextNL < 0 && m.fwdTo < b {
		if nl := bytes.IndexByte(src[m.fwdTo:b], '\n'); nl >= 0 {
			m.nextNL = m.fwdTo + nl
		}
		m.fwdTo = b
	}
	if m.nextNL >= 0 {
		b = min(b, m.nextNL)
	}
	return lineWin{a, b}
}

// from returns the part of the window not before from.
func (w lineWin) from(from int) (a, b int) {
	a = max(from, w.a)
	return a, max(a, w.b)
}

// keywordLine returns the line of the keyword src[kwStart:kwEnd], at most
// maxDecodeRun bytes each side of it.
func keywordLine(src []byte, kwStart, kwEnd int) (lo, hi int) {
	lo = max(0, kwStart-maxDecodeRun)
	if nl := bytes.LastIndexByte(src[lo:kwStart], '\n'); nl >= 0 {
		lo += nl + 1
	}
	hi = min(len(src), kwEnd+maxDecodeRun)
	if nl := bytes.IndexByte(src[kwEnd:hi], '\n'); nl >= 0 {
		hi = kwEnd + nl
	}
	return lo, hi
}

// escapeRegion looks for an ESC byte (the start of an ANSI colour
// sequence, which glues a letter such as the m of ESC[1m to the text after
// it) near a keyword at src[kwStart:kwEnd] (see lineWindow). When one is
// found it returns the keyword's line (see keywordLine) with ok. Otherwise
// hi is where the search stopped.
func escapeRegion(src []byte, kwStart, kwEnd, from int, lw lineWin) (lo, hi int, ok bool) {
	a, b := lw.from(from)
	if bytes.IndexByte(src[a:b], 0x1b) < 0 {
		return 0, max(from, b), false
	}
	lo, hi = keywordLine(src, kwStart, kwEnd)
	return lo, hi, true
}

// entityRegion looks for an HTML character reference (&quot;, &#43;,
// &#x2F;) near a keyword at src[kwStart:kwEnd] (see lineWindow): text
// escaped for HTML writes quotes around a value, and the +, / or = of a
// secret, as references. When one is found it returns the keyword's line
// with ok. Otherwise hi is where the search stopped.
func entityRegion(src []byte, kwStart, kwEnd, from int, lw lineWin) (lo, hi int, ok bool) {
	a, b := lw.from(from)
	for w := src[a:b]; ; {
		i := bytes.IndexByte(w, '&')
		if i < 0 {
			break
		}
		if _, n := entity(src[a+(len(src[a:b])-len(w))+i:]); n > 0 {
			lo, hi = keywordLine(src, kwStart, kwEnd)
			return lo, hi, true
		}
		w = w[i+1:]
	}
	// A reference may start in the last few bytes of the window.
	return 0, max(from, b-maxEntity), false
}

// maxEntity is the length of the longest character reference entity
// decodes.
const maxEntity = len("&#x10FFFF;")

// namedEntities are the named character references entity decodes: the
// ones that escape quotes and markup, and those for the characters of
// secrets.
var namedEntities = map[string]rune{
	"quot": '"', "apos": '\'', "amp": '&', "lt": '<', "gt": '>', "sol": '/',
	"plus": '+', "equals": '=', "colon": ':', "commat": '@', "num": '#',
	"percnt": '%', "dollar": '$', "excl": '!', "quest": '?', "lowbar": '_',
	"hyphen": '-', "period": '.', "comma": ',', "semi": ';', "nbsp": ' ',
}

// entity decodes the HTML character reference b starts with, returning
// the character and the reference's length, or n == 0 when b starts with
// none (the ';' is required).
func entity(b []byte) (r rune, n int) {
	if len(b) < 4 || b[0] != '&' {
		return 0, 0
	}
	end := bytes.IndexByte(b[:min(len(b), maxEntity)], ';')
	if end < 3 {
		return 0, 0
	}
	body := b[1:end]
	if body[0] != '#' {
		r, ok := namedEntities[string(body)]
		if !ok {
			return 0, 0
		}
		return r, end + 1
	}
	base, digits := 10, body[1:]
	if digits[0] == 'x' || digits[0] == 'X' {
		base, digits = 16, digits[1:]
	}
	if len(digits) == 0 {
		return 0, 0
	}
	for _, c := range digits {
		v := unhex(c)
		if v < 0 || v >= base {
			return 0, 0
		}
		r = r*rune(base) + rune(v)
	}
	if r == 0 || r > utf8.MaxRune || r >= 0xd800 && r < 0xe000 {
		return 0, 0
	}
	return r, end + 1
}

// addDecoded records a finding from decoded text at source span [s, e),
// when the span lies within [keepLo, keepHi).
func (d *Detector) addDecoded(st *state, f Finding, s, e int, enc Encoding, keepLo, keepHi int) {
	if e <= s || f.Undecided == Decided && (s < keepLo || e > keepHi) {
		return // an undecided region is masked wherever it lies
	}
	f.Start, f.End = s, e
	f.Encoding = enc // the outermost layer: how the text holds it
	st.found = append(st.found, f)
}

func unhex(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}
