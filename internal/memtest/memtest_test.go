package memtest

import "testing"

var sink []byte

func TestAllocated(t *testing.T) {
	got := Allocated(func() { sink = make([]byte, 1<<20) })
	if got < 1<<20 {
		t.Fatalf("Allocated of a 1 MiB make: got %d bytes, want at least %d", got, 1<<20)
	}
}
