package leakwardprocessor

import (
	"bytes"
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
			m.PutInt(r.summaryKeys[c.id], c.n)
			total += c.n
		}
		m.PutInt(r.summaryKeys[""], total)
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
// holds no secret. src is only read, and scanned once: without summary or
// store, Redact writes the masks and its result is compared with src;
// otherwise Scan finds the secrets, which are tallied, and the masks are
// written from the findings (see mask). Text without secrets allocates
// nothing.
func (r *redactor) redact(s *scratch, src []byte) ([]byte, bool) {
	if !r.counted {
		s.buf = r.det.Redact(s.buf[:0], src)
		return s.buf, !bytes.Equal(s.buf, src)
	}
	s.findings = r.det.AppendScan(s.findings[:0], src)
	if len(s.findings) == 0 {
		return nil, false
	}
	for _, f := range s.findings {
		s.add(f.PatternID)
		if r.store != nil && !s.leaked {
			// A loaded *leakstore.Store neither waits nor fails; were it to
			// fail, the record is flagged rather than passed as clean.
			if leaked, err := r.store.ContainsKey(context.Background(), f.Secret(src)); leaked || err != nil {
				s.leaked = true
			}
		}
	}
	if r.mask == detect.MaskPrefix {
		s.buf = r.det.Redact(s.buf[:0], src)
		return s.buf, true
	}
	buf, at := s.buf[:0], 0
	for _, f := range s.findings {
		buf = append(buf, src[at:f.Start]...)
		buf = r.appendMask(buf, f, src)
		at = f.End
	}
	s.buf = append(buf, src[at:]...)
	return s.buf, true
}

// appendMask appends the mask the detector's Redact writes for f with mask
// styles MaskID and MaskFingerprint; a test checks that both agree on the
// whole catalog.
func (r *redactor) appendMask(dst []byte, f detect.Finding, src []byte) []byte {
	dst = append(dst, "[REDACTED:"...)
	dst = append(dst, f.PatternID...)
	if r.mask == detect.MaskFingerprint {
		dst = append(dst, ":hmac="...)
		dst = append(dst, r.det.Fingerprint(f.Secret(src))...)
	}
	return append(dst, ']')
}
