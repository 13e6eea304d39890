// Command monitor replays key-usage events through a score/monitor.Monitor
// and prints the alerts with their reasons and a summary per scenario.
//
//	monitor [events.jsonl]
//
// Without a file it replays an embedded sample. Each line is one JSON
// object: a call
//
//	{"time":"2026-03-10T09:00:00Z","key":"<32 hex digits>","addr":"192.0.2.1",
//	 "agent":"curl/8.4.0","op":"GET /v1/models","units":1,"scenario":"drip"}
//
// or a leak notice {"time":…,"key":…,"leaked":true}. "key" is the KeyID of
// the key (monitor.Fingerprint), never the key itself; "scenario" is an
// optional label, counted in the summary ("" or "benign" for normal use).
//
// The exit status is 0 on success and for -h, 1 when the file cannot be
// read or a line is malformed, and 2 for a command-line error.
package main

import (
	"bufio"
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/netip"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/leakward/leakward/score/monitor"
)

//go:embed sample.jsonl
var sample []byte

type line struct {
	Time     time.Time     `json:"time"`
	Key      monitor.KeyID `json:"key"`
	Addr     string        `json:"addr"`
	Agent    string        `json:"agent"`
	Op       string        `json:"op"`
	Units    float64       `json:"units"`
	Leaked   bool          `json:"leaked"`
	Scenario string        `json:"scenario"`
}

type tally struct{ events, alerts, firstAlertAt int }

func main() {
	os.Exit(cli(os.Args[1:], os.Stdout, os.Stderr))
}

// cli runs the command line and returns the exit status: 0 for success
// and for -h (usage on stderr, as the flag package writes it), 1 for an
// error reading or replaying the events, 2 for a command-line error.
func cli(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("monitor", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: monitor [events.jsonl]")
		fmt.Fprintln(stderr, "Without a file, replays an embedded sample.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2 // reported by the flag package
	}
	if fs.NArg() > 1 {
		fmt.Fprintf(stderr, "monitor: want at most one file, got %d arguments\n", fs.NArg())
		fs.Usage()
		return 2
	}
	in := io.Reader(bytes.NewReader(sample))
	if fs.NArg() == 1 {
		f, err := os.Open(fs.Arg(0))
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		defer f.Close()
		in = f
	}
	if err := run(in, stdout); err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	return 0
}

func run(in io.Reader, out io.Writer) error {
	m, err := monitor.New(&monitor.Config{MaxKeys: 1 << 12, MaxNetworks: 1 << 12})
	if err != nil {
		return err
	}
	sum := map[string]*tally{}
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for n := 1; sc.Scan(); n++ {
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		var l line
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			return fmt.Errorf("line %d: %s", n, describeJSONError(err))
		}
		if l.Leaked {
			m.MarkLeaked(l.Key, l.Time)
			continue
		}
		e := monitor.Event{Key: l.Key, Time: l.Time, Agent: l.Agent, Op: l.Op, Units: l.Units}
		if l.Addr != "" {
			if e.Addr, err = netip.ParseAddr(l.Addr); err != nil {
				// The parse error quotes the field, which could be anything.
				return fmt.Errorf("line %d: addr is not an IP address (%d bytes)", n, len(l.Addr))
			}
		}
		if l.Scenario == "" {
			l.Scenario = "benign"
		}
		t := sum[l.Scenario]
		if t == nil {
			t = &tally{}
			sum[l.Scenario] = t
		}
		t.events++
		r := m.Observe(e)
		if !m.Alert(&r) {
			continue
		}
		t.alerts++
		if t.firstAlertAt == 0 {
			t.firstAlertAt = t.events
		}
		fmt.Fprintf(out, "%s key=%s addr=%s score=%d %s [%s]\n", l.Time.UTC().Format(time.RFC3339),
			l.Key.Short(), e.Addr, r.Score, r.Level, l.Scenario)
		for _, x := range r.Reasons() {
			fmt.Fprintf(out, "    %-26s %+3d  %s\n", x.Code, x.Points, x.Text)
		}
	}
	if err := sc.Err(); err != nil {
		return err
	}
	names := make([]string, 0, len(sum))
	for k := range sum {
		names = append(names, k)
	}
	sort.Strings(names)
	fmt.Fprintf(out, "\n%-12s %7s %7s %s\n", "scenario", "events", "alerts", "first alert at event")
	for _, k := range names {
		t := sum[k]
		fmt.Fprintf(out, "%-12s %7d %7d %d\n", k, t.events, t.alerts, t.firstAlertAt)
	}
	return nil
}

// describeJSONError says what is wrong with an event line without quoting
// any of its values (a value could be a secret pasted in the wrong field).
func describeJSONError(err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Sprintf("invalid JSON at byte %d", syn.Offset)
	case errors.As(err, &typ):
		return fmt.Sprintf("field %q has the wrong type", typ.Field)
	case strings.HasPrefix(err.Error(), "monitor: "):
		return err.Error() // the monitor's key id errors quote no input
	default:
		return "a field has an invalid value (time must be RFC 3339)"
	}
}
