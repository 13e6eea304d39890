package leakwardzap

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"reflect"
	"strings"
	"sync"

	"go.uber.org/zap/zapcore"

	"github.com/leakward/leakward/detect"
)

// RedactedKey replaces a field key, a namespace name or an object key that
// holds a secret. The key is replaced whole, not redacted in place, so that
// nothing of it is printed; two such keys in one object print as duplicate
// keys.
const RedactedKey = detect.RedactedKey

// undecidedText replaces a text that could not be rendered at all (a panic
// while formatting a panic value).
const undecidedText = "[REDACTED:" + detect.UndecidedID + "]"

// Core is a zapcore.Core that redacts credentials before the wrapped core
// sees an entry. It is immutable, and safe for concurrent use if the wrapped
// core is.
type Core struct {
	inner  zapcore.Core
	det    *detect.Detector
	bufs   *sync.Pool // of *[]byte, shared by the Cores With derives
	prefix string     // the namespace path of With's zap.Namespace fields, joined with '.'
}

// NewCore returns a Core that redacts with d and writes to inner. Build d
// once (detect.New) and share it: it is safe for concurrent use.
func NewCore(inner zapcore.Core, d *detect.Detector) *Core {
	return &Core{inner: inner, det: d, bufs: &sync.Pool{New: func() any { return new([]byte) }}}
}

// Stats returns the counters of the Core's detector: regex timeouts and the
// undecided regions, which are masked as secrets are (by default as
// "[REDACTED:undecided]"). The detector may be shared, so the counts cover
// every user of it. Stats is safe for concurrent use. For counts by
// pattern, build the detector with detect.WithObserver: the Core reports
// each value it checks and each secret it masks to that Observer.
func (c *Core) Stats() detect.Stats { return c.det.Stats() }

// Enabled reports whether the wrapped core logs at level.
func (c *Core) Enabled(level zapcore.Level) bool { return c.inner.Enabled(level) }

// With redacts fields once and returns a Core whose wrapped core carries them.
// A zap.Namespace among them opens a namespace for the fields after it and
// for every field of the returned Core.
func (c *Core) With(fields []zapcore.Field) zapcore.Core {
	var buf [maxPathBytes]byte
	red, path := c.redactFields(append(buf[:0], c.prefix...), fields)
	return &Core{inner: c.inner.With(red), det: c.det, bufs: c.bufs, prefix: string(path)}
}

// Check adds c to ce when the wrapped core logs at the entry's level, so
// that the entry passes through c's Write. When c is the first core to
// accept an entry at DPanicLevel or above, the entry it records in ce is
// redacted, so that the message zap panics with after writing is too.
func (c *Core) Check(ent zapcore.Entry, ce *zapcore.CheckedEntry) *zapcore.CheckedEntry {
	if !c.inner.Enabled(ent.Level) {
		return ce
	}
	if ce == nil && ent.Level >= zapcore.DPanicLevel {
		ent = c.redactEntry(ent)
	}
	return ce.AddCore(ent, c)
}

// Write redacts the entry (message, logger name, caller, stack) and fields
// and writes them to the wrapped core. fields is not modified.
func (c *Core) Write(ent zapcore.Entry, fields []zapcore.Field) error {
	var buf [maxPathBytes]byte
	red, _ := c.redactFields(append(buf[:0], c.prefix...), fields)
	return c.inner.Write(c.redactEntry(ent), red)
}

// Sync flushes the wrapped core.
func (c *Core) Sync() error { return c.inner.Sync() }

// redactEntry returns ent with every printed text redacted.
func (c *Core) redactEntry(ent zapcore.Entry) zapcore.Entry {
	ent.Message = c.text(ent.Message)
	ent.LoggerName = c.text(ent.LoggerName)
	ent.Stack = c.text(ent.Stack)
	if ent.Caller.Defined {
		ent.Caller.File = c.text(ent.Caller.File)
		ent.Caller.Function = c.text(ent.Caller.Function)
	}
	return ent
}

// text returns s redacted; s itself when it holds no secret.
func (c *Core) text(s string) string {
	if r, ok := c.redact(s); ok {
		return r
	}
	return s
}

// value returns s, the value of the field key in the namespace path
// (empty at the top level), redacted, and true; or false when it holds no
// secret. The name is context for the value: when it says secret
// (detect.Detector.SecretName), s is checked as an assignment to it, as
// detect.Detector.RedactField does; otherwise s is scanned alone.
func (c *Core) value(path, key, s string) (string, bool) {
	if s == "" {
		return s, false
	}
	if !c.secretName(path, key) {
		return c.redact(s)
	}
	r := c.det.RedactField(joinPath(path, key), s)
	return r, r != s
}

// valueBytes is value for a byte slice: it returns the redaction of b in a
// new slice and true, or false.
func (c *Core) valueBytes(path, key string, b []byte) ([]byte, bool) {
	if !c.secretName(path, key) {
		return c.redactBytes(b)
	}
	s := stringOf(b)
	if r := c.det.RedactField(joinPath(path, key), s); r != s {
		return []byte(r), true
	}
	return nil, false
}

// secretName reports whether the name of the field key in the namespace
// path says secret. The name is built on the stack: a name that does not
// say secret costs the check alone.
func (c *Core) secretName(path, key string) bool {
	if path == "" {
		return c.det.SecretName(key)
	}
	var buf [maxPathBytes]byte
	b := append(append(append(buf[:0], path...), '.'), key...)
	return c.det.SecretName(stringOf(b))
}

// joinPath returns path.key, or key when path is empty, as a new string.
func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// appendPath appends key to the namespace path p.
func appendPath(p []byte, key string) []byte {
	if len(p) > 0 {
		p = append(p, '.')
	}
	return append(p, key...)
}

// maxPathBytes is the size of the stack buffers field names are built in;
// a longer name is built on the heap.
const maxPathBytes = 128

// key returns k, or RedactedKey when k holds a secret.
func (c *Core) key(k string) string {
	if k == "" {
		return k
	}
	bp, buf := c.scratch(bytesOf(k))
	changed := !bytes.Equal(buf, bytesOf(k))
	c.release(bp, buf)
	if changed {
		return RedactedKey
	}
	return k
}

// redact returns the redaction of s and true, or false when s holds no
// secret.
func (c *Core) redact(s string) (string, bool) {
	if s == "" {
		return s, false
	}
	bp, buf := c.scratch(bytesOf(s))
	changed := !bytes.Equal(buf, bytesOf(s))
	var out string
	if changed {
		out = string(buf)
	}
	c.release(bp, buf)
	return out, changed
}

// redactBytes returns the redaction of b in a new slice and true, or false
// when b holds no secret.
func (c *Core) redactBytes(b []byte) ([]byte, bool) {
	bp, buf := c.scratch(b)
	changed := !bytes.Equal(buf, b)
	var out []byte
	if changed {
		out = bytes.Clone(buf)
	}
	c.release(bp, buf)
	return out, changed
}

// scratch redacts b into a pooled buffer, so that each value is scanned
// once and only a changed result is copied out. The caller hands both
// results back to release.
func (c *Core) scratch(b []byte) (*[]byte, []byte) {
	bp := c.bufs.Get().(*[]byte)
	return bp, c.det.Redact((*bp)[:0], b)
}

func (c *Core) release(bp *[]byte, buf []byte) {
	if cap(buf) <= maxPooledBytes {
		*bp = buf
	}
	c.bufs.Put(bp)
}

// maxPooledBytes bounds the buffers kept for reuse, so that one huge entry
// does not pin its buffer.
const maxPooledBytes = 64 << 10

// redactBinary returns the text to log in place of the binary value b, and
// true, when b read as text, or the base64 form zap's encoders print, holds
// a secret: the redacted text of b, or else the redacted base64 form.
func (c *Core) redactBinary(b []byte) (string, bool) {
	if r, ok := c.redactBytes(b); ok {
		return string(r), true
	}
	bp := c.bufs.Get().(*[]byte)
	enc := base64.StdEncoding.AppendEncode((*bp)[:0], b)
	r, ok := c.redactBytes(enc)
	c.release(bp, enc)
	return string(r), ok
}

// redactFields returns fields with secrets redacted, copying the slice on the
// first change only, and the namespace path after them. path is the
// namespace path the fields start in; it is extended in place by each
// zap.Namespace field (by its key as given, not as printed).
func (c *Core) redactFields(path []byte, fields []zapcore.Field) ([]zapcore.Field, []byte) {
	out := fields
	copied := false
	for i := range fields {
		f, changed := c.redactField(stringOf(path), fields[i])
		if fields[i].Type == zapcore.NamespaceType {
			path = appendPath(path, fields[i].Key)
		}
		if !changed {
			continue
		}
		if !copied {
			out = make([]zapcore.Field, len(fields))
			copy(out, fields)
			copied = true
		}
		out[i] = f
	}
	return out, path
}

// redactField returns f, a field in the namespace path, as it should reach
// the wrapped core, and whether that differs from f. path is not retained.
func (c *Core) redactField(path string, f zapcore.Field) (zapcore.Field, bool) {
	if f.Type == zapcore.SkipType {
		return f, false
	}
	key := f.Key
	f.Key = c.key(key)
	keyChanged := f.Key != key
	switch f.Type {
	case zapcore.StringType:
		if s, ok := c.value(path, key, f.String); ok {
			f.String = s
			return f, true
		}
	case zapcore.ByteStringType:
		if b, ok := f.Interface.([]byte); ok {
			if r, changed := c.valueBytes(path, key, b); changed {
				f.Interface = r
				return f, true
			}
		}
	case zapcore.BinaryType:
		if b, ok := f.Interface.([]byte); ok {
			if s, changed := c.redactBinary(b); changed {
				return zapcore.Field{Key: f.Key, Type: zapcore.StringType, String: s}, true
			}
		}
	case zapcore.StringerType:
		return c.stringerField(path, key, f.Key, f.Interface), true
	case zapcore.ErrorType:
		// Rendered by zap's own code (Error, the verbose form, the causes
		// of an error group, a panic) through an encoder that redacts.
		orig := f
		orig.Key = key
		return zapcore.Field{Key: f.Key, Type: zapcore.InlineMarshalerType,
			Interface: fieldObject{f: orig, c: c, path: strings.Clone(path)}}, true
	case zapcore.ReflectType:
		s, err, changed := c.redactReflected(path, key, f.Interface)
		switch {
		case err != nil:
			return zapcore.Field{Key: c.key(key + "Error"), Type: zapcore.StringType, String: err.Error()}, true
		case changed:
			return zapcore.Field{Key: f.Key, Type: zapcore.StringType, String: s}, true
		}
	case zapcore.ObjectMarshalerType:
		if m, ok := f.Interface.(zapcore.ObjectMarshaler); ok {
			f.Interface = redactingObject{m: m, c: c, path: joinPath(path, key)}
			return f, true
		}
	case zapcore.InlineMarshalerType:
		// Its members are added beside the field, in the same namespace.
		if m, ok := f.Interface.(zapcore.ObjectMarshaler); ok {
			f.Interface = redactingObject{m: m, c: c, path: strings.Clone(path)}
			return f, true
		}
	case zapcore.ArrayMarshalerType:
		if m, ok := f.Interface.(zapcore.ArrayMarshaler); ok {
			f.Interface = redactingArray{m: m, c: c, path: strings.Clone(path), key: key}
			return f, true
		}
	}
	return f, keyChanged
}

// stringerField calls v's String method once and returns the field zap
// would have printed for it, redacted: the text under key in the namespace
// path (printed as redKey), "<nil>" for a nil pointer, or "PANIC=<value>"
// under key+"Error" when String panics.
func (c *Core) stringerField(path, key, redKey string, v any) zapcore.Field {
	s, err := callString(v)
	switch {
	case err == nil:
		if r, ok := c.value(path, key, s); ok {
			s = r
		}
		return zapcore.Field{Key: redKey, Type: zapcore.StringType, String: s}
	case isNilPointer(v):
		return zapcore.Field{Key: redKey, Type: zapcore.StringType, String: "<nil>"}
	default:
		return zapcore.Field{Key: c.key(key + "Error"), Type: zapcore.StringType, String: c.panicError(err).Error()}
	}
}

// callString calls v.String as zap does (a v that is not a Stringer
// panics), returning the recovered panic value, if any, as a panicValue.
func callString(v any) (s string, err *panicValue) {
	defer func() {
		if r := recover(); r != nil {
			s, err = "", &panicValue{r}
		}
	}()
	return v.(fmt.Stringer).String(), nil
}

// panicValue carries a recovered panic value.
type panicValue struct{ v any }

// isNilPointer reports whether v is a nil pointer, which zap prints as
// "<nil>" when its String or Error method panics.
func isNilPointer(v any) bool {
	rv := reflect.ValueOf(v)
	return rv.Kind() == reflect.Pointer && rv.IsNil()
}

// panicError returns the error zap reports for a recovered panic,
// "PANIC=<value>", with its text redacted.
func (c *Core) panicError(p *panicValue) error {
	s := sprintSafe("PANIC=%v", p.v)
	if s == undecidedText {
		// Masked whole without a decision: counted as the detector
		// counts the regions it cannot decide.
		if o := c.det.Observer(); o != nil {
			o.Observe(detect.Event{Kind: detect.EventFound, PatternID: detect.UndecidedID, Reason: detect.ReasonUnrenderable})
		}
		return textError(s)
	}
	return textError(c.text(s))
}

// redactedError returns err's text, redacted, as an error.
func (c *Core) redactedError(err error) error {
	s, p := errorString(err)
	if p != nil {
		return c.panicError(p)
	}
	return textError(c.text(s))
}

// errorString calls err.Error, recovering a panic.
func errorString(err error) (s string, p *panicValue) {
	defer func() {
		if r := recover(); r != nil {
			s, p = "", &panicValue{r}
		}
	}()
	return err.Error(), nil
}

// sprintSafe is fmt.Sprintf that returns the undecided placeholder if
// formatting panics (fmt recovers a panicking String or Error method, but
// not a second panic while it reports the first).
func sprintSafe(format string, a ...any) (s string) {
	defer func() {
		if recover() != nil {
			s = undecidedText
		}
	}()
	return fmt.Sprintf(format, a...)
}

// textError is an error whose text has been redacted.
type textError string

func (e textError) Error() string { return string(e) }
