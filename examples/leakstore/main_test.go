package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// key returns synthetic key i (never a real credential).
func key(i int) string { return fmt.Sprintf("lwtest_%032x", i*7919+1) }

func keys(from, to int) string {
	var b strings.Builder
	for i := from; i < to; i++ {
		b.WriteString(key(i))
		b.WriteString("\n")
	}
	return b.String()
}

func hexDigests(from, to int) string {
	var b strings.Builder
	for i := from; i < to; i++ {
		d := sha256.Sum256([]byte(key(i)))
		b.WriteString(hex.EncodeToString(d[:]))
		b.WriteString("\r\n")
	}
	return b.String()
}

type result struct {
	code           int
	stdout, stderr string
}

func runCmd(stdin string, args ...string) result {
	var out, errb bytes.Buffer
	code := run(args, strings.NewReader(stdin), &out, &errb, false)
	return result{code, out.String(), errb.String()}
}

func TestBuildCheckInfo(t *testing.T) {
	dir := t.TempDir()
	store := filepath.Join(dir, "leaked.lwl")

	r := runCmd(keys(0, 1000), "build", "-o", store, "-p", "1e-4", "-source", "test feed")
	require.Equal(t, 0, r.code, "build from stdin: stderr %q", r.stderr)
	assert.Contains(t, r.stdout, "count 1000, capacity 1000", "build summary")
	assert.Contains(t, r.stdout, "k 14", "build summary")
	assert.Contains(t, r.stdout, "estimated false-positive rate", "build summary")

	r = runCmd(keys(998, 1003), "check", store)
	require.Equal(t, 1, r.code, "check with leaked keys: stderr %q", r.stderr)
	got := strings.Split(strings.TrimSpace(r.stdout), "\n")
	require.Len(t, got, 5, "check output lines")
	for i, line := range got {
		want := ": not leaked"
		if i < 2 {
			want = ": leaked"
		}
		assert.True(t, strings.HasSuffix(line, want), "check line %d = %q, want suffix %q", i, line, want)
		assert.Contains(t, line, `"lwte"…(39 bytes)`, "check line %d redacted preview", i)
	}
	for i := 998; i < 1003; i++ {
		// Not assert.NotContains: on failure it would print the key.
		assert.False(t, strings.Contains(r.stdout, key(i)[4:]), "check output must not contain key %d", i)
	}

	r = runCmd("", "info", store)
	require.Equal(t, 0, r.code, "info: stderr %q", r.stderr)
	for _, want := range []string{"checksum ok", "digest scheme:  sha256", "k:              14", "count:          1000", `source:         "test feed"`, "target FP rate: 0.0001"} {
		assert.Contains(t, r.stdout, want, "info output")
	}
}

func TestBuildDigestsFilesPepper(t *testing.T) {
	dir := t.TempDir()
	feed1 := filepath.Join(dir, "feed1.txt")
	feed2 := filepath.Join(dir, "feed2.txt")
	require.NoError(t, os.WriteFile(feed1, []byte(hexDigests(0, 300)), 0o600))
	require.NoError(t, os.WriteFile(feed2, []byte("\n"+hexDigests(300, 500)), 0o600))
	pepperFile := filepath.Join(dir, "pepper")
	require.NoError(t, os.WriteFile(pepperFile, []byte("synthetic-pepper-for-tests-only!\n"), 0o600))
	store := filepath.Join(dir, "s.lwl")

	r := runCmd("", "build", "-o", store, "-n", "600", "-digests", "-pepper-file", pepperFile, feed1, feed2)
	require.Equal(t, 0, r.code, "build from digest files: stderr %q", r.stderr)
	assert.Contains(t, r.stdout, "count 500, capacity 600", "build summary")

	// Keys whose digests were in the feed are found by plaintext.
	r = runCmd(keys(499, 501), "check", "-pepper-file", pepperFile, store)
	require.Equal(t, 1, r.code, "check with a leaked key: stderr %q", r.stderr)
	assert.Regexp(t, `^line 1 .*: leaked\nline 2 .*: not leaked\n$`, r.stdout, "check by key")

	r = runCmd(hexDigests(0, 1), "check", "-digests", "-pepper-file", pepperFile, store)
	assert.Regexp(t, `: leaked\n$`, r.stdout, "check by digest")

	r = runCmd(keys(0, 1), "check", store)
	assert.Equal(t, 2, r.code, "check without the pepper")
	assert.Contains(t, r.stderr, "pepper", "check without the pepper")

	r = runCmd("", "info", store)
	require.Equal(t, 0, r.code, "info needs no pepper: stderr %q", r.stderr)
	assert.Contains(t, r.stdout, "hmac-sha256", "info scheme")
}

func TestErrors(t *testing.T) {
	dir := t.TempDir()
	store := filepath.Join(dir, "s.lwl")
	tests := []struct {
		name     string
		stdin    string
		args     []string
		wantCode int
		wantErr  string
	}{
		{"no command", "", nil, 2, "usage"},
		{"unknown command", "", []string{"frob"}, 2, "usage"},
		{"build without -o", "", []string{"build"}, 2, "-o is required"},
		{"bad flag", "", []string{"build", "-zzz"}, 2, "flag provided but not defined"},
		{"full", keys(0, 11), []string{"build", "-o", store, "-n", "10"}, 1, "line 11: leakstore: store is full"},
		{"bad digest", "abc\n", []string{"build", "-o", store, "-digests"}, 1, "line 1: leakstore: invalid digest"},
		{"missing input", "", []string{"build", "-o", store, filepath.Join(dir, "nope")}, 1, "no such file"},
		{"check no store", "", []string{"check"}, 2, "want one store file"},
		{"check missing store", "", []string{"check", filepath.Join(dir, "nope")}, 2, "no such file"},
		{"check bad flag", "", []string{"check", "-zzz"}, 2, "flag provided but not defined"},
		{"info missing", "", []string{"info", filepath.Join(dir, "nope")}, 1, "no such file"},
	}
	for _, tt := range tests {
		r := runCmd(tt.stdin, tt.args...)
		assert.Equal(t, tt.wantCode, r.code, "%s: exit code (stderr %q)", tt.name, r.stderr)
		assert.Contains(t, r.stderr, tt.wantErr, "%s: stderr", tt.name)
		assert.False(t, strings.Contains(r.stderr, "lwtest_"), "%s: stderr must not echo a key", tt.name)
	}
	_, err := os.Stat(store)
	assert.True(t, os.IsNotExist(err), "failed builds leave no store file")

	// A corrupt store is refused by check and info.
	r := runCmd(keys(0, 10), "build", "-o", store)
	require.Equal(t, 0, r.code, r.stderr)
	b, err := os.ReadFile(store)
	require.NoError(t, err)
	b[len(b)/2] ^= 1
	require.NoError(t, os.WriteFile(store, b, 0o600))
	for _, tt := range []struct {
		cmd  string
		want int
	}{{"check", 2}, {"info", 1}} {
		r = runCmd("", tt.cmd, store)
		assert.Equal(t, tt.want, r.code, "%s of a corrupt store", tt.cmd)
		assert.Contains(t, r.stderr, "checksum mismatch", "%s of a corrupt store", tt.cmd)
	}
}

// TestCheckExitStatus: like grep, check exits 0 when no key is known
// leaked, 1 when at least one is, and 2 on an error, even after a leaked
// key was printed.
func TestCheckExitStatus(t *testing.T) {
	dir := t.TempDir()
	store := filepath.Join(dir, "s.lwl")
	r := runCmd(keys(0, 100), "build", "-o", store)
	require.Equal(t, 0, r.code, "build: stderr %q", r.stderr)
	long := strings.Repeat("x", 2<<20) + "\n" // longer than a line may be

	tests := []struct {
		name      string
		stdin     string
		args      []string
		want      int
		wantLines int // verdict lines on stdout
	}{
		{"none leaked", keys(100, 105), []string{"check", store}, 0, 5},
		{"no input", "", []string{"check", store}, 0, 0},
		{"one leaked", keys(99, 103), []string{"check", store}, 1, 4},
		{"all leaked", keys(0, 3), []string{"check", store}, 1, 3},
		{"leaked by digest", hexDigests(5, 6), []string{"check", "-digests", store}, 1, 1},
		{"not leaked by digest", hexDigests(200, 201), []string{"check", "-digests", store}, 0, 1},
		{"error after a leaked key", hexDigests(0, 1) + "zz\n", []string{"check", "-digests", store}, 2, 1},
		{"leaked, then a line too long", keys(0, 1) + long, []string{"check", store}, 2, 1},
		{"missing store", keys(0, 1), []string{"check", filepath.Join(dir, "nope")}, 2, 0},
		{"no store argument", keys(0, 1), []string{"check"}, 2, 0},
		{"bad flag", keys(0, 1), []string{"check", "-zzz", store}, 2, 0},
	}
	for _, tt := range tests {
		r := runCmd(tt.stdin, tt.args...)
		assert.Equal(t, tt.want, r.code, "%s: exit status (stderr %q)", tt.name, r.stderr)
		assert.Equal(t, tt.wantLines, strings.Count(r.stdout, "\n"), "%s: verdict lines", tt.name)
		assert.False(t, strings.Contains(r.stdout+r.stderr, "lwtest_"), "%s: output must not echo a key", tt.name)
	}
}

func TestHelpExitsZero(t *testing.T) {
	tests := []struct {
		args    []string
		wantErr string
	}{
		{[]string{"-h"}, "usage:\n  leakstore build"},
		{[]string{"-help"}, "usage:\n  leakstore build"},
		{[]string{"--help"}, "usage:\n  leakstore build"},
		{[]string{"help"}, "check exits 0 when no key is known leaked, 1 when at least one is, 2 on error"},
		{[]string{"build", "-h"}, "Usage of leakstore build"},
		{[]string{"check", "-help"}, "Usage of leakstore check"},
		{[]string{"info", "--help"}, "Usage of leakstore info"},
	}
	for _, tt := range tests {
		r := runCmd("", tt.args...)
		assert.Equal(t, 0, r.code, "%q: exit status (stderr %q)", tt.args, r.stderr)
		assert.Contains(t, r.stderr, tt.wantErr, "%q: usage on stderr", tt.args)
		assert.Empty(t, r.stdout, "%q: stdout", tt.args)
	}
}

func TestPreview(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", `""…(0 bytes)`},
		{"abc", `""…(3 bytes)`},
		{"abcdefgh", `"ab"…(8 bytes)`},
		{"abcdefghijklmnopq", `"abcd"…(17 bytes)`},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, preview([]byte(tt.in)), "preview of a %d-byte key", len(tt.in))
	}
}

func TestProgress(t *testing.T) {
	var out, errb bytes.Buffer
	store := filepath.Join(t.TempDir(), "s.lwl")
	code := run([]string{"build", "-o", store}, strings.NewReader(keys(0, 10)), &out, &errb, true)
	require.Equal(t, 0, code, errb.String())
	assert.Equal(t, "\rread 10 lines\n", errb.String(), "progress on a terminal")
}
