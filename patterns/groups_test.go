package patterns_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/dlclark/regexp2/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leakward/leakward/detect"
	"github.com/leakward/leakward/patterns"
)

// The group tables below run each group's Examples and NonExamples through
// the real engine (detect.New(…).Scan), a detector built from the pattern
// alone: each example's secret, read from the example as written
// (Pattern.ExampleSpan), must be found with that span and the pattern's id;
// no non-example may give a finding of the pattern. TestCatalog runs the
// same examples through the whole default catalog.

// groupRules are the checks a group adds to the common ones.
type groupRules struct {
	// singleLine: no secret spans lines.
	singleLine bool
	// maxLenSet: every pattern sets MaxLen.
	maxLenSet bool
	// secretGroup: every regex names its secret group.
	secretGroup bool
	// contextual: a pattern that needs context has contextual confidence.
	contextual bool
}

// checkGroup checks that the group's ids are wantIDs, in order, and runs
// the shape checks and every vector of each of its patterns.
func checkGroup(t *testing.T, group string, wantIDs []string, rules groupRules) {
	t.Helper()
	assert.Equal(t, wantIDs, patterns.Groups()[group], "ids of the %s group", group)
	for _, id := range wantIDs {
		p, ok := patterns.ByID(id)
		require.True(t, ok, "pattern %s is not in the catalog", id)
		t.Run(id, func(t *testing.T) {
			checkPattern(t, p, rules)
		})
	}
}

func checkPattern(t *testing.T, p patterns.Pattern, rules groupRules) {
	assert.NotEmpty(t, p.Provider, "Provider")
	assert.NotEmpty(t, p.Description, "Description")
	assert.NotEmpty(t, p.Grants, "Grants")
	assert.NotEmpty(t, p.Keywords, "Keywords")
	assert.GreaterOrEqual(t, len(p.Examples), 2, "Examples")
	assert.GreaterOrEqual(t, len(p.NonExamples), 2, "NonExamples")
	for _, k := range p.Keywords {
		assert.GreaterOrEqual(t, len(k), 3, "keyword %q", k)
	}
	if rules.maxLenSet {
		assert.Positive(t, p.MaxLen, "MaxLen")
	}
	if rules.contextual && p.NeedsContext {
		assert.Equal(t, patterns.ConfidenceContextual, p.Confidence, "context-only patterns are contextual")
	}
	re, err := regexp2.Compile(p.Regex, regexp2.None)
	require.NoError(t, err, "Regex")
	if rules.secretGroup {
		assert.Positive(t, re.GroupNumberFromName("secret"), "Regex has no secret group")
	}
	maxLen := p.MaxLen
	if maxLen == 0 {
		maxLen = patterns.DefaultMaxLen
	}

	d, err := detect.New([]patterns.Pattern{p}, detect.WithMatchTimeout(30*time.Second))
	require.NoError(t, err, "detector of the pattern alone")
	for i, ex := range p.Examples {
		start, end, ok := p.ExampleSpan(i)
		if !assert.True(t, ok, "example %d (%s): declared secret not in the text", i, preview(ex)) {
			continue
		}
		secret := ex[start:end]
		fs := d.Scan([]byte(ex))
		f, found := findingAt(fs, p.ID, start, end)
		if !assert.True(t, found, "example %d (%s): got %v, want a finding at [%d,%d)", i, preview(ex), fs, start, end) {
			continue
		}
		assert.LessOrEqual(t, f.Len(), maxLen, "example %d (%s): secret longer than MaxLen", i, preview(ex))
		assert.True(t, strings.TrimSpace(strings.Trim(secret, `"'`)) == secret, "example %d (%s): secret span has padding", i, preview(ex))
		if rules.singleLine {
			assert.False(t, strings.ContainsAny(secret, "\r\n"), "example %d (%s): secret spans lines", i, preview(ex))
		}
		for _, m := range p.TestMarkers {
			if strings.Contains(secret, m) {
				assert.True(t, f.Test, "example %d (%s): secret holds test marker %q, finding not test-mode", i, preview(ex), m)
			}
		}
		if p.Validate != nil {
			var m patterns.Meta
			assert.True(t, p.Validate([]byte(secret), &m), "example %d (%s): the validator rejects the secret", i, preview(ex))
			assert.Equal(t, m, f.Meta, "example %d (%s): finding's Meta is not the validator's", i, preview(ex))
			if m.Test {
				assert.True(t, f.Test, "example %d (%s): the validator's test mode is lost", i, preview(ex))
			}
		}
		// A 3-byte keyword must be followed by [A-Za-z0-9._-].
		for _, k := range p.Keywords {
			if len(k) != 3 {
				continue
			}
			if j := strings.Index(secret, k); j >= 0 && start+j+3 < len(ex) {
				c := ex[start+j+3]
				assert.True(t, isAlnumByte(c) || c == '.' || c == '_' || c == '-', "example %d: 3-byte keyword %q followed by %q", i, k, c)
			}
		}
		red := d.Redact(nil, []byte(ex))
		assert.False(t, bytes.Contains(red, []byte(secret)), "example %d (%s): the secret survives Redact", i, preview(ex))
	}
	for i, ne := range p.NonExamples {
		for _, f := range d.Scan([]byte(ne)) {
			assert.NotEqual(t, p.ID, f.PatternID, "non-example %d (%s): unexpected finding %v", i, preview(ne), f)
		}
	}
}

func TestSourcePatternVectors(t *testing.T) {
	checkGroup(t, "source", []string{
		"github-pat-classic", "github-oauth-token", "github-app-user-token", "github-app-installation-token",
		"github-refresh-token", "github-pat-fine-grained", "gitlab-pat", "gitlab-pat-routable",
		"gitlab-runner-token", "gitlab-other-token", "bitbucket-app-password", "atlassian-api-token",
		"atlassian-dc-pat", "npm-access-token", "npm-legacy-token", "pypi-upload-token", "rubygems-api-key",
		"nuget-api-key", "docker-hub-pat", "crates-io-token", "clojars-token", "artifactory-token",
		"sonarqube-token", "sentry-user-token", "sentry-org-token", "postman-api-key", "azure-devops-pat",
	}, groupRules{})
}

func TestCommsPatternVectors(t *testing.T) {
	checkGroup(t, "comms", []string{
		"slack-bot-token", "slack-user-token", "slack-app-token", "slack-webhook-url", "discord-bot-token",
		"discord-webhook-url", "telegram-bot-token", "twilio-api-key", "twilio-auth-token", "sendgrid-api-key",
		"mailgun-api-key", "mailchimp-api-key", "brevo-api-key", "microsoft-teams-webhook", "postmark-server-token",
	}, groupRules{})
}

func TestAIPatterns(t *testing.T) {
	checkGroup(t, "ai", []string{
		"openai-project-key", "openai-service-account-key", "openai-admin-key", "openai-legacy-user-key",
		"anthropic-api-key", "anthropic-admin-key", "huggingface-user-token", "huggingface-org-token",
		"google-api-key", "cohere-api-key", "mistral-api-key", "groq-api-key", "replicate-api-token",
		"perplexity-api-key", "xai-api-key", "deepseek-api-key", "openrouter-api-key", "together-api-key",
		"fireworks-api-key", "elevenlabs-api-key", "pinecone-api-key", "langsmith-api-key",
		"langfuse-secret-key", "nvidia-api-key", "cerebras-api-key", "tavily-api-key", "llamacloud-api-key",
		"weightsandbiases-api-key", "voyage-api-key", "stability-api-key", "assemblyai-api-key",
		"deepgram-api-key", "azure-openai-key",
	}, groupRules{singleLine: true, maxLenSet: true, contextual: true})
}

func TestCloudPatternVectors(t *testing.T) {
	checkGroup(t, "cloud", []string{
		"aws-access-key-id", "aws-temporary-access-key-id", "aws-secret-access-key", "aws-session-token",
		"aws-bedrock-api-key", "gcp-service-account-json", "gcp-oauth-client-secret", "google-oauth-access-token",
		"google-oauth-refresh-token", "azure-storage-connection-string", "azure-storage-account-key",
		"azure-sas-token", "azure-ad-client-secret", "azure-function-key", "azure-cask-key",
		"azure-service-bus-connection-string", "alibaba-access-key-id", "digitalocean-pat",
		"cloudflare-api-token", "heroku-api-key", "hashicorp-vault-token", "terraform-cloud-token",
		"databricks-token", "vercel-token", "supabase-token", "doppler-token",
		"grafana-service-account-token", "grafana-cloud-token", "tailscale-key",
	}, groupRules{})
}

// cryptoIDs are the patterns defined in crypto.go.
var cryptoIDs = []string{
	"ethereum-private-key", "bip39-mnemonic", "bitcoin-wif-private-key",
	"bip32-extended-private-key", "solana-private-key", "nostr-nsec",
	"ethereum-keystore-json", "monero-mnemonic", "exchange-api-secret",
	"age-secret-key",
}

func TestCryptoExamples(t *testing.T) {
	checkGroup(t, "crypto", cryptoIDs, groupRules{secretGroup: true})
}

// scanOne returns the findings of pattern id in text, scanned by the whole
// default catalog.
func scanOne(t *testing.T, id, text string) []detect.Finding {
	t.Helper()
	d, err := ctxDetector()
	require.NoError(t, err)
	var out []detect.Finding
	for _, f := range d.Scan([]byte(text)) {
		if f.PatternID == id {
			out = append(out, f)
		}
	}
	return out
}

// TestSecretSpans pins the secret span of context, connection string and
// wallet patterns, found by the whole default catalog: the value only,
// never the variable name, quotes or padding.
func TestSecretSpans(t *testing.T) {
	tests := []struct {
		id, text, want string
	}{
		{"aws-secret-access-key", `"SecretAccessKey": "` + patterns.CloudAWSSecret2 + `",`, patterns.CloudAWSSecret2},
		{"aws-session-token", "aws_session_token=" + patterns.CloudSession1 + "\n", patterns.CloudSession1},
		{"azure-storage-connection-string", "AccountName=acme01;AccountKey=" + patterns.CloudStorageLegacy + ";EndpointSuffix=core.windows.net", patterns.CloudStorageLegacy},
		{"azure-sas-token", "?sv=2024-08-04&sp=r&sig=" + patterns.URLEscape(patterns.CloudSASSig1) + "&foo=1", patterns.URLEscape(patterns.CloudSASSig1)},
		{"azure-service-bus-connection-string", "Endpoint=sb://a.servicebus.windows.net/;SharedAccessKeyName=x;SharedAccessKey=" + patterns.CloudSB1, patterns.CloudSB1},
		{"gcp-service-account-json", `{"type": "service_account", "private_key": "` + patterns.CloudGCPKey + `"}`, strings.TrimSuffix(patterns.CloudGCPKey, "\n")},
		{"heroku-api-key", "HEROKU_API_KEY=" + patterns.CloudHerokuUUID, patterns.CloudHerokuUUID},
		{"cloudflare-api-token", "X-Auth-Key: " + patterns.CloudCFGlobal, patterns.CloudCFGlobal},
		{"hashicorp-vault-token", "VAULT_TOKEN='" + patterns.CloudVaultLegacy + "'", patterns.CloudVaultLegacy},
		{"azure-function-key", "?code=" + patterns.CloudFunc1 + "&x=1", patterns.CloudFunc1},
		{"ethereum-private-key", "DEPLOYER_PRIVATE_KEY=0xd5cdfe700a7af02d9a514228bd34ad0c63621fdde9be7e9249fdcb9edfbd6907",
			"d5cdfe700a7af02d9a514228bd34ad0c63621fdde9be7e9249fdcb9edfbd6907"},
		{"bip39-mnemonic", `{"mnemonic": "home else rocket scatter click tuition gather uphold gorilla text minimum traffic", "n": 1}`,
			"home else rocket scatter click tuition gather uphold gorilla text minimum traffic"},
		{"bitcoin-wif-private-key", "$ bitcoin-cli -testnet dumpprivkey mzBc4XEFSdzCDcTxAgf6EZXgsZWpztRhef\n91uVfef4155v7bMxfFDPkcRb4cjb3mRNC1NickxqcXm7cNz2xvo\n",
			"91uVfef4155v7bMxfFDPkcRb4cjb3mRNC1NickxqcXm7cNz2xvo"},
		{"monero-mnemonic", "XMR_WALLET_SEED: aplomb dewdrop dwindling building duke adrenalin adjust eagle adept degrees cobra akin cuddled acoustic ascend aglow cedar drowning daily ankle aggravate auctions apply alchemy degrees\n",
			"aplomb dewdrop dwindling building duke adrenalin adjust eagle adept degrees cobra akin cuddled acoustic ascend aglow cedar drowning daily ankle aggravate auctions apply alchemy degrees"},
		{"exchange-api-secret", "BINANCE_API_SECRET='DhU4XgaOzyx7J3SdoVwgP4FmErxTM1cHho4PAAANvkYfQv9NomBbjl2y4y5qtO2o'",
			"DhU4XgaOzyx7J3SdoVwgP4FmErxTM1cHho4PAAANvkYfQv9NomBbjl2y4y5qtO2o"},
	}
	for _, tt := range tests {
		start := strings.Index(tt.text, tt.want)
		require.GreaterOrEqual(t, start, 0, "%s: case has no value", tt.id)
		fs := scanOne(t, tt.id, tt.text)
		if assert.Len(t, fs, 1, "%s in %s", tt.id, preview(tt.text)) {
			assert.True(t, fs[0].Start == start && fs[0].End == start+len(tt.want),
				"%s in %s: got span [%d,%d), want [%d,%d)", tt.id, preview(tt.text), fs[0].Start, fs[0].End, start, start+len(tt.want))
		}
	}
}

// TestCloudMeta checks the facts validators record, on the findings of the
// whole default catalog.
func TestCloudMeta(t *testing.T) {
	meta := func(id, text string) patterns.Meta {
		fs := scanOne(t, id, text)
		require.Len(t, fs, 1, "%s in %s", id, preview(text))
		return fs[0].Meta
	}
	assert.Equal(t, uint64(271828182845), meta("aws-access-key-id", "id="+patterns.CloudAKIA1).AWSAccountID, "aws-access-key-id account")
	assert.Equal(t, uint64(577215664901), meta("aws-temporary-access-key-id", "id="+patterns.CloudASIA2).AWSAccountID, "aws-temporary-access-key-id account")
	m := meta("aws-bedrock-api-key", "k="+patterns.CloudBedrockShort)
	assert.Equal(t, time.Date(2026, 6, 1, 8, 30, 0, 0, time.UTC).Unix(), m.IssuedAt, "bedrock issued")
	assert.Equal(t, m.IssuedAt+43200, m.ExpiresAt, "bedrock expiry")
	assert.True(t, meta("azure-storage-account-key", `"value": "`+patterns.CloudStorage1+`"`).Structured, "azure storage key structured")
	assert.True(t, meta("grafana-service-account-token", patterns.CloudGLSA1).Structured, "grafana token structured")
	assert.Equal(t, time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC).Unix(), meta("azure-cask-key", "k="+patterns.CloudCASK1).IssuedAt, "cask issued")
}
