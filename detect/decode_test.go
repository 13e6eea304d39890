package detect

import (
	"encoding/hex"
	"math/rand/v2"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leakward/leakward/patterns"
)

// decodePatterns adds to the test catalog patterns whose keywords hold
// what the decoders must see through: a space and a line break (a key
// block), quotes (a JSON key), and a match that spans spaces with
// keywords matched regardless of case (a connection string).
func decodePatterns() []patterns.Pattern {
	return append(testPatterns(),
		patterns.Pattern{
			ID: "test-block", Provider: "Test", Grants: patterns.PrivFullAccount,
			Severity: patterns.SeverityCritical, Confidence: patterns.ConfidenceDistinctive,
			Keywords: []string{"BEGIN TEST KEY"},
			Regex:    `BEGIN TEST KEY\r?\n(?<secret>[A-Za-z0-9+/]{40})\r?\nEND TEST KEY`,
			MaxLen:   80,
		},
		patterns.Pattern{
			ID: "test-json", Provider: "Test", Grants: patterns.PrivFullAccount,
			Severity: patterns.SeverityCritical, Confidence: patterns.ConfidenceDistinctive,
			Keywords: []string{`"test_blob"`},
			Regex:    `"test_blob"[ \t]*:[ \t]*"(?<secret>[0-9a-f]{32})"`,
			MaxLen:   80,
		},
		patterns.Pattern{
			ID: "test-conn", Provider: "Test", Grants: patterns.PrivDataStore,
			Severity: patterns.SeverityCritical, Confidence: patterns.ConfidenceDistinctive,
			Keywords: []string{"host=", "pass="}, KeywordsFoldCase: true,
			Regex:  `(?i)host=[^;\s]{1,40};[ ]?user id=[^;]{1,40};[ ]?pass=(?<secret>[A-Za-z0-9]{12,40})(?![A-Za-z0-9])`,
			MaxLen: 200,
		},
	)
}

func decAlnum(r *rand.Rand, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = b62[r.IntN(len(b62))]
	}
	return string(b)
}

func decHex(r *rand.Rand, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = "0123456789abcdef"[r.IntN(16)]
	}
	return string(b)
}

// decodeCase is a text to scan and the pattern that must be found in it
// ("" when none may be), with the secret's encoded form, which redaction
// must remove.
type decodeCase struct {
	name, src, id, encoded string
}

func checkDecodeCases(t *testing.T, d *Detector, cases []decodeCase) {
	t.Helper()
	for _, tc := range cases {
		src := []byte(tc.src)
		var ids []string
		for _, f := range d.Scan(src) {
			ids = append(ids, f.PatternID)
		}
		if tc.id == "" {
			assert.Empty(t, ids, "%s: findings in a text that holds none", tc.name)
			continue
		}
		assert.Contains(t, ids, tc.id, "%s: pattern not found", tc.name)
		if strings.Contains(string(d.Redact(nil, src)), tc.encoded) {
			t.Errorf("%s: the encoded secret survives redaction", tc.name)
		}
	}
}

// TestScanHexKeywordCases: the hex form of a keyword matched regardless of
// case triggers decoding as written, in lower case, capitalised and in
// upper case, with either case of hex digits.
func TestScanHexKeywordCases(t *testing.T) {
	d, err := New(decodePatterns())
	require.NoError(t, err)
	r := rand.New(rand.NewPCG(71, 72))
	pw := decAlnum(r, 20)
	var cases []decodeCase
	for _, conn := range []string{
		"host=db1;user id=app;pass=" + pw,
		"Host=db1; User Id=app; Pass=" + pw,
		"HOST=db1;USER ID=app;PASS=" + pw,
	} {
		h := hex.EncodeToString([]byte(conn))
		enc := hex.EncodeToString([]byte(pw))
		cases = append(cases,
			decodeCase{"hex " + conn[:4], "body=" + h + " len=9\n", "test-conn", enc},
			decodeCase{"HEX " + conn[:4], "body=" + strings.ToUpper(h) + " len=9\n", "test-conn", strings.ToUpper(enc)})
	}
	// Near misses: a password too short, and a digest with no keyword.
	short := hex.EncodeToString([]byte("Host=db1; User Id=app; Pass=" + pw[:8]))
	cases = append(cases,
		decodeCase{"short password", "body=" + short + " len=9\n", "", ""},
		decodeCase{"digest", "sha256=" + decHex(r, 64) + " len=9\n", "", ""})
	checkDecodeCases(t, d, cases)
}

// TestScanPercentTwice: text percent-encoded twice is decoded twice
// whatever it holds (an escaped %25 before two hex digits makes the second
// level), and a form's '+' is read as a space unless the run writes spaces
// as %20.
func TestScanPercentTwice(t *testing.T) {
	d, err := New(decodePatterns())
	require.NoError(t, err)
	r := rand.New(rand.NewPCG(73, 74))
	body := decAlnum(r, 38) + "+/"
	alnum := decAlnum(r, 40)
	block := func(b string) string { return "BEGIN TEST KEY\n" + b + "\nEND TEST KEY" }
	form := func(s string) string { return url.QueryEscape(url.QueryEscape(s)) }
	path := func(s string) string { return url.PathEscape(url.PathEscape(s)) }
	cases := []decodeCase{
		{"form twice", "q=" + form(block(body)) + "&x=1", "test-block", form(body)},
		{"path twice", "/v1/" + path(block(alnum)) + " 200", "test-block", path(alnum)},
		{"form twice, alnum", "q=" + form(block(alnum)) + "&x=1", "test-block", form(alnum)},
		// Near misses: a '+' in a run that writes spaces as %20 is a
		// plus; a %25 before other than hex digits is a percent sign.
		{"plus beside %20", "/v1/" + strings.ReplaceAll(url.PathEscape(url.PathEscape("BEGIN+TEST KEY\n"+alnum+"\nEND TEST KEY")), "+", "%2B"), "", ""},
		{"percent sign", "load=100%25 BEGIN%25zzTEST%25zzKEY%250A" + alnum, "", ""},
	}
	checkDecodeCases(t, d, cases)
}

// TestScanHTMLKeywordForms: a keyword holding quotes is found in the
// references each common HTML escaper writes for them, and text decoded
// for a reference is the whole line, spaces included.
func TestScanHTMLKeywordForms(t *testing.T) {
	d, err := New(decodePatterns())
	require.NoError(t, err)
	r := rand.New(rand.NewPCG(75, 76))
	blob := decHex(r, 32)
	pw := decAlnum(r, 20)
	var cases []decodeCase
	for _, q := range []string{"&quot;", "&#34;", "&#x22;"} {
		cases = append(cases, decodeCase{"json " + q, "<pre>{" + q + "test_blob" + q + ": " + q + blob + q + "}</pre>", "test-json", blob})
	}
	cases = append(cases,
		decodeCase{"connection string", "<td>Host&#61;db1; User Id&#61;app; Pass&#61;" + pw + "</td>", "test-conn", pw},
		decodeCase{"named references", "<td>Host&equals;db1; User Id&equals;app; Pass&equals;" + pw + "</td>", "test-conn", pw},
		// Near misses: another key, a value of the wrong shape.
		decodeCase{"other key", "<pre>{&quot;test_blobs&quot;: &quot;" + blob + "&quot;}</pre>", "", ""},
		decodeCase{"wrong shape", "<pre>{&quot;test_blob&quot;: &quot;" + pw + "&quot;}</pre>", "", ""},
	)
	checkDecodeCases(t, d, cases)
}
