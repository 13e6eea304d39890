package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leakward/leakward/score/monitor"
)

var update = flag.Bool("update", false, "rewrite sample.jsonl")

// TestSample replays the embedded sample and checks that every attack
// scenario alerts and benign traffic does not.
func TestSample(t *testing.T) {
	if *update {
		require.NoError(t, os.WriteFile("sample.jsonl", makeSample(), 0o644))
	}
	var out bytes.Buffer
	require.NoError(t, run(bytes.NewReader(sample), &out))
	got := out.String()
	summary := got[strings.LastIndex(got, "\nscenario"):]
	for _, sc := range []string{"replay", "after-leak", "drip", "billing", "tester"} {
		m := regexp.MustCompile(`(?m)^` + sc + `\s+(\d+)\s+(\d+)`).FindStringSubmatch(summary)
		require.NotNil(t, m, "scenario %s in summary:\n%s", sc, summary)
		assert.NotEqual(t, "0", m[2], "alerts for scenario %s", sc)
	}
	m := regexp.MustCompile(`(?m)^benign\s+(\d+)\s+(\d+)`).FindStringSubmatch(summary)
	require.NotNil(t, m)
	assert.Equal(t, "0", m[2], "alerts on benign traffic:\n%s", summary)
}

func TestRunErrors(t *testing.T) {
	err := run(strings.NewReader("{\"time\":\"2026-03-01T00:00:00Z\",\"key\":\"zz\"}\n"), &bytes.Buffer{})
	assert.EqualError(t, err, "line 1: monitor: key id has 2 hex digits, want 32")
}

func TestExitCodes(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.jsonl")
	require.NoError(t, os.WriteFile(bad, []byte("{\"time\":\"2026-03-01T00:00:00Z\",\"key\":\"zz\"}\n"), 0o600))
	tests := []struct {
		name    string
		args    []string
		want    int
		wantOut string // on stdout
		wantErr string // on stderr
	}{
		{"-h", []string{"-h"}, 0, "", "usage: monitor [events.jsonl]"},
		{"-help", []string{"-help"}, 0, "", "usage: monitor"},
		{"--help", []string{"--help"}, 0, "", "usage: monitor"},
		{"sample", nil, 0, "scenario", ""},
		{"bad flag", []string{"-zzz"}, 2, "", "flag provided but not defined"},
		{"two files", []string{"a.jsonl", "b.jsonl"}, 2, "", "monitor: want at most one file, got 2 arguments"},
		{"missing file", []string{filepath.Join(dir, "nope.jsonl")}, 1, "", "no such file"},
		{"malformed line", []string{bad}, 1, "", "line 1: monitor: key id has 2 hex digits"},
	}
	for _, tt := range tests {
		var out, errOut bytes.Buffer
		got := cli(tt.args, &out, &errOut)
		assert.Equal(t, tt.want, got, "%s: exit status (stderr %q)", tt.name, errOut.String())
		assert.Contains(t, out.String(), tt.wantOut, "%s: stdout", tt.name)
		assert.Contains(t, errOut.String(), tt.wantErr, "%s: stderr", tt.name)
	}
}

type rec struct {
	Time     time.Time     `json:"time"`
	Key      monitor.KeyID `json:"key"`
	Addr     string        `json:"addr,omitempty"`
	Agent    string        `json:"agent,omitempty"`
	Op       string        `json:"op,omitempty"`
	Units    float64       `json:"units,omitempty"`
	Leaked   bool          `json:"leaked,omitempty"`
	Scenario string        `json:"scenario,omitempty"`
}

// makeSample builds the embedded sample: 12 days of four benign keys (a
// service, a phone app, CI bursts, a service that moves) and five victim
// keys with a service history, attacked on day 10. Regenerate with
// go test -run TestSample -update (then run the test again: the sample is
// embedded at build time).
func makeSample() []byte {
	r := rand.New(rand.NewPCG(1, 2))
	start := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	end := start.Add(12 * 24 * time.Hour)
	attack := start.Add(10*24*time.Hour + 9*time.Hour)
	key := func(name string) monitor.KeyID { return monitor.Fingerprint([]byte("sample-"+name), []byte("sample")) }
	host := func(prefix string) string { return fmt.Sprintf("%s.%d", prefix, 1+r.IntN(254)) }
	var recs []rec
	service := func(k monitor.KeyID, net, agent, op string, units float64, end time.Time) {
		for t := start.Add(time.Duration(r.IntN(7200)) * time.Second); t.Before(end); t = t.Add(4 * time.Hour) {
			recs = append(recs, rec{Time: t, Key: k, Addr: host(net), Agent: agent, Op: op, Units: units * (0.5 + r.Float64())})
		}
	}
	service(key("invoices"), "10.20.30", "billing-svc/2.1", "GET /v1/invoices", 2, end)
	for t := start; t.Before(end); t = t.Add(4 * time.Hour) { // phone on a carrier, new /24 each time
		recs = append(recs, rec{Time: t, Key: key("phone"), Addr: fmt.Sprintf("172.%d.%d.%d", 56+r.IntN(2), r.IntN(256), 1+r.IntN(254)),
			Agent: "app-ios/3.2", Op: "GET /v1/feed", Units: 1})
	}
	for d := start.Add(10 * time.Hour); d.Before(end); d = d.Add(24 * time.Hour) { // CI, one burst a day
		runner := fmt.Sprintf("34.120.%d", r.IntN(256))
		for i := 20 + r.IntN(20); i > 0; i-- {
			recs = append(recs, rec{Time: d.Add(time.Duration(r.IntN(180)) * time.Second), Key: key("ci"), Addr: host(runner),
				Agent: "ci-deploy/1.0", Op: "POST /v1/deploy", Units: 1})
		}
	}
	moved := start.Add(9 * 24 * time.Hour)
	for t := start; t.Before(end); t = t.Add(4 * time.Hour) { // moves to a new /24 on day 9
		net, agent := "10.21.30", "orders/1.4"
		if t.After(moved) {
			net, agent = "10.21.40", "orders/1.5"
		}
		recs = append(recs, rec{Time: t, Key: key("orders"), Addr: host(net), Agent: agent, Op: "GET /v1/orders", Units: 1})
	}

	for i, sc := range []string{"replay", "after-leak", "drip", "billing"} {
		v := key("victim-" + sc)
		stop := end
		if sc == "after-leak" {
			stop = attack // the owner rotates the key once told it leaked
		}
		service(v, fmt.Sprintf("10.%d.1", 50+i), "openai-python/1.12.0", "POST /v1/chat/completions", 300, stop)
		switch sc {
		case "replay":
			for b := 0; b < 40; b++ {
				recs = append(recs, rec{Time: attack.Add(time.Duration(r.IntN(3600)) * time.Second), Key: v,
					Addr:  fmt.Sprintf("%d.%d.%d.%d", 24+r.IntN(150), r.IntN(256), r.IntN(256), 1+r.IntN(254)),
					Agent: "python-requests/2.31.0", Op: "POST /v1/chat/completions", Units: 300, Scenario: sc})
			}
		case "after-leak":
			recs = append(recs, rec{Time: attack, Key: v, Leaked: true, Scenario: sc})
			recs = append(recs, rec{Time: attack.Add(time.Hour), Key: v, Addr: "198.51.100.7", Agent: "curl/8.4.0",
				Op: "POST /v1/chat/completions", Units: 300, Scenario: sc})
		case "drip":
			for t := attack; t.Before(attack.Add(24 * time.Hour)); t = t.Add(40 * time.Minute) {
				recs = append(recs, rec{Time: t, Key: v, Addr: host("203.0.113"), Agent: "curl/8.4.0",
					Op: "POST /v1/chat/completions", Units: 300, Scenario: sc})
			}
		case "billing":
			for n := 0; n < 60; n++ {
				recs = append(recs, rec{Time: attack.Add(time.Duration(r.IntN(300)) * time.Second), Key: v, Addr: host("192.0.2"),
					Agent: "openai-python/1.12.0", Op: "POST /v1/chat/completions", Units: 3000, Scenario: sc})
			}
		}
	}
	for i := 0; i < 30; i++ { // one source trying 30 keys from a dump
		recs = append(recs, rec{Time: attack.Add(time.Duration(20*i) * time.Second), Key: key(fmt.Sprintf("dump-%d", i)),
			Addr: "45.33.12.9", Agent: "Go-http-client/1.1", Op: "GET /v1/models", Scenario: "tester"})
	}
	sort.SliceStable(recs, func(i, j int) bool { return recs[i].Time.Before(recs[j].Time) })
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	for _, x := range recs {
		x.Units = float64(int(x.Units*100)) / 100
		if err := enc.Encode(x); err != nil {
			panic(err)
		}
	}
	return b.Bytes()
}
