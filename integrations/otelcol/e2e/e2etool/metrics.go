package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// freePort returns a loopback TCP port that was free a moment ago: the
// kernel picks it for a listener that is closed at once. Another process
// could take it before the collector binds it; the collector then fails
// to start, and the test says so.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// sample is one line of the Prometheus text format: a metric name, its
// labels and its value.
type sample struct {
	name   string
	labels map[string]string
	value  float64
}

// maxScrapeBytes bounds what scrape reads.
const maxScrapeBytes = 16 << 20

// scrape reads the Prometheus text exposition at url.
func scrape(url string) ([]sample, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "text/plain; version=0.0.4")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("scrape: status %s", resp.Status)
	}
	return parseExposition(io.LimitReader(resp.Body, maxScrapeBytes))
}

// parseExposition parses the sample lines of the Prometheus text format
// (comments and blank lines skipped; a timestamp after the value ignored).
func parseExposition(r io.Reader) ([]sample, error) {
	var out []sample
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || text[0] == '#' {
			continue
		}
		s := sample{labels: map[string]string{}}
		rest := text
		if i := strings.IndexAny(rest, "{ "); i >= 0 && rest[i] == '{' {
			s.name = rest[:i]
			rest = rest[i+1:]
			for {
				rest = strings.TrimLeft(rest, ", ")
				if strings.HasPrefix(rest, "}") {
					rest = rest[1:]
					break
				}
				eq := strings.Index(rest, `="`)
				if eq < 0 {
					return nil, fmt.Errorf("line %d: bad label", line)
				}
				key := rest[:eq]
				val, n, err := unquoteLabel(rest[eq+2:])
				if err != nil {
					return nil, fmt.Errorf("line %d: %w", line, err)
				}
				s.labels[key] = val
				rest = rest[eq+2+n:]
			}
		} else if i >= 0 {
			s.name, rest = rest[:i], rest[i:]
		} else {
			return nil, fmt.Errorf("line %d: no value", line)
		}
		fields := strings.Fields(rest)
		if len(fields) == 0 {
			return nil, fmt.Errorf("line %d: no value", line)
		}
		v, err := strconv.ParseFloat(fields[0], 64)
		if err != nil {
			return nil, fmt.Errorf("line %d: value: %w", line, err)
		}
		s.value = v
		out = append(out, s)
	}
	return out, sc.Err()
}

// unquoteLabel reads a label value up to its closing quote and returns it
// and the number of bytes read, quote included.
func unquoteLabel(s string) (string, int, error) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '"':
			return b.String(), i + 1, nil
		case '\\':
			if i+1 >= len(s) {
				return "", 0, errors.New("unterminated label value")
			}
			i++
			switch s[i] {
			case 'n':
				b.WriteByte('\n')
			default:
				b.WriteByte(s[i])
			}
		default:
			b.WriteByte(c)
		}
	}
	return "", 0, errors.New("unterminated label value")
}

// Names of the processor's metrics as the collector's Prometheus endpoint
// shows them: dots become underscores. With its default settings (v0.165)
// there is no unit or type suffix; an exporter configured to add them
// appends _bytes to the scanned bytes and _total to each counter, which
// baseName removes.
const (
	promScanned   = "leakward_processor_scanned"
	promFindings  = "leakward_processor_findings"
	promUndecided = "leakward_processor_undecided"
	promTimeouts  = "leakward_processor_timeouts"
)

// baseName returns a metric name without the suffixes an exporter may
// add.
func baseName(name string) string {
	name = strings.TrimSuffix(name, "_total")
	if name == promScanned+"_bytes" {
		return promScanned
	}
	return name
}

// maxProblems bounds the problems checkMetrics lists.
const maxProblems = 20

// checkMetrics checks the processor's metrics scraped from url against
// the input: the findings by pattern equal those of the input's scan, and
// at least the input's bytes were scanned.
func checkMetrics(url string, in *input, stdout io.Writer) error {
	samples, err := scrape(url)
	if err != nil {
		return err
	}
	found := map[string]float64{}
	var scanned, timeouts, undecided float64
	seen := map[string]bool{}
	for _, s := range samples {
		name := baseName(s.name)
		if strings.HasPrefix(name, "leakward_") && s.labels["processor"] != "leakward" {
			return fmt.Errorf("%s has processor label %q, want \"leakward\"", s.name, s.labels["processor"])
		}
		switch name {
		case promScanned:
			scanned += s.value
		case promFindings:
			found[s.labels["pattern"]] += s.value
		case promUndecided:
			undecided += s.value
		case promTimeouts:
			timeouts += s.value
		default:
			continue
		}
		seen[name] = true
	}
	var problems []string
	for _, name := range []string{promScanned, promFindings, promUndecided, promTimeouts} {
		if !seen[name] {
			problems = append(problems, "no metric "+name)
		}
	}
	ids := make([]string, 0, len(in.byPattern)+len(found))
	for id := range in.byPattern {
		ids = append(ids, id)
	}
	for id := range found {
		if _, ok := in.byPattern[id]; !ok {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	var total float64
	for _, id := range ids {
		total += found[id]
		if got, want := found[id], float64(in.byPattern[id]); got != want {
			problems = append(problems, fmt.Sprintf("%s{pattern=%q} is %v, want %v", promFindings, id, got, want))
		}
	}
	if found["github-pat-classic"] == 0 {
		problems = append(problems, fmt.Sprintf("%s{pattern=\"github-pat-classic\"} is 0", promFindings))
	}
	body := len(in.text) - strings.Count(string(in.text), "\n")
	if scanned < float64(body) {
		problems = append(problems, fmt.Sprintf("%s is %v, want at least the %d bytes of the records' bodies", promScanned, scanned, body))
	}
	if len(problems) > maxProblems {
		problems = append(problems[:maxProblems], fmt.Sprintf("… and %d more", len(problems)-maxProblems))
	}
	fmt.Fprintf(stdout, "metrics: %v bytes scanned, %v findings of %d patterns (github-pat-classic %v), %v undecided, %v timeouts\n",
		scanned, total, len(found), found["github-pat-classic"], undecided, timeouts)
	if len(problems) > 0 {
		return errors.New("FAIL:\n  " + strings.Join(problems, "\n  "))
	}
	return nil
}
