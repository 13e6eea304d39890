package detect

import (
	"bufio"
	"bytes"
	"cmp"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"slices"
	"strings"
)

// Allowlist entries name a value by a digest of it, never by the value,
// so that the list itself holds no secret and can be kept in a
// repository or a configuration file.
const (
	// AllowSHA256Prefix starts an unkeyed entry: "sha256:" and the 64
	// hex digits of SHA-256(value).
	AllowSHA256Prefix = "sha256:"
	// AllowHMACPrefix starts a keyed entry: "hmac-sha256:" and the 64 hex
	// digits of HMAC-SHA256(key, value), key being the Detector's
	// fingerprint key (WithFingerprintKey). Its first FingerprintLen
	// digits are the fingerprint MaskFingerprint prints for the value.
	AllowHMACPrefix = "hmac-sha256:"
)

// maxAllowLine bounds a line of an allowlist read by ParseAllowValues.
const maxAllowLine = 4 << 10

// AllowError reports an invalid allowlist entry. It says where the entry
// is and what is wrong with it, never what the entry holds: a line of an
// allowlist may be a secret pasted in place of its digest. An AllowError
// is a plain value, safe to share once returned.
type AllowError struct {
	// Line is the 1-based line of the entry in the text ParseAllowValues
	// read, or its 1-based position among the arguments of
	// WithAllowValues.
	Line int
	// Reason describes the problem.
	Reason string

	arg bool // from WithAllowValues
}

// Error returns "detect: allowlist line N: reason", or for an argument
// of WithAllowValues "detect: invalid option: allow value N: reason".
func (e *AllowError) Error() string {
	if e.arg {
		return fmt.Sprintf("%v: allow value %d: %s", ErrInvalidOption, e.Line, e.Reason)
	}
	return fmt.Sprintf("detect: allowlist line %d: %s", e.Line, e.Reason)
}

// Unwrap returns ErrInvalidOption for an error from WithAllowValues, else
// nil.
func (e *AllowError) Unwrap() error {
	if e.arg {
		return ErrInvalidOption
	}
	return nil
}

// allowSet is the parsed allowlist of a Detector, read-only once New has
// returned.
type allowSet struct {
	sha  map[[sha256.Size]byte]struct{}
	hmac map[[sha256.Size]byte]struct{}
}

// check reports an allowlist with keyed entries and no key to check them.
func (a *allowSet) check(key []byte) error {
	if a != nil && len(a.hmac) > 0 && len(key) == 0 {
		return fmt.Errorf("%w: allowlist has %s entries but no fingerprint key (WithFingerprintKey)", ErrInvalidOption, strings.TrimSuffix(AllowHMACPrefix, ":"))
	}
	return nil
}

// WithAllowValues exempts exact values from detection: a candidate whose
// secret is byte for byte one of the values the entries name is neither
// reported nor masked, and is counted by Stats().Allowed. Use it for
// values a team has reviewed, such as the test tokens of a fixture.
//
// Each entry is AllowSHA256Prefix or AllowHMACPrefix followed by 64 hex
// digits (either case); AllowEntry and AllowEntryKeyed compute them, and
// ParseAllowValues reads them from a file. Keyed entries need
// WithFingerprintKey, with the key they were computed with. An invalid
// entry is an *AllowError naming its position, never its text. Options
// add up: several WithAllowValues allow the union.
//
// What is compared is the value of one finding as its pattern delimits
// it, after decoding when it was encoded (a base64-encoded allowed token
// is allowed too). A value that differs by one byte, or that goes on past
// the end its pattern allows, is not allowed; a finding of another
// pattern whose span holds the allowed value and more (a Basic
// credential, a Secret manifest's data block) is still masked. Undecided
// regions are never allowed. The check hashes the value of each
// candidate, never the text around it: it costs nothing on text without
// candidates, nothing when there are no entries, and allocates nothing.
func WithAllowValues(entries ...string) Option {
	return optionFunc(func(o *options) error {
		for i, e := range entries {
			if err := o.addAllow(e); err != nil {
				err.Line, err.arg = i+1, true
				return err
			}
		}
		return nil
	})
}

// addAllow parses one entry into o.allow.
func (o *options) addAllow(entry string) *AllowError {
	keyed, sum, reason := parseAllowEntry(entry)
	if reason != "" {
		return &AllowError{Reason: reason}
	}
	if o.allow == nil {
		o.allow = &allowSet{}
	}
	m := &o.allow.sha
	if keyed {
		m = &o.allow.hmac
	}
	if *m == nil {
		*m = make(map[[sha256.Size]byte]struct{})
	}
	(*m)[sum] = struct{}{}
	return nil
}

// parseAllowEntry parses one entry, surrounding spaces trimmed; a
// non-empty reason says why it is invalid.
func parseAllowEntry(s string) (keyed bool, sum [sha256.Size]byte, reason string) {
	s = strings.TrimSpace(s)
	var digest string
	switch {
	case s == "":
		return false, sum, "empty entry"
	case len(s) >= len(AllowHMACPrefix) && strings.EqualFold(s[:len(AllowHMACPrefix)], AllowHMACPrefix):
		keyed, digest = true, s[len(AllowHMACPrefix):]
	case len(s) >= len(AllowSHA256Prefix) && strings.EqualFold(s[:len(AllowSHA256Prefix)], AllowSHA256Prefix):
		digest = s[len(AllowSHA256Prefix):]
	default:
		return false, sum, "entry does not start with " + AllowSHA256Prefix + " or " + AllowHMACPrefix
	}
	if len(digest) != 2*sha256.Size {
		return false, sum, fmt.Sprintf("digest is %d characters long, want %d hex digits", len(digest), 2*sha256.Size)
	}
	if _, err := hex.Decode(sum[:], []byte(digest)); err != nil {
		return false, sum, "digest is not hexadecimal"
	}
	return keyed, sum, ""
}

// AllowEntry returns the unkeyed allowlist entry of value:
// AllowSHA256Prefix and the lowercase hex SHA-256 of value. A SHA-256 of a
// value that has little entropy (a short password) can be reversed by
// guessing; prefer AllowEntryKeyed for such values.
func AllowEntry(value []byte) string {
	sum := sha256.Sum256(value)
	return AllowSHA256Prefix + hex.EncodeToString(sum[:])
}

// AllowEntryKeyed returns the keyed allowlist entry of value:
// AllowHMACPrefix and the lowercase hex HMAC-SHA256 of value under key,
// the key a Detector gets from WithFingerprintKey (at least 16 bytes).
// Without the key the entry says nothing about the value.
func AllowEntryKeyed(key, value []byte) (string, error) {
	if len(key) < 16 {
		return "", fmt.Errorf("%w: fingerprint key must be at least 16 bytes, got %d", ErrInvalidOption, len(key))
	}
	h := hmac.New(sha256.New, key)
	h.Write(value)
	return AllowHMACPrefix + hex.EncodeToString(h.Sum(nil)), nil
}

// ParseAllowValues reads an allowlist: one entry per line (see
// WithAllowValues), blank lines and comments ignored. A comment starts
// with '#' at the start of a line or after a space or tab. It returns
// the entries in order, in lowercase, ready for WithAllowValues. The first
// invalid line is an *AllowError with its line number and no part of its
// text; a line longer than 4 KiB is invalid. An error reading r is
// returned wrapped.
func ParseAllowValues(r io.Reader) ([]string, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 256), maxAllowLine)
	var out []string
	line := 0
	for sc.Scan() {
		line++
		b := sc.Bytes()
		if i := commentStart(b); i >= 0 {
			b = b[:i]
		}
		b = bytes.TrimSpace(b)
		if len(b) == 0 {
			continue
		}
		keyed, sum, reason := parseAllowEntry(string(b))
		if reason != "" {
			return nil, &AllowError{Line: line, Reason: reason}
		}
		prefix := AllowSHA256Prefix
		if keyed {
			prefix = AllowHMACPrefix
		}
		out = append(out, prefix+hex.EncodeToString(sum[:]))
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, &AllowError{Line: line + 1, Reason: fmt.Sprintf("line longer than %d bytes", maxAllowLine)}
		}
		return nil, fmt.Errorf("detect: reading allowlist after line %d: %w", line, err)
	}
	return out, nil
}

// commentStart returns the index of the '#' that starts a comment in
// line, or -1.
func commentStart(line []byte) int {
	for i, c := range line {
		if c == '#' && (i == 0 || line[i-1] == ' ' || line[i-1] == '\t') {
			return i
		}
	}
	return -1
}

// allowedValue reports whether v is on d's allowlist (d.opts.allow is
// not nil). It hashes v only and allocates nothing: the HMAC comes from
// d's pool and its sum is written into st.
func (d *Detector) allowedValue(st *state, v []byte) bool {
	a := d.opts.allow
	if len(a.sha) > 0 {
		if _, ok := a.sha[sha256.Sum256(v)]; ok {
			return true
		}
	}
	if len(a.hmac) > 0 && d.hmacs.New != nil {
		h := d.hmacs.Get().(hash.Hash)
		h.Reset()
		h.Write(v)
		sum := h.Sum(st.sum[:0])
		d.hmacs.Put(h)
		if len(sum) == sha256.Size {
			if _, ok := a.hmac[[sha256.Size]byte(sum)]; ok {
				return true
			}
		}
	}
	return false
}

// countAllowed adds the distinct spans of st.allowed to d's count and
// empties it: several patterns, or windows, may exempt one value.
func (d *Detector) countAllowed(st *state) {
	spans := st.allowed
	slices.SortFunc(spans, func(a, b [2]int) int {
		if c := cmp.Compare(a[0], b[0]); c != 0 {
			return c
		}
		return cmp.Compare(a[1], b[1])
	})
	n := uint64(1)
	for i := 1; i < len(spans); i++ {
		if spans[i] != spans[i-1] {
			n++
		}
	}
	d.allowed.Add(n)
	st.allowed = spans[:0]
}

// Exempt returns a view of d that does not run the patterns with the
// given ids, for one call site (a handler, a writer, a field) where
// their findings are known to be noise. The view shares d's compiled
// patterns, prefilter and allowlist: nothing is compiled again, and
// building it costs a pass over the patterns. It finds what d would find
// with the exempt patterns disabled (WithDisabled), except that limits
// derived from the longest pattern (Horizon, decode windows) stay d's.
//
// A view of a view exempts both sets. An id that names no pattern of d
// is an error wrapping ErrInvalidOption; an id disabled at New is
// accepted. UndecidedID is not a pattern and cannot be exempted: what the
// engine cannot decide is masked in every view.
//
// A view is a *Detector, immutable and safe for concurrent use, and may
// be used concurrently with d and with other views. It has its own
// scratch pool and its own Stats, which count the scans made through it.
func (d *Detector) Exempt(ids ...string) (*Detector, error) {
	ex := make([]bool, len(d.pats))
	copy(ex, d.exempt)
	want := make(map[string]bool, len(ids))
	for _, id := range ids {
		want[id] = false
	}
	for i := range d.pats {
		if _, ok := want[d.pats[i].p.ID]; ok {
			want[d.pats[i].p.ID] = true
			ex[i] = true
		}
	}
	for _, id := range ids {
		if !want[id] && !d.opts.disabled[id] {
			return nil, fmt.Errorf("%w: cannot exempt unknown pattern id %s", ErrInvalidOption, idText(id))
		}
	}
	v := &Detector{
		pats:   d.pats,
		pf:     d.pf,
		opts:   d.opts,
		maxWin: d.maxWin,
		lim:    d.lim,
		exempt: ex,
	}
	// Per-Detector state, as New sets it up: scratch pools and the field
	// key cache (its decisions depend on the patterns run).
	v.setup()
	return v, nil
}
