//go:build !race

package leakwardprocessor

const raceEnabled = false
