package patterns

// aiPatterns returns the built-in patterns of this catalog group.
func aiPatterns() []Pattern {
	return nil
}
