package leakwardprocessor

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/pipeline"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"

	"github.com/leakward/leakward/detect"
)

// The processor's own metrics, reported through the collector's telemetry
// (component.TelemetrySettings.MeterProvider), so that the collector's
// metrics endpoint shows them. Each is a cumulative, monotonic counter of
// one processor instance since it was built; the collector adds the
// instance's component and pipeline attributes. The table in README.md
// lists them; a test keeps it equal to this list.
const (
	// metricScanned counts the bytes of text checked: each string or
	// bytes value, map key and name scanned.
	metricScanned = "leakward.processor.scanned"
	// metricFindings counts the secrets masked, by pattern id
	// (attribute "pattern"); undecided regions under "undecided".
	metricFindings = "leakward.processor.findings"
	// metricUndecided counts the regions masked undecided, by reason
	// (attribute "reason": timeout, budget, limit, unrenderable; each
	// reported from the start, 0 until it happens).
	metricUndecided = "leakward.processor.undecided"
	// metricTimeouts counts the regex searches that exceeded their match
	// timeout.
	metricTimeouts = "leakward.processor.timeouts"

	// meterName is the instrumentation scope of the metrics.
	meterName = "github.com/leakward/leakward/integrations/otelcol/leakwardprocessor"
	// The metrics' attribute keys: the pattern id, the reason, and, on
	// every metric, the processor's component id and signal, as the
	// collector's own processor metrics carry them.
	attrPattern   = "pattern"
	attrReason    = "reason"
	attrProcessor = "processor"
	attrSignal    = "otel.signal"
)

// metricDefs is the name, unit and description of each metric, in the
// README's order.
var metricDefs = []struct{ name, unit, desc string }{
	{metricScanned, "By", "Bytes of log and span text the leakward processor checked for credentials."},
	{metricFindings, "{finding}", "Secrets the leakward processor masked, by pattern id; regions it could not decide under the pattern undecided."},
	{metricUndecided, "{region}", "Regions the leakward processor masked because it could not decide them, by reason."},
	{metricTimeouts, "{search}", "Regex searches of the leakward processor that exceeded their match timeout."},
}

// telemetry reports a detect.Counters as observable counters on the
// collector's meter provider: the hot path adds to the Counters only, and
// the collector reads them when it collects its metrics. The processor
// instances of one id and one signal (the same processor in several
// pipelines) share one telemetry, as they share their attributes, so that
// their counts add up. A telemetry is safe for concurrent use.
type telemetry struct {
	counts *detect.Counters
	mp     metric.MeterProvider
	reg    metric.Registration // nil when no meter provider is set
	users  int                 // instances using it; guarded by meters.mu
}

// meters holds the telemetry of the live processor instances of one
// factory, by attributes. It is safe for concurrent use.
type meters struct {
	mu sync.Mutex
	m  map[meterKey]*telemetry
}

type meterKey struct{ id, signal string }

// use is one processor instance's use of a shared telemetry.
type use struct {
	*telemetry
	ms   *meters
	key  meterKey
	once sync.Once
}

// acquire returns the telemetry of the processor id for signal, built and
// registered with set's meter provider on first use.
func (ms *meters) acquire(set component.TelemetrySettings, id component.ID, signal pipeline.Signal) (*use, error) {
	key := meterKey{id.String(), signal.String()}
	ms.mu.Lock()
	defer ms.mu.Unlock()
	if t, ok := ms.m[key]; ok && sameProvider(t.mp, set.MeterProvider) {
		t.users++
		return &use{telemetry: t, ms: ms, key: key}, nil
	}
	t, err := newTelemetry(set.MeterProvider, attribute.NewSet(attribute.String(attrProcessor, key.id), attribute.String(attrSignal, key.signal)))
	if err != nil {
		return nil, err
	}
	t.users = 1
	u := &use{telemetry: t, ms: ms, key: key}
	if _, ok := ms.m[key]; !ok {
		if ms.m == nil {
			ms.m = make(map[meterKey]*telemetry)
		}
		ms.m[key] = t
	} else {
		u.ms = nil // another meter provider: not shared
	}
	return u, nil
}

// sameProvider reports whether a and b are the same meter provider.
func sameProvider(a, b metric.MeterProvider) (same bool) {
	defer func() {
		if recover() != nil {
			same = false // a type that cannot be compared
		}
	}()
	return a == b
}

// newTelemetry registers the processor's metrics with mp; each
// observation carries attrs.
func newTelemetry(mp metric.MeterProvider, attrs attribute.Set) (*telemetry, error) {
	t := &telemetry{counts: new(detect.Counters), mp: mp}
	if mp == nil {
		return t, nil
	}
	m := mp.Meter(meterName)
	var insts [4]metric.Int64ObservableCounter
	for i, def := range metricDefs {
		c, err := m.Int64ObservableCounter(def.name, metric.WithUnit(def.unit), metric.WithDescription(def.desc))
		if err != nil {
			return nil, fmt.Errorf("leakwardprocessor: metric %s: %w", def.name, err)
		}
		insts[i] = c
	}
	scanned, findings, undecided, timeouts := insts[0], insts[1], insts[2], insts[3]
	base := metric.WithAttributeSet(attrs)
	with := func(k, v string) metric.ObserveOption {
		kvs := append(attrs.ToSlice(), attribute.String(k, v))
		return metric.WithAttributeSet(attribute.NewSet(kvs...))
	}
	reg, err := m.RegisterCallback(func(_ context.Context, o metric.Observer) error {
		tot := t.counts.Totals()
		o.ObserveInt64(scanned, clampInt64(tot.ScannedBytes), base)
		o.ObserveInt64(timeouts, clampInt64(tot.Timeouts), base)
		for id, n := range t.counts.ByPattern() {
			o.ObserveInt64(findings, clampInt64(n), with(attrPattern, id))
		}
		for r, n := range t.counts.ByReason() {
			o.ObserveInt64(undecided, clampInt64(n), with(attrReason, r.String()))
		}
		return nil
	}, scanned, findings, undecided, timeouts)
	if err != nil {
		return nil, fmt.Errorf("leakwardprocessor: registering metrics: %w", err)
	}
	t.reg = reg
	return t, nil
}

// shutdown ends this instance's use: the last instance to stop
// unregisters the metrics, so a processor that is shut down no longer
// shows in the collector's metrics. Later calls do nothing.
func (u *use) shutdown(context.Context) error {
	if u == nil {
		return nil
	}
	var err error
	u.once.Do(func() {
		if u.ms != nil {
			u.ms.mu.Lock()
			defer u.ms.mu.Unlock()
		}
		u.users--
		if u.users > 0 {
			return
		}
		if u.ms != nil && u.ms.m[u.key] == u.telemetry {
			delete(u.ms.m, u.key)
		}
		if u.reg != nil {
			if e := u.reg.Unregister(); e != nil {
				err = errors.Join(errors.New("leakwardprocessor: unregistering metrics"), e)
			}
		}
	})
	return err
}

// clampInt64 converts a count to the int64 the instruments take.
func clampInt64(n uint64) int64 {
	return int64(min(n, 1<<63-1))
}
