package detect

import (
	"cmp"
	"slices"
)

// better orders overlapping findings: decided before undecided; validated
// first; then, for two findings of one pattern, the one whose span
// contains the other (the decoded form of a secret whose end is
// percent-encoded holds all of it, the form as written only part); then
// provider-specific over generic, then confidence, then findings on the
// text as written, then the longer span, then catalog order.
func (d *Detector) better(a, b *Finding) bool {
	if (a.Undecided == Decided) != (b.Undecided == Decided) {
		return a.Undecided == Decided
	}
	if a.Validated != b.Validated {
		return a.Validated
	}
	if a.PatternID == b.PatternID {
		if contains(a, b) {
			return true
		}
		if contains(b, a) {
			return false
		}
	}
	if ga, gb := d.isGeneric(a), d.isGeneric(b); ga != gb {
		return gb
	}
	if a.Confidence != b.Confidence {
		return a.Confidence > b.Confidence
	}
	if (a.Encoding == EncodingNone) != (b.Encoding == EncodingNone) {
		return a.Encoding == EncodingNone
	}
	if la, lb := a.End-a.Start, b.End-b.Start; la != lb {
		return la > lb
	}
	return d.patIndex(a) < d.patIndex(b)
}

// splitWork bounds the pairs splitContainers compares, per finding: a
// container is compared with the findings that start inside it, in start
// order. Past the bound the remaining containers are not cut; resolve's
// coverage pass still keeps every byte of them masked.
const splitWork = 64

// splitContainers keeps every byte of a finding covered when a better
// finding lies strictly inside it: instead of losing the container to the
// inner finding (and, with it, the rest of a Secret manifest or of a
// Basic credential around a decoded token), the container is cut into its
// parts outside the inner findings, which keep its id and facts. found
// must be sorted by start, longer spans first.
func (d *Detector) splitContainers(st *state, found []Finding) []Finding {
	n := len(found)
	if n < 2 {
		return found
	}
	budget := splitWork*n + 1024
	for ci := 0; ci < n && budget > 0; ci++ {
		c := found[ci]
		inner := st.inner[:0]
		for j := ci + 1; j < n && found[j].Start < c.End && budget > 0; j++ {
			budget--
			if contains(&c, &found[j]) && d.yieldsTo(&c, &found[j]) {
				inner = append(inner, found[j])
			}
		}
		st.inner = inner
		if len(inner) == 0 {
			continue
		}
		slices.SortFunc(inner, func(a, b Finding) int { return cmp.Compare(a.Start, b.Start) })
		pos := c.Start
		first := true
		for _, in := range inner {
			if in.Start > pos {
				piece := c
				piece.Start, piece.End = pos, in.Start
				if first {
					found[ci] = piece
					first = false
				} else {
					found = append(found, piece)
				}
			}
			pos = max(pos, in.End)
		}
		if pos < c.End {
			piece := c
			piece.Start = pos
			if first {
				found[ci] = piece
				first = false
			} else {
				found = append(found, piece)
			}
		}
		if first {
			// Fully covered by inner findings: drop the container.
			found[ci].End = found[ci].Start
		}
	}
	return slices.DeleteFunc(found, func(f Finding) bool { return f.End <= f.Start })
}

// yieldsTo reports whether container c is cut around inner, a finding
// inside it: when inner is better; when inner is of c's pattern, as
// validated, and was found by decoding base64 or hex that c holds as
// written (a Secret manifest encoded in another one's data: the inner one
// names its own values); and when c is a generic finding (a Secret
// manifest's data block, a password assignment) and inner says more about
// the secret, validated or not: a provider's finding, or one found by
// decoding the text c holds as written.
func (d *Detector) yieldsTo(c, inner *Finding) bool {
	if d.better(inner, c) {
		return true
	}
	if inner.Undecided != Decided {
		return false
	}
	decodedInner := c.Encoding == EncodingNone && inner.Encoding != EncodingNone
	if c.PatternID == inner.PatternID {
		// Only an opaque encoding (base64, hex) hides the inner finding's
		// text from c's match: a percent-decoded finding of c's pattern is
		// c's own secret seen decoded.
		opaque := inner.Encoding == EncodingBase64 || inner.Encoding == EncodingHex
		return decodedInner && opaque && inner.Validated == c.Validated
	}
	if !d.isGeneric(c) {
		return false
	}
	return !d.isGeneric(inner) || decodedInner
}

// contains reports whether a's span strictly contains b's.
func contains(a, b *Finding) bool {
	return a.Start <= b.Start && b.End <= a.End && a.End-a.Start > b.End-b.Start
}

// byStartLongest orders findings by start, longer spans first.
func byStartLongest(a, b Finding) int {
	if c := cmp.Compare(a.Start, b.Start); c != 0 {
		return c
	}
	return cmp.Compare(b.End, a.End)
}

// resolve sorts found, drops duplicates and overlaps (keeping the better
// finding of each overlapping pair), links related findings and appends
// the result to dst. Every byte that some finding of found covers stays
// covered: a part of a worse finding that no kept finding covers is kept
// as a piece of it (the coverage pass), so resolution never unmasks text.
// dst must not share memory with found.
func (d *Detector) resolve(st *state, dst []Finding, found []Finding) []Finding {
	slices.SortFunc(found, byStartLongest)
	found = d.splitContainers(st, found)
	slices.SortFunc(found, func(a, b Finding) int {
		if c := cmp.Compare(a.Start, b.Start); c != 0 {
			return c
		}
		if d.better(&a, &b) {
			return -1
		}
		if d.better(&b, &a) {
			return 1
		}
		return 0
	})
	base := len(dst)
	for i := range found {
		f := &found[i]
		if n := len(dst); n > base {
			last := &dst[n-1]
			if f.Start < last.End {
				if d.better(f, last) {
					*last = *f
					// The replacement may now overlap its predecessor.
					for n := len(dst); n-base >= 2 && dst[n-1].Start < dst[n-2].End; n = len(dst) {
						if d.better(&dst[n-1], &dst[n-2]) {
							dst[n-2] = dst[n-1]
						}
						dst = dst[:n-1]
					}
				}
				continue
			}
		}
		dst = append(dst, *f)
	}
	dst = d.cover(st, dst, base, found)
	dst = mergeUndecided(dst, base)
	d.link(dst[base:])
	return dst
}

// cover appends to dst[base:] (sorted, disjoint) a piece of a finding of
// found (sorted by start) for every stretch that some finding of found
// covers and dst does not, and sorts the result again.
func (d *Detector) cover(st *state, dst []Finding, base int, found []Finding) []Finding {
	fill := st.fill[:0]
	out := dst[base:]
	pos, oi := 0, 0
	for _, f := range found {
		s := max(f.Start, pos)
		for s < f.End {
			for oi < len(out) && out[oi].End <= s {
				oi++
			}
			if oi < len(out) && out[oi].Start <= s {
				s = out[oi].End
				continue
			}
			e := f.End
			if oi < len(out) {
				e = min(e, out[oi].Start)
			}
			piece := f
			piece.Start, piece.End = s, e
			fill = append(fill, piece)
			s = e
		}
		pos = max(pos, f.End)
	}
	st.fill = fill
	if len(fill) == 0 {
		return dst
	}
	dst = append(dst, fill...)
	slices.SortFunc(dst[base:], func(a, b Finding) int { return cmp.Compare(a.Start, b.Start) })
	return dst
}

// mergeUndecided joins undecided findings of dst[base:] that touch, so
// that a region the engine could not decide is one mask.
func mergeUndecided(dst []Finding, base int) []Finding {
	n := base
	for i := base; i < len(dst); i++ {
		f := dst[i]
		if n > base && f.Undecided != Decided && dst[n-1].Undecided != Decided && f.Start <= dst[n-1].End {
			dst[n-1].End = max(dst[n-1].End, f.End)
			continue
		}
		dst[n] = f
		n++
	}
	return dst[:n]
}
