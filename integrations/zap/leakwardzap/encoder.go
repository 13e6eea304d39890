package leakwardzap

import (
	"encoding/json"

	"go.uber.org/zap/zapcore"
)

// redactingObject is an ObjectMarshaler that marshals m through an encoder
// that redacts what it is given.
type redactingObject struct {
	m zapcore.ObjectMarshaler
	c *Core
}

func (o redactingObject) MarshalLogObject(enc zapcore.ObjectEncoder) error {
	return o.m.MarshalLogObject(objectEncoder{ObjectEncoder: enc, c: o.c})
}

// redactingArray is the ArrayMarshaler counterpart of redactingObject.
type redactingArray struct {
	m zapcore.ArrayMarshaler
	c *Core
}

func (a redactingArray) MarshalLogArray(enc zapcore.ArrayEncoder) error {
	return a.m.MarshalLogArray(arrayEncoder{ArrayEncoder: enc, c: a.c})
}

// objectEncoder redacts strings, byte strings and reflected values, and
// wraps nested objects and arrays; every other method is the wrapped
// encoder's.
type objectEncoder struct {
	zapcore.ObjectEncoder
	c *Core
}

func (e objectEncoder) AddString(key, value string) {
	if r, ok := e.c.redact(value); ok {
		value = r
	}
	e.ObjectEncoder.AddString(key, value)
}

func (e objectEncoder) AddByteString(key string, value []byte) {
	if r, ok := e.c.redactBytes(value); ok {
		value = r
	}
	e.ObjectEncoder.AddByteString(key, value)
}

func (e objectEncoder) AddReflected(key string, value any) error {
	if s, ok := e.c.redactReflected(value); ok {
		e.ObjectEncoder.AddString(key, s)
		return nil
	}
	return e.ObjectEncoder.AddReflected(key, value)
}

func (e objectEncoder) AddObject(key string, m zapcore.ObjectMarshaler) error {
	return e.ObjectEncoder.AddObject(key, redactingObject{m: m, c: e.c})
}

func (e objectEncoder) AddArray(key string, m zapcore.ArrayMarshaler) error {
	return e.ObjectEncoder.AddArray(key, redactingArray{m: m, c: e.c})
}

// arrayEncoder is the ArrayEncoder counterpart of objectEncoder.
type arrayEncoder struct {
	zapcore.ArrayEncoder
	c *Core
}

func (e arrayEncoder) AppendString(value string) {
	if r, ok := e.c.redact(value); ok {
		value = r
	}
	e.ArrayEncoder.AppendString(value)
}

func (e arrayEncoder) AppendByteString(value []byte) {
	if r, ok := e.c.redactBytes(value); ok {
		value = r
	}
	e.ArrayEncoder.AppendByteString(value)
}

func (e arrayEncoder) AppendReflected(value any) error {
	if s, ok := e.c.redactReflected(value); ok {
		e.ArrayEncoder.AppendString(s)
		return nil
	}
	return e.ArrayEncoder.AppendReflected(value)
}

func (e arrayEncoder) AppendObject(m zapcore.ObjectMarshaler) error {
	return e.ArrayEncoder.AppendObject(redactingObject{m: m, c: e.c})
}

func (e arrayEncoder) AppendArray(m zapcore.ArrayMarshaler) error {
	return e.ArrayEncoder.AppendArray(redactingArray{m: m, c: e.c})
}

// redactReflected returns the redacted JSON of v and true when that JSON
// holds a secret.
func (c *Core) redactReflected(v any) (string, bool) {
	j, err := json.Marshal(v)
	if err != nil {
		return "", false
	}
	r, ok := c.redactBytes(j)
	return string(r), ok
}
