package leakwardzap

import "unsafe"

// bytesOf returns the bytes of s without copying. The result must only be
// read: the detector's Scan and Redact never modify or retain their input.
func bytesOf(s string) []byte {
	return unsafe.Slice(unsafe.StringData(s), len(s))
}
