//go:build purego || !(386 || amd64 || arm || arm64 || loong64 || mips64le || mipsle || ppc64le || riscv64 || wasm)

package detect

// find appends every keyword occurrence in src to dst (portable build).
func (pf *prefilter) find(dst []candidate, src []byte) []candidate {
	return pf.findGeneric(dst, src)
}

// bytesOf returns a copy of the bytes of s (portable build).
func bytesOf(s string) []byte { return []byte(s) }
