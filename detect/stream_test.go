package detect

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"slices"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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
	for i := 0; i <= len(src); i++ {
		for j := i; j <= len(src); j += 3 {
			var out bytes.Buffer
			w := d.NewWriter(&out)
			for _, part := range [][]byte{src[:i], src[i:j], src[j:]} {
				_, err := w.Write(part)
				require.NoError(t, err)
				require.NoError(t, w.Flush())
			}
			require.NoError(t, w.Close())
			require.Equal(t, string(want), out.String(), "splits at %d and %d", i, j)
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
	got := streamRedact(t, d, src, []int{512}, 97)
	assert.True(t, bytes.Equal(want, got), "with flushes: output differs from Redact")
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

func FuzzStreamEqualsRedact(f *testing.F) {
	d := newTest(f)
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
			if cr.IntN(4) == 0 {
				if err := w.Flush(); err != nil {
					t.Fatal(err)
				}
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(want, out.Bytes()) {
			t.Fatalf("stream output (%d bytes) differs from Redact (%d bytes)", out.Len(), len(want))
		}
	})
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
			got := streamRedact(t, d, src, sizes, 13)
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
