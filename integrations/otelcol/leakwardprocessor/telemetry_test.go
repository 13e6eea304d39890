package leakwardprocessor

import (
	"context"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/processor"
	"go.opentelemetry.io/collector/processor/processortest"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
)

// collected returns the processor's metrics from reader: for each metric,
// its value per attribute value ("" when it has no attribute), and its
// unit.
func collected(t *testing.T, reader *sdkmetric.ManualReader) (map[string]map[string]int64, map[string]string) {
	t.Helper()
	var rm metricdata.ResourceMetrics
	require.NoError(t, reader.Collect(context.Background(), &rm))
	vals, units := map[string]map[string]int64{}, map[string]string{}
	for _, sm := range rm.ScopeMetrics {
		if sm.Scope.Name != meterName {
			continue
		}
		for _, m := range sm.Metrics {
			sum, ok := m.Data.(metricdata.Sum[int64])
			require.True(t, ok, "%s is a sum of int64", m.Name)
			assert.True(t, sum.IsMonotonic, "%s is monotonic", m.Name)
			assert.Equal(t, metricdata.CumulativeTemporality, sum.Temporality, "%s is cumulative", m.Name)
			units[m.Name] = m.Unit
			vals[m.Name] = map[string]int64{}
			for _, dp := range sum.DataPoints {
				key := ""
				for _, kv := range dp.Attributes.ToSlice() {
					switch kv.Key {
					case attrProcessor, attrSignal:
						key = string(kv.Key) + "=" + kv.Value.AsString() + " " + key
					default:
						key += string(kv.Key) + "=" + kv.Value.AsString()
					}
				}
				vals[m.Name][strings.TrimSpace(key)] += dp.Value
			}
		}
	}
	return vals, units
}

func TestTelemetryThroughMeterProvider(t *testing.T) {
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	set := processortest.NewNopSettings(componentType)
	set.MeterProvider = mp
	p, err := NewFactory().CreateLogs(context.Background(), set, testConfig(), consumertest.NewNop())
	require.NoError(t, err)
	require.NoError(t, p.Start(context.Background(), componenttest.NewNopHost()))

	tok := tokens(181, 8)
	ld := testLogs(tok)
	ld.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(2).Attributes().PutStr("db.password", "Tq7wLz2VbK9x")
	require.NoError(t, p.ConsumeLogs(context.Background(), ld))

	vals, units := collected(t, reader)
	for _, def := range metricDefs {
		assert.Equal(t, def.unit, units[def.name], "unit of %s", def.name)
	}
	const inst = "processor=leakward otel.signal=logs "
	assert.Equal(t, int64(8), vals[metricFindings][inst+"pattern=github-pat-classic"], "GitHub tokens masked")
	assert.Equal(t, int64(1), vals[metricFindings][inst+"pattern=password-assignment"], "secret-named values masked")
	assert.Greater(t, vals[metricScanned][strings.TrimSpace(inst)], int64(200), "bytes scanned")
	assert.Equal(t, map[string]int64{strings.TrimSpace(inst): 0}, vals[metricTimeouts], "timeouts")
	assert.Equal(t, map[string]int64{inst + "reason=timeout": 0, inst + "reason=budget": 0, inst + "reason=limit": 0, inst + "reason=unrenderable": 0},
		vals[metricUndecided], "undecided regions, a series per reason")

	require.NoError(t, p.Shutdown(context.Background()))
	vals, _ = collected(t, reader)
	assert.Empty(t, vals, "metrics after Shutdown")
}

// TestTelemetryREADME keeps the README's metrics table equal to the
// metrics the processor registers.
func TestTelemetryREADME(t *testing.T) {
	b, err := os.ReadFile("../README.md")
	require.NoError(t, err)
	row := regexp.MustCompile("(?m)^\\| `(leakward\\.processor\\.[a-z_.]+)` \\| `([^`]+)` \\|")
	got := map[string]string{}
	for _, m := range row.FindAllSubmatch(b, -1) {
		got[string(m[1])] = string(m[2])
	}
	want := map[string]string{}
	for _, def := range metricDefs {
		want[def.name] = def.unit
	}
	assert.Equal(t, want, got, "metrics and units in the README table")
}

// TestTelemetrySharedByID: two instances of one processor id and signal
// (one processor in two pipelines) add up under the same attributes; one
// of another id or signal is reported apart. The metrics stay until the
// last instance of an id stops.
func TestTelemetrySharedByID(t *testing.T) {
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	f := NewFactory()
	newLogs := func(name string) processor.Logs {
		set := processortest.NewNopSettings(componentType)
		set.MeterProvider = mp
		if name != "" {
			set.ID = component.NewIDWithName(componentType, name)
		}
		p, err := f.CreateLogs(context.Background(), set, testConfig(), consumertest.NewNop())
		require.NoError(t, err)
		require.NoError(t, p.Start(context.Background(), componenttest.NewNopHost()))
		return p
	}
	a, b, other := newLogs(""), newLogs(""), newLogs("other")
	set := processortest.NewNopSettings(componentType)
	set.MeterProvider = mp
	tr, err := f.CreateTraces(context.Background(), set, testConfig(), consumertest.NewNop())
	require.NoError(t, err)

	tok := tokens(183, 8)
	for _, p := range []processor.Logs{a, b, other} {
		require.NoError(t, p.ConsumeLogs(context.Background(), testLogs(tok)))
	}
	vals, _ := collected(t, reader)
	assert.Equal(t, map[string]int64{
		"processor=leakward otel.signal=logs pattern=github-pat-classic":       16,
		"processor=leakward/other otel.signal=logs pattern=github-pat-classic": 8,
	}, vals[metricFindings], "findings of two instances of one id, and of another id")
	assert.Contains(t, vals[metricScanned], "processor=leakward otel.signal=traces", "the traces instance")

	require.NoError(t, a.Shutdown(context.Background()))
	require.NoError(t, a.Shutdown(context.Background())) // a second call does nothing
	vals, _ = collected(t, reader)
	assert.Equal(t, int64(16), vals[metricFindings]["processor=leakward otel.signal=logs pattern=github-pat-classic"], "after one of two instances stopped")
	for _, p := range []component.Component{b, other, tr} {
		require.NoError(t, p.Shutdown(context.Background()))
	}
	vals, _ = collected(t, reader)
	assert.Empty(t, vals, "metrics after every instance stopped")
}
