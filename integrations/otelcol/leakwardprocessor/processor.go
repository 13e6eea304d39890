package leakwardprocessor

import (
	"bytes"
	"context"
	"slices"
	"strconv"
	"strings"
	"sync"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/leakward/leakward/detect"
)

// KeyPlaceholder replaces a map key (attribute key, or key of a map in a
// body) that holds a secret. When several keys of one map hold secrets, the
// second gets KeyPlaceholder+":2", the third ":3", and so on, skipping any
// name another key of the map already has; the order of entries is kept.
const KeyPlaceholder = detect.RedactedKey

// redactor rewrites telemetry in place. It is safe for concurrent use: all
// per-call state lives in a pooled scratch.
type redactor struct {
	*settings
	// counted is true when findings must be known (summary or store).
	counted bool
	pool    sync.Pool
}

func newRedactor(s *settings) *redactor {
	r := &redactor{settings: s, counted: s.summary != "" || s.store != nil}
	r.pool.New = func() any { return new(scratch) }
	return r
}

// patternCount is a number of redacted secrets of one pattern.
type patternCount struct {
	id string
	n  int64
}

// scratch is the state of one call: reusable buffers and the tallies of the
// record being processed.
type scratch struct {
	findings []detect.Finding
	buf      []byte
	raw      []byte // the bytes of a bytes value being scanned
	// path is the name of the value being scanned: the keys of the maps
	// it is in, outermost first, joined with '.' (empty outside a map).
	path   []byte
	counts []patternCount
	leaked bool
}

func (s *scratch) reset() {
	s.counts = s.counts[:0]
	s.leaked = false
	s.path = s.path[:0]
}

func (s *scratch) add(id string) {
	for i := range s.counts {
		if s.counts[i].id == id {
			s.counts[i].n++
			return
		}
	}
	s.counts = append(s.counts, patternCount{id: id, n: 1})
}

func (r *redactor) processLogs(_ context.Context, ld plog.Logs) (plog.Logs, error) {
	s := r.pool.Get().(*scratch)
	defer r.pool.Put(s)
	rls := ld.ResourceLogs()
	for i := 0; i < rls.Len(); i++ {
		rl := rls.At(i)
		s.reset()
		r.setStr(s, rl.SchemaUrl, rl.SetSchemaUrl)
		r.resourceAttrs(s, rl.Resource().Attributes())
		sls := rl.ScopeLogs()
		for j := 0; j < sls.Len(); j++ {
			sl := sls.At(j)
			s.reset()
			r.setStr(s, sl.SchemaUrl, sl.SetSchemaUrl)
			r.scope(s, sl.Scope())
			lrs := sl.LogRecords()
			for k := 0; k < lrs.Len(); k++ {
				lr := lrs.At(k)
				s.reset()
				r.setStr(s, lr.EventName, lr.SetEventName)
				r.setStr(s, lr.SeverityText, lr.SetSeverityText)
				if r.body {
					r.value(s, lr.Body())
				}
				if r.attrs {
					r.mapEntries(s, lr.Attributes())
				}
				r.annotate(s, lr.Attributes())
			}
		}
	}
	return ld, nil
}

func (r *redactor) processTraces(_ context.Context, td ptrace.Traces) (ptrace.Traces, error) {
	s := r.pool.Get().(*scratch)
	defer r.pool.Put(s)
	rss := td.ResourceSpans()
	for i := 0; i < rss.Len(); i++ {
		rs := rss.At(i)
		s.reset()
		r.setStr(s, rs.SchemaUrl, rs.SetSchemaUrl)
		r.resourceAttrs(s, rs.Resource().Attributes())
		sss := rs.ScopeSpans()
		for j := 0; j < sss.Len(); j++ {
			ss := sss.At(j)
			s.reset()
			r.setStr(s, ss.SchemaUrl, ss.SetSchemaUrl)
			r.scope(s, ss.Scope())
			spans := ss.Spans()
			for k := 0; k < spans.Len(); k++ {
				r.span(s, spans.At(k))
			}
		}
	}
	return td, nil
}

// span redacts one span: its name, status message, trace state and
// attributes, and the names, attributes and trace states of its events and
// links; the summary goes on the span's attributes.
func (r *redactor) span(s *scratch, sp ptrace.Span) {
	s.reset()
	r.setStr(s, sp.Name, sp.SetName)
	st := sp.Status()
	r.setStr(s, st.Message, st.SetMessage)
	ts := sp.TraceState()
	r.setStr(s, ts.AsRaw, ts.FromRaw)
	if r.attrs {
		r.mapEntries(s, sp.Attributes())
	}
	evs := sp.Events()
	for e := 0; e < evs.Len(); e++ {
		ev := evs.At(e)
		r.setStr(s, ev.Name, ev.SetName)
		if r.attrs {
			r.mapEntries(s, ev.Attributes())
		}
	}
	links := sp.Links()
	for l := 0; l < links.Len(); l++ {
		lk := links.At(l)
		lts := lk.TraceState()
		r.setStr(s, lts.AsRaw, lts.FromRaw)
		if r.attrs {
			r.mapEntries(s, lk.Attributes())
		}
	}
	r.annotate(s, sp.Attributes())
}

// resourceAttrs redacts resource attributes when they are selected and adds
// the summary of the resource (its schema URL included) to them.
func (r *redactor) resourceAttrs(s *scratch, m pcommon.Map) {
	if r.resource {
		r.mapEntries(s, m)
	}
	r.annotate(s, m)
}

// scope redacts an instrumentation scope's name, version and (when
// attributes are selected) attributes, and adds the summary of the scope
// (its schema URL included) to its attributes.
func (r *redactor) scope(s *scratch, sc pcommon.InstrumentationScope) {
	r.setStr(s, sc.Name, sc.SetName)
	r.setStr(s, sc.Version, sc.SetVersion)
	if r.attrs {
		r.mapEntries(s, sc.Attributes())
	}
	r.annotate(s, sc.Attributes())
}

// setStr redacts a string field through its getter and setter; the setter
// is called only when the field held a secret.
func (r *redactor) setStr(s *scratch, get func() string, set func(string)) {
	in := get()
	if in == "" {
		return
	}
	if out, ok := r.redact(s, bytesOf(in)); ok {
		set(string(out))
	}
}

// annotate writes the summary and the known-leaked marker of the record just
// scanned into m.
func (r *redactor) annotate(s *scratch, m pcommon.Map) {
	if len(s.counts) == 0 {
		return
	}
	if r.summary != "" {
		slices.SortFunc(s.counts, func(a, b patternCount) int { return strings.Compare(a.id, b.id) })
		var total int64
		for _, c := range s.counts {
			key, ok := r.summaryKeys[c.id]
			if !ok {
				key = r.summary + c.id
			}
			m.PutInt(key, c.n)
			total += c.n
		}
		m.PutInt(r.summaryKeys[""], total)
	}
	if s.leaked {
		m.PutBool(r.leakedKey, true)
	}
}

// mapEntries redacts the keys and values of m, values at any depth. Each
// value is checked with its key path as its name (see redactField). A key
// that holds a secret is replaced by KeyPlaceholder (see rekey); since
// pcommon.Map cannot rename a key, m is then rebuilt in the same order.
func (r *redactor) mapEntries(s *scratch, m pcommon.Map) {
	var secretKeys []int // indexes of the keys that hold a secret, in order
	i := 0
	n := len(s.path)
	for k, v := range m.All() {
		if k != "" {
			if _, ok := r.redact(s, bytesOf(k)); ok {
				secretKeys = append(secretKeys, i)
			}
			// An empty key adds nothing to the path: its value is named
			// by the keys around it.
			if n > 0 {
				s.path = append(s.path, '.')
			}
			s.path = append(s.path, k...)
		}
		r.value(s, v)
		s.path = s.path[:n]
		i++
	}
	if len(secretKeys) > 0 {
		rekey(m, secretKeys)
	}
}

// rekey rebuilds m with the keys at the indexes in secret (ascending)
// replaced by KeyPlaceholder, made unique with a suffix ":2", ":3"… that no
// other key of m uses. Values are moved, not copied.
func rekey(m pcommon.Map, secret []int) {
	taken := make(map[string]bool, m.Len())
	i, j := 0, 0
	for k := range m.All() {
		if j < len(secret) && secret[j] == i {
			j++
		} else {
			taken[k] = true
		}
		i++
	}
	out := pcommon.NewMap()
	out.EnsureCapacity(m.Len())
	i, j, n := 0, 0, 1
	for k, v := range m.All() {
		if j < len(secret) && secret[j] == i {
			j++
			for {
				k = KeyPlaceholder
				if n > 1 {
					k += ":" + strconv.Itoa(n)
				}
				n++
				if !taken[k] {
					break
				}
			}
			taken[k] = true
		}
		v.MoveTo(out.PutEmpty(k))
		i++
	}
	out.MoveTo(m)
}

// value redacts v in place: strings directly, bytes as the text exporters
// print (see below), maps (keys included) and slices at any depth. Strings
// and bytes are checked with s.path as their name; the elements of a slice
// have the slice's name.
func (r *redactor) value(s *scratch, v pcommon.Value) {
	switch v.Type() {
	case pcommon.ValueTypeStr:
		if in := v.Str(); in != "" {
			if out, ok := r.redactField(s, bytesOf(in)); ok {
				v.SetStr(string(out))
			}
		}
	case pcommon.ValueTypeBytes:
		// The raw bytes are scanned (exporters print them as base64, which
		// would hide a secret from a scan of the printed text). Bytes that
		// hold a secret become the redacted text, as a string value: a
		// mask is text, and base64 of it would hide that it was redacted.
		bs := v.Bytes()
		if bs.Len() == 0 {
			return
		}
		s.raw = s.raw[:0]
		for _, b := range bs.All() {
			s.raw = append(s.raw, b)
		}
		if out, ok := r.redactField(s, s.raw); ok {
			v.SetStr(strings.ToValidUTF8(string(out), "\uFFFD"))
		}
	case pcommon.ValueTypeMap:
		r.mapEntries(s, v.Map())
	case pcommon.ValueTypeSlice:
		sl := v.Slice()
		for i := 0; i < sl.Len(); i++ {
			r.value(s, sl.At(i))
		}
	}
}

// redact returns the redaction of src in s.buf and true, or false when src
// holds no secret. src is only read, and scanned once: without summary or
// store, Redact writes the masks and its result is compared with src;
// otherwise Scan finds the secrets, which are tallied, and RedactFindings
// writes the masks. Text without secrets allocates nothing.
func (r *redactor) redact(s *scratch, src []byte) ([]byte, bool) {
	if !r.counted {
		s.buf = r.det.Redact(s.buf[:0], src)
		return s.buf, !bytes.Equal(s.buf, src)
	}
	s.findings = r.det.AppendScan(s.findings[:0], src)
	return r.mask(s, src)
}

// redactField is redact for a value named s.path, a structured field: when
// the name says secret (detect.Detector.SecretName), the value is checked
// with it (AppendScanField), so that "db.password" = "Tq7wLz2VbK9x" is
// masked where "user" with the same value is not. Other names cost only
// the SecretName check.
func (r *redactor) redactField(s *scratch, src []byte) ([]byte, bool) {
	if len(s.path) == 0 {
		return r.redact(s, src)
	}
	name := stringOf(s.path)
	if !r.det.SecretName(name) {
		return r.redact(s, src)
	}
	s.findings = r.det.AppendScanField(s.findings[:0], name, src)
	return r.mask(s, src)
}

// mask tallies s.findings, the findings in src, checks them against the
// store, and returns the redaction of src in s.buf and true, or false when
// there are none.
func (r *redactor) mask(s *scratch, src []byte) ([]byte, bool) {
	if len(s.findings) == 0 {
		return nil, false
	}
	for _, f := range s.findings {
		s.add(f.PatternID)
		if r.store != nil && !s.leaked && f.Undecided == detect.Decided {
			// A loaded *leakstore.Store neither waits nor fails; were it to
			// fail, the record is flagged rather than passed as clean.
			if leaked, err := r.store.ContainsKey(context.Background(), f.Secret(src)); leaked || err != nil {
				s.leaked = true
			}
		}
	}
	s.buf = r.det.RedactFindings(s.buf[:0], src, s.findings)
	return s.buf, true
}
