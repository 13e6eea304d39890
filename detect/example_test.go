package detect_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"os"
	"strings"

	"github.com/leakward/leakward/detect"
	"github.com/leakward/leakward/patterns"
)

// A custom pattern: an internal token format "acme_" + 24 lowercase hex.
var acme = patterns.Pattern{
	ID:          "acme-internal-token",
	Provider:    "ACME",
	Description: "ACME internal service token",
	Grants:      patterns.PrivScoped,
	Severity:    patterns.SeverityHigh,
	Confidence:  patterns.ConfidenceDistinctive,
	Keywords:    []string{"acme_"},
	Regex:       `(?<![a-z0-9_])acme_[0-9a-f]{24}(?![0-9a-f])`,
	MaxLen:      29,
	Examples:    []string{"ACME_TOKEN=acme_3f9c2a7b1e5d8c4f6a0b9e2d"},
	NonExamples: []string{"acme_corp", "acme_xxxxxxxxxxxxxxxxxxxxxxxx"},
}

func ExampleDetector_Scan() {
	d, err := detect.New([]patterns.Pattern{acme})
	if err != nil {
		panic(err)
	}
	src := []byte("user=alice token=acme_3f9c2a7b1e5d8c4f6a0b9e2d status=ok")
	for _, f := range d.Scan(src) {
		fmt.Println(f) // a Finding never prints the secret
		fmt.Println(f.PatternID, f.Start, f.End, f.Severity)
	}
	// Output:
	// acme-internal-token[17:46] (29 bytes)
	// acme-internal-token 17 46 high
}

func ExampleDetector_Redact() {
	d, err := detect.New([]patterns.Pattern{acme})
	if err != nil {
		panic(err)
	}
	fmt.Println(string(d.Redact(nil, []byte("token=acme_3f9c2a7b1e5d8c4f6a0b9e2d"))))

	d, _ = detect.New([]patterns.Pattern{acme}, detect.WithMask(detect.MaskPrefix))
	fmt.Println(d.RedactString("token=acme_3f9c2a7b1e5d8c4f6a0b9e2d"))

	d, _ = detect.New([]patterns.Pattern{acme}, detect.WithMask(detect.MaskFingerprint),
		detect.WithFingerprintKey([]byte("0123456789abcdef0123456789abcdef")))
	fmt.Println(d.RedactString("token=acme_3f9c2a7b1e5d8c4f6a0b9e2d"))
	// Output:
	// token=[REDACTED:acme-internal-token]
	// token=acme_…[REDACTED]
	// token=[REDACTED:acme-internal-token:hmac=8d8c8a7d]
}

func ExampleDetector_NewWriter() {
	d, _ := detect.New([]patterns.Pattern{acme})
	var out bytes.Buffer
	w := d.NewWriter(&out)
	// The token is split across two writes.
	w.Write([]byte("line 1 token=acme_3f9c2a7b1e5d"))
	w.Write([]byte("8c4f6a0b9e2d\nline 2\n"))
	w.Close()
	fmt.Print(out.String())
	// Output:
	// line 1 token=[REDACTED:acme-internal-token]
	// line 2
}

func ExampleDetector_NewHandler() {
	d, _ := detect.New([]patterns.Pattern{acme})
	opts := &slog.HandlerOptions{ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey {
			return slog.Attr{}
		}
		return a
	}}
	log := slog.New(d.NewHandler(slog.NewTextHandler(os.Stdout, opts)))
	log.Info("service started", "token", "acme_3f9c2a7b1e5d8c4f6a0b9e2d")
	// Output:
	// level=INFO msg="service started" token=[REDACTED:acme-internal-token]
}

func ExampleDetector_RedactField() {
	d, _ := detect.New(patterns.Default())
	fmt.Println(d.RedactField("db.password", "Tq7wLz2VbK9x"))
	fmt.Println(d.RedactField("password", "${DB_PASSWORD}"))
	fmt.Println(d.RedactField("build", "Tq7wLz2VbK9x"))
	// Output:
	// [REDACTED:password-assignment]
	// ${DB_PASSWORD}
	// Tq7wLz2VbK9x
}

func ExampleWithAllowValues() {
	// The allowlist holds digests, never the values: it is computed once
	// from the fixture's token and kept in a file.
	list := "# test token of the integration fixtures\n" +
		detect.AllowEntry([]byte("acme_00c0ffee00c0ffee00c0ffee")) + "\n"
	entries, err := detect.ParseAllowValues(strings.NewReader(list))
	if err != nil {
		panic(err)
	}
	d, err := detect.New([]patterns.Pattern{acme}, detect.WithAllowValues(entries...))
	if err != nil {
		panic(err)
	}
	fmt.Println(d.RedactString("fixture=acme_00c0ffee00c0ffee00c0ffee"))
	fmt.Println(d.RedactString("token=acme_3f9c2a7b1e5d8c4f6a0b9e2d"))
	fmt.Println(d.Stats().Allowed)
	// Output:
	// fixture=acme_00c0ffee00c0ffee00c0ffee
	// token=[REDACTED:acme-internal-token]
	// 1
}

func ExampleDetector_Exempt() {
	d, _ := detect.New(patterns.Default())
	// A view for one call site where the generic pattern's findings are
	// known to be noise; it shares d's compiled patterns.
	quiet, err := d.Exempt("generic-high-entropy-secret")
	if err != nil {
		panic(err)
	}
	line := "request_token=Zk81vPqW3mRt9xLq2wNb7c"
	fmt.Println(d.RedactString(line))
	fmt.Println(quiet.RedactString(line))
	// Output:
	// request_token=[REDACTED:generic-high-entropy-secret]
	// request_token=Zk81vPqW3mRt9xLq2wNb7c
}

func ExampleCounters() {
	var c detect.Counters
	d, err := detect.New([]patterns.Pattern{acme}, detect.WithObserver(&c))
	if err != nil {
		panic(err)
	}
	d.RedactString("token=acme_3f9c2a7b1e5d8c4f6a0b9e2d")
	w := d.NewWriter(os.Stdout)
	fmt.Fprintln(w, "user=alice token=acme_3f9c2a7b1e5d8c4f6a0b9e2d")
	fmt.Println("held back before Close:", c.Totals().HeldBackBytes)
	w.Close()
	t := c.Totals()
	fmt.Println("scanned:", t.ScannedBytes, "held back:", t.HeldBackBytes)
	fmt.Println("by pattern:", c.ByPattern())
	// Output:
	// held back before Close: 47
	// user=alice token=[REDACTED:acme-internal-token]
	// scanned: 82 held back: 0
	// by pattern: map[acme-internal-token:2]
}
