// Command e2etool makes the input of the end-to-end collector test and
// checks its output.
//
//	e2etool gen -dir D -n N     writes D/input.log (N log lines, most with
//	                            synthetic secrets) and D/leaked.lwl (a
//	                            known-leaked store holding some of them)
//	e2etool count -dir D        prints how many log records D/out.json holds
//	e2etool check -dir D -n N [-also F]
//	                            exits 0 when D/out.json holds every record
//	                            of the input once and no secret, and F
//	                            (the collector's log) holds no secret
//	e2etool port                prints a free loopback TCP port
//	e2etool metrics -url U -n N exits 0 when the collector's Prometheus
//	                            endpoint U shows the processor's metrics,
//	                            with the input's findings by pattern
//
// The input is deterministic: check regenerates the secrets from the same
// seed instead of reading them from a file. Nothing this tool prints holds a
// secret; a surviving secret is shown as a preview (first 4 bytes, length).
package main

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/leakward/leakward/detect"
	"github.com/leakward/leakward/integrations/otelcol/internal/vectors"
	"github.com/leakward/leakward/patterns"
	"github.com/leakward/leakward/score/leakstore"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "e2etool:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return errors.New("usage: e2etool gen|count|check -dir D [-n N] | port | metrics -url U [-n N]")
	}
	fs := flag.NewFlagSet(args[0], flag.ContinueOnError)
	dir := fs.String("dir", "", "working directory")
	n := fs.Int("n", 2000, "number of input lines")
	also := fs.String("also", "", "check: another file that must hold no secret (the collector's log)")
	url := fs.String("url", "", "metrics: the collector's Prometheus endpoint")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	switch args[0] {
	case "port":
		p, err := freePort()
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, p)
		return nil
	case "metrics":
		if *url == "" || *n <= 0 {
			return errors.New("-url and a positive -n are required")
		}
		in, err := makeInput(*n)
		if err != nil {
			return err
		}
		return checkMetrics(*url, in, stdout)
	}
	if *dir == "" || *n <= 0 {
		return errors.New("-dir and a positive -n are required")
	}
	switch args[0] {
	case "gen":
		in, err := makeInput(*n)
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(*dir, "input.log"), in.text, 0o600); err != nil {
			return err
		}
		st, err := leakstore.New(leakstore.Config{Capacity: uint64(len(in.leaked)) + 1, Source: "e2e"})
		if err != nil {
			return err
		}
		for _, k := range in.leaked {
			if err := st.Add([]byte(k)); err != nil {
				return err
			}
		}
		if err := st.WriteFile(filepath.Join(*dir, "leaked.lwl")); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "gen: %d lines, %d with secrets (%d distinct secrets), %d lines with a known-leaked key\n",
			*n, in.withSecret, len(in.secrets), len(in.leakedLines))
		return nil
	case "count":
		recs, err := readOutput(filepath.Join(*dir, "out.json"), true)
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, len(recs))
		return nil
	case "check":
		in, err := makeInput(*n)
		if err != nil {
			return err
		}
		return check(filepath.Join(*dir, "out.json"), *also, in, stdout)
	}
	return fmt.Errorf("unknown command %q", args[0])
}

// input is the generated input and what check needs to know about it.
type input struct {
	text        []byte
	secrets     []string       // every secret in the input
	withSecret  int            // lines that hold at least one secret
	hasSecret   map[int]bool   // line number → holds a secret
	leaked      []string       // keys put in the known-leaked store
	leakedLines map[int]bool   // line number → holds a known-leaked key
	byPattern   map[string]int // findings in the input by pattern id
}

const seqTag = "seq="

// acmePattern is the custom pattern of collector-config.yaml.
var acmePattern = patterns.Pattern{
	ID:         "acme-internal-token",
	Confidence: patterns.ConfidenceDistinctive,
	Keywords:   []string{"acme_"},
	Regex:      `(?<![a-z0-9_])acme_[0-9a-f]{24}(?![0-9a-f])`,
	MaxLen:     29,
}

// acmeToken returns a random token of acmePattern's shape.
func acmeToken(r *rand.Rand) string {
	const hexDigits = "0123456789abcdef"
	b := []byte("acme_")
	for range 24 {
		b = append(b, hexDigits[r.IntN(16)])
	}
	return string(b)
}

// makeInput builds n lines. Line i carries "seq=<i>" so that check can tell
// a lost or duplicated record. Lines cycle through: a generated GitHub token
// in several contexts (every other one of the second kind replaced by a
// token of the configured custom pattern), a catalog example, and clean
// text.
func makeInput(n int) (*input, error) {
	// A long match timeout: on a loaded machine a timed-out search is a
	// miss, and the input's record of its secrets must be complete.
	det, err := detect.New(patterns.With(patterns.Default(), acmePattern), detect.WithMatchTimeout(30*time.Second))
	if err != nil {
		return nil, err
	}
	var samples []vectors.Sample
	for _, s := range vectors.Samples() {
		if s.SingleLine() {
			samples = append(samples, s)
		}
	}
	r := rand.New(rand.NewPCG(2024, 9))
	in := &input{hasSecret: map[int]bool{}, leakedLines: map[int]bool{}, byPattern: map[string]int{}}
	seen := map[string]bool{}
	var b bytes.Buffer
	for i := range n {
		var body string
		switch i % 4 {
		case 0:
			tok := vectors.GitHubToken(r)
			body = fmt.Sprintf("INFO git clone https://x-access-token:%s@example.invalid/org/repo.git", tok)
			if i%20 == 0 {
				in.leaked = append(in.leaked, tok)
				in.leakedLines[i] = true
			}
		case 1:
			if i%8 == 5 {
				body = "WARN billing client rejected " + acmeToken(r)
			} else {
				body = "WARN export GITHUB_TOKEN=" + vectors.GitHubToken(r) + " found in environment dump"
			}
		case 2:
			body = "DEBUG " + samples[(i/4)%len(samples)].Text
		case 3:
			body = fmt.Sprintf("INFO GET /api/v1/items/%d 200 %dms user=alice", r.IntN(100000), r.IntN(500))
		}
		line := fmt.Sprintf("2025-03-01T12:00:00Z %s%06d %s", seqTag, i, body)
		src := []byte(line)
		for _, f := range det.Scan(src) {
			in.hasSecret[i] = true
			in.byPattern[f.PatternID]++
			s := string(f.Secret(src))
			if !seen[s] {
				seen[s] = true
				in.secrets = append(in.secrets, s)
			}
		}
		if in.hasSecret[i] {
			in.withSecret++
		}
		b.WriteString(line)
		b.WriteByte('\n')
	}
	in.text = b.Bytes()
	return in, nil
}

// record is one exported log record: its body and attributes.
type record struct {
	body  string
	attrs pcommon.Map
}

// readOutput parses the file exporter's JSON lines. With partial, a line
// that does not parse (the exporter may be mid-write) ends the read.
func readOutput(path string, partial bool) ([]record, error) {
	f, err := os.Open(path)
	if err != nil {
		if partial && errors.Is(err, os.ErrNotExist) {
			return nil, nil
		}
		return nil, err
	}
	defer f.Close()
	var recs []record
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 256<<20)
	var u plog.JSONUnmarshaler
	for line := 1; sc.Scan(); line++ {
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		ld, err := u.UnmarshalLogs(sc.Bytes())
		if err != nil {
			if partial {
				break
			}
			return nil, fmt.Errorf("%s line %d: %w", path, line, err)
		}
		for i := 0; i < ld.ResourceLogs().Len(); i++ {
			sls := ld.ResourceLogs().At(i).ScopeLogs()
			for j := 0; j < sls.Len(); j++ {
				lrs := sls.At(j).LogRecords()
				for k := 0; k < lrs.Len(); k++ {
					recs = append(recs, record{body: lrs.At(k).Body().AsString(), attrs: lrs.At(k).Attributes()})
				}
			}
		}
	}
	return recs, sc.Err()
}

func check(path, also string, in *input, stdout io.Writer) error {
	raw, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var alsoRaw []byte
	if also != "" {
		if alsoRaw, err = os.ReadFile(also); err != nil {
			return err
		}
	}
	recs, err := readOutput(path, false)
	if err != nil {
		return err
	}
	var problems []string
	fail := func(format string, args ...any) {
		if len(problems) < 20 {
			problems = append(problems, fmt.Sprintf(format, args...))
		} else if len(problems) == 20 {
			problems = append(problems, "…")
		}
	}
	n := bytes.Count(in.text, []byte("\n"))
	if len(recs) != n {
		fail("%d records out, %d lines in", len(recs), n)
	}
	// No secret in the raw file, nor in any decoded string (JSON escaping
	// could hide one from the raw search).
	for _, s := range in.secrets {
		if bytes.Contains(raw, []byte(s)) {
			fail("output file holds secret %s", detect.Preview([]byte(s)))
		}
		if bytes.Contains(alsoRaw, []byte(s)) {
			fail("%s holds secret %s", also, detect.Preview([]byte(s)))
		}
	}
	count := make(map[int]int)
	redactedLines, markedLines := 0, 0
	for _, rec := range recs {
		for _, s := range in.secrets {
			if strings.Contains(rec.body, s) {
				fail("a record body holds secret %s", detect.Preview([]byte(s)))
			}
		}
		for k, v := range rec.attrs.All() {
			for _, s := range in.secrets {
				if strings.Contains(v.AsString(), s) {
					fail("attribute %s holds secret %s", k, detect.Preview([]byte(s)))
				}
			}
		}
		i, ok := seqOf(rec.body)
		if !ok {
			fail("a record has no %s tag", seqTag)
			continue
		}
		count[i]++
		total, hasTotal := rec.attrs.Get("leakward.redacted.total")
		_, marked := rec.attrs.Get("leakward.known_leaked")
		switch {
		case in.hasSecret[i] && (!hasTotal || total.Int() < 1):
			fail("record %d had a secret but has no summary", i)
		case !in.hasSecret[i] && hasTotal:
			fail("record %d had no secret but has a summary", i)
		case in.hasSecret[i]:
			redactedLines++
			if !strings.Contains(rec.body, "[REDACTED:") {
				fail("record %d has no mask in its body", i)
			}
		}
		if marked != in.leakedLines[i] {
			fail("record %d: known-leaked marker %v, want %v", i, marked, in.leakedLines[i])
		}
		if marked {
			markedLines++
		}
	}
	for i := range n {
		if count[i] != 1 {
			fail("record %d appears %d times", i, count[i])
		}
	}
	fmt.Fprintf(stdout, "check: %d records in, %d out, %d redacted, %d marked known-leaked, %d distinct secrets searched\n",
		n, len(recs), redactedLines, markedLines, len(in.secrets))
	if len(problems) > 0 {
		return errors.New("FAIL:\n  " + strings.Join(problems, "\n  "))
	}
	return nil
}

// seqOf returns the line number carried by a record body.
func seqOf(body string) (int, bool) {
	_, after, ok := strings.Cut(body, seqTag)
	if !ok || len(after) < 6 {
		return 0, false
	}
	i, err := strconv.Atoi(after[:6])
	return i, err == nil
}
