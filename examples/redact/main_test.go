package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leakward/leakward/detect"
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
	// Every line is kept, except the line breaks inside a multi-line secret
	// (a PEM block), which its mask replaces.
	inside := 0
	for _, f := range found {
		inside += bytes.Count(f.Secret(sample), []byte("\n"))
	}
	assert.Equal(t, strings.Count(string(sample), "\n")-inside, strings.Count(out.String(), "\n"), "lines are kept")
	assert.Contains(t, errOut.String(), "findings")
	assert.Contains(t, errOut.String(), "github-pat-classic")
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
