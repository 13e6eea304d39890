package patterns

import "testing"

var scCommsIDs = []string{
	"slack-bot-token", "slack-user-token", "slack-app-token", "slack-webhook-url", "discord-bot-token",
	"discord-webhook-url", "telegram-bot-token", "twilio-api-key", "twilio-auth-token", "sendgrid-api-key",
	"mailgun-api-key", "mailchimp-api-key", "brevo-api-key", "microsoft-teams-webhook", "postmark-server-token",
}

func TestCommsPatternVectors(t *testing.T) {
	scCheckGroup(t, commsPatterns(), scCommsIDs)
}
