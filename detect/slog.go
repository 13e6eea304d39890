package detect

import (
	"context"
	"fmt"
	"log/slog"
)

// Handler is a log/slog Handler that redacts credentials before the wrapped
// handler sees a record: the message, attribute keys and group names,
// string attributes, attributes inside
// groups, error values, values produced by a slog.LogValuer, fmt.Stringer
// values, and any other value whose printed form holds a secret (such a
// value is replaced by its redacted printed form). Attributes added with
// WithAttrs are redacted once, when they are added.
//
// A Handler is safe for concurrent use if the wrapped handler is, as slog
// requires of every handler.
type Handler struct {
	d     *Detector
	inner slog.Handler
}

// NewHandler returns a Handler that redacts with d and passes records on to
// inner.
func (d *Detector) NewHandler(inner slog.Handler) *Handler {
	return &Handler{d: d, inner: inner}
}

// Enabled reports whether the wrapped handler handles records at level.
func (h *Handler) Enabled(ctx context.Context, level slog.Level) bool {
	return h.inner.Enabled(ctx, level)
}

// Handle redacts r and passes the result to the wrapped handler.
func (h *Handler) Handle(ctx context.Context, r slog.Record) error {
	msg := h.d.RedactString(r.Message)
	changed := msg != r.Message
	if !changed {
		// Most records hold no secret: check before copying anything.
		r.Attrs(func(a slog.Attr) bool {
			_, changed = h.value(a.Value.Resolve(), 0)
			changed = changed || h.d.RedactString(a.Key) != a.Key
			return !changed
		})
		if !changed {
			return h.inner.Handle(ctx, r)
		}
	}
	nr := slog.NewRecord(r.Time, r.Level, msg, r.PC)
	r.Attrs(func(a slog.Attr) bool {
		nr.AddAttrs(h.attr(a))
		return true
	})
	return h.inner.Handle(ctx, nr)
}

// WithAttrs redacts attrs once and returns a Handler whose wrapped handler
// carries them.
func (h *Handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	red := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		red[i] = h.attr(a)
	}
	return &Handler{d: h.d, inner: h.inner.WithAttrs(red)}
}

// WithGroup returns a Handler whose wrapped handler opens the group.
func (h *Handler) WithGroup(name string) slog.Handler {
	return &Handler{d: h.d, inner: h.inner.WithGroup(h.d.RedactString(name))}
}

// attr returns a with every secret in its value redacted.
func (h *Handler) attr(a slog.Attr) slog.Attr {
	a.Key = h.d.RedactString(a.Key)
	a.Value, _ = h.value(a.Value.Resolve(), 0)
	return a
}

// value returns v with secrets redacted and whether it changed. Errors,
// Stringers and byte slices always become their (redacted) text.
func (h *Handler) value(v slog.Value, depth int) (slog.Value, bool) {
	switch v.Kind() {
	case slog.KindString:
		s := v.String()
		if r := h.d.RedactString(s); r != s {
			return slog.StringValue(r), true
		}
		return v, false
	case slog.KindGroup:
		as := v.Group()
		var red []slog.Attr
		for i, a := range as {
			nv, changed := slog.StringValue("[REDACTED:too-deep]"), true
			if depth < 32 {
				nv, changed = h.value(a.Value.Resolve(), depth+1)
			}
			key := h.d.RedactString(a.Key)
			changed = changed || key != a.Key
			if changed && red == nil {
				red = make([]slog.Attr, len(as))
				copy(red, as)
			}
			if red != nil {
				red[i].Key = key
				red[i].Value = nv
			}
		}
		if red == nil {
			return v, false
		}
		return slog.GroupValue(red...), true
	case slog.KindAny:
		switch x := v.Any().(type) {
		case error:
			return slog.StringValue(h.d.RedactString(x.Error())), true
		case fmt.Stringer:
			return slog.StringValue(h.d.RedactString(x.String())), true
		case []byte:
			return slog.StringValue(h.d.RedactString(string(x))), true
		default:
			s := fmt.Sprintf("%+v", x)
			if r := h.d.RedactString(s); r != s {
				return slog.StringValue(r), true
			}
			return v, false
		}
	}
	return v, false
}
