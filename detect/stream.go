package detect

import (
	"bytes"
	"errors"
	"fmt"
	"io"
)

// ErrClosed is returned by writes to a closed Writer.
var ErrClosed = errors.New("detect: write to closed redacting writer")

// roundBytes is how much new input a Writer collects before it scans.
const roundBytes = 1 << 20

// Horizon returns how far, in bytes, the presence of a finding can depend
// on the text around it: the widest regex window on each side plus, when
// decoding is on, the widest decoded region (a block of wrapped base64).
// A streaming redactor keeps this much context on both sides of what it
// emits.
func (d *Detector) Horizon() int {
	h := 2*d.maxWin + 64
	if d.opts.decodeDepth > 0 {
		h += max(d.lim.wrapRegion, 2*d.lim.run) + maxWrapLine + 8
	}
	return h
}

// Writer is an io.WriteCloser that redacts everything written through it
// and writes the result to an underlying writer.
//
// Without Flush, output is byte-identical to Detector.Redact of the whole
// input, whatever the sizes of the Write calls: a secret split across any
// number of writes is still redacted. To make that possible the Writer
// holds back the last Horizon() bytes it has seen (about 75 KiB with the
// default catalog) until more input arrives or Flush or Close is called; a
// line longer than that is still scanned in overlapping windows, never
// passed through unscanned. Memory stays bounded for unbounded input: at
// most about 2×Horizon()+1 MiB of input is buffered, plus the redacted
// output of one round. A Writer made by [Detector.NewLineWriter] instead
// writes each line out as soon as it is decided (see there).
//
// Undecided regions (see "Redaction guarantee" in the package
// documentation) are the exception to byte-identical output: a timeout
// depends on the machine, and the work budget of text decoded from a long
// encoded run depends on where the run was cut, so a stream and a
// whole-text scan can mask such text with different extents. Both mask
// it, and text the stream emits as written was fully decided.
//
// Flush writes out everything written so far, as bufio.Writer's does,
// deciding the end conservatively: what the text written so far cannot
// decide is masked as undecided, never written in part (see Flush).
// Close writes the rest as the end of the input and does not close the
// underlying writer. As with bufio.Writer, the first error from the
// underlying writer sticks: every later Write, Flush and Close returns it.
//
// A Writer is not safe for concurrent use; use one per stream (a
// log.Logger serialises its writes, slog handlers do too).
type Writer struct {
	d      *Detector
	w      io.Writer
	buf    []byte // context (emitted) + pending input
	ctx    int    // bytes at the start of buf already emitted
	base   int64  // stream offset of buf[0]
	out    []byte
	fs     []Finding
	err    error
	closed bool
	notify func(Finding)
	// tailMasked: the output so far ends with an undecided mask.
	tailMasked bool
	held       int  // Buffered() as last reported to the Observer
	keepLines  bool // masks keep line breaks (WithKeepLines, line mode)

	// Line mode (NewLineWriter).
	lines   bool
	li      *lineInfo
	maxHold int
	checked int64 // stream offset up to which openers were searched
	// reachEnd is the stream offset up to which the windows of the
	// keywords scanned so far reach.
	reachEnd int64
	open     []construct // multi-line constructs not yet decided
	low      []byte      // scratch: lower-cased text searched for openers
	runes    []rune      // scratch for lead regexes
	offs     []int
}

// OnFinding registers fn to be called with each finding as it is redacted
// (offsets are relative to the whole stream), including the undecided
// regions Flush and a line Writer's hold bound mask. fn must not retain
// more than the Finding, which holds no secret. Call it before the first
// Write.
func (w *Writer) OnFinding(fn func(Finding)) { w.notify = fn }

// NewWriter returns a Writer that writes the redaction of its input to w.
func (d *Detector) NewWriter(w io.Writer) *Writer {
	return &Writer{d: d, w: w, keepLines: d.opts.keepLines}
}

// DefaultLineHold is how many bytes of input a line Writer holds at most
// behind an open multi-line construct before it masks the held lines as
// undecided: more than a PEM block of an RSA-8192 key (about 6.3 KiB),
// less than the longest block the catalog's block patterns allow, so that
// a block begun and never ended is masked rather than written out.
const DefaultLineHold = 8 << 10

// NewLineWriter returns a Writer for log sinks: it writes each complete
// line out as soon as the engine can decide it, that is, once its line
// break has been written and no finding that starts in it can depend on
// later text. Masks keep line breaks (see [WithKeepLines]) whatever the
// Detector's option, so the output has as many lines as the input.
//
// What is held, and for how long: the unfinished last line, until its
// line break (or Flush, or Close); and the lines of an open multi-line
// construct, from the line where it starts, until it is decided. A
// construct is open when the text could still become a finding that
// holds a line break in its secret, or needs context on a later line:
//
//   - a keyword of a multi-line pattern (a PEM, OpenSSH, PGP or PuTTY
//     private key, a Kubernetes Secret manifest, a Solana key array):
//     until a finding of the block ends, or until the pattern's window
//     (its MaxLen, 8 KiB for a PEM block) has been written after it;
//   - a value whose context may follow on a later line (a Twilio key
//     followed by the word twilio, a Secret's data before its kind): the
//     same, from the value;
//   - a block of wrapped base64 (lines of 64 or 76 characters): until a
//     shorter line ends it.
//
// A construct is decided when its finding ends (the lines up to it are
// written, with the finding masked) or when the pattern can no longer
// match (they are written as Redact would write them). The hold is
// bounded: when more than hold bytes (DefaultLineHold when hold is 0)
// are held, the complete held lines are masked as undecided, counted by
// Detector.Stats, reported to OnFinding, and written; a block that ends
// later is masked from there on. Flush masks the held text the same way
// and writes it out at once.
//
// Which patterns are multi-line is worked out from the regexes when the
// first line Writer of a Detector is made. The judgement that a finding
// of a block pattern which has ended is final assumes, as the catalog's
// block patterns do, that a match ends at a closing line and does not
// grow with more text.
//
// Without Flush and without the hold bound firing, the output of a line
// Writer is the output of Redact (with masks that keep lines) for text
// whose findings are as the whole text's; an undecided region can differ
// in extent, and a multi-line finding decided on its own lines can carry
// the id of its block pattern where the whole text gives a more specific
// one (a PEM block inside a service-account file whose "type" comes after
// it). Each line costs a scan of itself and of the text before it that a
// line-local finding can depend on: 256 bytes when no keyword written
// before it has windows that reach it, else twice the widest window of a
// line-local pattern (about 12 KiB with the default catalog), in which
// only the keywords whose windows reach the line are searched again. So a
// line Writer costs several times what a Writer costs per byte
// (BenchmarkLineWriter against BenchmarkWriter4KiB); use a Writer where
// lines need not come out one by one.
func (d *Detector) NewLineWriter(w io.Writer, hold int) *Writer {
	if hold <= 0 {
		hold = DefaultLineHold
	}
	return &Writer{d: d, w: w, keepLines: true, lines: true, li: d.lineFacts(), maxHold: hold}
}

// Write redacts p into the stream. It returns len(p) unless an earlier or
// current write to the underlying writer failed. Write does not retain p.
func (w *Writer) Write(p []byte) (int, error) {
	if w.err != nil {
		return 0, w.err
	}
	if w.closed {
		return 0, ErrClosed
	}
	n := 0
	for len(p) > 0 {
		room := roundBytes - (len(w.buf) - w.ctx)
		if room <= 0 {
			w.round(false)
			if w.err != nil {
				return n, w.err
			}
			continue
		}
		k := min(room, len(p))
		w.buf = append(w.buf, p[:k]...)
		p = p[k:]
		n += k
	}
	if len(w.buf)-w.ctx >= roundBytes {
		w.round(false)
	} else if w.lines && bytes.IndexByte(w.buf[max(w.ctx, int(w.checked-w.base)):], '\n') >= 0 {
		w.lineRound(false)
	}
	w.observeHeld()
	return n, w.err
}

// Flush writes out everything written so far and then flushes the
// underlying writer when it has a Flush() error method. The end of the
// input is not known, so Flush decides the text near it conservatively,
// masking as undecided (pattern id UndecidedID, reason ReasonLimit,
// counted by Detector.Stats) whatever later text could still turn into
// part of a secret:
//
//   - the unfinished last line, when there is one: text without a line
//     break after it can still be the start of a token, a quoted value
//     or a key whose context is not written yet;
//   - the lines of a construct that is still open (see NewLineWriter), in
//     a Writer of either kind.
//
// So a secret that the end of the input so far splits is masked, never
// written in part; a Flush right after a line break outside any
// multi-line construct, the usual case for loggers, masks nothing, and
// the output is then what Redact of the whole input writes. After Flush
// everything written has been written out; the Writer keeps the last
// Horizon() bytes as context for scanning what comes next (never written
// again), so that a secret that started before the Flush is still found
// and the rest of it masked.
func (w *Writer) Flush() error {
	if w.err != nil {
		return w.err
	}
	if w.closed {
		return nil
	}
	w.lineRound(true)
	w.observeHeld()
	if w.err == nil {
		if f, ok := w.w.(interface{ Flush() error }); ok {
			w.err = f.Flush()
		}
	}
	return w.err
}

// Close writes everything still held back, as the end of the input. It does
// not close the underlying writer. Close is idempotent.
func (w *Writer) Close() error {
	if w.err != nil {
		return w.err
	}
	if w.closed {
		return nil
	}
	w.round(true)
	w.closed = true
	w.open = w.open[:0]
	w.observeHeld()
	return w.err
}

// Buffered returns the number of input bytes held back.
func (w *Writer) Buffered() int { return len(w.buf) - w.ctx }

// observeHeld reports the change in Buffered since the last report.
func (w *Writer) observeHeld() {
	if o := w.d.opts.observer; o != nil {
		if n := w.Buffered(); n != w.held {
			o.Observe(Event{Kind: EventHeldBack, Bytes: n - w.held})
			w.held = n
		}
	}
}

// round scans the buffer and emits what is decided: everything when final,
// else everything up to Horizon() bytes before the end of the buffer.
func (w *Writer) round(final bool) {
	h := w.d.Horizon()
	cut := len(w.buf)
	if !final {
		cut -= h
		if cut <= w.ctx {
			return
		}
	}
	var reach int
	w.fs, reach = w.d.appendScanNeed(w.fs[:0], w.buf, int(w.base), 0)
	w.noteReach(0, reach)
	// A secret that straddles the cut is emitted whole.
	for _, f := range w.fs {
		if f.Start < cut && f.End > cut {
			cut = f.End
		}
	}
	w.emit(w.fs, cut, cut)
}

// lineLookBack is how much written text a line Writer scans before its
// pending lines when no keyword before them reaches them: more than any
// catalog regex looks behind a match, and a keyword's length.
const lineLookBack = 256

// noteReach records the reach of the keywords a scan of buf[from:] found
// (see state.reach).
func (w *Writer) noteReach(from, reach int) {
	if reach > 0 {
		w.reachEnd = max(w.reachEnd, w.base+int64(from+reach))
	}
}

// lineRound emits the decided lines (see NewLineWriter); with flush,
// everything, masking what is not decided.
func (w *Writer) lineRound(flush bool) {
	end := len(w.buf)
	if end <= w.ctx {
		return
	}
	li := w.li
	if li == nil {
		li = w.d.lineFacts()
		w.li = li
	}
	// p: the end of the last complete line.
	p := w.ctx + bytes.LastIndexByte(w.buf[w.ctx:], '\n') + 1
	if p == w.ctx && !flush {
		return
	}
	// Scan from far enough back for every finding that reaches the
	// pending text (the Horizon when the pending text starts mid-line,
	// as after a Flush cut a line or a mask straddled its end), and from
	// the start of every open construct.
	back := li.localCtx
	if w.ctx > 0 && w.buf[w.ctx-1] != '\n' {
		back = w.d.Horizon()
	} else if w.reachEnd <= w.base+int64(w.ctx) {
		// No keyword in the text written has windows that reach the
		// pending lines: only a line-local finding in them matters, and
		// it needs the text before them only for its regex's look back.
		back = min(back, lineLookBack)
	}
	from := max(0, w.ctx-back)
	for _, c := range w.open {
		from = min(from, max(0, int(c.from-w.base)))
	}
	w.findOpeners(p, li)
	// The text before ctx has been written: only findings that reach
	// past it matter, unless a line was cut there.
	need := 0
	if w.ctx > from && w.buf[w.ctx-1] == '\n' {
		need = w.ctx - from
	}
	fs, reach := w.d.appendScanNeed(w.fs[:0], w.buf[from:], int(w.base)+from, need)
	w.noteReach(from, reach)
	for i := range fs {
		fs[i].Start += from
		fs[i].End += from
	}
	w.fs = fs
	hold := w.decide(fs, p, end, li)
	cut, u := hold, hold
	switch {
	case flush:
		cut = end
		if hold == p && onlySpace(w.buf[p:end]) {
			u = end // nothing unfinished: nothing to mask
		}
	case hold < p && end-w.ctx > w.maxHold:
		// Held too long: mask the held lines as undecided.
		cut = p
	}
	// A secret that straddles the cut is emitted whole.
	for _, f := range fs {
		if f.Start < cut && f.End > cut {
			cut = f.End
		}
	}
	u = min(u, cut)
	if cut <= w.ctx {
		return
	}
	w.emit(fs, cut, u)
	if flush {
		w.checked = max(w.checked, w.base+int64(len(w.buf)))
	}
}

// emit writes buf[ctx:cut] out with the findings of fs masked and, when
// u < cut, the text from u to cut (after any finding that starts before
// u) masked as undecided; then it keeps Horizon() bytes of context.
func (w *Writer) emit(fs []Finding, cut, u int) {
	out := w.out[:0]
	prev := w.ctx
	tail := false // out ends with an undecided mask that reaches cut
	for _, f := range fs {
		if f.End <= w.ctx || f.Start >= cut || f.Start >= u {
			continue
		}
		if f.End <= prev {
			continue
		}
		start := max(f.Start, prev)
		out = append(out, w.buf[prev:start]...)
		// An undecided region that the last round's mask ended inside
		// goes on under that mask.
		if !(f.Undecided != Decided && f.Start < w.ctx && w.continues(prev)) {
			out = w.d.appendMask(out, f, w.buf[f.Start:f.End])
			if w.d.opts.observer != nil {
				w.d.observeFound(&f, f.End-start)
			}
		}
		if w.keepLines {
			out = appendLineBreaks(out, w.buf[start:f.End], f.PatternID)
		}
		prev = min(f.End, cut)
		tail = f.Undecided != Decided && f.End >= cut
		w.report(f)
	}
	if u < cut && prev < cut {
		lo := max(prev, u)
		out = append(out, w.buf[prev:lo]...)
		g := Finding{PatternID: UndecidedID, Start: lo, End: cut, Severity: undecidedSeverity,
			Confidence: undecidedConfidence, Undecided: ReasonLimit}
		if !w.continues(lo) {
			out = w.d.appendMask(out, g, nil)
		}
		if w.keepLines {
			out = appendLineBreaks(out, w.buf[lo:cut], g.PatternID)
		}
		w.d.undecided.Add(1)
		w.d.undecidedBytes.Add(uint64(cut - lo))
		if w.d.opts.observer != nil {
			w.d.observeFound(&g, cut-lo)
		}
		w.report(g)
		prev = cut
		tail = true
	}
	if prev < cut {
		out = append(out, w.buf[prev:cut]...)
		tail = false
	}
	w.tailMasked = tail
	w.out = out
	w.d.observe(cut-w.ctx, nil)
	if len(out) > 0 {
		if _, err := w.w.Write(out); err != nil {
			w.err = err
			return
		}
	}
	// Keep Horizon() bytes of emitted text as context for the next round.
	keep := max(0, cut-w.d.Horizon())
	n := copy(w.buf, w.buf[keep:])
	w.buf = w.buf[:n]
	w.ctx = cut - keep
	w.base += int64(keep)
	if cap(w.out) > 4*roundBytes {
		w.out = nil
	}
}

// continues reports whether an undecided mask starting at i goes on under
// the undecided mask the last round's output ended with: i is where the
// output so far ends, and it ends inside that mask (not after a line break
// that the mask kept).
func (w *Writer) continues(i int) bool {
	return w.tailMasked && i == w.ctx && !(w.keepLines && w.ctx > 0 && w.buf[w.ctx-1] == '\n')
}

// report passes f, with stream offsets, to the OnFinding callback.
func (w *Writer) report(f Finding) {
	if w.notify != nil {
		f.Start += int(w.base)
		f.End += int(w.base)
		w.notify(f)
	}
}

// Reader is an io.Reader that returns the redaction of what it reads from
// an underlying reader, with the same guarantees as Writer: output is
// byte-identical to Detector.Redact of the whole input, and it holds back up
// to Horizon() bytes until more input or the end of input arrives.
//
// A Reader is not safe for concurrent use.
type Reader struct {
	r   io.Reader
	rw  *Writer
	q   queue
	in  []byte
	err error
}

type queue struct{ b []byte }

func (q *queue) Write(p []byte) (int, error) {
	q.b = append(q.b, p...)
	return len(p), nil
}

// NewReader returns a Reader that redacts what it reads from r.
func (d *Detector) NewReader(r io.Reader) *Reader {
	rd := &Reader{r: r}
	rd.rw = d.NewWriter(&rd.q)
	return rd
}

// Read reads redacted bytes into p. It returns io.EOF after the underlying
// reader's EOF once everything has been returned; another error from the
// underlying reader is returned once the redacted output before it has
// been read.
func (r *Reader) Read(p []byte) (int, error) {
	for len(r.q.b) == 0 {
		if r.err != nil {
			return 0, r.err
		}
		if r.in == nil {
			r.in = make([]byte, 32<<10)
		}
		n, err := r.r.Read(r.in)
		if n > 0 {
			r.rw.Write(r.in[:n]) // writes to a queue: never fails
		}
		if err != nil {
			r.rw.Close()
			r.err = err
		}
	}
	n := copy(p, r.q.b)
	rest := copy(r.q.b, r.q.b[n:])
	r.q.b = r.q.b[:rest]
	return n, nil
}

// String describes w without its buffered text.
func (w *Writer) String() string {
	return fmt.Sprintf("detect.Writer{buffered: %d}", w.Buffered())
}

// Format implements fmt.Formatter so that no verb prints buffered text.
func (w *Writer) Format(s fmt.State, _ rune) { fmt.Fprint(s, w.String()) }

// String describes r without its buffered text.
func (r *Reader) String() string {
	return fmt.Sprintf("detect.Reader{buffered: %d}", len(r.q.b)+r.rw.Buffered())
}

// Format implements fmt.Formatter so that no verb prints buffered text.
func (r *Reader) Format(s fmt.State, _ rune) { fmt.Fprint(s, r.String()) }
