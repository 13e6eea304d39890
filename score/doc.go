// Package score turns findings, submitted keys and key usage into risk
// decisions: a score from 0 to 100, a level and machine-readable reasons.
package score
