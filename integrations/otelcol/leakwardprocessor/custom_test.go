package leakwardprocessor

import (
	"context"
	"encoding/hex"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/leakward/leakward/detect"
)

// acmePattern is a custom pattern for tokens "acme_" + 24 hex digits.
func acmePattern() CustomPattern {
	return CustomPattern{
		ID:       "acme-internal-token",
		Keywords: []string{"acme_"},
		Regex:    `(?<![a-z0-9_])acme_[0-9a-f]{24}(?![0-9a-f])`,
		MaxLen:   29,
	}
}

// acmeTokens returns n random tokens of acmePattern's shape.
func acmeTokens(seed uint64, n int) []string {
	r := rand.New(rand.NewPCG(seed, 11))
	out := make([]string, n)
	for i := range out {
		var b [12]byte
		for j := range b {
			b[j] = byte(r.Uint32())
		}
		out[i] = "acme_" + hex.EncodeToString(b[:])
	}
	return out
}

func TestCustomPatternConfigUnmarshal(t *testing.T) {
	cm := confmap.NewFromStringMap(map[string]any{
		"custom_patterns": []any{map[string]any{
			"id":                   "acme-internal-token",
			"keywords":             []any{"acme_", "ACME-"},
			"keywords_ignore_case": true,
			"regex":                `acme_[0-9a-f]{24}`,
			"max_len":              29,
			"min_len":              20,
			"min_entropy":          2.5,
			"examples":             []any{"x"},
			"non_examples":         []any{"y"},
		}},
		"store": map[string]any{"reload_interval": "0s"},
	})
	cfg := createDefaultConfig()
	require.NoError(t, cm.Unmarshal(cfg))
	want := createDefaultConfig()
	want.CustomPatterns = []CustomPattern{{
		ID: "acme-internal-token", Keywords: []string{"acme_", "ACME-"}, KeywordsIgnoreCase: true,
		Regex: `acme_[0-9a-f]{24}`, MaxLen: 29, MinLen: 20, MinEntropy: 2.5,
		Examples: []string{"x"}, NonExamples: []string{"y"},
	}}
	want.Store.ReloadInterval = 0
	assert.Equal(t, want, cfg)

	bad := confmap.NewFromStringMap(map[string]any{"custom_patterns": []any{map[string]any{"id": "a", "regx": "b"}}})
	err := bad.Unmarshal(createDefaultConfig())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "regx", "an unknown key in an entry is named")
}

func TestCustomPatternValidate(t *testing.T) {
	// secretish stands for a credential pasted where a keyword, a regex
	// or an example belongs: no error may echo it.
	secretish := "Zq7Xk9" + strings.Repeat("Wm3", 6)
	tests := []struct {
		name string
		edit func(*CustomPattern)
		want string
	}{
		{"id not id-shaped", func(p *CustomPattern) { p.ID = secretish }, `custom_patterns[1]: detect: invalid pattern (an id of 24 bytes that is not id-shaped, not shown): id must be`},
		{"catalog id", func(p *CustomPattern) { p.ID = "github-pat-classic" }, `custom_patterns[1]: detect: invalid pattern "github-pat-classic": id is a built-in pattern's id`},
		{"undecided", func(p *CustomPattern) { p.ID = detect.UndecidedID }, `custom_patterns[1]: detect: invalid pattern "undecided": id is reserved`},
		{"no keywords", func(p *CustomPattern) { p.Keywords = nil }, `"acme-other": no keywords`},
		{"short keyword", func(p *CustomPattern) { p.Keywords = []string{secretish[:3]} }, `"acme-other": keyword 0 is shorter than 4 bytes`},
		{"punctuation keyword", func(p *CustomPattern) { p.Keywords = []string{"::::"} }, `"acme-other": keyword 0 has no ASCII letter or digit`},
		{"regex does not compile", func(p *CustomPattern) { p.Regex = "(" + secretish }, `"acme-other": regex: missing closing )`},
		{"empty regex", func(p *CustomPattern) { p.Regex = "" }, `"acme-other": empty regex`},
		{"max_len", func(p *CustomPattern) { p.MaxLen = 1 << 20 }, `"acme-other": MaxLen 1048576 out of range`},
		{"min_entropy", func(p *CustomPattern) { p.MinEntropy = 8.5 }, `"acme-other": MinEntropy 8.5 out of range`},
		{"example without finding", func(p *CustomPattern) { p.Examples = []string{"acme_" + secretish} }, `"acme-other": example 0 yields no finding`},
		{"example below min_len", func(p *CustomPattern) {
			p.Regex, p.MinLen, p.Examples = `acme_[0-9a-z]{2,24}`, 20, []string{"acme_0a"}
		}, `"acme-other": example 0 yields no finding`},
		{"non-example with finding", func(p *CustomPattern) { p.NonExamples = []string{acmeTokens(1, 1)[0]} }, `"acme-other": non-example 0 yields a finding`},
	}
	for _, tt := range tests {
		cfg := createDefaultConfig()
		other := acmePattern()
		other.ID = "acme-other"
		tt.edit(&other)
		cfg.CustomPatterns = []CustomPattern{acmePattern(), other}
		err := cfg.Validate()
		require.Error(t, err, tt.name)
		assert.ErrorIs(t, err, ErrInvalidConfig, tt.name)
		assert.ErrorIs(t, err, detect.ErrInvalidPattern, tt.name+": detect's sentinel")
		msg := err.Error()
		assert.True(t, strings.Contains(msg, tt.want), "%s: got %s, want it to contain %s", tt.name, msg, tt.want)
		assert.False(t, strings.Contains(msg, secretish[:6]), "%s: the error echoes a keyword, the regex or an example", tt.name)
	}
}

// TestCustomPatternValidateProcessorRules: the rules of the processor's
// own, on top of detect.CheckCustom's.
func TestCustomPatternValidateProcessorRules(t *testing.T) {
	total := acmePattern()
	total.ID = "total"
	minLen := func(maxLen, minLen int) CustomPattern {
		p := acmePattern()
		p.MaxLen, p.MinLen = maxLen, minLen
		return p
	}
	tests := []struct {
		name string
		ps   []CustomPattern
		want string
	}{
		{"duplicate id", []CustomPattern{acmePattern(), acmePattern()}, `custom_patterns[1]: id "acme-internal-token" is also the id of custom_patterns[0]`},
		{"summary total", []CustomPattern{total}, `custom_patterns[0]: id "total" is reserved for the summary's total`},
		{"min_len above max_len", []CustomPattern{minLen(29, 30)}, `custom_patterns[0] "acme-internal-token": min_len 30 out of range [0, 29] (max_len)`},
		{"min_len above default max_len", []CustomPattern{minLen(0, 300)}, `min_len 300 out of range [0, 256]`},
		{"negative min_len", []CustomPattern{minLen(29, -1)}, `min_len -1 out of range`},
	}
	for _, tt := range tests {
		cfg := createDefaultConfig()
		cfg.CustomPatterns = tt.ps
		err := cfg.Validate()
		require.Error(t, err, tt.name)
		assert.ErrorIs(t, err, ErrInvalidConfig, tt.name)
		assert.Contains(t, err.Error(), tt.want, tt.name)
	}
}

func TestCustomPatternValid(t *testing.T) {
	cfg := createDefaultConfig()
	p := acmePattern()
	p.MinLen, p.MinEntropy = 29, 2
	p.Examples = acmeTokens(2, 2)
	p.NonExamples = []string{"acme_000000000000000000000000", "acme_" + strings.Repeat("f", 23)}
	cfg.CustomPatterns = []CustomPattern{p}
	require.NoError(t, cfg.Validate())
	// Custom patterns stay on whatever Enable says, and count as a
	// pattern left on.
	cfg.Enable, cfg.Disable = []string{"github-pat-classic"}, []string{"github-pat-classic"}
	require.NoError(t, cfg.Validate())
	s, err := cfg.resolve()
	require.NoError(t, err)
	assert.Equal(t, []string{"acme-internal-token"}, s.det.PatternIDs())
}

func TestCustomPatternRedacts(t *testing.T) {
	tok := acmeTokens(3, 6)
	low := "acme_" + strings.Repeat("0", 24) // below min_entropy
	ld := plog.NewLogs()
	rl := ld.ResourceLogs().AppendEmpty()
	rl.Resource().Attributes().PutStr("deploy.note", "built with "+tok[0])
	lrs := rl.ScopeLogs().AppendEmpty().LogRecords()
	lr := lrs.AppendEmpty()
	lr.Body().SetStr("calling billing with " + tok[1] + " and " + low)
	lr.Attributes().PutStr("upstream", tok[2])
	lr = lrs.AppendEmpty()
	m := lr.Body().SetEmptyMap()
	m.PutStr("msg", "retry")
	m.PutEmptyMap("client").PutStr("credential", "key "+tok[3])
	m.PutEmptySlice("args").AppendEmpty().SetStr("--acme=" + tok[4])
	m.PutEmptyBytes("raw").FromRaw([]byte(tok[5]))

	cfg := testConfig()
	p := acmePattern()
	p.MinEntropy = 2
	cfg.CustomPatterns = []CustomPattern{p}
	proc, sink := newLogs(t, cfg)
	require.NoError(t, proc.ConsumeLogs(context.Background(), ld))
	got := sink.AllLogs()[0]
	assertNoSecret(t, allLogStrings(got), tok)

	const mask = "[REDACTED:acme-internal-token]"
	res := got.ResourceLogs().At(0).Resource().Attributes().AsRaw()
	assert.Equal(t, "built with "+mask, res["deploy.note"], "resource attribute")
	assert.Equal(t, int64(1), res["leakward.redacted.acme-internal-token"], "resource summary")
	out := got.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords()
	assert.Equal(t, "calling billing with "+mask+" and "+low, out.At(0).Body().Str(), "string body; the low-entropy value is kept")
	assert.Equal(t, map[string]any{
		"upstream":                              mask,
		"leakward.redacted.acme-internal-token": int64(2),
		"leakward.redacted.total":               int64(2),
	}, out.At(0).Attributes().AsRaw(), "record 0 attributes")
	assert.Equal(t, map[string]any{
		"msg":    "retry",
		"client": map[string]any{"credential": "key " + mask},
		"args":   []any{"--acme=" + mask},
		"raw":    mask,
	}, out.At(1).Body().Map().AsRaw(), "map body")
	assert.Equal(t, int64(3), out.At(1).Attributes().AsRaw()["leakward.redacted.acme-internal-token"], "record 1 summary")
}

// TestCustomPatternHostileRegex: a configured regex that backtracks
// catastrophically is bounded by the match timeout and fails closed: the
// window it could not decide is masked as undecided and counted. The
// bound is asserted on counts (timeouts, undecided regions), not time.
func TestCustomPatternHostileRegex(t *testing.T) {
	cfg := createDefaultConfig()
	cfg.MatchTimeout = 20 * time.Millisecond
	cfg.CustomPatterns = []CustomPattern{{ID: "hostile", Keywords: []string{"aaaa"}, Regex: `(a+)+b`, MaxLen: 4096}}
	require.NoError(t, cfg.Validate())
	proc, sink := newLogs(t, cfg)
	ld := plog.NewLogs()
	lr := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords().AppendEmpty()
	lr.Body().SetStr(strings.Repeat("a", 3000))
	require.NoError(t, proc.ConsumeLogs(context.Background(), ld))

	out := sink.AllLogs()[0].ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0)
	assert.Equal(t, "[REDACTED:undecided]", out.Body().Str(), "the undecided window is masked")
	assert.Equal(t, int64(1), out.Attributes().AsRaw()["leakward.redacted.undecided"], "summary")
	st := proc.(interface{ Stats() detect.Stats }).Stats()
	assert.NotZero(t, st.Timeouts, "timeouts")
	assert.LessOrEqual(t, st.Timeouts, uint64(2), "one window searched: at most its plain and anchored searches time out")
	assert.Equal(t, uint64(1), st.Undecided, "undecided regions")
}

// TestReadmeExamples: the README's YAML examples of custom patterns and of
// store reloading are valid configurations, and the custom patterns' own
// examples pass.
func TestReadmeExamples(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	require.NoError(t, err)
	var found int
	for _, block := range strings.Split(string(readme), "```yaml\n")[1:] {
		block = block[:strings.Index(block, "```")]
		if !strings.Contains(block, "custom_patterns:") && !strings.Contains(block, "reload_interval:") {
			continue
		}
		found++
		r, err := confmap.NewRetrievedFromYAML([]byte(block))
		require.NoError(t, err)
		conf, err := r.AsConf()
		require.NoError(t, err)
		sub, err := conf.Sub("processors::leakward")
		require.NoError(t, err)
		cfg := createDefaultConfig()
		require.NoError(t, sub.Unmarshal(cfg), "README block %d", found)
		require.NoError(t, cfg.Validate(), "README block %d", found)
	}
	assert.Equal(t, 2, found, "README blocks with custom_patterns or reload_interval")
}
