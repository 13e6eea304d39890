package patterns_test

import (
	"fmt"

	"github.com/leakward/leakward/detect"
	"github.com/leakward/leakward/patterns"
)

func ExampleWith() {
	internal := patterns.Pattern{
		ID:         "acme-internal-token",
		Provider:   "ACME",
		Grants:     patterns.PrivScoped,
		Severity:   patterns.SeverityHigh,
		Confidence: patterns.ConfidenceDistinctive,
		Keywords:   []string{"acme_"},
		Regex:      `(?<![a-z0-9_])acme_[0-9a-f]{24}(?![0-9a-f])`,
		MaxLen:     29,
	}
	ps := patterns.With(patterns.Default(), internal)
	d, err := detect.New(ps)
	if err != nil {
		panic(err)
	}
	for _, f := range d.Scan([]byte("ACME_TOKEN=acme_3f9c2a7b1e5d8c4f6a0b9e2d")) {
		fmt.Println(f.PatternID, f.Start, f.End)
	}
	// Output:
	// acme-internal-token 11 40
}

func ExampleWithout() {
	ps := patterns.Without(patterns.Default(), "jwt")
	_, ok := findID(ps, "jwt")
	fmt.Println(len(ps) == len(patterns.Default())-1, ok)
	// Output:
	// true false
}

func findID(ps []patterns.Pattern, id string) (patterns.Pattern, bool) {
	for _, p := range ps {
		if p.ID == id {
			return p, true
		}
	}
	return patterns.Pattern{}, false
}

func ExampleEntropy() {
	fmt.Printf("%.2f %.2f\n", patterns.Entropy([]byte("aaaaaaaa")), patterns.Entropy([]byte("0123456789abcdef")))
	// Output:
	// 0.00 4.00
}
