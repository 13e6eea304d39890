package patterns

// paymentPatterns returns the built-in patterns of this catalog group:
// payment and commerce credentials.
//
// Stripe and Paystack secret keys share the sk_live_ / sk_test_ shape.
// paystack-secret-key matches only next to a Paystack context (a name that
// starts with paystack, or a Bearer header sent to api.paystack.co), and
// stripe-secret-key refuses a key preceded by that same context, so a key
// gets exactly one of the two ids whatever the engine does with overlaps.
func paymentPatterns() []Pattern {
	paystackKey := `sk_(?:live|test)_[A-Za-z0-9]{40}`
	paystackHost, paystackScheme := `api\.paystack\.co`, `Bearer\s+`
	// The host may be at most paystackReach bytes before the header, so that
	// the look-behind of stripe-secret-key (about paystackReach + 22 bytes)
	// stays within the engine's window before the sk_ keyword (MaxLen plus
	// a little slack).
	const paystackReach = 110
	paystackBefore := `(?<!` + aiAssignPrefix(`paystack`) + `|` +
		aiHostAuthPrefix(paystackHost, paystackScheme, paystackReach) + `)`
	uuid := `[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`
	return []Pattern{
		{
			ID:          "stripe-secret-key",
			Provider:    "Stripe",
			Description: "Stripe secret key (sk_live_ or sk_test_ + 24 to 128 alphanumerics); not when Paystack context precedes it",
			Grants:      PrivPayment,
			Severity:    SeverityCritical,
			Confidence:  ConfidenceDistinctive,
			Keywords:    []string{"sk_live_", "sk_test_"},
			Regex:       paystackBefore + aiTokenStart + `sk_(?:live|test)_[A-Za-z0-9]{24,128}` + aiTokenEnd,
			Validate:    rejectDocValue,
			MaxLen:      136,
			MinEntropy:  3.5,
			TestMarkers: []string{"_test_"},
			Examples: []string{
				`STRIPE_SECRET_KEY=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`,
				`stripe.api_key = "sk_test_vBGkZjPlOy6DbZtzsHmu5uhL"`,
				`curl https://api.stripe.com/v1/charges -u sk_live_PQ7qC1YEK74Bzxi0xXYCDxXP: -d amount=2000 -d currency=usd`,
			},
			NonExamples: []string{
				"Stripe.api_key = \"sk_test_BQokikJOvBiI2HlWgH4olfQ2\"",
				"const stripe = require(\"stripe\")('sk_test_26PHem9AhJZvU623DfE1x4sd');",
				`stripe.api_key = "sk_test_4eC39HqLyjWDarjtT1zdp7dc"`,
				`PAYSTACK_SECRET_KEY=sk_live_5a8acb271dc376c3313d2db4e4e3b3db9cbc9341`,
				`curl https://api.paystack.co/transaction/initialize -H "Authorization: Bearer sk_test_66fd6e5d8c871763971d9e950ff2c4817bebd35d"`,
				`STRIPE_SECRET_KEY=sk_live_pVkSNUO7Z91ljh4oigMm1Jw`,
				`STRIPE_SECRET_KEY=sk_live_••••••••4242`,
				`ask_live_ru26kQydXj0iukjE1sDqRVDkdSMuJB`,
			},
		},
		{
			ID:          "stripe-restricted-key",
			Provider:    "Stripe",
			Description: "Stripe restricted key (rk_live_ or rk_test_ + 24 to 128 alphanumerics)",
			Grants:      PrivPayment,
			Severity:    SeverityHigh,
			Confidence:  ConfidenceDistinctive,
			Keywords:    []string{"rk_live_", "rk_test_"},
			Regex:       aiTokenStart + `rk_(?:live|test)_[A-Za-z0-9]{24,128}` + aiTokenEnd,
			Validate:    rejectDocValue,
			MaxLen:      136,
			MinEntropy:  3.5,
			TestMarkers: []string{"_test_"},
			Examples: []string{
				`STRIPE_RESTRICTED_KEY=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`,
				`const stripe = require('stripe')('rk_test_2mBFsnKGEbDtZ1sx5O8U8CPYFDSJMDkw');`,
			},
			NonExamples: []string{
				`STRIPE_RESTRICTED_KEY=rk_live_9l89qW9gcnqW3HFdKmu2`,
				`STRIPE_RESTRICTED_KEY=rk_live_...`,
				`work_live_ibVHQGwcKbiZQ3Wmcahf93T9wlw6zJ`,
			},
		},
		{
			ID:          "stripe-publishable-key",
			Provider:    "Stripe",
			Description: "Stripe publishable key (pk_live_ or pk_test_); meant to be public, reported as an identifier",
			Grants:      PrivIdentifier,
			Severity:    SeverityInfo,
			Confidence:  ConfidenceDistinctive,
			Keywords:    []string{"pk_live_", "pk_test_"},
			Regex:       aiTokenStart + `pk_(?:live|test)_[A-Za-z0-9]{24,128}` + aiTokenEnd,
			Validate:    rejectDocValue,
			MaxLen:      136,
			MinEntropy:  3.5,
			TestMarkers: []string{"_test_"},
			Examples: []string{
				`const stripe = Stripe('pk_live_51P1cFWedF6MQghxFmt6syE3ukI5bRKTAJvJUynkIOgpaHjP4gR1JNA8vpkGO0UgOCP4j9UrzJUS53HkDNJFJs6QGXtTJWofixV');`,
				`NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY=pk_test_dCwreIhfWyEeEnc9Y0tlY3s9`,
			},
			NonExamples: []string{
				"const stripePromise = loadStripe(\"pk_test_TYooMQauvdEDq54NiTphI7jx\");",
				"<StripeProvider apiKey=\"pk_test_6pRNASCoBOKtIshFeQd4XMUh\">",
				`NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY=pk_test_atreUr8QlAIz`,
				`NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY=pk_test_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx`,
				`chunk_live_vpAnCDE44FXYZsBAtCp9zSnLqfnh4t`,
			},
		},
		{
			ID:          "stripe-webhook-secret",
			Provider:    "Stripe",
			Description: "Stripe webhook signing secret (whsec_ + 32 to 88 base64 characters; length unconfirmed; Svix-style webhook secrets share the prefix)",
			Grants:      PrivScoped,
			Severity:    SeverityMedium,
			Confidence:  ConfidenceDistinctive,
			Keywords:    []string{"whsec_"},
			// A URL path segment ('/' before it) ends at the next '/': a '/'
			// of the secret would be written %2F there.
			Regex: aiTokenStart + `(?:(?<=/)whsec_[A-Za-z0-9+]{32,88}={0,2}(?![A-Za-z0-9+=_-])` +
				`|whsec_[A-Za-z0-9+/]{32,88}={0,2}(?![A-Za-z0-9+/=_-]))`,
			MaxLen:     96,
			MinEntropy: 3.5,
			Uncertain:  true,
			Examples: []string{
				`STRIPE_WEBHOOK_SECRET=whsec_6BARz5r8ZvevS1rPPS81YLybuwILGIVN`,
				`> Ready! You are using Stripe API Version [2024-06-20]. Your webhook signing secret is whsec_57c7dc77d68770ea3d1cc9a58cfc7d03d7409c75c83a98581560d77b6a511805 (^C to quit)`,
			},
			NonExamples: []string{
				`STRIPE_WEBHOOK_SECRET=whsec_C9Um0I7NWqEfteDnNxoV`,
				`STRIPE_WEBHOOK_SECRET=whsec_...`,
				`STRIPE_WEBHOOK_SECRET=whsec_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx`,
			},
		},
		{
			ID:          "square-access-token",
			Provider:    "Square",
			Description: "Square access token (EAAA + 60, production and sandbox alike; older sq0atp- + 22)",
			Grants:      PrivPayment,
			Severity:    SeverityCritical,
			Confidence:  ConfidenceDistinctive,
			Keywords:    []string{"EAAA", "sq0atp-"},
			Regex:       `(?<![A-Za-z0-9_+-])(?:EAAA[A-Za-z0-9_-]{60}|sq0atp-[A-Za-z0-9_-]{22})(?![A-Za-z0-9_+=-])`,
			MaxLen:      64,
			MinEntropy:  3.5,
			Examples: []string{
				`SQUARE_ACCESS_TOKEN=EAAAqoCZdsVUeMW1NxvpJqJcpzi-3QePFZUC1Pxobl-nBpNCgRIPUGeKlPySnYy0`,
				`curl https://connect.squareup.com/v2/locations -H 'Square-Version: 2024-10-17' -H 'Authorization: Bearer EAAAJCosqrIvOq0OWLhY0Iyxk9TtyiaO2VzerOfjtPrBx4oaCBYWHjBrhCRTxglt'`,
				`square_token: sq0atp-NDVkbhLO0PKiqxILpYyCC2`,
			},
			NonExamples: []string{
				`SQUARE_ACCESS_TOKEN=EAAAn-4kFRsOJVydyOsEAc07-ZVw6f6k-UlFuxu6l5fW2wj22NFFBvZI8o-getk`,
				`"payload": "vTutlM49aeWqAE12EAAAk4wzphqW5C9LRxokBN-tQ6sFzWoUmq8m7K5TvLCxTTn2BNdeIEE3-OGmg3qkpCuPrBOIQFFVdQG1"`,
				`FACEBOOK_TOKEN=EAAGBHr_yuxad3SPV-R-7d-n-yP2oJA8lQTu6lEMCHtjdVbsfAIQaxJ-wHxbJf9S`,
				`SQUARE_ACCESS_TOKEN=sq0atp-Ec5u_H4apAGd6cycavJR1`,
			},
		},
		{
			ID:          "square-oauth-secret",
			Provider:    "Square",
			Description: "Square OAuth application secret (sq0csp- + 43)",
			Grants:      PrivScoped,
			Severity:    SeverityHigh,
			Confidence:  ConfidenceDistinctive,
			Keywords:    []string{"sq0csp-"},
			Regex:       aiTokenStart + `sq0csp-[A-Za-z0-9_-]{43}` + aiTokenEnd,
			MaxLen:      50,
			MinEntropy:  4.0,
			Examples: []string{
				`SQUARE_APPLICATION_SECRET=sq0csp-rJa7B4a_ayWRM8mVdTdmxRT3Z68DG3nIm_aQ915D2UF`,
				`{"client_id": "sq0idp-Q6C9XMD_ZxEG9yhhUgZGYG", "client_secret": "sq0csp-ETJHLDa0RlZJW_6MbFQZSXKoqtkyzqtvtrxFEeO-GAn"}`,
			},
			NonExamples: []string{
				`SQUARE_APPLICATION_SECRET=sq0csp-4Yv7YpbbuHsBsTGdeTgDu1e8TQGv998h2s3i9Ffeie`,
				`SQUARE_APPLICATION_ID=sq0idp-wKpwtDDzarWgdNnOnHClrGebDspRPBUr0auXRUNYSYt`,
				`SQUARE_APPLICATION_SECRET=sq0csp-****`,
			},
		},
		{
			ID:          "shopify-access-token",
			Provider:    "Shopify",
			Description: "Shopify Admin API access token (shpat_, shpca_ or shppa_ + 32 hex)",
			Grants:      PrivAdmin,
			Severity:    SeverityCritical,
			Confidence:  ConfidenceDistinctive,
			Keywords:    []string{"shpat_", "shpca_", "shppa_"},
			Regex:       aiTokenStart + `shp(?:at|ca|pa)_[a-fA-F0-9]{32}` + aiTokenEnd,
			MaxLen:      38,
			MinEntropy:  3.0,
			Examples: []string{
				`SHOPIFY_ACCESS_TOKEN=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`,
				`curl -X GET "https://acme-store.myshopify.com/admin/api/2024-10/orders.json" -H "X-Shopify-Access-Token: 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"`,
				`{"shop": "acme-store", "token": "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"}`,
			},
			NonExamples: []string{
				`SHOPIFY_ACCESS_TOKEN=shpat_c43991e9790e5cc9d188757115844cd`,
				`SHOPIFY_ACCESS_TOKEN=shpat_nkv7cNcRqugfLutKlJxq8bkFl9q9GuInX`,
				`SHOPIFY_ACCESS_TOKEN=shpat_********************************`,
			},
		},
		{
			ID:          "shopify-shared-secret",
			Provider:    "Shopify",
			Description: "Shopify app shared secret (shpss_ + 32 hex): signs webhooks and OAuth exchanges",
			Grants:      PrivScoped,
			Severity:    SeverityHigh,
			Confidence:  ConfidenceDistinctive,
			Keywords:    []string{"shpss_"},
			Regex:       aiTokenStart + `shpss_[a-fA-F0-9]{32}` + aiTokenEnd,
			MaxLen:      38,
			MinEntropy:  3.0,
			Examples: []string{
				`SHOPIFY_API_SECRET=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`,
				`  api_secret_key: "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" # shopify.app.toml`,
			},
			NonExamples: []string{
				`SHOPIFY_API_SECRET=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1`,
				`SHOPIFY_API_SECRET=shpss_<secret>`,
				`SHOPIFY_API_KEY=53049a6cbda428b42fefcbd726ebc086`,
			},
		},
		{
			ID:       "paystack-secret-key",
			Provider: "Paystack",
			Description: "Paystack secret key (sk_live_ or sk_test_ + 40), recognised only next to a paystack name or a " +
				"request to api.paystack.co, since Stripe keys share the shape",
			Grants:           PrivPayment,
			Severity:         SeverityCritical,
			Confidence:       ConfidenceContextual,
			Keywords:         []string{"paystack"},
			KeywordsFoldCase: true,
			Regex:            aiAssign(`paystack`, paystackKey) + `|` + aiHostAuthWithin(paystackHost, paystackScheme, paystackKey, paystackReach),
			MaxLen:           300,
			Validate:         checkLetterAndDigit(len("sk_live_")),
			MinEntropy:       3.2,
			NeedsContext:     true,
			TestMarkers:      []string{"_test_"},
			Examples: []string{
				`PAYSTACK_SECRET_KEY=sk_live_b0280642fe904c592c05201fa54d82df1f275c93`,
				`curl https://api.paystack.co/transaction/initialize -H "Authorization: Bearer sk_test_56d1d1b629cc86c0a718a6059a23772f67fa938f" -H "Content-Type: application/json"`,
				`const paystack = require('paystack')('sk_live_64fTpvY0kLU0aenCUpNLIdL538MlkSXLQeo9VI2Z');`,
			},
			NonExamples: []string{
				`STRIPE_SECRET_KEY=sk_live_d1dadf2fa66dccffa640f6f62cf6f7e18ac9c3da`,
				`PAYSTACK_PUBLIC_KEY=pk_live_ee5795979ae03c572c428180ff114393e6a77d1e`,
				`PAYSTACK_SECRET_KEY=sk_live_ade7d4343be769a4236b46bbb63c8eacd89dac7`,
			},
		},
		{
			ID:       "razorpay-key-secret",
			Provider: "Razorpay",
			Description: "Razorpay key secret (24 alphanumerics), recognised next to a razorpay name or right after its " +
				"rzp_live_/rzp_test_ key id; the key id itself is an identifier",
			Grants:           PrivPayment,
			Severity:         SeverityCritical,
			Confidence:       ConfidenceContextual,
			Keywords:         []string{"razorpay", "rzp_live_", "rzp_test_"},
			KeywordsFoldCase: true,
			Regex: aiAssign(`razorpay`, `[A-Za-z0-9]{24}`) + `|` +
				`rzp_(?:live|test)_[A-Za-z0-9]{14}["']?[ \t]*[,:][ \t]*["']?(?<secret>[A-Za-z0-9]{24})(?![A-Za-z0-9])|` +
				`rzp_(?:live|test)_[A-Za-z0-9]{14}[\s\S]{0,160}?(?i:secret)[\w-]{0,12}["'\]]{0,3}[ \t]*(?::=|=>|[:=])[ \t]*["'` + "`" + `]?` +
				`(?<secret>[A-Za-z0-9]{24})(?![A-Za-z0-9])`,
			MaxLen:       300,
			Validate:     checkLetterAndDigit(0),
			MinEntropy:   3.5,
			NeedsContext: true,
			// The secret itself carries no test marker; rzp_test_ marks the
			// key id that precedes it in the match.
			TestMarkers: []string{"rzp_test_"},
			Examples: []string{
				`RAZORPAY_KEY_SECRET=o6VONcE5pxnti2fwLT2xn9ZZ`,
				`client = razorpay.Client(auth=("rzp_live_pdNZjVI7PrEnb0", "r0tnKjEmCGd8qcgTG5GDOTaK"))`,
				`const instance = new Razorpay({ key_id: 'rzp_test_5kHnD8O1GmrgW9', key_secret: '0fT74jR7BK03L89ihqnbY90d' });`,
				`curl -u rzp_test_KdeWvkO2VhQxF7:8lw9q1LT1fBvepfcrViv70Ld https://api.razorpay.com/v1/orders`,
			},
			NonExamples: []string{
				`RAZORPAY_KEY_ID=rzp_live_6tlpBAZEswuZwJ`,
				`RAZORPAY_KEY_SECRET=Qzc5Mvlo7FCvOcexwtzg6wz`,
				`key_secret: "FXHHMvDdjDG8QYBdL5xuydMP"`,
			},
		},
		{
			ID:          "flutterwave-secret-key",
			Provider:    "Flutterwave",
			Description: "Flutterwave secret key (FLWSECK- or FLWSECK_TEST- + 32 hex + -X) or test encryption key (FLWSECK_TEST + 12 hex)",
			Grants:      PrivPayment,
			Severity:    SeverityCritical,
			Confidence:  ConfidenceDistinctive,
			Keywords:    []string{"FLWSECK"},
			Regex:       aiTokenStart + `(?:FLWSECK(?:_TEST)?-[0-9a-fA-F]{32}-X|FLWSECK_TEST[0-9a-fA-F]{12})` + aiTokenEnd,
			MaxLen:      47,
			MinEntropy:  3.0,
			TestMarkers: []string{"FLWSECK_TEST"},
			Examples: []string{
				`FLW_SECRET_KEY=FLWSECK-eae46e60e1ee627df5d7c817ca4efce7-X`,
				`FLW_SECRET_KEY="FLWSECK_TEST-50fdd84587424f9896851c4f4492bef5-X"`,
				`FLW_ENCRYPTION_KEY=FLWSECK_TEST0e186a6b802f`,
			},
			NonExamples: []string{
				`FLW_PUBLIC_KEY=FLWPUBK-bb87bc8b762791466168435f46def609-X`,
				`FLW_SECRET_KEY=FLWSECK-98f4cbcab07f6d1348fd09bd5c682d5-X`,
				`FLW_SECRET_KEY=FLWSECK-c5f4fd0662aefd65e26b3872594d65d1`,
			},
		},
		{
			ID:          "plaid-access-token",
			Provider:    "Plaid",
			Description: "Plaid Item access token (access-sandbox-, access-development- or access-production- + UUID)",
			Grants:      PrivReadOnly,
			Severity:    SeverityHigh,
			Confidence:  ConfidenceDistinctive,
			Keywords:    []string{"access-sandbox-", "access-development-", "access-production-"},
			Regex:       aiTokenStart + `access-(?:sandbox|development|production)-` + uuid + aiTokenEnd,
			MaxLen:      54,
			MinEntropy:  3.0,
			TestMarkers: []string{"access-sandbox-"},
			Examples: []string{
				`PLAID_ACCESS_TOKEN=access-production-1e2815be-d946-fe77-d180-eb0b18500433`,
				`{"access_token": "access-sandbox-2276bb02-ea51-ec72-9469-7ad5e898a020", "item_id": "yXKMYrVIFVLoDcp8zhL0MelhjE8TwmT8yWhio", "request_id": "mq6SLBj4cuQLXTA"}`,
			},
			NonExamples: []string{
				`{"public_token": "public-sandbox-92b9e51e-7828-24f4-bd41-caaad6e17d77"}`,
				`PLAID_ACCESS_TOKEN=access-production-c014bd02-cca1-325b-3537b9903e14`,
				`{"link_token": "link-production-1c5ec834-adc6-f291-7e9a-bd1d6c23b54a"}`,
			},
		},
		{
			ID:          "braintree-access-token",
			Provider:    "PayPal Braintree",
			Description: "PayPal Braintree access token (access_token$production$ or access_token$sandbox$ + merchant id + $ + 32 hex)",
			Grants:      PrivPayment,
			Severity:    SeverityCritical,
			Confidence:  ConfidenceDistinctive,
			Keywords:    []string{"access_token$production$", "access_token$sandbox$", "access_token%24"},
			Regex: `(?<![A-Za-z0-9_])access_token\$(?:production|sandbox)\$[a-z0-9]{16}\$[0-9a-f]{32}(?![A-Za-z0-9])` +
				`|(?<![A-Za-z0-9_])access_token%24(?:production|sandbox)%24[a-z0-9]{16}%24[0-9a-f]{32}(?![A-Za-z0-9])`,
			MaxLen:      73,
			MinEntropy:  3.0,
			TestMarkers: []string{"$sandbox$"},
			Examples: []string{
				`BRAINTREE_ACCESS_TOKEN=access_token$production$kclcu8gh50b1mcm4$ba9af8e9b488a1004439f7bb4de746ba`,
				`gateway = Braintree::Gateway.new(access_token: 'access_token$sandbox$6ew9bsvs3o08ngt6$ab2898f772b72f6feb0e0e24302279ac')`,
			},
			NonExamples: []string{
				`BRAINTREE_ACCESS_TOKEN=access_token$production$grdezo6k665kk1y$b58d88e2486a42fe38b9cc08e2f365c9`,
				`BRAINTREE_ACCESS_TOKEN=access_token$production$36nhzmen7uuk5m8g`,
				`access_token=$c6ee89a94a52fd0ea4751fcfeee91492`,
			},
		},
	}
}
