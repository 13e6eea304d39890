// Package testlog generates deterministic, realistic log text for tests and
// benchmarks: JSON logs, key=value application logs, nginx access logs,
// syslog, Kubernetes events and Java stack traces, mixed line by line.
package testlog

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// Secret returns a secret line to inject; it receives the generator's
// random source so that output stays deterministic.
type Secret func(r *rand.Rand) string

var (
	users   = []string{"alice", "bob", "carol", "dave", "erin", "frank", "svc-deploy", "build-bot"}
	paths   = []string{"/api/v1/orders", "/healthz", "/static/app.js", "/login", "/api/v2/users/1234", "/metrics", "/search?q=shoes&page=2", "/api/v1/keys/rotate"}
	agents  = []string{"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36", "curl/8.5.0", "Go-http-client/2.0", "kube-probe/1.29", "python-requests/2.31.0"}
	levels  = []string{"INFO", "INFO", "INFO", "DEBUG", "WARN", "ERROR"}
	msgs    = []string{"request completed", "cache miss for key user:1234:profile", "connection reset by peer", "retrying in 250ms", "scheduled job finished", "password policy updated for tenant", "token refresh scheduled", "Failed password for invalid user admin from 10.0.3.7 port 52144 ssh2", "Accepted publickey for deploy from 10.1.2.3 port 40022 ssh2", "authentication succeeded", "secret rotation check ok", "api_key header missing", "upstream timed out (110: Connection timed out)"}
	hosts   = []string{"web-01", "web-02", "db-primary", "worker-7", "ingress-nginx-5d8f7"}
	classes = []string{"com.example.orders.OrderService", "org.apache.kafka.clients.NetworkClient", "io.netty.channel.DefaultChannelPipeline", "com.example.auth.TokenValidator"}
)

func ip(r *rand.Rand) string {
	return fmt.Sprintf("%d.%d.%d.%d", 10+r.IntN(200), r.IntN(256), r.IntN(256), 1+r.IntN(254))
}

func pick(r *rand.Rand, s []string) string { return s[r.IntN(len(s))] }

func ts(r *rand.Rand, i int) string {
	return fmt.Sprintf("2026-11-%02dT%02d:%02d:%02d.%03dZ", 1+i/86400%28, i/3600%24, i/60%60, i%60, r.IntN(1000))
}

// Line returns the i-th generated log line (without newline).
func Line(r *rand.Rand, i int) string {
	switch r.IntN(7) {
	case 0:
		return fmt.Sprintf(`{"time":"%s","level":"%s","msg":"%s","user":"%s","latency_ms":%d,"trace_id":"%016x%016x"}`,
			ts(r, i), pick(r, levels), pick(r, msgs), pick(r, users), r.IntN(900), r.Uint64(), r.Uint64())
	case 1:
		return fmt.Sprintf(`time=%s level=%s msg=%q host=%s user=%s status=%d duration=%dms`,
			ts(r, i), strings.ToLower(pick(r, levels)), pick(r, msgs), pick(r, hosts), pick(r, users), 200+r.IntN(4)*100, r.IntN(2000))
	case 2:
		return fmt.Sprintf(`%s - - [28/Nov/2026:%02d:%02d:%02d +0000] "GET %s HTTP/1.1" %d %d "-" "%s"`,
			ip(r), i/3600%24, i/60%60, i%60, pick(r, paths), 200+r.IntN(4)*100, r.IntN(50000), pick(r, agents))
	case 3:
		return fmt.Sprintf(`Nov 28 %02d:%02d:%02d %s sshd[%d]: %s`, i/3600%24, i/60%60, i%60, pick(r, hosts), 1000+r.IntN(60000), pick(r, msgs))
	case 4:
		return fmt.Sprintf(`%s Normal Scheduled pod/%s-%x Successfully assigned default/%s-%x to node-%d`,
			ts(r, i), pick(r, hosts), r.Uint32(), pick(r, hosts), r.Uint32(), r.IntN(12))
	case 5:
		return fmt.Sprintf("%s ERROR [%s] java.lang.IllegalStateException: %s\n\tat %s.handle(%s.java:%d)\n\tat %s.run(Unknown Source)",
			ts(r, i), pick(r, hosts), pick(r, msgs), pick(r, classes), "Handler", 10+r.IntN(400), pick(r, classes))
	default:
		return fmt.Sprintf(`%s [%s] sha256=%016x%016x%016x%016x commit=%016x%08x uuid=%08x-%04x-%04x-%04x-%012x`,
			ts(r, i), pick(r, levels), r.Uint64(), r.Uint64(), r.Uint64(), r.Uint64(), r.Uint64(), r.Uint32(),
			r.Uint32(), r.Uint32()&0xffff, r.Uint32()&0xffff, r.Uint32()&0xffff, r.Uint64()&0xffffffffffff)
	}
}

// Generate returns about size bytes of log lines from the given seed. When
// secretEvery > 0 and secret is not nil, every secretEvery-th line is
// replaced by secret(r). The output is the same for the same arguments.
func Generate(size int, seed uint64, secretEvery int, secret Secret) []byte {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	var b strings.Builder
	b.Grow(size + 512)
	for i := 0; b.Len() < size; i++ {
		if secretEvery > 0 && secret != nil && i%secretEvery == secretEvery-1 {
			b.WriteString(secret(r))
		} else {
			b.WriteString(Line(r, i))
		}
		b.WriteByte('\n')
	}
	return []byte(b.String())
}
