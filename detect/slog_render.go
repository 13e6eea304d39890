package detect

import (
	"bytes"
	"cmp"
	"encoding"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"log/slog"
	"reflect"
	"slices"
	"sync"
)

// A Handler checks a value of kind slog.KindAny in the forms the wrapped
// handler prints it in, rendered as log/slog's own handlers render them
// (see appendTextValue and appendJSONValue in the standard library):
//
//   - text form (slog.TextHandler): MarshalText of an
//     encoding.TextMarshaler; the bytes themselves of a byte slice; else
//     fmt's %+v, which calls Format, Error or String, and prints a nested
//     byte slice as a list of decimal numbers.
//   - JSON form (slog.JSONHandler): Error() of an error that is not a
//     json.Marshaler; else encoding/json with HTML escaping off, which calls
//     MarshalJSON and MarshalText of the value and of nested values, follows
//     json tags and prints byte slices in base64.
//
// A slog.TextHandler is checked in the text form, a slog.JSONHandler in the
// JSON form, any other handler in both. Byte content that a form encodes
// (base64 strings of JSON, decimal byte lists) is decoded and scanned as
// well, and the whole encoded run is masked when it holds a secret.

// forms is the set of forms a wrapped handler prints values in.
type forms uint8

const (
	formText forms = 1 << iota
	formJSON
)

// formsOf returns the forms inner prints values in.
func formsOf(inner slog.Handler) forms {
	switch inner.(type) {
	case *slog.TextHandler:
		return formText
	case *slog.JSONHandler:
		return formJSON
	}
	return formText | formJSON
}

// renderScratch is per-value scratch memory, pooled.
type renderScratch struct {
	buf bytes.Buffer
	enc *json.Encoder // writes to buf
	fs  []Finding     // findings in buf
	dfs []Finding     // findings in dec
	dec []byte        // decoded byte content
}

var renderPool = sync.Pool{New: func() any {
	sc := new(renderScratch)
	sc.enc = json.NewEncoder(&sc.buf)
	sc.enc.SetEscapeHTML(false) // as slog.JSONHandler
	return sc
}}

func getScratch() *renderScratch { return renderPool.Get().(*renderScratch) }

func putScratch(sc *renderScratch) {
	if sc.buf.Cap() > maxPooledCap || cap(sc.dec) > maxPooledCap || cap(sc.fs) > 1024 || cap(sc.dfs) > 1024 {
		return // one huge value does not pin memory
	}
	sc.buf.Reset()
	sc.fs, sc.dfs, sc.dec = sc.fs[:0], sc.dfs[:0], sc.dec[:0]
	renderPool.Put(sc)
}

// anyValue checks a, the value of a slog.Value of kind KindAny, and
// returns its replacement and true when a printed form of it holds a
// secret or it cannot be rendered. The replacement is a string: the
// redacted text form when the text form is checked and holds the secret,
// else the redacted JSON form; a byte slice becomes its redacted bytes as
// text; a value whose rendering fails (an error from MarshalJSON or
// MarshalText, a panic in a method) becomes RedactedUnrenderable.
//
// When named is set (the field's name, whose last part is key, says secret), a rendering without
// findings is checked as the value of a secret-named field too.
func (h *Handler) anyValue(a any, key string, named bool) (slog.Value, bool) {
	sc := getScratch()
	defer putScratch(sc)
	if bs, ok := plainBytes(a); ok {
		// Printed as text or as base64 of the same bytes: scan the bytes.
		sc.fs = h.d.appendScanAt(sc.fs[:0], bs, 0)
		if len(sc.fs) == 0 && named {
			sc.fs = h.d.appendNamed(sc.fs, key, bs)
		}
		h.d.observe(len(bs), sc.fs)
		if len(sc.fs) == 0 {
			return slog.Value{}, false
		}
		return slog.StringValue(string(h.d.RedactFindings(nil, bs, sc.fs))), true
	}
	for _, f := range [...]forms{formText, formJSON} {
		if h.forms&f == 0 {
			continue
		}
		sc.buf.Reset()
		isJSON, ok := render(sc, f, a)
		if !ok {
			h.d.undecided.Add(1) // masked without a decision: counted
			h.d.observeUnrenderable()
			return slog.StringValue(RedactedUnrenderable), true
		}
		src := sc.buf.Bytes()
		fs := h.scanRendered(sc, src, isJSON)
		if len(fs) == 0 && named {
			fs = h.d.appendNamed(fs, key, src)
			sc.fs = fs
		}
		h.d.observe(len(src), fs)
		if len(fs) > 0 {
			return slog.StringValue(string(h.d.RedactFindings(make([]byte, 0, len(src)), src, fs))), true
		}
	}
	return slog.Value{}, false
}

// panicMark is how fmt prints a panic in a Format, Error or String method.
var panicMark = []byte("(PANIC=")

// render writes form f of a to sc.buf, recovering panics. isJSON reports
// that the output is JSON text (not the plain text of an error); ok is
// false when a cannot be rendered. As slog does, a nil pointer whose
// method panics renders as "<nil>".
func render(sc *renderScratch, f forms, a any) (isJSON, ok bool) {
	defer func() {
		if r := recover(); r != nil {
			sc.buf.Reset()
			isJSON, ok = false, false
			if v := reflect.ValueOf(a); v.Kind() == reflect.Pointer && v.IsNil() {
				sc.buf.WriteString("<nil>")
				ok = true
			}
		}
	}()
	if f == formText {
		switch x := a.(type) {
		case encoding.TextMarshaler:
			b, err := x.MarshalText()
			if err != nil {
				return false, false
			}
			sc.buf.Write(b)
			return false, true
		}
		if bs, ok := byteSlice(a); ok {
			sc.buf.Write(bs)
			return false, true
		}
		fmt.Fprintf(&sc.buf, "%+v", a)
		// fmt recovers a panicking method itself and prints the panic
		// value, which may hold anything.
		return false, !bytes.Contains(sc.buf.Bytes(), panicMark)
	}
	if err, isErr := a.(error); isErr {
		if _, jm := a.(json.Marshaler); !jm {
			sc.buf.WriteString(err.Error())
			return false, true
		}
	}
	if err := sc.enc.Encode(a); err != nil {
		return false, false
	}
	sc.buf.Truncate(sc.buf.Len() - 1) // Encode's final newline
	return true, true
}

// byteSlice is slog's test for a value printed as text by TextHandler: a
// slice of bytes, either type possibly named.
func byteSlice(a any) ([]byte, bool) {
	if bs, ok := a.([]byte); ok {
		return bs, true
	}
	t := reflect.TypeOf(a)
	if t != nil && t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8 {
		return reflect.ValueOf(a).Bytes(), true
	}
	return nil, false
}

// plainBytes returns the bytes of a byte slice that both forms print as
// its bytes (text) or their base64 (JSON): one with no method that either
// handler would call instead.
func plainBytes(a any) ([]byte, bool) {
	switch a.(type) {
	case encoding.TextMarshaler, json.Marshaler, error:
		return nil, false
	case []byte:
		return a.([]byte), true
	}
	t := reflect.TypeOf(a)
	if t == nil || t.Kind() != reflect.Slice || t.Elem().Kind() != reflect.Uint8 || t.Elem().NumMethod() > 0 ||
		reflect.PointerTo(t.Elem()).NumMethod() > 0 {
		return nil, false
	}
	return reflect.ValueOf(a).Bytes(), true
}

// scanRendered returns the findings in a rendering src, sorted and
// disjoint: the engine's, and, for each run of encoded bytes the renderer
// wrote (a base64 string in JSON, a list of decimal byte values) whose
// decoded bytes hold a secret, the whole run. The result lives in sc.fs.
func (h *Handler) scanRendered(sc *renderScratch, src []byte, isJSON bool) []Finding {
	fs := h.d.appendScanAt(sc.fs[:0], src, 0)
	n := len(fs)
	if isJSON {
		fs = h.base64Strings(sc, fs, src)
	}
	fs = h.byteLists(sc, fs, src)
	if len(fs) > n {
		fs = mergeSpans(fs)
	}
	sc.fs = fs
	return fs
}

// minEncodedBytes is the fewest decoded bytes worth a scan: no secret the
// catalog finds is shorter.
const minEncodedBytes = 8

// decodedHit scans sc.dec and, when it holds a finding, appends one
// covering src[lo:hi] to fs.
func (h *Handler) decodedHit(sc *renderScratch, fs []Finding, lo, hi int, enc Encoding) []Finding {
	sc.dfs = h.d.appendScanAt(sc.dfs[:0], sc.dec, 0)
	if len(sc.dfs) == 0 {
		return fs
	}
	f := sc.dfs[0]
	return append(fs, Finding{PatternID: f.PatternID, Start: lo, End: hi, Encoding: enc, Undecided: f.Undecided})
}

// base64Strings appends a finding for every JSON string in src that is
// standard base64 (as encoding/json writes a byte slice) of bytes that hold
// a secret.
func (h *Handler) base64Strings(sc *renderScratch, fs []Finding, src []byte) []Finding {
	for i := 0; i < len(src); i++ {
		if src[i] != '"' {
			continue
		}
		lo := i + 1
		hi := lo
		for hi < len(src) && src[hi] != '"' && src[hi] != '\\' && isStdB64(src[hi]) {
			hi++
		}
		end := hi // the closing quote, if the string is all base64
		for end < len(src) && src[end] != '"' {
			if src[end] == '\\' {
				end++
			}
			end++
		}
		i = end
		if end != hi || (hi-lo)%4 != 0 || (hi-lo)/4*3 < minEncodedBytes {
			continue
		}
		var err error
		sc.dec, err = base64.StdEncoding.AppendDecode(sc.dec[:0], src[lo:hi])
		if err != nil {
			continue
		}
		fs = h.decodedHit(sc, fs, lo, hi, EncodingBase64)
	}
	return fs
}

func isStdB64(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/' || c == '='
}

// byteLists appends a finding for every list of decimal byte values in
// src ("[104 101 108]" as fmt prints a byte slice, "[104,101,108]" as
// encoding/json prints a byte array) whose bytes hold a secret. The
// finding covers the list inside its brackets.
func (h *Handler) byteLists(sc *renderScratch, fs []Finding, src []byte) []Finding {
	for i := 0; i < len(src); i++ {
		if src[i] != '[' {
			continue
		}
		lo := i + 1
		sc.dec = sc.dec[:0]
		j, v, digits := lo, 0, 0
		for ; j < len(src); j++ {
			c := src[j]
			if c >= '0' && c <= '9' && digits < 3 {
				v = v*10 + int(c-'0')
				digits++
				continue
			}
			if digits == 0 || v > 255 || (c != ' ' && c != ',' && c != ']') {
				break
			}
			sc.dec = append(sc.dec, byte(v))
			v, digits = 0, 0
			if c == ']' {
				break
			}
		}
		if j < len(src) && src[j] == ']' && digits == 0 && len(sc.dec) >= minEncodedBytes {
			fs = h.decodedHit(sc, fs, lo, j, EncodingNone)
			i = j
		}
	}
	return fs
}

// mergeSpans sorts fs by Start and merges overlapping findings into one
// covering both, keeping the first one's pattern id, so that every byte of
// each is masked.
func mergeSpans(fs []Finding) []Finding {
	slices.SortStableFunc(fs, func(a, b Finding) int { return cmp.Compare(a.Start, b.Start) })
	out := fs[:1]
	for _, f := range fs[1:] {
		last := &out[len(out)-1]
		if f.Start < last.End {
			if f.End > last.End {
				last.End = f.End
				last.Encoding = f.Encoding // the mask covers encoded bytes: no prefix kept
			}
			continue
		}
		out = append(out, f)
	}
	return out
}
