//go:build race

package leakstore

const raceEnabled = true
