package detect

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type stringer struct{ s string }

func (s stringer) String() string { return s.s }

type valuer struct{ s string }

func (v valuer) LogValue() slog.Value { return slog.StringValue(v.s) }

type plain struct{ Token string }

func TestHandlerRedactsEverything(t *testing.T) {
	d := newTest(t)
	r := rand.New(rand.NewPCG(31, 32))
	toks := make([]string, 9)
	for i := range toks {
		toks[i] = makeTok(r)
	}
	for name, mk := range map[string]func(io.Writer) slog.Handler{
		"json": func(w io.Writer) slog.Handler { return slog.NewJSONHandler(w, nil) },
		"text": func(w io.Writer) slog.Handler { return slog.NewTextHandler(w, nil) },
	} {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			log := slog.New(d.NewHandler(mk(&buf))).With("preset", "t="+toks[0]).WithGroup("g")
			log.Info("login with "+toks[1],
				"s", toks[2],
				slog.Group("inner", "x", toks[3]),
				"err", fmt.Errorf("auth failed for %s", toks[4]),
				"str", stringer{"key " + toks[5]},
				"val", valuer{toks[6]},
				"any", plain{toks[7]},
				"bytes", []byte(toks[8]),
				"n", 42,
			)
			out := buf.String()
			for i, tok := range toks {
				assert.NotContains(t, out, tok[4:34], "secret %d survived in %s output", i, name)
			}
			assert.Contains(t, out, "[REDACTED:test-token]")
			assert.Contains(t, out, "42")
		})
	}
}

type countingHandler struct {
	slog.Handler
	attrs *int
}

func (c countingHandler) WithAttrs(as []slog.Attr) slog.Handler {
	*c.attrs += len(as)
	return countingHandler{c.Handler.WithAttrs(as), c.attrs}
}

func TestHandlerWithAttrsRedactsOnce(t *testing.T) {
	d := newTest(t)
	r := rand.New(rand.NewPCG(33, 34))
	tok := makeTok(r)
	var buf bytes.Buffer
	n := 0
	h := d.NewHandler(countingHandler{slog.NewJSONHandler(&buf, nil), &n})
	log := slog.New(h).With("tok", tok)
	for i := 0; i < 3; i++ {
		log.Info("x")
	}
	assert.Equal(t, 1, n, "WithAttrs reaches the inner handler once")
	assert.NotContains(t, buf.String(), tok)
	assert.Equal(t, 3, bytes.Count(buf.Bytes(), []byte("[REDACTED:test-token]")))
	assert.True(t, h.Enabled(context.Background(), slog.LevelInfo))
	assert.False(t, h.Enabled(context.Background(), slog.LevelDebug))
}

func TestHandlerPassesErrors(t *testing.T) {
	d := newTest(t)
	boom := errors.New("boom")
	h := d.NewHandler(failing{boom})
	err := h.Handle(context.Background(), slog.NewRecord(testTime, slog.LevelInfo, "m", 0))
	require.ErrorIs(t, err, boom)
}

type failing struct{ err error }

func (f failing) Enabled(context.Context, slog.Level) bool  { return true }
func (f failing) Handle(context.Context, slog.Record) error { return f.err }
func (f failing) WithAttrs([]slog.Attr) slog.Handler        { return f }
func (f failing) WithGroup(string) slog.Handler             { return f }
