package detect

import (
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"fmt"
	"hash/maphash"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/dlclark/regexp2/v2"

	"github.com/leakward/leakward/patterns"
)

// Errors returned by New and the options.
var (
	// ErrInvalidPattern is wrapped by every error about a pattern; the
	// error text names the pattern id and the problem.
	ErrInvalidPattern = errors.New("detect: invalid pattern")
	// ErrInvalidOption is wrapped by every error about an option.
	ErrInvalidOption = errors.New("detect: invalid option")
)

// Defaults of the tunable limits.
const (
	// DefaultMatchTimeout bounds each regex search in a window. Searches of
	// the built-in patterns take microseconds; the bound is generous because
	// regexp2 checks it against a clock that ticks every 100 ms, so a
	// shorter bound could cut an ordinary search short on a loaded machine
	// and let a secret through.
	DefaultMatchTimeout = 500 * time.Millisecond
	// DefaultDecodeDepth is how many layers of encoding are undone.
	DefaultDecodeDepth = 2
	// MaxPatternLen is the largest Pattern.MaxLen accepted.
	MaxPatternLen = 16 << 10
	// maxRegexLen bounds the source text of one pattern's regex.
	maxRegexLen = 16 << 10
	// slack is added to each window on both sides for look-arounds.
	slack = 16
)

// Detector finds credentials in text. It is compiled once by New and is
// immutable afterwards: a *Detector is safe for concurrent use by any number
// of goroutines. Scratch memory is pooled per call, so Scan on text without
// secrets allocates nothing.
type Detector struct {
	pats   []compiled
	pf     *prefilter
	opts   options
	pool   sync.Pool // *state
	hmacs  sync.Pool // hash.Hash keyed with opts.hmacKey
	maxWin int       // the largest window reach of any pattern
	lim    decodeLimits
	names  nameCache // field keys checked by the slog Handler
	// exempt marks, by pattern index, the patterns a view made by Exempt
	// does not run; nil when none.
	exempt []bool

	timeouts       atomic.Uint64
	undecided      atomic.Uint64
	undecidedBytes atomic.Uint64
	work           atomic.Uint64
	allowed        atomic.Uint64

	lineOnce sync.Once // builds lines (lines.go) on first use
	lines    *lineInfo
}

// compiled is a Pattern ready to run.
type compiled struct {
	p           patterns.Pattern
	re          *regexp2.Regexp
	anchored    *regexp2.Regexp // \G(?:re) when every match starts near a keyword
	leads       []int           // distances from a match's start to its keyword
	secretGroup int             // regex group number of "secret", or 0
	reach       int             // MaxLen + slack
	weight      int             // work units per rune searched (see budget.go)
	idx         int32           // index in Detector.pats
	links       []int
}

// Option configures New. Options check their input; an invalid option makes
// New return an error wrapping ErrInvalidOption.
type Option interface {
	apply(*options) error
}

type optionFunc func(*options) error

func (f optionFunc) apply(o *options) error { return f(o) }

type options struct {
	matchTimeout time.Duration
	decodeDepth  int
	mask         MaskStyle
	hmacKey      []byte
	disabled     map[string]bool
	// Field names (see names.go), normalized.
	secretNames, publicNames map[string]bool
	dottedNames              bool // a name in either map has a dot
	keepLines                bool // masks keep line breaks (redact.go)

	allow *allowSet // WithAllowValues; nil when empty

	observer Observer // WithObserver; nil when none
}

// WithMatchTimeout bounds each regex search (default DefaultMatchTimeout).
// A search that times out is counted by Detector.Timeouts and the window
// it searched is masked as undecided (see "Redaction guarantee").
func WithMatchTimeout(d time.Duration) Option {
	return optionFunc(func(o *options) error {
		if d <= 0 || d > time.Minute {
			return fmt.Errorf("%w: match timeout %v out of range (0, 1m]", ErrInvalidOption, d)
		}
		o.matchTimeout = d
		return nil
	})
}

// WithDecodeDepth sets how many layers of base64, percent or JSON escaping
// are undone around candidates (0 disables decoding; at most 4).
func WithDecodeDepth(n int) Option {
	return optionFunc(func(o *options) error {
		if n < 0 || n > 4 {
			return fmt.Errorf("%w: decode depth %d out of range [0, 4]", ErrInvalidOption, n)
		}
		o.decodeDepth = n
		return nil
	})
}

// WithDisabled disables the patterns with the given ids. An id that names
// no pattern is an error, so that a typo does not silently keep a pattern.
func WithDisabled(ids ...string) Option {
	return optionFunc(func(o *options) error {
		if o.disabled == nil {
			o.disabled = make(map[string]bool)
		}
		for _, id := range ids {
			o.disabled[id] = true
		}
		return nil
	})
}

// New compiles patterns into a Detector. Patterns are checked: an empty or
// duplicate id, a missing keyword, a keyword shorter than 3 bytes, an
// invalid regex or an out-of-range MaxLen is an error naming the pattern id.
// To replace a built-in pattern, pass a list where your pattern takes its
// place (see patterns.With); to drop one, use WithDisabled.
func New(ps []patterns.Pattern, opts ...Option) (*Detector, error) {
	o := options{matchTimeout: DefaultMatchTimeout, decodeDepth: DefaultDecodeDepth}
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt.apply(&o); err != nil {
			return nil, err
		}
	}
	d := &Detector{opts: o}
	seen := make(map[string]int, len(ps))
	for _, p := range ps {
		if p.ID == "" {
			return nil, fmt.Errorf("%w: pattern with empty id", ErrInvalidPattern)
		}
		if _, dup := seen[p.ID]; dup {
			return nil, fmt.Errorf("%w %s: duplicate id", ErrInvalidPattern, idText(p.ID))
		}
		seen[p.ID] = -1
		if o.disabled[p.ID] {
			continue
		}
		c, err := compile(p, o.matchTimeout)
		if err != nil {
			return nil, err
		}
		seen[p.ID] = len(d.pats)
		c.idx = int32(len(d.pats))
		d.pats = append(d.pats, c)
		if c.reach > d.maxWin {
			d.maxWin = c.reach
		}
	}
	for id := range o.disabled {
		if _, ok := seen[id]; !ok {
			return nil, fmt.Errorf("%w: cannot disable unknown pattern id %s", ErrInvalidOption, idText(id))
		}
	}
	for i := range d.pats {
		for _, id := range d.pats[i].p.LinkWith {
			if j, ok := seen[id]; ok && j >= 0 {
				d.pats[i].links = append(d.pats[i].links, j)
			}
		}
	}
	if err := o.allow.check(o.hmacKey); err != nil {
		return nil, err
	}
	d.lim = newDecodeLimits(d.maxWin)
	pf := buildPrefilter(d.pats, o.decodeDepth > 0)
	d.pf = &pf
	d.setup()
	return d, nil
}

// setup prepares what each Detector, and each view of one made by Exempt,
// owns rather than shares: its scratch pools and its field key cache.
func (d *Detector) setup() {
	d.pool.New = func() any { return new(state) }
	if key := d.opts.hmacKey; len(key) > 0 {
		d.hmacs.New = func() any { return hmac.New(sha256.New, key) }
	}
	d.names.seed = maphash.MakeSeed()
}

// compile checks and compiles one pattern.
func compile(p patterns.Pattern, timeout time.Duration) (c compiled, err error) {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w %s: %s", ErrInvalidPattern, idText(p.ID), fmt.Sprintf(format, args...))
	}
	if len(p.Keywords) == 0 {
		return c, bad("no keywords")
	}
	for _, k := range p.Keywords {
		if len(k) < 3 {
			return c, bad("keyword %q shorter than 3 bytes", k)
		}
		if len(k) > 64 {
			return c, bad("keyword longer than 64 bytes")
		}
	}
	if p.Regex == "" {
		return c, bad("empty regex")
	}
	if len(p.Regex) > maxRegexLen {
		return c, bad("regex longer than %d bytes", maxRegexLen)
	}
	if !utf8.ValidString(p.Regex) {
		return c, bad("regex is not valid UTF-8")
	}
	if p.MaxLen < 0 || p.MaxLen > MaxPatternLen {
		return c, bad("MaxLen %d out of range [0, %d]", p.MaxLen, MaxPatternLen)
	}
	if p.MinEntropy < 0 || p.MinEntropy > 8 {
		return c, bad("MinEntropy %v out of range [0, 8]", p.MinEntropy)
	}
	re, err := compileRegex(p.Regex)
	if err != nil {
		// regexp2's parse errors quote the regex, which may hold a
		// literal secret: keep only the description of the problem.
		return c, bad("regex: %s", regexProblem(err))
	}
	re.MatchTimeout = timeout
	c.p = p
	c.re = re
	if n := re.GroupNumberFromName("secret"); n > 0 {
		c.secretGroup = n
	}
	if leads, ok := anchorable(p.Regex, p.Keywords, p.KeywordsFoldCase); ok {
		c.leads = leads
		if a, err := compileRegex(`\G(?:` + p.Regex + `)`); err == nil && max(a.GroupNumberFromName("secret"), 0) == c.secretGroup {
			a.MatchTimeout = timeout
			c.anchored = a
		}
	}
	maxLen := p.MaxLen
	if maxLen == 0 {
		maxLen = patterns.DefaultMaxLen
	}
	c.reach = maxLen + slack
	c.weight = 1 + len(p.Regex)/regexBytesPerUnit
	return c, nil
}

// idText names a pattern id in an error: quoted when it has the shape of
// an id (patterns.IDShaped), else by its length only, since it may be a
// secret passed in the wrong place.
func idText(id string) string {
	if patterns.IDShaped(id) {
		return fmt.Sprintf("%q", id)
	}
	return fmt.Sprintf("(an id of %d bytes that is not id-shaped, not shown)", len(id))
}

// compileRegex compiles with a recover: the regex parser is third-party
// code and a hostile pattern must yield an error, never a panic.
func compileRegex(expr string) (re *regexp2.Regexp, err error) {
	defer func() {
		if r := recover(); r != nil {
			re, err = nil, fmt.Errorf("regex compiler failed: %v", r)
		}
	}()
	return regexp2.Compile(expr, regexp2.OptionMaxBacktrackingStackSize(1<<20))
}

// String describes d without its options (a fingerprint key is never
// printed).
func (d *Detector) String() string {
	return fmt.Sprintf("detect.Detector(%d patterns)", len(d.pats))
}

// GoString is like String.
func (d *Detector) GoString() string { return d.String() }

// Format implements fmt.Formatter so that no verb prints the Detector's
// fields.
func (d *Detector) Format(s fmt.State, _ rune) { fmt.Fprint(s, d.String()) }

// Timeouts returns how many regex searches have timed out since the
// Detector was built (Stats().Timeouts). Each masked its window; a growing
// count points at a pattern with a costly regex or a saturated machine.
func (d *Detector) Timeouts() uint64 { return d.timeouts.Load() }

// Stats counts what a Detector could not decide since it was built. Each
// such region was masked, never passed (see "Redaction guarantee" in the
// package documentation). A Stats is a plain value.
type Stats struct {
	// Timeouts counts regex searches that exceeded their match timeout.
	Timeouts uint64
	// Undecided counts regions reported as undecided findings (pattern id
	// UndecidedID): a timed-out search's windows, text past the work
	// budget, a limit reached.
	Undecided uint64
	// UndecidedBytes is the total length of those regions.
	UndecidedBytes uint64
	// Work counts the regex work spent, in units of runes searched
	// weighted by the size of each pattern's regex. It depends on the
	// text and the catalog only, not on the machine: divided by the bytes
	// scanned it says how costly the text was (ordinary logs spend under
	// 2 units per byte).
	Work uint64
	// Allowed counts candidates exempted by WithAllowValues: found,
	// judged a secret, and neither reported nor masked because their
	// exact value is on the allowlist. One value is counted once per
	// scan; a Writer rescans the context it holds, so a value there may
	// be counted again.
	Allowed uint64
}

// Stats returns the Detector's counters. It is safe to call concurrently
// with scans; each field is read atomically, not the set as a whole.
func (d *Detector) Stats() Stats {
	return Stats{
		Timeouts:       d.timeouts.Load(),
		Undecided:      d.undecided.Load(),
		UndecidedBytes: d.undecidedBytes.Load(),
		Work:           d.work.Load(),
		Allowed:        d.allowed.Load(),
	}
}

// PatternIDs returns the ids of the enabled patterns, in compile order
// (without those a view made by Exempt does not run).
func (d *Detector) PatternIDs() []string {
	ids := make([]string, 0, len(d.pats))
	for i := range d.pats {
		if d.exempt == nil || !d.exempt[i] {
			ids = append(ids, d.pats[i].p.ID)
		}
	}
	return ids
}

// Pattern returns the enabled pattern with the given id.
func (d *Detector) Pattern(id string) (patterns.Pattern, bool) {
	for i := range d.pats {
		if d.pats[i].p.ID == id && (d.exempt == nil || !d.exempt[i]) {
			return d.pats[i].p, true
		}
	}
	return patterns.Pattern{}, false
}
