package detect

import (
	"os"
	"testing"

	"github.com/leakward/leakward/patterns"
)

func quickPatterns() []patterns.Pattern {
	kws := []string{"ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_", "glpat-", "AKIA", "ASIA", "AIza", "sk-proj-", "sk-ant-api03-", "T3BlbkFJ", "hf_", "r8_", "xoxb-", "xoxp-", "xapp-", "SG.", ".eyJ", "npm_", "pypi-AgE", "-----BEGIN", "password", "passwd", "secret", "token", "api_key", "apikey", "Bearer ", "postgres://", "mysql://", "mongodb", "redis://", "sk_live_", "sk_test_", "rk_live_", "whsec_", "dop_v1_", "glsa_", "hvs.", "dapi", "pplx-", "gsk_", "xai-", "sk-or-v1-", "nvapi-", "csk-", "tvly-", "llx-", "pcsk_", "lsv2_", "sntryu_", "PMAK-", "shpat_", "xkeysib-", "SWMTKN-", "dckr_pat_", "AKCp", "oy2", "rubygems_", "CLOJARS_", "ATATT3", "ATBB", "AGE-SECRET-KEY-1", "nsec1", "xprv", "LTAI", "GOCSPX-", "ya29.", "EAAA", "sq0csp-", "FLWSECK", "access_token$", "hooks.slack.com", "discord.com/api/webhooks", "AccountKey=", "sig=", "jdbc:", "Password=", "aws_secret_access_key", "cohere", "mistral", "deepseek", "twilio", "mailgun", "telegram"}
	var ps []patterns.Pattern
	for i, k := range kws {
		ps = append(ps, patterns.Pattern{ID: "p" + string(rune('a'+i%26)) + string(rune('a'+i/26)), Keywords: []string{k}, KeywordsFoldCase: i > 22 && i < 30, Regex: `(?<![A-Za-z0-9])` + regexpQuote(k) + `[A-Za-z0-9_-]{20,80}`, MaxLen: 120})
	}
	return ps
}

func regexpQuote(s string) string {
	out := ""
	for _, c := range s {
		if c == '.' || c == '$' || c == '+' || c == '*' || c == '?' || c == '(' || c == ')' || c == '[' || c == '|' || c == '{' || c == '\\' || c == '^' {
			out += `\`
		}
		out += string(c)
	}
	return out
}

func BenchmarkQuickCorpus(b *testing.B) {
	data, err := os.ReadFile("/work/shared/corpus/loghub-all.log")
	if err != nil {
		b.Skip(err)
	}
	d, err := New(quickPatterns())
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		n = len(d.Scan(data))
	}
	b.ReportMetric(float64(n), "findings")
	st := new(state)
	st.cands = d.pf.find(st.cands, data)
	b.ReportMetric(float64(len(st.cands)), "cands")
}

func BenchmarkQuickFind(b *testing.B) {
	data, err := os.ReadFile("/work/shared/corpus/loghub-all.log")
	if err != nil {
		b.Skip(err)
	}
	d, _ := New(quickPatterns())
	b.SetBytes(int64(len(data)))
	var c []candidate
	for b.Loop() {
		c = d.pf.find(c[:0], data)
	}
}

func BenchmarkQuickLoop(b *testing.B) {
	data, err := os.ReadFile("/work/shared/corpus/loghub-all.log")
	if err != nil {
		b.Skip(err)
	}
	b.SetBytes(int64(len(data)))
	s := 0
	for b.Loop() {
		for _, c := range data {
			s += int(c)
		}
	}
	_ = s
}

