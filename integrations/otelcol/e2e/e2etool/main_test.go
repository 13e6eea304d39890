package main

import (
	"bytes"
	"os"
	"path/filepath"
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
