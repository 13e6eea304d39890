package detect

import (
	"bytes"

	"io"
	"log/slog"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leakward/leakward/patterns"
)

// observed builds a detector on the default catalog that reports to a new
// Counters.
func observed(t testing.TB, opts ...Option) (*Detector, *Counters) {
	t.Helper()
	c := new(Counters)
	d, err := New(patterns.Default(), append(opts, WithObserver(c))...)
	require.NoError(t, err)
	return d, c
}

// TestObserverPaths runs each entry point once on text holding one GitHub
// token and one secret-named value, and checks what it reported.
func TestObserverPaths(t *testing.T) {
	r := rand.New(rand.NewPCG(181, 182))
	tok := ghToken(r, "ghp_", false)
	pw := "Tq7wLz2VbK9x"
	text := "deploy token=" + tok + " done\n"
	tests := []struct {
		name        string
		run         func(d *Detector)
		wantScanned uint64
		wantFound   map[string]uint64
	}{
		{"Scan", func(d *Detector) { d.Scan([]byte(text)) }, uint64(len(text)), map[string]uint64{"github-pat-classic": 1}},
		{"Scan clean", func(d *Detector) { d.Scan([]byte("nothing here")) }, 12, map[string]uint64{}},
		{"Redact", func(d *Detector) { d.Redact(nil, []byte(text)) }, uint64(len(text)), map[string]uint64{"github-pat-classic": 1}},
		{"RedactString", func(d *Detector) { d.RedactString(text) }, uint64(len(text)), map[string]uint64{"github-pat-classic": 1}},
		{"RedactFindings after Scan", func(d *Detector) {
			src := []byte(text)
			d.RedactFindings(nil, src, d.Scan(src))
		}, uint64(len(text)), map[string]uint64{"github-pat-classic": 1}},
		{"AppendScanField", func(d *Detector) { d.AppendScanField(nil, "db.password", []byte(pw)) }, uint64(len(pw)), map[string]uint64{"password-assignment": 1}},
		{"RedactField named", func(d *Detector) { d.RedactField("password", pw) }, uint64(len(pw)), map[string]uint64{"password-assignment": 1}},
		{"RedactField unnamed", func(d *Detector) { d.RedactField("user", pw) }, uint64(len(pw)), map[string]uint64{}},
		{"Writer", func(d *Detector) {
			w := d.NewWriter(io.Discard)
			for i := 0; i < len(text); i += 7 {
				w.Write([]byte(text[i:min(i+7, len(text))]))
			}
			w.Close()
		}, uint64(len(text)), map[string]uint64{"github-pat-classic": 1}},
		{"Reader", func(d *Detector) { io.Copy(io.Discard, d.NewReader(strings.NewReader(text))) }, uint64(len(text)), map[string]uint64{"github-pat-classic": 1}},
		{"Handler", func(d *Detector) {
			// message (2 bytes), keys "password" and "n", values.
			slog.New(d.NewHandler(slog.NewJSONHandler(io.Discard, nil))).Info("hi", "password", pw, "n", 1)
		}, uint64(2 + len("password") + len(pw) + 1), map[string]uint64{"password-assignment": 1}},
	}
	for _, tc := range tests {
		d, c := observed(t)
		tc.run(d)
		tot := c.Totals()
		assert.Equal(t, tc.wantScanned, tot.ScannedBytes, "%s: scanned bytes", tc.name)
		assert.Equal(t, tc.wantFound, c.ByPattern(), "%s: findings by pattern", tc.name)
		var n uint64
		for _, k := range tc.wantFound {
			n += k
		}
		assert.Equal(t, n, tot.Findings, "%s: findings", tc.name)
		assert.Equal(t, int64(0), tot.HeldBackBytes, "%s: held back at the end", tc.name)
	}
}

// TestObserverWriterMatchesRedact streams a large input in odd chunks and
// checks that every input byte is counted once and the findings by
// pattern are those of Redact of the whole input, while the held-back
// count follows Buffered.
func TestObserverWriterMatchesRedact(t *testing.T) {
	r := rand.New(rand.NewPCG(183, 184))
	var b strings.Builder
	for b.Len() < 3*roundBytes {
		b.WriteString("ts=1 level=info msg=\"request served\" path=/api/v1/items user=alice\n")
		if r.IntN(50) == 0 {
			b.WriteString("token=" + ghToken(r, "ghp_", false) + "\n")
		}
	}
	src := []byte(b.String())

	dw, cw := observed(t)
	w := dw.NewWriter(io.Discard)
	for i := 0; len(src[i:]) > 0; {
		n := min(len(src)-i, 1+r.IntN(70000))
		_, err := w.Write(src[i : i+n])
		require.NoError(t, err)
		i += n
		assert.Equal(t, int64(w.Buffered()), cw.Totals().HeldBackBytes, "held back after writing %d bytes", i)
	}
	require.NoError(t, w.Close())

	dr, cr := observed(t)
	dr.Redact(nil, src)
	assert.Equal(t, cr.ByPattern(), cw.ByPattern(), "findings by pattern, Writer vs Redact")
	assert.Equal(t, uint64(len(src)), cw.Totals().ScannedBytes, "bytes the Writer counted")
	assert.Equal(t, int64(0), cw.Totals().HeldBackBytes, "held back after Close")
	assert.NotZero(t, cw.Totals().Findings, "findings")
}

// TestObserverUndecided checks that undecided regions are counted by
// reason, and a timed-out search as a timeout.
func TestObserverUndecided(t *testing.T) {
	c := new(Counters)
	d, err := New(testPatterns(), WithObserver(c))
	require.NoError(t, err)
	// A value longer than its pattern allows: the rest is undecided.
	src := []byte("key=" + hRand(rand.New(rand.NewPCG(189, 190)), hAlnum, 80) + " end")
	fs := d.Scan(src)
	require.NotEmpty(t, fs, "findings in a long key= value")
	got := c.ByReason()
	assert.Equal(t, map[Reason]uint64{ReasonTimeout: 0, ReasonBudget: 0, ReasonLimit: 1, ReasonUnrenderable: 0}, got, "undecided by reason")
	assert.Equal(t, uint64(1), c.ByPattern()[UndecidedID], "undecided findings")

}

// TestObserverTimeout: a search past its match timeout is reported as a
// timeout, and its window as an undecided finding of that reason.
func TestObserverTimeout(t *testing.T) {
	p := patterns.Pattern{
		ID: "hostile", Provider: "Test", Grants: patterns.PrivScoped,
		Keywords: []string{"aaa"},
		Regex:    `(a+)+b`,
		MaxLen:   4096,
	}
	c := new(Counters)
	d, err := New([]patterns.Pattern{p}, WithMatchTimeout(20*time.Millisecond), WithObserver(c))
	require.NoError(t, err)
	src := bytes.Repeat([]byte("a"), 4000)
	d.Redact(nil, src)
	tot := c.Totals()
	assert.Equal(t, d.Stats().Timeouts, tot.Timeouts, "timeouts, observed and in Stats")
	assert.NotZero(t, tot.Timeouts, "timeouts")
	assert.Equal(t, uint64(1), c.ByReason()[ReasonTimeout], "undecided by reason")
	assert.Equal(t, uint64(len(src)), tot.UndecidedBytes, "undecided bytes")
}

func TestObserverUnrenderable(t *testing.T) {
	d, c := observed(t)
	slog.New(d.NewHandler(slog.NewJSONHandler(io.Discard, nil))).Info("m", "v", failJSON{"x"})
	assert.Equal(t, uint64(1), c.ByReason()[ReasonUnrenderable], "undecided, unrenderable")
	assert.Equal(t, uint64(1), c.Totals().Undecided, "undecided")
}

// TestObserverAllocs: a clean scan allocates nothing, with and without an
// observer; a finding of a pattern already seen allocates nothing more
// than without an observer.
func TestObserverAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are not stable under the race detector")
	}
	tok := ghToken(rand.New(rand.NewPCG(185, 186)), "ghp_", false)
	clean := []byte("ts=1 level=info msg=\"request served\" path=/api/v1/items user=alice")
	dirty := []byte("token=" + tok)
	plain := defaultDetector()
	d, _ := observed(t)
	dst := make([]Finding, 0, 4)
	out := make([]byte, 0, 256)
	d.Redact(out, dirty) // the pattern's counter exists from now on
	tests := []struct {
		name string
		run  func(d *Detector)
	}{
		{"AppendScan clean", func(d *Detector) { d.AppendScan(dst[:0], clean) }},
		{"Redact clean", func(d *Detector) { d.Redact(out[:0], clean) }},
		{"Redact secret", func(d *Detector) { d.Redact(out[:0], dirty) }},
		{"RedactField clean", func(d *Detector) { d.RedactField("password", "********") }},
	}
	for _, tc := range tests {
		want := testing.AllocsPerRun(50, func() { tc.run(plain) })
		got := testing.AllocsPerRun(50, func() { tc.run(d) })
		assert.Equal(t, want, got, "%s: allocations with an observer, and without", tc.name)
	}
	var c Counters
	c.Observe(Event{Kind: EventFound, PatternID: "p"})
	got := testing.AllocsPerRun(50, func() {
		c.Observe(Event{Kind: EventScanned, Bytes: 10})
		c.Observe(Event{Kind: EventFound, PatternID: "p", Bytes: 5})
	})
	assert.Zero(t, got, "allocations of Counters.Observe once the id is known")
}

// TestCountersConcurrent reports from several goroutines (run with
// -race) through a shared Handler and Writers.
func TestCountersConcurrent(t *testing.T) {
	d, c := observed(t)
	tok := ghToken(rand.New(rand.NewPCG(187, 188)), "ghp_", false)
	l := slog.New(d.NewHandler(slog.NewJSONHandler(io.Discard, nil)))
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			w := d.NewWriter(io.Discard)
			for i := range 25 {
				l.Info("m", "g", g, "password", "Tq7wLz2VbK9x")
				io.WriteString(w, "token="+tok+"\n")
				_ = i
				_ = c.ByPattern()
			}
			w.Close()
		})
	}
	wg.Wait()
	got := c.ByPattern()
	assert.Equal(t, uint64(100), got["password-assignment"], "password findings")
	assert.Equal(t, uint64(100), got["github-pat-classic"], "token findings")
	assert.Equal(t, int64(0), c.Totals().HeldBackBytes, "held back after Close")
}

func TestCountersIDBound(t *testing.T) {
	var c Counters
	var b [8]byte
	for i := range maxCountedIDs + 10 {
		id := string(append(b[:0], byte(i>>8), byte(i)))
		c.Observe(Event{Kind: EventFound, PatternID: id})
	}
	got := c.ByPattern()
	assert.Len(t, got, maxCountedIDs+1, "distinct ids kept")
	assert.Equal(t, uint64(10), got[OtherPatternID], "findings past the bound")
}

func TestCountersStringHoldsNoID(t *testing.T) {
	var c Counters
	c.Observe(Event{Kind: EventFound, PatternID: "some-id", Bytes: 9})
	c.Observe(Event{Kind: EventScanned, Bytes: 100})
	s := c.String()
	assert.False(t, strings.Contains(s, "some-id"), "String lists totals only")
	assert.True(t, strings.Contains(s, "scanned: 100 B"), "String shows the scanned bytes")
	assert.Equal(t, "found", EventFound.String(), "kind name")
	assert.Equal(t, "eventkind(0)", EventKind(0).String(), "zero kind")
}

// nopObserver counts events without atomics, for the benchmark.
type nopObserver struct{ n int }

func (o *nopObserver) Observe(Event) { o.n++ }

func BenchmarkSlogObserved(b *testing.B) {
	for _, bc := range []struct {
		name string
		o    Observer
	}{{"Counters", new(Counters)}, {"nop", new(nopObserver)}} {
		b.Run(bc.name, func(b *testing.B) {
			d, err := New(patterns.Default(), WithObserver(bc.o))
			require.NoError(b, err)
			l := slog.New(d.NewHandler(slog.NewJSONHandler(io.Discard, nil)))
			b.ReportAllocs()
			for b.Loop() {
				slogRecord(l)
			}
		})
	}
}

func BenchmarkObserverRedactClean(b *testing.B) {
	src := bytes.Repeat([]byte("ts=1 level=info msg=\"request served\" path=/api/v1/items user=alice\n"), 16)
	for _, bc := range []struct {
		name string
		d    *Detector
	}{{"none", defaultDetector()}, {"Counters", func() *Detector { d, _ := observed(b); return d }()}} {
		b.Run(bc.name, func(b *testing.B) {
			dst := make([]byte, 0, 2*len(src))
			b.SetBytes(int64(len(src)))
			b.ReportAllocs()
			for b.Loop() {
				dst = bc.d.Redact(dst[:0], src)
			}
			if !bytes.Equal(dst, src) {
				b.Fatal("clean text changed")
			}
		})
	}
}
