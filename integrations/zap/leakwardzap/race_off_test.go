//go:build !race

package leakwardzap

const raceEnabled = false
