//go:build linux

package leakstore

import (
	"syscall"
	"unsafe"
)

// hugePageBytes is the huge page size on the platforms we care about.
const hugePageBytes = 2 << 20

// adviseHugePages asks the kernel to back the bit array with transparent
// huge pages. A lookup probes K random cache lines of a bit array that may
// be hundreds of megabytes: with 4 KiB pages nearly every probe also misses
// the TLB, and the page walks, not the cache misses, set the lookup time
// (measured: about 2x slower at 10M entries). The advice is best effort:
// on kernels with transparent huge pages off it does nothing, and errors
// are ignored. Only whole 2 MiB pages inside the slice are advised, so the
// call never touches memory outside it. This is the package's only use of
// unsafe.
func adviseHugePages(words []uint64) {
	if len(words)*8 < 2*hugePageBytes {
		return
	}
	start := uintptr(unsafe.Pointer(unsafe.SliceData(words)))
	end := start + uintptr(len(words))*8
	alignedStart := (start + hugePageBytes - 1) &^ (hugePageBytes - 1)
	alignedEnd := end &^ (hugePageBytes - 1)
	if alignedEnd <= alignedStart {
		return
	}
	all := unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(words))), len(words)*8)
	off := alignedStart - start
	_ = syscall.Madvise(all[off:off+(alignedEnd-alignedStart)], syscall.MADV_HUGEPAGE)
}
