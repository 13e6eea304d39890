package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leakward/leakward/detect"
	"github.com/leakward/leakward/internal/cliexit"
	"github.com/leakward/leakward/patterns"
)

func TestSampleIsRedacted(t *testing.T) {
	d, err := detect.New(patterns.Default())
	require.NoError(t, err)
	found := d.Scan(sample)
	require.GreaterOrEqual(t, len(found), 20, "the sample should hold many kinds of secrets")

	var out, errOut bytes.Buffer
	require.NoError(t, run([]string{"-sample"}, nil, &out, &errOut))
	assert.Empty(t, d.Scan(out.Bytes()), "redacted output still holds secrets")
	for _, f := range found {
		assert.NotContains(t, out.String(), string(f.Secret(sample)), "secret of %v survived", f)
	}
	// Every line is kept, the line breaks inside a multi-line secret (a
	// PEM block) too, line for line.
	inside := 0
	for _, f := range found {
		inside += bytes.Count(f.Secret(sample), []byte("\n"))
	}
	require.Positive(t, inside, "the sample should hold a multi-line secret")
	assert.Equal(t, strings.Count(string(sample), "\n"), strings.Count(out.String(), "\n"), "lines are kept")
	assert.Contains(t, errOut.String(), "findings")
	assert.Contains(t, errOut.String(), "github-pat-classic")
}

// TestKeepLinesCountsLines counts the lines in and out of the embedded
// sample, with -keep-lines (the default) and without it; each secret's
// lines are masked line for line.
func TestKeepLinesCountsLines(t *testing.T) {
	d, err := detect.New(patterns.Default())
	require.NoError(t, err)
	in := bytes.Count(sample, []byte("\n"))
	inside := 0
	for _, f := range d.Scan(sample) {
		inside += bytes.Count(f.Secret(sample), []byte("\n"))
	}
	tests := []struct {
		args []string
		want int
	}{
		{[]string{"-q", "-sample"}, in},
		{[]string{"-q", "-sample", "-keep-lines=true"}, in},
		{[]string{"-q", "-sample", "-keep-lines=false"}, in - inside},
	}
	for _, tt := range tests {
		var out bytes.Buffer
		require.NoError(t, run(tt.args, nil, &out, &bytes.Buffer{}), "%v", tt.args)
		assert.Equal(t, tt.want, bytes.Count(out.Bytes(), []byte("\n")), "%v: lines out", tt.args)
		for i, line := range bytes.Split(out.Bytes(), []byte("\n")) {
			assert.Empty(t, d.Scan(line), "%v: line %d of the output still holds a secret", tt.args, i+1)
		}
	}
}

func TestFilesStdinAndMasks(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "a.log")
	require.NoError(t, os.WriteFile(name, sample, 0o600))

	var fromFile, fromStdin bytes.Buffer
	require.NoError(t, run([]string{"-q", name}, nil, &fromFile, &bytes.Buffer{}))
	require.NoError(t, run([]string{"-q"}, bytes.NewReader(sample), &fromStdin, &bytes.Buffer{}))
	assert.Equal(t, fromFile.String(), fromStdin.String())

	var prefix bytes.Buffer
	require.NoError(t, run([]string{"-q", "-mask", "prefix", name}, nil, &prefix, &bytes.Buffer{}))
	assert.Contains(t, prefix.String(), "…[REDACTED]")

	t.Setenv("LEAKWARD_HMAC_KEY", "0123456789abcdef0123456789abcdef")
	var fp bytes.Buffer
	require.NoError(t, run([]string{"-q", "-mask", "hmac", name}, nil, &fp, &bytes.Buffer{}))
	assert.Contains(t, fp.String(), ":hmac=")

	err := run([]string{"-mask", "bogus"}, nil, &bytes.Buffer{}, &bytes.Buffer{})
	assert.ErrorContains(t, err, `unknown -mask "bogus"`)
	err = run([]string{filepath.Join(dir, "missing.log")}, nil, &bytes.Buffer{}, &bytes.Buffer{})
	assert.Error(t, err)
}

func TestExitCodes(t *testing.T) {
	t.Setenv("LEAKWARD_HMAC_KEY", "")
	tests := []struct {
		name    string
		args    []string
		want    int
		wantErr string // on stderr
	}{
		{"-h", []string{"-h"}, 0, "Usage of redact"},
		{"-help", []string{"-help"}, 0, "Usage of redact"},
		{"--help", []string{"--help"}, 0, "Usage of redact"},
		{"success", []string{"-q", "-sample"}, 0, ""},
		{"bad flag", []string{"-zzz"}, 2, "flag provided but not defined"},
		{"bad mask", []string{"-mask", "bogus"}, 2, `redact: unknown -mask "bogus"`},
		{"hmac without key", []string{"-mask", "hmac"}, 2, "redact: -mask hmac needs the key"},
		{"missing file", []string{filepath.Join(t.TempDir(), "missing.log")}, 1, "redact: open"},
	}
	for _, tt := range tests {
		var out, errOut bytes.Buffer
		got := cliexit.Code(run(tt.args, bytes.NewReader(nil), &out, &errOut), &errOut, "redact", 1)
		assert.Equal(t, tt.want, got, "%s: exit status (stderr %q)", tt.name, errOut.String())
		assert.Contains(t, errOut.String(), tt.wantErr, "%s: stderr", tt.name)
		if tt.want == 0 && tt.wantErr != "" {
			assert.Empty(t, out.String(), "%s: usage goes to stderr, not the redacted output", tt.name)
		}
	}
}

func TestSummaryLabelsThroughput(t *testing.T) {
	var errOut bytes.Buffer
	require.NoError(t, run([]string{"-sample"}, nil, &bytes.Buffer{}, &errOut))
	first, _, _ := strings.Cut(errOut.String(), "\n")
	assert.Regexp(t, `^redact: 160 lines, 17680 bytes, \d+ findings, redaction \d+\.\d MB/s \(\S+, start-up excluded\)$`, first, "summary line")

	// -q: no summary at all.
	errOut.Reset()
	require.NoError(t, run([]string{"-q", "-sample"}, nil, &bytes.Buffer{}, &errOut))
	assert.Empty(t, errOut.String(), "-q summary")
}

func TestTimedWriterPassesBytesOn(t *testing.T) {
	var spent time.Duration
	var dst bytes.Buffer
	tw := timedWriter{&dst, &spent}
	n, err := tw.Write([]byte("abc"))
	require.NoError(t, err)
	assert.Equal(t, 3, n, "bytes written")
	assert.Equal(t, "abc", dst.String(), "bytes passed on")
	assert.GreaterOrEqual(t, spent, time.Duration(0), "time spent is never negative")
}
