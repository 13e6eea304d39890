package detect

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leakward/leakward/patterns"
)

// customPattern is a pattern as a configuration would give it.
func customPattern() patterns.Pattern {
	return patterns.Pattern{
		ID:         "acme-token",
		Provider:   "ACME",
		Confidence: patterns.ConfidenceDistinctive,
		Keywords:   []string{"acme_"},
		Regex:      `(?<![a-z0-9_])acme_[0-9a-f]{24}(?![0-9a-f])`,
		MaxLen:     29,
	}
}

func TestCheckCustomAccepts(t *testing.T) {
	for _, tc := range []struct {
		name   string
		mutate func(p *patterns.Pattern)
	}{
		{"plain", func(*patterns.Pattern) {}},
		{"fold case", func(p *patterns.Pattern) { p.KeywordsFoldCase, p.Regex = true, `(?i)acme_[0-9a-f]{24}` }},
		{"examples", func(p *patterns.Pattern) {
			p.Examples = []string{"token acme_" + strings.Repeat("3f9c", 6)}
			p.NonExamples = []string{"acme_short", "no keyword at all"}
		}},
		{"entropy", func(p *patterns.Pattern) { p.MinEntropy = 3 }},
	} {
		p := customPattern()
		tc.mutate(&p)
		assert.NoError(t, CheckCustom(p), tc.name)
	}
}

func TestCheckCustomRejects(t *testing.T) {
	// secretish stands for a value that must never be echoed: a key pasted
	// into a keyword, a regex or an example.
	secretish := "zQ7" + strings.Repeat("xK9", 8)
	for _, tc := range []struct {
		name   string
		mutate func(p *patterns.Pattern)
		want   string
	}{
		{"id not id-shaped", func(p *patterns.Pattern) { p.ID = secretish }, `(an id of 27 bytes that is not id-shaped, not shown): id must be 1 to 64 bytes`},
		{"empty id", func(p *patterns.Pattern) { p.ID = "" }, `id must be`},
		{"catalog id", func(p *patterns.Pattern) { p.ID = "github-pat-classic" }, `"github-pat-classic": id is a built-in pattern's id`},
		{"reserved undecided", func(p *patterns.Pattern) { p.ID = UndecidedID }, `"undecided": id is reserved`},
		{"reserved key", func(p *patterns.Pattern) { p.ID = "key" }, `"key": id is reserved`},
		{"no keywords", func(p *patterns.Pattern) { p.Keywords = nil }, `"acme-token": no keywords`},
		{"too many keywords", func(p *patterns.Pattern) {
			p.Keywords = nil
			for i := range MaxCustomKeywords + 1 {
				p.Keywords = append(p.Keywords, "acme"+strings.Repeat("x", i))
			}
		}, `33 keywords, at most 32`},
		{"3-byte keyword", func(p *patterns.Pattern) { p.Keywords = []string{"acme_", "zQ7"} }, `keyword 1 is shorter than 4 bytes`},
		{"keyword without letter or digit", func(p *patterns.Pattern) { p.Keywords = []string{"=://"} }, `keyword 0 has no ASCII letter or digit`},
		{"keyword not UTF-8", func(p *patterns.Pattern) { p.Keywords = []string{"acme\xff"} }, `keyword 0 is not valid UTF-8`},
		{"keyword twice", func(p *patterns.Pattern) { p.Keywords = []string{secretish, secretish} }, `keyword 1 repeats keyword 0`},
		{"keyword twice folded", func(p *patterns.Pattern) {
			p.KeywordsFoldCase, p.Keywords = true, []string{secretish, strings.ToUpper(secretish)}
		}, `keyword 1 repeats keyword 0`},
		{"keyword too long", func(p *patterns.Pattern) { p.Keywords = []string{strings.Repeat(secretish, 3)} }, `keyword longer than 64 bytes`},
		{"empty regex", func(p *patterns.Pattern) { p.Regex = "" }, `empty regex`},
		{"regex does not compile", func(p *patterns.Pattern) { p.Regex = "acme_(" + secretish }, `regex: missing closing )`},
		{"regex bad escape", func(p *patterns.Pattern) { p.Regex = `acme_\q` + secretish }, `regex: unrecognized escape sequence \…`},
		{"regex bad group", func(p *patterns.Pattern) { p.Regex = `acme_(?` + secretish + `)` }, `regex: unrecognized grouping construct: (…`},
		{"regex undefined name", func(p *patterns.Pattern) { p.Regex = `acme_\k<` + strings.ToLower(secretish) + `>` }, `regex: reference to undefined group name …`},
		{"regex too long", func(p *patterns.Pattern) { p.Regex = strings.Repeat("a", 16<<10+1) }, `regex longer than 16384 bytes`},
		{"max len", func(p *patterns.Pattern) { p.MaxLen = MaxPatternLen + 1 }, `MaxLen 16385 out of range`},
		{"entropy", func(p *patterns.Pattern) { p.MinEntropy = -1 }, `MinEntropy -1 out of range`},
		{"example without finding", func(p *patterns.Pattern) { p.Examples = []string{"acme_" + secretish} }, `example 0 yields no finding`},
		{"non-example with finding", func(p *patterns.Pattern) {
			p.NonExamples = []string{"clean", "acme_" + strings.Repeat("3f9c", 6)}
		}, `non-example 1 yields a finding`},
		{"too many examples", func(p *patterns.Pattern) { p.NonExamples = make([]string, 65) }, `65 examples and non-examples, at most 64`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := customPattern()
			tc.mutate(&p)
			err := CheckCustom(p)
			require.Error(t, err)
			assert.ErrorIs(t, err, ErrInvalidPattern)
			assert.Contains(t, err.Error(), tc.want)
			if strings.Contains(err.Error(), secretish) || strings.Contains(strings.ToLower(err.Error()), strings.ToLower(secretish[:9])) {
				t.Errorf("%s: the error echoes a keyword, the regex or an example", tc.name)
			}
		})
	}
}

// TestCheckCustomHostileRegex: a configured regex that backtracks
// catastrophically is accepted (nothing can tell it apart before it runs)
// and bounded when it runs: each window's search times out once and the
// window is masked as undecided.
func TestCheckCustomHostileRegex(t *testing.T) {
	p := customPattern()
	p.Keywords = []string{"aaaa"}
	p.Regex = `(a+)+b`
	p.MaxLen = 4096
	require.NoError(t, CheckCustom(p))
	d, err := New(patterns.With(patterns.Default(), p), WithMatchTimeout(20_000_000))
	require.NoError(t, err)
	src := bytes.Repeat([]byte("a"), 3000)
	got := d.Redact(nil, src)
	st := d.Stats()
	assert.NotZero(t, st.Timeouts, "timeouts")
	assert.LessOrEqual(t, st.Timeouts, uint64(2), "timeouts: one window, at most the plain and the anchored search")
	assert.NotZero(t, st.Undecided, "undecided regions")
	assert.Equal(t, "[REDACTED:undecided]", string(got), "the undecided window is masked")
}
