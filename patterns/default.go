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
		out[i].ExampleSecrets = exampleSecrets[out[i].ID]
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
	// A manifest's base64 values are reported as such only when no
	// provider pattern recognises the decoded value.
	"kubernetes-secret-manifest": true,
}

// Default returns the built-in catalog, one Pattern per credential type.
// The returned slice is a fresh copy: callers may reorder, filter or append
// to it. The Pattern values share their Keywords, TestMarkers and example
// slices with the catalog; do not modify those in place.
func Default() []Pattern {
	return slices.Clone(defaultSet())
}

// MaxIDLen is the length of the longest text IDShaped accepts.
const MaxIDLen = 64

// IDShaped reports whether s has the shape of a pattern id: 1 to MaxIDLen
// bytes of lowercase ASCII letters, digits and single hyphens, neither
// first nor last. Errors quote a user's value only when it is id-shaped:
// anything else might be a secret typed in the wrong place.
func IDShaped(s string) bool {
	if s == "" || len(s) > MaxIDLen || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		case c == '-' && s[i-1] != '-':
		default:
			return false
		}
	}
	return true
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

// With returns a copy of base in which each pattern of custom replaces the
// pattern of base with the same id, in place, and the others are appended.
// Use it to override built-in patterns or add your own.
func With(base []Pattern, custom ...Pattern) []Pattern {
	out := slices.Clone(base)
	for _, c := range custom {
		i := slices.IndexFunc(out, func(p Pattern) bool { return p.ID == c.ID })
		if i >= 0 {
			out[i] = c
		} else {
			out = append(out, c)
		}
	}
	return out
}

// Without returns a copy of base without the patterns with the given ids.
func Without(base []Pattern, ids ...string) []Pattern {
	return slices.DeleteFunc(slices.Clone(base), func(p Pattern) bool { return slices.Contains(ids, p.ID) })
}
