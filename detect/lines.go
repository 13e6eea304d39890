package detect

import (
	"bytes"
	"strings"

	"github.com/dlclark/regexp2/v2"
	"github.com/dlclark/regexp2/v2/syntax"
)

// A line of text is decided, for a pattern, once the line break that ends
// it is written, when no match of the pattern can hold the line break
// inside its secret or after it: the text a match needs to decide a
// secret that starts on the line is then on the line. secretCrossesLines
// proves that from the regex's syntax tree. It follows every way through
// the regex from the start of the secret (the group named "secret", or the
// whole match), tracking whether the last character consumed may have
// been a line break, and answers true when something may consume or look
// at a character after one: a second character, a word boundary, an end
// anchor. What the regex matches before the secret may cross lines (a key
// on one line and its value on the next), since that text is written
// before the secret. Anything it cannot follow (a back-reference, a
// conditional, a look-ahead that cannot be analysed) makes it answer
// true. End-of-input anchors outside negative look-arounds are taken as
// matching: a scan window ends mid-text too, so they can only add
// findings, never hide one.

// secretCrossesLines reports whether a match of re can hold a line break
// in its secret, or in the text it matches after the secret, and go on
// past it; true when that cannot be ruled out.
func secretCrossesLines(re string) (cross bool) {
	defer func() {
		if recover() != nil {
			cross = true
		}
	}()
	tree, err := syntax.Parse(re, syntax.ParseOptions{})
	if err != nil || tree == nil || tree.Root == nil {
		return true
	}
	w := nlWalker{group: -1}
	if g, ok := tree.Capnames["secret"]; ok {
		w.group = g
	}
	w.walk(tree.Root, w.group < 0, false, false)
	return w.cross
}

type nlWalker struct {
	group int  // the secret group's number, or -1
	cross bool // a way through the regex crosses a line break
	// skipSecret: judge only what follows the secret (secretFirst).
	skipSecret bool
}

// walk follows n. armed: the secret has started on this way through the
// regex (crossings count); seen: the last character consumed may have
// been a line break; neg: inside a negative look-around. It returns seen
// after n and whether the secret has started.
func (w *nlWalker) walk(n *syntax.RegexNode, armed, seen, neg bool) (seenAfter, armedAfter bool) {
	if w.cross {
		return true, true
	}
	fail := func() (bool, bool) {
		if armed {
			w.cross = true
		}
		return true, armed
	}
	switch n.T {
	case syntax.NtOne, syntax.NtNotone, syntax.NtSet:
		if armed && seen {
			w.cross = true
		}
		return armed && canNL(n), armed
	case syntax.NtMulti:
		for _, c := range n.Str {
			if armed && seen {
				w.cross = true
			}
			seen = armed && c == '\n'
		}
		return seen, armed
	case syntax.NtOneloop, syntax.NtNotoneloop, syntax.NtSetloop, syntax.NtOnelazy, syntax.NtNotonelazy,
		syntax.NtSetlazy, syntax.NtOneloopatomic, syntax.NtNotoneloopatomic, syntax.NtSetloopatomic:
		if !armed || n.N == 0 {
			return seen && armed, armed
		}
		nl := canNL(n)
		if seen || nl && (n.N < 0 || n.N > 1) {
			w.cross = true
		}
		return nl || seen && n.M == 0, armed
	case syntax.NtConcatenate:
		for _, c := range n.Children {
			seen, armed = w.walk(c, armed, seen, neg)
		}
		return seen, armed
	case syntax.NtAlternate:
		anyArmed, anySeen := false, false
		for _, c := range n.Children {
			s, a := w.walk(c, armed, seen, neg)
			anySeen = anySeen || s
			anyArmed = anyArmed || a
		}
		if anyArmed && !armed && w.group >= 0 {
			// A branch that holds no secret group makes its whole match
			// the secret; the secret of another may start inside it.
			for _, c := range n.Children {
				if !holdsGroup(c, w.group) {
					w.walk(c, true, false, neg)
				}
			}
		}
		return anySeen, anyArmed
	case syntax.NtCapture:
		if n.M == w.group && !armed && w.skipSecret {
			return nodeHoldsNL(n), true
		}
		if n.M == w.group && !armed {
			return w.walk(n.Children[0], true, false, neg)
		}
		return w.walk(n.Children[0], armed, seen, neg)
	case syntax.NtGroup, syntax.NtAtomic:
		if len(n.Children) != 1 {
			return fail()
		}
		return w.walk(n.Children[0], armed, seen, neg)
	case syntax.NtLoop, syntax.NtLazyloop:
		if len(n.Children) != 1 {
			return fail()
		}
		if !armed && holdsGroup(n, w.group) {
			armed = true // a repeated secret: judged from the loop's start
		}
		if n.N == 0 {
			return seen, armed
		}
		s1, a1 := w.walk(n.Children[0], armed, seen, neg)
		if n.N < 0 || n.N > 1 {
			s2, _ := w.walk(n.Children[0], a1, s1 || seen, neg)
			s1 = s1 || s2
		}
		return s1 || seen && n.M == 0, a1
	case syntax.NtPosLook, syntax.NtNegLook:
		if len(n.Children) != 1 {
			return fail()
		}
		if n.Options&syntax.RightToLeft != 0 {
			return seen, armed // a look-behind sees only text written before
		}
		w.walk(n.Children[0], armed, seen, neg || n.T == syntax.NtNegLook)
		return seen, armed
	case syntax.NtEol:
		if n.Options&syntax.Multiline == 0 && armed && neg {
			w.cross = true
		}
		fallthrough
	case syntax.NtBoundary, syntax.NtNonboundary, syntax.NtECMABoundary, syntax.NtNonECMABoundary:
		if armed && seen {
			w.cross = true
		}
		return seen, armed
	case syntax.NtEndZ, syntax.NtEnd:
		if armed && (seen || neg) {
			w.cross = true
		}
		return seen, armed
	case syntax.NtBol, syntax.NtBeginning, syntax.NtStart, syntax.NtEmpty, syntax.NtNothing,
		syntax.NtUpdateBumpalong, syntax.NtResetCapture:
		return seen, armed
	}
	// Back-references, conditionals, anything unknown.
	return fail()
}

// nodeHoldsNL reports whether a match of n can hold a line break.
func nodeHoldsNL(n *syntax.RegexNode) bool {
	switch n.T {
	case syntax.NtOne, syntax.NtOneloop, syntax.NtOnelazy, syntax.NtOneloopatomic,
		syntax.NtNotone, syntax.NtNotoneloop, syntax.NtNotonelazy, syntax.NtNotoneloopatomic,
		syntax.NtSet, syntax.NtSetloop, syntax.NtSetlazy, syntax.NtSetloopatomic:
		return canNL(n)
	case syntax.NtMulti:
		for _, c := range n.Str {
			if c == '\n' {
				return true
			}
		}
		return false
	case syntax.NtRef:
		return true
	case syntax.NtPosLook, syntax.NtNegLook:
		return false
	}
	for _, c := range n.Children {
		if nodeHoldsNL(c) {
			return true
		}
	}
	return false
}

// canNL reports whether a one-character node (or loop of one) can match
// a line break.
func canNL(n *syntax.RegexNode) bool {
	switch n.T {
	case syntax.NtOne, syntax.NtOneloop, syntax.NtOnelazy, syntax.NtOneloopatomic:
		return n.Ch == '\n'
	case syntax.NtNotone, syntax.NtNotoneloop, syntax.NtNotonelazy, syntax.NtNotoneloopatomic:
		return n.Ch != '\n'
	}
	return n.Set == nil || n.Set.CharIn('\n')
}

func holdsGroup(n *syntax.RegexNode, g int) bool {
	if g < 0 {
		return false
	}
	if n.T == syntax.NtCapture && n.M == g {
		return true
	}
	for _, c := range n.Children {
		if holdsGroup(c, g) {
			return true
		}
	}
	return false
}

// lineInfo is what a line-mode Writer needs to know about the catalog:
// the multi-line patterns, whose findings a line break does not decide.
type lineInfo struct {
	pats []multiPat
	// maxKw is the length of the longest keyword of a multi-line pattern.
	maxKw int
	// localCtx is how much text before a line a line-local finding in it
	// can depend on: twice the widest window of a line-local pattern.
	localCtx int
}

// multiPat is a multi-line pattern: a match can hold a line break in its
// secret or after it, so a line can start a finding that later lines
// decide.
type multiPat struct {
	id     string
	reach  int
	fold   bool
	kws    [][]byte // lower case when fold
	anchor bool     // every match starts within maxLead bytes of a keyword
	// first holds the bytes a secret that crosses lines can start with;
	// nil: any.
	first *[256]bool
	// lead, for a pattern whose secret can come before its keyword
	// (context on a later line), matches the text of a match up to where
	// its secret starts, or up to its end when the secret is on one line
	// and only the context after it crosses lines.
	lead *regexp2.Regexp
	// leadGroup is lead's group number of "secret", or -1.
	leadGroup int
	// leadInLine: a match of lead holds no line break.
	leadInLine bool
	// leadLits are literals one of which every match of lead holds (nil:
	// none known); text without any of them is not searched.
	leadLits [][]byte
	// leadBack is how far before the text not yet searched a lead match
	// can start: its longest match, at most maxLeadBack.
	leadBack int
}

// lineInfo returns d's line facts, built on first use.
func (d *Detector) lineFacts() *lineInfo {
	d.lineOnce.Do(func() {
		li := &lineInfo{}
		local := 0
		for i := range d.pats {
			c := &d.pats[i]
			if !secretCrossesLines(c.p.Regex) {
				local = max(local, c.reach)
				continue
			}
			m := multiPat{id: c.p.ID, reach: c.reach, fold: c.p.KeywordsFoldCase, anchor: c.anchored != nil}
			if set, ok := secretFirst(c.p.Regex); ok {
				m.first = set
			}
			for _, k := range c.p.Keywords {
				kb := []byte(k)
				if m.fold {
					kb = lower(kb)
				}
				m.kws = append(m.kws, kb)
				li.maxKw = max(li.maxKw, len(kb))
			}
			if !m.anchor {
				if src, ok := leadRegex(c.p.Regex); ok {
					if re, err := compileRegex(src); err == nil {
						re.MatchTimeout = d.opts.matchTimeout
						m.lead = re
						m.leadGroup = re.GroupNumberFromName("secret")
						if tree, err := syntax.Parse(src, syntax.ParseOptions{}); err == nil && tree != nil && tree.Root != nil {
							m.leadInLine = !nodeHoldsNL(tree.Root)
							for _, l := range mustHold(tree.Root) {
								m.leadLits = append(m.leadLits, []byte(l))
							}
						}
						m.leadBack = min(regexMaxLen(src), maxLeadBack, c.reach)
					}
				}
			}
			li.pats = append(li.pats, m)
		}
		li.localCtx = 2*local + 64
		d.lines = li
	})
	return d.lines
}

// leadRegex derives a pattern's lead (see multiPat) from its regex text:
// each top-level alternative that can cross lines is cut before its
// secret group (when the secret itself can cross lines) or after it, and
// the groups left open are closed. ok is false when an alternative that
// crosses lines has no secret group or leaves nothing to match.
func leadRegex(re string) (lead string, ok bool) {
	flags := ""
	if strings.HasPrefix(re, "(?") {
		if i := strings.IndexByte(re, ')'); i > 2 && strings.Trim(re[2:i], "imsx-") == "" {
			flags, re = re[:i+1], re[i+1:]
		}
	}
	if strings.HasPrefix(re, "(?:") && closingParen(re, 0) == len(re)-1 {
		re = re[3 : len(re)-1]
	}
	var leads []string
	for _, alt := range splitTop(re) {
		if !secretCrossesLines(flags + alt) {
			continue
		}
		i := strings.Index(alt, "(?<secret>")
		if i < 0 {
			return "", false
		}
		j := closingParen(alt, i)
		if j < 0 {
			return "", false
		}
		cut := j + 1
		if secretCrossesLines(flags + "(?:" + alt[i+len("(?<secret>"):j] + ")") {
			cut = i
		}
		pre := alt[:cut]
		if open := openParens(pre); open > 0 {
			pre += strings.Repeat(")", open)
		}
		if strings.Trim(pre, "()") == "" {
			return "", false
		}
		leads = append(leads, pre)
	}
	if len(leads) == 0 {
		return "", false
	}
	return flags + "(?:" + strings.Join(leads, "|") + ")", true
}

// scanRegex walks a regex text, calling fn at each byte outside character
// classes and escapes with the paren depth before it; fn returns false to
// stop.
func scanRegex(re string, from int, fn func(i, depth int) bool) {
	depth := 0
	for i := from; i < len(re); i++ {
		switch re[i] {
		case '\\':
			i++
			continue
		case '[':
			for j := i + 1; j < len(re); j++ {
				if re[j] == '\\' {
					j++
				} else if re[j] == ']' && j > i+1 && !(j == i+2 && re[i+1] == '^') {
					i = j
					break
				}
			}
			continue
		}
		if !fn(i, depth) {
			return
		}
		switch re[i] {
		case '(':
			depth++
		case ')':
			depth--
		}
	}
}

// closingParen returns the index of the ')' closing the '(' at open, or -1.
func closingParen(re string, open int) int {
	end := -1
	scanRegex(re, open, func(i, depth int) bool {
		if i > open && re[i] == ')' && depth == 1 {
			end = i
			return false
		}
		return true
	})
	return end
}

// openParens counts the groups left open at the end of re.
func openParens(re string) int {
	n := 0
	scanRegex(re, 0, func(i, depth int) bool {
		switch re[i] {
		case '(':
			n = depth + 1
		case ')':
			n = depth - 1
		}
		return true
	})
	return n
}

// splitTop splits re at its top-level '|'.
func splitTop(re string) []string {
	var out []string
	last := 0
	scanRegex(re, 0, func(i, depth int) bool {
		if re[i] == '|' && depth == 0 {
			out = append(out, re[last:i])
			last = i + 1
		}
		return true
	})
	return append(out, re[last:])
}

// construct is an open multi-line construct of a line Writer. Offsets are
// stream offsets.
type construct struct {
	pat   int   // index in lineInfo.pats; -1 for a block of wrapped base64
	lead  bool  // opened by a lead match, not a keyword
	at    int64 // where its secret may start
	from  int64 // the start of the line it holds from
	until int64 // once the stream reaches this, it is decided
}

// leadLookBehind is how far before a line a lead regex's look-behind can
// look: more than any of the catalog's.
const leadLookBehind = 64

// findOpeners records the constructs that text up to buf[p] (the end of a
// complete line) opens and that were not searched before: keywords of
// multi-line patterns and matches of their leads.
func (w *Writer) findOpeners(p int, li *lineInfo) {
	ck := max(0, int(w.checked-w.base))
	if ck >= p {
		return
	}
	klo := max(0, ck-li.maxKw+1)
	seg := w.buf[klo:p]
	low := append(w.low[:0], seg...)
	for i, c := range low {
		if c >= 'A' && c <= 'Z' {
			low[i] = c + 'a' - 'A'
		}
	}
	w.low = low
	for pi := range li.pats {
		m := &li.pats[pi]
		hay := seg
		if m.fold {
			hay = low
		}
		for _, kw := range m.kws {
			for i := 0; ; {
				j := bytes.Index(hay[i:], kw)
				if j < 0 {
					break
				}
				k := klo + i + j
				i += j + 1
				if k+len(kw) > ck {
					w.addConstruct(pi, k, max(0, k-maxLead), k+len(kw)+m.reach)
				}
			}
		}
		if m.lead == nil {
			continue
		}
		llo := max(0, ck-m.leadBack)
		if m.leadInLine && ck > 0 && w.buf[ck-1] == '\n' {
			// A match that ends past ck lies on the lines after it; the
			// text before is needed only for look-behinds.
			llo = max(llo, ck-leadLookBehind)
		}
		region := w.buf[llo:p]
		if m.leadLits != nil && !holdsAny(region, m.leadLits) {
			continue
		}
		w.runes, w.offs = toRunes(w.runes[:0], w.offs[:0], region)
		off := func(i int) int {
			if len(w.offs) == 0 || i >= len(w.offs) {
				if i >= len(w.runes) {
					return llo + len(region)
				}
				return llo + i
			}
			return llo + w.offs[i]
		}
		g := m.leadGroup
		err := m.lead.FindRunesMatches(w.runes, 0, func(mv regexp2.MatchView) bool {
			mi, ml, ok := mv.GroupRange(0)
			if !ok {
				return true
			}
			ms, me := off(mi), off(mi+ml)
			if me <= ck {
				return true
			}
			at := me
			if si, _, ok := mv.GroupRange(g); g > 0 && ok {
				at = off(si)
			}
			w.addConstruct(pi, at, at, ms+m.reach)
			w.open[len(w.open)-1].lead = true
			return true
		})
		if err != nil {
			// Undecidable: hold from the searched text until its window
			// has passed.
			w.d.timeouts.Add(1)
			w.addConstruct(pi, max(ck, llo), max(ck, llo), p+m.reach)
			w.open[len(w.open)-1].lead = true
		}
	}
	// A block of wrapped base64 that the last line may continue; one that
	// a shorter line has ended is decided.
	block := int64(-1)
	if ls := lineStart(w.buf, p-1); ls >= 0 {
		if sg, ok := segAt(w.buf, ls); ok && sg.whole && !sg.padded && wrapWidth(sg.hi-sg.lo) {
			first := ls
			for first > 0 {
				prev, ok := prevSeg(w.buf, first)
				ps := lineStart(w.buf, first-1)
				if !ok || ps < 0 || !prev.whole || prev.padded || !wrapWidth(prev.hi-prev.lo) {
					break
				}
				first = ps
			}
			block = w.base + int64(first)
		}
	}
	n, have := 0, false
	for _, c := range w.open {
		if c.pat < 0 && c.at != block {
			continue
		}
		have = have || c.pat < 0
		w.open[n] = c
		n++
	}
	w.open = w.open[:n]
	if block >= 0 && !have {
		at := int(block - w.base)
		w.addConstruct(-1, at, at, p+w.d.lim.wrapRegion)
	}
	w.checked = w.base + int64(p)
}

// addConstruct records a construct given in buffer offsets.
func (w *Writer) addConstruct(pat, at, from, until int) {
	ls := from
	for ls > 0 && w.buf[ls-1] != '\n' && from-ls < maxLineBack {
		ls--
	}
	if ls > 0 && w.buf[ls-1] != '\n' {
		ls = from // a very long line: hold from the construct itself
	}
	w.open = append(w.open, construct{pat: pat, at: w.base + int64(at), from: w.base + int64(ls), until: w.base + int64(until)})
}

// maxLeadBack is how far before the text not yet searched a lead match
// may start and still be found. The catalog's leads that can be longer
// (a Secret manifest's kind before its data, a service-account file's
// type before its key) hold a keyword before the secret, which opens the
// construct by itself.
const maxLeadBack = 1 << 10

// maxLineBack bounds the search for the start of a construct's line.
const maxLineBack = 4 << 10

// decide drops the constructs that are decided and returns where the
// text the Writer may write out ends: p (the end of the last complete
// line), or the start of the first line an open construct holds.
func (w *Writer) decide(fs []Finding, p, end int, li *lineInfo) int {
	endAbs := w.base + int64(end)
	hold := p
	n := 0
	for _, c := range w.open {
		if c.until <= endAbs || w.closedBy(c, fs, p, li) {
			continue
		}
		w.open[n] = c
		n++
		hold = min(hold, max(w.ctx, w.holdFrom(c, p, li)))
	}
	w.open = w.open[:n]
	return hold
}

// holdFrom returns the start of the first line that construct c holds:
// the line of the first byte, from where its secret may start, that a
// secret of its pattern crossing lines can start with; p when there is
// none before p (the construct holds no line yet).
func (w *Writer) holdFrom(c construct, p int, li *lineInfo) int {
	from := int(c.from - w.base)
	if c.pat < 0 || c.lead || li.pats[c.pat].first == nil {
		return from
	}
	set := li.pats[c.pat].first
	for i := max(from, int(c.at-w.base)-maxLead); i < p; i++ {
		if set[w.buf[i]] {
			return max(from, lineStartOf(w.buf, i))
		}
	}
	return p
}

// lineStartOf returns the start of the line holding buf[i] (i may be
// len(buf)).
func lineStartOf(buf []byte, i int) int { return bytes.LastIndexByte(buf[:i], '\n') + 1 }

// closedBy reports whether a finding in fs that ends before p (the end of
// a complete line) ends construct c: a finding of a multi-line pattern,
// or an undecided one, that starts on or after c's line, within its
// pattern's window, and ends after where its secret may start; or any
// finding that holds where c's secret may start and is followed by
// nothing but white space up to p (a secret does not start with white
// space).
func (w *Writer) closedBy(c construct, fs []Finding, p int, li *lineInfo) bool {
	from, at := int(c.from-w.base), int(c.at-w.base)
	if c.pat < 0 {
		return false // ended by a shorter line (findOpeners)
	}
	reach := li.pats[c.pat].reach
	for _, f := range fs {
		if f.End > p {
			continue
		}
		if f.Start <= at && at < f.End && onlySpace(w.buf[f.End:p]) {
			// The construct's keyword is inside a finding that ends its
			// line: a secret starting there is inside that mask.
			return true
		}
		if f.Start < from || f.Start > at+reach {
			continue
		}
		if f.Undecided != Decided || li.multi(f.PatternID) {
			// The construct's text up to the finding is decided; what
			// follows it is a new line.
			if f.End > at {
				return true
			}
		}
	}
	return false
}

// multi reports whether id is a multi-line pattern's.
func (li *lineInfo) multi(id string) bool {
	for i := range li.pats {
		if li.pats[i].id == id {
			return true
		}
	}
	return false
}

// secretFirst returns the bytes a secret of re that can cross lines may
// start with (see secretCrossesLines): the first bytes of the branches of
// its secret group (or of the whole regex) that can cross lines. ok is
// false when they cannot be worked out; every byte may start one then.
func secretFirst(re string) (set *[256]bool, ok bool) {
	defer func() {
		if recover() != nil {
			set, ok = nil, false
		}
	}()
	tree, err := syntax.Parse(re, syntax.ParseOptions{})
	if err != nil || tree == nil || tree.Root == nil {
		return nil, false
	}
	root := tree.Root
	g, ok := tree.Capnames["secret"]
	if ok {
		root = findGroup(root, g)
		if root == nil || len(root.Children) != 1 {
			return nil, false
		}
		root = root.Children[0]
	}
	for (root.T == syntax.NtAtomic || root.T == syntax.NtGroup) && len(root.Children) == 1 {
		root = root.Children[0]
	}
	branches := []*syntax.RegexNode{root}
	if root.T == syntax.NtAlternate {
		branches = root.Children
	}
	// When what follows the secret can cross lines, a secret of any
	// branch can start a finding that later lines decide; else only one
	// of a branch that itself crosses lines.
	after := false
	if ok {
		w := nlWalker{group: g, skipSecret: true}
		w.walk(tree.Root, false, false, false)
		after = w.cross
	}
	set = new([256]bool)
	for _, b := range branches {
		w := nlWalker{group: -1}
		w.walk(b, true, false, false)
		if !w.cross && !after {
			continue
		}
		if nullable := firstBytes(b, set); nullable {
			return nil, false
		}
	}
	return set, true
}

// findGroup returns the first capture node of group g in n.
func findGroup(n *syntax.RegexNode, g int) *syntax.RegexNode {
	if n.T == syntax.NtCapture && n.M == g {
		return n
	}
	for _, c := range n.Children {
		if f := findGroup(c, g); f != nil {
			return f
		}
	}
	return nil
}

// firstBytes adds to set the bytes a match of n can start with and
// reports whether n can match the empty string (or could not be read).
func firstBytes(n *syntax.RegexNode, set *[256]bool) (nullable bool) {
	addRune := func(c rune, fold bool) {
		if c >= 0x80 {
			for b := 0x80; b < 256; b++ {
				set[b] = true
			}
			return
		}
		set[c] = true
		if fold && c >= 'a' && c <= 'z' {
			set[c-32] = true
		} else if fold && c >= 'A' && c <= 'Z' {
			set[c+32] = true
		}
	}
	fold := n.Options&syntax.IgnoreCase != 0
	switch n.T {
	case syntax.NtOne, syntax.NtOneloop, syntax.NtOnelazy, syntax.NtOneloopatomic:
		addRune(n.Ch, fold)
		return n.T != syntax.NtOne && n.M == 0
	case syntax.NtMulti:
		if len(n.Str) == 0 {
			return true
		}
		addRune(n.Str[0], fold)
		return false
	case syntax.NtNotone, syntax.NtNotoneloop, syntax.NtNotonelazy, syntax.NtNotoneloopatomic,
		syntax.NtSet, syntax.NtSetloop, syntax.NtSetlazy, syntax.NtSetloopatomic:
		for b := range 256 {
			in := true
			switch {
			case b >= 0x80:
			case n.Set != nil:
				in = n.Set.CharIn(rune(b))
			default:
				in = rune(b) != n.Ch
			}
			if in {
				set[b] = true
			}
		}
		isLoop := n.T != syntax.NtNotone && n.T != syntax.NtSet
		return isLoop && n.M == 0
	case syntax.NtConcatenate:
		for _, c := range n.Children {
			if !firstBytes(c, set) {
				return false
			}
		}
		return true
	case syntax.NtAlternate:
		for _, c := range n.Children {
			if firstBytes(c, set) {
				nullable = true
			}
		}
		return nullable
	case syntax.NtCapture, syntax.NtGroup, syntax.NtAtomic:
		return len(n.Children) != 1 || firstBytes(n.Children[0], set)
	case syntax.NtLoop, syntax.NtLazyloop:
		if len(n.Children) != 1 {
			return true
		}
		return firstBytes(n.Children[0], set) || n.M == 0
	case syntax.NtPosLook, syntax.NtNegLook, syntax.NtBol, syntax.NtEol, syntax.NtBoundary,
		syntax.NtNonboundary, syntax.NtECMABoundary, syntax.NtNonECMABoundary, syntax.NtBeginning,
		syntax.NtStart, syntax.NtEndZ, syntax.NtEnd, syntax.NtEmpty, syntax.NtUpdateBumpalong:
		return true
	}
	return true // unknown: treated as able to start anywhere
}

// regexMaxLen returns the length in runes of the longest match of re, or
// a large number when it is unbounded or cannot be worked out.
func regexMaxLen(re string) (n int) {
	const unbounded = 1 << 30
	defer func() {
		if recover() != nil {
			n = unbounded
		}
	}()
	tree, err := syntax.Parse(re, syntax.ParseOptions{})
	if err != nil || tree == nil || tree.Root == nil {
		return unbounded
	}
	var walk func(n *syntax.RegexNode) int
	walk = func(n *syntax.RegexNode) int {
		rep := func(one, hi int) int {
			if hi < 0 || hi >= unbounded || one >= unbounded {
				return unbounded
			}
			return min(unbounded, one*hi)
		}
		switch n.T {
		case syntax.NtOne, syntax.NtNotone, syntax.NtSet:
			return 1
		case syntax.NtMulti:
			return len(n.Str)
		case syntax.NtOneloop, syntax.NtNotoneloop, syntax.NtSetloop, syntax.NtOnelazy, syntax.NtNotonelazy,
			syntax.NtSetlazy, syntax.NtOneloopatomic, syntax.NtNotoneloopatomic, syntax.NtSetloopatomic:
			return rep(1, n.N)
		case syntax.NtLoop, syntax.NtLazyloop:
			if len(n.Children) != 1 {
				return unbounded
			}
			return rep(walk(n.Children[0]), n.N)
		case syntax.NtConcatenate:
			sum := 0
			for _, c := range n.Children {
				sum = min(unbounded, sum+walk(c))
			}
			return sum
		case syntax.NtAlternate:
			m := 0
			for _, c := range n.Children {
				m = max(m, walk(c))
			}
			return m
		case syntax.NtCapture, syntax.NtGroup, syntax.NtAtomic:
			if len(n.Children) != 1 {
				return unbounded
			}
			return walk(n.Children[0])
		case syntax.NtPosLook, syntax.NtNegLook, syntax.NtBol, syntax.NtEol, syntax.NtBoundary,
			syntax.NtNonboundary, syntax.NtECMABoundary, syntax.NtNonECMABoundary, syntax.NtBeginning,
			syntax.NtStart, syntax.NtEndZ, syntax.NtEnd, syntax.NtEmpty, syntax.NtNothing, syntax.NtUpdateBumpalong:
			return 0
		}
		return unbounded
	}
	// Runes can be up to 4 bytes.
	return min(unbounded, 4*walk(tree.Root))
}

// holdsAny reports whether b holds one of lits.
func holdsAny(b []byte, lits [][]byte) bool {
	for _, l := range lits {
		if bytes.Contains(b, l) {
			return true
		}
	}
	return false
}

// mustHold returns literals of which every match of n holds at least one,
// or nil when it knows none: the longest literal a concatenation must
// hold, the literals of every branch of an alternation. Literals matched
// without case, and anything in a look-around, are not used.
func mustHold(n *syntax.RegexNode) []string {
	switch n.T {
	case syntax.NtMulti:
		if n.Options&syntax.IgnoreCase != 0 {
			return nil
		}
		return []string{string(n.Str)}
	case syntax.NtConcatenate:
		var best []string
		for _, c := range n.Children {
			if l := mustHold(c); l != nil && (best == nil || shortest(l) > shortest(best)) {
				best = l
			}
		}
		return best
	case syntax.NtAlternate:
		var all []string
		for _, c := range n.Children {
			l := mustHold(c)
			if l == nil {
				return nil
			}
			all = append(all, l...)
		}
		return all
	case syntax.NtCapture, syntax.NtGroup, syntax.NtAtomic:
		if len(n.Children) == 1 {
			return mustHold(n.Children[0])
		}
	case syntax.NtLoop, syntax.NtLazyloop:
		if n.M >= 1 && len(n.Children) == 1 {
			return mustHold(n.Children[0])
		}
	}
	return nil
}

// shortest returns the length of the shortest of ls.
func shortest(ls []string) int {
	n := -1
	for _, l := range ls {
		if n < 0 || len(l) < n {
			n = len(l)
		}
	}
	return n
}
