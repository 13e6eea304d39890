package patterns

import (
	"slices"
	"sync"
)

// defaultSet builds the built-in catalog once, on first use.
var defaultSet = sync.OnceValue(func() []Pattern {
	var out []Pattern
	for _, group := range [][]Pattern{
		aiPatterns(),
		cloudPatterns(),
		sourcePatterns(),
		paymentPatterns(),
		commsPatterns(),
		databasePatterns(),
		genericPatterns(),
		cryptoPatterns(),
	} {
		out = append(out, group...)
	}
	for i := range out {
		if genericIDs[out[i].ID] {
			out[i].Generic = true
		}
	}
	return out
})

// genericIDs are the built-in detectors that are not specific to one
// provider; a provider-specific finding wins over them on overlap.
var genericIDs = map[string]bool{
	"password-assignment":         true,
	"basic-auth-url":              true,
	"authorization-basic-header":  true,
	"authorization-bearer-header": true,
	"generic-high-entropy-secret": true,
}

// Default returns the built-in catalog, one Pattern per credential type.
// The returned slice is a fresh copy: callers may reorder, filter or append
// to it. The Pattern values share their Keywords, TestMarkers and example
// slices with the catalog; do not modify those in place.
func Default() []Pattern {
	return slices.Clone(defaultSet())
}

// ByID returns the built-in pattern with the given id.
func ByID(id string) (Pattern, bool) {
	for _, p := range defaultSet() {
		if p.ID == id {
			return p, true
		}
	}
	return Pattern{}, false
}
