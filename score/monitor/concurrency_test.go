package monitor

import (
	"bytes"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestConcurrentUse runs Observe from several goroutines while snapshots,
// merges and stats run; go test -race checks the locking.
func TestConcurrentUse(t *testing.T) {
	c := &Config{MaxKeys: 4096, MaxNetworks: 1024}
	m := newTest(t, c)
	other := newTest(t, c)
	feed(other, newBenchTraffic(500), 2000)
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			bt := newBenchTraffic(1000)
			bt.x += uint64(g) * 7919
			var e Event
			for i := 0; i < 5000; i++ {
				bt.next(&e)
				m.Observe(e)
				if i%1000 == 0 {
					m.MarkLeaked(e.Key, e.Time)
				}
			}
		}(g)
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; i < 3; i++ {
			var b bytes.Buffer
			_, err := m.WriteTo(&b)
			assert.NoError(t, err)
			assert.NoError(t, m.Merge(other))
			_ = m.Stats()
		}
	}()
	wg.Wait()
	var b bytes.Buffer
	_, err := m.WriteTo(&b)
	require.NoError(t, err)
	m2 := newTest(t, c)
	_, err = m2.ReadFrom(&b)
	require.NoError(t, err)
	assert.Equal(t, m.Stats().Keys, m2.Stats().Keys)
}
