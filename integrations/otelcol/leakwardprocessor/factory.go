package leakwardprocessor

import (
	"context"
	"fmt"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/consumer"
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
	return processor.NewFactory(componentType,
		func() component.Config { return createDefaultConfig() },
		processor.WithLogs(createLogs, component.StabilityLevelAlpha),
		processor.WithTraces(createTraces, component.StabilityLevelAlpha),
	)
}

func redactorFor(set processor.Settings, cfg component.Config) (*redactor, error) {
	c, ok := cfg.(*Config)
	if !ok {
		return nil, fmt.Errorf("%w: config is %T, not *leakwardprocessor.Config", ErrInvalidConfig, cfg)
	}
	s, err := c.resolve()
	if err != nil {
		return nil, err
	}
	if s.watch != nil && set.Logger != nil {
		s.watch.logger = set.Logger
	}
	return newRedactor(s), nil
}

func createLogs(ctx context.Context, set processor.Settings, cfg component.Config, next consumer.Logs) (processor.Logs, error) {
	r, err := redactorFor(set, cfg)
	if err != nil {
		return nil, err
	}
	p, err := processorhelper.NewLogs(ctx, set, cfg, next, r.processLogs, processorhelper.WithCapabilities(capabilities),
		processorhelper.WithStart(r.start), processorhelper.WithShutdown(r.shutdown))
	if err != nil {
		return nil, err
	}
	return logsProcessor{p, r}, nil
}

func createTraces(ctx context.Context, set processor.Settings, cfg component.Config, next consumer.Traces) (processor.Traces, error) {
	r, err := redactorFor(set, cfg)
	if err != nil {
		return nil, err
	}
	p, err := processorhelper.NewTraces(ctx, set, cfg, next, r.processTraces, processorhelper.WithCapabilities(capabilities),
		processorhelper.WithStart(r.start), processorhelper.WithShutdown(r.shutdown))
	if err != nil {
		return nil, err
	}
	return tracesProcessor{p, r}, nil
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
