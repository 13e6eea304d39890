package main

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/plog"
)

func TestInputIsDeterministic(t *testing.T) {
	a, err := makeInput(40)
	require.NoError(t, err)
	b, err := makeInput(40)
	require.NoError(t, err)
	assert.True(t, bytes.Equal(a.text, b.text), "two runs give the same input")
	assert.Equal(t, 40, bytes.Count(a.text, []byte("\n")), "lines")
	assert.Equal(t, 30, a.withSecret, "lines with a secret")
	assert.Len(t, a.leakedLines, 2, "lines with a known-leaked key")
	// Lines 5, 13, 21… hold a token of the custom pattern, 5 of 40, each
	// recorded as a secret to look for in the output.
	custom := 0
	for _, s := range a.secrets {
		if bytes.HasPrefix([]byte(s), []byte("acme_")) {
			custom++
		}
	}
	assert.Equal(t, 5, custom, "secrets of the custom pattern")
}

func TestSeqOf(t *testing.T) {
	tests := []struct {
		in   string
		want int
		ok   bool
	}{
		{"2025 seq=000042 INFO x", 42, true},
		{"no tag", 0, false},
		{"seq=12", 0, false},
		{"seq=00x123", 0, false},
	}
	for _, tt := range tests {
		got, ok := seqOf(tt.in)
		assert.Equal(t, tt.ok, ok, "seqOf(%q) ok", tt.in)
		assert.Equal(t, tt.want, got, "seqOf(%q)", tt.in)
	}
}

// TestCheckCatchesProblems feeds check the unredacted input as if it were
// the collector's output: it must fail, without printing a secret.
func TestCheckCatchesProblems(t *testing.T) {
	in, err := makeInput(8)
	require.NoError(t, err)
	ld := plog.NewLogs()
	lrs := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords()
	for _, line := range bytes.Split(bytes.TrimSuffix(in.text, []byte("\n")), []byte("\n"))[:7] {
		lrs.AppendEmpty().Body().SetStr(string(line))
	}
	var m plog.JSONMarshaler
	j, err := m.MarshalLogs(ld)
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "out.json")
	require.NoError(t, os.WriteFile(path, append(j, '\n'), 0o600))

	var out bytes.Buffer
	err = check(path, "", in, &out)
	require.Error(t, err)
	msg := err.Error()
	assert.Contains(t, msg, "output file holds secret")
	assert.Contains(t, msg, "7 records out, 8 lines in")
	for _, s := range in.secrets {
		assert.NotContains(t, msg, s, "check's error shows a secret")
	}
}

func TestParseExposition(t *testing.T) {
	text := `# HELP leakward_processor_findings_total Secrets masked.
# TYPE leakward_processor_findings_total counter
leakward_processor_findings_total{otelcol_component_id="leakward",pattern="github-pat-classic"} 12
leakward_processor_findings_total{pattern="a\"b\\c"} 1 1700000000000
leakward_processor_timeouts_total 0
`
	got, err := parseExposition(strings.NewReader(text))
	require.NoError(t, err)
	want := []sample{
		{"leakward_processor_findings_total", map[string]string{"otelcol_component_id": "leakward", "pattern": "github-pat-classic"}, 12},
		{"leakward_processor_findings_total", map[string]string{"pattern": `a"b\c`}, 1},
		{"leakward_processor_timeouts_total", map[string]string{}, 0},
	}
	assert.Equal(t, want, got, "samples")
	for _, bad := range []string{"x{a=\"1} 2", "x{a} 2", "x", "x{} y"} {
		_, err := parseExposition(strings.NewReader(bad))
		assert.Error(t, err, "parse %q", bad)
	}
}

// TestCheckMetrics serves metrics that match the input, then metrics that
// do not, and checks the verdicts.
func TestCheckMetrics(t *testing.T) {
	in, err := makeInput(8)
	require.NoError(t, err)
	var good strings.Builder
	fmt.Fprintf(&good, "%s_bytes_total{processor=\"leakward\"} %d\n%s{processor=\"leakward\"} 0\n", promScanned, len(in.text), promTimeouts)
	fmt.Fprintf(&good, "%s{processor=\"leakward\",reason=\"timeout\"} 0\n", promUndecided)
	for id, n := range in.byPattern {
		fmt.Fprintf(&good, "%s{pattern=%q,processor=\"leakward\"} %d\n", promFindings, id, n)
	}
	for _, tc := range []struct {
		name, body, wantErr string
	}{
		{"match", good.String(), ""},
		{"missing", promScanned + "{processor=\"leakward\"} 1\n", "no metric " + promFindings},
		{"unlabelled", promScanned + " 1\n", "processor label"},
		{"more", good.String() + promFindings + "{pattern=\"github-pat-classic\",processor=\"leakward\"} 1\n", `{pattern="github-pat-classic"} is`},
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, tc.body) }))
		var out bytes.Buffer
		err := checkMetrics(srv.URL, in, &out)
		srv.Close()
		if tc.wantErr == "" {
			assert.NoError(t, err, "%s: check", tc.name)
			continue
		}
		require.Error(t, err, "%s: check", tc.name)
		assert.Contains(t, err.Error(), tc.wantErr, "%s: error", tc.name)
	}
	p, err := freePort()
	require.NoError(t, err)
	assert.Positive(t, p, "free port")
}
