package patterns

// genericPatterns returns the built-in patterns of this catalog group.
func genericPatterns() []Pattern {
	return nil
}
