package main

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/dlclark/regexp2/v2"

	"github.com/leakward/leakward/internal/testlog"
	"github.com/leakward/leakward/patterns"
)

// label is one injected secret: its byte span in the labelled input and the
// catalog pattern it belongs to.
type label struct {
	start, end int
	id         string
}

// span is a byte range [start, end).
type span struct{ start, end int }

func overlaps(a, b span) bool { return a.start < b.end && b.start < a.end }

// labelled is generated log text with injected secrets whose positions are
// known.
type labelled struct {
	data []byte
	// labels are the injected secrets, in input order.
	labels []label
	// injected are the byte spans of the lines that carry a secret; findings
	// inside them that overlap no label are neither true nor false
	// positives (an example text may hold a second credential).
	injected []span
	// decoys counts the placeholder lines mixed into the background.
	decoys int
}

// sample is one catalog example prepared for injection: one line of text
// and the spans of its secrets within it.
type sample struct {
	id      string
	text    string
	secrets []span
}

// prepareSamples turns the catalog examples into single-line samples and
// locates each secret with the pattern's own regex, run on the example
// alone (not through the engine). Multi-line examples are written with
// escaped newlines, as a JSON log would carry them. Examples whose secret
// the regex cannot locate in that form are skipped and counted.
func prepareSamples(ps []patterns.Pattern) (out []sample, skipped []string) {
	for _, p := range ps {
		re, err := regexp2.Compile(p.Regex)
		if err != nil {
			skipped = append(skipped, p.ID+" (regex)")
			continue
		}
		re.MatchTimeout = time.Second
		group := re.GroupNumberFromName("secret")
		for i, ex := range p.Examples {
			text := strings.ReplaceAll(strings.ReplaceAll(ex, "\r\n", `\n`), "\n", `\n`)
			var secrets []span
			m, err := re.FindStringMatch(text)
			for err == nil && m != nil {
				g := m.GroupByNumber(0)
				if group > 0 {
					g = m.GroupByNumber(group)
				}
				if g != nil {
					if idx, n := g.ByteRange(); n > 0 {
						secrets = append(secrets, span{idx, idx + n})
					}
				}
				m, err = re.FindNextMatch(m)
			}
			if len(secrets) == 0 {
				skipped = append(skipped, fmt.Sprintf("%s example %d", p.ID, i))
				continue
			}
			out = append(out, sample{id: p.ID, text: text, secrets: secrets})
		}
	}
	return out, skipped
}

// decoyLines are placeholders and identifiers that look like credentials
// but are not: documentation values, template variables, masked values,
// hashes and integrity strings. Any finding on them is a false positive.
var decoyLines = []string{
	`aws_access_key_id=AKIAIOSFODNN7EXAMPLE region=us-east-1`,
	`aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY`,
	`env GITHUB_TOKEN=${GITHUB_TOKEN} NPM_TOKEN=${{ secrets.NPM_TOKEN }}`,
	`curl -H "Authorization: Bearer <token>" https://api.example.com/v1/me`,
	`config api_key=YOUR_API_KEY_HERE password=******** token=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx`,
	`"integrity": "sha512-v2kDEe57lecTulaDIuNTPy3Ry4gLGJ6Z1O3vE1krgXZNrsQ+LFTGHVxVjcXGOAh1A8KIhVb0gNmRGDgkOXkxkQ=="`,
	`image=registry.example.com/app@sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 pulled`,
	`session_id=3f2c9a1e-7b4d-4e8a-9c6f-1d2e3f4a5b6c request_id=01HGW2N8ZK3Q5R7T9V1X3Z5B7D`,
}

// secretWrappers put a sample in a log line; %s is the timestamp, the
// sample follows.
var secretWrappers = []string{
	"%s DEBUG [worker-7] loaded settings: ",
	`time=%s level=debug msg="env dump" `,
	"%s WARN [web-01] request body: ",
}

// genLabelled returns about size bytes of generated log lines in which
// every secretEvery-th line carries a catalog sample (taken round-robin)
// and every decoyEvery-th line is a decoy.
func genLabelled(size int, seed uint64, secretEvery, decoyEvery int, samples []sample) labelled {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	var b bytes.Buffer
	b.Grow(size + 4096)
	var out labelled
	next := 0
	for i := 0; b.Len() < size; i++ {
		switch {
		case len(samples) > 0 && secretEvery > 0 && i%secretEvery == secretEvery-1:
			s := samples[next%len(samples)]
			w := secretWrappers[next%len(secretWrappers)]
			next++
			lineStart := b.Len()
			fmt.Fprintf(&b, w, fmt.Sprintf("2026-11-28T%02d:%02d:%02d.%03dZ", i/3600%24, i/60%60, i%60, r.IntN(1000)))
			base := b.Len()
			b.WriteString(s.text)
			for _, sp := range s.secrets {
				out.labels = append(out.labels, label{start: base + sp.start, end: base + sp.end, id: s.id})
			}
			out.injected = append(out.injected, span{lineStart, b.Len()})
		case decoyEvery > 0 && i%decoyEvery == decoyEvery-1:
			b.WriteString(decoyLines[out.decoys%len(decoyLines)])
			out.decoys++
		default:
			b.WriteString(testlog.Line(r, i))
		}
		b.WriteByte('\n')
	}
	out.data = b.Bytes()
	return out
}

// lineSpans returns the spans of the lines of src (without the newline).
func lineSpans(src []byte) []span {
	var out []span
	for start := 0; start < len(src); {
		n := bytes.IndexByte(src[start:], '\n')
		end := len(src)
		if n >= 0 {
			end = start + n
		}
		out = append(out, span{start, end})
		start = end + 1
	}
	return out
}

// chunkSpans cuts src into pieces of about size bytes, each ending after a
// newline when one is found within the piece (as a log shipper batches).
func chunkSpans(src []byte, size int) []span {
	var out []span
	for start := 0; start < len(src); {
		end := min(start+size, len(src))
		if end < len(src) {
			if nl := bytes.LastIndexByte(src[start:end], '\n'); nl > 0 {
				end = start + nl + 1
			}
		}
		out = append(out, span{start, end})
		start = end
	}
	return out
}
