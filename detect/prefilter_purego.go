//go:build purego

package detect

// find appends every keyword occurrence in src to dst (portable build).
func (pf *prefilter) find(dst []candidate, src []byte) []candidate {
	return pf.findGeneric(dst, src)
}

// bytesOf returns a copy of the bytes of s (portable build).
func bytesOf(s string) []byte { return []byte(s) }
