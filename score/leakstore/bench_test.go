package leakstore

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"
	"runtime"
	"sync"
	"testing"
	"time"
)

// benchKeyBytes is the length of the synthetic keys benchmarks use, the
// size of a typical API key.
const benchKeyBytes = 40

// benchKey writes the synthetic key i of set seed into dst (benchKeyBytes).
func benchKey(dst []byte, seed, i uint64) {
	copy(dst, "lwbench_")
	binary.LittleEndian.PutUint64(dst[8:], seed)
	binary.LittleEndian.PutUint64(dst[16:], i)
	binary.LittleEndian.PutUint64(dst[24:], i*0x9e3779b97f4a7c15)
	binary.LittleEndian.PutUint64(dst[32:], ^i)
}

type benchStore struct {
	once  sync.Once
	s     *Store
	build time.Duration
}

var benchStores sync.Map // "n/p" → *benchStore

// storeOf returns a store holding n benchmark keys (seed 1) at fp rate p,
// built once per process.
func storeOf(b *testing.B, n uint64, p float64) *Store {
	v, _ := benchStores.LoadOrStore(fmt.Sprintf("%d/%g", n, p), new(benchStore))
	bs := v.(*benchStore)
	bs.once.Do(func() {
		start := time.Now()
		s, err := New(Config{Capacity: n, FPRate: p})
		if err != nil {
			b.Fatal(err)
		}
		// Adds are safe concurrently: build with every core.
		procs := uint64(runtime.GOMAXPROCS(0))
		var wg sync.WaitGroup
		for w := uint64(0); w < procs; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				var key [benchKeyBytes]byte
				for i := w; i < n; i += procs {
					benchKey(key[:], 1, i)
					if err := s.Add(key[:]); err != nil {
						panic(err)
					}
				}
			}()
		}
		wg.Wait()
		bs.s, bs.build = s, time.Since(start)
		if testing.Verbose() {
			fmt.Fprintf(os.Stderr, "built %d keys at %g in %v on %d goroutines\n", n, p, bs.build, procs)
		}
	})
	return bs.s
}

// benchSizes are the store sizes of the lookup benchmarks. 100M entries
// (about 360 MB at 1e-6, and a minute or more to build) only with
// LEAKSTORE_BENCH_100M=1.
func benchSizes() []uint64 {
	sizes := []uint64{1_000_000, 10_000_000}
	if os.Getenv("LEAKSTORE_BENCH_100M") != "" {
		sizes = append(sizes, 100_000_000)
	}
	return sizes
}

// benchRates are the target false-positive rates of the lookup benchmarks:
// k = 20 probes at 1e-6, 10 at 1e-3.
var benchRates = []float64{1e-6, 1e-3}

const lookupKeys = 1 << 16 // distinct keys cycled through by lookups

func BenchmarkContainsKey(b *testing.B) {
	for _, n := range benchSizes() {
		for _, p := range benchRates {
			for _, present := range []bool{true, false} {
				name := fmt.Sprintf("n=%d/p=%g/present=%v", n, p, present)
				b.Run(name, func(b *testing.B) {
					s := storeOf(b, n, p)
					seed := uint64(2)
					if present {
						seed = 1
					}
					keys := make([]byte, lookupKeys*benchKeyBytes)
					for i := range uint64(lookupKeys) {
						// spread over the whole set of present keys
						benchKey(keys[i*benchKeyBytes:], seed, i*(n/lookupKeys))
					}
					b.SetBytes(benchKeyBytes)
					b.ReportAllocs()
					b.ResetTimer()
					ctx := context.Background()
					hits := 0
					for i := 0; i < b.N; i++ {
						j := i & (lookupKeys - 1) * benchKeyBytes
						ok, err := s.ContainsKey(ctx, keys[j:j+benchKeyBytes])
						if err != nil {
							b.Fatal(err)
						}
						if ok {
							hits++
						}
					}
					b.StopTimer()
					if present && hits != b.N {
						b.Fatalf("%d of %d present keys found", hits, b.N)
					}
					if !present && float64(hits) > 3*p*float64(b.N)+10 {
						b.Fatalf("%d of %d absent keys found", hits, b.N)
					}
				})
			}
		}
	}
}

func BenchmarkContainsDigest(b *testing.B) {
	for _, n := range benchSizes() {
		for _, p := range benchRates {
			for _, present := range []bool{true, false} {
				b.Run(fmt.Sprintf("n=%d/p=%g/present=%v", n, p, present), func(b *testing.B) {
					s := storeOf(b, n, p)
					seed := uint64(2)
					if present {
						seed = 1
					}
					ds := make([][32]byte, lookupKeys)
					var key [benchKeyBytes]byte
					for i := range uint64(lookupKeys) {
						benchKey(key[:], seed, i*(n/lookupKeys))
						ds[i] = Digest(key[:])
					}
					b.SetBytes(32)
					b.ReportAllocs()
					b.ResetTimer()
					ctx := context.Background()
					hits := 0
					for i := 0; i < b.N; i++ {
						ok, err := s.ContainsDigest(ctx, ds[i&(lookupKeys-1)])
						if err != nil {
							b.Fatal(err)
						}
						if ok {
							hits++
						}
					}
					b.StopTimer()
					if present && hits != b.N {
						b.Fatalf("%d of %d present digests found", hits, b.N)
					}
				})
			}
		}
	}
}

// BenchmarkContainsKeyParallel looks up present keys from every core at
// once: lookups share the store without locks.
func BenchmarkContainsKeyParallel(b *testing.B) {
	const n = 1_000_000
	s := storeOf(b, n, 1e-6)
	b.SetBytes(benchKeyBytes)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		ctx := context.Background()
		var key [benchKeyBytes]byte
		i := uint64(0)
		for pb.Next() {
			benchKey(key[:], 1, i%n)
			if ok, err := s.ContainsKey(ctx, key[:]); !ok || err != nil {
				panic("present key not found")
			}
			i += 7919
		}
	})
}

// BenchmarkReadWrite measures writing and reading (with checksum) a store
// of 1.5M keys at 1e-6 (5.4 MB).
func BenchmarkReadWrite(b *testing.B) {
	s := storeOf(b, 1_500_000, 1e-6)
	var file bytes.Buffer
	if _, err := s.WriteTo(&file); err != nil {
		b.Fatal(err)
	}
	b.Run("WriteTo", func(b *testing.B) {
		b.SetBytes(int64(file.Len()))
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if _, err := s.WriteTo(io.Discard); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Read", func(b *testing.B) {
		b.SetBytes(int64(file.Len()))
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			got, err := Read(bytes.NewReader(file.Bytes()), nil)
			if err != nil || got.Count() != s.Count() {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkBuild measures adding 1.5M plaintext keys (one breach's worth)
// to a new store at 1e-6 from one goroutine, digests included; ns/op is
// per key, so 1.5M keys take 1.5M × ns/op. It also reports the bit array
// size against the bloom bound −n·ln p / ln²2.
func BenchmarkBuild(b *testing.B) {
	const n = 1_500_000
	for _, p := range []float64{1e-6} {
		b.Run(fmt.Sprintf("n=%d/p=%g", n, p), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(benchKeyBytes)
			var key [benchKeyBytes]byte
			var s *Store
			for i := 0; i < b.N; i++ {
				if i%n == 0 {
					var err error
					if s, err = New(Config{Capacity: n, FPRate: p}); err != nil {
						b.Fatal(err)
					}
				}
				benchKey(key[:], 1, uint64(i%n))
				if err := s.Add(key[:]); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			bound := -float64(n) * math.Log(p) / (math.Ln2 * math.Ln2)
			b.ReportMetric(float64(s.M())/bound, "m/bound")
			b.ReportMetric(float64(s.SizeBytes())/1e6, "MB")
		})
	}
}
