package leakwardzap

import (
	"bytes"
	"encoding/json"
	"time"

	"go.uber.org/zap/zapcore"
)

// redactingObject is an ObjectMarshaler that marshals m through an encoder
// that redacts what it is given. A panic in m is recovered and returned as
// the error "PANIC=<value>", redacted, as is any error m returns: zap prints
// it under the field's key followed by "Error". path is the name the
// object's members are in: the field's key in its namespace path (joined
// with '.'), or, for an inline object, the namespace path alone.
type redactingObject struct {
	m    zapcore.ObjectMarshaler
	c    *Core
	path string
}

func (o redactingObject) MarshalLogObject(enc zapcore.ObjectEncoder) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = o.c.panicError(&panicValue{r})
		}
	}()
	if err := o.m.MarshalLogObject(&objectEncoder{enc: enc, c: o.c, path: o.path}); err != nil {
		return o.c.redactedError(err)
	}
	return nil
}

// redactingArray is the ArrayMarshaler counterpart of redactingObject. Its
// elements are values of the array's key in path: a string element is
// checked with that name.
type redactingArray struct {
	m         zapcore.ArrayMarshaler
	c         *Core
	path, key string
}

func (a redactingArray) MarshalLogArray(enc zapcore.ArrayEncoder) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = a.c.panicError(&panicValue{r})
		}
	}()
	if err := a.m.MarshalLogArray(arrayEncoder{enc: enc, c: a.c, path: a.path, key: a.key}); err != nil {
		return a.c.redactedError(err)
	}
	return nil
}

// fieldObject is an inline ObjectMarshaler that adds f with zap's own code
// (Field.AddTo) through an encoder that redacts: every key and text zap
// derives from f, such as an error's "Verbose", "Causes" and "Error"
// entries, passes through it. path is the namespace path of f.
type fieldObject struct {
	f    zapcore.Field
	c    *Core
	path string
}

func (o fieldObject) MarshalLogObject(enc zapcore.ObjectEncoder) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = o.c.panicError(&panicValue{r})
		}
	}()
	o.f.AddTo(&objectEncoder{enc: enc, c: o.c, path: o.path})
	return nil
}

// objectEncoder redacts every key (a key holding a secret becomes
// RedactedKey), every string, byte string, binary and reflected value, and
// wraps nested objects and arrays. It implements each method itself rather
// than embedding the wrapped encoder, so that no method passes a key
// through unseen. A value is checked with its name, the key in path (see
// Core.value); OpenNamespace extends path for the keys after it.
type objectEncoder struct {
	enc  zapcore.ObjectEncoder
	c    *Core
	path string
}

var _ zapcore.ObjectEncoder = (*objectEncoder)(nil)

func (e *objectEncoder) AddArray(key string, m zapcore.ArrayMarshaler) error {
	return e.enc.AddArray(e.c.key(key), redactingArray{m: m, c: e.c, path: e.path, key: key})
}

func (e *objectEncoder) AddObject(key string, m zapcore.ObjectMarshaler) error {
	return e.enc.AddObject(e.c.key(key), redactingObject{m: m, c: e.c, path: joinPath(e.path, key)})
}

func (e *objectEncoder) AddBinary(key string, value []byte) {
	if s, ok := e.c.redactBinary(value); ok {
		e.enc.AddString(e.c.key(key), s)
		return
	}
	e.enc.AddBinary(e.c.key(key), value)
}

func (e *objectEncoder) AddByteString(key string, value []byte) {
	if r, ok := e.c.valueBytes(e.path, key, value); ok {
		value = r
	}
	e.enc.AddByteString(e.c.key(key), value)
}

func (e *objectEncoder) AddString(key, value string) {
	if r, ok := e.c.value(e.path, key, value); ok {
		value = r
	}
	e.enc.AddString(e.c.key(key), value)
}

func (e *objectEncoder) AddReflected(key string, value any) error {
	s, err, changed := e.c.redactReflected(e.path, key, value)
	switch {
	case err != nil:
		return err
	case changed:
		e.enc.AddString(e.c.key(key), s)
		return nil
	}
	return e.enc.AddReflected(e.c.key(key), value)
}

func (e *objectEncoder) OpenNamespace(key string) {
	e.enc.OpenNamespace(e.c.key(key))
	e.path = joinPath(e.path, key)
}

func (e *objectEncoder) AddBool(k string, v bool)             { e.enc.AddBool(e.c.key(k), v) }
func (e *objectEncoder) AddComplex128(k string, v complex128) { e.enc.AddComplex128(e.c.key(k), v) }
func (e *objectEncoder) AddComplex64(k string, v complex64)   { e.enc.AddComplex64(e.c.key(k), v) }
func (e *objectEncoder) AddDuration(k string, v time.Duration) {
	e.enc.AddDuration(e.c.key(k), v)
}
func (e *objectEncoder) AddFloat64(k string, v float64) { e.enc.AddFloat64(e.c.key(k), v) }
func (e *objectEncoder) AddFloat32(k string, v float32) { e.enc.AddFloat32(e.c.key(k), v) }
func (e *objectEncoder) AddInt(k string, v int)         { e.enc.AddInt(e.c.key(k), v) }
func (e *objectEncoder) AddInt64(k string, v int64)     { e.enc.AddInt64(e.c.key(k), v) }
func (e *objectEncoder) AddInt32(k string, v int32)     { e.enc.AddInt32(e.c.key(k), v) }
func (e *objectEncoder) AddInt16(k string, v int16)     { e.enc.AddInt16(e.c.key(k), v) }
func (e *objectEncoder) AddInt8(k string, v int8)       { e.enc.AddInt8(e.c.key(k), v) }
func (e *objectEncoder) AddTime(k string, v time.Time)  { e.enc.AddTime(e.c.key(k), v) }
func (e *objectEncoder) AddUint(k string, v uint)       { e.enc.AddUint(e.c.key(k), v) }
func (e *objectEncoder) AddUint64(k string, v uint64)   { e.enc.AddUint64(e.c.key(k), v) }
func (e *objectEncoder) AddUint32(k string, v uint32)   { e.enc.AddUint32(e.c.key(k), v) }
func (e *objectEncoder) AddUint16(k string, v uint16)   { e.enc.AddUint16(e.c.key(k), v) }
func (e *objectEncoder) AddUint8(k string, v uint8)     { e.enc.AddUint8(e.c.key(k), v) }
func (e *objectEncoder) AddUintptr(k string, v uintptr) { e.enc.AddUintptr(e.c.key(k), v) }

// arrayEncoder is the ArrayEncoder counterpart of objectEncoder (an array
// has no keys: its elements are checked with the array's key in path, and
// an object element's members are in path.key).
type arrayEncoder struct {
	enc       zapcore.ArrayEncoder
	c         *Core
	path, key string
}

var _ zapcore.ArrayEncoder = arrayEncoder{}

func (e arrayEncoder) AppendString(value string) {
	if r, ok := e.c.value(e.path, e.key, value); ok {
		value = r
	}
	e.enc.AppendString(value)
}

func (e arrayEncoder) AppendByteString(value []byte) {
	if r, ok := e.c.valueBytes(e.path, e.key, value); ok {
		value = r
	}
	e.enc.AppendByteString(value)
}

func (e arrayEncoder) AppendReflected(value any) error {
	s, err, changed := e.c.redactReflected(e.path, e.key, value)
	switch {
	case err != nil:
		return err
	case changed:
		e.enc.AppendString(s)
		return nil
	}
	return e.enc.AppendReflected(value)
}

func (e arrayEncoder) AppendObject(m zapcore.ObjectMarshaler) error {
	return e.enc.AppendObject(redactingObject{m: m, c: e.c, path: joinPath(e.path, e.key)})
}

func (e arrayEncoder) AppendArray(m zapcore.ArrayMarshaler) error {
	return e.enc.AppendArray(redactingArray{m: m, c: e.c, path: e.path, key: e.key})
}

func (e arrayEncoder) AppendBool(v bool)              { e.enc.AppendBool(v) }
func (e arrayEncoder) AppendComplex128(v complex128)  { e.enc.AppendComplex128(v) }
func (e arrayEncoder) AppendComplex64(v complex64)    { e.enc.AppendComplex64(v) }
func (e arrayEncoder) AppendFloat64(v float64)        { e.enc.AppendFloat64(v) }
func (e arrayEncoder) AppendFloat32(v float32)        { e.enc.AppendFloat32(v) }
func (e arrayEncoder) AppendInt(v int)                { e.enc.AppendInt(v) }
func (e arrayEncoder) AppendInt64(v int64)            { e.enc.AppendInt64(v) }
func (e arrayEncoder) AppendInt32(v int32)            { e.enc.AppendInt32(v) }
func (e arrayEncoder) AppendInt16(v int16)            { e.enc.AppendInt16(v) }
func (e arrayEncoder) AppendInt8(v int8)              { e.enc.AppendInt8(v) }
func (e arrayEncoder) AppendUint(v uint)              { e.enc.AppendUint(v) }
func (e arrayEncoder) AppendUint64(v uint64)          { e.enc.AppendUint64(v) }
func (e arrayEncoder) AppendUint32(v uint32)          { e.enc.AppendUint32(v) }
func (e arrayEncoder) AppendUint16(v uint16)          { e.enc.AppendUint16(v) }
func (e arrayEncoder) AppendUint8(v uint8)            { e.enc.AppendUint8(v) }
func (e arrayEncoder) AppendUintptr(v uintptr)        { e.enc.AppendUintptr(v) }
func (e arrayEncoder) AppendDuration(v time.Duration) { e.enc.AppendDuration(v) }
func (e arrayEncoder) AppendTime(v time.Time)         { e.enc.AppendTime(v) }

// redactReflected renders v, the value of the field key in path, as zap's
// JSON encoder does and returns: the redacted JSON (checked with the
// field's name, as Core.value checks a string) and true when it holds a
// secret; or, when v cannot be
// rendered, the error zap would report (with a panic in v's MarshalJSON
// recovered as "PANIC=<value>"), redacted; or false.
func (c *Core) redactReflected(path, key string, v any) (s string, err error, changed bool) {
	j, p, err := renderReflected(v)
	switch {
	case p != nil:
		return "", c.panicError(p), true
	case err != nil:
		return "", c.redactedError(err), true
	}
	r, changed := c.valueBytes(path, key, j)
	return string(r), nil, changed
}

// renderReflected encodes v as zap's default reflected encoder does:
// encoding/json without HTML escaping, no final newline, nil as null.
func renderReflected(v any) (out []byte, p *panicValue, err error) {
	if v == nil {
		return []byte("null"), nil, nil
	}
	defer func() {
		if r := recover(); r != nil {
			out, p, err = nil, &panicValue{r}, nil
		}
	}()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil, nil
}
