package patterns_test

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leakward/leakward/detect"
	"github.com/leakward/leakward/patterns"
)

// catalogIDs are the ids of the reference catalog, which the built-in set
// must cover one for one.
var catalogIDs = []string{
	"openai-project-key",
	"openai-service-account-key",
	"openai-admin-key",
	"openai-legacy-user-key",
	"anthropic-api-key",
	"anthropic-admin-key",
	"huggingface-user-token",
	"huggingface-org-token",
	"google-api-key",
	"cohere-api-key",
	"mistral-api-key",
	"groq-api-key",
	"replicate-api-token",
	"perplexity-api-key",
	"xai-api-key",
	"deepseek-api-key",
	"openrouter-api-key",
	"together-api-key",
	"fireworks-api-key",
	"elevenlabs-api-key",
	"pinecone-api-key",
	"langsmith-api-key",
	"langfuse-secret-key",
	"nvidia-api-key",
	"cerebras-api-key",
	"tavily-api-key",
	"llamacloud-api-key",
	"weightsandbiases-api-key",
	"voyage-api-key",
	"stability-api-key",
	"assemblyai-api-key",
	"deepgram-api-key",
	"azure-openai-key",
	"aws-access-key-id",
	"aws-temporary-access-key-id",
	"aws-secret-access-key",
	"aws-session-token",
	"aws-bedrock-api-key",
	"gcp-service-account-json",
	"gcp-oauth-client-secret",
	"google-oauth-access-token",
	"google-oauth-refresh-token",
	"azure-storage-account-key",
	"azure-storage-connection-string",
	"azure-sas-token",
	"azure-ad-client-secret",
	"azure-function-key",
	"azure-cask-key",
	"azure-service-bus-connection-string",
	"alibaba-access-key-id",
	"digitalocean-pat",
	"cloudflare-api-token",
	"heroku-api-key",
	"hashicorp-vault-token",
	"terraform-cloud-token",
	"databricks-token",
	"vercel-token",
	"supabase-token",
	"doppler-token",
	"grafana-service-account-token",
	"grafana-cloud-token",
	"tailscale-key",
	"github-pat-classic",
	"github-oauth-token",
	"github-app-user-token",
	"github-app-installation-token",
	"github-refresh-token",
	"github-pat-fine-grained",
	"gitlab-pat",
	"gitlab-pat-routable",
	"gitlab-runner-token",
	"gitlab-other-token",
	"bitbucket-app-password",
	"atlassian-api-token",
	"atlassian-dc-pat",
	"npm-access-token",
	"npm-legacy-token",
	"pypi-upload-token",
	"rubygems-api-key",
	"nuget-api-key",
	"docker-hub-pat",
	"crates-io-token",
	"clojars-token",
	"artifactory-token",
	"sonarqube-token",
	"sentry-user-token",
	"sentry-org-token",
	"postman-api-key",
	"azure-devops-pat",
	"stripe-secret-key",
	"stripe-restricted-key",
	"stripe-publishable-key",
	"stripe-webhook-secret",
	"square-access-token",
	"square-oauth-secret",
	"shopify-access-token",
	"shopify-shared-secret",
	"paystack-secret-key",
	"razorpay-key-secret",
	"flutterwave-secret-key",
	"plaid-access-token",
	"braintree-access-token",
	"slack-bot-token",
	"slack-user-token",
	"slack-app-token",
	"slack-webhook-url",
	"discord-bot-token",
	"discord-webhook-url",
	"telegram-bot-token",
	"twilio-api-key",
	"twilio-auth-token",
	"sendgrid-api-key",
	"mailgun-api-key",
	"mailchimp-api-key",
	"brevo-api-key",
	"microsoft-teams-webhook",
	"postmark-server-token",
	"postgres-uri",
	"mysql-uri",
	"mongodb-uri",
	"redis-uri",
	"amqp-uri",
	"jdbc-url-password",
	"sqlserver-connection-string",
	"planetscale-credential",
	"neon-api-key",
	"jwt",
	"pem-private-key",
	"openssh-private-key",
	"pgp-private-key",
	"putty-private-key",
	"password-assignment",
	"basic-auth-url",
	"authorization-basic-header",
	"authorization-bearer-header",
	"generic-high-entropy-secret",
	"age-secret-key",
	"kubernetes-secret-manifest",
	"ethereum-private-key",
	"bip39-mnemonic",
	"bitcoin-wif-private-key",
	"bip32-extended-private-key",
	"solana-private-key",
	"nostr-nsec",
	"ethereum-keystore-json",
	"monero-mnemonic",
	"exchange-api-secret",
}

func TestCatalogCoversReference(t *testing.T) {
	have := map[string]bool{}
	for _, p := range patterns.Default() {
		have[p.ID] = true
	}
	var missing []string
	for _, id := range catalogIDs {
		if !have[id] {
			missing = append(missing, id)
		}
	}
	assert.Empty(t, missing, "catalog ids without a built-in pattern")
}

var idShape = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// preview names a test input without printing the secret it holds.
func preview(s string) string { return detect.Preview([]byte(s)) }

// TestCatalog runs every built-in pattern's examples through a detector
// built from the whole default set: each example yields a finding of the
// pattern, each non-example none.
func TestCatalog(t *testing.T) {
	ps := patterns.Default()
	d, err := detect.New(ps)
	require.NoError(t, err)
	seen := map[string]bool{}
	for _, p := range ps {
		t.Run(p.ID, func(t *testing.T) {
			assert.Regexp(t, idShape, p.ID, "id shape")
			assert.False(t, seen[p.ID], "duplicate id")
			seen[p.ID] = true
			assert.NotEmpty(t, p.Provider, "provider")
			assert.NotEmpty(t, p.Grants, "grants")
			assert.NotEmpty(t, p.Examples, "true-positive examples")
			assert.NotEmpty(t, p.NonExamples, "false-positive examples")
			for i, ex := range p.Examples {
				hasKeyword := false
				for _, k := range p.Keywords {
					if p.KeywordsFoldCase && bytes.Contains(bytes.ToLower([]byte(ex)), bytes.ToLower([]byte(k))) ||
						!p.KeywordsFoldCase && bytes.Contains([]byte(ex), []byte(k)) {
						hasKeyword = true
					}
				}
				assert.True(t, hasKeyword, "example %d (%s) holds none of the keywords", i, preview(ex))
				start, end, ok := p.ExampleSpan(i)
				if !assert.True(t, ok, "example %d (%s): declared secret not in the text", i, preview(ex)) {
					continue
				}
				fs := d.Scan([]byte(ex))
				_, found := findingAt(fs, p.ID, start, end)
				assert.True(t, found, "example %d (%s): got findings %v, want %s at [%d,%d)", i, preview(ex), fs, p.ID, start, end)
				red := d.Redact(nil, []byte(ex))
				assert.False(t, bytes.Contains(red, []byte(ex[start:end])), "example %d (%s): the secret survives Redact", i, preview(ex))
			}
			assert.LessOrEqual(t, len(p.ExampleSecrets), len(p.Examples), "declared secrets beyond the examples")
			for i, sec := range p.ExampleSecrets {
				if sec == "" || i >= len(p.Examples) {
					continue
				}
				q := p
				q.ExampleSecrets = nil
				ds, de, _ := p.ExampleSpan(i)
				rs, re, _ := q.ExampleSpan(i)
				assert.False(t, ds == rs && de == re, "example %d: declared secret is the longest token already", i)
			}
			for i, ex := range p.NonExamples {
				for _, f := range d.Scan([]byte(ex)) {
					assert.NotEqual(t, p.ID, f.PatternID, "non-example %d (%s): unexpected finding %v", i, preview(ex), f)
				}
			}
		})
	}
}

func TestIDShaped(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"github-pat-classic", true},
		{"aws-access-key-id", true},
		{"a", true},
		{"x9", true},
		{"", false},
		{"-a", false},
		{"a-", false},
		{"a--b", false},
		{"A", false},
		{"a_b", false},
		{"a b", false},
		{"ghp_0123456789", false},
		{strings.Repeat("a", patterns.MaxIDLen), true},
		{strings.Repeat("a", patterns.MaxIDLen+1), false},
	} {
		got := patterns.IDShaped(tc.in)
		assert.Equal(t, tc.want, got, "patterns.IDShaped(%q)", tc.in)
	}
	for _, p := range patterns.Default() {
		assert.True(t, patterns.IDShaped(p.ID), "catalog id %q is not id-shaped", p.ID)
	}
}
