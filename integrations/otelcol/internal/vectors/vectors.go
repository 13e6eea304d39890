// Package vectors makes synthetic test vectors: the examples of the catalog
// with the secret each holds, read from the example as written, and freshly
// generated GitHub-format tokens with valid checksums. No vector is a real
// credential.
package vectors

import (
	"hash/crc32"
	"math/rand/v2"
	"strings"

	"github.com/leakward/leakward/patterns"
)

// Sample is an example text of the catalog with the secret it holds.
type Sample struct {
	// PatternID is the pattern the example belongs to.
	PatternID string
	// Text is the example text.
	Text string
	// Start and End are the byte span of the secret in Text, which a
	// finding of the pattern must have.
	Start, End int
}

// Secret returns the secret the sample holds.
func (s Sample) Secret() string { return s.Text[s.Start:s.End] }

// SingleLine reports whether the sample's text is one line.
func (s Sample) SingleLine() bool { return !strings.ContainsAny(s.Text, "\r\n") }

// Samples returns every example of the default catalog, each with the span
// of its secret taken from the example itself (patterns.Pattern.ExampleSpan),
// not from a scan: a detector that misses one is wrong, not the vector.
// Examples whose declared secret is not in their text are left out; the
// patterns tests fail on them.
func Samples() []Sample {
	var out []Sample
	for _, p := range patterns.Default() {
		for i, ex := range p.Examples {
			s, e, ok := p.ExampleSpan(i)
			if !ok {
				continue
			}
			out = append(out, Sample{PatternID: p.ID, Text: ex, Start: s, End: e})
		}
	}
	return out
}

const base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// GitHubToken returns a random classic GitHub personal access token: "ghp_",
// 30 random base-62 characters, and the 6-character base-62 CRC-32 of them.
func GitHubToken(r *rand.Rand) string {
	var b strings.Builder
	b.WriteString("ghp_")
	body := make([]byte, 30)
	for i := range body {
		body[i] = base62[r.IntN(len(base62))]
	}
	b.Write(body)
	v := crc32.ChecksumIEEE(body)
	var sum [6]byte
	for i := 5; i >= 0; i-- {
		sum[i] = base62[v%62]
		v /= 62
	}
	b.Write(sum[:])
	return b.String()
}
