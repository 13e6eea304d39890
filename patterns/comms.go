package patterns

// commsPatterns returns the built-in patterns of this catalog group.
func commsPatterns() []Pattern {
	return nil
}
