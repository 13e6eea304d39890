package leakwardprocessor

import (
	"context"
	"slices"
	"sync"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/leakward/leakward/detect"
)

// redactor rewrites telemetry in place. It is safe for concurrent use: all
// per-call state lives in a pooled scratch.
type redactor struct {
	*settings
	pool sync.Pool
}

func newRedactor(s *settings) *redactor {
	r := &redactor{settings: s}
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
	counts   []patternCount
	leaked   bool
}

func (s *scratch) reset() {
	s.counts = s.counts[:0]
	s.leaked = false
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
		if r.resource {
			r.annotated(s, rl.Resource().Attributes())
		}
		sls := rl.ScopeLogs()
		for j := 0; j < sls.Len(); j++ {
			lrs := sls.At(j).LogRecords()
			for k := 0; k < lrs.Len(); k++ {
				lr := lrs.At(k)
				s.reset()
				if r.body {
					r.value(s, lr.Body())
				}
				if r.attrs {
					r.mapValues(s, lr.Attributes())
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
		if r.resource {
			r.annotated(s, rs.Resource().Attributes())
		}
		if !r.attrs {
			continue
		}
		sss := rs.ScopeSpans()
		for j := 0; j < sss.Len(); j++ {
			spans := sss.At(j).Spans()
			for k := 0; k < spans.Len(); k++ {
				sp := spans.At(k)
				s.reset()
				r.mapValues(s, sp.Attributes())
				evs := sp.Events()
				for e := 0; e < evs.Len(); e++ {
					r.mapValues(s, evs.At(e).Attributes())
				}
				links := sp.Links()
				for l := 0; l < links.Len(); l++ {
					r.mapValues(s, links.At(l).Attributes())
				}
				r.annotate(s, sp.Attributes())
			}
		}
	}
	return td, nil
}

// annotated redacts the values of m and then adds the summary to m.
func (r *redactor) annotated(s *scratch, m pcommon.Map) {
	s.reset()
	r.mapValues(s, m)
	r.annotate(s, m)
}

// annotate writes the summary and the known-leaked marker of the record just
// scanned into m.
func (r *redactor) annotate(s *scratch, m pcommon.Map) {
	if len(s.counts) == 0 {
		return
	}
	if r.summary != "" {
		slices.SortFunc(s.counts, func(a, b patternCount) int {
			switch {
			case a.id < b.id:
				return -1
			case a.id > b.id:
				return 1
			}
			return 0
		})
		var total int64
		for _, c := range s.counts {
			m.PutInt(r.summary+c.id, c.n)
			total += c.n
		}
		m.PutInt(r.summary+"total", total)
	}
	if s.leaked {
		m.PutBool(r.leakedKey, true)
	}
}

func (r *redactor) mapValues(s *scratch, m pcommon.Map) {
	for _, v := range m.All() {
		r.value(s, v)
	}
}

// value redacts v in place: strings and bytes directly, maps and slices at
// any depth. Map keys are names and are left as they are.
func (r *redactor) value(s *scratch, v pcommon.Value) {
	switch v.Type() {
	case pcommon.ValueTypeStr:
		in := v.Str()
		if out, ok := r.redact(s, bytesOf(in)); ok {
			v.SetStr(string(out))
		}
	case pcommon.ValueTypeBytes:
		if out, ok := r.redact(s, v.Bytes().AsRaw()); ok {
			v.SetEmptyBytes().FromRaw(slices.Clone(out))
		}
	case pcommon.ValueTypeMap:
		r.mapValues(s, v.Map())
	case pcommon.ValueTypeSlice:
		sl := v.Slice()
		for i := 0; i < sl.Len(); i++ {
			r.value(s, sl.At(i))
		}
	}
}

// redact returns the redaction of src in s.buf and true, or false when src
// holds no secret. src is only read. Text without secrets costs one scan
// and no allocation; text with secrets is scanned again by Redact, which
// writes the masks.
func (r *redactor) redact(s *scratch, src []byte) ([]byte, bool) {
	s.findings = r.det.AppendScan(s.findings[:0], src)
	if len(s.findings) == 0 {
		return nil, false
	}
	for _, f := range s.findings {
		s.add(f.PatternID)
		if r.store != nil && !s.leaked && r.store.ContainsKey(f.Secret(src)) {
			s.leaked = true
		}
	}
	s.buf = r.det.Redact(s.buf[:0], src)
	return s.buf, true
}
