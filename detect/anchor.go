package detect

import (
	"slices"

	"github.com/dlclark/regexp2/v2/syntax"
)

// Most patterns' regexes begin, after optional look-behinds, with one of
// their keywords (or with a fixed text such as "-----" before it): every
// match then starts at a keyword occurrence, or a known distance before
// one, and the regex need only be tried there. For such patterns the engine compiles a
// second regex, `\G(?:…)`, which regexp2 tries at one position only; a
// keyword occurrence then costs one attempt instead of a search through
// its window.
//
// anchorable proves this from the regex's syntax tree: it enumerates the
// strings a match can begin with, as far as needed to see a whole keyword,
// and succeeds only if each one holds a keyword (under that keyword's case
// rule) within its first maxLead bytes; it returns the distinct distances
// ("leads") from match start to keyword, at most maxLeads of them. Zero-width assertions are skipped (which can only add
// strings), and anything it cannot enumerate cheaply (a large or negated
// class, a back-reference, too many strings) makes it answer false, which
// keeps the general search. The answer is therefore sound: an anchored
// pattern finds a match wherever the general search would find one
// starting at a keyword.

const (
	maxPrefixes = 1024
	maxLead     = 16
	maxLeads    = 4
)

type prefixWalker struct {
	keywords []string
	fold     bool
	failed   bool
}

// anchorable returns the distances from a match's start to a keyword in
// it, when every match of re holds a keyword within maxLead bytes of its
// start; ok is false when that cannot be shown.
func anchorable(re string, keywords []string, fold bool) (leads []int, ok bool) {
	defer func() {
		if recover() != nil {
			leads, ok = nil, false
		}
	}()
	tree, err := syntax.Parse(re, syntax.ParseOptions{})
	if err != nil || tree == nil || tree.Root == nil {
		return nil, false
	}
	w := &prefixWalker{keywords: keywords, fold: fold}
	out := w.walk(tree.Root, []string{""})
	if w.failed {
		return nil, false
	}
	for _, p := range out {
		d := w.lead(p)
		if d < 0 {
			return nil, false
		}
		if !slices.Contains(leads, d) {
			leads = append(leads, d)
		}
	}
	if len(leads) == 0 || len(leads) > maxLeads {
		return nil, false
	}
	slices.Sort(leads)
	return leads, true
}

// lead returns the smallest offset (at most maxLead) at which a keyword
// occurs whole in p, or -1.
func (w *prefixWalker) lead(p string) int {
	for d := 0; d <= maxLead && d < len(p); d++ {
		for _, k := range w.keywords {
			if len(k) <= len(p)-d && w.eq(p[d:d+len(k)], k) {
				return d
			}
		}
	}
	return -1
}

// done reports whether p holds a keyword within maxLead of its start.
func (w *prefixWalker) done(p string) bool { return w.lead(p) >= 0 }

// viable reports whether p can still grow into a string that holds a
// keyword within maxLead of its start.
func (w *prefixWalker) viable(p string) bool {
	for d := 0; d <= maxLead; d++ {
		if d >= len(p) {
			return true
		}
		for _, k := range w.keywords {
			n := min(len(k), len(p)-d)
			if w.eq(p[d:d+n], k[:n]) {
				return true
			}
		}
	}
	return false
}

func (w *prefixWalker) eq(a, b string) bool {
	if w.fold {
		return equalFold([]byte(a), []byte(b))
	}
	return a == b
}

// extend appends each of chars to each unfinished prefix.
func (w *prefixWalker) extend(in []string, chars []rune) []string {
	if len(in)*len(chars) > 4*maxPrefixes {
		w.failed = true // would only grow past the limit
		return nil
	}
	var out []string
	for _, p := range in {
		if w.done(p) {
			out = append(out, p)
			continue
		}
		for _, c := range chars {
			if c >= 0x80 {
				// Unicode case equivalents (the Kelvin sign for k, the long
				// s for s) cannot start a keyword occurrence in the text;
				// a match using them is not found by the general search
				// either, which needs a keyword inside the match.
				continue
			}
			q := p + string(byte(c))
			if !w.viable(q) && !w.done(q) {
				w.failed = true
				return nil
			}
			out = append(out, q)
		}
	}
	if len(out) > maxPrefixes {
		w.failed = true
		return nil
	}
	return dedupe(out)
}

func dedupe(in []string) []string {
	seen := make(map[string]bool, len(in))
	out := in[:0]
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

func allDone(w *prefixWalker, ps []string) bool {
	for _, p := range ps {
		if !w.done(p) {
			return false
		}
	}
	return true
}

// caseChars returns c and, under IgnoreCase, its other ASCII case. With
// case-folded keywords one case stands for both.
func (w *prefixWalker) caseChars(c rune, opts syntax.RegexOptions) []rune {
	if w.fold {
		if c >= 'A' && c <= 'Z' {
			c += 32
		}
		return []rune{c}
	}
	if opts&syntax.IgnoreCase != 0 {
		if c >= 'a' && c <= 'z' {
			return []rune{c, c - 32}
		}
		if c >= 'A' && c <= 'Z' {
			return []rune{c, c + 32}
		}
	}
	return []rune{c}
}

func (w *prefixWalker) setChars(n *syntax.RegexNode) []rune {
	if n.Set == nil || n.Set.IsNegated() || n.Set.HasSubtraction() {
		return nil
	}
	cs := n.Set.GetSetChars(64)
	if len(cs) == 0 {
		return nil
	}
	var out []rune
	for _, c := range cs {
		out = append(out, w.caseChars(c, n.Options)...)
	}
	return out
}

// walk returns the prefixes after matching n, starting from in.
func (w *prefixWalker) walk(n *syntax.RegexNode, in []string) []string {
	if w.failed || allDone(w, in) {
		return in
	}
	switch n.T {
	case syntax.NtOne:
		return w.extend(in, w.caseChars(n.Ch, n.Options))
	case syntax.NtMulti:
		out := in
		for _, c := range n.Str {
			out = w.extend(out, w.caseChars(c, n.Options))
			if w.failed {
				return nil
			}
		}
		return out
	case syntax.NtSet:
		cs := w.setChars(n)
		if cs == nil {
			w.failed = true
			return nil
		}
		return w.extend(in, cs)
	case syntax.NtConcatenate:
		out := in
		for _, c := range n.Children {
			out = w.walk(c, out)
			if w.failed {
				return nil
			}
		}
		return out
	case syntax.NtAlternate:
		var out []string
		for _, c := range n.Children {
			out = append(out, w.walk(c, in)...)
			if w.failed {
				return nil
			}
		}
		if len(out) > maxPrefixes {
			w.failed = true
			return nil
		}
		return dedupe(out)
	case syntax.NtCapture, syntax.NtGroup, syntax.NtAtomic:
		if len(n.Children) != 1 {
			w.failed = true
			return nil
		}
		return w.walk(n.Children[0], in)
	case syntax.NtPosLook, syntax.NtNegLook, syntax.NtBol, syntax.NtEol, syntax.NtBoundary,
		syntax.NtNonboundary, syntax.NtBeginning, syntax.NtStart, syntax.NtEndZ, syntax.NtEnd,
		syntax.NtEmpty, syntax.NtECMABoundary, syntax.NtNonECMABoundary, syntax.NtUpdateBumpalong:
		return in
	case syntax.NtOneloop, syntax.NtOnelazy, syntax.NtOneloopatomic,
		syntax.NtSetloop, syntax.NtSetlazy, syntax.NtSetloopatomic:
		var cs []rune
		if n.T == syntax.NtOneloop || n.T == syntax.NtOnelazy || n.T == syntax.NtOneloopatomic {
			cs = w.caseChars(n.Ch, n.Options)
		} else if cs = w.setChars(n); cs == nil {
			w.failed = true
			return nil
		}
		return w.repeat(in, n.M, n.N, func(ps []string) []string { return w.extend(ps, cs) })
	case syntax.NtLoop, syntax.NtLazyloop:
		if len(n.Children) != 1 {
			w.failed = true
			return nil
		}
		child := n.Children[0]
		return w.repeat(in, n.M, n.N, func(ps []string) []string { return w.walk(child, ps) })
	}
	w.failed = true
	return nil
}

// repeat applies step between lo and hi times (hi < 0 or huge: unbounded),
// stopping once every prefix is done or stops growing.
func (w *prefixWalker) repeat(in []string, lo, hi int, step func([]string) []string) []string {
	cur := in
	var acc []string
	if lo == 0 {
		acc = append(acc, in...)
	}
	for i := 1; ; i++ {
		if hi >= 0 && i > hi {
			break
		}
		cur = step(cur)
		if w.failed {
			return nil
		}
		if i >= lo {
			acc = append(acc, cur...)
		}
		if allDone(w, cur) || i > 64 {
			if i < lo && !allDone(w, cur) {
				w.failed = true
				return nil
			}
			break
		}
	}
	if len(acc) > maxPrefixes {
		w.failed = true
		return nil
	}
	return dedupe(acc)
}
