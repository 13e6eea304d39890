package detect

import (
	"context"
	"log/slog"
)

// Placeholders a Handler writes.
const (
	// RedactedKey replaces an attribute key or a group name that holds a
	// secret. It is fixed, whatever the secret and the mask style, so that
	// no part of the key is kept.
	RedactedKey = "[REDACTED:key]"
	// RedactedUnrenderable replaces a value the Handler cannot render to
	// check it: MarshalJSON or MarshalText returned an error, or a
	// MarshalJSON, MarshalText, Error, String, Format or LogValue method
	// panicked, or LogValue kept returning LogValuers.
	// The wrapped handler would print the error or panic text, which may
	// hold anything.
	RedactedUnrenderable = "[REDACTED:unrenderable]"
	// redactedTooDeep replaces a value nested in more than maxGroupDepth
	// groups.
	redactedTooDeep = "[REDACTED:too-deep]"
	maxGroupDepth   = 32
)

// Handler is a log/slog Handler that redacts credentials before the wrapped
// handler sees a record. It checks what the wrapped handler will print:
// the message (redacted in place), every attribute key and group name
// (replaced by RedactedKey when it holds a secret), string values, values
// in groups, values produced by a slog.LogValuer (resolved once, and the
// resolved value passed on, so that the wrapped handler prints what was
// checked), and every other value in the form the wrapped handler renders
// it in: a slog.TextHandler prints MarshalText, a byte slice as text, else
// fmt's %+v; a slog.JSONHandler prints Error() of an error, else
// encoding/json's output (MarshalJSON, json tags, byte slices in base64);
// any other handler is checked in both forms. A value whose rendering
// holds a secret is replaced by that rendering, redacted, as a string; a
// value that cannot be rendered by RedactedUnrenderable. Values without
// secrets are passed on unchanged. Attributes added with WithAttrs are
// checked once, when they are added.
//
// Each value is rendered and scanned once per form; a record without
// secrets reaches the wrapped handler as it came, without a copy.
//
// An attribute's name is context for its value: a value whose key, or
// group path joined with '.' (groups of WithGroup included), says secret
// (see Detector.SecretName) is checked as an assignment to that name, as
// Detector.AppendScanField checks it, in the form the wrapped handler
// prints it in; so slog.String("password", v) is redacted when
// "password=v" in text would be. A key (up to 64 bytes) found clean is
// remembered by the Detector, as a keyed hash and never as text, with
// whether its name says secret, so a logger's fixed keys are checked once;
// a key that holds a secret is checked, and masked, every time.
//
// Not promised: a method that returns a different text each time it is
// called (the wrapped handler calls it again), and a ReplaceAttr function
// of the wrapped handler's options that prints a value in a third form.
//
// A Handler is safe for concurrent use if the wrapped handler is, as slog
// requires of every handler.
type Handler struct {
	d      *Detector
	inner  slog.Handler
	forms  forms
	prefix string // the group path of WithGroup, joined with '.'
}

// NewHandler returns a Handler that redacts with d and passes records on to
// inner.
func (d *Detector) NewHandler(inner slog.Handler) *Handler {
	return &Handler{d: d, inner: inner, forms: formsOf(inner)}
}

// Enabled reports whether the wrapped handler handles records at level.
func (h *Handler) Enabled(ctx context.Context, level slog.Level) bool {
	return h.inner.Enabled(ctx, level)
}

// Handle redacts r and passes the result to the wrapped handler. Each
// attribute is checked once; the record is copied only when something in
// it changes.
func (h *Handler) Handle(ctx context.Context, r slog.Record) error {
	// One scan state for the whole record: the message and each key and
	// value are scanned with it in turn.
	st := h.d.pool.Get().(*state)
	defer h.d.pool.Put(st)
	msg := h.d.redactHeld(st, r.Message)
	var red []slog.Attr // nil until an attribute changes
	i := 0
	r.Attrs(func(a slog.Attr) bool {
		na, changed := h.attr(st, a, h.prefix, 0)
		if changed && red == nil {
			// The attributes before this one are unchanged: copy them
			// without checking them again.
			red = make([]slog.Attr, 0, r.NumAttrs())
			r.Attrs(func(b slog.Attr) bool {
				if len(red) == i {
					return false
				}
				red = append(red, b)
				return true
			})
		}
		if red != nil {
			red = append(red, na)
		}
		i++
		return true
	})
	if red == nil && msg == r.Message {
		return h.inner.Handle(ctx, r)
	}
	nr := slog.NewRecord(r.Time, r.Level, msg, r.PC)
	if red != nil {
		nr.AddAttrs(red...)
	} else {
		r.Attrs(func(a slog.Attr) bool {
			nr.AddAttrs(a)
			return true
		})
	}
	return h.inner.Handle(ctx, nr)
}

// WithAttrs redacts attrs once and returns a Handler whose wrapped handler
// carries them.
func (h *Handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	red := make([]slog.Attr, len(attrs))
	st := h.d.pool.Get().(*state)
	for i, a := range attrs {
		red[i], _ = h.attr(st, a, h.prefix, 0)
	}
	h.d.pool.Put(st)
	inner := h.inner.WithAttrs(red)
	return &Handler{d: h.d, inner: inner, forms: formsOf(inner), prefix: h.prefix}
}

// WithGroup returns a Handler whose wrapped handler opens the group, named
// RedactedKey if name holds a secret.
func (h *Handler) WithGroup(name string) slog.Handler {
	prefix := name
	if h.prefix != "" {
		prefix = h.prefix + "." + name
	}
	st := h.d.pool.Get().(*state)
	name, _ = h.key(st, name)
	h.d.pool.Put(st)
	inner := h.inner.WithGroup(name)
	return &Handler{d: h.d, inner: inner, forms: formsOf(inner), prefix: prefix}
}

// attr returns a with its key and value checked, and whether either
// changed. Key and value are checked side by side: the key, with path
// (the group path a is in), is context for the value. st is the scan state
// the caller holds (see Detector.scanHeld).
func (h *Handler) attr(st *state, a slog.Attr, path string, depth int) (slog.Attr, bool) {
	v, resolved := a.Value, false
	if v.Kind() == slog.KindLogValuer {
		v, resolved = resolve(v), true
	}
	f := field{path: path, key: a.Key}
	// Most keys are a logger's fixed names: their checks are cached,
	// unless a name's meaning depends on its group path.
	cache := !h.d.opts.dottedNames && a.Key != "" && len(a.Key) <= maxCachedName
	var hash uint64
	if cache {
		var flags uint64
		var ok bool
		if flags, hash, ok = h.d.names.lookup(a.Key); ok {
			f.secret = flags&nameSecret != 0
			nv, vch := h.value(st, v, f, depth)
			if !vch {
				nv = v
			}
			return slog.Attr{Key: a.Key, Value: nv}, resolved || vch
		}
	}
	f.secret = h.d.secretPath(path, a.Key)
	nv, vch := h.value(st, v, f, depth)
	if !vch {
		nv = v
	}
	key, kch := h.key(st, a.Key)
	if cache && !kch {
		flags := uint64(nameClean)
		if f.secret {
			flags |= nameSecret
		}
		h.d.names.store(hash, flags)
	}
	return slog.Attr{Key: key, Value: nv}, resolved || vch || kch
}

// key returns RedactedKey and true when k holds a secret, else k.
func (h *Handler) key(st *state, k string) (string, bool) {
	if k == "" {
		return k, false
	}
	fs := h.d.scanHeld(st, st.res[:0], bytesOf(k))
	st.res = fs[:0]
	h.d.observe(len(k), fs)
	if len(fs) == 0 {
		return k, false
	}
	return RedactedKey, true
}

// field names a value: its key and the group path it is in, and whether
// that name says its value is a secret.
type field struct {
	path, key string
	secret    bool
}

// value returns v, the value of the field f, with secrets redacted and
// true, or false when v holds none (the returned Value is then not
// meaningful).
func (h *Handler) value(st *state, v slog.Value, f field, depth int) (slog.Value, bool) {
	switch v.Kind() {
	case slog.KindString:
		s := v.String()
		if !f.secret {
			if r := h.d.redactHeld(st, s); r != s {
				return slog.StringValue(r), true
			}
			return v, false
		}
		if r := h.d.redactNamed(f.key, s); r != s {
			return slog.StringValue(r), true
		}
	case slog.KindGroup:
		as := v.Group()
		path := ""
		if h.d.opts.dottedNames {
			// Only names given with dots need the whole path.
			// An empty key inlines the group (as slog does).
			switch {
			case f.key == "":
				path = f.path
			case f.path == "":
				path = f.key
			default:
				path = f.path + "." + f.key
			}
		}
		var red []slog.Attr
		for i, a := range as {
			na, changed := slog.Attr{Key: a.Key, Value: slog.StringValue(redactedTooDeep)}, true
			if depth < maxGroupDepth {
				na, changed = h.attr(st, a, path, depth+1)
			} else {
				na.Key, _ = h.key(st, a.Key)
			}
			if changed && red == nil {
				red = make([]slog.Attr, len(as))
				copy(red, as)
			}
			if red != nil {
				red[i] = na
			}
		}
		if red != nil {
			return slog.GroupValue(red...), true
		}
	case slog.KindAny:
		return h.anyValue(v.Any(), f.key, f.secret)
	case slog.KindInt64, slog.KindUint64, slog.KindFloat64:
		// A number (a PIN) is printed as the same text in both forms:
		// checked when the name says secret.
		if !f.secret {
			return v, false
		}
		s := v.String()
		if r := h.d.redactNamed(f.key, s); r != s {
			return slog.StringValue(r), true
		}
	}
	return v, false
}

// maxLogValues is how many LogValue calls resolve makes before it gives up,
// as slog.Value.Resolve.
const maxLogValues = 100

// resolve is slog.Value.Resolve, except that a LogValue method that panics,
// or that keeps returning LogValuers, yields RedactedUnrenderable rather
// than an error value carrying a stack trace.
func resolve(v slog.Value) (rv slog.Value) {
	defer func() {
		if recover() != nil {
			rv = slog.StringValue(RedactedUnrenderable)
		}
	}()
	for range maxLogValues {
		if v.Kind() != slog.KindLogValuer {
			return v
		}
		v = v.LogValuer().LogValue()
	}
	return slog.StringValue(RedactedUnrenderable)
}
