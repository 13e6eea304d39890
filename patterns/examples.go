package patterns

import "strings"

// ExampleSpan returns the byte span [start, end) of the secret that
// p.Examples[i] holds, read from the text as written, never from a scan:
// tests compare a finding of p with it. ok is false when i is out of range
// or the declared secret does not occur in the example.
//
// The secret is p.ExampleSecrets[i] when that is set and, otherwise, the
// example's longest run of token bytes (ASCII letters, digits and
// "_+/.~-", then up to two '=') — the first of equal length. A declared
// secret is located at its first occurrence; one written "head…tail"
// (U+2026 between) runs from the first occurrence of head to the end of
// the first occurrence of tail after it.
func (p Pattern) ExampleSpan(i int) (start, end int, ok bool) {
	if i < 0 || i >= len(p.Examples) {
		return 0, 0, false
	}
	ex := p.Examples[i]
	if i < len(p.ExampleSecrets) && p.ExampleSecrets[i] != "" {
		return declaredSpan(ex, p.ExampleSecrets[i])
	}
	return longestToken(ex)
}

// declaredSpan locates a declared secret (see Pattern.ExampleSpan) in ex.
func declaredSpan(ex, secret string) (int, int, bool) {
	head, tail, elided := strings.Cut(secret, "…")
	s := strings.Index(ex, head)
	if s < 0 {
		return 0, 0, false
	}
	if !elided {
		return s, s + len(head), true
	}
	t := strings.Index(ex[s+len(head):], tail)
	if t < 0 {
		return 0, 0, false
	}
	return s, s + len(head) + t + len(tail), true
}

// longestToken returns the first longest run of token bytes in ex (see
// Pattern.ExampleSpan).
func longestToken(ex string) (int, int, bool) {
	bs, be := 0, 0
	for i := 0; i < len(ex); {
		j := i
		for j < len(ex) && exampleTokenByte(ex[j]) {
			j++
		}
		if j == i {
			i++
			continue
		}
		for k := 0; k < 2 && j < len(ex) && ex[j] == '='; k++ {
			j++
		}
		if j-i > be-bs {
			bs, be = i, j
		}
		i = j
	}
	return bs, be, be > bs
}

func exampleTokenByte(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("_+/.~-", c) >= 0
}
