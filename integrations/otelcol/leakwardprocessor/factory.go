package leakwardprocessor

import (
	"context"
	"errors"
	"fmt"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/pipeline"
	"go.opentelemetry.io/collector/processor"
	"go.opentelemetry.io/collector/processor/processorhelper"

	"github.com/leakward/leakward/detect"
)

// TypeStr is the processor's type name in collector configs.
const TypeStr = "leakward"

var componentType = component.MustNewType(TypeStr)

// capabilities: the processor rewrites values in place.
var capabilities = consumer.Capabilities{MutatesData: true}

// NewFactory returns the factory of the leakward processor, for the
// collector's component list (ocb adds it from the manifest). The factory is
// safe for concurrent use.
func NewFactory() processor.Factory {
	ms := new(meters)
	return processor.NewFactory(componentType,
		func() component.Config { return createDefaultConfig() },
		processor.WithLogs(func(ctx context.Context, set processor.Settings, cfg component.Config, next consumer.Logs) (processor.Logs, error) {
			return createLogs(ctx, ms, set, cfg, next)
		}, component.StabilityLevelAlpha),
		processor.WithTraces(func(ctx context.Context, set processor.Settings, cfg component.Config, next consumer.Traces) (processor.Traces, error) {
			return createTraces(ctx, ms, set, cfg, next)
		}, component.StabilityLevelAlpha),
	)
}

// redactorFor builds the redactor of cfg, whose detector reports to the
// processor's metrics (see telemetry.go).
func redactorFor(cfg component.Config, ms *meters, set processor.Settings, signal pipeline.Signal) (*redactor, *use, error) {
	c, ok := cfg.(*Config)
	if !ok {
		return nil, nil, fmt.Errorf("%w: config is %T, not *leakwardprocessor.Config", ErrInvalidConfig, cfg)
	}
	tel, err := ms.acquire(set.TelemetrySettings, set.ID, signal)
	if err != nil {
		return nil, nil, err
	}
	s, err := c.resolve(detect.WithObserver(tel.counts))
	if err != nil {
		tel.shutdown(context.Background())
		return nil, nil, err
	}
	if s.watch != nil && set.Logger != nil {
		s.watch.logger = set.Logger
	}
	return newRedactor(s), tel, nil
}

func createLogs(ctx context.Context, ms *meters, set processor.Settings, cfg component.Config, next consumer.Logs) (processor.Logs, error) {
	r, tel, err := redactorFor(cfg, ms, set, pipeline.SignalLogs)
	if err != nil {
		return nil, err
	}
	p, err := processorhelper.NewLogs(ctx, set, cfg, next, r.processLogs, processorhelper.WithCapabilities(capabilities),
		processorhelper.WithStart(r.start), processorhelper.WithShutdown(shutdownBoth(r, tel)))
	if err != nil {
		shutdownBoth(r, tel)(ctx)
		return nil, err
	}
	return logsProcessor{p, r}, nil
}

func createTraces(ctx context.Context, ms *meters, set processor.Settings, cfg component.Config, next consumer.Traces) (processor.Traces, error) {
	r, tel, err := redactorFor(cfg, ms, set, pipeline.SignalTraces)
	if err != nil {
		return nil, err
	}
	p, err := processorhelper.NewTraces(ctx, set, cfg, next, r.processTraces, processorhelper.WithCapabilities(capabilities),
		processorhelper.WithStart(r.start), processorhelper.WithShutdown(shutdownBoth(r, tel)))
	if err != nil {
		shutdownBoth(r, tel)(ctx)
		return nil, err
	}
	return tracesProcessor{p, r}, nil
}

// shutdownBoth stops the redactor's store watcher and ends the
// instance's use of its metrics.
func shutdownBoth(r *redactor, tel *use) func(context.Context) error {
	return func(ctx context.Context) error {
		return errors.Join(r.shutdown(ctx), tel.shutdown(ctx))
	}
}

// logsProcessor and tracesProcessor add the Stats method to the
// processors the collector helper builds (see "Counters" in the package
// documentation).
type logsProcessor struct {
	processor.Logs
	r *redactor
}

// Stats returns the counters of the processor's detector.
func (p logsProcessor) Stats() detect.Stats { return p.r.det.Stats() }

type tracesProcessor struct {
	processor.Traces
	r *redactor
}

// Stats returns the counters of the processor's detector.
func (p tracesProcessor) Stats() detect.Stats { return p.r.det.Stats() }
