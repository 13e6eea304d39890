package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leakward/leakward/detect"
	"github.com/leakward/leakward/internal/cliexit"
	"github.com/leakward/leakward/patterns"
	"github.com/leakward/leakward/score"
	"github.com/leakward/leakward/score/leakstore"
)

// demoPatterns is a synthetic credential type, so that the tests do not
// depend on the catalog.
func demoPatterns() []patterns.Pattern {
	return []patterns.Pattern{{
		ID: "demo-pay-key", Provider: "Demo", Description: "demo payment key",
		Grants: patterns.PrivPayment, Severity: patterns.SeverityCritical, Confidence: patterns.ConfidenceDistinctive,
		Keywords:    []string{"dmo_live_", "dmo_test_"},
		Regex:       `(?<![A-Za-z0-9_])(?<secret>dmo_(?:live|test)_[A-Za-z0-9]{32})(?![A-Za-z0-9_])`,
		MaxLen:      64,
		MinEntropy:  3,
		TestMarkers: []string{"_test_"},
	}}
}

const base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

func randKey(r *rand.Rand, prefix string) string {
	b := []byte(prefix)
	for range 32 {
		b = append(b, base62[r.IntN(len(base62))])
	}
	return string(b)
}

// preview shows a key in failure messages without showing it.
func preview(k string) string {
	if len(k) < 12 {
		return "…"
	}
	return k[:4] + "…"
}

type fixture struct {
	srv                *httptest.Server
	logs               *syncBuffer
	live, test, leaked string
	allKeys            []string
}

// syncBuffer is a bytes.Buffer safe for the concurrent writes of a logger.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// newFixture writes a store file with the leaked key, loads it the way
// the command does and serves the handler.
func newFixture(t *testing.T, maxBody int64) *fixture {
	t.Helper()
	r := rand.New(rand.NewPCG(1, 2))
	f := &fixture{logs: &syncBuffer{}}
	f.live = randKey(r, "dmo_live_")
	f.test = randKey(r, "dmo_test_")
	f.leaked = randKey(r, "dmo_live_")
	f.allKeys = []string{f.live, f.test, f.leaked}

	st, err := leakstore.New(leakstore.Config{Capacity: 100, Source: "signup test"})
	require.NoError(t, err)
	require.NoError(t, st.Add([]byte(f.leaked)))
	path := filepath.Join(t.TempDir(), "leaked.lwl")
	require.NoError(t, st.WriteFile(path))

	c, err := buildChecker(demoPatterns(), config{storePath: path})
	require.NoError(t, err)
	f.serve(t, c, maxBody)
	return f
}

// serve serves the handler with checker c.
func (f *fixture) serve(t *testing.T, c *score.Checker, maxBody int64) {
	log := slog.New(slog.NewJSONHandler(f.logs, nil))
	f.srv = httptest.NewServer(newHandler(c, score.CheckOptions{RequireLive: true}, maxBody, log))
	t.Cleanup(f.srv.Close)
}

func (f *fixture) post(t testing.TB, contentType, body string) (int, map[string]any) {
	status, out, _ := f.postHeader(t, contentType, body)
	return status, out
}

func (f *fixture) postHeader(t testing.TB, contentType, body string) (int, map[string]any, http.Header) {
	req, err := http.NewRequest(http.MethodPost, f.srv.URL+"/keys", strings.NewReader(body))
	require.NoError(t, err)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := f.srv.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	assert.Equal(t, "application/json", resp.Header.Get("Content-Type"), "content type of the answer")
	var out map[string]any
	require.NoError(t, json.Unmarshal(b, &out), "answer is JSON")
	return resp.StatusCode, out, resp.Header
}

func keyBody(k string) string {
	b, _ := json.Marshal(map[string]string{"key": k})
	return string(b)
}

func TestSignup(t *testing.T) {
	f := newFixture(t, defaultMaxBody)
	tests := []struct {
		name       string
		ct         string
		body       string
		wantStatus int
		wantReject string
		wantError  string
	}{
		{"accepted", "application/json", keyBody(f.live), 201, "", ""},
		{"accepted without content type", "", keyBody(f.live), 201, "", ""},
		{"accepted with charset", "application/json; charset=utf-8", keyBody(" " + f.live + "\n"), 201, "", ""},
		{"test key rejected", "application/json", keyBody(f.test), 422, "check.test-mode", ""},
		{"known-leaked rejected", "application/json", keyBody(f.leaked), 422, "store.known-leaked", ""},
		{"placeholder rejected", "application/json", keyBody("<your-api-key>"), 422, "check.placeholder", ""},
		{"unrecognised", "application/json", keyBody("hunter2hunter2"), 422, "check.unrecognised", ""},
		{"text around the key", "application/json", keyBody("my key is " + f.live), 422, "check.malformed", ""},
		{"empty key", "application/json", `{"key":""}`, 422, "check.malformed", ""},
		{"syntax error", "application/json", `{"key": "` + f.live, 400, "", "malformed JSON: unexpected end of body"},
		{"bad character", "application/json", `{"key" ` + f.live + `}`, 400, "", "malformed JSON at byte offset 8"},
		{"empty body", "application/json", ``, 400, "", "malformed JSON: empty body"},
		{"key not a string", "application/json", `{"key": 12345}`, 400, "", `malformed request: "key" must be a string (byte offset 13)`},
		{"not an object", "application/json", `["` + f.live + `"]`, 400, "", "malformed request: the body must be a JSON object (byte offset 1)"},
		{"missing key", "application/json", `{}`, 400, "", `malformed request: missing field "key"`},
		{"unknown field named like a key", "application/json", `{"` + f.live + `": 1}`, 400, "", `malformed request: unknown field; the only field is "key"`},
		{"trailing data", "application/json", keyBody(f.live) + `{}`, 400, "", "malformed JSON: trailing data after the object"},
		{"wrong content type", "text/plain", keyBody(f.live), 415, "", "content type must be application/json"},
		{"too large", "application/json", `{"key":"` + strings.Repeat("a", defaultMaxBody) + `"}`, 413, "", "request body larger than 8192 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, out := f.post(t, tt.ct, tt.body)
			assert.Equal(t, tt.wantStatus, status, "status for %s", tt.name)
			if tt.wantError != "" {
				assert.Equal(t, tt.wantError, out["error"], "error for %s", tt.name)
				return
			}
			assert.Equal(t, tt.wantStatus == 201, out["accepted"], "accepted for %s", tt.name)
			if tt.wantReject != "" {
				assert.Equal(t, tt.wantReject, out["reject"], "reject for %s", tt.name)
			}
			reasons, _ := out["reasons"].([]any)
			assert.NotEmpty(t, reasons, "reasons for %s", tt.name)
		})
	}
	for _, k := range f.allKeys {
		assert.NotContains(t, f.logs.String(), k[9:], "logs hold key %s", preview(k))
	}
	assert.Contains(t, f.logs.String(), `"reject":"store.known-leaked"`, "logs hold the outcome")
}

func TestSignupMethod(t *testing.T) {
	f := newFixture(t, defaultMaxBody)
	resp, err := f.srv.Client().Get(f.srv.URL + "/keys")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)
	assert.Equal(t, "POST", resp.Header.Get("Allow"))
}

func TestSignupSmallBodyLimit(t *testing.T) {
	f := newFixture(t, 32)
	status, out := f.post(t, "application/json", keyBody(f.live))
	assert.Equal(t, http.StatusRequestEntityTooLarge, status)
	assert.Equal(t, "request body larger than 32 bytes", out["error"])
}

func TestSignupConcurrent(t *testing.T) {
	f := newFixture(t, defaultMaxBody)
	cases := []struct {
		body string
		want int
	}{
		{keyBody(f.live), 201}, {keyBody(f.test), 422}, {keyBody(f.leaked), 422}, {`{"key":`, 400},
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 20 {
				tc := cases[(g+i)%len(cases)]
				status, _ := f.post(t, "application/json", tc.body)
				if status != tc.want {
					t.Errorf("request %d of goroutine %d: status %d, want %d", i, g, status, tc.want)
					return
				}
			}
		}()
	}
	wg.Wait()
	for _, k := range f.allKeys {
		assert.NotContains(t, f.logs.String(), k[9:], "logs hold key %s", preview(k))
	}
}

// TestBuildChecker: a store file that is missing or corrupt is an error
// at startup, never an empty store.
func TestBuildChecker(t *testing.T) {
	dir := t.TempDir()
	// A store file with one byte of its bit array flipped.
	st, err := leakstore.New(leakstore.Config{Capacity: 100, Source: "signup test"})
	require.NoError(t, err)
	var file bytes.Buffer
	_, err = st.WriteTo(&file)
	require.NoError(t, err)
	b := file.Bytes()
	b[len(b)/2] ^= 1
	corrupt := filepath.Join(dir, "corrupt.lwl")
	require.NoError(t, os.WriteFile(corrupt, b, 0o600))
	r := rand.New(rand.NewPCG(3, 4))
	pasted := randKey(r, "dmo_live_") // a key typed in the wrong flag
	tests := []struct {
		name    string
		c       config
		wantErr string // "" for no error
		wantIs  error
	}{
		{"missing store file", config{storePath: filepath.Join(dir, "missing.lwl")}, "-store: leakstore: open", fs.ErrNotExist},
		{"corrupt store file", config{storePath: corrupt}, "-store: leakstore: corrupt file", leakstore.ErrCorrupt},
		{"missing pepper file", config{storePath: corrupt, pepperPath: filepath.Join(dir, "pepper")}, "open", fs.ErrNotExist},
		{"unknown id", config{noStore: true, types: []string{"no-such-type"}}, `-types: "no-such-type" is not a pattern that recognises a bare key`, nil},
		{"key in -types", config{noStore: true, types: []string{"demo-pay-key", pasted}}, "-types: entry 2 (41 bytes) is not a pattern that recognises a bare key", nil},
		{"upper case", config{noStore: true, types: []string{"Demo"}}, "-types: entry 1 (4 bytes) is not a pattern that recognises a bare key", nil},
		{"no store, by choice", config{noStore: true, types: []string{"demo-pay-key"}}, "", nil},
	}
	for _, tt := range tests {
		c, err := buildChecker(demoPatterns(), tt.c)
		if tt.wantErr == "" {
			require.NoError(t, err, tt.name)
			assert.NotNil(t, c, tt.name)
			continue
		}
		require.Error(t, err, tt.name)
		assert.Nil(t, c, tt.name)
		assert.Contains(t, err.Error(), tt.wantErr, tt.name)
		if tt.wantIs != nil {
			assert.ErrorIs(t, err, tt.wantIs, tt.name)
		}
		if strings.Contains(err.Error(), pasted[9:]) {
			t.Errorf("%s: the error echoes the key", tt.name)
		}
	}
}

func TestParseFlags(t *testing.T) {
	c, err := parseFlags([]string{"-no-store", "-types", "a, b,", "-allow-test", "-max-body", "1024"}, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, []string{"a", "b"}, c.types)
	assert.True(t, c.allowTest)
	assert.True(t, c.noStore)
	assert.Equal(t, int64(1024), c.maxBody)
	c, err = parseFlags([]string{"-store", "s.lwl", "-store-fail-open"}, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, "s.lwl", c.storePath)
	assert.True(t, c.failOpen)

	r := rand.New(rand.NewPCG(5, 6))
	pasted := randKey(r, "dmo_live_")
	for _, tt := range []struct {
		args    []string
		wantErr string
	}{
		{[]string{}, "-store is required; pass -no-store to run without the leak check"},
		{[]string{"-store", "s.lwl", "-no-store"}, "-store and -no-store exclude each other"},
		{[]string{"-no-store", "-pepper-file", "p"}, "-pepper-file needs -store"},
		{[]string{"-no-store", "-store-fail-open"}, "-store-fail-open needs -store"},
		{[]string{"-no-store", "-max-body", "1"}, "-max-body 1 is too small"},
		{[]string{"-no-store", pasted}, "unexpected arguments: 1 after the flags"},
	} {
		_, err := parseFlags(tt.args, io.Discard)
		assert.EqualError(t, err, tt.wantErr, "parseFlags of %d arguments", len(tt.args))
	}
}

// TestExitCodes runs the command up to the point where it would listen:
// every case here fails or stops before that.
func TestExitCodes(t *testing.T) {
	dir := t.TempDir()
	r := rand.New(rand.NewPCG(7, 8))
	pasted := randKey(r, "dmo_live_")
	tests := []struct {
		name    string
		args    []string
		want    int
		wantErr string // on stderr
	}{
		{"-h", []string{"-h"}, 0, "Usage of signup"},
		{"-help", []string{"-help"}, 0, "Usage of signup"},
		{"--help", []string{"--help"}, 0, "Usage of signup"},
		{"bad flag", []string{"-zzz"}, 2, "flag provided but not defined"},
		{"bad flag value", []string{"-no-store", "-max-body", "x"}, 2, "invalid value"},
		{"no store", nil, 2, "signup: -store is required"},
		{"pasted key", []string{"-no-store", pasted}, 2, "signup: unexpected arguments: 1 after the flags"},
		{"unknown type", []string{"-no-store", "-types", "no-such-type"}, 2, "signup: -types:"},
		{"missing store", []string{"-store", filepath.Join(dir, "missing.lwl")}, 1, "signup: -store: leakstore: open"},
	}
	for _, tt := range tests {
		var errOut bytes.Buffer
		log := slog.New(slog.NewTextHandler(&errOut, nil))
		got := cliexit.Code(run(tt.args, &errOut, log), &errOut, "signup", 1)
		assert.Equal(t, tt.want, got, "%s: exit status (stderr %q)", tt.name, errOut.String())
		assert.Contains(t, errOut.String(), tt.wantErr, "%s: stderr", tt.name)
		if strings.Contains(errOut.String(), pasted[9:]) {
			t.Errorf("%s: stderr echoes the key", tt.name)
		}
	}
}

// failingStore is a leak store whose backend is down.
type failingStore struct{}

var errBackend = errors.New("leak service: connection refused")

func (failingStore) ContainsKey(context.Context, []byte) (bool, error)      { return false, errBackend }
func (failingStore) ContainsDigest(context.Context, [32]byte) (bool, error) { return false, errBackend }

// TestSignupStoreUnavailable: a store that cannot answer rejects keys
// with store.unavailable (503, Retry-After) unless the service fails
// open; a service without a store says that it did not check for leaks.
func TestSignupStoreUnavailable(t *testing.T) {
	d, err := detect.New(score.KeyPatterns(demoPatterns()), detect.WithDecodeDepth(0))
	require.NoError(t, err)
	tests := []struct {
		name       string
		cfg        score.CheckerConfig
		key        func(*fixture) string
		wantStatus int
		wantReject string
		wantStore  bool // "checks" has "leak-store"
		wantReason bool // "reasons" lists store.unavailable
		wantLog    string
	}{
		{"store down", score.CheckerConfig{Store: failingStore{}}, func(f *fixture) string { return f.leaked },
			503, "store.unavailable", false, true, `"store_error":"score: leak store unavailable: leak service: connection refused"`},
		{"store down, test key", score.CheckerConfig{Store: failingStore{}}, func(f *fixture) string { return f.test },
			422, "check.test-mode", false, true, `"reject":"check.test-mode"`},
		{"no store loaded yet", score.CheckerConfig{Store: new(leakstore.Reloader)}, func(f *fixture) string { return f.live },
			503, "store.unavailable", false, true, `"store_error":"score: leak store unavailable: leakstore: no store loaded"`},
		{"store required, none", score.CheckerConfig{RequireStore: true}, func(f *fixture) string { return f.live },
			503, "store.unavailable", false, true, `"store_error":"score: leak store unavailable: no store configured"`},
		{"store down, fail open", score.CheckerConfig{Store: failingStore{}, StoreFailOpen: true}, func(f *fixture) string { return f.live },
			201, "", false, true, `"level":"WARN"`},
		{"no store, by choice", score.CheckerConfig{}, func(f *fixture) string { return f.leaked },
			201, "", false, false, `"checks":"format|placeholder|test-key|expiry"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(1, 2))
			f := &fixture{logs: &syncBuffer{}, live: randKey(r, "dmo_live_"), test: randKey(r, "dmo_test_"), leaked: randKey(r, "dmo_live_")}
			c, err := score.NewChecker(d, tt.cfg)
			require.NoError(t, err)
			f.serve(t, c, defaultMaxBody)
			key := tt.key(f)
			status, out, h := f.postHeader(t, "application/json", keyBody(key))
			assert.Equal(t, tt.wantStatus, status, "status")
			assert.Equal(t, tt.wantStatus == 201, out["accepted"], "accepted")
			if tt.wantReject != "" {
				assert.Equal(t, tt.wantReject, out["reject"], "reject")
			}
			if tt.wantStatus == 503 {
				assert.Equal(t, "30", h.Get("Retry-After"), "Retry-After")
			} else {
				assert.Empty(t, h.Get("Retry-After"), "Retry-After")
			}
			checks, _ := out["checks"].([]any)
			assert.Contains(t, checks, "format", "checks")
			if tt.wantStore {
				assert.Contains(t, checks, "leak-store", "checks")
			} else {
				assert.NotContains(t, checks, "leak-store", "checks")
			}
			var codes []any
			reasons, _ := out["reasons"].([]any)
			for _, x := range reasons {
				codes = append(codes, x.(map[string]any)["code"])
			}
			if tt.wantReason {
				assert.Contains(t, codes, "store.unavailable", "reasons")
			} else {
				assert.NotContains(t, codes, "store.unavailable", "reasons")
			}
			_, hasErr := out["store_error"]
			assert.False(t, hasErr, "the store's error is logged, not sent to the client")
			logs := f.logs.String()
			assert.Contains(t, logs, tt.wantLog, "logs")
			if strings.Contains(logs, key[9:]) {
				t.Errorf("logs hold the key %s", preview(key))
			}
		})
	}
}

// TestSignupCatalog runs the command's own construction over the built-in
// catalog.
func TestSignupCatalog(t *testing.T) {
	c, err := buildChecker(patterns.Default(), config{noStore: true})
	require.NoError(t, err)
	srv := httptest.NewServer(newHandler(c, score.CheckOptions{RequireLive: true}, defaultMaxBody, slog.New(slog.DiscardHandler)))
	defer srv.Close()
	f := &fixture{srv: srv}
	for _, tt := range []struct {
		body       string
		wantReject string
	}{
		{keyBody("AKIAIOSFODNN7EXAMPLE"), "check.placeholder"},
		{keyBody("not a key at all"), "check.unrecognised"},
	} {
		status, out := f.post(t, "application/json", tt.body)
		assert.Equal(t, http.StatusUnprocessableEntity, status, "status for %s", tt.body)
		assert.Equal(t, tt.wantReject, out["reject"], "reject for %s", tt.body)
	}
}
