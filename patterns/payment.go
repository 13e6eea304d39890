package patterns

// paymentPatterns returns the built-in patterns of this catalog group.
func paymentPatterns() []Pattern {
	return nil
}
