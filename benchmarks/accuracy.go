package main

import (
	"sort"
	"strings"

	gldetect "github.com/zricethezav/gitleaks/v8/detect"

	"github.com/leakward/leakward/detect"
)

// gitleaksRules maps catalog pattern ids to the gitleaks rule ids that
// detect the same credential type. Only unambiguous equivalents are
// listed; a pair is used when both sides exist at run time.
var gitleaksRules = map[string][]string{
	"openai-project-key":            {"openai-api-key"},
	"openai-service-account-key":    {"openai-api-key"},
	"openai-admin-key":              {"openai-api-key"},
	"openai-legacy-user-key":        {"openai-api-key"},
	"anthropic-api-key":             {"anthropic-api-key"},
	"anthropic-admin-key":           {"anthropic-admin-api-key"},
	"huggingface-user-token":        {"huggingface-access-token"},
	"huggingface-org-token":         {"huggingface-organization-api-token"},
	"google-api-key":                {"gcp-api-key"},
	"cohere-api-key":                {"cohere-api-token"},
	"perplexity-api-key":            {"perplexity-api-key"},
	"aws-access-key-id":             {"aws-access-token"},
	"aws-temporary-access-key-id":   {"aws-access-token"},
	"aws-bedrock-api-key":           {"aws-amazon-bedrock-api-key-long-lived", "aws-amazon-bedrock-api-key-short-lived"},
	"azure-ad-client-secret":        {"azure-ad-client-secret"},
	"alibaba-access-key-id":         {"alibaba-access-key-id"},
	"digitalocean-pat":              {"digitalocean-pat"},
	"cloudflare-api-token":          {"cloudflare-api-key"},
	"heroku-api-key":                {"heroku-api-key", "heroku-api-key-v2"},
	"hashicorp-vault-token":         {"vault-service-token", "vault-batch-token"},
	"terraform-cloud-token":         {"hashicorp-tf-api-token"},
	"databricks-token":              {"databricks-api-token"},
	"doppler-token":                 {"doppler-api-token"},
	"grafana-service-account-token": {"grafana-service-account-token"},
	"grafana-cloud-token":           {"grafana-cloud-api-token"},
	"github-pat-classic":            {"github-pat"},
	"github-oauth-token":            {"github-oauth"},
	"github-app-user-token":         {"github-app-token"},
	"github-app-installation-token": {"github-app-token"},
	"github-refresh-token":          {"github-refresh-token"},
	"github-pat-fine-grained":       {"github-fine-grained-pat"},
	"gitlab-pat":                    {"gitlab-pat"},
	"gitlab-pat-routable":           {"gitlab-pat-routable"},
	"gitlab-runner-token":           {"gitlab-runner-authentication-token", "gitlab-runner-authentication-token-routable"},
	"atlassian-api-token":           {"atlassian-api-token"},
	"npm-access-token":              {"npm-access-token"},
	"pypi-upload-token":             {"pypi-upload-token"},
	"rubygems-api-key":              {"rubygems-api-token"},
	"clojars-token":                 {"clojars-api-token"},
	"artifactory-token":             {"artifactory-api-key", "artifactory-reference-token"},
	"sonarqube-token":               {"sonar-api-token"},
	"sentry-user-token":             {"sentry-user-token"},
	"sentry-org-token":              {"sentry-org-token"},
	"postman-api-key":               {"postman-api-token"},
	"stripe-secret-key":             {"stripe-access-token"},
	"stripe-restricted-key":         {"stripe-access-token"},
	"square-access-token":           {"square-access-token"},
	"shopify-access-token":          {"shopify-access-token", "shopify-custom-access-token", "shopify-private-app-access-token"},
	"shopify-shared-secret":         {"shopify-shared-secret"},
	"flutterwave-secret-key":        {"flutterwave-secret-key"},
	"plaid-access-token":            {"plaid-api-token"},
	"slack-bot-token":               {"slack-bot-token", "slack-legacy-bot-token"},
	"slack-user-token":              {"slack-user-token"},
	"slack-app-token":               {"slack-app-token"},
	"slack-webhook-url":             {"slack-webhook-url"},
	"telegram-bot-token":            {"telegram-bot-api-token"},
	"twilio-api-key":                {"twilio-api-key"},
	"sendgrid-api-key":              {"sendgrid-api-token"},
	"mailgun-api-key":               {"mailgun-private-api-token"},
	"mailchimp-api-key":             {"mailchimp-api-key"},
	"brevo-api-key":                 {"sendinblue-api-token"},
	"microsoft-teams-webhook":       {"microsoft-teams-webhook"},
	"planetscale-credential":        {"planetscale-password", "planetscale-api-token", "planetscale-oauth-token"},
	"jwt":                           {"jwt", "jwt-base64"},
	"pem-private-key":               {"private-key"},
	"openssh-private-key":           {"private-key"},
	"age-secret-key":                {"age-secret-key"},
	"kubernetes-secret-manifest":    {"kubernetes-secret-yaml"},
	"password-assignment":           {"generic-api-key"},
	"generic-high-entropy-secret":   {"generic-api-key"},
}

// found is one finding of any tool: its rule and the byte span of the
// secret in the scanned input.
type found struct {
	span
	rule string
}

// leakwardFound scans the whole input once.
func leakwardFound(d *detect.Detector, src []byte) []found {
	var out []found
	for _, f := range d.Scan(src) {
		out = append(out, found{span{f.Start, f.End}, f.PatternID})
	}
	return out
}

// gitleaksFound scans the input line by line (gitleaks' column numbers
// then give byte offsets within the line) and locates each secret inside
// its match.
func gitleaksFound(g *gldetect.Detector, src []byte, lines []span) []found {
	var out []found
	for _, l := range lines {
		for _, f := range g.DetectBytes(src[l.start:l.end]) {
			ms := l.start + f.StartColumn - 1
			off := strings.Index(f.Match, f.Secret)
			if off < 0 || f.Secret == "" {
				off = 0
			}
			n := len(f.Secret)
			if n == 0 {
				n = len(f.Match)
			}
			out = append(out, found{span{ms + off, ms + off + n}, f.RuleID})
		}
	}
	return out
}

// typeScore is recall and precision of one tool on one credential type.
type typeScore struct {
	labels, hit, hitAny int // labels of the type; found by a mapped rule; found by any rule
	tp, fp              int // findings of the mapped rules on a label of the type; outside every injected line
}

func (s typeScore) recall() float64    { return ratio(s.hit, s.labels) }
func (s typeScore) recallAny() float64 { return ratio(s.hitAny, s.labels) }
func (s typeScore) precision() float64 { return ratio(s.tp, s.tp+s.fp) }

func ratio(a, b int) float64 {
	if b == 0 {
		return -1
	}
	return float64(a) / float64(b)
}

// maxSecretBytes bounds how far back a finding may start before a label
// and still overlap it.
const maxSecretBytes = 16 << 10

// scored is one tool's findings on the labelled input, with the rules of
// the findings that overlap each label.
type scored struct {
	fs        []found
	labelHits [][]string // per label, the rules of overlapping findings
}

func newScored(in labelled, fs []found) scored {
	sort.Slice(fs, func(i, j int) bool { return fs[i].start < fs[j].start })
	hits := make([][]string, len(in.labels))
	for li, l := range in.labels {
		// fs[:i] start before the label ends.
		i := sort.Search(len(fs), func(i int) bool { return fs[i].start >= l.end })
		for j := i - 1; j >= 0 && fs[j].start > l.start-maxSecretBytes; j-- {
			if overlaps(fs[j].span, span{l.start, l.end}) {
				hits[li] = append(hits[li], fs[j].rule)
			}
		}
	}
	return scored{fs: fs, labelHits: hits}
}

// scoreType measures one tool on labels of type id, counting findings of
// the given rules.
func scoreType(in labelled, sc scored, id string, rules []string) typeScore {
	isRule := map[string]bool{}
	for _, r := range rules {
		isRule[r] = true
	}
	var s typeScore
	for li, l := range in.labels {
		if l.id != id {
			continue
		}
		s.labels++
		hit := false
		for _, r := range sc.labelHits[li] {
			hit = hit || isRule[r]
		}
		if hit {
			s.hit++
		}
		if len(sc.labelHits[li]) > 0 {
			s.hitAny++
		}
	}
	for _, f := range sc.fs {
		if !isRule[f.rule] {
			continue
		}
		switch {
		case onLabel(in, f.span, id):
			s.tp++
		case !inInjected(in, f.span):
			s.fp++
		}
	}
	return s
}

// overall measures a tool on the labels of the given types (all when ids
// is nil) and on every finding: a finding is a true positive when it
// overlaps any label and a false positive when it lies outside every
// injected line.
func overall(in labelled, sc scored, ids map[string]bool) typeScore {
	var s typeScore
	for li, l := range in.labels {
		if ids != nil && !ids[l.id] {
			continue
		}
		s.labels++
		if len(sc.labelHits[li]) > 0 {
			s.hit++
		}
	}
	s.hitAny = s.hit
	for _, f := range sc.fs {
		switch {
		case onLabel(in, f.span, ""):
			s.tp++
		case !inInjected(in, f.span):
			s.fp++
		}
	}
	return s
}

// fpRules counts false-positive findings (outside injected lines) by rule.
func fpRules(in labelled, sc scored) []string {
	n := map[string]int{}
	for _, f := range sc.fs {
		if !inInjected(in, f.span) && !onLabel(in, f.span, "") {
			n[f.rule]++
		}
	}
	var out []string
	for r := range n {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool {
		if n[out[i]] != n[out[j]] {
			return n[out[i]] > n[out[j]]
		}
		return out[i] < out[j]
	})
	for i, r := range out {
		out[i] = r + " ×" + itoa(n[r])
	}
	return out
}

// onLabel reports whether sp overlaps a label (of type id, or any when id
// is empty). Labels are sorted by start.
func onLabel(in labelled, sp span, id string) bool {
	i := sort.Search(len(in.labels), func(i int) bool { return in.labels[i].end > sp.start })
	for ; i < len(in.labels) && in.labels[i].start < sp.end; i++ {
		if id == "" || in.labels[i].id == id {
			return true
		}
	}
	return false
}

// inInjected reports whether sp overlaps a line that carries a secret.
func inInjected(in labelled, sp span) bool {
	i := sort.Search(len(in.injected), func(i int) bool { return in.injected[i].end > sp.start })
	return i < len(in.injected) && in.injected[i].start < sp.end
}
