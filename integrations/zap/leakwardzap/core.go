// Package leakwardzap redacts credentials in zap logs: a zapcore.Core that
// wraps another and removes secrets from each entry before the wrapped core
// encodes it.
//
// # What is redacted
//
// The message, and fields of these kinds: strings (zap.String, zap.Any of a
// string), byte strings (zap.ByteString), fmt.Stringer values (zap.Stringer),
// errors (zap.Error, zap.NamedError), reflected values (zap.Reflect, zap.Any
// of a struct or map: the value is encoded as JSON and, if that holds a
// secret, logged as the redacted JSON string), and object and array
// marshalers (zap.Object, zap.Array, zap.Strings, zap.Inline), whose string
// and reflected members are redacted as they are encoded. Fields added with
// With are redacted once, when they are added. Numbers, booleans, times and
// durations are passed through. Keys are never changed.
//
// # Where it goes in the chain
//
// Core.Check adds the Core itself to the checked entry, so its Write runs
// and hands the redacted entry to the wrapped core's Write. A sampler
// (zapcore.NewSamplerWithOptions) or a tee should therefore wrap this Core,
// not be wrapped by it: a sampler inside would not be consulted.
//
// # Cost
//
// Each message and string field is scanned once: the detector writes its
// redaction into a pooled buffer, which is compared with the input. A clean
// entry allocates nothing; an entry in which something is redacted allocates
// the new strings and one copy of the field slice. A Stringer is called once and its
// result logged as a string; an error whose text holds a secret is logged as
// its redacted text only (without the verbose form zap adds for errors that
// implement fmt.Formatter). Reflected fields are encoded twice when clean.
package leakwardzap

import (
	"bytes"
	"fmt"
	"sync"

	"go.uber.org/zap/zapcore"

	"github.com/leakward/leakward/detect"
)

// Core is a zapcore.Core that redacts credentials before the wrapped core
// sees an entry. It is immutable, and safe for concurrent use if the wrapped
// core is.
type Core struct {
	inner zapcore.Core
	det   *detect.Detector
	bufs  *sync.Pool // of *[]byte, shared by the Cores With derives
}

// NewCore returns a Core that redacts with d and writes to inner. Build d
// once (detect.New) and share it: it is safe for concurrent use.
func NewCore(inner zapcore.Core, d *detect.Detector) *Core {
	return &Core{inner: inner, det: d, bufs: &sync.Pool{New: func() any { return new([]byte) }}}
}

// Enabled reports whether the wrapped core logs at level.
func (c *Core) Enabled(level zapcore.Level) bool { return c.inner.Enabled(level) }

// With redacts fields once and returns a Core whose wrapped core carries them.
func (c *Core) With(fields []zapcore.Field) zapcore.Core {
	return &Core{inner: c.inner.With(c.redactFields(fields)), det: c.det, bufs: c.bufs}
}

// Check adds c to ce when the wrapped core logs at the entry's level, so
// that the entry passes through c's Write.
func (c *Core) Check(ent zapcore.Entry, ce *zapcore.CheckedEntry) *zapcore.CheckedEntry {
	if c.inner.Enabled(ent.Level) {
		return ce.AddCore(ent, c)
	}
	return ce
}

// Write redacts the message and fields and writes them to the wrapped core.
// fields is not modified.
func (c *Core) Write(ent zapcore.Entry, fields []zapcore.Field) error {
	if s, ok := c.redact(ent.Message); ok {
		ent.Message = s
	}
	return c.inner.Write(ent, c.redactFields(fields))
}

// Sync flushes the wrapped core.
func (c *Core) Sync() error { return c.inner.Sync() }

// redact returns the redaction of s and true, or false when s holds no
// secret.
func (c *Core) redact(s string) (string, bool) {
	out, ok := c.redactBytes(bytesOf(s))
	return string(out), ok
}

// redactBytes returns the redaction of b in a new slice and true, or false
// when b holds no secret. It scans b once: Redact writes into a pooled
// buffer, and only a changed result is copied out.
func (c *Core) redactBytes(b []byte) ([]byte, bool) {
	bp := c.bufs.Get().(*[]byte)
	buf := c.det.Redact((*bp)[:0], b)
	var out []byte
	changed := !bytes.Equal(buf, b)
	if changed {
		out = bytes.Clone(buf)
	}
	if cap(buf) <= maxPooledBytes {
		*bp = buf
	}
	c.bufs.Put(bp)
	return out, changed
}

// maxPooledBytes bounds the buffers kept for reuse, so that one huge entry
// does not pin its buffer.
const maxPooledBytes = 64 << 10

// redactFields returns fields with secrets redacted, copying the slice on the
// first change only.
func (c *Core) redactFields(fields []zapcore.Field) []zapcore.Field {
	out := fields
	copied := false
	for i := range fields {
		f, changed := c.redactField(fields[i])
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
	return out
}

func (c *Core) redactField(f zapcore.Field) (zapcore.Field, bool) {
	switch f.Type {
	case zapcore.StringType:
		if s, ok := c.redact(f.String); ok {
			f.String = s
			return f, true
		}
	case zapcore.ByteStringType:
		if b, ok := f.Interface.([]byte); ok {
			if r, changed := c.redactBytes(b); changed {
				f.Interface = r
				return f, true
			}
		}
	case zapcore.StringerType:
		s, ok := callString(f.Interface)
		if !ok {
			return f, false // let zap report the panic or nil its own way
		}
		if r, changed := c.redact(s); changed {
			s = r
		}
		return zapcore.Field{Key: f.Key, Type: zapcore.StringType, String: s}, true
	case zapcore.ErrorType:
		err, ok := f.Interface.(error)
		if !ok || err == nil {
			return f, false
		}
		msg, verbose, ok := errorText(err)
		if !ok {
			return f, false
		}
		r, changed := c.redact(msg)
		if !changed && (verbose == "" || c.det.Scan(bytesOf(verbose)) == nil) {
			return f, false
		}
		if !changed {
			r = msg
		}
		return zapcore.Field{Key: f.Key, Type: zapcore.StringType, String: r}, true
	case zapcore.ReflectType:
		if s, ok := c.redactReflected(f.Interface); ok {
			return zapcore.Field{Key: f.Key, Type: zapcore.StringType, String: s}, true
		}
	case zapcore.ObjectMarshalerType, zapcore.InlineMarshalerType:
		if m, ok := f.Interface.(zapcore.ObjectMarshaler); ok {
			f.Interface = redactingObject{m: m, c: c}
			return f, true
		}
	case zapcore.ArrayMarshalerType:
		if m, ok := f.Interface.(zapcore.ArrayMarshaler); ok {
			f.Interface = redactingArray{m: m, c: c}
			return f, true
		}
	}
	return f, false
}

// callString calls v.String, reporting false when v is not a Stringer or the
// call panics (as it does for a nil pointer receiver).
func callString(v any) (s string, ok bool) {
	st, isStringer := v.(fmt.Stringer)
	if !isStringer {
		return "", false
	}
	defer func() {
		if recover() != nil {
			s, ok = "", false
		}
	}()
	return st.String(), true
}

// errorText returns the texts that zap would log for err: its Error() and,
// for a fmt.Formatter, its "%+v" form. It reports false when either panics.
func errorText(err error) (msg, verbose string, ok bool) {
	defer func() {
		if recover() != nil {
			msg, verbose, ok = "", "", false
		}
	}()
	msg = err.Error()
	if _, isFormatter := err.(fmt.Formatter); isFormatter {
		verbose = fmt.Sprintf("%+v", err)
	}
	return msg, verbose, true
}
