package main

import (
	"runtime"
	"sync"
	"time"
)

// input is one text to scan, with its lines and 64 KiB chunks cut once so
// that cutting is not timed.
type input struct {
	name   string
	data   []byte
	lines  []span
	chunks []span
}

func newInput(name string, data []byte) input {
	return input{name: name, data: data, lines: lineSpans(data), chunks: chunkSpans(data, chunkBytes)}
}

// measurement is the result of timing one scanner on one input.
type measurement struct {
	single, parallel float64 // MB/s (1e6 bytes per second)
	allocsPerMB      float64 // heap allocations per MB scanned, single goroutine
	findings         int     // findings of one pass
	iters            int
}

// measure times s on in: one warm-up pass (which also counts findings),
// then enough passes to fill budget on one goroutine, then the same number
// of passes on each of GOMAXPROCS goroutines at once. Each figure is the
// best of count repetitions. When the first pass alone takes longer than
// budget, it is the single-goroutine measurement.
func measure(s scanner, in input, budget time.Duration, count int, parallel bool) measurement {
	var m measurement
	w := s.newWorker()
	mb := float64(len(in.data)) / 1e6
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	t0 := time.Now()
	m.findings = w(in.data, in.lines, in.chunks)
	first := time.Since(t0)
	runtime.ReadMemStats(&after)
	m.iters = 1
	if first >= budget {
		// A slow scanner: the first pass is the measurement.
		m.single = mb / first.Seconds()
		m.allocsPerMB = float64(after.Mallocs-before.Mallocs) / mb
	} else {
		n := max(1, min(int(budget/max(first, time.Microsecond)), 1<<20))
		m.iters = n
		for range max(1, count) {
			runtime.GC()
			runtime.ReadMemStats(&before)
			start := time.Now()
			for range n {
				w(in.data, in.lines, in.chunks)
			}
			el := time.Since(start)
			runtime.ReadMemStats(&after)
			m.single = max(m.single, float64(n)*mb/el.Seconds())
			a := float64(after.Mallocs-before.Mallocs) / float64(n) / mb
			if m.allocsPerMB == 0 || a < m.allocsPerMB {
				m.allocsPerMB = a
			}
		}
	}
	n := m.iters
	if !parallel || s.singleOnly {
		return m
	}
	procs := runtime.GOMAXPROCS(0)
	workers := make([]func([]byte, []span, []span) int, procs)
	for i := range workers {
		workers[i] = s.newWorker()
		workers[i](in.data, in.lines, in.chunks)
	}
	for range max(1, count) {
		var wg sync.WaitGroup
		start := time.Now()
		for _, w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range n {
					w(in.data, in.lines, in.chunks)
				}
			}()
		}
		wg.Wait()
		el := time.Since(start)
		m.parallel = max(m.parallel, float64(procs*n)*mb/el.Seconds())
	}
	return m
}

// nsPerOp times op until budget has passed (at least min iterations) and
// returns the best of count repetitions in nanoseconds per call.
func nsPerOp(budget time.Duration, count int, op func(i int)) float64 {
	op(0)
	best := 0.0
	for range max(1, count) {
		n := 0
		start := time.Now()
		for time.Since(start) < budget {
			for range 256 {
				op(n)
				n++
			}
		}
		ns := float64(time.Since(start).Nanoseconds()) / float64(n)
		if best == 0 || ns < best {
			best = ns
		}
	}
	return best
}
