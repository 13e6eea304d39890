package leakwardprocessor_test

import (
	"context"
	"fmt"
	"hash/crc32"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/processor/processortest"

	"github.com/leakward/leakward/integrations/otelcol/leakwardprocessor"
)

// syntheticToken returns a made-up GitHub token with a valid checksum.
func syntheticToken() string {
	const digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	body := "Zq3mT8vKp2Lx7RwN4cY9hB6dF1sJ0g"
	v := crc32.ChecksumIEEE([]byte(body))
	var sum [6]byte
	for i := 5; i >= 0; i-- {
		sum[i] = digits[v%62]
		v /= 62
	}
	return "ghp_" + body + string(sum[:])
}

func ExampleNewFactory() {
	f := leakwardprocessor.NewFactory()
	cfg := f.CreateDefaultConfig().(*leakwardprocessor.Config)
	cfg.Mask = leakwardprocessor.MaskPrefix

	sink := new(consumertest.LogsSink)
	set := processortest.NewNopSettings(component.MustNewType(leakwardprocessor.TypeStr))
	p, err := f.CreateLogs(context.Background(), set, cfg, sink)
	if err != nil {
		panic(err)
	}

	ld := plog.NewLogs()
	lr := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords().AppendEmpty()
	lr.Body().SetStr("export GITHUB_TOKEN=" + syntheticToken())
	if err := p.ConsumeLogs(context.Background(), ld); err != nil {
		panic(err)
	}

	out := sink.AllLogs()[0].ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0)
	fmt.Println(out.Body().Str())
	fmt.Println(out.Attributes().AsRaw())
	// Output:
	// export GITHUB_TOKEN=ghp_…[REDACTED]
	// map[leakward.redacted.github-pat-classic:1 leakward.redacted.total:1]
}
