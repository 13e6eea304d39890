//go:build !purego && (386 || amd64 || arm || arm64 || loong64 || mips64le || mipsle || ppc64le || riscv64 || wasm)

package detect

import "unsafe"

// find appends every keyword occurrence in src to dst.
//
// This is the hot loop of every scan. It reads 4 bytes at each position
// with an unaligned little-endian load that skips the bounds check the
// portable twin (findGeneric, used with the purego build tag and on
// big-endian machines) pays, and tests four positions per iteration. The
// loads never read past src: the loops stop 4 bytes before its end.
func (pf *prefilter) find(dst []candidate, src []byte) []candidate {
	n := len(src)
	if n < 4 {
		return dst
	}
	bits := &pf.bits
	p := unsafe.Pointer(unsafe.SliceData(src))
	i := 0
	for ; i+7 <= n; i += 4 {
		g0 := *(*uint32)(unsafe.Add(p, i))
		g1 := *(*uint32)(unsafe.Add(p, i+1))
		g2 := *(*uint32)(unsafe.Add(p, i+2))
		g3 := *(*uint32)(unsafe.Add(p, i+3))
		h0 := (g0 * hashMul) >> (32 - tableBits)
		h1 := (g1 * hashMul) >> (32 - tableBits)
		h2 := (g2 * hashMul) >> (32 - tableBits)
		h3 := (g3 * hashMul) >> (32 - tableBits)
		if bits[h0>>6]&(1<<(h0&63)) != 0 {
			dst = pf.verify(dst, src, i, g0)
		}
		if bits[h1>>6]&(1<<(h1&63)) != 0 {
			dst = pf.verify(dst, src, i+1, g1)
		}
		if bits[h2>>6]&(1<<(h2&63)) != 0 {
			dst = pf.verify(dst, src, i+2, g2)
		}
		if bits[h3>>6]&(1<<(h3&63)) != 0 {
			dst = pf.verify(dst, src, i+3, g3)
		}
	}
	for ; i+4 <= n; i++ {
		g := *(*uint32)(unsafe.Add(p, i))
		h := (g * hashMul) >> (32 - tableBits)
		if bits[h>>6]&(1<<(h&63)) != 0 {
			dst = pf.verify(dst, src, i, g)
		}
	}
	return dst
}

// bytesOf returns the bytes of s without copying. The result must only be
// read: the scanner never writes to its input.
func bytesOf(s string) []byte {
	return unsafe.Slice(unsafe.StringData(s), len(s))
}
