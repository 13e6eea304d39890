package patterns

// sourcePatterns returns the built-in patterns of this catalog group.
func sourcePatterns() []Pattern {
	return nil
}
