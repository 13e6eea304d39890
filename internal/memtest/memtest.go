// Package memtest measures memory in tests by counting, not timing.
package memtest

import "runtime"

// Allocated returns the bytes allocated on the heap while f ran. It
// collects garbage first; tests using it must not run in parallel with
// tests that allocate.
func Allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}
