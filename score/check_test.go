package score_test

import (
	"context"
	"encoding/json"
	"hash/crc32"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dlclark/regexp2/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leakward/leakward/detect"
	"github.com/leakward/leakward/patterns"
	"github.com/leakward/leakward/score"
	"github.com/leakward/leakward/score/leakstore"
)

// ctx is the context of the tests' checks and lookups.
var ctx = context.Background()

// The checker tests use synthetic patterns, so that they do not depend on
// the catalog; the benchmarks also run against the catalog.

const base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// randBody returns n random base62 bytes from a fixed-seed source.
func randBody(r *rand.Rand, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = base62[r.IntN(len(base62))]
	}
	return string(b)
}

// crcSuffix is the demo checksum: CRC-32 (IEEE) of the body, 6 base62
// digits, most significant first.
func crcSuffix(body []byte) [6]byte {
	v := crc32.ChecksumIEEE(body)
	var out [6]byte
	for i := 5; i >= 0; i-- {
		out[i] = base62[v%62]
		v /= 62
	}
	return out
}

func validateDemoCRC(secret []byte, m *patterns.Meta) bool {
	if len(secret) != 4+30+6 {
		return false
	}
	want := crcSuffix(secret[4:34])
	if string(secret[34:]) != string(want[:]) {
		return false
	}
	m.Structured = true
	return true
}

// validateDemoExp decodes the expiry of "dxp_" + 10 digits + "_" + 24.
func validateDemoExp(secret []byte, m *patterns.Meta) bool {
	if len(secret) != 4+10+1+24 {
		return false
	}
	var v int64
	for _, c := range secret[4:14] {
		if c < '0' || c > '9' {
			return false
		}
		v = v*10 + int64(c-'0')
	}
	m.ExpiresAt = v
	m.Structured = true
	return true
}

func demoPatterns() []patterns.Pattern {
	return []patterns.Pattern{
		{
			ID: "demo-pay-key", Provider: "Demo", Description: "demo payment key",
			Grants: patterns.PrivPayment, Severity: patterns.SeverityCritical, Confidence: patterns.ConfidenceDistinctive,
			Keywords:    []string{"dmo_live_", "dmo_test_"},
			Regex:       `(?<![A-Za-z0-9_])(?<secret>dmo_(?:live|test)_[A-Za-z0-9]{32})(?![A-Za-z0-9_])`,
			MaxLen:      64,
			MinEntropy:  3,
			TestMarkers: []string{"_test_"},
		},
		{
			ID: "demo-ai-key", Provider: "Demo", Description: "demo AI key",
			Grants: patterns.PrivBillingAbuse, Severity: patterns.SeverityCritical, Confidence: patterns.ConfidenceDistinctive,
			Keywords:   []string{"dai-api01-"},
			Regex:      `(?<![A-Za-z0-9_-])(?<secret>dai-api01-[A-Za-z0-9_-]{93}AA)(?![A-Za-z0-9_-])`,
			MaxLen:     128,
			MinEntropy: 3,
		},
		{
			ID: "demo-crc-token", Provider: "Demo", Description: "demo checksummed token",
			Grants: patterns.PrivSupplyChain, Severity: patterns.SeverityHigh, Confidence: patterns.ConfidenceDistinctive,
			Keywords: []string{"dct_"},
			Regex:    `(?<![A-Za-z0-9_])(?<secret>dct_[A-Za-z0-9]{36})(?![A-Za-z0-9_])`,
			MaxLen:   64,
			Validate: validateDemoCRC,
		},
		{
			ID: "demo-exp-token", Provider: "Demo", Description: "demo token with expiry",
			Grants: patterns.PrivSession, Severity: patterns.SeverityHigh, Confidence: patterns.ConfidenceDistinctive,
			Keywords: []string{"dxp_"},
			Regex:    `(?<![A-Za-z0-9_])(?<secret>dxp_[0-9]{10}_[A-Za-z0-9]{24})(?![A-Za-z0-9_])`,
			MaxLen:   64,
			Validate: validateDemoExp,
		},
	}
}

// keys holds synthetic keys for the demo patterns.
type keys struct {
	payLive, payTest, ai, crc, crcBad, expPast, expFuture, leaked string
}

var now = time.Unix(1_800_000_000, 0)

func makeKeys() keys {
	r := rand.New(rand.NewPCG(6, 6))
	var k keys
	k.payLive = "dmo_live_" + randBody(r, 32)
	k.payTest = "dmo_test_" + randBody(r, 32)
	k.ai = "dai-api01-" + randBody(r, 93) + "AA"
	body := randBody(r, 30)
	sum := crcSuffix([]byte(body))
	k.crc = "dct_" + body + string(sum[:])
	bad := []byte(k.crc)
	bad[10] = flip(bad[10])
	k.crcBad = string(bad)
	k.expPast = "dxp_" + strconv.FormatInt(now.Unix()-3600, 10) + "_" + randBody(r, 24)
	k.expFuture = "dxp_" + strconv.FormatInt(now.Unix()+3600, 10) + "_" + randBody(r, 24)
	k.leaked = "dmo_live_" + randBody(r, 32)
	return k
}

// flip changes one base62 character.
func flip(c byte) byte {
	if c == 'a' {
		return 'b'
	}
	return 'a'
}

// preview shows a key in failure messages without showing it.
func preview(k string) string {
	if len(k) < 12 {
		return "…(" + strconv.Itoa(len(k)) + ")"
	}
	return k[:4] + "…(" + strconv.Itoa(len(k)) + ")"
}

func newDemoChecker(t testing.TB, store score.LeakStore) *score.Checker {
	t.Helper()
	d, err := detect.New(demoPatterns())
	require.NoError(t, err)
	c, err := score.NewChecker(d, score.CheckerConfig{Store: store})
	require.NoError(t, err)
	return c
}

func newStore(t testing.TB, ks ...string) *leakstore.Store {
	t.Helper()
	s, err := leakstore.New(leakstore.Config{Capacity: 1000})
	require.NoError(t, err)
	for _, k := range ks {
		require.NoError(t, s.Add([]byte(k)))
	}
	return s
}

func reasonCodes(r score.Result) []score.Code {
	var out []score.Code
	for _, x := range r.Reasons() {
		out = append(out, x.Code)
	}
	return out
}

func TestCheck(t *testing.T) {
	k := makeKeys()
	c := newDemoChecker(t, newStore(t, k.leaked))
	live := score.CheckOptions{RequireLive: true, Now: now}
	tests := []struct {
		name       string
		key        string
		want       score.CheckOptions
		wantAccept bool
		wantReject score.Code
		wantID     string
		wantLevel  score.Level
		wantCodes  []score.Code
	}{
		{"live payment key", k.payLive, live, true, "", "demo-pay-key", score.LevelHigh,
			[]score.Code{"privilege.payment", "severity.critical", "confidence.distinctive", "exposure.user-input"}},
		{"surrounding white space trimmed", " \t" + k.payLive + "\r\n", live, true, "", "demo-pay-key", score.LevelHigh,
			[]score.Code{"privilege.payment", "severity.critical", "confidence.distinctive", "exposure.user-input"}},
		{"ai key of an expected type", k.ai, score.CheckOptions{Types: []string{"demo-ai-key", "demo-pay-key"}, Now: now}, true, "", "demo-ai-key", score.LevelHigh,
			[]score.Code{"privilege.billing-abuse", "severity.critical", "confidence.distinctive", "exposure.user-input"}},
		{"validated checksum", k.crc, live, true, "", "demo-crc-token", score.LevelHigh,
			[]score.Code{"privilege.supply-chain", "severity.high", "confidence.validated", "exposure.user-input"}},
		{"exposure given by the caller", k.crc, score.CheckOptions{Exposure: score.ExposurePublic, Now: now}, true, "", "demo-crc-token", score.LevelCritical,
			[]score.Code{"privilege.supply-chain", "severity.high", "confidence.validated", "exposure.public"}},
		{"test key allowed", k.payTest, score.CheckOptions{Now: now}, true, "", "demo-pay-key", score.LevelLow,
			[]score.Code{"privilege.test-mode", "severity.critical", "confidence.distinctive", "mode.test", "exposure.user-input"}},
		{"not yet expired", k.expFuture, live, true, "", "demo-exp-token", score.LevelHigh,
			[]score.Code{"privilege.session", "severity.high", "confidence.validated", "exposure.user-input"}},

		{"check.malformed empty", "", live, false, score.CodeMalformed, "", score.LevelNone,
			[]score.Code{score.CodeMalformed}},
		{"check.malformed blank", " \n\t ", live, false, score.CodeMalformed, "", score.LevelNone,
			[]score.Code{score.CodeMalformed}},
		{"check.malformed too long", "dmo_live_" + string(make([]byte, score.DefaultMaxKeyBytes)), live, false, score.CodeMalformed, "", score.LevelNone,
			[]score.Code{score.CodeMalformed}},
		{"check.malformed text before", "key: " + k.payLive, live, false, score.CodeMalformed, "", score.LevelNone,
			[]score.Code{score.CodeMalformed}},
		{"check.malformed text after", k.payLive + " thanks", live, false, score.CodeMalformed, "", score.LevelNone,
			[]score.Code{score.CodeMalformed}},
		{"check.malformed quoted", `"` + k.payLive + `"`, live, false, score.CodeMalformed, "", score.LevelNone,
			[]score.Code{score.CodeMalformed}},
		{"check.malformed two keys", k.payLive + " " + k.crc, live, false, score.CodeMalformed, "", score.LevelNone,
			[]score.Code{score.CodeMalformed}},
		{"check.unrecognised", "hello world, this is not a key", live, false, score.CodeUnrecognised, "", score.LevelNone,
			[]score.Code{score.CodeUnrecognised}},
		{"check.unrecognised wrong length", k.payLive[:30], live, false, score.CodeUnrecognised, "", score.LevelNone,
			[]score.Code{score.CodeUnrecognised}},
		{"check.unexpected-type", k.payLive, score.CheckOptions{Types: []string{"demo-ai-key"}, Now: now}, false, score.CodeUnexpectedType, "demo-pay-key", score.LevelHigh,
			[]score.Code{score.CodeUnexpectedType, "privilege.payment", "severity.critical", "confidence.distinctive", "exposure.user-input"}},
		{"check.checksum", k.crcBad, live, false, score.CodeChecksum, "demo-crc-token", score.LevelNone,
			[]score.Code{score.CodeChecksum}},
		{"check.placeholder word", "dmo_live_EXAMPLEEXAMPLEEXAMPLEEXAMPLEEX", live, false, score.CodePlaceholder, "", score.LevelNone,
			[]score.Code{score.CodePlaceholder}},
		{"check.placeholder template", "${OPENAI_API_KEY}", live, false, score.CodePlaceholder, "", score.LevelNone,
			[]score.Code{score.CodePlaceholder}},
		{"check.placeholder angle brackets", "<your-api-key>", live, false, score.CodePlaceholder, "", score.LevelNone,
			[]score.Code{score.CodePlaceholder}},
		{"check.placeholder mask", "dmo_live_****************************abcd", live, false, score.CodePlaceholder, "", score.LevelNone,
			[]score.Code{score.CodePlaceholder}},
		{"check.placeholder low entropy", "dmo_live_abababababababababababababababab", live, false, score.CodePlaceholder, "demo-pay-key", score.LevelNone,
			[]score.Code{score.CodePlaceholder}},
		{"check.placeholder run", "dmo_live_0000000000000000000000000000000Z", live, false, score.CodePlaceholder, "", score.LevelNone,
			[]score.Code{score.CodePlaceholder}},
		{"check.test-mode", k.payTest, live, false, score.CodeTestMode, "demo-pay-key", score.LevelLow,
			[]score.Code{score.CodeTestMode, "privilege.test-mode", "severity.critical", "confidence.distinctive", "mode.test", "exposure.user-input"}},
		{"check.expired", k.expPast, live, false, score.CodeExpiredKey, "demo-exp-token", score.LevelLow,
			[]score.Code{score.CodeExpiredKey, "privilege.session", "severity.high", "confidence.validated", "exposure.user-input", "fact.expired"}},
		{"store.known-leaked", k.leaked, live, false, score.CodeKnownLeaked, "demo-pay-key", score.LevelCritical,
			[]score.Code{"privilege.payment", "severity.critical", "confidence.distinctive", "exposure.user-input", score.CodeKnownLeaked}},
		{"store.known-leaked and unexpected type", k.leaked, score.CheckOptions{Types: []string{"demo-ai-key"}, Now: now}, false, score.CodeKnownLeaked, "demo-pay-key", score.LevelCritical,
			[]score.Code{score.CodeUnexpectedType, "privilege.payment", "severity.critical", "confidence.distinctive", "exposure.user-input", score.CodeKnownLeaked}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := c.Check(ctx, []byte(tt.key), tt.want)
			in := preview(tt.key)
			assert.Equal(t, tt.wantAccept, got.Accepted, "Accepted for %s", in)
			assert.Equal(t, tt.wantReject, got.Reject, "Reject for %s", in)
			assert.Equal(t, tt.wantID, got.PatternID, "PatternID for %s", in)
			assert.Equal(t, tt.wantLevel, got.Result.Level, "Level for %s (score %d)", in, got.Result.Score)
			assert.Equal(t, tt.wantCodes, reasonCodes(got.Result), "reason codes for %s", in)
			b, err := json.Marshal(got)
			require.NoError(t, err)
			if len(tt.key) >= 12 {
				assert.NotContains(t, string(b), tt.key[4:], "JSON of the decision for %s holds the key", in)
			}
		})
	}
}

func TestCheckKnownLeakedUnrecognised(t *testing.T) {
	// A store lists a value the detector does not recognise: still
	// rejected as unrecognised, and flagged critical.
	c := newDemoChecker(t, newStore(t, "opaque-value-123456789"))
	got := c.Check(ctx, []byte("opaque-value-123456789"), score.CheckOptions{})
	assert.Equal(t, score.CodeUnrecognised, got.Reject)
	assert.Equal(t, []score.Code{score.CodeUnrecognised, score.CodeKnownLeaked}, reasonCodes(got.Result))
	assert.Equal(t, score.LevelCritical, got.Result.Level)
}

func TestNewChecker(t *testing.T) {
	_, err := score.NewChecker(nil, score.CheckerConfig{})
	require.ErrorIs(t, err, score.ErrNilDetector)
	d, err := detect.New(demoPatterns())
	require.NoError(t, err)
	_, err = score.NewChecker(d, score.CheckerConfig{MaxKeyBytes: -1})
	require.EqualError(t, err, "score: MaxKeyBytes -1 is negative")
	c, err := score.NewChecker(d, score.CheckerConfig{MaxKeyBytes: 20})
	require.NoError(t, err)
	k := makeKeys()
	got := c.Check(ctx, []byte(k.payLive), score.CheckOptions{})
	assert.Equal(t, score.CodeMalformed, got.Reject, "key longer than MaxKeyBytes")
}

func TestCheckDecisionJSON(t *testing.T) {
	k := makeKeys()
	c := newDemoChecker(t, nil)
	got := c.Check(ctx, []byte(k.payTest), score.CheckOptions{RequireLive: true, Now: now})
	b, err := json.Marshal(got)
	require.NoError(t, err)
	assert.JSONEq(t, `{"accepted":false,"reject":"check.test-mode","pattern_id":"demo-pay-key",
		"checks":["format","placeholder","test-key","expiry"],"score":15,"level":"low","reasons":[
		{"code":"check.test-mode","points":0,"text":"a test or sandbox key where a live key is required"},
		{"code":"privilege.test-mode","points":0,"text":"sandbox access only"},
		{"code":"severity.critical","points":20,"text":"base severity critical"},
		{"code":"confidence.distinctive","points":10,"text":"distinctive prefix or fixed marker"},
		{"code":"mode.test","points":-15,"text":"test, sandbox or testnet value"},
		{"code":"exposure.user-input","points":0,"text":"submitted by its owner"}]}`, string(b))
}

func TestCheckAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are not meaningful under -race")
	}
	k := makeKeys()
	d, err := detect.New(demoPatterns())
	require.NoError(t, err)
	c, err := score.NewChecker(d, score.CheckerConfig{Store: newStore(t, k.leaked)})
	require.NoError(t, err)
	want := score.CheckOptions{Types: []string{"demo-ai-key"}, RequireLive: true}
	scanAllocs := 0.0
	for _, tt := range []struct{ name, key string }{
		{"accepted", k.ai},
		{"known-leaked", k.leaked},
		{"validated", k.crc},
	} {
		key := []byte(tt.key)
		c.Check(ctx, key, want) // warm the detector's pool
		got := testing.AllocsPerRun(200, func() { c.Check(ctx, key, want) })
		buf := make([]detect.Finding, 0, 4)
		scan := testing.AllocsPerRun(200, func() { buf = d.AppendScan(buf[:0], key) })
		// Check adds no allocation to the detector's scan of the key.
		assert.Equal(t, scan, got, "allocs per Check (got) vs per AppendScan (want) of a %s key", tt.name)
		scanAllocs = max(scanAllocs, scan)
	}
	// The scan of a key into a buffer with room allocates nothing, so
	// neither does Check.
	assert.Zero(t, scanAllocs, "allocs per AppendScan of a recognised key")
}

func TestCheckConcurrent(t *testing.T) {
	k := makeKeys()
	c := newDemoChecker(t, newStore(t, k.leaked))
	cases := []struct {
		key    string
		accept bool
	}{{k.payLive, true}, {k.ai, true}, {k.crc, true}, {k.crcBad, false}, {k.leaked, false}, {"nope", false}}
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				tc := cases[(g+i)%len(cases)]
				got := c.Check(ctx, []byte(tc.key), score.CheckOptions{Now: now})
				if got.Accepted != tc.accept {
					t.Errorf("Check(%s) accepted %v, want %v", preview(tc.key), got.Accepted, tc.accept)
					return
				}
			}
		}()
	}
	wg.Wait()
}

// catalogKey returns a checker over the built-in catalog plus the demo
// patterns, and a typical key: an Anthropic-shaped key when the catalog
// has that pattern, else the demo AI key.
func catalogChecker(b *testing.B, store score.LeakStore, keyOnly bool) (*score.Checker, []byte, string) {
	k := makeKeys()
	ps := append(patterns.Default(), demoPatterns()...)
	var opts []detect.Option
	if keyOnly {
		ps = score.KeyPatterns(ps)
		opts = append(opts, detect.WithDecodeDepth(0))
	}
	d, err := detect.New(ps, opts...)
	require.NoError(b, err)
	c, err := score.NewChecker(d, score.CheckerConfig{Store: store})
	require.NoError(b, err)
	key, id := []byte(k.ai), "demo-ai-key"
	if _, ok := patterns.ByID("anthropic-api-key"); ok {
		r := rand.New(rand.NewPCG(7, 7))
		cand := []byte("sk-ant-api03-" + randBody(r, 93) + "AA")
		if got := c.Check(ctx, cand, score.CheckOptions{}); got.Accepted && got.PatternID == "anthropic-api-key" {
			key, id = cand, "anthropic-api-key"
		}
	}
	return c, key, id
}

func BenchmarkCheck(b *testing.B) {
	k := makeKeys()
	var leaked []string
	r := rand.New(rand.NewPCG(8, 8))
	for i := 0; i < 900; i++ {
		leaked = append(leaked, "dmo_live_"+randBody(r, 32))
	}
	store := newStore(b, append(leaked, k.leaked)...)
	b.Run("demo/accepted", func(b *testing.B) {
		c := newDemoChecker(b, store)
		benchCheck(b, c, []byte(k.ai), true)
	})
	b.Run("demo/known-leaked", func(b *testing.B) {
		c := newDemoChecker(b, store)
		benchCheck(b, c, []byte(k.leaked), false)
	})
	b.Run("demo/checksum-failed", func(b *testing.B) {
		c := newDemoChecker(b, store)
		benchCheck(b, c, []byte(k.crcBad), false)
	})
	for _, keyOnly := range []bool{false, true} {
		name := "catalog"
		if keyOnly {
			name = "key-patterns"
		}
		b.Run(name+"/accepted", func(b *testing.B) {
			c, key, id := catalogChecker(b, store, keyOnly)
			b.Logf("typical key: %s, %d bytes", id, len(key))
			benchCheck(b, c, key, true)
		})
		b.Run(name+"/unrecognised", func(b *testing.B) {
			c, _, _ := catalogChecker(b, store, keyOnly)
			benchCheck(b, c, []byte("not-a-key-at-all-0123456789"), false)
		})
	}
}

func benchCheck(b *testing.B, c *score.Checker, key []byte, wantAccept bool) {
	want := score.CheckOptions{RequireLive: true}
	b.SetBytes(int64(len(key)))
	b.ReportAllocs()
	var d score.Decision
	for b.Loop() {
		d = c.Check(ctx, key, want)
	}
	if d.Accepted != wantAccept {
		b.Fatalf("Check(%s) accepted %v (%s), want %v", preview(string(key)), d.Accepted, d.Reject, wantAccept)
	}
}

func BenchmarkCheckParallel(b *testing.B) {
	k := makeKeys()
	c := newDemoChecker(b, newStore(b, k.leaked))
	key := []byte(k.ai)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if !c.Check(ctx, key, score.CheckOptions{}).Accepted {
				b.Error("rejected")
				return
			}
		}
	})
}

// BenchmarkScanKeyOnly measures the detector's share of a Check: one
// AppendScan of the same key into a reused slice.
func BenchmarkScanKeyOnly(b *testing.B) {
	k := makeKeys()
	d, err := detect.New(demoPatterns())
	require.NoError(b, err)
	key := []byte(k.ai)
	buf := make([]detect.Finding, 0, 4)
	b.SetBytes(int64(len(key)))
	b.ReportAllocs()
	for b.Loop() {
		buf = d.AppendScan(buf[:0], key)
	}
	if len(buf) != 1 {
		b.Fatalf("%d findings, want 1", len(buf))
	}
}

func BenchmarkEntropyKey(b *testing.B) {
	key := []byte(makeKeys().ai)
	b.ReportAllocs()
	var e float64
	for b.Loop() {
		e = patterns.Entropy(key)
	}
	if e < 3 {
		b.Fatal(e)
	}
}

func TestScoreFinding(t *testing.T) {
	k := makeKeys()
	d, err := detect.New(demoPatterns())
	require.NoError(t, err)
	s, err := score.New(score.Config{Store: newStore(t, k.leaked)})
	require.NoError(t, err)
	line := []byte("a=" + k.payLive + " b=" + k.leaked + " c=" + k.expPast + " d=" + k.payTest)
	fs := d.Scan(line)
	require.Len(t, fs, 4, "findings in the test line")
	tests := []struct {
		name      string
		now       time.Time
		wantScore int
		wantCodes []score.Code
	}{
		{"live", now, 85, []score.Code{"privilege.payment", "severity.critical", "confidence.distinctive", "exposure.log"}},
		{"leaked", now, 100, []score.Code{"privilege.payment", "severity.critical", "confidence.distinctive", "exposure.log", score.CodeKnownLeaked}},
		{"expired", now, 30, []score.Code{"privilege.session", "severity.high", "confidence.validated", "exposure.log", score.CodeExpired}},
		{"test", now, 25, []score.Code{"privilege.test-mode", "severity.critical", "confidence.distinctive", score.CodeTest, "exposure.log"}},
	}
	for i, tt := range tests {
		got, err := s.ScoreFinding(ctx, line, fs[i], score.ExposureLog, tt.now)
		require.NoError(t, err, "ScoreFinding of the %s finding %v", tt.name, fs[i])
		assert.Equal(t, tt.wantScore, got.Score, "score of the %s finding %v", tt.name, fs[i])
		assert.Equal(t, tt.wantCodes, reasonCodes(got), "reason codes of the %s finding %v", tt.name, fs[i])
	}
	// Without a time, expiry is not evaluated.
	got, err := s.ScoreFinding(ctx, line, fs[2], score.ExposureLog, time.Time{})
	require.NoError(t, err)
	assert.False(t, got.HasReason(score.CodeExpired), "expiry evaluated without a time")
	// A finding whose span is outside src is scored without the store.
	got, err = s.ScoreFinding(ctx, nil, fs[1], score.ExposureLog, now)
	require.NoError(t, err)
	assert.False(t, got.HasReason(score.CodeKnownLeaked), "store asked about a span outside src")
	if !raceEnabled {
		allocs := testing.AllocsPerRun(100, func() { got, err = s.ScoreFinding(ctx, line, fs[1], score.ExposureLog, now) })
		assert.Equal(t, 0.0, allocs, "allocs per ScoreFinding")
	}
}

// TestCheckCatalogExamples submits, alone, every secret the detector finds
// in the catalog's examples, when its pattern's regex recognises the
// secret without text around it: Check must accept it as the same type.
// Secrets recognised only with context (a keyword or key name around
// them) are not expected to pass Check.
func TestCheckCatalogExamples(t *testing.T) {
	ps := patterns.Default()
	d, err := detect.New(ps)
	require.NoError(t, err)
	c, err := score.NewChecker(d, score.CheckerConfig{})
	require.NoError(t, err)
	checked := 0
	for _, p := range ps {
		if p.NeedsContext {
			continue
		}
		for i, ex := range p.Examples {
			src := []byte(ex)
			for _, f := range d.Scan(src) {
				if f.PatternID != p.ID || f.Encoding != detect.EncodingNone {
					continue
				}
				secret := f.Secret(src)
				if !selfIdentifying(secret, &p) {
					continue
				}
				got := c.Check(ctx, secret, score.CheckOptions{Now: now})
				checked++
				if got.Reject == score.CodeExpiredKey {
					continue // an example token may carry a past expiry
				}
				assert.True(t, got.Accepted, "Check of %s example %d secret %s: rejected %s (pattern %q)",
					p.ID, i, detect.Preview(secret), got.Reject, got.PatternID)
				assert.Equal(t, p.ID, got.PatternID, "Check of %s example %d secret %s", p.ID, i, detect.Preview(secret))
			}
		}
	}
	t.Logf("checked %d catalog secrets", checked)
}

// selfIdentifying reports whether p's regex, run over secret alone, finds
// all of it as the secret: the value identifies itself without context.
func selfIdentifying(secret []byte, p *patterns.Pattern) bool {
	re, err := regexp2.Compile(p.Regex)
	if err != nil {
		return false
	}
	re.MatchTimeout = time.Second
	m, err := re.FindStringMatch(string(secret))
	for ; err == nil && m != nil; m, err = re.FindNextMatch(m) {
		g := m.GroupByName("secret")
		if g == nil || len(g.Captures) == 0 {
			g = &m.Group
		}
		if start, n := g.ByteRange(); start == 0 && n == len(secret) {
			return true
		}
	}
	return false
}

// TestCheckUndecidedFailsClosed: a key the detector cannot decide (its
// regex search times out) is rejected, not accepted as unrecognised.
func TestCheckUndecidedFailsClosed(t *testing.T) {
	slow := patterns.Pattern{
		ID: "slow-key", Provider: "Test", Grants: patterns.PrivScoped,
		Keywords: []string{"key-"}, Regex: `key-[A-Z0-9]{40}(a+)+b`, MaxLen: 4096,
	}
	d, err := detect.New([]patterns.Pattern{slow}, detect.WithMatchTimeout(time.Millisecond))
	require.NoError(t, err)
	c, err := score.NewChecker(d, score.CheckerConfig{})
	require.NoError(t, err)
	key := []byte("key-" + strings.Repeat("Q7", 20) + strings.Repeat("a", 3000))
	got := c.Check(context.Background(), key, score.CheckOptions{})
	assert.False(t, got.Accepted, "an undecided key is accepted")
	assert.Equal(t, score.CodeUndecided, got.Reject)
	assert.NotZero(t, d.Stats().Timeouts)
}
