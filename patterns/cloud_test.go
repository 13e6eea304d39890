package patterns

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestCloudKeywordsOnLogLines guards against keywords that are common words:
// ordinary log lines must not contain them.
func TestCloudKeywordsOnLogLines(t *testing.T) {
	lines := []string{
		"2026-03-01 10:15:02 INFO  [main] o.a.c.Server - Started ServerConnector@6d3af739{HTTP/1.1}{0.0.0.0:8080}",
		"Jun 14 15:16:01 combo sshd(pam_unix)[19939]: authentication failure; logname= uid=0 euid=0 tty=NODEVssh ruser= rhost=218.188.2.4",
		"081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 for block blk_38865049064139660 terminating",
		`{"level":"warn","ts":1717171717.1,"caller":"zap/logger.go:42","msg":"session expired","user":"alice"}`,
	}
	for _, p := range cloudPatterns() {
		for _, kw := range p.Keywords {
			for _, l := range lines {
				hay, k := []byte(l), []byte(kw)
				if p.KeywordsFoldCase {
					hay, k = bytes.ToLower(hay), bytes.ToLower(k)
				}
				assert.False(t, bytes.Contains(hay, k), "%s: keyword %q in a plain log line", p.ID, kw)
			}
		}
	}
}
