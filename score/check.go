package score

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/dlclark/regexp2/v2"

	"github.com/leakward/leakward/detect"
	"github.com/leakward/leakward/patterns"
)

// Rejection codes of Checker.Check. They carry 0 points; a Decision lists
// them before the score's reasons. CodeKnownLeaked and
// CodeStoreUnavailable also reject.
const (
	// CodeMalformed: empty, too long, or more than the key (text around
	// it, several keys, an encoded key).
	CodeMalformed Code = "check.malformed"
	// CodeUnrecognised: not a credential the detector recognises.
	CodeUnrecognised Code = "check.unrecognised"
	// CodeUnexpectedType: a credential of a type the caller did not ask for.
	CodeUnexpectedType Code = "check.unexpected-type"
	// CodeChecksum: the shape of a type that carries a checksum or
	// structure, but the check fails.
	CodeChecksum Code = "check.checksum"
	// CodePlaceholder: a placeholder, mask, template reference or
	// documentation example, or a value with too little randomness for
	// its type.
	CodePlaceholder Code = "check.placeholder"
	// CodeTestMode: a test or sandbox key where a live one is required.
	CodeTestMode Code = "check.test-mode"
	// CodeExpiredKey: a token whose expiry has passed.
	CodeExpiredKey Code = "check.expired"
	// CodeUndecided: the detector could not decide the value (a regex
	// search past its match timeout, the work budget spent); the check
	// fails closed. Retrying may succeed on a less loaded machine.
	CodeUndecided Code = "check.undecided"
)

// DefaultMaxKeyBytes is the longest key Check accepts when
// CheckerConfig.MaxKeyBytes is 0.
const DefaultMaxKeyBytes = 4096

// ErrNilDetector is returned by NewChecker without a detector.
var ErrNilDetector = errors.New("score: nil detector")

// shapeTimeout bounds each regex run of the rejection path: the value is
// at most MaxKeyBytes long, and an inline check must answer quickly.
const shapeTimeout = 10 * time.Millisecond

// maxKeyFindings bounds the findings one Check looks at. A key is one
// finding; more means the value is malformed, so the rest are not needed.
const maxKeyFindings = 4

// CheckerConfig configures a Checker. The zero value means the defaults:
// no leak store, so the leak check does not run (each Decision's Checks
// lacks CheckedLeakStore).
type CheckerConfig struct {
	// Scorer scores recognised keys; nil means Default.
	Scorer *Scorer
	// Store lists known-leaked keys. Nil means no store: keys are not
	// compared with one, and Decisions say so (see Checks). A store that
	// returns an error is unavailable: by default the key is rejected
	// with CodeStoreUnavailable (see StoreFailOpen).
	Store LeakStore
	// RequireStore makes a nil Store an outage rather than a choice: every
	// key the Checker would have looked up is rejected with
	// CodeStoreUnavailable, as when the store errors. Set it when the
	// store comes from configuration that may be missing.
	RequireStore bool
	// StoreFailOpen accepts keys while the store is unavailable (it
	// returns an error, or is nil with RequireStore) instead of rejecting
	// them with CodeStoreUnavailable. This is failing open: during an
	// outage a leaked key is accepted. The Decision still lists the
	// store.unavailable reason (0 points), sets StoreErr and lacks
	// CheckedLeakStore, so the caller can re-check the key later.
	StoreFailOpen bool
	// MaxKeyBytes is the longest key accepted, after trimming; 0 means
	// DefaultMaxKeyBytes.
	MaxKeyBytes int
}

// CheckOptions says what a caller expects of a submitted key. The zero
// value accepts any recognised live or test key.
type CheckOptions struct {
	// Types lists the pattern ids the caller accepts (for example
	// "openai-project-key", "anthropic-api-key"); empty accepts any.
	Types []string
	// RequireLive rejects test, sandbox and testnet keys.
	RequireLive bool
	// Exposure is the exposure the score assumes; ExposureUnknown means
	// ExposureUserInput.
	Exposure Exposure
	// Now is the time expiries are compared with; zero means time.Now().
	Now time.Time
}

// Decision is the answer of Checker.Check. It never holds the key. A
// Decision is a value: copies are independent.
type Decision struct {
	// Accepted reports whether the key may be registered.
	Accepted bool
	// Reject is the main rejection code (one of the check.* codes,
	// CodeKnownLeaked or CodeStoreUnavailable); empty when Accepted.
	// Rejections about the key itself come first, so CodeStoreUnavailable
	// is the main code only of a key that nothing else rejects.
	Reject Code
	// PatternID is the credential type recognised; empty when the value
	// was not recognised.
	PatternID string
	// Checks is the set of checks that ran. A Decision without
	// CheckedLeakStore was not compared with a leak store: none is
	// configured, the value was rejected before the lookup, or the store
	// could not answer (StoreErr then says why).
	Checks Checks
	// StoreErr is why the leak store could not answer; it wraps
	// ErrStoreUnavailable and the store's error. It is nil when the store
	// answered or was not asked. MarshalJSON leaves it out: it is for the
	// service's logs, not for the client.
	StoreErr error
	// Result is the risk of the key and the reasons for the decision:
	// rejection reasons first (0 points each), then the score's reasons
	// when the key was recognised. A known-leaked key is listed once, by
	// the score's store.known-leaked reason.
	Result Result
}

// MarshalJSON renders d as {"accepted":…,"reject":…,"pattern_id":…,
// "checks":[…],"score":…,"level":…,"reasons":[…]}.
func (d Decision) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Accepted  bool     `json:"accepted"`
		Reject    Code     `json:"reject,omitempty"`
		PatternID string   `json:"pattern_id,omitempty"`
		Checks    Checks   `json:"checks"`
		Score     int      `json:"score"`
		Level     Level    `json:"level"`
		Reasons   []Reason `json:"reasons"`
	}{d.Accepted, d.Reject, d.PatternID, d.Checks, d.Result.Score, d.Result.Level, d.Result.Reasons()})
}

// Checks is a set of the checks a Checker ran on a value, whatever their
// outcome: a check that ran may have passed or rejected, one that did not
// run decided nothing. The zero value is the empty set. Checks is a plain
// value, safe to copy and share.
type Checks uint8

// The checks of Checker.Check, in the order it runs them.
const (
	// CheckedFormat ("format"): the length, and that the value is one
	// whole credential the detector recognises (its checksum included),
	// not encoded and without text around it. Every Check runs it.
	CheckedFormat Checks = 1 << iota
	// CheckedPlaceholder ("placeholder"): placeholders, masks, template
	// references, documentation values and values with too little
	// randomness for their type. It runs for every value within the
	// length limit.
	CheckedPlaceholder
	// CheckedType ("type"): the credential is of one of
	// CheckOptions.Types. It runs for a recognised key when Types is set.
	CheckedType
	// CheckedTestKey ("test-key"): test and sandbox keys. It runs for a
	// recognised key when CheckOptions.RequireLive is set.
	CheckedTestKey
	// CheckedExpiry ("expiry"): the expiry a token carries. It runs for
	// every recognised key; a key without an expiry passes.
	CheckedExpiry
	// CheckedLeakStore ("leak-store"): the leak store answered. It is
	// absent when no store is configured, when the value was malformed
	// (not looked up), and when the store could not answer.
	CheckedLeakStore

	numChecks = 6
)

var checkNames = [numChecks]string{"format", "placeholder", "type", "test-key", "expiry", "leak-store"}

// Has reports whether every check of x is in c.
func (c Checks) Has(x Checks) bool { return c&x == x }

// String returns the names of the checks in c joined by "|", in the order
// of the constants ("format|placeholder|leak-store"), or "none".
func (c Checks) String() string {
	if c == 0 {
		return "none"
	}
	var b strings.Builder
	for i, n := range checkNames {
		if c&(1<<i) != 0 {
			if b.Len() > 0 {
				b.WriteByte('|')
			}
			b.WriteString(n)
		}
	}
	if rest := c &^ (1<<numChecks - 1); rest != 0 {
		if b.Len() > 0 {
			b.WriteByte('|')
		}
		fmt.Fprintf(&b, "checks(%#x)", uint8(rest))
	}
	return b.String()
}

// MarshalJSON renders c as a JSON array of check names, [] when empty.
func (c Checks) MarshalJSON() ([]byte, error) {
	names := make([]string, 0, numChecks)
	for i, n := range checkNames {
		if c&(1<<i) != 0 {
			names = append(names, n)
		}
	}
	return json.Marshal(names)
}

// Checker decides whether to accept keys submitted to signup and
// key-registration flows. It is immutable after NewChecker and safe for
// concurrent use.
type Checker struct {
	det          *detect.Detector
	scorer       *Scorer
	store        LeakStore
	requireStore bool
	failOpen     bool
	maxLen       int
	shapes       func() []shape
}

// shape is a pattern's regex compiled for the rejection path, which tells
// a failed checksum from an unrecognised value.
type shape struct {
	p      patterns.Pattern
	re     *regexp2.Regexp
	secret int // group number of "secret", or 0
}

// NewChecker returns a Checker that recognises keys with d. The detector
// should include the patterns of every type callers may ask for. The
// recommended detector is built from [KeyPatterns] with decoding off:
//
//	d, err := detect.New(score.KeyPatterns(patterns.Default()), detect.WithDecodeDepth(0))
//
// A full detector works too, but its context patterns never recognise a
// bare key and cost time on every check.
func NewChecker(d *detect.Detector, c CheckerConfig) (*Checker, error) {
	if d == nil {
		return nil, ErrNilDetector
	}
	if c.MaxKeyBytes < 0 {
		return nil, fmt.Errorf("score: MaxKeyBytes %d is negative", c.MaxKeyBytes)
	}
	ch := &Checker{det: d, scorer: c.Scorer, store: c.Store, requireStore: c.RequireStore,
		failOpen: c.StoreFailOpen, maxLen: c.MaxKeyBytes}
	if ch.scorer == nil {
		ch.scorer = Default()
	}
	if ch.maxLen == 0 {
		ch.maxLen = DefaultMaxKeyBytes
	}
	ch.shapes = sync.OnceValue(func() []shape { return compileShapes(d) })
	return ch, nil
}

// Check decides whether key may be registered. Surrounding white space is
// trimmed; the rest must be exactly one credential the detector
// recognises, of one of want.Types when that is set, live when
// want.RequireLive is set, not expired and not known to have leaked.
// The Decision's Checks say which of these ran.
//
// The leak store is asked with ctx. When it cannot answer (it returns an
// error, or it is nil and the config requires one), the key is rejected
// with CodeStoreUnavailable unless the config says StoreFailOpen; either
// way Decision.StoreErr says why and Checks lacks CheckedLeakStore.
//
// Check does not retain key and never puts it in the Decision. A key that
// is accepted or rejected after recognition costs one scan of the key
// into a stack buffer, one store lookup and one score; Check allocates
// nothing beyond what the detector's scan and the store do, except to
// wrap the error of a store that fails. A value that is not recognised
// also runs the regexes of the patterns whose keywords it contains
// (skipping patterns that need context), to say whether its checksum
// failed; those regexes are compiled on the first such call.
func (c *Checker) Check(ctx context.Context, key []byte, want CheckOptions) Decision {
	var d Decision
	d.Checks = CheckedFormat
	key = bytes.TrimSpace(key)
	if len(key) == 0 || len(key) > c.maxLen {
		d.reject(CodeMalformed, textMalformedLen)
		return d
	}
	// The detector drops placeholders and documentation values; an
	// unrecognised value is tested for them below.
	d.Checks |= CheckedPlaceholder
	var buf [maxKeyFindings]detect.Finding
	fs := c.det.AppendScan(buf[:0], key)
	if len(fs) == 0 {
		c.unrecognised(ctx, &d, key)
		return d
	}
	for i := range fs {
		if fs[i].Undecided != detect.Decided {
			d.reject(CodeUndecided, textUndecided)
			return d
		}
	}
	f := &fs[0]
	if len(fs) != 1 || f.Start != 0 || f.End != len(key) {
		d.reject(CodeMalformed, textMalformedExtra)
		return d
	}
	if f.Encoding != detect.EncodingNone {
		d.reject(CodeMalformed, textMalformedEncoded)
		return d
	}
	d.PatternID = f.PatternID
	leaked, unavailable := c.lookup(ctx, &d, key)
	now := want.Now
	if now.IsZero() {
		now = time.Now()
	}
	test := f.Test || f.Grants == patterns.PrivTestMode
	if leaked {
		// The score lists the store.known-leaked reason with its points.
		d.Reject = CodeKnownLeaked
	}
	if len(want.Types) > 0 {
		d.Checks |= CheckedType
		if !contains(want.Types, f.PatternID) {
			d.reject(CodeUnexpectedType, textUnexpectedType)
		}
	}
	if want.RequireLive {
		d.Checks |= CheckedTestKey
		if test {
			d.reject(CodeTestMode, textTestMode)
		}
	}
	d.Checks |= CheckedExpiry
	if f.Meta.ExpiresAt != 0 && f.Meta.ExpiresAt <= now.Unix() {
		d.reject(CodeExpiredKey, textExpiredKey)
	}
	if unavailable {
		c.storeUnavailable(&d)
	}
	exp := want.Exposure
	if exp == ExposureUnknown {
		exp = ExposureUserInput
	}
	in := Input{
		Grants:      f.Grants,
		Severity:    f.Severity,
		Confidence:  f.Confidence,
		Validated:   f.Validated,
		Test:        test,
		KnownLeaked: leaked,
		Exposure:    exp,
		Meta:        f.Meta,
		Now:         now,
	}
	c.scorer.score(&d.Result, &in)
	d.Accepted = d.Reject == ""
	return d
}

// KeyPatterns returns the patterns of ps that can recognise a key on its
// own: those that do not need context. The result is a new slice.
func KeyPatterns(ps []patterns.Pattern) []patterns.Pattern {
	out := make([]patterns.Pattern, 0, len(ps))
	for _, p := range ps {
		if !p.NeedsContext {
			out = append(out, p)
		}
	}
	return out
}

// reject records a rejection reason; the first one is the main one.
func (d *Decision) reject(code Code, text string) {
	if d.Reject == "" {
		d.Reject = code
	}
	d.Result.AddReason(Reason{Code: code, Text: text})
}

// errNoStore is Decision.StoreErr when a store is required and none is
// configured.
var errNoStore = fmt.Errorf("%w: no store configured", ErrStoreUnavailable)

// lookup asks the store whether it lists key. It records in d whether the
// store answered (CheckedLeakStore) or why not (StoreErr), and reports
// whether the key is listed and whether the store was unavailable. A nil
// store that is not required is neither.
func (c *Checker) lookup(ctx context.Context, d *Decision, key []byte) (leaked, unavailable bool) {
	if c.store == nil {
		if c.requireStore {
			d.StoreErr = errNoStore
			return false, true
		}
		return false, false
	}
	leaked, err := c.store.ContainsKey(ctx, key)
	if err != nil {
		// The answer is unknown, never "not listed".
		d.StoreErr = fmt.Errorf("%w: %w", ErrStoreUnavailable, err)
		return false, true
	}
	d.Checks |= CheckedLeakStore
	return leaked, false
}

// storeUnavailable records that the store could not answer: a rejection,
// or only a reason when the Checker fails open.
func (c *Checker) storeUnavailable(d *Decision) {
	if c.failOpen {
		d.Result.AddReason(Reason{Code: CodeStoreUnavailable, Text: textStoreUnavailable})
		return
	}
	d.reject(CodeStoreUnavailable, textStoreUnavailable)
}

// unrecognised explains why a value without findings was not recognised.
func (c *Checker) unrecognised(ctx context.Context, d *Decision, key []byte) {
	leaked, unavailable := c.lookup(ctx, d, key)
	switch {
	case looksPlaceholder(key):
		d.reject(CodePlaceholder, textPlaceholder)
	default:
		switch id, failed := c.matchShape(key); {
		case failed:
			d.PatternID = id
			d.reject(CodeChecksum, textChecksum)
		case id != "":
			d.PatternID = id
			d.reject(CodePlaceholder, textLowEntropy)
		default:
			d.reject(CodeUnrecognised, textUnrecognised)
		}
	}
	if unavailable {
		c.storeUnavailable(d) // listed after the main rejection
	}
	if leaked {
		// Listed, so a real key leaked under this value: still critical.
		d.Result.AddReason(Reason{Code: CodeKnownLeaked, Points: c.scorer.levels.Critical, Text: textRejectLeaked})
		d.Result.Score = c.scorer.levels.Critical
		d.Result.Level = LevelCritical
	}
}

// matchShape looks for a pattern whose regex matches the whole key. It
// returns that pattern's id and whether its validator rejects the key.
// A pattern whose validator fails wins over one that only matched.
func (c *Checker) matchShape(key []byte) (id string, checksumFailed bool) {
	var s string // converted once, on the first regex run
	for _, sh := range c.shapes() {
		if !containsKeyword(key, &sh.p) {
			continue
		}
		if s == "" {
			s = string(key)
		}
		if !wholeMatch(sh, s) {
			continue
		}
		if sh.p.Validate != nil {
			var m patterns.Meta
			if !sh.p.Validate(key, &m) {
				return sh.p.ID, true
			}
		}
		if id == "" {
			id = sh.p.ID
		}
	}
	return id, false
}

// wholeMatch reports whether some match of sh's regex in s has a secret
// spanning all of s.
func wholeMatch(sh shape, s string) bool {
	m, err := sh.re.FindStringMatch(s)
	for ; err == nil && m != nil; m, err = sh.re.FindNextMatch(m) {
		g := m.GroupByNumber(sh.secret)
		if g == nil || len(g.Captures) == 0 {
			continue
		}
		start, n := g.ByteRange()
		if start == 0 && n == len(s) {
			return true
		}
	}
	return false
}

func compileShapes(d *detect.Detector) []shape {
	var out []shape
	for _, id := range d.PatternIDs() {
		p, ok := d.Pattern(id)
		if !ok || p.Regex == "" || p.NeedsContext {
			// A pattern that needs context cannot recognise a bare key,
			// and its keyword-anchored regexes are the costly ones.
			continue
		}
		re, err := compileShape(p.Regex)
		if err != nil {
			continue // the detector compiled it; this cannot happen in practice
		}
		re.MatchTimeout = shapeTimeout
		sh := shape{p: p, re: re}
		if n := re.GroupNumberFromName("secret"); n > 0 {
			sh.secret = n
		}
		out = append(out, sh)
	}
	return out
}

func compileShape(expr string) (re *regexp2.Regexp, err error) {
	defer func() {
		if r := recover(); r != nil {
			re, err = nil, fmt.Errorf("score: regex compiler failed: %v", r)
		}
	}()
	return regexp2.Compile(expr, regexp2.OptionMaxBacktrackingStackSize(1<<20))
}

// containsKeyword reports whether key contains one of p's keywords, which
// every match of p must contain.
func containsKeyword(key []byte, p *patterns.Pattern) bool {
	for _, k := range p.Keywords {
		if p.KeywordsFoldCase {
			if indexFold(key, k) >= 0 {
				return true
			}
		} else if bytes.Contains(key, []byte(k)) {
			return true
		}
	}
	return false
}

// indexFold returns the first index of w in s ignoring ASCII case, or -1.
func indexFold(s []byte, w string) int {
	for i := 0; i+len(w) <= len(s); i++ {
		if equalFoldASCII(s[i:i+len(w)], w) {
			return i
		}
	}
	return -1
}

func equalFoldASCII(b []byte, w string) bool {
	for i := 0; i < len(w); i++ {
		if lowerASCII(b[i]) != lowerASCII(w[i]) {
			return false
		}
	}
	return true
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// placeholderMarks are lowercase substrings of documentation values,
// templates and masks; a submitted key containing one is a placeholder.
var placeholderMarks = []string{
	"example", "placeholder", "redacted", "changeme", "change_me", "replace",
	"your_", "your-", "<your", "yourkey", "yourapi", "insert", "dummy",
	"xxxx", "****", "${", "{{", "<", ">", "...", "…",
}

// looksPlaceholder reports whether a submitted value is a placeholder, a
// mask, a template reference or a documentation value: it contains one of
// placeholderMarks, or a run of 6 equal bytes, or fewer than 4 distinct
// bytes in 8 or more.
func looksPlaceholder(s []byte) bool {
	for _, w := range placeholderMarks {
		if indexFold(s, w) >= 0 {
			return true
		}
	}
	run := 1
	for i := 1; i < len(s); i++ {
		if s[i] == s[i-1] {
			if run++; run >= 6 {
				return true
			}
		} else {
			run = 1
		}
	}
	if len(s) >= 8 {
		var seen [256]bool
		n := 0
		for _, b := range s {
			if !seen[b] {
				seen[b] = true
				n++
			}
		}
		if n < 4 {
			return true
		}
	}
	return false
}

const (
	textMalformedLen     = "empty or longer than the key size limit"
	textMalformedExtra   = "the value holds more than one key, or text around the key"
	textMalformedEncoded = "the value is an encoded key, not the key itself"
	textUnrecognised     = "not a recognised credential"
	textUnexpectedType   = "a credential of a type that is not accepted here"
	textChecksum         = "checksum or structure check failed"
	textPlaceholder      = "placeholder or documentation example"
	textLowEntropy       = "too little randomness for its type; a placeholder"
	textTestMode         = "a test or sandbox key where a live key is required"
	textExpiredKey       = "the token has expired"
	textUndecided        = "the value could not be checked in time; try again"
	textRejectLeaked     = "known to have leaked; rotate it"
	textStoreUnavailable = "the leak store could not answer; not checked against it"
)
