package monitor

import (
	"net/netip"
	"runtime"
	"sync/atomic"
	"testing"
	"time"
)

// benchTraffic is fixed synthetic traffic over nkeys keys: each event picks
// a key, one of 4096 networks, one of 8 clients and one of 8 operations
// with a xorshift generator, and advances time by 1ms.
type benchTraffic struct {
	keys   []KeyID
	addrs  [4096]netip.Addr
	agents [8]string
	ops    [8]string
	x      uint64
	t      time.Time
}

func newBenchTraffic(nkeys int) *benchTraffic {
	bt := &benchTraffic{keys: make([]KeyID, nkeys), x: 88172645463325252, t: t0}
	for i := range bt.keys {
		var id KeyID
		v := mix64(uint64(i) + 1)
		for j := 0; j < 8; j++ {
			id[j] = byte(v >> (8 * j))
			id[8+j] = byte(mix64(v) >> (8 * j))
		}
		bt.keys[i] = id
	}
	for i := range bt.addrs {
		bt.addrs[i] = netip.AddrFrom4([4]byte{byte(11 + i%200), byte(i >> 4), byte(i * 7), 9})
	}
	bt.agents = [8]string{"svc/1.0", "svc/1.1", "okhttp/4.9", "Go-http-client/1.1", "python-requests/2.31", "curl/8.4", "app-ios/3.2", "app-android/3.2"}
	bt.ops = [8]string{"GET /v1/items", "GET /v1/models", "POST /v1/chat/completions", "GET /v1/files", "PUT /v1/files/1", "GET /v1/usage", "POST /v1/embeddings", "GET /v1/admin/keys"}
	return bt
}

func (bt *benchTraffic) next(e *Event) {
	bt.x ^= bt.x << 13
	bt.x ^= bt.x >> 7
	bt.x ^= bt.x << 17
	x := bt.x
	bt.t = bt.t.Add(time.Millisecond)
	e.Key = bt.keys[x%uint64(len(bt.keys))]
	e.Time = bt.t
	e.Addr = bt.addrs[(x>>24)&4095]
	e.Agent = bt.agents[(x>>40)&7]
	e.Op = bt.ops[(x>>44)&7]
	e.Units = float64((x >> 48) & 255)
}

func benchMonitor(tb testing.TB, nkeys int) (*Monitor, *benchTraffic) {
	m, err := New(&Config{MaxKeys: nkeys, MaxNetworks: 1 << 16})
	if err != nil {
		tb.Fatal(err)
	}
	bt := newBenchTraffic(nkeys)
	for i := range bt.keys {
		m.Observe(Event{Key: bt.keys[i], Time: t0, Addr: bt.addrs[i&4095], Agent: "svc/1.0"})
	}
	return m, bt
}

func TestObserveAllocs(t *testing.T) {
	m, bt := benchMonitor(t, 1<<12)
	var e Event
	allocs := testing.AllocsPerRun(10000, func() {
		bt.next(&e)
		r := m.Observe(e)
		_ = r
	})
	if allocs != 0 {
		t.Errorf("Observe allocates %.2f times per event, want 0", allocs)
	}
}

var sinkScore atomic.Int64

// BenchmarkObserve measures one goroutine at 1<<20 (about 1M) tracked keys,
// in steady state after every key has been seen once.
func BenchmarkObserve(b *testing.B) {
	for _, n := range []int{1 << 12, 1 << 20} {
		b.Run(sizeName(n), func(b *testing.B) {
			m, bt := benchMonitor(b, n)
			var e Event
			var sum int
			runtime.GC()
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				bt.next(&e)
				r := m.Observe(e)
				sum += r.Score
			}
			b.StopTimer()
			sinkScore.Add(int64(sum))
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
			b.ReportMetric(float64(BytesPerKey), "B/key")
			if st := m.Stats(); st.Keys < n*95/100 {
				b.Fatalf("tracked %d keys, want about %d", st.Keys, n)
			}
		})
	}
}

// BenchmarkObserveParallel measures all cores sharing one monitor.
func BenchmarkObserveParallel(b *testing.B) {
	m, shared := benchMonitor(b, 1<<20)
	var seed atomic.Uint64
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		bt := *shared // shares the key list
		bt.x = mix64(seed.Add(1)) | 1
		var e Event
		for pb.Next() {
			bt.next(&e)
			m.Observe(e)
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

func sizeName(n int) string {
	switch {
	case n >= 1<<20:
		return "keys=1M"
	default:
		return "keys=4K"
	}
}
