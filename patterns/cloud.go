package patterns

// cloudPatterns returns the built-in patterns of this catalog group.
func cloudPatterns() []Pattern {
	return nil
}
