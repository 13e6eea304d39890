package patterns_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestPaymentPatterns(t *testing.T) {
	checkGroup(t, "payment", []string{
		"stripe-secret-key", "stripe-restricted-key", "stripe-publishable-key", "stripe-webhook-secret",
		"square-access-token", "square-oauth-secret", "shopify-access-token", "shopify-shared-secret",
		"paystack-secret-key", "razorpay-key-secret", "flutterwave-secret-key", "plaid-access-token",
		"braintree-access-token",
	}, groupRules{singleLine: true, maxLenSet: true, contextual: true})
}

// TestStripePaystackSplit checks that an sk_live_ key gets exactly one of the
// two ids: Paystack with Paystack context, Stripe otherwise, in the
// findings of the whole default catalog.
func TestStripePaystackSplit(t *testing.T) {
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
		// Within paystackReach (110 bytes) of the host: Paystack.
		{`curl https://api.paystack.co/transaction/initialize -H "Content-Type: application/json" ` +
			`-H "Authorization: Bearer ` + key + `"`, "paystack-secret-key"},
		// Farther: neither Paystack alternative applies, so Stripe's shape wins.
		{`curl https://api.paystack.co/transaction/initialize -H "Content-Type: application/json" -H "X-Request-Id: 1234" ` +
			`--data '{"email": "customer@email.com", "amount": "20000"}' -H "Authorization: Bearer ` + key + `"`, "stripe-secret-key"},
	}
	for _, tt := range tests {
		var got []string
		for _, id := range []string{"stripe-secret-key", "paystack-secret-key"} {
			if len(scanOne(t, id, tt.text)) > 0 {
				got = append(got, id)
			}
		}
		assert.Equal(t, []string{tt.want}, got, "ids found in %s", preview(tt.text))
	}
}

// TestPaymentTestMarkers checks which findings of the whole default
// catalog are test-mode. The engine looks for TestMarkers in the whole
// match, so the Razorpay key id that precedes a secret marks it.
func TestPaymentTestMarkers(t *testing.T) {
	tests := []struct {
		id   string
		text string
		want bool
	}{
		{"stripe-secret-key", "STRIPE_SECRET_KEY=sk_test_" + "Rk3vQ9zL1mXc7TbN4pWs8YdA", true},
		{"stripe-secret-key", "STRIPE_SECRET_KEY=sk_live_" + "Rk3vQ9zL1mXc7TbN4pWs8YdA", false},
		{"flutterwave-secret-key", "FLW_SECRET_KEY=FLWSECK_TEST-" + "9a1f3c5e7b2d4f6a8c0e1b3d5f7a9c2e" + "-X", true},
		{"flutterwave-secret-key", "FLW_SECRET_KEY=FLWSECK-" + "9a1f3c5e7b2d4f6a8c0e1b3d5f7a9c2e" + "-X", false},
		{"plaid-access-token", "token=access-sandbox-" + "3f2a9c1e-7b4d-4e8f-9a0b-1c2d3e4f5a6b", true},
		{"plaid-access-token", "token=access-production-" + "3f2a9c1e-7b4d-4e8f-9a0b-1c2d3e4f5a6b", false},
		{"braintree-access-token", "t=access_token$sandbox$" + "k3v9q2zl1mxc7tbn" + "$" + "9a1f3c5e7b2d4f6a8c0e1b3d5f7a9c2e", true},
		{"razorpay-key-secret", "curl -u rzp_test_" + "Rk3vQ9zL1mXc7T" + ":" + "Zq4Lm8Rt2Vx6Nb0Pc3Hs7Jd1", true},
		{"razorpay-key-secret", "curl -u rzp_live_" + "Rk3vQ9zL1mXc7T" + ":" + "Zq4Lm8Rt2Vx6Nb0Pc3Hs7Jd1", false},
		{"paystack-secret-key", "PAYSTACK_SECRET_KEY=sk_test_" + "3f9a0c1b7e2d4a6b8c0d1e2f3a4b5c6d7e8f9a0b", true},
	}
	for _, tt := range tests {
		fs := scanOne(t, tt.id, tt.text)
		if !assert.Len(t, fs, 1, "%s findings in %s", tt.id, preview(tt.text)) {
			continue
		}
		assert.Equal(t, tt.want, fs[0].Test, "%s test mode in %s", tt.id, preview(tt.text))
	}
}
