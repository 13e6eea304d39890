package detect

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/leakward/leakward/patterns"
)

func addCatalogSeeds(f *testing.F) {
	for _, p := range patterns.Default() {
		for _, ex := range p.Examples {
			f.Add([]byte(ex))
		}
		for _, ex := range p.NonExamples {
			f.Add([]byte(ex))
		}
	}
	f.Add([]byte("password=password=password=password="))
	f.Add([]byte("\xff\xfe\x00\x00ghp_\xc3\x28"))
	// The encoded forms the engine decodes, each around a catalog example.
	for _, p := range patterns.Default()[:20] {
		ex := p.Examples[0]
		f.Add([]byte("\x1b[1m" + ex + "\x1b[0m"))
		f.Add([]byte(`{"k":"` + strings.ReplaceAll(ex, "/", `\/`) + `"}`))
		f.Add([]byte("&quot;" + strings.NewReplacer("/", "&#x2F;", "+", "&#43;", "=", "&#61;").Replace(ex) + "&quot;"))
		f.Add([]byte("x=" + hex.EncodeToString([]byte(ex)) + " y"))
		b64 := base64.StdEncoding.EncodeToString([]byte("# c\nK=" + ex + "\n" + strings.Repeat("#", 60)))
		var w strings.Builder
		for len(b64) > 76 {
			w.WriteString(b64[:76] + "\n")
			b64 = b64[76:]
		}
		f.Add([]byte(w.String() + b64 + "\n"))
	}
}

// FuzzScan checks Scan's invariants on the default catalog: no panic,
// findings inside the input, sorted and disjoint, and the same secrets at
// shifted offsets when the input is wrapped in inert text.
func FuzzScan(f *testing.F) {
	addCatalogSeeds(f)
	d := defaultDetector()
	const pre, suf = "\n \n", " \n\n"
	f.Fuzz(func(t *testing.T, src []byte) {
		fs := d.Scan(src)
		for i, x := range fs {
			if x.Start < 0 || x.End > len(src) || x.Start >= x.End {
				t.Fatalf("finding %v outside input of %d bytes", x, len(src))
			}
			if i > 0 && fs[i-1].End > x.Start {
				t.Fatalf("findings %v and %v overlap or are unsorted", fs[i-1], x)
			}
		}
		wrapped := append(append([]byte(pre), src...), suf...)
		ws := d.Scan(wrapped)
		if len(ws) != len(fs) {
			t.Fatalf("%d findings, %d when wrapped in inert text", len(fs), len(ws))
		}
		for i := range fs {
			a, b := fs[i], ws[i]
			if a.PatternID != b.PatternID || a.Start+len(pre) != b.Start || a.End+len(pre) != b.End {
				t.Fatalf("finding %v became %v when wrapped", a, b)
			}
		}
	})
}

// FuzzRedact checks that no finding's secret survives redaction.
func FuzzRedact(f *testing.F) {
	addCatalogSeeds(f)
	d := defaultDetector()
	f.Fuzz(func(t *testing.T, src []byte) {
		out := d.Redact(nil, src)
		for _, x := range d.Scan(src) {
			secret := x.Secret(src)
			if len(secret) >= 8 && bytes.Contains(out, secret) && !bytes.Contains(src[:x.Start], secret) && !bytes.Contains(src[x.End:], secret) {
				t.Fatalf("secret of %v survives redaction", x)
			}
		}
	})
}

// FuzzCompilePattern feeds arbitrary regex text and keywords to New: an
// error or a working detector, never a panic or a hang.
func FuzzCompilePattern(f *testing.F) {
	f.Add("tkn_[a-z]{4}", "tkn_", "xx tkn_abcd yy")
	f.Add(`(a+)+b`, "aaa", "aaaaaaaaaaaaaaaaaaaaaaaaaaaa")
	f.Add(`(?<secret>[`, "abc", "abc")
	f.Add(`\p{`, "abcd", "abcd")
	f.Add(`(?<=a*)b`, "bbb", "aaabbb")
	f.Fuzz(func(t *testing.T, re, kw, text string) {
		p := patterns.Pattern{ID: "fuzz", Provider: "fuzz", Grants: patterns.PrivScoped, Keywords: []string{kw}, Regex: re, MaxLen: 64}
		d, err := New([]patterns.Pattern{p}, WithMatchTimeout(20_000_000))
		if err != nil {
			return
		}
		for _, x := range d.Scan([]byte(text)) {
			if x.Start < 0 || x.End > len(text) {
				t.Fatalf("finding %v outside input", x)
			}
		}
	})
}
