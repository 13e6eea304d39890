package detect

import (
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
// Output is byte-identical to Detector.Redact of the whole input, whatever
// the sizes of the Write calls: a secret split across any number of writes
// is still redacted. To make that possible the Writer holds back the last
// Horizon() bytes it has seen (about 75 KiB with the default catalog) until
// more input arrives or Close is called; a line longer than that is still
// scanned in overlapping windows, never passed through unscanned. Memory
// stays bounded for unbounded input: at most about 2×Horizon()+1 MiB of
// input is buffered, plus the redacted output of one round.
//
// Undecided regions (see "Redaction guarantee" in the package
// documentation) are the exception to byte-identical output: a timeout
// depends on the machine, and the work budget of text decoded from a long
// encoded run depends on where the run was cut, so a stream and a
// whole-text scan can mask such text with different extents. Both mask
// it, and text the stream emits as written was fully decided.
//
// As with bufio.Writer, the first error from the underlying writer sticks:
// every later Write, Flush and Close returns it. Flush writes all output
// that can be decided without more input (everything but the held-back
// tail); Close writes the rest and does not close the underlying writer.
//
// A Writer is not safe for concurrent use; use one per stream.
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
	held       int // Buffered() as last reported to the Observer
}

// OnFinding registers fn to be called with each finding as it is redacted
// (offsets are relative to the whole stream). fn must not retain more than
// the Finding, which holds no secret. Call it before the first Write.
func (w *Writer) OnFinding(fn func(Finding)) { w.notify = fn }

// NewWriter returns a Writer that writes the redaction of its input to w.
func (d *Detector) NewWriter(w io.Writer) *Writer {
	return &Writer{d: d, w: w}
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
	}
	w.observeHeld()
	return n, w.err
}

// Flush writes all output that can be decided without more input.
func (w *Writer) Flush() error {
	if w.err != nil {
		return w.err
	}
	w.round(false)
	w.observeHeld()
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
	w.fs = w.d.appendScanAt(w.fs[:0], w.buf, int(w.base))
	// A secret that straddles the cut is emitted whole.
	for _, f := range w.fs {
		if f.Start < cut && f.End > cut {
			cut = f.End
		}
	}
	out := w.out[:0]
	prev := w.ctx
	tail := false // out ends with an undecided mask that reaches cut
	for _, f := range w.fs {
		if f.End <= w.ctx || f.Start >= cut {
			continue
		}
		start := max(f.Start, w.ctx)
		out = append(out, w.buf[prev:start]...)
		// An undecided region that the last round's mask ended inside
		// goes on under that mask.
		if !(w.tailMasked && f.Undecided != Decided && f.Start < w.ctx && prev == w.ctx) {
			out = w.d.appendMask(out, f, w.buf[f.Start:f.End])
			if w.d.opts.observer != nil {
				w.d.observeFound(&f, f.End-start)
			}
		}
		prev = f.End
		tail = f.Undecided != Decided && f.End >= cut
		if w.notify != nil {
			g := f
			g.Start += int(w.base)
			g.End += int(w.base)
			w.notify(g)
		}
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
	keep := max(0, cut-h)
	n := copy(w.buf, w.buf[keep:])
	w.buf = w.buf[:n]
	w.ctx = cut - keep
	w.base += int64(keep)
	if cap(w.out) > 4*roundBytes {
		w.out = nil
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
