package detect

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"math/rand/v2"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leakward/leakward/patterns"
)

// The engine's tests use a small local catalog so that they do not depend
// on the built-in data.

const b62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// tokChecksum is a toy checksum: the last 6 chars are CRC-32 of the body in
// base 62, as GitHub tokens do.
func tokChecksum(body []byte) string {
	c := crc32.ChecksumIEEE(body)
	var out [6]byte
	for i := 5; i >= 0; i-- {
		out[i] = b62[c%62]
		c /= 62
	}
	return string(out[:])
}

func makeTok(r *rand.Rand) string {
	body := make([]byte, 30)
	for i := range body {
		body[i] = b62[r.IntN(62)]
	}
	return "tkn_" + string(body) + tokChecksum(body)
}

func testPatterns() []patterns.Pattern {
	return []patterns.Pattern{
		{
			ID: "test-token", Provider: "Test", Grants: patterns.PrivFullAccount,
			Severity: patterns.SeverityCritical, Confidence: patterns.ConfidenceDistinctive,
			Keywords: []string{"tkn_"},
			Regex:    `(?<![A-Za-z0-9_])tkn_[A-Za-z0-9]{36}(?![A-Za-z0-9_])`,
			MaxLen:   40,
			Validate: func(s []byte, m *patterns.Meta) bool {
				if len(s) != 40 {
					return false
				}
				m.Structured = tokChecksum(s[4:34]) == string(s[34:])
				return m.Structured
			},
		},
		{
			ID: "test-secret", Provider: "Test", Grants: patterns.PrivCloudRoot,
			Severity: patterns.SeverityHigh, Confidence: patterns.ConfidenceContextual,
			Keywords: []string{"test_secret"}, KeywordsFoldCase: true, NeedsContext: true,
			Regex:      `(?i)test_secret\s*[=:]\s*["']?(?<secret>[A-Za-z0-9/+]{32})(?![A-Za-z0-9/+])`,
			MaxLen:     80,
			MinEntropy: 3.5,
			LinkWith:   []string{"test-token"},
		},
		{
			ID: "test-generic", Provider: "Test", Grants: patterns.PrivScoped,
			Severity: patterns.SeverityMedium, Confidence: patterns.ConfidenceGeneric,
			Keywords: []string{"key="}, KeywordsFoldCase: true,
			Regex:  `(?i)key=(?<secret>[A-Za-z0-9_]{20,60})`,
			MaxLen: 80,
		},
	}
}

// newTest returns a detector of the test catalog. Its match timeout is
// exactTimeout (see there) unless opts set one.
func newTest(t testing.TB, opts ...Option) *Detector {
	t.Helper()
	d, err := New(testPatterns(), append([]Option{WithMatchTimeout(exactTimeout)}, opts...)...)
	require.NoError(t, err)
	return d
}

func TestScanFindsValidatedToken(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	tok := makeTok(r)
	d := newTest(t)
	src := []byte(`level=info msg="deploy" token=` + tok + ` user=bob`)
	fs := d.Scan(src)
	require.Len(t, fs, 1, "findings in %q", Preview(src))
	f := fs[0]
	assert.Equal(t, "test-token", f.PatternID)
	assert.Equal(t, tok, string(f.Secret(src)))
	assert.True(t, f.Validated)
	assert.Equal(t, patterns.ConfidenceValidated, f.Confidence)
	assert.Equal(t, patterns.SeverityCritical, f.Severity)
}

func TestScanRejectsBadChecksumAndBoundaries(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	tok := makeTok(r)
	bad := tok[:39] + string(b62[(strings.IndexByte(b62, tok[39])+1)%62])
	d := newTest(t)
	for _, in := range []string{
		"token=" + bad,
		"token=x" + tok,      // inside a longer word
		"token=" + tok + "Z", // continues past the token
		"token=" + tok[:39],  // truncated
	} {
		assert.Empty(t, d.Scan([]byte(in)), "input %s", Preview([]byte(in)))
	}
}

func TestScanSecretGroupAndContext(t *testing.T) {
	d := newTest(t)
	secret := "q8Zr2Lx/0Pn+Wm4Ks7Tb1Yc9Vd3Hf6Ga"
	src := []byte("TEST_SECRET = \"" + secret + "\"\n")
	fs := d.Scan(src)
	require.Len(t, fs, 1)
	assert.Equal(t, "test-secret", fs[0].PatternID)
	assert.Equal(t, secret, string(fs[0].Secret(src)))
	assert.InDelta(t, patterns.Entropy([]byte(secret)), fs[0].Entropy, 1e-9)
}

func TestScanPlaceholders(t *testing.T) {
	d := newTest(t)
	for _, in := range []string{
		"test_secret=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
		"test_secret=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"test_secret=abcdefghijklmnopqrstuvwxyz012345",
		"key=YOUR_API_KEY_GOES_HERE_PLEASE",
		"key=EXAMPLEKEYEXAMPLEKEYEXAMPLE",
		"test_secret=abababababababababababababababab",
	} {
		assert.Empty(t, d.Scan([]byte(in)), "input %q", in)
	}
}

func TestScanOverlapPrefersValidated(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	tok := makeTok(r)
	d := newTest(t)
	// "key=" makes the generic pattern match the same bytes.
	src := []byte("api_key=" + tok)
	fs := d.Scan(src)
	require.Len(t, fs, 1)
	assert.Equal(t, "test-token", fs[0].PatternID)
}

func TestScanLinks(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	tok := makeTok(r)
	d := newTest(t)
	src := []byte("id: " + tok + "\ntest_secret: q8Zr2Lx/0Pn+Wm4Ks7Tb1Yc9Vd3Hf6Ga\n")
	fs := d.Scan(src)
	require.Len(t, fs, 2)
	assert.NotZero(t, fs[0].Link)
	assert.Equal(t, fs[0].Link, fs[1].Link)
}

func TestScanSortedDisjoint(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	var b strings.Builder
	var want []string
	for i := 0; i < 200; i++ {
		fmt.Fprintf(&b, "line %d ok\n", i)
		if i%7 == 0 {
			tok := makeTok(r)
			want = append(want, tok)
			fmt.Fprintf(&b, "token=%s\n", tok)
		}
	}
	src := []byte(b.String())
	fs := newTest(t).Scan(src)
	require.Len(t, fs, len(want))
	for i, f := range fs {
		assert.Equal(t, want[i], string(f.Secret(src)))
		if i > 0 {
			assert.LessOrEqual(t, fs[i-1].End, f.Start)
		}
	}
}

func TestScanEncoded(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	tok := makeTok(r)
	d := newTest(t)
	for _, tc := range []struct {
		name string
		src  string
		enc  Encoding
	}{
		{"base64", "data:\n  token: " + base64.StdEncoding.EncodeToString([]byte(tok)) + "\n", EncodingBase64},
		{"base64 shifted", "auth " + base64.StdEncoding.EncodeToString([]byte("u:"+tok)) + " end", EncodingBase64},
		// Two layers: percent-encoded base64 (base64 inside base64 is not
		// decoded: its trigger forms would crowd the prefilter table).
		{"percent of base64", "q=" + url.QueryEscape(base64.StdEncoding.EncodeToString([]byte("\xfb\xff"+tok+"\xfe?"))) + "&x=1", EncodingPercent},
		{"json escape", `{"t":"\u0074kn_` + tok[4:] + `"}`, EncodingJSON},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := []byte(tc.src)
			fs := d.Scan(src)
			require.Len(t, fs, 1, "findings in %s", tc.name)
			assert.Equal(t, "test-token", fs[0].PatternID)
			assert.Equal(t, tc.enc, fs[0].Encoding)
			red := d.Redact(nil, src)
			assert.NotContains(t, string(red), tok)
			assert.NotContains(t, string(red), tok[4:30], "redaction of %s leaves the body", tc.name)
		})
	}
}

func TestScanPercentEncoded(t *testing.T) {
	d := newTest(t)
	secret := "q8Zr2Lx/0Pn+Wm4Ks7Tb1Yc9Vd3Hf6Ga"
	enc := strings.NewReplacer("/", "%2F", "+", "%2B").Replace(secret)
	src := []byte("GET /x?test_secret=" + enc + "&y=1 HTTP/1.1")
	fs := d.Scan(src)
	require.Len(t, fs, 1)
	assert.Equal(t, EncodingPercent, fs[0].Encoding)
	assert.Equal(t, enc, string(fs[0].Secret(src)))
}

func TestScanBadInput(t *testing.T) {
	d := newTest(t)
	r := rand.New(rand.NewPCG(13, 14))
	bin := make([]byte, 1<<16)
	for i := range bin {
		bin[i] = byte(r.Uint32())
	}
	tok := makeTok(r)
	inputs := [][]byte{
		nil, {}, []byte("a"), []byte("tkn"), []byte("tkn_"),
		bin,
		append([]byte("\xff\xfe\x00token=\xc3"), append([]byte(tok), "\x00\xff"...)...),
		bytes.Repeat([]byte("key="), 50000),
		bytes.Repeat([]byte("test_secret="), 20000),
	}
	for _, in := range inputs {
		fs := d.Scan(in)
		for _, f := range fs {
			assert.True(t, f.Start >= 0 && f.Start < f.End && f.End <= len(in))
		}
	}
	fs := d.Scan(inputs[6])
	require.Len(t, fs, 1)
	assert.Equal(t, tok, string(fs[0].Secret(inputs[6])))
}

func TestNewRejectsBadPatterns(t *testing.T) {
	good := testPatterns()[0]
	for _, tc := range []struct {
		name   string
		mutate func(p *patterns.Pattern)
		want   string
	}{
		{"empty id", func(p *patterns.Pattern) { p.ID = "" }, "empty id"},
		{"no keyword", func(p *patterns.Pattern) { p.Keywords = nil }, `"test-token": no keywords`},
		{"short keyword", func(p *patterns.Pattern) { p.Keywords = []string{"tk"} }, `"test-token": keyword "tk" shorter than 3 bytes`},
		{"bad regex", func(p *patterns.Pattern) { p.Regex = `tkn_(` }, `"test-token": regex:`},
		{"huge maxlen", func(p *patterns.Pattern) { p.MaxLen = 1 << 30 }, `"test-token": MaxLen`},
		{"bad entropy", func(p *patterns.Pattern) { p.MinEntropy = 9 }, `"test-token": MinEntropy`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := good
			tc.mutate(&p)
			_, err := New([]patterns.Pattern{p})
			require.Error(t, err)
			assert.ErrorIs(t, err, ErrInvalidPattern)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
	_, err := New([]patterns.Pattern{good, good})
	assert.ErrorContains(t, err, "duplicate id")
	_, err = New([]patterns.Pattern{good}, WithDisabled("nope"))
	assert.ErrorIs(t, err, ErrInvalidOption)
}

func TestHostileRegexIsBounded(t *testing.T) {
	p := patterns.Pattern{
		ID: "hostile", Provider: "Test", Grants: patterns.PrivScoped,
		Keywords: []string{"aaa"},
		Regex:    `(a+)+b`,
		MaxLen:   4096,
	}
	d, err := New([]patterns.Pattern{p}, WithMatchTimeout(20_000_000))
	require.NoError(t, err)
	src := bytes.Repeat([]byte("a"), 4000)
	fs := d.Scan(src)
	assert.NotZero(t, d.Timeouts(), "the catastrophic regex should have timed out")
	// Fail closed: the region the search could not decide is reported
	// and masked, not passed.
	require.Len(t, fs, 1, "findings %v", fs)
	assert.Equal(t, UndecidedID, fs[0].PatternID)
	assert.Equal(t, ReasonTimeout, fs[0].Undecided)
	assert.Equal(t, 0, fs[0].Start)
	assert.Equal(t, len(src), fs[0].End)
	st := d.Stats()
	assert.Equal(t, d.Timeouts(), st.Timeouts)
	assert.EqualValues(t, 1, st.Undecided)
	assert.EqualValues(t, len(src), st.UndecidedBytes)
	assert.Equal(t, "[REDACTED:undecided]", string(d.Redact(nil, src)))
}

func TestEveryRegexHasTimeout(t *testing.T) {
	d, err := New(testPatterns())
	require.NoError(t, err)
	for _, c := range d.pats {
		assert.Equal(t, DefaultMatchTimeout, c.re.MatchTimeout, c.p.ID)
	}
}

func TestScanCleanTextAllocatesNothing(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are asserted without -race (sync.Pool drops items under it)")
	}
	d := newTest(t)
	src := genLog(1<<16, 0, 1)
	d.Scan(src)
	allocs := testing.AllocsPerRun(20, func() {
		if d.Scan(src) != nil {
			t.Fatal("findings in clean text")
		}
	})
	assert.Zero(t, allocs)
	dst := make([]byte, 0, len(src)+1024)
	allocs = testing.AllocsPerRun(20, func() { dst = d.Redact(dst[:0], src) })
	assert.Zero(t, allocs)
}

func TestFindingNeverPrintsSecret(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 16))
	tok := makeTok(r)
	src := []byte("t=" + tok)
	fs := newTest(t).Scan(src)
	require.Len(t, fs, 1)
	f := fs[0]
	js, err := json.Marshal(f)
	require.NoError(t, err)
	for _, s := range []string{
		fmt.Sprint(f), fmt.Sprintf("%v %+v %#v %s %q", f, f, f, f, f), fmt.Sprintf("%v", fs), string(js), Preview([]byte(tok)),
	} {
		assert.NotContains(t, s, tok[4:12])
	}
}

func TestPrefilterTwinsAgree(t *testing.T) {
	d := newTest(t)
	r := rand.New(rand.NewPCG(17, 18))
	alphabet := []byte("tkn_TKN_keyKEY=test_secret \n")
	for i := 0; i < 200; i++ {
		b := make([]byte, r.IntN(300))
		for j := range b {
			b[j] = alphabet[r.IntN(len(alphabet))]
		}
		assert.Equal(t, d.pf.findGeneric(nil, b), d.pf.find(nil, b))
	}
}

func TestConcurrentScan(t *testing.T) {
	d := newTest(t)
	r := rand.New(rand.NewPCG(19, 20))
	src := genLog(1<<15, 10, 2)
	_ = r
	want := d.Scan(src)
	require.NotEmpty(t, want)
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 20; i++ {
				assert.Equal(t, want, d.Scan(src))
				_ = d.Redact(nil, src)
			}
		}()
	}
	wg.Wait()
}

func TestRedactFindingsMatchesRedact(t *testing.T) {
	d := newTest(t, WithMask(MaskPrefix))
	src := genLog(1<<16, 5, 43)
	fs := d.Scan(src)
	require.NotEmpty(t, fs)
	assert.Equal(t, d.Redact(nil, src), d.RedactFindings(nil, src, fs))
	// Out-of-order and out-of-range findings are skipped, not trusted.
	bad := append([]Finding{{PatternID: "test-token", Start: len(src) - 2, End: len(src) + 5}}, fs...)
	assert.Equal(t, string(src), string(d.RedactFindings(nil, src, bad[:1])))
}

// TestContainerIsSplitNotDropped: a generic finding over a whole base64
// value that holds a decoded token keeps covering the rest of the value.
func TestContainerIsSplitNotDropped(t *testing.T) {
	d := newTest(t)
	r := rand.New(rand.NewPCG(45, 46))
	var enc string
	for {
		enc = base64.StdEncoding.EncodeToString([]byte("user:" + makeTok(r)))
		if !strings.ContainsAny(enc, "+/=") && len(enc) <= 60 {
			break
		}
	}
	src := []byte("key=" + enc + "\n")
	fs := d.Scan(src)
	var ids []string
	covered := 0
	for i, f := range fs {
		ids = append(ids, f.PatternID)
		covered += f.Len()
		if i > 0 {
			assert.LessOrEqual(t, fs[i-1].End, f.Start)
		}
	}
	assert.Contains(t, ids, "test-token", "the decoded token is reported as such")
	assert.Contains(t, ids, "test-generic", "the rest of the value stays covered")
	assert.Equal(t, len(enc), covered, "every byte of the base64 value is inside a finding")
	assert.NotContains(t, string(d.Redact(nil, src)), enc[:8])
}

// TestScanEscapedSlashJSON: JSON encoders that escape every / (PHP's
// json_encode, some loggers) write a secret holding / with backslashes;
// the text around a keyword is decoded when a \/ is near it.
func TestScanEscapedSlashJSON(t *testing.T) {
	d := newTest(t)
	secret := "q8Zr2Lx/0Pn+Wm4Ks7Tb1Yc9Vd3Hf6Ga"
	esc := strings.ReplaceAll(secret, "/", `\/`)
	for _, tc := range []struct{ name, pre, post string }{
		{"value after its key", `{"url":"https:\/\/a.test\/x","kv":"test_secret: `, `","n":1}`},
		{"in one string", `{"msg":"test_secret=`, ` used"}`},
		{"long line before", `{"pad":"` + strings.Repeat("a", 4096) + `","kv":"test_secret=`, `"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := []byte(tc.pre + esc + tc.post)
			fs := d.Scan(src)
			require.Len(t, fs, 1)
			assert.Equal(t, "test-secret", fs[0].PatternID)
			assert.Equal(t, EncodingJSON, fs[0].Encoding)
			assert.Equal(t, len(tc.pre), fs[0].Start)
			assert.Equal(t, len(tc.pre)+len(esc), fs[0].End)
			assert.NotContains(t, string(d.Redact(nil, src)), esc[:12])
		})
	}
	// A \/ on another line, or far from the keyword, decodes nothing: the
	// secret without escapes is found as written.
	src := []byte(`{"kv":"test_secret=` + strings.ReplaceAll(secret, "/", "A") + `"}` + "\n" + `{"u":"a\/b"}`)
	fs := d.Scan(src)
	require.Len(t, fs, 1)
	assert.Equal(t, EncodingNone, fs[0].Encoding)
}

// TestScanOneFindingPerSecret: a secret whose padding is percent-encoded
// is matched as written without it and decoded with it; the two findings
// of one pattern become the one that holds the whole secret.
func TestScanOneFindingPerSecret(t *testing.T) {
	d, err := New([]patterns.Pattern{{
		ID: "test-padded", Provider: "Test", Grants: patterns.PrivScoped,
		Severity: patterns.SeverityHigh, Confidence: patterns.ConfidenceDistinctive,
		Keywords: []string{"tkp_"},
		Regex:    `(?<![A-Za-z0-9_])tkp_[A-Za-z0-9]{24,40}={0,2}(?![A-Za-z0-9_=])`,
		MaxLen:   48,
	}})
	require.NoError(t, err)
	tok := "tkp_Zq7mVb8kLp93Wq92u7KqXr4T"
	src := []byte("GET /v1?key=" + tok + "%3D%3D&x=1 HTTP/1.1")
	fs := d.Scan(src)
	require.Len(t, fs, 1)
	assert.Equal(t, tok+"%3D%3D", string(fs[0].Secret(src)))
	assert.Equal(t, EncodingPercent, fs[0].Encoding)
}

// TestGenericContainerYields: a generic finding over a base64 value that
// decodes to a provider's secret is cut around the provider's finding,
// which says more, even when the container is validated and the provider's
// finding is not.
func TestGenericContainerYields(t *testing.T) {
	pats := append(testPatterns(), patterns.Pattern{
		ID: "test-plain", Provider: "Test", Grants: patterns.PrivScoped,
		Severity: patterns.SeverityHigh, Confidence: patterns.ConfidenceDistinctive,
		Keywords: []string{"tkq_"},
		Regex:    `(?<![A-Za-z0-9_])tkq_[A-Za-z0-9]{28}(?![A-Za-z0-9_])`,
		MaxLen:   32,
	})
	// test-generic becomes a validated generic container, as a Secret
	// manifest whose structure parses is.
	pats[2].Generic = true
	pats[2].Validate = func(_ []byte, m *patterns.Meta) bool { m.Structured = true; return true }
	d, err := New(pats)
	require.NoError(t, err)
	var enc string
	for i := 0; i < 10000; i++ {
		enc = base64.StdEncoding.EncodeToString([]byte(fmt.Sprintf("abc:tkq_Zq7mVb8kLp93Wq92u7KqXr4T%04d", i)))
		if !strings.ContainsAny(enc, "+/=") {
			break
		}
	}
	require.NotContains(t, enc, "=")
	src := []byte("key=" + enc + "\n")
	fs := d.Scan(src)
	var ids []string
	for _, f := range fs {
		ids = append(ids, f.PatternID)
	}
	require.Contains(t, ids, "test-plain", "findings %v", ids)
	require.Contains(t, ids, "test-generic", "the rest of the value stays covered: %v", ids)
	covered := 0
	for _, f := range fs {
		covered += f.Len()
		if f.PatternID == "test-plain" {
			assert.Equal(t, EncodingBase64, f.Encoding)
			assert.False(t, f.Validated)
		}
	}
	assert.Equal(t, len(enc), covered, "every byte of the value is inside a finding")
}

// TestScanANSIColoured: a colour sequence glues a letter (the m of
// ESC[1m) to the secret after it; the line is scanned again without the
// sequences and the finding covers the secret only.
func TestScanANSIColoured(t *testing.T) {
	d := newTest(t)
	r := rand.New(rand.NewPCG(51, 52))
	tok := makeTok(r)
	secret := "q8Zr2Lx/0Pn+Wm4Ks7Tb1Yc9Vd3Hf6Ga"
	for _, tc := range []struct {
		name, pre, val, post, id string
	}{
		{"token", "\x1b[32mINFO\x1b[0m auth \x1b[1m", tok, "\x1b[0m ok\n", "test-token"},
		{"assignment", "\x1b[2mtest_secret=\x1b[0m\x1b[33m", secret, "\x1b[39m\n", "test-secret"},
		{"256 colours", "\x1b[38;5;208m", tok, "\x1b[m", "test-token"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := []byte(tc.pre + tc.val + tc.post)
			fs := d.Scan(src)
			require.Len(t, fs, 1)
			assert.Equal(t, tc.id, fs[0].PatternID)
			assert.Equal(t, EncodingANSI, fs[0].Encoding)
			assert.Equal(t, tc.val, string(fs[0].Secret(src)))
			assert.NotContains(t, string(d.Redact(nil, src)), tc.val[4:20])
		})
	}
	// A sequence inside the secret stays inside the span.
	src := []byte("\x1b[1m" + tok[:20] + "\x1b[4m" + tok[20:] + "\x1b[0m")
	fs := d.Scan(src)
	require.Len(t, fs, 1)
	assert.Equal(t, len("\x1b[1m"), fs[0].Start)
	assert.Equal(t, len(src)-len("\x1b[0m"), fs[0].End)
	// Without any escape near it the token is found as written.
	src = []byte("\x1b[1mlevel\x1b[0m" + strings.Repeat(" ", 300) + tok + "\n")
	fs = d.Scan(src)
	require.Len(t, fs, 1)
	assert.Equal(t, EncodingNone, fs[0].Encoding)
}

func TestCSILen(t *testing.T) {
	for in, want := range map[string]int{
		"\x1b[0m": 4, "\x1b[m": 3, "\x1b[1;31mX": 7, "\x1b[38;5;208m": 11, "\x1b[2K": 4,
		"\x1b[": 0, "\x1b[12": 0, "\x1bM": 0, "x": 0, "\x1b[?25h": 6,
	} {
		assert.Equal(t, want, csiLen([]byte(in)), "%q", in)
	}
}

// TestScanHTMLEscaped: text escaped for HTML writes quotes, and the +, /
// and = of a secret, as character references.
func TestScanHTMLEscaped(t *testing.T) {
	d := newTest(t)
	r := rand.New(rand.NewPCG(53, 54))
	tok := makeTok(r)
	for _, tc := range []struct {
		name, pre, val, post, id string
	}{
		{"references in the secret", "<td>test_secret=", "q8Zr2Lx&#x2F;0Pn&#43;Wm4Ks7Tb1Yc9Vd3Hf6Ga", "</td>", "test-secret"},
		{"named references", "<p>test_secret: ", "q8Zr2Lx&sol;0Pn&plus;Wm4Ks7Tb1Yc9Vd3Hf6Ga", " ok</p>", "test-secret"},
		{"escaped JSON", `<pre>{&quot;msg&quot;:&quot;test_secret=`, "q8Zr2Lx&#47;0Pn&#x2b;Wm4Ks7Tb1Yc9Vd3Hf6Ga", `&quot;}</pre>`, "test-secret"},
		{"token in escaped JSON", `<pre>{&quot;t&quot;:&quot;`, tok, `&quot;}</pre>`, "test-token"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := []byte(tc.pre + tc.val + tc.post)
			fs := d.Scan(src)
			require.Len(t, fs, 1)
			assert.Equal(t, tc.id, fs[0].PatternID)
			assert.Equal(t, tc.val, string(fs[0].Secret(src)))
			assert.NotContains(t, string(d.Redact(nil, src)), tc.val[4:16])
		})
	}
}

func TestEntity(t *testing.T) {
	for in, want := range map[string]struct {
		r rune
		n int
	}{
		"&quot;x": {'"', 6}, "&#43;": {'+', 5}, "&#x2F;": {'/', 6}, "&#X2f;": {'/', 6}, "&sol;": {'/', 5},
		"&#128512;": {0x1F600, 9}, "&amp": {0, 0}, "&nosuch;": {0, 0}, "&#;": {0, 0}, "&#x;": {0, 0},
		"&#0;": {0, 0}, "&#xD800;": {0, 0}, "&#x110000;": {0, 0}, "&#12a;": {0, 0}, "& x;": {0, 0},
		"&#99999999999;": {0, 0},
	} {
		r, n := entity([]byte(in))
		assert.Equal(t, want.n, n, "%q", in)
		if want.n > 0 {
			assert.Equal(t, want.r, r, "%q", in)
		}
	}
}

// TestScanHex: a secret written as hex digits (a dumped request body) is
// found from the hex form of its keyword.
func TestScanHex(t *testing.T) {
	d := newTest(t)
	r := rand.New(rand.NewPCG(55, 56))
	tok := makeTok(r)
	for _, h := range []string{hex.EncodeToString([]byte("auth: " + tok + "\n")), strings.ToUpper(hex.EncodeToString([]byte("{" + tok)))} {
		src := []byte("body=" + h + " len=9\n")
		fs := d.Scan(src)
		require.Len(t, fs, 1, "%s", h[:12])
		assert.Equal(t, "test-token", fs[0].PatternID)
		assert.Equal(t, EncodingHex, fs[0].Encoding)
		want := strings.Index(strings.ToLower(h), hex.EncodeToString([]byte(tok)))
		assert.Equal(t, len("body=")+want, fs[0].Start)
		assert.Equal(t, len("body=")+want+2*len(tok), fs[0].End)
	}
}

// TestScanWrappedBase64: base64 wrapped at 76 or 64 columns is joined
// across its line breaks, so a secret that straddles a break is found and
// its span covers the encoded characters on both lines.
func TestScanWrappedBase64(t *testing.T) {
	d := newTest(t)
	r := rand.New(rand.NewPCG(57, 58))
	tok := makeTok(r)
	for _, tc := range []struct {
		name   string
		width  int
		pre    string // text before the first line
		indent string
	}{
		{"base64(1)", 76, "", ""},
		{"PEM width, indented", 64, "", "    "},
		{"after a key", 76, "blob: ", ""},
		{"crlf", 76, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// Place the token so that it straddles the first line break.
			plain := strings.Repeat("#", tc.width*3/4-12) + "token " + tok + "\nnext line\n"
			enc := base64.StdEncoding.EncodeToString([]byte(plain))
			nl := "\n"
			if tc.name == "crlf" {
				nl = "\r\n"
			}
			var b strings.Builder
			b.WriteString(tc.pre)
			for i := 0; i < len(enc); i += tc.width {
				if i > 0 {
					b.WriteString(tc.indent)
				} else if tc.pre == "" {
					b.WriteString(tc.indent)
				}
				b.WriteString(enc[i:min(len(enc), i+tc.width)])
				b.WriteString(nl)
			}
			src := []byte(b.String())
			fs := d.Scan(src)
			require.Len(t, fs, 1)
			assert.Equal(t, "test-token", fs[0].PatternID)
			assert.Equal(t, EncodingBase64, fs[0].Encoding)
			assert.Contains(t, string(fs[0].Secret(src)), nl, "the span crosses the line break")
			red := string(d.Redact(nil, src))
			// No encoded run of the token survives on either line.
			tokEnc := base64.StdEncoding.EncodeToString([]byte(plain))[(tc.width*3/4-6)/3*4:]
			assert.NotContains(t, red, tokEnc[8:20])
		})
	}
	// One full-width line alone is no block: decoded as a single run.
	one := base64.StdEncoding.EncodeToString([]byte("token " + tok + "\n" + strings.Repeat("-", 10)))
	require.Len(t, one, 76)
	src := []byte(one + "\nplain text\n")
	fs := d.Scan(src)
	require.Len(t, fs, 1)
	assert.LessOrEqual(t, fs[0].End, 76)
}

// TestContainerYieldsToItsDecodedSelf: a value of a pattern's container
// (a Secret manifest's data) that is the base64 of another text of the
// same pattern (a Secret manifest) is cut around the finding in the
// decoded text, which names its own value; a percent-decoded finding of a
// pattern is its own secret seen decoded, and is not cut out (see
// TestScanOneFindingPerSecret).
func TestContainerYieldsToItsDecodedSelf(t *testing.T) {
	d, err := New([]patterns.Pattern{{
		ID: "test-box", Provider: "Test", Grants: patterns.PrivScoped,
		Severity: patterns.SeverityHigh, Confidence: patterns.ConfidenceDistinctive,
		Keywords: []string{"boxsecret:"},
		Regex:    `boxsecret:[ \t]*(?<secret>[A-Za-z0-9+/]{8,400}={0,2})(?![A-Za-z0-9+/=])`,
		MaxLen:   420,
	}})
	require.NoError(t, err)
	r := rand.New(rand.NewPCG(19, 1))
	var inner, enc string
	for {
		inner = base64.StdEncoding.EncodeToString([]byte(hRand(r, hAlnum, 24)))
		enc = base64.StdEncoding.EncodeToString([]byte("kind: box\nboxsecret: " + inner + "\n"))
		if !strings.ContainsAny(enc, "+/=") {
			break
		}
	}
	src := []byte("boxsecret: " + enc + "\n")
	fs := d.Scan(src)
	covered := 0
	var decoded *Finding
	for i := range fs {
		covered += fs[i].Len()
		assert.Equal(t, "test-box", fs[i].PatternID)
		if fs[i].Encoding == EncodingBase64 {
			decoded = &fs[i]
		}
	}
	require.NotNil(t, decoded, "the decoded manifest's value is its own finding")
	// The inner value's bytes start 21 bytes into the decoded text: the
	// finding covers the base64 characters that encode them.
	lo := len("boxsecret: ")
	off := len("kind: box\nboxsecret: ")
	assert.Equal(t, lo+off/3*4, decoded.Start, "decoded finding start")
	assert.Equal(t, lo+(off+len(inner)+2)/3*4, decoded.End, "decoded finding end")
	assert.Equal(t, len(enc), covered, "every byte of the outer value is inside a finding")
	assertMasked(t, "manifest in a manifest", d.Redact(nil, src), enc[:8], enc[len(enc)-8:])
}
