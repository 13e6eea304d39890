package main

import (
	"bytes"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	"github.com/dlclark/regexp2/v2"
	"github.com/rs/zerolog"
	gldetect "github.com/zricethezav/gitleaks/v8/detect"
	gllogging "github.com/zricethezav/gitleaks/v8/logging"

	"github.com/leakward/leakward/detect"
	"github.com/leakward/leakward/patterns"
)

// chunkBytes is the chunk size of the per-chunk mode: 64 KiB, a typical
// log shipper batch.
const chunkBytes = 64 << 10

// scanner is one way of scanning an input. newWorker returns a function
// that scans one input and returns its number of findings (or matches); each
// goroutine gets its own worker so per-worker buffers are not shared.
type scanner struct {
	name string
	// mode says how the input is fed: "line", "64 KiB chunk" or "buffer".
	mode string
	// singleOnly skips the many-goroutine figure (slow baselines).
	singleOnly bool
	newWorker  func() func(src []byte, lines, chunks []span) int
}

// leakwardScanner scans with d in the given mode.
func leakwardScanner(name string, d *detect.Detector, mode string) scanner {
	return scanner{name: name, mode: mode, newWorker: func() func([]byte, []span, []span) int {
		var dst []detect.Finding
		return func(src []byte, lines, chunks []span) int {
			n := 0
			switch mode {
			case "line":
				for _, l := range lines {
					dst = d.AppendScan(dst[:0], src[l.start:l.end])
					n += len(dst)
				}
			case "64 KiB chunk":
				for _, c := range chunks {
					dst = d.AppendScan(dst[:0], src[c.start:c.end])
					n += len(dst)
				}
			default:
				dst = d.AppendScan(dst[:0], src)
				n = len(dst)
			}
			return n
		}
	}}
}

// newGitleaks returns a gitleaks detector with its default configuration,
// as its library users create it, with its logger quieted.
func newGitleaks() (*gldetect.Detector, error) {
	gllogging.Logger = gllogging.Logger.Level(zerolog.ErrorLevel)
	return gldetect.NewDetectorDefaultConfig()
}

// gitleaksScanner scans with g per line or per chunk. gitleaks takes a
// string, so each piece is converted, as its DetectBytes does.
func gitleaksScanner(g *gldetect.Detector, mode string) scanner {
	return scanner{name: "gitleaks " + glVersion, mode: mode, newWorker: func() func([]byte, []span, []span) int {
		return func(src []byte, lines, chunks []span) int {
			pieces := lines
			if mode != "line" {
				pieces = chunks
			}
			n := 0
			for _, p := range pieces {
				n += len(g.DetectBytes(src[p.start:p.end]))
			}
			return n
		}
	}}
}

// catalogKeywords returns the distinct keywords of ps, split by case
// folding.
func catalogKeywords(ps []patterns.Pattern) (exact, folded []string) {
	seenE, seenF := map[string]bool{}, map[string]bool{}
	for _, p := range ps {
		for _, k := range p.Keywords {
			if p.KeywordsFoldCase {
				k = strings.ToLower(k)
				if !seenF[k] {
					seenF[k] = true
					folded = append(folded, k)
				}
			} else if !seenE[k] {
				seenE[k] = true
				exact = append(exact, k)
			}
		}
	}
	sort.Strings(exact)
	sort.Strings(folded)
	return exact, folded
}

// naiveAlternation is the hand-written baseline: one regex that is the
// alternation of every keyword of the catalog, followed by a token body.
// It finds candidates only; it validates nothing.
func naiveAlternation(ps []patterns.Pattern) string {
	exact, folded := catalogKeywords(ps)
	var alts []string
	for _, k := range exact {
		alts = append(alts, regexp.QuoteMeta(k))
	}
	for _, k := range folded {
		alts = append(alts, "(?i:"+regexp.QuoteMeta(k)+")")
	}
	return `(?:` + strings.Join(alts, "|") + `)[A-Za-z0-9_.+/=-]*`
}

// stdlibScanner runs the alternation with the standard library's regexp
// (RE2 semantics, linear time) per chunk.
func stdlibScanner(expr string) (scanner, error) {
	re, err := regexp.Compile(expr)
	if err != nil {
		return scanner{}, fmt.Errorf("benchmarks: stdlib alternation: %w", err)
	}
	return scanner{name: "stdlib regexp, keyword alternation", mode: "64 KiB chunk", singleOnly: true, newWorker: func() func([]byte, []span, []span) int {
		return func(src []byte, _, chunks []span) int {
			n := 0
			for _, c := range chunks {
				n += len(re.FindAllIndex(src[c.start:c.end], -1))
			}
			return n
		}
	}}, nil
}

// regexp2Scanner runs the alternation with regexp2 v2 per chunk.
func regexp2Scanner(expr string) (scanner, error) {
	re, err := regexp2.Compile(expr)
	if err != nil {
		return scanner{}, fmt.Errorf("benchmarks: regexp2 alternation: %w", err)
	}
	re.MatchTimeout = 10 * time.Second
	return scanner{name: "regexp2 v2, keyword alternation", mode: "64 KiB chunk", singleOnly: true, newWorker: func() func([]byte, []span, []span) int {
		return func(src []byte, _, chunks []span) int {
			n := 0
			for _, c := range chunks {
				m, _ := re.FindAllStringIndex(string(src[c.start:c.end]), -1)
				n += len(m)
			}
			return n
		}
	}}, nil
}

// sink keeps the raw loops' results alive.
var sink uint64

// rawScanners are the hardware limits: a pure-Go byte loop and the
// runtime's vectorised byte search.
func rawScanners() []scanner {
	return []scanner{
		{name: "raw: byte loop (sum of bytes)", mode: "buffer", newWorker: func() func([]byte, []span, []span) int {
			return func(src []byte, _, _ []span) int {
				var s uint64
				for _, c := range src {
					s += uint64(c)
				}
				atomic.AddUint64(&sink, s)
				return 0
			}
		}},
		{name: "raw: bytes.Count(src, '\\n')", mode: "buffer", newWorker: func() func([]byte, []span, []span) int {
			return func(src []byte, _, _ []span) int {
				atomic.AddUint64(&sink, uint64(bytes.Count(src, []byte{'\n'})))
				return 0
			}
		}},
	}
}
