package patterns

import (
	"testing"
	"time"

	"github.com/dlclark/regexp2/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPaymentPatterns(t *testing.T) {
	aiCheckGroup(t, paymentPatterns(), []string{
		"stripe-secret-key", "stripe-restricted-key", "stripe-publishable-key", "stripe-webhook-secret",
		"square-access-token", "square-oauth-secret", "shopify-access-token", "shopify-shared-secret",
		"paystack-secret-key", "razorpay-key-secret", "flutterwave-secret-key", "plaid-access-token",
		"braintree-access-token",
	})
}

// TestStripePaystackSplit checks that an sk_live_ key gets exactly one of the
// two ids: Paystack with Paystack context, Stripe otherwise.
func TestStripePaystackSplit(t *testing.T) {
	byID := map[string]Pattern{}
	for _, p := range paymentPatterns() {
		byID[p.ID] = p
	}
	key := "sk_live_" + "3f9a0c1b7e2d4a6b8c0d1e2f3a4b5c6d7e8f9a0b"
	tests := []struct {
		text string
		want string
	}{
		{"PAYSTACK_SECRET_KEY=" + key, "paystack-secret-key"},
		{"paystack.secret: '" + key + "'", "paystack-secret-key"},
		{`curl https://api.paystack.co/bank -H "Authorization: Bearer ` + key + `"`, "paystack-secret-key"},
		{"STRIPE_SECRET_KEY=" + key, "stripe-secret-key"},
		{"SECRET_KEY=" + key + " # paystack", "stripe-secret-key"},
	}
	for _, tt := range tests {
		var got []string
		for _, id := range []string{"stripe-secret-key", "paystack-secret-key"} {
			p := byID[id]
			re, err := regexp2.Compile(p.Regex)
			require.NoError(t, err, "Regex of %s", id)
			re.MatchTimeout = time.Second
			if secrets, _ := aiGroupFindings(t, p, re, tt.text); len(secrets) > 0 {
				got = append(got, id)
			}
		}
		assert.Equal(t, []string{tt.want}, got, "ids found in %q", aiRedactExample(tt.text))
	}
}
