package patterns

// databasePatterns returns the built-in patterns of this catalog group.
func databasePatterns() []Pattern {
	return nil
}
