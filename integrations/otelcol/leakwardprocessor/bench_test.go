package leakwardprocessor

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/leakward/leakward/integrations/otelcol/internal/vectors"
)

// cleanLines are synthetic log lines in common shapes, without secrets.
var cleanLines = []string{
	`10.0.3.17 - - [01/Mar/2025:12:00:01 +0000] "GET /api/v1/items/%d HTTP/1.1" 200 %d "-" "curl/8.5.0"`,
	`2025-03-01 12:00:01,114 INFO  [main] o.a.k.c.c.KafkaConsumer - [Consumer clientId=c-%d] Subscribed to topic(s): orders`,
	`Mar  1 12:00:01 web-%d sshd[2211]: Accepted publickey for deploy from 10.0.8.%d port 52114 ssh2`,
	`{"level":"info","ts":1740830401.2,"caller":"server/handler.go:%d","msg":"request done","status":200,"bytes":%d}`,
	`java.lang.IllegalStateException: pool exhausted after %d ms at com.example.db.Pool.acquire(Pool.java:%d)`,
	`kubelet[812]: I0301 12:00:01.000000 812 kuberuntime_manager.go:%d] "Container started" pod="default/web-%d"`,
}

// benchLogs returns n records; every secretEvery-th one (0: none) holds a
// generated GitHub token.
func benchLogs(n, secretEvery int) plog.Logs {
	r := rand.New(rand.NewPCG(11, 12))
	ld := plog.NewLogs()
	rl := ld.ResourceLogs().AppendEmpty()
	rl.Resource().Attributes().PutStr("service.name", "bench")
	rl.Resource().Attributes().PutStr("host.name", "web-1")
	lrs := rl.ScopeLogs().AppendEmpty().LogRecords()
	for i := range n {
		lr := lrs.AppendEmpty()
		if secretEvery > 0 && i%secretEvery == 0 {
			lr.Body().SetStr("git fetch failed: remote https://x-access-token:" + vectors.GitHubToken(r) + "@example.invalid/org/repo.git")
		} else {
			lr.Body().SetStr(fmt.Sprintf(cleanLines[i%len(cleanLines)], r.IntN(10000), r.IntN(100000)))
		}
		lr.Attributes().PutStr("log.file.name", "app.log")
		lr.Attributes().PutStr("k8s.pod.name", "web-7c9f")
	}
	return ld
}

func TestCleanBatchDoesNotAllocate(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts differ under the race detector")
	}
	s, err := createDefaultConfig().resolve()
	require.NoError(t, err)
	r := newRedactor(s)
	ld := benchLogs(50, 0)
	_, _ = r.processLogs(context.Background(), ld) // warm the pool
	allocs := testing.AllocsPerRun(20, func() { _, _ = r.processLogs(context.Background(), ld) })
	assert.Zero(t, allocs, "allocations processing 50 clean records")

	// Every scanned field: names, keys, bytes, nested values.
	cl, ct := cleanLogs(), cleanTraces()
	_, _ = r.processLogs(context.Background(), cl)
	_, _ = r.processTraces(context.Background(), ct)
	allocs = testing.AllocsPerRun(20, func() {
		_, _ = r.processLogs(context.Background(), cl)
		_, _ = r.processTraces(context.Background(), ct)
	})
	assert.Zero(t, allocs, "allocations processing clean logs and traces with every field set")
}

func BenchmarkProcessLogs(b *testing.B) {
	const batch = 1000
	summaryOff := createDefaultConfig()
	summaryOff.Summary.Enabled = false
	for _, tc := range []struct {
		name        string
		secretEvery int
	}{{"clean", 0}, {"secret-1pct", 100}, {"secret-10pct", 10}, {"secret-all", 1}} {
		for _, cfg := range []struct {
			name string
			c    *Config
		}{{"summary", createDefaultConfig()}, {"nosummary", summaryOff}} {
			b.Run(tc.name+"/"+cfg.name, func(b *testing.B) {
				s, err := cfg.c.resolve()
				require.NoError(b, err)
				r := newRedactor(s)
				src := benchLogs(batch, tc.secretEvery)
				work := plog.NewLogs()
				b.ReportAllocs()
				for b.Loop() {
					if tc.secretEvery > 0 {
						b.StopTimer()
						src.CopyTo(work)
						b.StartTimer()
					} else {
						work = src // stays clean: reuse without copying
					}
					if _, err := r.processLogs(context.Background(), work); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "records/s")
			})
		}
	}
}
