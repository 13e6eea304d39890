package patterns

// publishedDocValues are keys that vendors print in their documentation
// and quick-start samples (Stripe's shared test-mode keys, the token of
// Slack's OAuth response example). They are copied into countless sample
// projects and tests; reporting them is noise.
var publishedDocValues = map[string]bool{
	"sk_test_4eC39HqLyjWDarjtT1zdp7dc":                      true,
	"pk_test_TYooMQauvdEDq54NiTphI7jx":                      true,
	"sk_test_BQokikJOvBiI2HlWgH4olfQ2":                      true,
	"pk_test_6pRNASCoBOKtIshFeQd4XMUh":                      true,
	"sk_test_26PHem9AhJZvU623DfE1x4sd":                      true,
	"pk_test_qblFNYngBkEdjEZ16jxxoWSM":                      true,
	"xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy": true,
}

// rejectDocValue is a Validator that rejects published documentation
// values and accepts everything else. It does not allocate.
func rejectDocValue(secret []byte, _ *Meta) bool {
	return !publishedDocValues[string(secret)]
}
