package score_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leakward/leakward/detect"
	"github.com/leakward/leakward/score"
	"github.com/leakward/leakward/score/leakstore"
)

// fakeStore is a LeakStore that lists one key, or fails with err. Like a
// remote backend, it fails when ctx is done. On error it answers true, a
// bool that consumers must ignore.
type fakeStore struct {
	listed string
	err    error
}

func (f *fakeStore) ContainsKey(ctx context.Context, key []byte) (bool, error) {
	if err := ctx.Err(); err != nil {
		return true, fmt.Errorf("fake store: %w", err)
	}
	if f.err != nil {
		return true, f.err
	}
	return string(key) == f.listed, nil
}

func (f *fakeStore) ContainsDigest(ctx context.Context, _ [32]byte) (bool, error) {
	return f.ContainsKey(ctx, nil)
}

var errBackend = errors.New("fake store: backend down")

// TestCheckStore runs the leak-store paths of Check: a store that answers,
// none, a required one that is missing, one that fails (and so also a nil
// *leakstore.Store or an empty Reloader), with and without StoreFailOpen.
func TestCheckStore(t *testing.T) {
	k := makeKeys()
	d, err := detect.New(demoPatterns())
	require.NoError(t, err)
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	var nilStore *leakstore.Store
	const recognised = score.CheckedFormat | score.CheckedPlaceholder | score.CheckedExpiry
	tests := []struct {
		name       string
		cfg        score.CheckerConfig
		ctx        context.Context
		key        string
		wantAccept bool
		wantReject score.Code
		wantChecks score.Checks
		wantErr    error // StoreErr wraps it (and ErrStoreUnavailable); nil: StoreErr is nil
		wantCodes  []score.Code
	}{
		{"answers: not listed", score.CheckerConfig{Store: &fakeStore{listed: k.leaked}}, ctx, k.payLive,
			true, "", recognised | score.CheckedLeakStore, nil, nil},
		{"answers: listed", score.CheckerConfig{Store: &fakeStore{listed: k.leaked}}, ctx, k.leaked,
			false, score.CodeKnownLeaked, recognised | score.CheckedLeakStore, nil, nil},
		{"no store", score.CheckerConfig{}, ctx, k.leaked,
			true, "", recognised, nil, nil},
		{"required, none", score.CheckerConfig{RequireStore: true}, ctx, k.payLive,
			false, score.CodeStoreUnavailable, recognised, score.ErrStoreUnavailable, []score.Code{score.CodeStoreUnavailable}},
		{"required, none, fail open", score.CheckerConfig{RequireStore: true, StoreFailOpen: true}, ctx, k.payLive,
			true, "", recognised, score.ErrStoreUnavailable, []score.Code{score.CodeStoreUnavailable}},
		{"required, present", score.CheckerConfig{RequireStore: true, Store: &fakeStore{}}, ctx, k.payLive,
			true, "", recognised | score.CheckedLeakStore, nil, nil},
		{"error", score.CheckerConfig{Store: &fakeStore{err: errBackend}}, ctx, k.payLive,
			false, score.CodeStoreUnavailable, recognised, errBackend, []score.Code{score.CodeStoreUnavailable}},
		{"error, listed key not read as listed", score.CheckerConfig{Store: &fakeStore{listed: k.leaked, err: errBackend}}, ctx, k.leaked,
			false, score.CodeStoreUnavailable, recognised, errBackend, []score.Code{score.CodeStoreUnavailable}},
		{"error, fail open", score.CheckerConfig{Store: &fakeStore{err: errBackend}, StoreFailOpen: true}, ctx, k.payLive,
			true, "", recognised, errBackend, []score.Code{score.CodeStoreUnavailable}},
		{"cancelled context", score.CheckerConfig{Store: &fakeStore{}}, cancelled, k.payLive,
			false, score.CodeStoreUnavailable, recognised, context.Canceled, []score.Code{score.CodeStoreUnavailable}},
		{"nil *leakstore.Store", score.CheckerConfig{Store: nilStore}, ctx, k.payLive,
			false, score.CodeStoreUnavailable, recognised, leakstore.ErrNoStore, []score.Code{score.CodeStoreUnavailable}},
		{"empty Reloader", score.CheckerConfig{Store: new(leakstore.Reloader)}, ctx, k.payLive,
			false, score.CodeStoreUnavailable, recognised, leakstore.ErrNoStore, []score.Code{score.CodeStoreUnavailable}},
		{"leakstore.Store", score.CheckerConfig{Store: newStore(t, k.leaked), RequireStore: true}, ctx, k.leaked,
			false, score.CodeKnownLeaked, recognised | score.CheckedLeakStore, nil, nil},
		// A rejection about the key itself stays the main one.
		{"error, test key", score.CheckerConfig{Store: &fakeStore{err: errBackend}}, ctx, k.payTest,
			false, score.CodeTestMode, recognised | score.CheckedTestKey, errBackend, []score.Code{score.CodeTestMode, score.CodeStoreUnavailable}},
		{"error, unrecognised", score.CheckerConfig{Store: &fakeStore{err: errBackend}}, ctx, "opaque-value-123456789",
			false, score.CodeUnrecognised, score.CheckedFormat | score.CheckedPlaceholder, errBackend, []score.Code{score.CodeUnrecognised, score.CodeStoreUnavailable}},
		{"required, none, unrecognised", score.CheckerConfig{RequireStore: true}, ctx, "opaque-value-123456789",
			false, score.CodeUnrecognised, score.CheckedFormat | score.CheckedPlaceholder, score.ErrStoreUnavailable, []score.Code{score.CodeUnrecognised, score.CodeStoreUnavailable}},
		// A malformed value is not looked up, so the store is not asked.
		{"error, malformed", score.CheckerConfig{Store: &fakeStore{err: errBackend}}, ctx, k.payLive + " " + k.payLive,
			false, score.CodeMalformed, score.CheckedFormat | score.CheckedPlaceholder, nil, []score.Code{score.CodeMalformed}},
	}
	for _, tt := range tests {
		c, err := score.NewChecker(d, tt.cfg)
		require.NoError(t, err, tt.name)
		want := score.CheckOptions{Now: now}
		if tt.key == k.payTest {
			want.RequireLive = true
		}
		got := c.Check(tt.ctx, []byte(tt.key), want)
		assert.Equal(t, tt.wantAccept, got.Accepted, "%s: Accepted", tt.name)
		assert.Equal(t, tt.wantReject, got.Reject, "%s: Reject", tt.name)
		assert.Equal(t, tt.wantChecks, got.Checks, "%s: Checks", tt.name)
		if tt.wantErr == nil {
			assert.NoError(t, got.StoreErr, "%s: StoreErr", tt.name)
		} else {
			assert.ErrorIs(t, got.StoreErr, score.ErrStoreUnavailable, "%s: StoreErr", tt.name)
			assert.ErrorIs(t, got.StoreErr, tt.wantErr, "%s: StoreErr", tt.name)
		}
		// The rejection reasons (0 points) come first.
		var gotCodes []score.Code
		for _, r := range got.Result.Reasons() {
			if r.Points == 0 && (r.Code == score.CodeStoreUnavailable || r.Code[:6] == "check.") {
				gotCodes = append(gotCodes, r.Code)
			}
		}
		assert.Equal(t, tt.wantCodes, gotCodes, "%s: rejection and store reasons", tt.name)
		assert.Equal(t, got.Result.HasReason(score.CodeKnownLeaked), got.Reject == score.CodeKnownLeaked,
			"%s: known-leaked reason only when the store listed the key", tt.name)
	}
}

// TestCheckChecks: the checks each path runs.
func TestCheckChecks(t *testing.T) {
	k := makeKeys()
	c := newDemoChecker(t, newStore(t, k.leaked))
	const (
		format      = score.CheckedFormat
		placeholder = score.CheckedPlaceholder
		store       = score.CheckedLeakStore
		recognised  = format | placeholder | score.CheckedExpiry | store
	)
	all := score.CheckOptions{Types: []string{"demo-pay-key"}, RequireLive: true, Now: now}
	tests := []struct {
		name       string
		key        string
		want       score.CheckOptions
		wantChecks score.Checks
	}{
		{"empty", "", all, format},
		{"too long", "dmo_live_" + string(make([]byte, score.DefaultMaxKeyBytes)), all, format},
		{"text around", "key: " + k.payLive, all, format | placeholder},
		{"unrecognised", "hello world", all, format | placeholder | store},
		{"placeholder", "<your-api-key>", all, format | placeholder | store},
		{"checksum", k.crcBad, all, format | placeholder | store},
		{"recognised, no options", k.payLive, score.CheckOptions{Now: now}, recognised},
		{"recognised, types", k.payLive, score.CheckOptions{Types: []string{"demo-ai-key"}, Now: now}, recognised | score.CheckedType},
		{"recognised, live", k.payTest, score.CheckOptions{RequireLive: true, Now: now}, recognised | score.CheckedTestKey},
		{"recognised, all", k.leaked, all, recognised | score.CheckedType | score.CheckedTestKey},
	}
	for _, tt := range tests {
		got := c.Check(ctx, []byte(tt.key), tt.want)
		assert.Equal(t, tt.wantChecks.String(), got.Checks.String(), "Checks of the %s value", tt.name)
	}
}

func TestChecksString(t *testing.T) {
	tests := []struct {
		in   score.Checks
		want string
		json string
	}{
		{0, "none", `[]`},
		{score.CheckedFormat, "format", `["format"]`},
		{score.CheckedFormat | score.CheckedLeakStore, "format|leak-store", `["format","leak-store"]`},
		{score.CheckedFormat | score.CheckedPlaceholder | score.CheckedType | score.CheckedTestKey | score.CheckedExpiry | score.CheckedLeakStore,
			"format|placeholder|type|test-key|expiry|leak-store", `["format","placeholder","type","test-key","expiry","leak-store"]`},
		{score.CheckedExpiry | 0x80, "expiry|checks(0x80)", `["expiry"]`},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, tt.in.String(), "String of %#x", uint8(tt.in))
		b, err := tt.in.MarshalJSON()
		require.NoError(t, err)
		assert.JSONEq(t, tt.json, string(b), "JSON of %#x", uint8(tt.in))
	}
	assert.True(t, (score.CheckedFormat | score.CheckedLeakStore).Has(score.CheckedLeakStore))
	assert.False(t, score.CheckedFormat.Has(score.CheckedFormat|score.CheckedLeakStore))
}

// TestCheckStoreDecisionJSON: a Decision rejected for an unavailable
// store marshals its code and checks, and not the store's error.
func TestCheckStoreDecisionJSON(t *testing.T) {
	k := makeKeys()
	d, err := detect.New(demoPatterns())
	require.NoError(t, err)
	c, err := score.NewChecker(d, score.CheckerConfig{Store: &fakeStore{err: errBackend}})
	require.NoError(t, err)
	got := c.Check(ctx, []byte(k.payLive), score.CheckOptions{Now: now})
	b, err := got.MarshalJSON()
	require.NoError(t, err)
	assert.Contains(t, string(b), `"reject":"store.unavailable"`)
	assert.Contains(t, string(b), `"checks":["format","placeholder","expiry"]`)
	assert.NotContains(t, string(b), "backend down", "the store's error is for logs, not the client")
}

// TestCheckStoreAllocs: the store paths that do not fail add no
// allocation to the scan's; a required store that is missing neither.
func TestCheckStoreAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are not meaningful under -race")
	}
	k := makeKeys()
	d, err := detect.New(demoPatterns())
	require.NoError(t, err)
	key := []byte(k.payLive)
	buf := make([]detect.Finding, 0, 4)
	scan := testing.AllocsPerRun(200, func() { buf = d.AppendScan(buf[:0], key) })
	for _, tt := range []struct {
		name string
		cfg  score.CheckerConfig
	}{
		{"no store", score.CheckerConfig{}},
		{"required, none", score.CheckerConfig{RequireStore: true}},
		{"leakstore.Store", score.CheckerConfig{Store: newStore(t, k.leaked)}},
	} {
		c, err := score.NewChecker(d, tt.cfg)
		require.NoError(t, err)
		c.Check(ctx, key, score.CheckOptions{})
		got := testing.AllocsPerRun(200, func() { c.Check(ctx, key, score.CheckOptions{}) })
		assert.Equal(t, scan, got, "allocs per Check (got) vs per AppendScan (want), %s", tt.name)
	}
}

// TestScoreFindingStore: a store that fails does not read as "not
// listed": ScoreFinding returns the error and lists store.unavailable.
func TestScoreFindingStore(t *testing.T) {
	k := makeKeys()
	d, err := detect.New(demoPatterns())
	require.NoError(t, err)
	line := []byte("a=" + k.leaked)
	fs := d.Scan(line)
	require.Len(t, fs, 1, "findings in the test line")
	bare, err := score.Default().ScoreFinding(ctx, line, fs[0], score.ExposureLog, now)
	require.NoError(t, err, "ScoreFinding without a store")
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	var nilStore *leakstore.Store
	tests := []struct {
		name       string
		store      score.LeakStore
		ctx        context.Context
		wantErr    error
		wantLeaked bool
	}{
		{"answers", &fakeStore{listed: k.leaked}, ctx, nil, true},
		{"error", &fakeStore{listed: k.leaked, err: errBackend}, ctx, errBackend, false},
		{"cancelled context", &fakeStore{listed: k.leaked}, cancelled, context.Canceled, false},
		{"nil *leakstore.Store", nilStore, ctx, leakstore.ErrNoStore, false},
	}
	for _, tt := range tests {
		s, err := score.New(score.Config{Store: tt.store})
		require.NoError(t, err, tt.name)
		got, err := s.ScoreFinding(tt.ctx, line, fs[0], score.ExposureLog, now)
		assert.Equal(t, tt.wantLeaked, got.HasReason(score.CodeKnownLeaked), "%s: known-leaked", tt.name)
		if tt.wantErr == nil {
			assert.NoError(t, err, tt.name)
			assert.False(t, got.HasReason(score.CodeStoreUnavailable), "%s: store.unavailable", tt.name)
			continue
		}
		assert.ErrorIs(t, err, score.ErrStoreUnavailable, tt.name)
		assert.ErrorIs(t, err, tt.wantErr, tt.name)
		rs := got.Reasons()
		require.NotEmpty(t, rs, tt.name)
		assert.Equal(t, score.Reason{Code: score.CodeStoreUnavailable, Text: rs[len(rs)-1].Text}, rs[len(rs)-1],
			"%s: store.unavailable listed last with 0 points", tt.name)
		assert.Equal(t, bare.Score, got.Score, "%s: score without the store", tt.name)
		assert.Equal(t, bare.Level, got.Level, "%s: level without the store", tt.name)
	}
}
