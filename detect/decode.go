package detect

import (
	"bytes"
	"encoding/base64"
	"unicode/utf8"
)

// Encoded secrets are found by decoding only candidate regions: a run of
// base64 around the base64 form of a distinctive keyword, a run of
// percent-encoded text around %2F, %2B, %3D, %40 or %3A, a JSON string
// around :\/\/ or \u00, the JSON text from a keyword to a \/ near it, and
// the line of a keyword with ANSI escape sequences near it. Each region is at most maxDecodeRun bytes each side of
// its trigger, decoded once, and rescanned with the whole catalog one level
// deeper (DefaultDecodeDepth levels at most). Findings inside the decoded
// bytes are mapped back to the encoded bytes that hold them.

const maxDecodeRun = 4 << 10

func isB64(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' ||
		c == '+' || c == '/' || c == '-' || c == '_'
}

func isURLRun(c byte) bool {
	return c > ' ' && c < 0x7f && c != '"' && c != '\'' && c != '&' && c != '?' &&
		c != '<' && c != '>' && c != '\\'
}

// runAround returns the maximal run [lo, hi) of bytes accepted by in around
// pos, bounded to maxDecodeRun on each side.
func runAround(src []byte, pos int, in func(byte) bool) (lo, hi int, cut bool) {
	lo, hi = pos, pos
	for lo > 0 && pos-lo < maxDecodeRun && in(src[lo-1]) {
		lo--
	}
	cut = lo > 0 && in(src[lo-1])
	for hi < len(src) && hi-pos < maxDecodeRun && in(src[hi]) {
		hi++
	}
	return lo, hi, cut
}

// decodeJobs decodes the trigger regions recorded in st.jobs and appends
// findings inside them, mapped to src offsets, to st.found.
func (d *Detector) decodeJobs(st *state, src []byte, depth int) {
	var doneEnd [len(encodingNames)]int // per encoding: end of the last decoded region
	for _, j := range st.jobs {
		if j.hi == 0 && j.pos < doneEnd[j.enc] {
			continue
		}
		switch j.enc {
		case EncodingBase64:
			lo, hi, cut := runAround(src, j.pos, isB64)
			for hi < len(src) && src[hi] == '=' && hi-lo < 2*maxDecodeRun+2 {
				hi++
			}
			doneEnd[j.enc] = hi
			if !cut {
				d.decodeBase64(st, src, lo, hi, depth)
				continue
			}
			// The run was cut by the bound: its alignment is unknown, so
			// try all four.
			for a := 0; a < 4; a++ {
				d.decodeBase64(st, src, lo+a, hi, depth)
			}
		case EncodingPercent, EncodingJSON, EncodingANSI:
			if j.hi > 0 {
				if j.hi <= doneEnd[j.enc] {
					continue
				}
				lo := max(j.lo, doneEnd[j.enc])
				doneEnd[j.enc] = j.hi
				d.decodeMapped(st, src, lo, j.hi, j.enc, depth)
				continue
			}
			in := isURLRun
			if j.enc == EncodingJSON {
				in = isJSONRun
			}
			lo, hi, _ := runAround(src, j.pos, in)
			doneEnd[j.enc] = hi
			d.decodeMapped(st, src, lo, hi, j.enc, depth)
		}
	}
}

// decodeBase64 decodes src[lo:hi] as base64 (standard or URL alphabet,
// padded or not) and rescans the result.
func (d *Detector) decodeBase64(st *state, src []byte, lo, hi, depth int) {
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
		d.addDecoded(st, f, s, e, EncodingBase64)
	}
}

func isJSONRun(c byte) bool { return c >= ' ' && c != '"' }

// slashReach is how far before and after a keyword an escaped slash
// makes the text around it decoded as JSON.
const slashReach = 256

// escapedSlashRegion looks for \/ (a JSON-escaped slash, which encoders
// such as PHP's write for every /) within slashReach bytes of a keyword at
// src[kwStart:kwEnd], on its line and not before from. A secret holding /
// is then written with backslashes the patterns do not accept: when one is
// found, the region from the JSON string holding the first of the keyword
// and the \/ to the end of the string holding the last is returned, for
// decoding, with ok. Otherwise hi is where the search stopped.
func escapedSlashRegion(src []byte, kwStart, kwEnd, from int) (lo, hi int, ok bool) {
	a := max(from, kwStart-slashReach)
	if a < kwStart {
		if nl := bytes.LastIndexByte(src[a:kwStart], '\n'); nl >= 0 {
			a += nl + 1
		}
	}
	b := min(len(src), kwEnd+slashReach)
	if c := max(a, kwEnd); c < b {
		if nl := bytes.IndexByte(src[c:b], '\n'); nl >= 0 {
			b = c + nl
		}
	}
	if a >= b {
		return 0, from, false
	}
	w := src[a:b]
	i := bytes.Index(w, []byte(`\/`))
	if i < 0 {
		// A \ at the end of the window may start one.
		return 0, max(from, b-1), false
	}
	first, last := a+i, a+bytes.LastIndex(w, []byte(`\/`))
	lo, _, _ = runAround(src, min(first, kwStart), isJSONRun)
	_, hi, _ = runAround(src, max(last, kwStart), isJSONRun)
	return lo, hi, true
}

// decodeMapped undoes percent or JSON escapes in src[lo:hi], keeping a map
// from decoded to source offsets, and rescans the result.
func (d *Detector) decodeMapped(st *state, src []byte, lo, hi int, enc Encoding, depth int) {
	sub := d.pool.Get().(*state)
	defer func() { sub.reset(); d.pool.Put(sub) }()
	dec, dmap := sub.dec[:0], sub.dmap[:0]
	changed := false
	for i := lo; i < hi; {
		c := src[i]
		switch {
		case enc == EncodingPercent && c == '%' && i+2 < hi+0 && unhex(src[i+1]) >= 0 && unhex(src[i+2]) >= 0:
			dec = append(dec, byte(unhex(src[i+1])<<4|unhex(src[i+2])))
			dmap = append(dmap, i)
			i += 3
			changed = true
			continue
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
	sub.dec, sub.dmap = dec, dmap
	if !changed {
		return
	}
	inner := d.scan(sub, nil, dec, depth+1)
	for _, f := range inner {
		e := dmap[f.End]
		if enc == EncodingANSI {
			// Bytes are kept one for one: end after the secret's last
			// byte, before any sequence that follows it.
			e = dmap[f.End-1] + 1
		}
		d.addDecoded(st, f, dmap[f.Start], e, enc)
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

// escReach is how far before and after a keyword an ANSI escape makes its
// line decoded with escapes removed.
const escReach = 256

// escapeRegion looks for an ESC byte (the start of an ANSI colour
// sequence, which glues a letter such as the m of ESC[1m to the text after
// it) within escReach bytes of a keyword at src[kwStart:kwEnd], on its line
// and not before from. When one is found it returns the keyword's line,
// at most maxDecodeRun bytes each side of the keyword, with ok. Otherwise
// hi is where the search stopped.
func escapeRegion(src []byte, kwStart, kwEnd, from int) (lo, hi int, ok bool) {
	a := max(from, kwStart-escReach)
	if a < kwStart {
		if nl := bytes.LastIndexByte(src[a:kwStart], '\n'); nl >= 0 {
			a += nl + 1
		}
	}
	b := min(len(src), kwEnd+escReach)
	if c := max(a, kwEnd); c < b {
		if nl := bytes.IndexByte(src[c:b], '\n'); nl >= 0 {
			b = c + nl
		}
	}
	if a >= b || bytes.IndexByte(src[a:b], 0x1b) < 0 {
		return 0, max(from, b), false
	}
	lo = max(0, kwStart-maxDecodeRun)
	if nl := bytes.LastIndexByte(src[lo:kwStart], '\n'); nl >= 0 {
		lo += nl + 1
	}
	hi = min(len(src), kwEnd+maxDecodeRun)
	if nl := bytes.IndexByte(src[kwEnd:hi], '\n'); nl >= 0 {
		hi = kwEnd + nl
	}
	return lo, hi, true
}

// addDecoded records a finding from decoded text at source span [s, e).
func (d *Detector) addDecoded(st *state, f Finding, s, e int, enc Encoding) {
	if e <= s {
		return
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
