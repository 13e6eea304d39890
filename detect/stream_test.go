package detect

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"testing"
	"testing/iotest"

	"github.com/dlclark/regexp2/v2"
	"github.com/dlclark/regexp2/v2/syntax"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leakward/leakward/patterns"
)

// streamRedact writes src through a Writer in chunks of the given sizes
// (cycled) and returns the output.
func streamRedact(t testing.TB, d *Detector, src []byte, sizes []int, flushEvery int) []byte {
	var out bytes.Buffer
	w := d.NewWriter(&out)
	for i := 0; len(src) > 0; i++ {
		n := min(sizes[i%len(sizes)], len(src))
		k, err := w.Write(src[:n])
		require.NoError(t, err)
		require.Equal(t, n, k)
		src = src[n:]
		if flushEvery > 0 && i%flushEvery == 0 {
			require.NoError(t, w.Flush())
		}
	}
	require.NoError(t, w.Close())
	return out.Bytes()
}

func TestWriterEveryTwoWaySplit(t *testing.T) {
	d := newTest(t)
	r := rand.New(rand.NewPCG(21, 22))
	src := []byte("a key=" + makeTok(r) + "\nTEST_SECRET: 'q8Zr2Lx/0Pn+Wm4Ks7Tb1Yc9Vd3Hf6Ga'\nend " + makeTok(r))
	want := d.Redact(nil, src)
	require.NotEqual(t, src, want)
	atLineEnd := func(i int) bool { return i == 0 || src[i-1] == '\n' }
	for i := 0; i <= len(src); i++ {
		for j := i; j <= len(src); j += 3 {
			for _, flush := range []bool{false, true} {
				var out bytes.Buffer
				w := d.NewWriter(&out)
				for k, part := range [][]byte{src[:i], src[i:j], src[j:]} {
					_, err := w.Write(part)
					require.NoError(t, err)
					if flush && k < 2 {
						require.NoError(t, w.Flush())
					}
				}
				require.NoError(t, w.Close())
				// Without Flush, and with flushes at line breaks, the
				// output is Redact's; a Flush elsewhere may mask more,
				// and never lets a fragment of a secret through.
				if !flush || atLineEnd(i) && atLineEnd(j) {
					require.Equal(t, string(want), out.String(), "splits at %d and %d, flush %v", i, j, flush)
				}
				requireNoFragments(t, d, src, out.Bytes(), "two-way split")
			}
		}
	}
}

// fragLen is the length of the secret fragments requireNoFragments
// looks for.
const fragLen = 8

// requireNoFragments fails when the output of redacting src holds a
// fragment of one of its secrets more often than Redact's output does:
// for every secret of src (the findings of a whole-text scan) and every
// substring of it of fragLen bytes (the whole secret when shorter), the
// number of times it occurs in got must not exceed the number of times
// it occurs in Redact(src). Masks are taken out of both outputs before
// counting, since a pattern id can hold the literal prefix of its secrets
// (aws-bedrock-api-key). The message names the case, never the fragment.
func requireNoFragments(t testing.TB, d *Detector, src, got []byte, name string) {
	t.Helper()
	newFragCheck(d, src).check(t, got, name)
}

// fragCheck holds what requireNoFragments compares, for one input.
type fragCheck struct {
	src   []byte
	fs    []Finding
	limit [][]int // per finding, per fragment: its count in Redact's output
}

// maskText matches the masks a Writer writes.
var maskText = regexp.MustCompile(`\[REDACTED:[a-z0-9-]+\]`)

func newFragCheck(d *Detector, src []byte) *fragCheck {
	want := maskText.ReplaceAll(d.Redact(nil, src), nil)
	c := &fragCheck{src: src, fs: d.Scan(src)}
	for _, f := range c.fs {
		sec := f.Secret(src)
		n := min(fragLen, len(sec))
		var lim []int
		for i := 0; i+n <= len(sec); i++ {
			lim = append(lim, bytes.Count(want, sec[i:i+n]))
		}
		c.limit = append(c.limit, lim)
	}
	return c
}

func (c *fragCheck) check(t testing.TB, got []byte, name string) {
	t.Helper()
	got = maskText.ReplaceAll(got, nil)
	for k, f := range c.fs {
		sec := f.Secret(c.src)
		n := min(fragLen, len(sec))
		for i, lim := range c.limit[k] {
			if bytes.Count(got, sec[i:i+n]) > lim {
				t.Fatalf("%s: output holds a fragment of the %s secret at %d..%d (fragment at %d of it)", name, f.PatternID, f.Start, f.End, i)
			}
		}
	}
}

func TestWriterChunkingLargeInput(t *testing.T) {
	d := newTest(t)
	src := genLog(3<<20, 20, 23)
	want := d.Redact(nil, src)
	for _, sizes := range [][]int{{1 << 20}, {4096}, {1, 7, 4093}, {100000, 3}} {
		got := streamRedact(t, d, src, sizes, 0)
		assert.True(t, bytes.Equal(want, got), "chunk sizes %v: output differs from Redact", sizes)
	}
	// Flushes at line breaks (the test catalog has no multi-line
	// pattern, so nothing is open there) leave the output as it was.
	r := rand.New(rand.NewPCG(29, 30))
	var out bytes.Buffer
	w := d.NewWriter(&out)
	for rest := src; len(rest) > 0; {
		n := 0
		for range 1 + r.IntN(40) {
			i := bytes.IndexByte(rest[n:], '\n')
			if i < 0 {
				n = len(rest)
				break
			}
			n += i + 1
		}
		_, err := w.Write(rest[:n])
		require.NoError(t, err)
		require.NoError(t, w.Flush())
		rest = rest[n:]
	}
	require.NoError(t, w.Close())
	assert.True(t, bytes.Equal(want, out.Bytes()), "with flushes at line breaks: output differs from Redact")
}

func TestWriterLongLineWithoutNewline(t *testing.T) {
	d := newTest(t)
	r := rand.New(rand.NewPCG(24, 25))
	var src []byte
	for len(src) < 2<<20 {
		src = append(src, "filler-words-without-newlines "...)
		if r.IntN(100) == 0 {
			src = append(src, makeTok(r)...)
			src = append(src, ' ')
		}
	}
	want := d.Redact(nil, src)
	got := streamRedact(t, d, src, []int{8192}, 0)
	assert.True(t, bytes.Equal(want, got))
	assert.NotEqual(t, len(src), len(got), "secrets were redacted")
}

func TestWriterErrorSticks(t *testing.T) {
	d := newTest(t)
	boom := errors.New("boom")
	w := d.NewWriter(errWriter{boom})
	_, err := w.Write(bytes.Repeat([]byte("x"), 1<<20))
	require.ErrorIs(t, err, boom)
	_, err = w.Write([]byte("more"))
	assert.ErrorIs(t, err, boom)
	assert.ErrorIs(t, w.Flush(), boom)
	assert.ErrorIs(t, w.Close(), boom)
}

func TestWriterClosed(t *testing.T) {
	d := newTest(t)
	var out bytes.Buffer
	w := d.NewWriter(&out)
	_, _ = w.Write([]byte("hello\n"))
	require.NoError(t, w.Close())
	require.NoError(t, w.Close())
	assert.Equal(t, "hello\n", out.String())
	_, err := w.Write([]byte("x"))
	assert.ErrorIs(t, err, ErrClosed)
}

type errWriter struct{ err error }

func (e errWriter) Write([]byte) (int, error) { return 0, e.err }

func TestReaderMatchesRedact(t *testing.T) {
	d := newTest(t)
	src := genLog(1<<20, 15, 26)
	want := d.Redact(nil, src)
	for _, wrap := range []func(io.Reader) io.Reader{
		func(r io.Reader) io.Reader { return r },
		iotest.OneByteReader,
		iotest.HalfReader,
		iotest.DataErrReader,
	} {
		got, err := io.ReadAll(d.NewReader(wrap(bytes.NewReader(src))))
		require.NoError(t, err)
		assert.True(t, bytes.Equal(want, got))
	}
	boom := errors.New("boom")
	_, err := io.ReadAll(d.NewReader(iotest.ErrReader(boom)))
	assert.ErrorIs(t, err, boom)
}

// FuzzStreamEqualsRedact checks the chunking invariant on the default
// catalog: whatever the sizes of the writes, without Flush the output is
// Redact's. Where either masks text as undecided the extents may differ
// (see Writer): the outputs then agree up to the first undecided mask, and
// neither holds anything the engine would still report.
func FuzzStreamEqualsRedact(f *testing.F) {
	d := defaultDetector()
	for i, src := range catalogSeeds() {
		f.Add(src, uint64(i))
	}
	r := rand.New(rand.NewPCG(27, 28))
	f.Add([]byte("key="+makeTok(r)+"\nTEST_SECRET=q8Zr2Lx/0Pn+Wm4Ks7Tb1Yc9Vd3Hf6Ga"), uint64(7))
	f.Add([]byte("plain text\n"), uint64(1))
	f.Add([]byte("<td>test_secret=q8Zr2Lx&#x2F;0Pn&#43;Wm4Ks7Tb1Yc9Vd3Hf6Ga</td> 746b6e5f\n"), uint64(9))
	f.Add([]byte("\x1b[1mtest_secret=\x1b[0mq8Zr2Lx/0Pn+Wm4Ks7Tb1Yc9Vd3Hf6Ga\x1b[0m\n"), uint64(5))
	f.Add([]byte(`{"u":"https:\/\/a\/b","kv":"test_secret: q8Zr2Lx\/0Pn+Wm4Ks7Tb1Yc9Vd3Hf6Ga"}`+"\n"), uint64(3))
	f.Fuzz(func(t *testing.T, src []byte, seed uint64) {
		want := d.Redact(nil, src)
		cr := rand.New(rand.NewPCG(seed, 1))
		var out bytes.Buffer
		w := d.NewWriter(&out)
		rest := src
		for len(rest) > 0 {
			n := 1 + cr.IntN(len(rest))
			if _, err := w.Write(rest[:n]); err != nil {
				t.Fatal(err)
			}
			rest = rest[n:]
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		got := out.Bytes()
		u := min(undecidedAt(want), undecidedAt(got))
		if u == noUndecided {
			if !bytes.Equal(want, got) {
				t.Fatalf("stream output (%d bytes) differs from Redact (%d bytes) at byte %d", len(got), len(want), firstDiff(got, want))
			}
			return
		}
		if u > len(want) || u > len(got) || !bytes.Equal(want[:u], got[:u]) {
			t.Fatalf("stream output (%d bytes) differs from Redact (%d bytes) before the first undecided mask at %d", len(got), len(want), u)
		}
		for _, o := range [][]byte{want, got} {
			for _, f := range d.Scan(o) {
				if f.Undecided == Decided {
					t.Fatalf("redacted output still holds %v", f)
				}
			}
		}
	})
}

// noUndecided is what undecidedAt returns for an output without an
// undecided mask: past the end of any output.
const noUndecided = 1 << 62

// undecidedAt returns the offset of the first undecided mask in out, or
// noUndecided.
func undecidedAt(out []byte) int {
	if i := bytes.Index(out, []byte("[REDACTED:"+UndecidedID+"]")); i >= 0 {
		return i
	}
	return noUndecided
}

// firstDiff returns the first offset at which a and b differ.
func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// TestWriterEncodedInputs streams the encoded hostile inputs (base64,
// wrapped base64, hex, escapes) through the default catalog in odd chunk
// sizes with flushes: the output must equal Redact's.
func TestWriterEncodedInputs(t *testing.T) {
	d := defaultDetector()
	for _, name := range []string{"base64-of-secrets", "wrapped-base64-of-secrets", "escaped-slash-percent", "entity-keywords", "ansi-keywords", "hex-keyword-forms"} {
		i := slices.IndexFunc(hostileInputs, func(in hostileInput) bool { return in.name == name })
		require.GreaterOrEqual(t, i, 0, name)
		src := hostileInputs[i].gen(200 << 10)
		want := d.Redact(nil, src)
		for _, sizes := range [][]int{{4096}, {1, 7, 4093, 65536}} {
			got := streamRedact(t, d, src, sizes, 0)
			u := bytes.Index(want, []byte("[REDACTED:undecided]"))
			if u < 0 {
				assert.True(t, bytes.Equal(want, got), "%s, chunk sizes %v: output differs from Redact", name, sizes)
				continue
			}
			// Past its work budget the text is masked by both, but the
			// extent of the masks may differ (see Writer): the outputs
			// agree up to the first undecided mask, and neither holds
			// anything the engine would still report.
			require.GreaterOrEqual(t, len(got), u, "%s, chunk sizes %v", name, sizes)
			assert.True(t, bytes.Equal(want[:u], got[:u]), "%s, chunk sizes %v: output differs from Redact before the first undecided mask", name, sizes)
			for _, out := range [][]byte{want, got} {
				for _, f := range d.Scan(out) {
					assert.NotEqual(t, Decided, f.Undecided, "%s, chunk sizes %v: redacted output still holds %v", name, sizes, f)
				}
			}
		}
	}
}

// writers makes each kind of Writer for the tests of Flush.
var writers = []struct {
	name string
	make func(d *Detector, w io.Writer) *Writer
}{
	{"Writer", func(d *Detector, w io.Writer) *Writer { return d.NewWriter(w) }},
	{"LineWriter", func(d *Detector, w io.Writer) *Writer { return d.NewLineWriter(w, 0) }},
}

func TestFlushWritesLogLine(t *testing.T) {
	d := newTest(t)
	tok := makeTok(rand.New(rand.NewPCG(31, 32)))
	for _, wr := range writers {
		var out bytes.Buffer
		w := wr.make(d, &out)
		l := log.New(w, "", 0)
		l.Printf("login user=%s token=%s", "bob", tok)
		require.NoError(t, w.Flush(), wr.name)
		assert.Equal(t, "login user=bob token=[REDACTED:test-token]\n", out.String(), "%s: output after Flush", wr.name)
		assert.Zero(t, w.Buffered(), "%s: bytes held after Flush", wr.name)
		l.Printf("second line")
		require.NoError(t, w.Flush(), wr.name)
		assert.Equal(t, "login user=bob token=[REDACTED:test-token]\nsecond line\n", out.String(), "%s: output after a second Flush", wr.name)
	}
}

// TestFlushThenExit runs a process that logs a line through a Writer,
// flushes and exits without Close: the line must have reached its
// standard output, redacted.
func TestFlushThenExit(t *testing.T) {
	const env = "LEAKWARD_FLUSH_CHILD"
	tok := makeTok(rand.New(rand.NewPCG(33, 34)))
	if kind := os.Getenv(env); kind != "" {
		d := newTest(t)
		w := d.NewWriter(os.Stdout)
		if kind == "LineWriter" {
			w = d.NewLineWriter(os.Stdout, 0)
		}
		log.New(w, "", 0).Printf("deploy token=%s done", tok)
		if err := w.Flush(); err != nil {
			os.Exit(3)
		}
		os.Exit(0)
	}
	if testing.Short() {
		t.Skip("starts a process")
	}
	for _, kind := range []string{"Writer", "LineWriter"} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestFlushThenExit$", "-test.count=1")
		cmd.Env = append(os.Environ(), env+"="+kind)
		got, err := cmd.Output()
		require.NoError(t, err, "%s: child process", kind)
		assert.Equal(t, "deploy token=[REDACTED:test-token] done\n", string(got), "%s: what the child wrote", kind)
		assert.False(t, bytes.Contains(got, []byte(tok)), "%s: the token reached the output", kind)
	}
}

// catalogExamples returns the true-positive examples of the default
// catalog, with the id of their pattern.
func catalogExamples() (ids []string, exs [][]byte) {
	for _, p := range patterns.Default() {
		for _, ex := range p.Examples {
			ids = append(ids, p.ID)
			exs = append(exs, []byte(ex))
		}
	}
	return ids, exs
}

// cutOffsets returns every offset of src for short texts, and for long
// ones every offset near a line break or the ends and every 29th other.
func cutOffsets(src []byte) []int {
	var cuts []int
	for i := 0; i <= len(src); i++ {
		near := len(src) <= 200 || i < 48 || len(src)-i < 48 || i%29 == 0
		for j := max(0, i-2); j < min(len(src), i+2) && !near; j++ {
			near = src[j] == '\n'
		}
		if near {
			cuts = append(cuts, i)
		}
	}
	return cuts
}

// TestFlushAtEveryCut writes each example of the default catalog in two
// parts with a Flush between them, then closes: for every cut, the output
// holds no fragment of fragLen bytes of any secret of the example more
// often than Redact's output does (requireNoFragments). When the cut is at
// a line break that no secret spans and the Writer had nothing open there,
// the output is Redact's; that happens for most line breaks.
func TestFlushAtEveryCut(t *testing.T) {
	d := defaultDetector()
	ids, exs := catalogExamples()
	if testing.Short() {
		exs = exs[:len(exs)/8]
	}
	for _, wr := range writers {
		equal := 0
		for e, ex := range exs {
			want := d.Redact(nil, ex)
			if wr.name == "LineWriter" {
				want = d.keepLinesRedact(ex)
			}
			fc := newFragCheck(d, ex)
			for _, cut := range cutOffsets(ex) {
				var out bytes.Buffer
				w := wr.make(d, &out)
				w.Write(ex[:cut])
				require.NoError(t, w.Flush())
				w.Write(ex[cut:])
				require.NoError(t, w.Close())
				got := out.Bytes()
				fc.check(t, got, fmt.Sprintf("%s, example %d of %s, cut at %d", wr.name, e, ids[e], cut))
				if bytes.Equal(got, want) {
					equal++
				}
			}
		}
		assert.Positive(t, equal, wr.name)
	}
}

// keepLinesRedact is Redact with masks that keep lines, as a line Writer
// writes them.
func (d *Detector) keepLinesRedact(src []byte) []byte {
	return d.applyMasksLines(nil, src, d.Scan(src))
}

func (d *Detector) applyMasksLines(dst, src []byte, fs []Finding) []byte {
	prev := 0
	for _, f := range fs {
		dst = append(dst, src[prev:f.Start]...)
		dst = d.appendMaskLines(dst, f, src[f.Start:f.End], true)
		prev = f.End
	}
	return append(dst, src[prev:]...)
}

// exampleOf returns the first example of the default catalog's pattern id
// that holds a line break inside a secret of that pattern.
func exampleOf(t testing.TB, d *Detector, id string) []byte {
	t.Helper()
	for _, p := range patterns.Default() {
		if p.ID != id {
			continue
		}
		for _, ex := range p.Examples {
			for _, f := range d.Scan([]byte(ex)) {
				if f.PatternID == id && bytes.Contains(f.Secret([]byte(ex)), []byte("\n")) {
					return []byte(ex)
				}
			}
		}
	}
	t.Fatalf("no multi-line example of %s", id)
	return nil
}

// TestLineWriterWritesDecidedLines writes a log one line per Write: each
// line is written out by the Write that completes it, counted in lines
// of output, and the whole output is Redact's.
func TestLineWriterWritesDecidedLines(t *testing.T) {
	d := defaultDetector()
	src := genLog(64<<10, 7, 35)
	var out bytes.Buffer
	w := d.NewLineWriter(&out, 0)
	lines := 0
	for rest := src; len(rest) > 0; {
		i := bytes.IndexByte(rest, '\n') + 1
		if i == 0 {
			i = len(rest)
		}
		_, err := w.Write(rest[:i])
		require.NoError(t, err)
		rest = rest[i:]
		lines++
		if i > 0 && rest != nil && bytes.Count(out.Bytes(), []byte("\n")) != lines {
			t.Fatalf("after line %d: %d lines written out", lines, bytes.Count(out.Bytes(), []byte("\n")))
		}
	}
	require.NoError(t, w.Close())
	assert.True(t, bytes.Equal(d.Redact(nil, src), out.Bytes()), "line Writer output differs from Redact")
}

// TestLineWriterHoldsBlockUntilEnd writes a PEM, OpenSSH or PGP block
// and the lines around it one line per Write: the lines before it are
// written out at once, the block's lines are held until its END line, and
// then written masked with their line breaks kept; the whole output is
// Redact's with masks that keep lines.
func TestLineWriterHoldsBlockUntilEnd(t *testing.T) {
	d := defaultDetector()
	for _, id := range []string{"pem-private-key", "openssh-private-key", "pgp-private-key"} {
		ex := exampleOf(t, d, id)
		src := append(append([]byte("before\n"), ex...), "\nafter\n"...)
		// The block runs from its BEGIN line to its END line.
		first := lineStartOf(src, bytes.Index(src, []byte("-----BEGIN")))
		end := bytes.Index(src, []byte("-----END"))
		last := end + bytes.IndexByte(src[end:], '\n') + 1
		require.Greater(t, last, first, id)
		var out bytes.Buffer
		w := d.NewLineWriter(&out, 0)
		written := 0
		for _, line := range bytes.SplitAfter(src, []byte("\n")) {
			_, err := w.Write(line)
			require.NoError(t, err)
			written += len(line)
			want := bytes.Count(src[:written], []byte("\n"))
			if written > first && written < last {
				want = bytes.Count(src[:first], []byte("\n"))
			}
			assert.Equal(t, want, bytes.Count(out.Bytes(), []byte("\n")), "%s: lines out after %d bytes", id, written)
		}
		require.NoError(t, w.Close())
		assert.Equal(t, bytes.Count(src, []byte("\n")), bytes.Count(out.Bytes(), []byte("\n")), "%s: lines kept", id)
		requireNoFragments(t, d, src, out.Bytes(), id)
		assert.Equal(t, string(d.keepLinesRedact(src)), out.String(), "%s: output", id)
	}
}

// TestLineWriterHoldBound writes a PEM block that never ends, then
// ordinary lines: past the hold bound the held lines are masked as
// undecided, counted and reported, with their line breaks kept, and no
// line of the block's body is written. (Close decides what is still held
// as the end of the input, as Redact does: the lines after the last mask
// are written as they are.)
func TestLineWriterHoldBound(t *testing.T) {
	d, err := New(patterns.Default(), WithMatchTimeout(exactTimeout))
	require.NoError(t, err)
	r := rand.New(rand.NewPCG(36, 37))
	var src []byte
	src = append(src, "start\n-----BEGIN PRIVATE KEY-----\n"...)
	var body [][]byte
	for range 40 {
		line := make([]byte, 64)
		for i := range line {
			line[i] = b62[r.IntN(62)]
		}
		body = append(body, line)
		src = append(append(src, line...), '\n')
	}
	for i := range 60 {
		src = fmt.Appendf(src, "ordinary line %d\n", i)
	}
	const hold = 1 << 10
	var out bytes.Buffer
	w := d.NewLineWriter(&out, hold)
	var reported []Finding
	w.OnFinding(func(f Finding) { reported = append(reported, f) })
	before := d.Stats()
	maxHeld := 0
	for _, line := range bytes.SplitAfter(src, []byte("\n")) {
		_, err := w.Write(line)
		require.NoError(t, err)
		maxHeld = max(maxHeld, w.Buffered())
	}
	require.NoError(t, w.Close())
	after := d.Stats()
	assert.LessOrEqual(t, maxHeld, hold+66, "bytes held")
	assert.Greater(t, after.Undecided, before.Undecided, "undecided regions counted")
	assert.Greater(t, after.UndecidedBytes-before.UndecidedBytes, uint64(hold), "undecided bytes counted")
	require.NotEmpty(t, reported, "findings reported")
	assert.Equal(t, UndecidedID, reported[0].PatternID, "the first report")
	assert.Equal(t, ReasonLimit, reported[0].Undecided, "the first report's reason")
	for i, line := range body {
		assert.False(t, bytes.Contains(out.Bytes(), line), "body line %d was written", i)
	}
	assert.Equal(t, bytes.Count(src, []byte("\n")), bytes.Count(out.Bytes(), []byte("\n")), "lines kept")
	assert.True(t, bytes.HasPrefix(out.Bytes(), []byte("start\n[REDACTED:undecided]\n")), "output starts with the masked block")
	assert.Contains(t, out.String(), "ordinary line 59\n", "the last line")
}

// TestKeepLines checks that each multi-line secret of the catalog's
// examples keeps its line count under WithKeepLines, in Redact and in a
// line Writer, and that the default keeps the old single mask.
func TestKeepLines(t *testing.T) {
	keep, err := New(patterns.Default(), WithKeepLines(true), WithMatchTimeout(exactTimeout))
	require.NoError(t, err)
	d := defaultDetector()
	_, exs := catalogExamples()
	multi := 0
	for e, ex := range exs {
		lines := bytes.Count(ex, []byte("\n"))
		got := keep.Redact(nil, ex)
		assert.Equal(t, lines, bytes.Count(got, []byte("\n")), "example %d: lines after Redact with WithKeepLines", e)
		var out bytes.Buffer
		w := d.NewLineWriter(&out, 0)
		w.Write(ex)
		require.NoError(t, w.Close())
		assert.Equal(t, string(got), out.String(), "example %d: line Writer", e)
		if !bytes.Equal(d.Redact(nil, ex), got) {
			multi++
		}
	}
	assert.Positive(t, multi, "examples whose masks keep line breaks")
	// The mask of a secret with a CRLF line break and an empty line.
	f := Finding{PatternID: "x-y"}
	got := d.appendMaskLines(nil, f, []byte("ab\r\ncd\n\nef\n"), true)
	assert.Equal(t, "[REDACTED:x-y]\r\n[REDACTED:x-y]\n\n[REDACTED:x-y]\n", string(got), "mask of lines")
}

// TestSecretCrossesLines checks the regex analysis behind line mode.
func TestSecretCrossesLines(t *testing.T) {
	tests := []struct {
		re   string
		want bool
	}{
		{`tkn_[A-Za-z0-9]{36}(?![A-Za-z0-9])`, false},
		{`key\s*=\s*(?<secret>[A-Za-z0-9]{20})`, false},           // crosses before the secret only
		{`key:\r?\n\s*(?<secret>\S+)(?=\s|$)`, false},             // look-ahead at one character
		{`(?<secret>[A-Za-z0-9]{20})[\s\S]{0,100}?context`, true}, // context after the secret
		{`-----BEGIN X-----[A-Za-z0-9\s]+-----END X-----`, true},  // block
		{`(?<secret>[a-z]+)\n`, false},                            // ends with the line break
		{`(?<secret>[a-z]+)\n\w`, true},                           // goes on past it
		{`(?<secret>[a-z]+)(?!$)`, true},                          // end anchor in a negative look-ahead
		{`(?<secret>[a-z]+)(?=\s+x)`, true},                       // a look-ahead that can look past a line break
		{`(?<secret>(?<q>["']).+?\k<q>)`, true},                   // a back-reference
		{`(?:a(?<secret>[a-z]+)|b[^x]{3})`, true},                 // a branch without the secret counts whole
		{`(?m)(?<secret>[a-z]+)$`, false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, secretCrossesLines(tt.re), "%s", tt.re)
	}
	lead, ok := leadRegex(`(?:a(?<secret>[a-z]{8})(?![a-z])|(?<secret>[0-9]{8})[\s\S]{0,9}?kw)`)
	assert.True(t, ok)
	assert.Equal(t, `(?:(?<secret>[0-9]{8}))`, lead, "lead of a pattern with context after its secret")
}

// FuzzFlushNoLeak writes a catalog example, between fuzzed text, through
// a Writer of either kind in fuzzed chunks with fuzzed Flush calls: no
// fragment of a secret may appear more often than in Redact's output.
func FuzzFlushNoLeak(f *testing.F) {
	d := defaultDetector()
	_, exs := catalogExamples()
	f.Add(uint16(0), []byte("pre "), []byte("\npost\n"), uint64(1), false)
	f.Add(uint16(7), []byte("a\n"), []byte("b"), uint64(2), true)
	f.Add(uint16(40), []byte(""), []byte("\n\n"), uint64(3), true)
	f.Fuzz(func(t *testing.T, idx uint16, pre, post []byte, seed uint64, lines bool) {
		ex := exs[int(idx)%len(exs)]
		src := append(append(append([]byte(nil), pre...), ex...), post...)
		cr := rand.New(rand.NewPCG(seed, 2))
		var out bytes.Buffer
		w := d.NewWriter(&out)
		if lines {
			w = d.NewLineWriter(&out, 256+cr.IntN(8<<10))
		}
		for rest := src; len(rest) > 0; {
			n := 1 + cr.IntN(len(rest))
			if _, err := w.Write(rest[:n]); err != nil {
				t.Fatal(err)
			}
			rest = rest[n:]
			if cr.IntN(3) == 0 {
				if err := w.Flush(); err != nil {
					t.Fatal(err)
				}
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		requireNoFragments(t, d, src, out.Bytes(), "fuzzed writes")
	})
}

// BenchmarkLineWriter measures a line Writer fed one log line per Write,
// as a log.Logger does.
func BenchmarkLineWriter(b *testing.B) {
	d, src := defaultDetector(), cleanLog()
	w := d.NewLineWriter(io.Discard, 0)
	var lines [][]byte
	for _, l := range bytes.SplitAfter(src, []byte("\n")) {
		if len(l) > 0 {
			lines = append(lines, l)
		}
	}
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		for _, l := range lines {
			w.Write(l)
		}
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
}

// TestLineWritersShareDetector runs line Writers of one Detector on
// several goroutines (run with -race): the facts they share are built
// once, and each Writer's output is Redact's.
func TestLineWritersShareDetector(t *testing.T) {
	d, err := New(patterns.Default(), WithMatchTimeout(exactTimeout))
	require.NoError(t, err)
	src := genLog(32<<10, 5, 38)
	want := d.Redact(nil, src)
	outs := make([]bytes.Buffer, 4)
	done := make(chan struct{})
	for i := range outs {
		go func() {
			defer func() { done <- struct{}{} }()
			w := d.NewLineWriter(&outs[i], 0)
			for _, l := range bytes.SplitAfter(src, []byte("\n")) {
				w.Write(l)
			}
			w.Close()
		}()
	}
	for range outs {
		<-done
	}
	for i := range outs {
		assert.True(t, bytes.Equal(want, outs[i].Bytes()), "writer %d: output differs from Redact", i)
	}
}

// TestLineWriterLookBack checks the line Writer's short look-back: after
// lines whose keywords' windows do not reach the next line, each line is
// scanned with 256 bytes of the text before it rather than the whole
// local context. The output is still Redact's, for secrets on one line and
// for a keyword on the line before its value (a Kubernetes env entry); and
// where no keyword has a long window, the regex work stays that of a few
// whole-text scans.
func TestLineWriterLookBack(t *testing.T) {
	for _, tc := range []struct {
		name    string
		every   int // a secret line every so many lines
		k8s     bool
		maxWork uint64 // times the work of Redact of the whole text; 0: not checked
	}{
		{"tokens", 50, false, 4},
		{"tokens and env entries", 50, true, 0},
	} {
		keep, err := New(patterns.Default(), WithKeepLines(true), WithMatchTimeout(exactTimeout))
		require.NoError(t, err)
		r := rand.New(rand.NewPCG(61, 62))
		var src bytes.Buffer
		for i := range 400 {
			fmt.Fprintf(&src, "2026-03-01T10:%02d:%02dZ GET /v1/orders/%d 200 %dms\n", i/60, i%60, r.IntN(1e6), r.IntN(900))
			switch {
			case i%tc.every == 7:
				fmt.Fprintf(&src, "auth ok with %s\n", ghToken(r, "ghp_", false))
			case tc.k8s && i%tc.every == 30:
				fmt.Fprintf(&src, "- name: DB_PASSWORD\n  value: \"%s\"\n", fieldSecret(r, 16))
			}
		}
		want := keep.Redact(nil, src.Bytes())
		require.NotEqual(t, src.String(), string(want), "%s: the input holds secrets", tc.name)

		d, err := New(patterns.Default(), WithMatchTimeout(exactTimeout))
		require.NoError(t, err)
		var out bytes.Buffer
		w := d.NewLineWriter(&out, 0)
		for l := range bytes.Lines(src.Bytes()) {
			w.Write(l)
		}
		require.NoError(t, w.Close())
		assert.Equal(t, string(want), out.String(), "%s: line Writer output, line by line", tc.name)
		if tc.maxWork > 0 {
			whole := keep.Stats().Work // of the one Redact above
			require.Positive(t, whole)
			assert.LessOrEqual(t, d.Stats().Work, tc.maxWork*whole, "%s: regex work of the line Writer (got) vs whole-text scans", tc.name)
		}
	}
}

// TestMustHold checks the literals a lead regex's matches must hold, by
// which a line Writer skips text: every match holds one of them.
func TestMustHold(t *testing.T) {
	tests := []struct {
		re   string
		want []string
	}{
		{`abc[0-9]+def`, []string{"abc"}},
		{`x?"type":\s*"(?<secret>[a-z]{8})"`, []string{`"type":`}},
		{`(?:foo|barbaz)\d`, []string{"foo", "barbaz"}},
		{`(?:foo|\d+)`, nil},    // a branch without a literal
		{`(?i)secret\s*=`, nil}, // matched without case
		{`(?:ab){2,}`, []string{"ab"}},
		{`(?:ab)*c`, nil},        // may repeat zero times; one character is no literal
		{`(?<=key=)[a-z]+`, nil}, // a look-behind is not part of the match
	}
	for _, tt := range tests {
		tree, err := syntax.Parse(tt.re, syntax.ParseOptions{})
		require.NoError(t, err, tt.re)
		got := mustHold(tree.Root)
		assert.Equal(t, tt.want, got, "%s", tt.re)
		re := regexp2.MustCompile(tt.re, regexp2.None)
		for _, s := range []string{"abc123def", `"type": "abcdefgh"`, "foo1", "barbaz2", "ababx", "key=abc"} {
			if m, _ := re.FindStringMatch(s); m != nil && got != nil {
				assert.True(t, holdsAny([]byte(m.String()), func() (b [][]byte) {
					for _, l := range got {
						b = append(b, []byte(l))
					}
					return
				}()), "%s: match %q holds none of %q", tt.re, m.String(), got)
			}
		}
	}
}
