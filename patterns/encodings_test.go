package patterns_test

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/dlclark/regexp2/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The test of this file writes the unit of every self-describing example
// (see catalogSamples) in the encodings text carries secrets in, inside a
// line of text, and checks that the default catalog reports the sample's
// pattern and that redaction leaves none of the encoded secret. Encodings
// the engine decodes: percent (once or twice), HTML character references,
// hex, base64 (standard, URL-safe, wrapped), JSON escapes.

// encoding writes a unit; contiguous reports whether the encoded secret is
// the encoding of the secret alone (not of a longer text around it).
type encoding struct {
	name       string
	enc        func(unit string) string
	contiguous bool
}

func percentAll(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		fmt.Fprintf(&b, "%%%02X", s[i])
	}
	return b.String()
}

func jsonUnicode(s string) string {
	var b strings.Builder
	for _, r := range s {
		fmt.Fprintf(&b, "\\u%04x", r)
	}
	return b.String()
}

func wrap(s string, width int) string {
	var b strings.Builder
	for len(s) > width {
		b.WriteString(s[:width] + "\n")
		s = s[width:]
	}
	b.WriteString(s)
	return b.String()
}

var encodings = []encoding{
	{"percent twice", func(s string) string { return url.QueryEscape(url.QueryEscape(s)) }, true},
	{"html references", strings.NewReplacer("/", "&#x2F;", "+", "&#43;", "=", "&#61;", "&", "&amp;", `"`, "&quot;").Replace, true},
	{"html named references", strings.NewReplacer("/", "&sol;", "+", "&plus;", "=", "&equals;", "&", "&amp;", `"`, "&quot;").Replace, true},
	{"hex", func(s string) string { return hex.EncodeToString([]byte(s)) }, true},
	{"hex upper case", func(s string) string { return strings.ToUpper(hex.EncodeToString([]byte(s))) }, true},
	{"json unicode escapes", jsonUnicode, true},
	{"base64url", func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }, false},
	{"base64 of a config file", func(s string) string {
		return base64.StdEncoding.EncodeToString([]byte(strings.Repeat("# settings\n", 12) + "KEY=" + s + "\nDEBUG=0\n"))
	}, false},
	{"base64 wrapped at 76", func(s string) string {
		return wrap(base64.StdEncoding.EncodeToString([]byte("# settings\nKEY="+s+"\n")), 76)
	}, false},
	{"base64 wrapped at 64", func(s string) string {
		return wrap(base64.StdEncoding.EncodeToString([]byte("# settings\nKEY="+s+"\n")), 64)
	}, false},
}

// lookaroundUnit returns the unit of smp extended, within its example, by
// the text after it that the regex's look-ahead needs (a connection
// string's Server= after its password, the ';' after a braced value):
// the shortest such unit alone still matches with the same secret.
func lookaroundUnit(t *testing.T, smp sample) string {
	t.Helper()
	u := smp.unit()
	re, err := regexp2.Compile(smp.p.Regex, regexp2.None)
	require.NoError(t, err, smp.p.ID)
	s, e := len(smp.pre), len(smp.pre)+len(smp.secret)
	for _, ex := range smp.p.Examples {
		i := strings.Index(ex, u)
		if i < 0 {
			continue
		}
		for end := i + len(u); end <= len(ex); end++ {
			if matchesSpan(re, ex[i:end], s, e) {
				return ex[i:end]
			}
		}
	}
	return u
}

// matchesSpan reports whether a match of re in text has its secret (the
// secret group, else the whole match) at the byte span [s, e).
func matchesSpan(re *regexp2.Regexp, text string, s, e int) bool {
	offs := make([]int, 0, len(text)+1)
	for i := range text {
		offs = append(offs, i)
	}
	offs = append(offs, len(text))
	sg := re.GroupNumberFromName("secret")
	found := false
	_ = re.FindRunesMatches([]rune(text), 0, func(m regexp2.MatchView) bool {
		g := 0
		if sg > 0 {
			g = sg
		}
		i, l, ok := m.GroupRange(g)
		found = ok && offs[i] == s && offs[i+l] == e
		return !found
	})
	return found
}

func TestEncodings(t *testing.T) {
	d, err := ctxDetector()
	require.NoError(t, err)
	ss := catalogSamples(t)
	require.NotEmpty(t, ss)
	var fails []ctxFailure
	tried := 0
	for _, smp := range ss {
		unit := lookaroundUnit(t, smp)
		if strings.ContainsAny(unit, "\r\n") {
			continue
		}
		for _, e := range encodings {
			tried++
			encoded := e.enc(unit)
			text := "2025-01-14T10:01:02Z DEBUG payload=" + encoded + " len=42\n"
			found := false
			for _, f := range d.Scan([]byte(text)) {
				found = found || f.PatternID == smp.p.ID
			}
			if !found {
				fails = append(fails, ctxFailure{smp.p.ID, e.name, preview(smp.secret) + ": no finding"})
				continue
			}
			if e.contiguous {
				sec := e.enc(smp.secret)
				if red := string(d.Redact(nil, []byte(text))); strings.Contains(red, sec) {
					fails = append(fails, ctxFailure{smp.p.ID, e.name, preview(smp.secret) + ": the encoded secret survives redaction"})
				}
			}
		}
	}
	reportFailures(t, "encoding", tried, fails, nil)
	assert.Positive(t, tried)
}
