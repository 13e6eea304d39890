package detect

import (
	"fmt"
	"sync"
	"sync/atomic"
)

// Observer receives counts of what a Detector and the redactors built on
// it do: bytes checked, findings by pattern, regex searches that timed
// out, bytes a Writer holds back. Set one with WithObserver; the slog
// Handler, the Writer and Reader, and integrations built on the Detector
// report to the same Observer.
//
// Observe is called synchronously, on the goroutine that scans, from any
// number of goroutines at once: an Observer must be safe for concurrent
// use, and should return quickly and not block (count, do not export).
// An Event holds no secret; Observe must not retain anything but its
// fields. Counters is a ready implementation.
type Observer interface {
	Observe(Event)
}

// EventKind says what an Event counts.
type EventKind uint8

// Event kinds. The zero EventKind is not one of them.
const (
	// EventScanned: one check of Bytes bytes of input ended. It is
	// reported once per Scan, AppendScan, Redact, RedactString,
	// AppendScanField or RedactField call, whatever it found; once per
	// Writer round, for the input bytes that round emitted (each input
	// byte once, though the Writer scans context again); and by a
	// Handler once per message, attribute key and value it checks (a key
	// it has already found clean is not scanned again, nor counted; a
	// value of kind Any once per form it is rendered in, with the bytes
	// of the rendering).
	EventScanned EventKind = iota + 1
	// EventFound: one finding was reported: returned by a scan, or masked
	// by a redactor (a Writer, a Handler). PatternID is its pattern's id
	// (UndecidedID for an undecided region, with Reason saying why) and
	// Bytes the length of its span. RedactFindings reports nothing: the
	// scan that found its findings did.
	EventFound
	// EventTimeout: one regex search exceeded its match timeout (its
	// window is masked, and reported as an EventFound of UndecidedID
	// with ReasonTimeout by the call that returns or masks it). A Writer
	// scans its held-back context again in the next round, so a search
	// in that context that times out twice counts twice, as in
	// Stats.Timeouts.
	EventTimeout
	// EventHeldBack: the number of input bytes a Writer holds back
	// changed by Bytes (positive when it holds more, negative when it
	// emits them or is closed). The sum of these events over every
	// Writer is the number of bytes held back now; a Writer dropped
	// without Close leaves its last count in that sum.
	EventHeldBack
)

var eventKindNames = [...]string{"", "scanned", "found", "timeout", "held-back"}

// String returns the lowercase name of k.
func (k EventKind) String() string {
	if k != 0 && int(k) < len(eventKindNames) {
		return eventKindNames[k]
	}
	return fmt.Sprintf("eventkind(%d)", uint8(k))
}

// Event is one count reported to an Observer. It is a plain value and
// holds no secret: PatternID is a pattern id of the Detector's catalog.
type Event struct {
	// Kind says what is counted.
	Kind EventKind
	// Bytes is a size in bytes, by Kind: checked (EventScanned), of the
	// finding's span (EventFound), the change in held-back input
	// (EventHeldBack, may be negative); 0 for EventTimeout.
	Bytes int
	// PatternID is the finding's pattern id (EventFound only).
	PatternID string
	// Reason is why an undecided finding was masked (EventFound of
	// UndecidedID only; Decided otherwise).
	Reason Reason
}

// WithObserver sets the Observer that the Detector, its Writers, Readers
// and Handlers report to; views made by Detector.Exempt report to it too.
// A nil Observer means none: then reporting costs one comparison per
// call.
func WithObserver(o Observer) Option {
	return optionFunc(func(opts *options) error {
		opts.observer = o
		return nil
	})
}

// Observer returns the Observer set by WithObserver, or nil, so that a
// wrapper built on d (a logging integration) can report what it masks
// without the Detector: a value it could not render, for instance, as an
// EventFound of UndecidedID with ReasonUnrenderable.
func (d *Detector) Observer() Observer { return d.opts.observer }

// observe reports a check of n bytes and the findings fs it returned or
// masked. It costs one comparison when there is no Observer.
func (d *Detector) observe(n int, fs []Finding) {
	if d.opts.observer == nil {
		return
	}
	d.observeSlow(n, fs)
}

func (d *Detector) observeSlow(n int, fs []Finding) {
	o := d.opts.observer
	o.Observe(Event{Kind: EventScanned, Bytes: n})
	for i := range fs {
		d.observeFound(&fs[i], fs[i].Len())
	}
}

// observeFound reports one finding of n bytes; the caller checked that
// there is an Observer.
func (d *Detector) observeFound(f *Finding, n int) {
	d.opts.observer.Observe(Event{Kind: EventFound, Bytes: n, PatternID: f.PatternID, Reason: f.Undecided})
}

// observeTimeout reports a regex search that timed out.
func (d *Detector) observeTimeout() {
	if o := d.opts.observer; o != nil {
		o.Observe(Event{Kind: EventTimeout})
	}
}

// observeUnrenderable reports a value masked because it could not be
// rendered (its length is not known: Bytes is 0).
func (d *Detector) observeUnrenderable() {
	if o := d.opts.observer; o != nil {
		o.Observe(Event{Kind: EventFound, PatternID: UndecidedID, Reason: ReasonUnrenderable})
	}
}

// Counters is an Observer that adds up the events it receives: totals,
// findings by pattern id and undecided regions by reason. Its zero value
// is ready to use; a Counters must not be copied after first use. It is
// safe for concurrent use: Observe is a few atomic additions (plus, for
// a finding, a lookup in a map of pattern ids, which allocates only the
// first time an id is seen), and the reading methods may run at any time,
// each field read atomically, not the set as a whole.
//
// One Counters can be shared by several Detectors: findings are counted
// by pattern id, which a rebuilt Detector keeps.
type Counters struct {
	scanned        atomic.Uint64
	findings       atomic.Uint64
	timeouts       atomic.Uint64
	undecided      atomic.Uint64
	undecidedBytes atomic.Uint64
	held           atomic.Int64
	byReason       [len(reasonNames)]atomic.Uint64
	// byPattern is copied on write: readers load it without a lock.
	byPattern atomic.Pointer[map[string]*atomic.Uint64]
	mu        sync.Mutex // serializes writers of byPattern
}

// maxCountedIDs bounds the number of distinct pattern ids a Counters
// keeps; findings of further ids are counted under OtherPatternID.
const maxCountedIDs = 4096

// OtherPatternID is the id Counters counts findings under once it holds
// counts for 4096 distinct pattern ids.
const OtherPatternID = "other"

// Observe adds e to the counts. An event of an unknown kind is ignored.
func (c *Counters) Observe(e Event) {
	switch e.Kind {
	case EventScanned:
		c.scanned.Add(uint64(max(e.Bytes, 0)))
	case EventFound:
		c.findings.Add(1)
		c.patternCount(e.PatternID).Add(1)
		if e.Reason != Decided {
			c.undecided.Add(1)
			c.undecidedBytes.Add(uint64(max(e.Bytes, 0)))
			if int(e.Reason) < len(c.byReason) {
				c.byReason[e.Reason].Add(1)
			}
		}
	case EventTimeout:
		c.timeouts.Add(1)
	case EventHeldBack:
		c.held.Add(int64(e.Bytes))
	}
}

// patternCount returns the counter of pattern id, adding it if new.
func (c *Counters) patternCount(id string) *atomic.Uint64 {
	if m := c.byPattern.Load(); m != nil {
		if n, ok := (*m)[id]; ok {
			return n
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	old := c.byPattern.Load()
	var m map[string]*atomic.Uint64
	if old != nil {
		if n, ok := (*old)[id]; ok {
			return n
		}
		if len(*old) >= maxCountedIDs {
			if n, ok := (*old)[OtherPatternID]; ok {
				return n
			}
			id = OtherPatternID
		}
		m = make(map[string]*atomic.Uint64, len(*old)+1)
		for k, v := range *old {
			m[k] = v
		}
	} else {
		m = make(map[string]*atomic.Uint64, 1)
	}
	n := new(atomic.Uint64)
	m[id] = n
	c.byPattern.Store(&m)
	return n
}

// Totals is a snapshot of a Counters. It is a plain value.
type Totals struct {
	// ScannedBytes is the total of EventScanned: bytes of input checked.
	ScannedBytes uint64
	// Findings counts EventFound: findings returned or masked, undecided
	// regions included.
	Findings uint64
	// Timeouts counts EventTimeout: regex searches past their match
	// timeout.
	Timeouts uint64
	// Undecided counts the findings of UndecidedID, and UndecidedBytes
	// adds up their lengths.
	Undecided      uint64
	UndecidedBytes uint64
	// HeldBackBytes is the sum of EventHeldBack: input bytes Writers hold
	// back now.
	HeldBackBytes int64
}

// Totals returns the totals counted so far.
func (c *Counters) Totals() Totals {
	return Totals{
		ScannedBytes:   c.scanned.Load(),
		Findings:       c.findings.Load(),
		Timeouts:       c.timeouts.Load(),
		Undecided:      c.undecided.Load(),
		UndecidedBytes: c.undecidedBytes.Load(),
		HeldBackBytes:  c.held.Load(),
	}
}

// ByPattern returns the number of findings of each pattern id seen so far
// (UndecidedID included). The map is new; the caller owns it.
func (c *Counters) ByPattern() map[string]uint64 {
	m := c.byPattern.Load()
	if m == nil {
		return map[string]uint64{}
	}
	out := make(map[string]uint64, len(*m))
	for id, n := range *m {
		out[id] = n.Load()
	}
	return out
}

// ByReason returns the number of undecided findings of each reason so
// far: every Reason but Decided, those with none as 0 (a metric series
// per reason then exists from the start). The map is new; the caller owns
// it.
func (c *Counters) ByReason() map[Reason]uint64 {
	out := make(map[Reason]uint64, len(c.byReason)-1)
	for r := 1; r < len(c.byReason); r++ {
		out[Reason(r)] = c.byReason[r].Load()
	}
	return out
}

// String describes c by its totals.
func (c *Counters) String() string {
	t := c.Totals()
	return fmt.Sprintf("detect.Counters{scanned: %d B, findings: %d, undecided: %d, timeouts: %d, held back: %d B}",
		t.ScannedBytes, t.Findings, t.Undecided, t.Timeouts, t.HeldBackBytes)
}
