package leakwardzap_test

import (
	"hash/crc32"
	"os"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/leakward/leakward/detect"
	"github.com/leakward/leakward/integrations/zap/leakwardzap"
	"github.com/leakward/leakward/patterns"
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

func ExampleNewCore() {
	det, err := detect.New(patterns.Default())
	if err != nil {
		panic(err)
	}
	cfg := zap.NewProductionEncoderConfig()
	cfg.TimeKey, cfg.CallerKey = "", "" // stable output for the example
	inner := zapcore.NewCore(zapcore.NewJSONEncoder(cfg), zapcore.AddSync(os.Stdout), zapcore.InfoLevel)
	log := zap.New(leakwardzap.NewCore(inner, det))

	tok := syntheticToken()
	log.With(zap.String("auth", "token "+tok)).Info("clone https://x:"+tok+"@example.invalid/org/repo", zap.Int("attempt", 2))
	// Output:
	// {"level":"info","msg":"clone https://x:[REDACTED:github-pat-classic]@example.invalid/org/repo","auth":"token [REDACTED:github-pat-classic]","attempt":2}
}
