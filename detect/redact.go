package detect

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
)

// MaskStyle chooses what Redact writes in place of a secret.
type MaskStyle uint8

// Mask styles.
const (
	// MaskID writes "[REDACTED:<pattern-id>]" (the default).
	MaskID MaskStyle = iota
	// MaskPrefix keeps a short non-secret prefix of the token (the part of
	// its format that is the same for every key of the type, at most 8
	// bytes and never more than a quarter of the secret), then
	// "…[REDACTED]": "ghp_…[REDACTED]". Secrets without a literal prefix
	// are masked as with MaskID.
	MaskPrefix
	// MaskFingerprint writes "[REDACTED:<pattern-id>:hmac=<8 hex>]", the
	// first 4 bytes of HMAC-SHA256(key, secret) with the key given by
	// WithFingerprintKey, so that one secret can be correlated across logs
	// without being stored.
	MaskFingerprint
)

// WithMask sets the mask style Redact uses. MaskFingerprint also needs
// WithFingerprintKey.
func WithMask(s MaskStyle) Option {
	return optionFunc(func(o *options) error {
		if s > MaskFingerprint {
			return fmt.Errorf("%w: unknown mask style %d", ErrInvalidOption, s)
		}
		o.mask = s
		return nil
	})
}

// WithFingerprintKey sets the HMAC key of MaskFingerprint (at least 16
// bytes). The key is copied.
func WithFingerprintKey(key []byte) Option {
	return optionFunc(func(o *options) error {
		if len(key) < 16 {
			return fmt.Errorf("%w: fingerprint key must be at least 16 bytes, got %d", ErrInvalidOption, len(key))
		}
		o.hmacKey = append([]byte(nil), key...)
		return nil
	})
}

// WithKeepLines makes every mask keep the line breaks of the text it
// replaces, so that redacted text has as many lines as its source: a
// 5-line PEM block becomes 5 lines, the first holding the mask in the
// chosen style and each of the others "[REDACTED:<pattern-id>]" (a line of
// the secret with nothing but a line break, or a carriage return before
// it, keeps only those). Off by default, where a multi-line secret
// becomes one mask; the Writer of [Detector.NewLineWriter] keeps lines
// whatever this option says. Escaped line breaks (the two bytes \n in
// a JSON string) are text, not line breaks.
func WithKeepLines(keep bool) Option {
	return optionFunc(func(o *options) error {
		o.keepLines = keep
		return nil
	})
}

// FingerprintLen is the number of hex digits of a fingerprint in a mask.
const FingerprintLen = 8

// Redact appends src to dst with every secret found replaced by its mask,
// and returns the extended slice. Text without secrets is copied unchanged;
// then Redact allocates nothing beyond growing dst. dst and src must not
// overlap.
func (d *Detector) Redact(dst, src []byte) []byte {
	st := d.pool.Get().(*state)
	st.top(len(src))
	fs := d.scan(st, st.res[:0], src, 0)
	dst = d.applyMasks(dst, src, fs)
	d.observe(len(src), fs)
	st.res = fs[:0]
	d.release(st)
	return dst
}

// RedactString is Redact for strings. It returns s itself when there is
// nothing to redact.
func (d *Detector) RedactString(s string) string {
	st := d.pool.Get().(*state)
	defer d.pool.Put(st)
	return d.redactHeld(st, s)
}

// redactHeld is RedactString with st, a state the caller holds (see
// scanHeld).
func (d *Detector) redactHeld(st *state, s string) string {
	src := bytesOf(s)
	fs := d.scanHeld(st, st.res[:0], src)
	st.res = fs[:0]
	d.observe(len(src), fs)
	if len(fs) == 0 {
		return s
	}
	return string(d.applyMasks(make([]byte, 0, len(s)+32*len(fs)), src, fs))
}

// RedactFindings appends src to dst with the spans of fs replaced by
// masks, as Redact would write them, for callers that have already scanned
// src (to count or score the findings) and should not scan it twice. fs
// must come from Scan or AppendScan of the same src (sorted and disjoint);
// findings that are out of order or out of range are skipped. It reports
// nothing to the Observer: the scan of src did.
func (d *Detector) RedactFindings(dst, src []byte, fs []Finding) []byte {
	return d.applyMasks(dst, src, fs)
}

// applyMasks appends src to dst with the spans of fs (sorted, disjoint)
// replaced by masks.
func (d *Detector) applyMasks(dst, src []byte, fs []Finding) []byte {
	prev := 0
	for _, f := range fs {
		if f.Start < prev || f.End > len(src) {
			continue
		}
		dst = append(dst, src[prev:f.Start]...)
		dst = d.appendMaskLines(dst, f, src[f.Start:f.End], d.opts.keepLines)
		prev = f.End
	}
	return append(dst, src[prev:]...)
}

// appendMaskLines appends the mask of one finding; with keep, followed
// by the secret's line breaks, each line after the first masked again (see
// WithKeepLines).
func (d *Detector) appendMaskLines(dst []byte, f Finding, secret []byte, keep bool) []byte {
	dst = d.appendMask(dst, f, secret)
	if keep {
		dst = appendLineBreaks(dst, secret, f.PatternID)
	}
	return dst
}

// appendLineBreaks appends, for each line break in text, the line break
// (with the carriage return before it) and, when the line after it holds
// more, the continuation mask "[REDACTED:<id>]".
func appendLineBreaks(dst, text []byte, id string) []byte {
	for {
		nl := bytes.IndexByte(text, '\n')
		if nl < 0 {
			return dst
		}
		if nl > 0 && text[nl-1] == '\r' {
			dst = append(dst, '\r')
		}
		dst = append(dst, '\n')
		text = text[nl+1:]
		line := text
		if i := bytes.IndexByte(line, '\n'); i >= 0 {
			line = line[:i]
		}
		if len(line) > 0 && !(len(line) == 1 && line[0] == '\r') {
			dst = append(dst, "[REDACTED:"...)
			dst = append(dst, id...)
			dst = append(dst, ']')
		}
	}
}

// appendMask appends the mask of one finding.
func (d *Detector) appendMask(dst []byte, f Finding, secret []byte) []byte {
	switch d.opts.mask {
	case MaskPrefix:
		if n := d.maskPrefixLen(f, secret); n > 0 {
			dst = append(dst, secret[:n]...)
			return append(dst, "…[REDACTED]"...)
		}
	case MaskFingerprint:
		if len(d.opts.hmacKey) > 0 {
			dst = append(dst, "[REDACTED:"...)
			dst = append(dst, f.PatternID...)
			dst = append(dst, ":hmac="...)
			var sum [sha256.Size]byte
			dst = hex.AppendEncode(dst, d.fingerprint(sum[:0], secret)[:FingerprintLen/2])
			return append(dst, ']')
		}
	}
	dst = append(dst, "[REDACTED:"...)
	dst = append(dst, f.PatternID...)
	return append(dst, ']')
}

// fingerprint appends HMAC-SHA256(key, secret) to b.
func (d *Detector) fingerprint(b, secret []byte) []byte {
	h := d.hmacs.Get().(hash.Hash)
	h.Reset()
	h.Write(secret)
	b = h.Sum(b)
	d.hmacs.Put(h)
	return b
}

// Fingerprint returns the hex fingerprint MaskFingerprint would print for
// secret (FingerprintLen hex digits), or "" when the Detector has no
// fingerprint key.
func (d *Detector) Fingerprint(secret []byte) string {
	if len(d.opts.hmacKey) == 0 {
		return ""
	}
	var sum [sha256.Size]byte
	return hex.EncodeToString(d.fingerprint(sum[:0], secret)[:FingerprintLen/2])
}

// maskPrefixLen returns how many leading bytes of secret are the
// non-secret literal prefix of its pattern: the longest keyword the secret
// starts with, capped at 8 bytes and a quarter of the secret.
func (d *Detector) maskPrefixLen(f Finding, secret []byte) int {
	c := d.patOf(&f)
	if c == nil || c.p.NeedsContext || f.Encoding != EncodingNone {
		return 0
	}
	best := 0
	for _, k := range c.p.Keywords {
		if len(k) <= len(secret) && len(k) > best && string(secret[:len(k)]) == k {
			best = len(k)
		}
	}
	if best > 8 {
		best = 8
	}
	if best > len(secret)/4 {
		best = 0
	}
	return best
}
