package patterns

// commsPatterns returns the built-in patterns of this catalog group.
func commsPatterns() []Pattern {
	return []Pattern{
		{
			ID:          "slack-bot-token",
			Provider:    "Slack",
			Description: "Slack bot token",
			Grants:      PrivMessaging,
			Severity:    SeverityHigh,
			Confidence:  ConfidenceDistinctive,
			Keywords:    []string{"xoxb-"},
			Regex:       srcBefore + `xoxb-[0-9]{10,13}-[0-9]{10,13}-[A-Za-z0-9]{20,34}` + srcAfter,
			Validate:    rejectDocValue,
			MaxLen:      67,
			MinEntropy:  3.0,
			Examples: []string{
				"SLACK_BOT_TOKEN=xoxb-6540662979048-6781988187816-I4pmF6jMXWCiTJCN6iOPSY1m\n",
				`curl -X POST -H "Authorization: Bearer xoxb-1021463695786-3740925983781-of4K22ZnV3UDRVflfyVpEswj" -d channel=C024BE91L https://slack.com/api/chat.postMessage`,
			},
			NonExamples: []string{
				`{"ok": true, "access_token": "xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy", "token_type": "bot"}`,
				"SLACK_BOT_TOKEN=xoxb-6540662979048-6781988187816-I4pmF6jM", // truncated
				"SLACK_BOT_TOKEN=xoxb-xxxxxxxxxx-xxxxxxxxxx-xxxxxxxxxxxxxxxxxxxxxxxx",
				"SLACK_BOT_TOKEN=xoxb-your-bot-token",
			},
		},
		{
			ID:          "slack-user-token",
			Provider:    "Slack",
			Description: "Slack user, configuration, refresh, legacy or browser session token",
			Grants:      PrivFullAccount,
			Severity:    SeverityCritical,
			Confidence:  ConfidenceDistinctive,
			Keywords:    []string{"xoxp-", "xoxe-", "xoxe.", "xoxa-", "xoxr-", "xoxo-", "xoxs-", "xoxc-", "xoxd-"},
			Regex: `(?<![A-Za-z0-9_.-])(?:xoxp(?:-[0-9]{10,13}){3}-[A-Za-z0-9]{28,34}` +
				`|xoxe\.xox[bp]-[0-9]-[A-Za-z0-9]{163,166}` +
				`|xoxe-[0-9]-[A-Za-z0-9]{146}` +
				`|xox[os]-[0-9]{6,13}-[0-9]{6,13}-[0-9]{6,13}-[a-fA-F0-9]{10,64}` +
				`|xox[ar]-(?:[0-9]-)?[0-9A-Za-z][0-9A-Za-z-]{19,160}` +
				`|xoxc-(?:[0-9]{10,13}-){3}[a-f0-9]{64}` +
				`|xoxd-[A-Za-z0-9%/+=_-]{40,400})` + srcAfter,
			MaxLen:     410,
			MinEntropy: 3.0,
			Examples: []string{
				"SLACK_USER_TOKEN=xoxp-283108024824-850782248961-283800775289-789cba96e52d2e475b69299c46d6f4aa\n",
				`client = WebClient(token="xoxp-157716905816-742690887019-333497106596-943214f37f80bdc798ae30ccfe465e4f")`,
				"slack_config_token: xoxe.xoxp-1-Mi0yLTM0MTQwNDE0MDE3Ni0zNjU5NDY0Njg4MTctNTE4MjA3NTQ5NjA4MC01NDEyOTYyODY5NzUxLThhMTBjZmI1ZWIzMGIwNTg0ZDdmMDI5Y2UxNzVlZWVhYzU2ZWQyZTZiODNjNDZiMGUxMzRlNmNjNDEwYmQxMjQ",
			},
			NonExamples: []string{
				"SLACK_USER_TOKEN=xoxp-283108024824-850782248961-283800775289", // truncated
				"SLACK_USER_TOKEN=xoxp-XXXXXXXXXXXX-XXXXXXXXXXXX-XXXXXXXXXXXX-XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
				"https://indieweb.org/images/3/35/2018-250-xoxo-indieweb-1.jpg",
				"xoxe.xoxp-1-RANDOMSTRINGHERE",
			},
		},
		{
			ID:          "slack-app-token",
			Provider:    "Slack",
			Description: "Slack app-level token",
			Grants:      PrivScoped,
			Severity:    SeverityMedium,
			Confidence:  ConfidenceDistinctive,
			Keywords:    []string{"xapp-"},
			Regex:       srcBefore + `xapp-[0-9]-A[A-Z0-9]{8,12}-[0-9]{10,13}-[a-f0-9]{64}` + srcAfter,
			MaxLen:      100,
			MinEntropy:  3.0,
			Examples: []string{
				"SLACK_APP_TOKEN=xapp-1-AUAIUNB18CE-2098017252317-6d553815ab6a9fb6d52dd9ddfccedc11ec19d863a47724ed63e0cbbc0bd7b4ee\n",
				`app = App(token=bot_token); SocketModeHandler(app, "xapp-1-AZEDXCR5U54-8982685337415-16b12ae38071e84c1d49f01bd8257451c92915c747e32737f7b054c04d561755").start()`,
			},
			NonExamples: []string{
				"SLACK_APP_TOKEN=xapp-1-AUAIUNB18CE-2098017252317-6d553815ab6a9fb6", // truncated
				"SLACK_APP_TOKEN=xapp-1-A0000000000-0000000000000-<hex>",
			},
		},
		{
			ID:          "slack-webhook-url",
			Provider:    "Slack",
			Description: "Slack incoming webhook, workflow or trigger URL",
			Grants:      PrivMessaging,
			Severity:    SeverityMedium,
			Confidence:  ConfidenceDistinctive,
			Keywords:    []string{"hooks.slack.com/"},
			Regex: `https?://hooks\.slack\.com/(?:services/T[A-Z0-9]{8,11}/B[A-Z0-9]{8,11}/[A-Za-z0-9]{24}` +
				`|workflows/T[A-Z0-9]{8,11}/A[A-Z0-9]{8,11}/[0-9]{17,19}/[A-Za-z0-9]{24}` +
				`|triggers/T[A-Z0-9]{8,11}/[0-9]{8,19}/[a-f0-9]{32})` + srcAfter,
			MaxLen:     130,
			MinEntropy: 3.5,
			Examples: []string{
				"SLACK_WEBHOOK_URL=https://hooks.slack.com/services/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\n",
				`curl -X POST -H 'Content-type: application/json' --data '{"text":"deploy done"}' https://hooks.slack.com/services/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`,
			},
			NonExamples: []string{
				"https://hooks.slack.com/services/TMG4LGKQZGN/B8J7RRHEBMM/tqywaClocBX", // truncated
				"https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
				"see https://hooks.slack.com/ for incoming webhooks",
			},
		},
		{
			ID:          "discord-bot-token",
			Provider:    "Discord",
			Description: "Discord bot token",
			Grants:      PrivFullAccount,
			Severity:    SeverityHigh,
			Confidence:  ConfidenceDistinctive,
			// The token has no fixed literal: it is taken after the word
			// "discord" (a variable name, a config key, an import) within
			// 80 bytes, or after "Bot " as in an Authorization header.
			Keywords:         []string{"discord", "Bot M", "Bot N", "Bot O"},
			KeywordsFoldCase: true,
			NeedsContext:     true,
			Regex: `(?i:discord)[\s\S]{0,80}?(?<![A-Za-z0-9_-])(?<secret>[MNO][A-Za-z0-9_-]{23,25}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,38})` + srcAfterB64U +
				`|\b[Bb][Oo][Tt] (?<secret>[MNO][A-Za-z0-9_-]{23,25}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,38})` + srcAfterB64U,
			MaxLen:   170,
			Validate: ValidateDiscordBotToken,
			Examples: []string{
				"DISCORD_TOKEN=MzY0MjE5MDMxNjA1NjUxOTUw.fsWVxy.V5hMVWsJQ0Mi5hWx3U7kPokXWUdG7JHlUo9quD\n",
				`curl -H "Authorization: Bot NjQ0NjAxOTU0NjI4NjE5NDc0.dO0MIL.a6tiBJipQ_hMWyLbmAtDdCVOn2nr_D1rv90cZK" https://discord.com/api/v10/users/@me`,
				"import discord\nclient = discord.Client(intents=intents)\nclient.run('Mjk0OTQ3OTg4MDI2MjY5MTgy.pzqMkx.9FzpCqStnGoMyiSRWPV8ZkdWlmSh_TKpv-0nlK')",
			},
			NonExamples: []string{
				// part 1 decodes to letters, not a numeric id
				"DISCORD_TOKEN=TWFueUxldHRlcnNIZXJlQUJDRA.fsWVxy.V5hMVWsJQ0Mi5hWx3U7kPokXWUdG7JHlUo9quD",
				// no discord context
				"session=MzY0MjE5MDMxNjA1NjUxOTUw.fsWVxy.V5hMVWsJQ0Mi5hWx3U7kPokXWUdG7JHlUo9quD",
				"DISCORD_TOKEN=MzY0MjE5MDMxNjA1NjUxOTUw.fsWVxy.V5hMVWsJ", // truncated
			},
		},
		{
			ID:          "discord-webhook-url",
			Provider:    "Discord",
			Description: "Discord webhook URL",
			Grants:      PrivMessaging,
			Severity:    SeverityMedium,
			Confidence:  ConfidenceDistinctive,
			Keywords:    []string{"discord.com/api/", "discordapp.com/api/"},
			Regex: `https://(?:(?:ptb|canary)\.)?discord(?:app)?\.com/api/(?:v[0-9]{1,2}/)?webhooks/[0-9]{17,20}/[A-Za-z0-9_-]{60,70}` +
				srcAfterB64U,
			MaxLen:     140,
			MinEntropy: 3.5,
			Examples: []string{
				"DISCORD_WEBHOOK=https://discord.com/api/webhooks/143039790231922599/SNxow2FXs_m6yVcemNEGb4MGuM4sMmGdyrix6FOXEt0lOeO7yPFe-2ZssgvrC96lVH77\n",
				`requests.post("https://discordapp.com/api/webhooks/537817755450142806/AQhsYK8EUNoj8C2XhDYA_XjCK-Cq5QyhVHEYhuK54-dT9h8_fkcfg62BZnRKQcrsj7x3", json={"content": "build failed"})`,
			},
			NonExamples: []string{
				"https://discord.com/api/webhooks/143039790231922599/SNxow2FXs_m6yVcemNEGb4MGuM4sM", // truncated
				"https://discord.com/api/webhooks/{webhook.id}/{webhook.token}",
				"https://discord.com/api/v10/channels/143039790231922599/messages",
			},
		},
		{
			ID:          "telegram-bot-token",
			Provider:    "Telegram",
			Description: "Telegram bot token",
			Grants:      PrivFullAccount,
			Severity:    SeverityHigh,
			Confidence:  ConfidenceDistinctive,
			// ":AA" joins the numeric bot id to the secret in every token.
			Keywords:   []string{":AA"},
			Regex:      `(?:(?<=bot)|(?<![A-Za-z0-9_:-])|(?<=[A-Za-z_-]:))[0-9]{8,10}:AA[A-Za-z0-9_-]{33}` + srcAfterB64U,
			MaxLen:     46,
			MinEntropy: 3.5,
			Examples: []string{
				"TELEGRAM_BOT_TOKEN=5836816157:AAvmeC8cRHp2qoCuEnVeT4Ki0f3Wsv_mSHV\n",
				"curl -s https://api.telegram.org/bot8540345703:AA4ulp3w_fRJ74TaoloxA83H1fpcoFJiVjy/sendMessage -d chat_id=42 -d text=hi",
			},
			NonExamples: []string{
				"TELEGRAM_BOT_TOKEN=5836816157:AAvmeC8cRHp2qoCuEnVeT4Ki0f", // truncated
				"link 00:AA:BB:CC:DD:EE up",
				"TELEGRAM_BOT_TOKEN=123456789:AAxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
			},
		},
		{
			ID:          "twilio-api-key",
			Provider:    "Twilio",
			Description: "Twilio API key SID",
			Grants:      PrivMessaging,
			Severity:    SeverityHigh,
			Confidence:  ConfidenceDistinctive,
			// "SK" is too short to prefilter on: the SID is taken only
			// within 100 bytes of the word "twilio" (a variable name, an
			// import, api.twilio.com), before or after it. A bare SK…
			// SID far from any mention of Twilio is not reported.
			Keywords:         []string{"twilio"},
			KeywordsFoldCase: true,
			NeedsContext:     true,
			Regex: `(?i:twilio)[\s\S]{0,100}?(?<![A-Za-z0-9])(?<secret>SK[0-9a-fA-F]{32})(?![A-Za-z0-9])` +
				`|(?<![A-Za-z0-9])(?<secret>SK[0-9a-fA-F]{32})(?![A-Za-z0-9])[\s\S]{0,100}?(?i:twilio)`,
			MaxLen:     150,
			MinEntropy: 3.0,
			Examples: []string{
				"TWILIO_API_KEY=SKf292d83e248f3111649cbce9cf360bfe\nTWILIO_API_SECRET=${TWILIO_API_SECRET}\n",
				"curl -u SK2a4f9c12cbe529e71c661f85a1bb3680:$SECRET https://api.twilio.com/2010-04-01/Accounts.json",
			},
			NonExamples: []string{
				"TWILIO_API_KEY=SKf292d83e248f3111649cbce9cf36", // truncated
				"TWILIO_API_KEY=SK00000000000000000000000000000000",
				"sku=SKf292d83e248f3111649cbce9cf360bfe", // no Twilio context
			},
		},
		{
			ID:          "twilio-auth-token",
			Provider:    "Twilio",
			Description: "Twilio account auth token",
			Grants:      PrivFullAccount,
			Severity:    SeverityCritical,
			Confidence:  ConfidenceContextual,
			Keywords:    []string{"twilio"},
			// A bare 32-hex value: taken after a Twilio auth-token key, or
			// after an Account SID and ":" (basic auth) next to a Twilio
			// host.
			KeywordsFoldCase: true,
			NeedsContext:     true,
			Regex: `(?i:twilio)[A-Za-z0-9_.-]{0,20}?(?i:auth[_-]?token|token|secret)` + srcAssign + `(?<secret>[0-9a-f]{32})(?![A-Za-z0-9])` +
				`|(?<![A-Za-z0-9])AC[0-9a-f]{32}:(?<secret>[0-9a-f]{32})(?![A-Za-z0-9])[\s\S]{0,100}?(?i:twilio)` +
				`|(?i:twilio)[\s\S]{0,100}?(?<![A-Za-z0-9])AC[0-9a-f]{32}:(?<secret>[0-9a-f]{32})(?![A-Za-z0-9])`,
			MaxLen:     180,
			MinEntropy: 3.0,
			Examples: []string{
				"TWILIO_ACCOUNT_SID=AC9b6fbb5611013efc3656440f7c49ec07\nTWILIO_AUTH_TOKEN=c152cb0306752fe99de709a740c3565e\n",
				"curl -X POST https://api.twilio.com/2010-04-01/Accounts/ACea85ac858d61a1e35fa9113e35b8ed5e/Messages.json -u ACea85ac858d61a1e35fa9113e35b8ed5e:e645d1807340e1c4318087630ae7c2c4",
			},
			NonExamples: []string{
				"TWILIO_AUTH_TOKEN=c152cb0306752fe99de709a740c3565", // truncated
				"TWILIO_ACCOUNT_SID=AC9b6fbb5611013efc3656440f7c49ec07",
				"etag=c152cb0306752fe99de709a740c3565e", // hex without context
			},
		},
		{
			ID:          "sendgrid-api-key",
			Provider:    "Twilio SendGrid",
			Description: "SendGrid API key",
			Grants:      PrivMessaging,
			Severity:    SeverityHigh,
			Confidence:  ConfidenceDistinctive,
			Keywords:    []string{"SG."},
			Regex:       `(?<![A-Za-z0-9_-])SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}` + srcAfterB64U,
			MaxLen:      69,
			MinEntropy:  3.5,
			Examples: []string{
				"SENDGRID_API_KEY=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\n",
				`curl https://api.sendgrid.com/v3/mail/send -H "Authorization: Bearer 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"`,
			},
			NonExamples: []string{
				"SENDGRID_API_KEY=SG.MPPzhfNLR0YH4BoR93E5JW.lqBuOLtiKI3Y1V1LGi-RcR4y", // truncated
				"SENDGRID_API_KEY=SG.xxxxxxxxxxxxxxxxxxxxxx.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
				"host=MSG.MPPzhfNLR0YH4BoR93E5JW.lqBuOLtiKI3Y1V1LGi-RcR4y41NuddYJFRmZxzHSert", // inside a longer word
			},
		},
		{
			ID:          "mailgun-api-key",
			Provider:    "Mailgun",
			Description: "Mailgun private API key",
			Grants:      PrivMessaging,
			Severity:    SeverityHigh,
			Confidence:  ConfidenceContextual,
			// The older "key-" form is taken on its own; the newer
			// 32-8-8 hex form only within 60 bytes after "mailgun".
			// Public validation keys ("pubkey-") are not secrets.
			Keywords: append([]string{"key-"}, caseForms("mailgun")...),
			Regex: `(?<![A-Za-z0-9_-])(?<secret>key-[0-9a-f]{32})` + srcAfterB64U +
				`|(?i:mailgun)[\s\S]{0,60}?(?<![A-Za-z0-9])(?<secret>[0-9a-f]{32}-[0-9a-f]{8}-[0-9a-f]{8})(?![A-Za-z0-9-])`,
			MaxLen:     120,
			MinEntropy: 3.0,
			Examples: []string{
				"MAILGUN_API_KEY=key-a54fc99598a38ec5bc2ec50dce0c7457\n",
				"curl -s --user 'api:key-dbfffc6a1d5c77d0342dc5e4cf04129f' https://api.mailgun.net/v3/mg.example.com/messages",
				"MAILGUN_API_KEY=fd653cbcfce14fa0779020078ab46c82-b34b48a7-85cc3c15\n",
			},
			NonExamples: []string{
				"MAILGUN_PUBLIC_KEY=pubkey-a54fc99598a38ec5bc2ec50dce0c7457", // public validation key
				"MAILGUN_API_KEY=key-a54fc99598a38ec5bc2ec50dce0c74",         // truncated
				"build=fd653cbcfce14fa0779020078ab46c82-b34b48a7-85cc3c15",   // no mailgun context
				"ssh-key-rotation-policy: monthly",
			},
		},
		{
			ID:          "mailchimp-api-key",
			Provider:    "Mailchimp",
			Description: "Mailchimp Marketing API key",
			Grants:      PrivMessaging,
			Severity:    SeverityHigh,
			Confidence:  ConfidenceDistinctive,
			// Every key ends in "-us" and a data-centre number 1–99, so
			// one of "-us1" … "-us9" is in every match; "-us" alone would
			// fire on "-user" and "en-us".
			Keywords:   []string{"-us1", "-us2", "-us3", "-us4", "-us5", "-us6", "-us7", "-us8", "-us9"},
			Regex:      `(?<![A-Za-z0-9_-])[0-9a-f]{32}-us[1-9][0-9]?` + srcAfterB64U,
			MaxLen:     37,
			MinEntropy: 3.0,
			Examples: []string{
				"MAILCHIMP_API_KEY=e702e41b01eb12550e61921c98762732-us4\n",
				"curl -sS https://us11.api.mailchimp.com/3.0/ping --user \"anystring:3daefa704f3319f21d8191d0904021da-us11\"",
			},
			NonExamples: []string{
				"MAILCHIMP_API_KEY=e702e41b01eb12550e61921c9876-us4", // truncated
				"Accept-Language: en-us1",
				"MAILCHIMP_API_KEY=00000000000000000000000000000000-us4",
			},
		},
		{
			ID:          "brevo-api-key",
			Provider:    "Brevo",
			Description: "Brevo (Sendinblue) API key",
			Grants:      PrivMessaging,
			Severity:    SeverityHigh,
			Confidence:  ConfidenceDistinctive,
			Keywords:    []string{"xkeysib-"},
			Regex:       srcBefore + `xkeysib-[0-9a-f]{64}-[A-Za-z0-9]{16}` + srcAfter,
			MaxLen:      89,
			MinEntropy:  3.5,
			Examples: []string{
				"BREVO_API_KEY=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\n",
				`curl -H "api-key: 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" https://api.brevo.com/v3/account`,
			},
			NonExamples: []string{
				"BREVO_API_KEY=xkeysib-06983ed94959f80445ef3ac8b1259d256a2e0f71ed24e9f2f425d0f2fee51ecd", // no suffix
				"BREVO_API_KEY=xkeysib-YOUR_API_KEY",
			},
		},
		{
			ID:          "microsoft-teams-webhook",
			Provider:    "Microsoft",
			Description: "Microsoft Teams incoming webhook URL",
			Grants:      PrivMessaging,
			Severity:    SeverityMedium,
			Confidence:  ConfidenceDistinctive,
			Keywords:    []string{".webhook.office.com/webhookb2/"},
			Regex: `https://[A-Za-z0-9-]{1,63}\.webhook\.office\.com/webhookb2/` + srcUUID + `@` + srcUUID +
				`/IncomingWebhook/[0-9a-f]{32}/` + srcUUID + `(?:/V2[A-Za-z0-9_-]{20,80})?` + srcAfterB64U,
			MaxLen:     300,
			MinEntropy: 3.5,
			Examples: []string{
				"TEAMS_WEBHOOK_URL=https://contoso0.webhook.office.com/webhookb2/a92af8d7-de19-4ea9-b92d-ac21fa7c3b11@58efc1ff-e5c0-4263-9c30-bf45e5e245f1/IncomingWebhook/2beaa661287d4006214ac7ed82fb844a/71b8f67a-ebd9-4275-ba95-74a42c4cd391\n",
				`Invoke-RestMethod -Method Post -ContentType 'application/json' -Body $payload -Uri "https://contoso1.webhook.office.com/webhookb2/4948ad28-ba48-4a6c-924c-02f400463f51@33371210-99c5-4c43-bc22-29978dada33a/IncomingWebhook/36fc9528236c58ae5d13e22392140cdb/918274ed-3a61-4d2a-9ce5-1a4c9bda86b0"`,
			},
			NonExamples: []string{
				"https://contoso0.webhook.office.com/webhookb2/a92af8d7-de19-4ea9-b92d-ac21fa7c3b11@58efc1ff-e5c0-4263-9c30-bf45e5e245f1/IncomingWebhook/", // truncated
				"https://contoso.webhook.office.com/webhookb2/<group-id>@<tenant-id>/IncomingWebhook/<id>/<owner-id>",
			},
		},
		{
			ID:          "postmark-server-token",
			Provider:    "Postmark",
			Description: "Postmark server API token",
			Grants:      PrivMessaging,
			Severity:    SeverityHigh,
			Confidence:  ConfidenceContextual,
			// A UUID: taken only after a Postmark token key or header, or
			// as the argument of a Postmark client constructor. Postmark
			// message ids are UUIDs too, hence the token/key word.
			Keywords:         []string{"postmark"},
			KeywordsFoldCase: true,
			NeedsContext:     true,
			Regex: `(?i:postmark[A-Za-z0-9_.-]{0,30}?(?:token|key|secret)|postmark\.(?:Server)?Client)` +
				`(?:` + srcAssign + `|["']?\s*\(?\s*(?:new\s+)?["']?)(?<secret>` + srcUUID + `)(?![A-Za-z0-9-])`,
			MaxLen:     100,
			MinEntropy: 3.0,
			Examples: []string{
				`curl "https://api.postmarkapp.com/email" -H "Accept: application/json" -H "X-Postmark-Server-Token: e10452de-035f-4a6a-ac7c-e93d36f0265a"`,
				"POSTMARK_SERVER_TOKEN=b78d991b-f000-490c-9c5b-0c2c4dc59ed3\n",
				`const client = new postmark.ServerClient("b162f22f-0349-464d-a528-7dbde0cd9b47");`,
			},
			NonExamples: []string{
				"postmark: sent MessageID=e10452de-035f-4a6a-ac7c-e93d36f0265a to jdoe@example.com",
				"POSTMARK_SERVER_TOKEN=00000000-0000-0000-0000-000000000000",
				"X-Postmark-Server-Token: POSTMARK_API_TEST",
			},
		},
	}
}
