package patterns_test

import (
	"bufio"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/dlclark/regexp2/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leakward/leakward/detect"
	"github.com/leakward/leakward/internal/testlog"
	"github.com/leakward/leakward/patterns"
)

// The tests of this file take the secret of every example of every
// self-describing pattern (not NeedsContext) and check the whole default
// catalog on it in the places real secrets are written: log lines, JSON,
// YAML, env files, shell, URLs, headers, source code, markup, odd line
// endings and encodings. They then check near misses of each secret
// (hard decoys) and benign text. Failures print previews, never secrets.

// ctxDetector is the default catalog's detector, shared by these tests.
var ctxDetector = sync.OnceValues(func() (*detect.Detector, error) {
	return detect.New(patterns.Default())
})

// sample is the secret of one example of one pattern, with the text the
// pattern's regex matched around it (a URI around its password, a marker
// around a key): pre + secret + post.
type sample struct {
	p           patterns.Pattern
	pre, secret string
	post        string
	validated   bool
}

// unit returns the matched text that holds the secret.
func (s sample) unit() string { return s.pre + s.secret + s.post }

// catalogSamples returns the secrets of the examples of every pattern that
// is recognisable without context, deduplicated. Each secret and its span
// come from the example as written (Pattern.ExampleSpan), not from a scan;
// the scan only confirms them: an example whose secret the engine does not
// find, with that span and pattern id, fails the test.
func catalogSamples(t *testing.T) []sample {
	t.Helper()
	d, err := ctxDetector()
	require.NoError(t, err)
	var out []sample
	for _, p := range patterns.Default() {
		if p.NeedsContext {
			continue
		}
		re, err := regexp2.Compile(p.Regex)
		require.NoError(t, err, p.ID)
		seen := map[string]bool{}
		for i, ex := range p.Examples {
			start, end, ok := p.ExampleSpan(i)
			if !ok {
				t.Errorf("%s example %d (%s): declared secret not in the text", p.ID, i, preview(ex))
				continue
			}
			f, found := findingAt(d.Scan([]byte(ex)), p.ID, start, end)
			if !found {
				t.Errorf("%s example %d (%s): no %s finding at [%d,%d)", p.ID, i, preview(ex), p.ID, start, end)
				continue
			}
			s := ex[start:end]
			if seen[s] {
				continue
			}
			seen[s] = true
			ms, me := matchAround(re, ex, start, end)
			if strings.Contains(ex[ms:me], "://") {
				// A URI's match may end at its userinfo: keep the
				// rest of the URI, which its look-ahead needs.
				for me < len(ex) && !strings.ContainsRune(" \t\r\n\"'<>`", rune(ex[me])) {
					me++
				}
			}
			out = append(out, sample{p: p, pre: ex[ms:start], secret: s, post: ex[end:me], validated: f.Validated})
		}
	}
	return out
}

// findingAt returns the finding of pattern id with span [start, end).
func findingAt(fs []detect.Finding, id string, start, end int) (detect.Finding, bool) {
	for _, f := range fs {
		if f.PatternID == id && f.Start == start && f.End == end {
			return f, true
		}
	}
	return detect.Finding{}, false
}

// matchAround returns the byte span of the regex match of ex whose secret
// is [s, e), or [s, e) when none is found.
func matchAround(re *regexp2.Regexp, ex string, s, e int) (int, int) {
	runes := []rune(ex)
	offs := make([]int, 0, len(runes)+1)
	for i := range ex {
		offs = append(offs, i)
	}
	offs = append(offs, len(ex))
	ms, me := s, e
	sg := re.GroupNumberFromName("secret")
	_ = re.FindRunesMatches(runes, 0, func(m regexp2.MatchView) bool {
		i, l, _ := m.GroupRange(0)
		a, b := offs[i], offs[i+l]
		if sg > 0 {
			si, sl, ok := m.GroupRange(sg)
			if !ok || offs[si] != s || offs[si+sl] != e {
				return true
			}
		} else if a != s || b != e {
			return true
		}
		ms, me = a, b
		return false
	})
	return ms, me
}

// placed is a secret written into a context: the text and the span the
// finding must have.
type placed struct {
	text       string
	start, end int
}

// around writes u between before and after, with enc applied to it (nil
// for none), and records where its secret lands.
func around(before string, u sample, enc func(string) string, after string) placed {
	if enc == nil {
		enc = func(s string) string { return s }
	}
	pre, sec, post := enc(u.pre), enc(u.secret), enc(u.post)
	start := len(before) + len(pre)
	return placed{text: before + pre + sec + post + after, start: start, end: start + len(sec)}
}

// b64Placed writes base64(pre+u+post) between before and after and records
// the span the engine maps a finding of the secret to: the base64
// characters that encode its bytes.
func b64Placed(before, pre string, u sample, post, after string) placed {
	e := base64.StdEncoding.EncodeToString([]byte(pre + u.unit() + post))
	lo := len(before)
	off := len(pre) + len(u.pre)
	start := lo + off/3*4
	end := min(lo+(off+len(u.secret)+2)/3*4, lo+len(e))
	return placed{text: before + e + after, start: start, end: end}
}

// secretShape says what a secret holds, for choosing the contexts it can
// be written in.
type secretShape struct {
	newline, space, dquote, squote, backslash, slash, reserved, backtick, comma bool
	// contextual: the unit starts with a context word, not the token.
	contextual bool
	// percent: the secret is already percent-encoded in part.
	percent bool
	// amp: the secret holds '&' (an HTML entity start).
	amp bool
}

func shapeOf(s string) secretShape {
	return secretShape{
		newline:   strings.ContainsAny(s, "\r\n"),
		space:     strings.ContainsAny(s, " \t"),
		dquote:    strings.Contains(s, `"`),
		squote:    strings.Contains(s, `'`),
		backslash: strings.Contains(s, `\`),
		slash:     strings.Contains(s, "/"),
		reserved:  url.QueryEscape(s) != s,
		backtick:  strings.Contains(s, "`"),
		comma:     strings.Contains(s, ","),
		percent:   strings.Contains(s, "%"),
		amp:       strings.Contains(s, "&"),
	}
}

// oneLine reports a secret that fits a value without quotes.
func (h secretShape) oneLine() bool { return !h.newline }

// bare reports a secret that is a single word.
func (h secretShape) bare() bool { return !h.newline && !h.space }

// quotable reports a secret that fits in a double-quoted string as is.
func (h secretShape) quotable() bool { return !h.newline && !h.dquote && !h.backslash }

// filler is benign text of about n bytes without line breaks.
func filler(n int) string {
	words := []string{"level=info", "component=api", "request_id=42", "method=GET", "path=/v1/items",
		"status=200", "latency_ms=13", "bytes=512", "host=web-3", "region=eu-west-1", "msg=\"served\""}
	var b strings.Builder
	for i := 0; b.Len() < n; i++ {
		b.WriteString(words[i%len(words)])
		b.WriteByte(' ')
	}
	return b.String()
}

// context writes a sample into a text. other is a secret of another
// pattern, for the neighbour contexts.
type context struct {
	name string
	ok   func(h secretShape) bool
	make func(u sample, other string) placed
}

var longFiller = filler(1024)

func always(secretShape) bool { return true }

func escapeSlash(s string) string { return strings.ReplaceAll(s, "/", `\/`) }

func escapeNewline(s string) string { return strings.ReplaceAll(s, "\n", `\n`) }

func crlf(s string) string { return strings.ReplaceAll(s, "\n", "\r\n") }

func indent4(s string) string { return strings.ReplaceAll(s, "\n", "\n    ") }

var contexts = []context{
	{"log line", secretShape.bare, func(u sample, _ string) placed {
		return around(`2025-01-14T10:01:02Z INFO msg="client init" key=`, u, nil, " user=x\n")
	}},
	{"json", secretShape.quotable, func(u sample, _ string) placed {
		return around(`{"level":"info","k":"`, u, nil, `","n":1}`)
	}},
	{"json escaped slash", func(h secretShape) bool { return h.quotable() && h.slash }, func(u sample, _ string) placed {
		return around(`{"level":"info","k":"`, u, escapeSlash, `","n":1}`)
	}},
	{"json escaped newlines", func(h secretShape) bool { return h.newline && !h.dquote && !h.backslash }, func(u sample, _ string) placed {
		return around(`{"type":"x","private_key":"`, u, escapeNewline, `","client_email":"a@b.iam.gserviceaccount.com"}`)
	}},
	{"yaml", secretShape.oneLine, func(u sample, _ string) placed {
		return around("service:\n  k: ", u, nil, "\n  port: 8080\n")
	}},
	{"yaml quoted", secretShape.quotable, func(u sample, _ string) placed {
		return around("service:\n  k: \"", u, nil, "\"\n  port: 8080\n")
	}},
	{"yaml block", func(h secretShape) bool { return h.newline }, func(u sample, _ string) placed {
		u.post = strings.TrimRight(u.post, "\n")
		if u.post == "" {
			u.secret = strings.TrimRight(u.secret, "\n")
		}
		return around("service:\n  k: |\n    ", u, indent4, "\n  port: 8080\n")
	}},
	{"env", secretShape.bare, func(u sample, _ string) placed { return around("# app\nK=", u, nil, "\nPORT=8080\n") }},
	{"export single quoted", func(h secretShape) bool { return h.oneLine() && !h.squote }, func(u sample, _ string) placed {
		return around("export K='", u, nil, "'\n")
	}},
	{"shell flag", secretShape.bare, func(u sample, _ string) placed {
		return around("$ tool deploy --token ", u, nil, " --verbose\n")
	}},
	{"url query", func(h secretShape) bool {
		return h.oneLine() && !h.dquote && !h.backslash && !h.contextual && !h.percent
	}, func(u sample, _ string) placed {
		return around("GET https://api.service.test/v1/items?token=", u, url.QueryEscape, "&x=1 HTTP/1.1\n")
	}},
	{"bearer header", secretShape.bare, func(u sample, _ string) placed {
		return around("GET /v1/me HTTP/1.1\r\nAuthorization: Bearer ", u, nil, "\r\nAccept: */*\r\n")
	}},
	{"x-api-key header", secretShape.bare, func(u sample, _ string) placed {
		return around("POST /v1/x HTTP/1.1\r\nX-Api-Key: ", u, nil, "\r\nContent-Length: 2\r\n")
	}},
	{"go source", secretShape.quotable, func(u sample, _ string) placed {
		return around("func main() {\n\tapiKey := \"", u, nil, "\"\n\tuse(apiKey)\n}\n")
	}},
	{"python getenv default", secretShape.quotable, func(u sample, _ string) placed {
		return around("api_key = os.getenv(\"X\", \"", u, nil, "\")\n")
	}},
	{"js source", func(h secretShape) bool { return h.oneLine() && !h.squote && !h.backslash }, func(u sample, _ string) placed {
		return around("const apiKey = '", u, nil, "';\n")
	}},
	{"markdown backticks", func(h secretShape) bool { return h.oneLine() && !h.backtick }, func(u sample, _ string) placed {
		return around("Use the key `", u, nil, "` in requests.\n")
	}},
	{"xml", secretShape.oneLine, func(u sample, _ string) placed {
		return around("<config><key>", u, nil, "</key></config>\n")
	}},
	{"csv", func(h secretShape) bool { return h.bare() && !h.comma }, func(u sample, _ string) placed {
		return around("id,name,key,created\n7,deploy,", u, nil, ",2025-01-14\n")
	}},
	{"end of input", always, func(u sample, _ string) placed { return around("key=", u, nil, "") }},
	{"start of input", always, func(u sample, _ string) placed { return around("", u, nil, " is the key\n") }},
	{"after tab", secretShape.bare, func(u sample, _ string) placed { return around("key\t", u, nil, "\tnext\n") }},
	{"parentheses", secretShape.oneLine, func(u sample, _ string) placed { return around("set (", u, nil, ") ok\n") }},
	{"brackets", secretShape.oneLine, func(u sample, _ string) placed { return around("keys=[", u, nil, "]\n") }},
	{"crlf", always, func(u sample, _ string) placed {
		return around("line one\r\nkey=", u, crlf, "\r\nline three\r\n")
	}},
	{"long line", secretShape.bare, func(u sample, _ string) placed {
		return around(longFiller+"key=", u, nil, " "+longFiller+"\n")
	}},
	{"neighbour before", secretShape.bare, func(u sample, other string) placed {
		return around("a="+other+" b=", u, nil, "\n")
	}},
	{"neighbour after", secretShape.bare, func(u sample, other string) placed {
		return around("b=", u, nil, " a="+other+"\n")
	}},
	{"nested json", func(h secretShape) bool { return h.quotable() && !h.slash }, func(u sample, _ string) placed {
		return around(`{"level":"debug","body":"{\"k\":\"`, u, nil, `\",\"n\":1}"}`)
	}},
	{"html attribute", func(h secretShape) bool { return h.quotable() && !h.amp }, func(u sample, _ string) placed {
		return around(`<input type="hidden" name="k" value="`, u, nil, `">`+"\n")
	}},
	{"toml", secretShape.quotable, func(u sample, _ string) placed {
		return around("[service]\nk = \"", u, nil, "\"\n")
	}},
	{"sql insert", func(h secretShape) bool { return h.oneLine() && !h.squote && !h.backslash }, func(u sample, _ string) placed {
		return around("INSERT INTO creds (name, value) VALUES ('ci', '", u, nil, "');\n")
	}},
	{"unicode neighbours", secretShape.bare, func(u sample, _ string) placed {
		return around("clé «", u, nil, "» — ok ✓\n")
	}},
	{"url path", func(h secretShape) bool { return h.bare() && !h.slash && !h.reserved && !h.contextual }, func(u sample, _ string) placed {
		return around("GET /v1/keys/", u, nil, "/status HTTP/1.1\n")
	}},
	{"semicolon", secretShape.bare, func(u sample, _ string) placed {
		return around("a=1;k=", u, nil, ";b=2\n")
	}},
	{"dockerfile env", secretShape.bare, func(u sample, _ string) placed {
		return around("FROM alpine\nENV K ", u, nil, "\nRUN make\n")
	}},
	{"windows set", secretShape.bare, func(u sample, _ string) placed {
		return around("C:\\> set K=", u, nil, "\r\n")
	}},
	{"json escaped newline after", secretShape.quotable, func(u sample, _ string) placed {
		return around(`{"log":"k=`, u, nil, `\nnext line\n"}`)
	}},
	{"ansi colour", secretShape.bare, func(u sample, _ string) placed {
		return around("\x1b[32mINFO\x1b[0m key=\x1b[1m", u, nil, "\x1b[0m\n")
	}},
	{"yaml list", secretShape.bare, func(u sample, _ string) placed {
		return around("keys:\n  - ", u, nil, "\n  - other\n")
	}},
	{"powershell env", func(h secretShape) bool { return h.oneLine() && !h.dquote && !h.backtick }, func(u sample, _ string) placed {
		return around("PS> $env:K = \"", u, nil, "\"\r\n")
	}},
	{"html entity quotes", func(h secretShape) bool { return h.quotable() && !h.amp }, func(u sample, _ string) placed {
		return around("<pre>{&quot;k&quot;:&quot;", u, nil, "&quot;}</pre>\n")
	}},
	{"python bytes", func(h secretShape) bool { return h.oneLine() && !h.squote && !h.backslash }, func(u sample, _ string) placed {
		return around("token = b'", u, nil, "'\n")
	}},
	{"equals no space colon", secretShape.bare, func(u sample, _ string) placed {
		return around("token:", u, nil, "\n")
	}},
	{"pipe table", secretShape.bare, func(u sample, _ string) placed {
		return around("| prod | ", u, nil, " | active |\n")
	}},
	{"base64 echo", always, func(u sample, _ string) placed {
		return b64Placed("$ echo ", "", u, "", " | base64 -d\n")
	}},
	{"base64 data", always, func(u sample, _ string) placed {
		return b64Placed("binaryData:\n  api-key: ", "", u, "", "\n")
	}},
	{"base64 k8s Secret", always, func(u sample, _ string) placed {
		return b64Placed("apiVersion: v1\nkind: Secret\ndata:\n  api-key: ", "", u, "", "\n")
	}},
	{"base64 env file", secretShape.oneLine, func(u sample, _ string) placed {
		return b64Placed("data:\n  .env: ", "API_KEY=", u, "\nDEBUG=0\n", "\n")
	}},
}

// knownContextGaps are (pattern, context) pairs known to miss, each with
// the reason; the test fails when one starts to pass so the list stays
// current.
var knownContextGaps = map[string]string{
	// Engine limits (detect).
	"kubernetes-secret-manifest / json escaped newlines": "escaped newlines inside a JSON string are not matched by the manifest regex",
}

func gapKey(id, ctx string) string { return id + " / " + ctx }

// ctxFailure is one (pattern, context) miss, described without the secret.
type ctxFailure struct {
	id, ctx, detail string
}

// findSpan reports whether fs holds a finding of id with exactly [s, e),
// and describes what was found otherwise.
func findSpan(fs []detect.Finding, id string, s, e int) (bool, string) {
	var got []string
	for _, f := range fs {
		if f.PatternID == id && f.Start == s && f.End == e {
			return true, ""
		}
		if f.End > s && f.Start < e {
			got = append(got, fmt.Sprintf("%s[%d:%d]", f.PatternID, f.Start-s, f.End-s))
		}
	}
	if len(got) == 0 {
		return false, "no finding"
	}
	return false, "got " + strings.Join(got, ",") + fmt.Sprintf(" want [0:%d]", e-s)
}

// neighbourFor picks a secret of another pattern that does not share the
// first pattern's keywords.
func neighbourFor(ss []sample, i int) string {
	for k := 1; k < len(ss); k++ {
		o := ss[(i+k*7)%len(ss)]
		if o.p.ID != ss[i].p.ID && shapeOf(o.unit()).bare() && !o.p.Generic && len(o.unit()) < 200 {
			return o.unit()
		}
	}
	return "AKIAZ3MHALB5QTV6XK4R"
}

func TestContexts(t *testing.T) {
	d, err := ctxDetector()
	require.NoError(t, err)
	ss := catalogSamples(t)
	require.NotEmpty(t, ss)
	var fails []ctxFailure
	tried := 0
	for i, smp := range ss {
		h := shapeOf(smp.unit())
		h.contextual = smp.pre != "" && !strings.Contains(smp.unit(), "://")
		other := neighbourFor(ss, i)
		for _, c := range contexts {
			if !c.ok(h) {
				continue
			}
			tried++
			pl := c.make(smp, other)
			ok, detail := findSpan(d.Scan([]byte(pl.text)), smp.p.ID, pl.start, pl.end)
			if !ok {
				fails = append(fails, ctxFailure{smp.p.ID, c.name, fmt.Sprintf("%s: %s", preview(smp.secret), detail)})
			}
		}
	}
	reportFailures(t, "context", tried, fails, knownContextGaps)
}

// reportFailures fails the test for each failure not listed in
// knownContextGaps and for each listed gap that no longer fails.
func reportFailures(t *testing.T, kind string, tried int, fails []ctxFailure, gaps map[string]string) {
	t.Helper()
	byKey := map[string][]string{}
	for _, f := range fails {
		k := gapKey(f.id, f.ctx)
		byKey[k] = append(byKey[k], f.detail)
	}
	keys := make([]string, 0, len(byKey))
	for k := range byKey {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	n := 0
	for _, k := range keys {
		_, known := gaps[k]
		if _, all := gaps[gapKey("*", k[strings.Index(k, " / ")+3:])]; all || known {
			continue
		}
		n++
		assert.Fail(t, kind+" miss", "%s: %s", k, strings.Join(byKey[k], "; "))
	}
	for k := range gaps {
		if !strings.HasPrefix(k, "* / ") && byKey[k] == nil {
			assert.Fail(t, "known gap passes", "%s now passes: remove it from the known gaps", k)
		}
	}
	t.Logf("%s: %d cases, %d failures (%d pattern/%s pairs, %d unexpected)", kind, tried, len(fails), len(keys), kind, n)
}

// --- Hard decoys --------------------------------------------------------

// decoy is a near miss of a secret and the pattern that must not report it.
type decoy struct {
	name string
	make func(smp sample, prefix int) (string, bool)
}

// keywordPrefix returns the length of the longest keyword the secret starts
// with (0 when none).
func keywordPrefix(p patterns.Pattern, s string) int {
	n := 0
	for _, k := range p.Keywords {
		if len(k) > n && len(k) < len(s) && (strings.HasPrefix(s, k) || p.KeywordsFoldCase && strings.EqualFold(s[:len(k)], k)) {
			n = len(k)
		}
	}
	return n
}

func isAlnumByte(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// mapBody replaces each alphanumeric byte of s after prefix with f(i, c).
func mapBody(s string, prefix int, f func(i int, c byte) byte) string {
	b := []byte(s)
	for i := prefix; i < len(b); i++ {
		if isAlnumByte(b[i]) {
			b[i] = f(i, b[i])
		}
	}
	return string(b)
}

// changeOne changes one alphanumeric character of the body, near its end,
// to another of the same class.
func changeOne(s string, prefix int) (string, bool) {
	b := []byte(s)
	for i := len(b) - 3; i >= prefix; i-- {
		c := b[i]
		switch {
		case c >= '0' && c <= '9':
			b[i] = '0' + (c-'0'+3)%10
		case c >= 'a' && c <= 'z':
			b[i] = 'a' + (c-'a'+3)%26
			if strings.IndexByte(s, 'f') >= 0 && c <= 'f' {
				b[i] = 'a' + (c-'a'+3)%6 // keep hex digits hex
			}
		case c >= 'A' && c <= 'Z':
			b[i] = 'A' + (c-'A'+3)%26
		default:
			continue
		}
		return string(b), true
	}
	return "", false
}

var decoys = []decoy{
	{"one character changed", func(smp sample, prefix int) (string, bool) {
		if !smp.validated || structureOnly[smp.p.ID] {
			return "", false
		}
		return changeOne(smp.secret, prefix)
	}},
	{"truncated by one", func(smp sample, _ int) (string, bool) {
		if variableLength[smp.p.ID] || !shapeOf(smp.secret).bare() {
			return "", false
		}
		return smp.secret[:len(smp.secret)-1], true
	}},
	{"extended by one", func(smp sample, _ int) (string, bool) {
		if variableLength[smp.p.ID] || !shapeOf(smp.secret).bare() {
			return "", false
		}
		return smp.secret + "Q", true
	}},
	{"glued to a word", func(smp sample, _ int) (string, bool) {
		if smp.pre != "" || !isAlnumByte(smp.secret[0]) || !shapeOf(smp.secret).bare() || strings.Contains(smp.secret, "://") {
			return "", false
		}
		return "x" + smp.secret, true
	}},
	{"masked stars", func(smp sample, prefix int) (string, bool) {
		return mapBody(smp.secret, prefix, func(int, byte) byte { return '*' }), true
	}},
	{"masked middle", func(smp sample, prefix int) (string, bool) {
		if len(smp.secret)-prefix < 12 {
			return "", false
		}
		return smp.secret[:prefix+4] + "…" + smp.secret[len(smp.secret)-4:], true
	}},
	{"all x body", func(smp sample, prefix int) (string, bool) {
		return mapBody(smp.secret, prefix, func(_ int, c byte) byte {
			if c >= 'A' && c <= 'Z' {
				return 'X'
			}
			return 'x'
		}), true
	}},
	{"all zero body", func(smp sample, prefix int) (string, bool) {
		return mapBody(smp.secret, prefix, func(int, byte) byte { return '0' }), true
	}},
	{"sequence body", func(smp sample, prefix int) (string, bool) {
		// The body as a writer of documentation fills it: a counting
		// sequence in the body's own alphabet.
		seq := "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		body := smp.secret[prefix:]
		switch {
		case strings.Trim(body, "0123456789") == "":
			seq = seq[:10]
		case strings.Trim(body, "0123456789abcdef-") == "":
			seq = seq[:16]
		case strings.Trim(body, "0123456789ABCDEF-") == "":
			seq = "0123456789ABCDEF"
		case strings.Trim(body, "0123456789abcdefghijklmnopqrstuvwxyz-_") == "":
			seq = seq[:36]
		}
		n := 0
		return mapBody(smp.secret, prefix, func(int, byte) byte {
			c := seq[n%len(seq)]
			n++
			return c
		}), true
	}},
	{"your-key placeholder", func(smp sample, prefix int) (string, bool) {
		if prefix == 0 {
			return "", false
		}
		return smp.secret[:prefix] + "<your-key>", true
	}},
}

// structureOnly are validated patterns whose validator parses a structure
// rather than checking a checksum: one changed character can stay valid.
var structureOnly = map[string]bool{
	"artifactory-token":          true, // base64 of a JSON-like reference
	"aws-bedrock-api-key":        true, // base64 of a presigned URL
	"azure-cask-key":             true, // fixed signature and fields, checksum not verified offline
	"ethereum-keystore-json":     true, // JSON structure
	"pypi-upload-token":          true, // macaroon structure
	"sentry-org-token":           true, // base64 JSON payload
	"gcp-service-account-json":   true, // JSON structure
	"jwt":                        true, // JSON header and payload
	"kubernetes-secret-manifest": true,
	"pem-private-key":            true, // DER structure
	"openssh-private-key":        true,
	"pgp-private-key":            true,
	"putty-private-key":          true,
	"grafana-cloud-token":        true, // base64 JSON
	"authorization-basic-header": true, // base64 of user:password
}

// variableLength are patterns whose secrets have no fixed length, so one
// character more or less is still a secret of the type.
var variableLength = map[string]bool{
	"alibaba-access-key-id":      true, // LTAI + 12 to 20
	"aws-bedrock-api-key":        true, // ABSK + 109 to 269
	"discord-webhook-url":        true, // 60 to 70 token characters
	"docker-hub-pat":             true, // 27 to 32
	"doppler-token":              true, // several dp.xx. kinds
	"ethereum-keystore-json":     true,
	"google-oauth-access-token":  true, // ya29. + 100 to 2000
	"google-oauth-refresh-token": true, // 1//0 + 80 or more
	"grafana-cloud-token":        true, // glc_ + 32 to 400
	"hashicorp-vault-token":      true, // hvs. 90 to 120, hvb. 138 to 300
	"mailchimp-api-key":          true, // -us + 1 or 2 digits
	"slack-bot-token":            true, // digit groups of 10 to 13
	"slack-user-token":           true,
	"stripe-publishable-key":     true, // 24 to 99+
	"stripe-restricted-key":      true,
	"stripe-secret-key":          true,
	"stripe-webhook-secret":      true, // 24 to 160
	"tailscale-key":              true,
	"tavily-api-key":             true, // 32 to 40
	"azure-ad-client-secret":     true, // legacy 7Q~ secrets: 34 to 40
	"planetscale-credential":     true, // 32 to 64 after the prefix
	"jwt":                        true, // the segments have no fixed length
	// Passwords have no fixed length.
	"amqp-uri":                    true,
	"authorization-basic-header":  true,
	"basic-auth-url":              true,
	"jdbc-url-password":           true,
	"mongodb-uri":                 true,
	"mysql-uri":                   true,
	"postgres-uri":                true,
	"redis-uri":                   true,
	"sqlserver-connection-string": true,
	"terraform-cloud-token":       true, // 60 to 70 after .atlasv1.
}

// knownDecoyGaps are (pattern, decoy) pairs known to produce a finding.
var knownDecoyGaps = map[string]string{
	// A Bech32 checksum that passes with a letter glued in front is a real
	// key written next to a word: reporting it is right.
	"age-secret-key / glued to a word": "checksum-valid key",

	"jdbc-url-password / sequence body":           "password with a counting sequence: a weak password, still reported",
	"kubernetes-secret-manifest / masked middle":  "a manifest value is base64: a masked middle still decodes as a value",
	"mysql-uri / sequence body":                   "password with a counting sequence: a weak password, still reported",
	"postgres-uri / sequence body":                "password with a counting sequence: a weak password, still reported",
	"sqlserver-connection-string / sequence body": "password with a counting sequence: a weak password, still reported",
}

func TestHardDecoys(t *testing.T) {
	d, err := ctxDetector()
	require.NoError(t, err)
	ss := catalogSamples(t)
	var fails []ctxFailure
	tried := 0
	for _, smp := range ss {
		prefix := keywordPrefix(smp.p, smp.secret)
		for _, dc := range decoys {
			v, ok := dc.make(smp, prefix)
			if !ok {
				continue
			}
			tried++
			v = smp.pre + v + smp.post
			for _, text := range []string{"key=" + v + "\n", `{"k":"` + v + `"}`} {
				if f, hit := findingOf(d.Scan([]byte(text)), smp.p.ID); hit {
					fails = append(fails, ctxFailure{smp.p.ID, dc.name, fmt.Sprintf("%s in %s: %v", preview(smp.secret), preview(text), f)})
					break
				}
			}
		}
	}
	reportDecoys(t, tried, fails)
	for k := range knownDecoyGaps {
		if !slices.ContainsFunc(fails, func(f ctxFailure) bool { return gapKey(f.id, f.ctx) == k }) {
			assert.Fail(t, "known decoy gap passes", "%s now passes: remove it from knownDecoyGaps", k)
		}
	}
}

// TestCrossProvider writes each pattern's secrets alone and checks that no
// other provider-specific pattern claims them.
func TestCrossProvider(t *testing.T) {
	d, err := ctxDetector()
	require.NoError(t, err)
	var fails []ctxFailure
	ss := catalogSamples(t)
	for _, smp := range ss {
		text := "value " + smp.unit() + "\n"
		for _, f := range d.Scan([]byte(text)) {
			if f.PatternID == smp.p.ID {
				continue
			}
			if p, ok := patterns.ByID(f.PatternID); ok && p.Generic {
				continue
			}
			fails = append(fails, ctxFailure{f.PatternID, "lookalike of " + smp.p.ID, preview(smp.secret)})
		}
	}
	reportDecoys(t, len(ss), fails)
}

func findingOf(fs []detect.Finding, id string) (detect.Finding, bool) {
	for _, f := range fs {
		if f.PatternID == id {
			return f, true
		}
	}
	return detect.Finding{}, false
}

func reportDecoys(t *testing.T, tried int, fails []ctxFailure) {
	t.Helper()
	byKey := map[string][]string{}
	for _, f := range fails {
		byKey[gapKey(f.id, f.ctx)] = append(byKey[gapKey(f.id, f.ctx)], f.detail)
	}
	keys := make([]string, 0, len(byKey))
	for k := range byKey {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	n := 0
	for _, k := range keys {
		if _, known := knownDecoyGaps[k]; known {
			continue
		}
		n++
		assert.Fail(t, "decoy found", "%s: %s", k, strings.Join(byKey[k], "; "))
	}
	t.Logf("decoys: %d cases, %d findings (%d pairs, %d unexpected)", tried, len(fails), len(keys), n)
}

// benignValues are common non-secrets, written in the places they appear.
var benignValues = []string{
	`request_id=3f2b8c1e-9d4a-4e6b-8f0a-2c7d5e9b1a34 status=200`,
	`{"trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","span_id":"00f067aa0ba902b7"}`,
	`sha1=da39a3ee5e6b4b0d3255bfef95601890afd80709 file=app.tar`,
	`sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08`,
	`sha512=cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e`,
	`md5: d41d8cd98f00b204e9800998ecf8427e`,
	`payload=q2V1dW5mYWtlZGF0YS1ub3QtYS1zZWNyZXQtanVzdC1ieXRlcw8xNDI2MzEwYWJj==`,
	`attachment: iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==`,
	`cookie=eyJhbGciOiJIUzI1NiJ9.notbase64atall!.zzz`,
	`state=eyJub3QiOiJqd3QifQ`,
	`url=https://github.com/leakward/leakward/blob/main/patterns/ai.go#L10`,
	`fetch https://storage.googleapis.com/bucket-name/path/to/object.tar.gz?generation=1700000000000000`,
	`path=/var/lib/docker/overlay2/4f3c2b1a0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b/merged`,
	`C:\Users\build\AppData\Local\Temp\go-build3216549870\b001\exe\main.exe`,
	`.btn { color: #1a2b3c; background: #FFAA00; border-color: #abcdef12; }`,
	`version=v1.24.3-rc.2+build.20250114 go1.26.0 linux/amd64`,
	`image: registry.k8s.io/kube-apiserver:v1.31.2@sha256:0fbd2c9a3e6f5b4a7d8c9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b`,
	`commit 8f3c2a1b9e7d6c5f4a3b2c1d0e9f8a7b6c5d4e3f Merge pull request #4821 from org/feature-branch`,
	`session_id=s%3AuV3d1ZGVmYXVsdHNlc3Npb24.abc123 path=/`,
	`ETag: "33a64df551425fcc55e4d42a148795d9f25f89d4"`,
	`Content-Security-Policy: script-src 'nonce-rAnd0m123'`,
	`integrity="sha384-oqVuAfXRKap7fdgcCY5uykM6+R9GqQ8K/uxy9rx7HNQlGYl1kPzQho1wx4JwY8wC"`,
	`uuid: 550E8400-E29B-41D4-A716-446655440000`,
	`ObjectId("507f1f77bcf86cd799439011")`,
	`device=AA:BB:CC:DD:EE:FF ip=2001:db8::ff00:42:8329`,
	`PGP fingerprint: 3AA5 C34371567BD2 2A36 5FB5 6D70 7D2D 2B1D 6A4E`,
	`ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl user@host`,
	`-----BEGIN CERTIFICATE-----`,
	`arn:aws:iam::123456789012:role/deploy-role`,
	`s3://my-bucket/logs/2025/01/14/part-00000-4f3c2b1a.gz.parquet`,
}

// TestBenignValues checks that the default catalog reports nothing on
// common non-secret values.
func TestBenignValues(t *testing.T) {
	d, err := ctxDetector()
	require.NoError(t, err)
	for _, text := range benignValues {
		for _, f := range d.Scan([]byte(text)) {
			assert.Fail(t, "benign value reported", "%q: %v (%s)", text, f, detect.Preview(f.Secret([]byte(text))))
		}
	}
}

// TestBenignLogs checks that the default catalog reports nothing on 2 MiB
// of generated logs.
func TestBenignLogs(t *testing.T) {
	d, err := ctxDetector()
	require.NoError(t, err)
	for _, seed := range []uint64{1, 2} {
		src := testlog.Generate(2<<20, seed, 0, nil)
		for _, f := range d.Scan(src) {
			assert.Fail(t, "generated log finding", "seed %d: %v (%s)", seed, f, detect.Preview(f.Secret(src)))
		}
	}
}

// TestLoghubCorpus checks the default catalog on a real log corpus when
// one is present (it is not part of the repository): the file named by
// LEAKWARD_CORPUS, else ../shared/corpus/loghub-all.log beside the
// repository.
func TestLoghubCorpus(t *testing.T) {
	if testing.Short() {
		t.Skip("corpus scan in -short mode")
	}
	path := os.Getenv("LEAKWARD_CORPUS")
	if path == "" {
		path = filepath.Join("..", "..", "shared", "corpus", "loghub-all.log")
	}
	f, err := os.Open(path)
	if err != nil {
		t.Skipf("no corpus at %s: set LEAKWARD_CORPUS to a log file", path)
	}
	defer f.Close()
	d, err := ctxDetector()
	require.NoError(t, err)
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	counts := map[string]int{}
	line := 0
	for sc.Scan() {
		line++
		src := sc.Bytes()
		for _, f := range d.Scan(src) {
			counts[f.PatternID]++
			if counts[f.PatternID] <= 3 {
				t.Logf("line %d: %s %s", line, f.PatternID, detect.Preview(f.Secret(src)))
			}
		}
	}
	require.NoError(t, sc.Err())
	t.Logf("%d lines scanned", line)
	ids := make([]string, 0, len(counts))
	for id := range counts {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		if _, known := knownCorpusFindings[id]; known {
			continue
		}
		assert.Fail(t, "corpus finding", "%s: %d findings", id, counts[id])
	}
}

// knownCorpusFindings are patterns with accepted findings on the corpus.
var knownCorpusFindings = map[string]string{}

// TestRandomBlobs checks that random data written the way logs and files
// carry it (base64 lines of a MIME part or a certificate, one long base64url
// value, hex dumps) gives no findings: provider prefixes of three or four
// characters occur in such text by chance.
func TestRandomBlobs(t *testing.T) {
	d, err := ctxDetector()
	require.NoError(t, err)
	r := rand.New(rand.NewPCG(7, 11))
	raw := make([]byte, 512<<10)
	for i := range raw {
		raw[i] = byte(r.Uint32())
	}
	wrap := func(s string, n int) string {
		var b strings.Builder
		for len(s) > n {
			b.WriteString(s[:n])
			b.WriteByte('\n')
			s = s[n:]
		}
		b.WriteString(s)
		return b.String()
	}
	blobs := []struct{ name, text string }{
		{"mime base64", wrap(base64.StdEncoding.EncodeToString(raw), 76)},
		{"base64url value", `{"state":"` + base64.RawURLEncoding.EncodeToString(raw) + `"}`},
		{"hex dump", wrap(hex.EncodeToString(raw), 64)},
	}
	for _, b := range blobs {
		counts := map[string]int{}
		for _, f := range d.Scan([]byte(b.text)) {
			counts[f.PatternID]++
		}
		for id, n := range counts {
			if _, known := knownBlobFindings[id]; known {
				continue
			}
			assert.Fail(t, "finding in random data", "%s: %s: %d findings", b.name, id, n)
		}
	}
}

// knownBlobFindings are patterns whose findings in random data are accepted.
var knownBlobFindings = map[string]string{}

// --- Assignments for context-dependent patterns ----------------------------

// assignShapes write a variable name and a value in the ways configs, code
// and logs assign them. quoted shapes can hold a value with spaces.
var assignShapes = []struct {
	name   string
	quoted bool
	make   func(name, s string) placed
}{
	{"env", false, func(n, s string) placed { return aroundS("# app\n"+n+"=", s, "\n") }},
	{"env double quoted", true, func(n, s string) placed { return aroundS(n+"=\"", s, "\"\n") }},
	{"export single quoted", true, func(n, s string) placed { return aroundS("export "+n+"='", s, "'\n") }},
	{"yaml", false, func(n, s string) placed { return aroundS("config:\n  "+n+": ", s, "\n") }},
	{"yaml quoted", true, func(n, s string) placed { return aroundS("config:\n  "+n+": \"", s, "\"\n") }},
	{"json", true, func(n, s string) placed { return aroundS(`{"`+n+`": "`, s, `", "debug": false}`) }},
	{"json compact", true, func(n, s string) placed { return aroundS(`{"`+n+`":"`, s, `"}`) }},
	{"nested json", true, func(n, s string) placed { return aroundS(`{"msg":"{\"`+n+`\":\"`, s, `\"}"}`) }},
	{"toml or python", true, func(n, s string) placed { return aroundS(n+" = \"", s, "\"\n") }},
	{"go", true, func(n, s string) placed { return aroundS(n+" := \"", s, "\"\n") }},
	{"log key=value", false, func(n, s string) placed { return aroundS("2025-01-14T10:01:02Z DEBUG init "+n+"=", s, " user=x\n") }},
	{"docker -e", false, func(n, s string) placed { return aroundS("docker run -e "+n+"=", s, " app:latest\n") }},
	{"kubernetes env", true, func(n, s string) placed {
		return aroundS("        env:\n        - name: "+n+"\n          value: \"", s, "\"\n")
	}},
	{"xml", false, func(n, s string) placed { return aroundS("<"+n+">", s, "</"+n+">\n") }},
}

func aroundS(before, s, after string) placed {
	return placed{text: before + s + after, start: len(before), end: len(before) + len(s)}
}

// nameBefore returns the variable name written before position i of ex
// (skipping the assignment and quotes), or "".
func nameBefore(ex string, i int) string {
	j := i
	for j > 0 && strings.IndexByte(" \t\"'`=:>", ex[j-1]) >= 0 {
		j--
	}
	k := j
	for k > 0 && (isAlnumByte(ex[k-1]) || ex[k-1] == '_' || ex[k-1] == '-' || ex[k-1] == '.') {
		k--
	}
	if j-k < 3 {
		return ""
	}
	return ex[k:j]
}

// TestContextAssignments takes the examples of context-dependent patterns
// in which a variable name precedes the secret and writes the same name
// and secret in the other common assignment shapes.
func TestContextAssignments(t *testing.T) {
	d, err := ctxDetector()
	require.NoError(t, err)
	var fails []ctxFailure
	tried := 0
	for _, p := range patterns.Default() {
		if !p.NeedsContext {
			continue
		}
		seen := map[string]bool{}
		for _, ex := range p.Examples {
			for _, f := range d.Scan([]byte(ex)) {
				if f.PatternID != p.ID {
					continue
				}
				name, s := nameBefore(ex, f.Start), string(f.Secret([]byte(ex)))
				if !namesContext(p, name) || seen[name+s] || strings.ContainsAny(s, "\"\\\n") {
					continue
				}
				seen[name+s] = true
				spaced := strings.ContainsAny(s, " \t")
				for _, sh := range assignShapes {
					if spaced && !sh.quoted {
						continue
					}
					tried++
					pl := sh.make(name, s)
					if ok, detail := findSpan(d.Scan([]byte(pl.text)), p.ID, pl.start, pl.end); !ok {
						fails = append(fails, ctxFailure{p.ID, sh.name, fmt.Sprintf("%s=%s: %s", name, preview(s), detail)})
					}
				}
			}
		}
	}
	reportFailures(t, "assignment", tried, fails, knownAssignGaps)
}

// namesContext reports whether a variable name holds one of p's keywords,
// so that the name alone gives the context.
func namesContext(p patterns.Pattern, name string) bool {
	for _, k := range p.Keywords {
		if strings.Contains(strings.ToLower(name), strings.ToLower(k)) {
			return true
		}
	}
	return false
}

// knownAssignGaps are (pattern, shape) pairs of TestContextAssignments
// known to miss.
var knownAssignGaps = map[string]string{
	"authorization-bearer-header / docker -e":            "generic.go: the example name is the scheme word (Bearer), not a variable",
	"authorization-bearer-header / env":                  "generic.go: the example name is the scheme word (Bearer), not a variable",
	"authorization-bearer-header / env double quoted":    "generic.go: the example name is the scheme word (Bearer), not a variable",
	"authorization-bearer-header / export single quoted": "generic.go: the example name is the scheme word (Bearer), not a variable",
	"authorization-bearer-header / go":                   "generic.go: the example name is the scheme word (Bearer), not a variable",
	"authorization-bearer-header / json":                 "generic.go: the example name is the scheme word (Bearer), not a variable",
	"authorization-bearer-header / json compact":         "generic.go: the example name is the scheme word (Bearer), not a variable",
	"authorization-bearer-header / kubernetes env":       "generic.go: the example name is the scheme word (Bearer), not a variable",
	"authorization-bearer-header / log key=value":        "generic.go: the example name is the scheme word (Bearer), not a variable",
	"authorization-bearer-header / nested json":          "generic.go: the example name is the scheme word (Bearer), not a variable",
	"authorization-bearer-header / toml or python":       "generic.go: the example name is the scheme word (Bearer), not a variable",
	"authorization-bearer-header / xml":                  "generic.go: the example name is the scheme word (Bearer), not a variable",
	"authorization-bearer-header / yaml":                 "generic.go: the example name is the scheme word (Bearer), not a variable",
	"authorization-bearer-header / yaml quoted":          "generic.go: the example name is the scheme word (Bearer), not a variable",
	"npm-legacy-token / go":                              "_authToken is only taken in .npmrc lines (//registry/:_authToken=)",
	"npm-legacy-token / json":                            "_authToken is only taken in .npmrc lines (//registry/:_authToken=)",
	"npm-legacy-token / json compact":                    "_authToken is only taken in .npmrc lines (//registry/:_authToken=)",
	"npm-legacy-token / kubernetes env":                  "_authToken is only taken in .npmrc lines (//registry/:_authToken=)",
	"npm-legacy-token / nested json":                     "_authToken is only taken in .npmrc lines (//registry/:_authToken=)",
	"npm-legacy-token / xml":                             "_authToken is only taken in .npmrc lines (//registry/:_authToken=)",
	"npm-legacy-token / yaml":                            "_authToken is only taken in .npmrc lines (//registry/:_authToken=)",
	"npm-legacy-token / yaml quoted":                     "_authToken is only taken in .npmrc lines (//registry/:_authToken=)",
	"password-assignment / docker -e":                    "the example name is a PowerShell cmdlet, not a variable",
	"password-assignment / env":                          "the example name is a PowerShell cmdlet, not a variable",
	"password-assignment / env double quoted":            "the example name is a PowerShell cmdlet, not a variable",
	"password-assignment / export single quoted":         "the example name is a PowerShell cmdlet, not a variable",
	"password-assignment / go":                           "the example name is a PowerShell cmdlet, not a variable",
	"password-assignment / json":                         "the example name is a PowerShell cmdlet, not a variable",
	"password-assignment / json compact":                 "the example name is a PowerShell cmdlet, not a variable",
	"password-assignment / kubernetes env":               "the example name is a PowerShell cmdlet, not a variable",
	"password-assignment / log key=value":                "the example name is a PowerShell cmdlet, not a variable",
	"password-assignment / nested json":                  "the example name is a PowerShell cmdlet, not a variable",
	"password-assignment / toml or python":               "the example name is a PowerShell cmdlet, not a variable",
	"password-assignment / xml":                          "the example name is a PowerShell cmdlet, not a variable",
	"password-assignment / yaml":                         "the example name is a PowerShell cmdlet, not a variable",
	"password-assignment / yaml quoted":                  "the example name is a PowerShell cmdlet, not a variable",
	"razorpay-key-secret / docker -e":                    "the example name is the key id (rzp_test_…:secret), not a variable",
	"razorpay-key-secret / env":                          "the example name is the key id (rzp_test_…:secret), not a variable",
	"razorpay-key-secret / env double quoted":            "the example name is the key id (rzp_test_…:secret), not a variable",
	"razorpay-key-secret / export single quoted":         "the example name is the key id (rzp_test_…:secret), not a variable",
	"razorpay-key-secret / go":                           "the example name is the key id (rzp_test_…:secret), not a variable",
	"razorpay-key-secret / kubernetes env":               "the example name is the key id (rzp_test_…:secret), not a variable",
	"razorpay-key-secret / log key=value":                "the example name is the key id (rzp_test_…:secret), not a variable",
	"razorpay-key-secret / nested json":                  "the example name is the key id (rzp_test_…:secret), not a variable",
	"razorpay-key-secret / toml or python":               "the example name is the key id (rzp_test_…:secret), not a variable",
	"razorpay-key-secret / xml":                          "the example name is the key id (rzp_test_…:secret), not a variable",
}
