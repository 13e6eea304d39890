package detect

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/leakward/leakward/patterns"
)

// addCatalogSeeds adds catalogSeeds to f.
func addCatalogSeeds(f *testing.F) {
	for _, src := range catalogSeeds() {
		f.Add(src)
	}
}

// catalogSeeds returns the catalog's examples and non-examples, and the
// encoded forms the engine decodes, each around a catalog example.
func catalogSeeds() [][]byte {
	var out [][]byte
	for _, p := range patterns.Default() {
		for _, ex := range p.Examples {
			out = append(out, []byte(ex))
		}
		for _, ex := range p.NonExamples {
			out = append(out, []byte(ex))
		}
	}
	out = append(out, []byte("password=password=password=password="), []byte("\xff\xfe\x00\x00ghp_\xc3\x28"))
	for _, p := range patterns.Default()[:20] {
		ex := p.Examples[0]
		out = append(out,
			[]byte("\x1b[1m"+ex+"\x1b[0m"),
			[]byte(`{"k":"`+strings.ReplaceAll(ex, "/", `\/`)+`"}`),
			[]byte("&quot;"+strings.NewReplacer("/", "&#x2F;", "+", "&#43;", "=", "&#61;").Replace(ex)+"&quot;"),
			[]byte("x="+hex.EncodeToString([]byte(ex))+" y"))
		b64 := base64.StdEncoding.EncodeToString([]byte("# c\nK=" + ex + "\n" + strings.Repeat("#", 60)))
		var w strings.Builder
		for len(b64) > 76 {
			w.WriteString(b64[:76] + "\n")
			b64 = b64[76:]
		}
		out = append(out, []byte(w.String()+b64+"\n"))
	}
	// A secret written twice, and a found secret also written bare.
	for _, p := range patterns.Default()[:40] {
		ex := p.Examples[0]
		out = append(out, []byte(ex+"\n"+ex+"\n"))
		if s, e, ok := p.ExampleSpan(0); ok {
			out = append(out, []byte(ex+"\nbare "+ex[s:e]+"\n"))
		}
	}
	return out
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

// FuzzRedact checks that Redact masks every occurrence of every secret it
// finds: the output, its masks aside, holds each secret at most as often
// as the input holds it outside every finding's span (copies the engine
// did not report there), so every reported copy is gone, however many
// there are.
func FuzzRedact(f *testing.F) {
	addCatalogSeeds(f)
	d := defaultDetector()
	f.Fuzz(func(t *testing.T, src []byte) {
		out := d.Redact(nil, src)
		fs := d.Scan(src)
		for _, x := range fs {
			secret := x.Secret(src)
			if len(secret) == 0 || bytes.ContainsAny(secret, "[]") {
				// A secret holding a bracket could be formed anew by a
				// mask next to it.
				continue
			}
			got, from := 0, 0
			for _, m := range maskText.FindAllIndex(out, -1) {
				got += bytes.Count(out[from:m[0]], secret)
				from = m[1]
			}
			got += bytes.Count(out[from:], secret)
			if allowed := outsideFindings(src, secret, fs); got > allowed {
				t.Fatalf("secret of %v: %d occurrences in the output, %d outside findings in the input", x, got, allowed)
			}
		}
	})
}

// outsideFindings counts the occurrences of secret in src that overlap no
// finding's span.
func outsideFindings(src, secret []byte, fs []Finding) int {
	n := 0
	for i := 0; ; {
		j := bytes.Index(src[i:], secret)
		if j < 0 {
			return n
		}
		s, e := i+j, i+j+len(secret)
		covered := false
		for _, x := range fs {
			if x.Start < e && s < x.End {
				covered = true
				break
			}
		}
		if !covered {
			n++
		}
		i = s + 1
	}
}

// FuzzCompilePattern feeds arbitrary regex text and keywords to New: an
// error or a working detector, never a panic or a hang; the detector's
// findings lie in the input, sorted and disjoint, and are of its one
// pattern or undecided.
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
		fs := d.Scan([]byte(text))
		for i, x := range fs {
			if x.Start < 0 || x.End > len(text) || x.Start >= x.End {
				t.Fatalf("finding %v outside input of %d bytes", x, len(text))
			}
			if i > 0 && fs[i-1].End > x.Start {
				t.Fatalf("findings %v and %v overlap or are unsorted", fs[i-1], x)
			}
			if x.PatternID != "fuzz" && x.PatternID != UndecidedID {
				t.Fatalf("finding %v of a pattern the detector does not have", x)
			}
		}
	})
}
