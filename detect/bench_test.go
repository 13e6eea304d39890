package detect

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/leakward/leakward/internal/testlog"
	"github.com/leakward/leakward/patterns"
)

// Benchmarks run the default catalog. LEAKWARD_BENCH_FILE points the
// clean-text benchmarks at any file instead of the generated log, e.g.
//
//	LEAKWARD_BENCH_FILE=../../shared/corpus/loghub-all.log go test -run X -bench Scan ./detect

// exactTimeout is the match timeout of the tests' default-catalog
// detectors. Tests compare the outputs of two runs byte for byte (a
// Writer and Redact, a view and its parent); a search that times out on a
// loaded machine masks its window and would make them differ, so these
// detectors get a bound no search reaches. The fail-closed tests build
// their own detectors with short timeouts.
const exactTimeout = time.Minute

var defaultDetector = sync.OnceValue(func() *Detector {
	d, err := New(patterns.Default(), WithMatchTimeout(exactTimeout))
	if err != nil {
		panic("default catalog does not compile: " + err.Error())
	}
	return d
})

// cleanLog is about 1 MB of generated log text without secrets, or the
// file named by LEAKWARD_BENCH_FILE.
var cleanLog = sync.OnceValue(func() []byte {
	if name := os.Getenv("LEAKWARD_BENCH_FILE"); name != "" {
		b, err := os.ReadFile(name)
		if err != nil {
			panic(err)
		}
		return b
	}
	return testlog.Generate(1<<20, 1, 0, nil)
})

// secretLog has a secret from a catalog example every ~20 lines.
var secretLog = sync.OnceValue(func() []byte {
	var exs []string
	for _, p := range patterns.Default() {
		exs = append(exs, p.Examples...)
	}
	if len(exs) == 0 {
		exs = []string{"token=" + makeTok(rand.New(rand.NewPCG(1, 1)))}
	}
	return testlog.Generate(1<<20, 2, 20, func(r *rand.Rand) string {
		return string(bytes.ReplaceAll([]byte(exs[r.IntN(len(exs))]), []byte("\n"), []byte(`\n`)))
	})
})

// benchScan measures Scan of src with the default catalog.
func benchScan(b *testing.B, src []byte) {
	d := defaultDetector()
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	var dst []Finding
	for b.Loop() {
		dst = d.AppendScan(dst[:0], src)
	}
	b.ReportMetric(float64(len(dst)), "findings/op")
}

func BenchmarkScanClean(b *testing.B) { benchScan(b, cleanLog()) }

// colour wraps every word of src that starts with an upper-case letter
// (levels, methods, class names) in ANSI colour sequences, as a terminal
// logger does.
func colour(src []byte) []byte {
	var out bytes.Buffer
	for i, w := range bytes.SplitAfter(src, []byte(" ")) {
		if len(w) > 0 && w[0] >= 'A' && w[0] <= 'Z' {
			out.WriteString([]string{"\x1b[32m", "\x1b[1;33m", "\x1b[38;5;208m"}[i%3])
			out.Write(bytes.TrimRight(w, " "))
			out.WriteString("\x1b[0m")
			if bytes.HasSuffix(w, []byte(" ")) {
				out.WriteByte(' ')
			}
			continue
		}
		out.Write(w)
	}
	return out.Bytes()
}

// BenchmarkScanColouredSecrets scans secretLog with ANSI colours: keyword
// hits near an escape scan their line again without the sequences.
func BenchmarkScanColouredSecrets(b *testing.B) { benchScan(b, colour(secretLog())) }

// BenchmarkScanColouredClean is BenchmarkScanClean with ANSI colours.
func BenchmarkScanColouredClean(b *testing.B) { benchScan(b, colour(cleanLog())) }

func BenchmarkScanSecrets(b *testing.B) { benchScan(b, secretLog()) }

func BenchmarkScanShortLine(b *testing.B) {
	d := defaultDetector()
	src := []byte(`time=2026-11-28T10:00:00Z level=info msg="request completed" user=alice status=200 duration=12ms`)
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	var dst []Finding
	for b.Loop() {
		dst = d.AppendScan(dst[:0], src)
	}
}

func BenchmarkScanLinePerCall(b *testing.B) {
	d, src := defaultDetector(), cleanLog()
	lines := bytes.SplitAfter(src, []byte("\n"))
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	var dst []Finding
	for b.Loop() {
		for _, l := range lines {
			dst = d.AppendScan(dst[:0], l)
		}
	}
}

func BenchmarkScanCleanParallel(b *testing.B) {
	d, src := defaultDetector(), cleanLog()
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		var dst []Finding
		for pb.Next() {
			dst = d.AppendScan(dst[:0], src)
		}
	})
}

func BenchmarkRedactClean(b *testing.B) {
	d, src := defaultDetector(), cleanLog()
	dst := make([]byte, 0, len(src)+4096)
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		dst = d.Redact(dst[:0], src)
	}
}

func BenchmarkRedactSecrets(b *testing.B) {
	d, src := defaultDetector(), secretLog()
	dst := make([]byte, 0, len(src)+4096)
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		dst = d.Redact(dst[:0], src)
	}
}

// BenchmarkWriter4KiB measures a long-lived redacting Writer in steady
// state: each op writes the 1 MB log in 4 KiB writes.
func BenchmarkWriter4KiB(b *testing.B) {
	d, src := defaultDetector(), cleanLog()
	w := d.NewWriter(io.Discard)
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		for p := src; len(p) > 0; {
			n := min(4096, len(p))
			w.Write(p[:n])
			p = p[n:]
		}
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
}

// slogRecord logs one typical record without secrets.
func slogRecord(l *slog.Logger) {
	l.LogAttrs(context.Background(), slog.LevelInfo, "request completed",
		slog.String("method", "GET"), slog.String("path", "/api/v1/orders"),
		slog.Int("status", 200), slog.String("user", "alice"))
}

func BenchmarkSlogBare(b *testing.B) {
	l := slog.New(slog.NewJSONHandler(io.Discard, nil))
	b.ReportAllocs()
	for b.Loop() {
		slogRecord(l)
	}
}

func BenchmarkSlogRedacting(b *testing.B) {
	l := slog.New(defaultDetector().NewHandler(slog.NewJSONHandler(io.Discard, nil)))
	b.ReportAllocs()
	for b.Loop() {
		slogRecord(l)
	}
}
