// Package vectors makes synthetic test vectors: example lines from the
// catalog with the secrets the detector finds in them, and freshly generated
// GitHub-format tokens with valid checksums. No vector is a real credential.
package vectors

import (
	"hash/crc32"
	"math/rand/v2"
	"strings"

	"github.com/leakward/leakward/detect"
	"github.com/leakward/leakward/patterns"
)

// Sample is an example text of the catalog with the secrets a default
// detector finds in it.
type Sample struct {
	// PatternID is the pattern the example belongs to.
	PatternID string
	// Text is the example text.
	Text string
	// Secrets are the secrets found in Text.
	Secrets []string
}

// Samples returns, for each pattern of the default catalog, the first of its
// examples in which a detector built by det finds that pattern, on a single
// line. Patterns with no such example are left out.
func Samples(det *detect.Detector) []Sample {
	var out []Sample
	for _, p := range patterns.Default() {
		for _, ex := range p.Examples {
			if strings.ContainsAny(ex, "\r\n") {
				continue
			}
			fs := det.Scan([]byte(ex))
			found := false
			var secrets []string
			for _, f := range fs {
				found = found || f.PatternID == p.ID
				secrets = append(secrets, string(f.Secret([]byte(ex))))
			}
			if found {
				out = append(out, Sample{PatternID: p.ID, Text: ex, Secrets: secrets})
				break
			}
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
