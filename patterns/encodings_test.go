package patterns_test

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/url"
	"strings"
	"testing"

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

// sqlServerEncodingGap is why sqlserver-connection-string misses in most
// encodings: one of its test units lacks the Server= (or Data Source=)
// property its regex needs, so only password-assignment finds it, in any
// encoding; for the others, the hex forms of keywords matched regardless of
// case are lower case only (the units write Password=), and references or
// escapes break the keyword.
const sqlServerEncodingGap = "a unit without Server=; Password= has no hex form and breaks when escaped"

// knownEncodingGaps are (pattern, encoding) pairs known to miss, with the
// reason; the test fails when one starts to pass.
var knownEncodingGaps = map[string]string{
	"authorization-basic-header / hex":                    "hex forms of keywords matched regardless of case are lower case only (Basic is written capitalised)",
	"authorization-basic-header / hex upper case":         "hex forms of keywords matched regardless of case are lower case only (Basic is written capitalised)",
	"authorization-basic-header / percent twice":          "%20 (a space) does not trigger percent decoding: too common in URLs",
	"ethereum-keystore-json / html named references":      "&quot; breaks the quoted JSON keys the pattern's keywords are",
	"ethereum-keystore-json / html references":            "&quot; breaks the quoted JSON keys the pattern's keywords are",
	"gcp-service-account-json / percent twice":            "one decoding level leaves %20/%0A, which do not trigger the second",
	"openssh-private-key / percent twice":                 "one decoding level leaves %20/%0A, which do not trigger the second",
	"pem-private-key / percent twice":                     "one decoding level leaves %20/%0A, which do not trigger the second",
	"pgp-private-key / percent twice":                     "one decoding level leaves %20/%0A, which do not trigger the second",
	"putty-private-key / percent twice":                   "one decoding level leaves %20/%0A, which do not trigger the second",
	"sqlserver-connection-string / hex":                   sqlServerEncodingGap,
	"sqlserver-connection-string / hex upper case":        sqlServerEncodingGap,
	"sqlserver-connection-string / html named references": sqlServerEncodingGap,
	"sqlserver-connection-string / html references":       sqlServerEncodingGap,
	"sqlserver-connection-string / percent twice":         sqlServerEncodingGap,
	"together-api-key / percent twice":                    "one decoding level leaves %20/%0A, which do not trigger the second",
	"vercel-token / percent twice":                        "one decoding level leaves %20/%0A, which do not trigger the second",
}

func TestEncodings(t *testing.T) {
	d, err := ctxDetector()
	require.NoError(t, err)
	ss := catalogSamples(t)
	require.NotEmpty(t, ss)
	var fails []ctxFailure
	tried := 0
	for _, smp := range ss {
		if strings.ContainsAny(smp.unit(), "\r\n") {
			continue
		}
		for _, e := range encodings {
			tried++
			encoded := e.enc(smp.unit())
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
	reportFailures(t, "encoding", tried, fails, knownEncodingGaps)
	assert.Positive(t, tried)
}
