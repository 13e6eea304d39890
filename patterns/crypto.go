package patterns

// cryptoPatterns returns the built-in patterns of this catalog group.
func cryptoPatterns() []Pattern {
	return nil
}
