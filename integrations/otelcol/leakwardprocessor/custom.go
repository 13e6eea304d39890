package leakwardprocessor

import (
	"github.com/leakward/leakward/detect"
	"github.com/leakward/leakward/patterns"
)

// CustomPattern is a credential format of the operator's own, added to the
// catalog (Config.CustomPatterns). The detector looks for its Keywords and
// runs Regex in a window around each, under the same match timeout and
// work budget as the catalog's patterns; see detect.CheckCustom for the
// rules it must meet. A CustomPattern is read-only once the processor is
// built.
type CustomPattern struct {
	// ID names the pattern in masks ("[REDACTED:<id>]") and summary
	// attributes: 1 to 64 bytes of lowercase letters, digits and single
	// hyphens, not a catalog id, not "undecided", "key" or "total".
	ID string `mapstructure:"id"`
	// Keywords are literal strings, one of which every match contains:
	// 1 to 32, each at least 4 bytes with a letter or digit.
	Keywords []string `mapstructure:"keywords"`
	// KeywordsIgnoreCase makes the keywords match regardless of ASCII
	// case (the regex is not changed: write (?i) in it for that).
	KeywordsIgnoreCase bool `mapstructure:"keywords_ignore_case"`
	// Regex locates the secret, in regexp2 (.NET-like) syntax; a group
	// named "secret" marks the secret inside the match, otherwise the
	// whole match is the secret.
	Regex string `mapstructure:"regex"`
	// MaxLen is the longest match, in bytes (default 256, at most 16384);
	// the regex runs in a window reaching this far around a keyword.
	MaxLen int `mapstructure:"max_len"`
	// MinLen, when above 0, rejects secrets shorter than this many bytes.
	MinLen int `mapstructure:"min_len"`
	// MinEntropy, when above 0, rejects secrets whose Shannon entropy is
	// lower, in bits per byte (0 to 8; random base-62 text has about 5.9,
	// hex 4).
	MinEntropy float64 `mapstructure:"min_entropy"`
	// Examples are texts that must each yield a finding of the pattern,
	// NonExamples texts that must yield none: checked when the
	// configuration is validated, so that a regex that never matches
	// fails the collector's start instead of passing secrets.
	Examples    []string `mapstructure:"examples"`
	NonExamples []string `mapstructure:"non_examples"`

	// prevent unkeyed literal initialization
	_ struct{}
}

// summaryTotalID is the id part of the summary's total attribute
// ("<prefix>.total"): a pattern with this id would share it.
const summaryTotalID = "total"

// pattern returns the catalog pattern c describes.
func (c *CustomPattern) pattern() patterns.Pattern {
	p := patterns.Pattern{
		ID:               c.ID,
		Provider:         "custom",
		Description:      "a pattern of the collector's configuration",
		Grants:           patterns.PrivScoped,
		Severity:         patterns.SeverityHigh,
		Confidence:       patterns.ConfidenceDistinctive,
		Keywords:         c.Keywords,
		KeywordsFoldCase: c.KeywordsIgnoreCase,
		Regex:            c.Regex,
		MaxLen:           c.MaxLen,
		MinEntropy:       c.MinEntropy,
		Examples:         c.Examples,
		NonExamples:      c.NonExamples,
	}
	if n := c.MinLen; n > 0 {
		p.Validate = func(secret []byte, _ *patterns.Meta) bool { return len(secret) >= n }
	}
	return p
}

// validateCustom checks the custom patterns and calls bad for each
// mistake, naming the entry by its index (and the id, which
// detect.CheckCustom quotes only when it has the shape of an id).
func (c *Config) validateCustom(bad func(format string, args ...any)) {
	for i := range c.CustomPatterns {
		cp := &c.CustomPatterns[i]
		if cp.ID == summaryTotalID {
			bad("custom_patterns[%d]: id %q is reserved for the summary's total", i, cp.ID)
			continue
		}
		if err := detect.CheckCustom(cp.pattern()); err != nil {
			bad("custom_patterns[%d]: %w", i, err)
			continue
		}
		maxLen := cp.MaxLen
		if maxLen == 0 {
			maxLen = patterns.DefaultMaxLen
		}
		if cp.MinLen < 0 || cp.MinLen > maxLen {
			bad("custom_patterns[%d] %q: min_len %d out of range [0, %d] (max_len)", i, cp.ID, cp.MinLen, maxLen)
		}
		for j := range i {
			if c.CustomPatterns[j].ID == cp.ID {
				bad("custom_patterns[%d]: id %q is also the id of custom_patterns[%d]", i, cp.ID, j)
				break
			}
		}
	}
}

// customPatterns returns the patterns of c.CustomPatterns, for
// patterns.With.
func (c *Config) customPatterns() []patterns.Pattern {
	out := make([]patterns.Pattern, len(c.CustomPatterns))
	for i := range c.CustomPatterns {
		out[i] = c.CustomPatterns[i].pattern()
	}
	return out
}
