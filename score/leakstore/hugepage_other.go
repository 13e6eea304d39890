//go:build !linux

package leakstore

// adviseHugePages does nothing outside Linux.
func adviseHugePages([]uint64) {}
