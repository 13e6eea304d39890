package leakwardzap

import (
	"io"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/leakward/leakward/detect"
	"github.com/leakward/leakward/patterns"
)

// doublePanic panics while fmt prints the panic it caused: the Core cannot
// render it at all.
type doublePanic struct{}

func (doublePanic) String() string { panic(doublePanic{}) }

type panicsWith struct{ v any }

func (p panicsWith) MarshalLogObject(zapcore.ObjectEncoder) error { panic(p.v) }

// TestCoreReportsToObserver: the Core's checks and masks reach the
// detector's Observer, by pattern id.
func TestCoreReportsToObserver(t *testing.T) {
	var c detect.Counters
	d, err := detect.New(patterns.Default(), detect.WithMatchTimeout(30*time.Second), detect.WithObserver(&c))
	require.NoError(t, err)
	inner := zapcore.NewCore(zapcore.NewJSONEncoder(zap.NewProductionEncoderConfig()), zapcore.AddSync(io.Discard), zapcore.InfoLevel)
	log := zap.New(NewCore(inner, d))
	tok := tokens(t, 181, 2)
	log.Info("deploy with "+tok[0], zap.String("password", "Tq7wLz2VbK9x"), zap.String("user", "alice"),
		zap.ByteString("raw", []byte("t="+tok[1])))
	got := c.ByPattern()
	assert.Equal(t, map[string]uint64{"github-pat-classic": 2, "password-assignment": 1}, got, "findings by pattern")
	assert.NotZero(t, c.Totals().ScannedBytes, "bytes scanned")

	log.Info("m", zap.Object("o", panicsWith{doublePanic{}}))
	assert.Equal(t, uint64(1), c.ByReason()[detect.ReasonUnrenderable], "an unrenderable panic value counted")
}
