package detect

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/dlclark/regexp2/v2/syntax"

	"github.com/leakward/leakward/patterns"
)

// Bounds of a pattern that comes from configuration (see CheckCustom).
const (
	// MaxCustomKeywords is the most keywords CheckCustom accepts in one
	// pattern.
	MaxCustomKeywords = 32
	// MinCustomKeywordLen is the shortest keyword CheckCustom accepts, in
	// bytes.
	MinCustomKeywordLen = 4
	// maxCustomExamples bounds Examples plus NonExamples, each at most
	// MaxPatternLen bytes.
	maxCustomExamples = 64
)

// reservedIDs are ids a pattern from configuration may not take: masks and
// counters named by them would read as something else.
var reservedIDs = []string{
	UndecidedID, // "[REDACTED:undecided]" marks what the engine could not decide
	"key",       // "[REDACTED:key]" is RedactedKey, a map key's placeholder
}

// CheckCustom checks a pattern that comes from configuration rather than
// code (a collector's or a command's config file) before it is added to
// the catalog with patterns.With and compiled by New. It compiles p as New
// does, under the same bounds as the catalog's patterns (keywords of at
// most 64 bytes, a regex of at most 16 KiB that compiles with regexp2's
// backtracking stack bound, MaxLen in [0, MaxPatternLen], MinEntropy in
// [0, 8]), and adds the rules that a catalog pattern's tests enforce and a
// configured one has no tests for:
//
//   - ID is id-shaped (patterns.IDShaped), is not a catalog id (to
//     replace a built-in pattern, disable it and add yours under another
//     id), and is not reserved ("undecided", "key");
//   - there are 1 to MaxCustomKeywords keywords, none listed twice, each
//     valid UTF-8 of at least MinCustomKeywordLen bytes holding an ASCII
//     letter or digit: a 3-byte keyword is found only where a letter,
//     digit, '-', '_' or '.' follows it (see Pattern.Keywords), which
//     nothing here can prove of a configured regex, and a keyword of
//     spaces or punctuation would send the regex through ordinary text
//     everywhere, defeating the prefilter;
//   - each of p.Examples yields a finding of p, and no p.NonExamples does,
//     when scanned by a detector holding p alone (optional; together at
//     most 64, each at most MaxPatternLen bytes).
//
// Once compiled, a configured pattern is bounded as a built-in one is: its
// regex runs only in windows around its keywords, each search under the
// Detector's match timeout (WithMatchTimeout) and counted against the work
// budget, so a regex that backtracks catastrophically costs at most one
// timeout per window, and the window is masked as undecided (see
// "Redaction guarantee"), never passed.
//
// Errors wrap ErrInvalidPattern and name the id when it is id-shaped,
// keywords and examples by their index; no error quotes a keyword, an
// example, the regex or any part of it, since configuration values can be
// secrets pasted in the wrong place. CheckCustom is safe for concurrent
// use.
func CheckCustom(p patterns.Pattern) error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w %s: %s", ErrInvalidPattern, idText(p.ID), fmt.Sprintf(format, args...))
	}
	switch {
	case !patterns.IDShaped(p.ID):
		return bad("id must be 1 to %d bytes of lowercase letters, digits and single hyphens", patterns.MaxIDLen)
	case slices.Contains(reservedIDs, p.ID):
		return bad("id is reserved")
	}
	if _, ok := patterns.ByID(p.ID); ok {
		return bad("id is a built-in pattern's id")
	}
	if len(p.Keywords) == 0 {
		return bad("no keywords")
	}
	if len(p.Keywords) > MaxCustomKeywords {
		return bad("%d keywords, at most %d", len(p.Keywords), MaxCustomKeywords)
	}
	for i, k := range p.Keywords {
		switch {
		case len(k) < MinCustomKeywordLen:
			return bad("keyword %d is shorter than %d bytes", i, MinCustomKeywordLen)
		case !utf8.ValidString(k):
			return bad("keyword %d is not valid UTF-8", i)
		case !strings.ContainsFunc(k, isASCIIAlnum):
			return bad("keyword %d has no ASCII letter or digit", i)
		}
		for j, prev := range p.Keywords[:i] {
			if prev == k || p.KeywordsFoldCase && strings.EqualFold(prev, k) {
				return bad("keyword %d repeats keyword %d", i, j)
			}
		}
	}
	if n := len(p.Examples) + len(p.NonExamples); n > maxCustomExamples {
		return bad("%d examples and non-examples, at most %d", n, maxCustomExamples)
	}
	if _, err := compile(p, DefaultMatchTimeout); err != nil {
		return err
	}
	if len(p.Examples) == 0 && len(p.NonExamples) == 0 {
		return nil
	}
	d, err := New([]patterns.Pattern{p})
	if err != nil {
		return err
	}
	for i, ex := range p.Examples {
		if len(ex) > MaxPatternLen {
			return bad("example %d is longer than %d bytes", i, MaxPatternLen)
		}
		if !hasFinding(d.Scan([]byte(ex)), p.ID) {
			return bad("example %d yields no finding", i)
		}
	}
	for i, ex := range p.NonExamples {
		if len(ex) > MaxPatternLen {
			return bad("non-example %d is longer than %d bytes", i, MaxPatternLen)
		}
		if hasFinding(d.Scan([]byte(ex)), p.ID) {
			return bad("non-example %d yields a finding", i)
		}
	}
	return nil
}

func hasFinding(fs []Finding, id string) bool {
	return slices.ContainsFunc(fs, func(f Finding) bool { return f.PatternID == id })
}

func isASCIIAlnum(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
}

// regexProblem describes why a regex did not compile without quoting it:
// regexp2's errors end with the whole regex and some quote a part of it
// (an unknown escape, a group name), and a regex may hold a literal
// secret. The parts are replaced by "…".
func regexProblem(err error) string {
	var se *syntax.Error
	if errors.As(err, &se) {
		return strings.NewReplacer("%v", "…", "%c", "…").Replace(string(se.Code))
	}
	msg := err.Error()
	if i := strings.Index(msg, " in `"); i >= 0 {
		msg = msg[:i]
	}
	return msg
}
