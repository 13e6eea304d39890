package leakwardprocessor

import "unsafe"

// bytesOf returns the bytes of s without copying. The result must only be
// read: the detector's Scan and Redact never modify or retain their input.
func bytesOf(s string) []byte {
	return unsafe.Slice(unsafe.StringData(s), len(s))
}

// stringOf returns b as a string without copying. The result must not be
// used after b is modified, and must not be retained: the detector's
// SecretName and AppendScanField do not retain a name.
func stringOf(b []byte) string {
	return unsafe.String(unsafe.SliceData(b), len(b))
}
