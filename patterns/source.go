package patterns

// Token boundaries shared by the source and communications groups. A
// lookbehind/lookahead pair keeps a prefix inside a longer identifier from
// matching ("myghp_…") and keeps a body from being cut out of a longer run.
const (
	srcBefore    = `(?<![A-Za-z0-9_])`
	srcAfter     = `(?![A-Za-z0-9_])`
	srcAfterB64U = `(?![A-Za-z0-9_-])`
	srcUUID      = `[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}`
	// srcAssign is the gap between a variable or key name and its value:
	// optional (JSON-escaped) quote, ":", "=", ":=", "=>" or an XML '>'
	// (or a YAML/ini form), or a Kubernetes env entry's "\n  value:",
	// then an optional quote.
	srcAssign = `\\?["']?(?:\s*(?::=|=>|[:=>])\s*|` + kubeEnvValue + `)\\?["']?`
)

// githubPattern builds the pattern of one 40-character GH-CRC GitHub token
// family.
func githubPattern(id, prefix, desc string, grants Privilege, sev Severity, examples, nonExamples []string) Pattern {
	return Pattern{
		ID:          id,
		Provider:    "GitHub",
		Description: desc,
		Grants:      grants,
		Severity:    sev,
		Confidence:  ConfidenceDistinctive,
		Keywords:    []string{prefix},
		Regex:       srcBefore + prefix + `[A-Za-z0-9]{36}` + srcAfter,
		MaxLen:      40,
		Validate:    ValidateGitHubToken,
		Examples:    examples,
		NonExamples: nonExamples,
	}
}

// sourcePatterns returns the built-in patterns of this catalog group.
func sourcePatterns() []Pattern {
	return []Pattern{
		githubPattern("github-pat-classic", "ghp_", "GitHub personal access token (classic)", PrivScoped, SeverityCritical,
			[]string{
				"GITHUB_TOKEN=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\n",
				"git remote set-url origin https://octocat: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@github.com/octo-org/widgets.git",
				`curl -H "Authorization: token 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" https://api.github.com/user`,
			},
			[]string{
				"GITHUB_TOKEN=ghp_fYtYi89Nw1xAeF12RAw1s4lmWd1nv93w0XkX\n", // checksum off by one
				"token: ghp_fYtYi89Nw1xAeF12RAw1s4lmWd1nv93w0Xk",          // truncated
				"GITHUB_TOKEN=ghp_************************************",
				"export GH_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
				"id=my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", // prefix inside a longer word
			}),
		githubPattern("github-oauth-token", "gho_", "GitHub OAuth app access token", PrivScoped, SeverityCritical,
			[]string{
				`{"access_token":"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","token_type":"bearer","scope":"repo"}`,
				"    oauth_token: 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\n    user: octocat",
			},
			[]string{
				`{"access_token":"gho_w6yd1ZigCqDuw8d0oPQKjvL2IwmEFh3PaRwL"}`,
				"oauth_token: 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x",
				"oauth_token: gho_<your-token>",
			}),
		githubPattern("github-app-user-token", "ghu_", "GitHub App user-to-server token", PrivScoped, SeverityHigh,
			[]string{
				"2026-03-02T10:11:12Z DEBUG auth header=Bearer ghu_f9Bdyz9eRnCBgCjAMltQlDgtfK4TBV0zF0Zh",
				`session.set("gh_user_token", "ghu_mi9RhIjfEXY3plXkSnlfqGhYLwEfoY3ratyI")`,
			},
			[]string{
				"Bearer ghu_f9Bdyz9eRnCBgCjAMltQlDgtfK4TBV0zF0Za",
				"Bearer ghu_f9Bdyz9eRnCBgCjAMltQlDgtfK4TBV0z",
			}),
		githubPattern("github-app-installation-token", "ghs_", "GitHub App installation (server-to-server) token", PrivScoped, SeverityHigh,
			[]string{
				"git clone https://x-access-token:ghs_bCBRMAbPA12VzJ0FJbwIrfqtN6no6U0qT1wS@github.com/octo-org/deploy.git",
				"INSTALLATION_TOKEN='ghs_tqkDkOJPLCO2qlfmtUVXrygy3LfRa10urNwn'",
			},
			[]string{
				"git clone https://x-access-token:ghs_bCBRMAbPA12VzJ0FJbwIrfqtN6no6U0qT1wT@github.com/octo-org/deploy.git",
				"INSTALLATION_TOKEN='ghs_${{ steps.app.outputs.token }}'",
			}),
		githubPattern("github-refresh-token", "ghr_", "GitHub App refresh token", PrivScoped, SeverityHigh,
			[]string{
				`{"refresh_token":"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","refresh_token_expires_in":15897600}`,
				"refresh_token=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&grant_type=refresh_token",
			},
			[]string{
				`{"refresh_token":"ghr_sYcwmuzDXbxc1QyRNliUUWzv9I9jZo2QKzKz"}`,
				"refresh_token=ghr_oAD0iJPiELMIh3JmGodXgDZRjsoqOF2f",
			}),
		{
			ID:          "github-pat-fine-grained",
			Provider:    "GitHub",
			Description: "GitHub fine-grained personal access token",
			Grants:      PrivScoped,
			Severity:    SeverityHigh,
			Confidence:  ConfidenceDistinctive,
			Keywords:    []string{"github_pat_"},
			Regex:       srcBefore + `github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}` + srcAfter,
			MaxLen:      93,
			MinEntropy:  4.0,
			Examples: []string{
				"GH_TOKEN=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\n",
				"      - run: gh release upload v1.2.0 dist/*\n        env:\n          GH_TOKEN: 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",
			},
			NonExamples: []string{
				"GH_TOKEN=github_pat_11j0nErsYWo8YB8U0kScO0_aUAkwsQ2htUUBNvRqF2f71RU9VjqkprwfIQpwdBqmmpB8KL7PQQzQOl", // truncated
				"GH_TOKEN=github_pat_xxxxxxxxxxxxxxxxxxxxxx_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
				"see the github_pat_ prefix in the docs",
			},
		},
		{
			ID:          "gitlab-pat",
			Provider:    "GitLab",
			Description: "GitLab personal, project or group access token (legacy form)",
			Grants:      PrivScoped,
			Severity:    SeverityCritical,
			Confidence:  ConfidenceDistinctive,
			Keywords:    []string{"glpat-"},
			Regex:       srcBefore + `glpat-[A-Za-z0-9_-]{20}` + srcAfterB64U,
			MaxLen:      26,
			MinEntropy:  3.0,
			Examples: []string{
				`curl --header "PRIVATE-TOKEN: glpat-ZUzmeaYBmhh_fJyFu0h9" "https://gitlab.example.com/api/v4/projects"`,
				"git push https://oauth2:glpat-aZ8848SYhMjc-imRVLBg@gitlab.com/acme/infra.git main",
				"GITLAB_TOKEN=acme-glpat-ZUzmeaYBmhh_fJyFu0h9", // instance prefix
			},
			NonExamples: []string{
				"PRIVATE-TOKEN: glpat-ZUzmeaYBmhh_fJyF",         // truncated
				"PRIVATE-TOKEN: glpat-ZUzmeaYBmhh_fJyFu0h9xQ7a", // longer run, not a legacy token
				"PRIVATE-TOKEN: glpat-xxxxxxxxxxxxxxxxxxxx",
				"PRIVATE-TOKEN: <glpat-your-token-here>",
			},
		},
		{
			ID:          "gitlab-pat-routable",
			Provider:    "GitLab",
			Description: "GitLab routable personal access token",
			Grants:      PrivScoped,
			Severity:    SeverityCritical,
			Confidence:  ConfidenceDistinctive,
			Keywords:    []string{"glpat-"},
			Regex:       srcBefore + `glpat-[A-Za-z0-9_-]{27,300}\.(?:[0-9a-z]{2}\.)?[0-9a-z]{9}` + srcAfterB64U,
			MaxLen:      319,
			Validate:    ValidateGitLabRoutable,
			Examples: []string{
				"GITLAB_TOKEN=glpat-bzoxCnU6Mmo0a79xq-brOEEZwdyn5x0jSCoQ.01.101unvgef\n",
				`curl -H "PRIVATE-TOKEN: glpat-YzoxCm86MnMKdTo5cmsxm8Oj2uQNMBhYOV_xAWH9MBA.01.171gktdt7" https://gitlab.com/api/v4/user`,
				"token = \"glpat-bzoxCnU6NWFkH_ba9akuT6kYGUA2-Y9pcRA.0z0n5gcdo\"", // unversioned form
			},
			NonExamples: []string{
				"GITLAB_TOKEN=glpat-bzoxCnU6Mmo0a79xq-brOEEZwdyn5x0jSCoQ.01.101unvgeg", // checksum off by one
				"GITLAB_TOKEN=glpat-bzoxCnU6Mmo0a79xq-brOEEZwdyn5x0jSCoQ.01.111unvgef", // wrong length field
				"GITLAB_TOKEN=glpat-bzoxCnU6Mmo0a79xq-brOEEZwdyn5x0jSCoQ.01.101unvge",  // truncated
				"GITLAB_TOKEN=glpat-ZUzmeaYBmhh_fJyFu0h9",                              // legacy form
			},
		},
		{
			ID:          "gitlab-runner-token",
			Provider:    "GitLab",
			Description: "GitLab runner authentication or registration token",
			Grants:      PrivCI,
			Severity:    SeverityHigh,
			Confidence:  ConfidenceDistinctive,
			Keywords:    []string{"glrt-", "GR1348941"},
			Regex: srcBefore + `(?:glrt-t[0-9]_[A-Za-z0-9_-]{27,300}\.(?:[0-9a-z]{2}\.)?[0-9a-z]{9}` +
				`|glrt-[A-Za-z0-9_-]{20}|GR1348941[A-Za-z0-9_-]{20})` + srcAfterB64U,
			MaxLen:     321,
			Validate:   ValidateGitLabToken,
			MinEntropy: 2.5,
			Examples: []string{
				"gitlab-runner register --non-interactive --url https://gitlab.com --token glrt-t1_YzoxCm86MQp0OjG-whcvnaeE7TtertH9du5BEA.01.121hl1y6y",
				"[[runners]]\n  url = \"https://gitlab.example.com\"\n  token = \"glrt-PdjM4NxZVIbrcpsiHjFj\"\n",
				"REGISTRATION_TOKEN=GR1348941WeIwpCEV6JebZBsCrDJz",
				"  token = \"glrt-t3_YzoxCm86MgpwOjNmCnQ6M76CYU4PWGJ2oRSFToerGb4Q.01.1805fbjdx\"",
			},
			NonExamples: []string{
				"--token glrt-t1_YzoxCm86MQp0OjG-whcvnaeE7TtertH9du5BEA.01.121hl1y6z", // checksum off by one
				"  token = \"glrt-PdjM4NxZVIbrcps\"",                                  // truncated
				"  token = \"glrt-REDACTED\"",
				"REGISTRATION_TOKEN=GR1348941xxxxxxxxxxxxxxxxxxxx",
			},
		},
		{
			ID:          "gitlab-other-token",
			Provider:    "GitLab",
			Description: "Other prefixed GitLab token (deploy, trigger, feed, mail, agent, OAuth secret, SCIM, feature flag, CI job, session)",
			Grants:      PrivScoped,
			Severity:    SeverityHigh,
			Confidence:  ConfidenceDistinctive,
			Keywords: []string{"gldt-", "glft-", "glsoat-", "glffct-", "glimt-", "glagent-", "gloas-", "glptt-",
				"glcbt-", "_gitlab_session="},
			Regex: srcBefore + `(?<secret>(?:gldt-|glft-|glsoat-|glffct-)[A-Za-z0-9_-]{20}|glimt-[A-Za-z0-9_-]{25}` +
				`|glagent-[A-Za-z0-9_-]{50}|gloas-[A-Za-z0-9_-]{64}|glptt-[0-9a-f]{40}` +
				`|glcbt-[0-9A-Za-z]{1,5}_[A-Za-z0-9_-]{20})` + srcAfterB64U +
				`|_gitlab_session=(?<secret>[0-9a-z]{32})(?![A-Za-z0-9])`,
			MaxLen:     72,
			MinEntropy: 2.5,
			Examples: []string{
				"docker login registry.gitlab.com -u gitlab+deploy-token-17 -p gldt-KCqoH7amRyx_iALjHi_j",
				`curl -X POST -F token=glptt-87a9ffc71d8d23e10ed6714619e0d26edba15195 -F ref=main https://gitlab.com/api/v4/projects/42/trigger/pipeline`,
				"Cookie: _gitlab_session=c152cb0306752fe99de709a740c3565e; path=/",
			},
			NonExamples: []string{
				"-p gldt-KCqoH7amRyx_iAL", // truncated
				"token=glptt-87a9ffc71d8d23e10ed6714619e0d26edba1519g",
				"Cookie: _gitlab_session=; path=/",
				"the gldt- prefix marks deploy tokens",
			},
		},
		{
			ID:          "bitbucket-app-password",
			Provider:    "Atlassian",
			Description: "Bitbucket Cloud app password",
			Grants:      PrivScoped,
			Severity:    SeverityHigh,
			Confidence:  ConfidenceDistinctive,
			Keywords:    []string{"ATBB"},
			Regex:       srcBefore + `ATBB[A-Za-z0-9]{24}[0-9A-F]{8}` + srcAfter,
			MaxLen:      36,
			Validate:    ValidateAtlassianToken,
			Examples: []string{
				"BITBUCKET_APP_PASSWORD=ATBBPxrEfuqADyJ0JDBUGK823avZ76BC1268\n",
				"git clone https://jdoe:ATBBCAcpPg8Q10DTEIAblrzXQBbp38B073B8@bitbucket.org/acme/api.git",
			},
			NonExamples: []string{
				"BITBUCKET_APP_PASSWORD=ATBBPxrEfuqADyJ0JDBUGK823avZ76BC1269", // checksum off by one
				"BITBUCKET_APP_PASSWORD=ATBBPxrEfuqADyJ0JDBUGK823avZ76BC12",   // truncated
				"BITBUCKET_APP_PASSWORD=ATBBxxxxxxxxxxxxxxxxxxxxxxxx00000000",
			},
		},
		{
			ID:          "atlassian-api-token",
			Provider:    "Atlassian",
			Description: "Atlassian Cloud API token or Bitbucket repository, project or workspace access token",
			Grants:      PrivFullAccount,
			Severity:    SeverityCritical,
			Confidence:  ConfidenceDistinctive,
			Keywords:    []string{"ATATT3xFfGF0", "ATCTT3xFfGN0"},
			Regex:       srcBefore + `(?:ATATT3xFfGF0|ATCTT3xFfGN0)[A-Za-z0-9_-]{100,300}(?:=|%3[Dd]|\\=)[0-9A-F]{8}` + srcAfter,
			MaxLen:      330,
			Validate:    ValidateAtlassianToken,
			Examples: []string{
				"JIRA_API_TOKEN=ATATT3xFfGF0Ws2Pv0ZzcIwck1gv7O77gIOVs6sC5JQ5yPbcwbgWwnxVGWPQRU5VyL5IczrFv1mi-ujcr-rRtV2I2jYNqAMr4sB9j3GzdJr2BXka2wSPHyTUiuXqj_w809uk7sN3Qy2rv4C7chSI7hJlpo_mcmEQL4leRpqzYMzf5kwQrsHf-f_=29417F76\n",
				"git clone https://x-token-auth:ATCTT3xFfGN0u1azD4txLyD41ksnKd6Y_THE8qz1FsHBeO_wOdUX2UZSpPqOLcYx5HiQ4b4KDZmOPU3_V9IOTo6o3KQH5RhCYeYXhvapQ_tBwntfLzv_ItelJGxurAknc1bUk8KduErnQifOeB7M2EtrD85g9KIegbvEUe8qO7wzYY99xDYBNTt%3DA478707C@bitbucket.org/acme/web.git",
				`auth = ("jdoe@example.com", "ATATT3xFfGF0cImXhSAPF2q1xE2Q0D0Xsb6G92bHogof4Kh2AgMsiDIw3cZ6GklSQAP-zS42z5mhbXifONHRP1761anwhNmXxkBiRsLhS_QEg-ha3qEC6zmpXqydqzx5Gjlwz4PahEpn_HbDNJWC916uissmgJp7GmdMKigcG9N5sv4A4wy4FhV=77EB3F9C")`,
			},
			NonExamples: []string{
				"JIRA_API_TOKEN=ATATT3xFfGF0Ws2Pv0ZzcIwck1gv7O77gIOVs6sC5JQ5yPbcwbgWwnxVGWPQRU5VyL5IczrFv1mi-ujcr-rRtV2I2jYNqAMr4sB9j3GzdJr2BXka2wSPHyTUiuXqj_w809uk7sN3Qy2rv4C7chSI7hJlpo_mcmEQL4leRpqzYMzf5kwQrsHf-f_=29417F77",
				"JIRA_API_TOKEN=ATATT3xFfGF0Ws2Pv0ZzcIwck1gv7O77gIOVs6sC5JQ5yPbcwbgWwnxVGWPQRU5VyL5Ic",
				"JIRA_API_TOKEN=ATATT3xFfGF0...",
			},
		},
		{
			ID:          "atlassian-dc-pat",
			Provider:    "Atlassian",
			Description: "Jira or Confluence Data Center personal access token; Bitbucket Data Center HTTP access token",
			Grants:      PrivFullAccount,
			Severity:    SeverityHigh,
			Confidence:  ConfidenceContextual,
			Keywords:    []string{"BBDC-", "jira", "confluence", "bitbucket", "atlassian"},
			// The bare form is 44 base64 characters: it is taken only
			// after a product name used as a key, or before one on the
			// same line (curl with a Bearer header and a Jira URL).
			KeywordsFoldCase: true,
			NeedsContext:     true,
			Regex: `(?:(?<![A-Za-z0-9_+/-])(?<secret>BBDC-[MNO][A-Za-z0-9+/]{43})(?![A-Za-z0-9+/=])` +
				`|(?i:jira|confluence|bitbucket|atlassian)[A-Za-z0-9_.-]{0,30}` + srcAssign + `(?:Bearer\s+)?(?<secret>[MNO][A-Za-z0-9+/]{43})(?![A-Za-z0-9+/=])` +
				`|Bearer\s+(?<secret>[MNO][A-Za-z0-9+/]{43})(?![A-Za-z0-9+/=])[^\n]{0,120}?(?i:jira|confluence|bitbucket))`,
			MaxLen:   220,
			Validate: ValidateAtlassianDC,
			Examples: []string{
				"JIRA_PAT=MTU0NjAyOTA0OTY4Oj9WkYqPO+bXHoNIczoRKLpHWZh9\n",
				`curl -H "Authorization: Bearer MjcwMjE4MDUxNjU0OnK7nKlTQ1s2G3qFOSfAai1zbUTB" https://jira.example.com/rest/api/2/myself`,
				"git clone https://x-token-auth:BBDC-MTM4Mzk2OTQxNjUxOtFVtgM9oFjZWm2LIygqOWwHyafX@bitbucket.example.com/scm/web/app.git",
				`confluence.token: "BBDC-NjYwNTU5ODg4OTU0Ovjd7fXtvAVtJSoB7TcKU1efuxhP"`,
			},
			NonExamples: []string{
				"JIRA_PAT=1vOY2aMsQ41YwwBPvdyfYbtv+UBCfrY2JOMIA/U3dHub", // random base64, not id:bytes
				"JIRA_PAT=TheseAreNotTheTokensYouAreLookingFor++++++++", // placeholder
				"checksum=MTU0NjAyOTA0OTY4Oj9WkYqPO+bXHoNIczoRKLpHWZh9", // no product context
				"JIRA_PAT=MTU0NjAyOTA0OTY4Oj9WkYqPO+bXHoNIczoRKL",       // truncated
			},
		},
		{
			ID:          "npm-access-token",
			Provider:    "npm",
			Description: "npm access token (granular, automation or publish)",
			Grants:      PrivSupplyChain,
			Severity:    SeverityCritical,
			Confidence:  ConfidenceDistinctive,
			Keywords:    []string{"npm_"},
			Regex:       srcBefore + `npm_[A-Za-z0-9]{36}` + srcAfter,
			MaxLen:      40,
			Validate:    ValidateGitHubToken,
			Examples: []string{
				"//registry.npmjs.org/:_authToken=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\n",
				"      - run: npm publish\n        env:\n          NODE_AUTH_TOKEN: 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",
			},
			NonExamples: []string{
				"//registry.npmjs.org/:_authToken=npm_VW6BG3719T1kJhYf25xTpeI6uYmv980Zr9l3", // checksum off by one
				"npm_config_registry=https://registry.npmjs.org/ npm_package_version=1.2.3",
				"NODE_AUTH_TOKEN: npm_MgBjUGSGUAVxuOAvaYJPQXepPK",
			},
		},
		{
			ID:           "npm-legacy-token",
			Provider:     "npm",
			Description:  "npm legacy token (UUID)",
			Grants:       PrivSupplyChain,
			Severity:     SeverityCritical,
			Confidence:   ConfidenceContextual,
			Keywords:     []string{"_authToken"},
			NeedsContext: true,
			Regex:        `_authToken\s*=\s*["']?(?<secret>` + srcUUID + `)(?![A-Za-z0-9-])`,
			MaxLen:       60,
			MinEntropy:   3.0,
			Examples: []string{
				"registry=https://registry.npmjs.org/\n//registry.npmjs.org/:_authToken=cfb18f05-1129-4de1-a461-18a1c0800110\n",
				`echo "//npm.pkg.example.com/:_authToken = 92010a8c-1521-4ca4-a519-9d7abd0d80ea" >> ~/.npmrc`,
			},
			NonExamples: []string{
				"//registry.npmjs.org/:_authToken=${NPM_TOKEN}",
				"//registry.npmjs.org/:_authToken=00000000-0000-0000-0000-000000000000",
				"request-id: cfb18f05-1129-4de1-a461-18a1c0800110", // a UUID without the key
			},
		},
		{
			ID:          "pypi-upload-token",
			Provider:    "PyPI",
			Description: "PyPI or TestPyPI API token (macaroon)",
			Grants:      PrivSupplyChain,
			Severity:    SeverityCritical,
			Confidence:  ConfidenceDistinctive,
			Keywords:    []string{"pypi-AgE"},
			Regex:       `(?<![A-Za-z0-9_-])pypi-AgE[A-Za-z0-9_-]{70,1400}` + srcAfterB64U,
			MaxLen:      1410,
			Validate:    ValidatePyPIToken,
			TestMarkers: []string{"pypi-AgENdGVzdC5weXBpLm9yZw"},
			Examples: []string{
				"[pypi]\n  username = __token__\n  password = pypi-AgEIcHlwaS5vcmcCJDMzZmI5ZjIzLTcxNGUtNGE5Yy1hZGQzLTc2YjgxMjYwZTA3NgACJXsidmVyc2lvbiI6IDEsICJwZXJtaXNzaW9ucyI6ICJ1c2VyIn0AAAYgfV5dX4Scg86av609nOjAT1jjdKMBMulne3oxG5cGNsc\n",
				"TWINE_PASSWORD=pypi-AgEIcHlwaS5vcmcCJDVkNmIwYjk1LTk2MjYtNDg5Yi1hZmVkLTUxNTIzNGZmMzBiNAACPXsidmVyc2lvbiI6IDEsICJwZXJtaXNzaW9ucyI6IHsicHJvamVjdHMiOiBbIndpZGdldC10b29scyJdfX0AAAYgbhJbExt5HZAGYRMj5obzkGbAFxrP-Wz2l5wu9V-xeyw twine upload dist/*",
				"uv publish --publish-url https://test.pypi.org/legacy/ --token pypi-AgENdGVzdC5weXBpLm9yZwIkYTU5YmY4ZmQtYjViZC00ZTYyLWE5OTgtY2ZlODU2ZTk0ZDk1AAIleyJ2ZXJzaW9uIjogMSwgInBlcm1pc3Npb25zIjogInVzZXIifQAABiAS6GKYBM_209NaJyuRlHGYKtzIISqC8jOrJEam1bHdGA",
			},
			NonExamples: []string{
				// cut before the signature
				"password = pypi-AgEIcHlwaS5vcmcCJDMzZmI5ZjIzLTcxNGUtNGE5Yy1hZGQzLTc2YjgxMjYwZTA3NgACJXsidmVyc2lvbiI6IDEsICJwZXJtaXNzaW9ucyI6ICJ1c2VyIn0AAAYgfV5dX4Scg86av609nOjAT1jjdKMBMul",
				"password = pypi-AgEIcHlwaS5vcmc...",
				"password = pypi-AgEIcHlwaS5vcmcxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
			},
		},
		{
			ID:          "rubygems-api-key",
			Provider:    "RubyGems",
			Description: "RubyGems.org API key",
			Grants:      PrivSupplyChain,
			Severity:    SeverityCritical,
			Confidence:  ConfidenceDistinctive,
			Keywords:    []string{"rubygems_"},
			Regex:       srcBefore + `rubygems_[0-9a-f]{48}` + srcAfter,
			MaxLen:      57,
			MinEntropy:  3.0,
			Examples: []string{
				"---\n:rubygems_api_key: rubygems_c64f06f74e31933b28ba4e49de414754b3271296893af458\n",
				"GEM_HOST_API_KEY=rubygems_2ad338640bffa5653f229238ce8a6b008b59640d6cfefa74 gem push widget-1.0.0.gem",
			},
			NonExamples: []string{
				":rubygems_api_key: rubygems_c64f06f74e31933b28ba4e49de414754b32712",
				":rubygems_api_key: rubygems_000000000000000000000000000000000000000000000000",
			},
		},
		{
			ID:          "nuget-api-key",
			Provider:    "NuGet",
			Description: "NuGet.org API key",
			Grants:      PrivSupplyChain,
			Severity:    SeverityCritical,
			Confidence:  ConfidenceDistinctive,
			Keywords:    []string{"oy2"},
			Regex:       srcBefore + `oy2[a-z0-9]{43}` + srcAfter,
			MaxLen:      46,
			MinEntropy:  3.5,
			Examples: []string{
				"dotnet nuget push bin/Release/Widget.1.0.0.nupkg --api-key oy21odthwbwzk4dvo36bylby3rbd7jqyou0kbc14gq2a63 --source https://api.nuget.org/v3/index.json",
				"NUGET_API_KEY: oy28axyx0ij99v7po7js9dap7wkfrgvf1wwrim7lly5nud\n",
			},
			NonExamples: []string{
				"--api-key oy21odthwbwzk4dvo36bylby3rbd7jqyou0kbc14", // truncated
				"--api-key OY21ODTHWBWZK4DVO36BYLBY3RBD7JQYOU0KBC14GQ2A63",
				"hash=xoy21odthwbwzk4dvo36bylby3rbd7jqyou0kbc14gq2a63", // inside a longer word
			},
		},
		{
			ID:          "docker-hub-pat",
			Provider:    "Docker",
			Description: "Docker Hub personal or organization access token; Docker Swarm join token or unlock key",
			Grants:      PrivSupplyChain,
			Severity:    SeverityHigh,
			Confidence:  ConfidenceDistinctive,
			Keywords:    []string{"dckr_pat_", "dckr_oat_", "SWMTKN-1-", "SWMKEY-1-"},
			Regex: srcBefore + `(?:dckr_(?:pat|oat)_[A-Za-z0-9_-]{27,32}|SWMTKN-1-[a-z0-9]{50}-[a-z0-9]{25}` +
				`|SWMKEY-1-[A-Za-z0-9+/_-]{43})` + srcAfterB64U,
			MaxLen:     85,
			MinEntropy: 3.0,
			Examples: []string{
				"echo dckr_pat__vqedGyYRSXpsrNZpQYpwsq5X8d | docker login -u acme --password-stdin",
				"DOCKERHUB_TOKEN=dckr_oat_9wmXiZIRBOyu3FKnM-P3Evo5vTx3sN3I\n",
				"docker swarm join --token SWMTKN-1-9u1ya4wpp9cr3kmnmc5r7d8jbg2x7s14cvpq2qy58yluxnngx7-7xq9g9z7tm9fxcf7dkecy9jny 10.0.0.5:2377",
			},
			NonExamples: []string{
				"DOCKERHUB_TOKEN=dckr_pat_vqedGyYRSXps", // truncated
				"DOCKERHUB_TOKEN=dckr_pat_xxxxxxxxxxxxxxxxxxxxxxxxxxx",
				"docker swarm join --token SWMTKN-1-<token> 10.0.0.5:2377",
			},
		},
		{
			ID:          "crates-io-token",
			Provider:    "crates.io",
			Description: "crates.io API token",
			Grants:      PrivSupplyChain,
			Severity:    SeverityCritical,
			// "cio" is short and occurs in words; a match needs a
			// standalone 35-character run with high entropy.
			Confidence: ConfidenceContextual,
			Keywords:   []string{"cio"},
			// The body has no '/', so a token may sit in a URL path.
			Regex:      `(?<![A-Za-z0-9_+-])cio[A-Za-z0-9]{32}(?![A-Za-z0-9_+=-])`,
			MaxLen:     35,
			MinEntropy: 4.0,
			Examples: []string{
				"CARGO_REGISTRY_TOKEN=cioJFHqEqX9sGS9kzB6u1odmgIQSUoNqwK9 cargo publish",
				"[registry]\ntoken = \"cio5VD0i9J8muoMhBSCkNhNQ3ApoiIBB5TV\"\n",
			},
			NonExamples: []string{
				"CARGO_REGISTRY_TOKEN=cioJFHqEqX9sGS9kzB6u1odmgIQ", // truncated
				"precious ciod: generated core files for program",
				"CARGO_REGISTRY_TOKEN=cioxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
				"data=QUJDcioJFHqEqX9sGS9kzB6u1odmgIQSUoNqwK9/+a", // inside base64
			},
		},
		{
			ID:          "clojars-token",
			Provider:    "Clojars",
			Description: "Clojars deploy token",
			Grants:      PrivSupplyChain,
			Severity:    SeverityHigh,
			Confidence:  ConfidenceDistinctive,
			Keywords:    []string{"CLOJARS_"},
			Regex:       srcBefore + `CLOJARS_[a-z0-9]{60}` + srcAfter,
			MaxLen:      68,
			MinEntropy:  3.0,
			Examples: []string{
				"CLOJARS_PASSWORD=CLOJARS_0e8b6ca98e24eacbbae5f980c60ef0f05f52e2281a7083071efd03e511b7\n",
				`{:repositories [["clojars" {:username "acme" :password "CLOJARS_f507e98d20aab19a70b81aaafd2a8f0ca15a0f78c5aba6d779dc6f91b670"}]]}`,
			},
			NonExamples: []string{
				"CLOJARS_PASSWORD=CLOJARS_0e8b6ca98e24eacbbae5f980c60ef0f05f52e2281a", // truncated
				"export CLOJARS_USERNAME=acme CLOJARS_PASSWORD=$CLOJARS_DEPLOY_TOKEN",
			},
		},
		{
			ID:          "artifactory-token",
			Provider:    "JFrog",
			Description: "JFrog Artifactory API key or reference token",
			Grants:      PrivSupplyChain,
			Severity:    SeverityHigh,
			Confidence:  ConfidenceDistinctive,
			Keywords:    []string{"AKCp", "cmVmdGtu"},
			// A reference token that is a URL path segment ('/' before it)
			// ends at the next '/': a '/' of the token would be written %2F
			// there.
			Regex: srcBefore + `(?:AKCp[A-Za-z0-9]{69}(?![A-Za-z0-9_+=-])|(?<=/)cmVmdGtu[A-Za-z0-9+_-]{56}(?![A-Za-z0-9_+=-])` +
				`|cmVmdGtu[A-Za-z0-9+/_-]{56}(?![A-Za-z0-9_+/=-]))`,
			MaxLen:   73,
			Validate: ValidateArtifactoryToken,
			Examples: []string{
				`curl -H "X-JFrog-Art-Api: AKCpsTUvoHEyHFWd2YYMdfq7h94Xp4ritW7o1Rf99MaJytix1qJR5WkVTYJyjp1oASDLWvZQC" https://acme.jfrog.io/artifactory/api/repositories`,
				"ARTIFACTORY_ACCESS_TOKEN=cmVmdGtuOjAxOjI1NDcwMDAyMjE6VGEzeXhJQk1rVVJabWVHZnJKazR4QkU5Mm1Z\n",
				"jf c add --url https://acme.jfrog.io --access-token cmVmdGtuOjAxOjU2OTA3NTkwNjY6WE1PNTBPbzZMZkRLbWZqWVpIb3Q5bTg4MGlY",
			},
			NonExamples: []string{
				"X-JFrog-Art-Api: AKCpsTUvoHEyHFWd2YYMdfq7h94Xp4ritW7o1Rf99MaJytix1qJR5WkVTYJyjp1oASDLWvZQ0", // 0 is not base 58
				"X-JFrog-Art-Api: AKCpsTUvoHEyHFWd2YYMdfq7h94Xp4ritW7o1Rf99MaJytix1qJ",                       // truncated
				"ARTIFACTORY_ACCESS_TOKEN=cmVmdGtuOjAxOnh4eHh4eHh4eHg6VGEzeXhJQk1rVVJabWVHZnJKazR4QkU5Mm1Z",  // not digits
			},
		},
		{
			ID:          "sonarqube-token",
			Provider:    "SonarSource",
			Description: "SonarQube or SonarCloud user, project analysis or global analysis token",
			Grants:      PrivScoped,
			Severity:    SeverityMedium,
			Confidence:  ConfidenceDistinctive,
			// The older unprefixed 40-hex form needs a sonar key name.
			Keywords: append([]string{"squ_", "sqp_", "sqa_"}, caseForms("sonar")...),
			Regex: srcBefore + `(?<secret>sq[upa]_[0-9a-f]{40})` + srcAfter +
				`|(?i:sonar)[A-Za-z0-9_.-]{0,20}?(?i:token|login|key)` + srcAssign + `(?<secret>[0-9a-f]{40})(?![A-Za-z0-9])`,
			MaxLen:     80,
			MinEntropy: 3.0,
			Examples: []string{
				"SONAR_TOKEN=squ_a6e94ff21a8fe500952269dd6b28ce2962a0d1c0\n",
				"mvn verify sonar:sonar -Dsonar.token=sqp_2fb9b125623c9434054c12e14f50e4290a75df1a -Dsonar.host.url=https://sonar.example.com",
				"sonar.login=fcb8044298b69017db8b7b8f09993d20a877be49\n",
			},
			NonExamples: []string{
				"SONAR_TOKEN=squ_a6e94ff21a8fe500952269dd6b28ce2962a0", // truncated
				"sonar.scm.revision=fcb8044298b69017db8b7b8f09993d20a877be49",
				"commit fcb8044298b69017db8b7b8f09993d20a877be49",
			},
		},
		{
			ID:          "sentry-user-token",
			Provider:    "Sentry",
			Description: "Sentry user auth token",
			Grants:      PrivScoped,
			Severity:    SeverityMedium,
			Confidence:  ConfidenceDistinctive,
			Keywords:    []string{"sntryu_"},
			Regex:       srcBefore + `sntryu_[0-9a-f]{64}` + srcAfter,
			MaxLen:      71,
			MinEntropy:  3.0,
			Examples: []string{
				"SENTRY_AUTH_TOKEN=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\n",
				`curl -H "Authorization: Bearer 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" https://sentry.io/api/0/projects/`,
			},
			NonExamples: []string{
				"SENTRY_AUTH_TOKEN=sntryu_bcb3190dd973a16a44f7807a63ff992da01c9d9a726a0dd78d9e03e17ddbba", // truncated
				"SENTRY_AUTH_TOKEN=sntryu_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
			},
		},
		{
			ID:          "sentry-org-token",
			Provider:    "Sentry",
			Description: "Sentry organization auth token",
			Grants:      PrivCI,
			Severity:    SeverityMedium,
			Confidence:  ConfidenceDistinctive,
			Keywords:    []string{"sntrys_"},
			Regex:       srcBefore + `sntrys_eyJpYXQiO[A-Za-z0-9+/]{10,400}={0,2}_[A-Za-z0-9+/]{43}(?![A-Za-z0-9_+/=-])`,
			MaxLen:      470,
			Validate:    ValidateSentryOrgToken,
			Examples: []string{
				"SENTRY_AUTH_TOKEN=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\n",
				"npx @sentry/cli sourcemaps upload --auth-token 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 ./dist",
			},
			NonExamples: []string{
				// JSON without region_url
				"SENTRY_AUTH_TOKEN=sntrys_eyJpYXQiOjE3MTgwMzA1MTIuNDQxMjAxLCJ1cmwiOiJodHRwczovL3NlbnRyeS5pbyJ9_5XZjdvUszvTLKCFac1Px0+IHnsahohRJkCaXCh026Mc",
				// secret part cut short
				"SENTRY_AUTH_TOKEN=sntrys_eyJpYXQiOjE3MTgwMzA1MTIuNDQxMjAxLCJ1cmwiOiJodHRwczovL3NlbnRyeS5pbyIsInJlZ2lvbl91cmwiOiJodHRwczovL3VzLnNlbnRyeS5pbyIsIm9yZyI6ImFjbWUtd2lkZ2V0cyJ9_5XZjdvUszvTLKCFac1Px0",
				"SENTRY_AUTH_TOKEN=sntrys_YOUR_TOKEN_HERE",
			},
		},
		{
			ID:          "postman-api-key",
			Provider:    "Postman",
			Description: "Postman API key",
			Grants:      PrivFullAccount,
			Severity:    SeverityHigh,
			Confidence:  ConfidenceDistinctive,
			Keywords:    []string{"PMAK-"},
			Regex:       srcBefore + `PMAK-[0-9a-f]{24}-[0-9a-f]{34}` + srcAfter,
			MaxLen:      64,
			MinEntropy:  3.0,
			Examples: []string{
				`curl -H "X-Api-Key: PMAK-3d02151750e919e3a36a8bb3-b7535c20d50303813b1d83808db9f9d704" https://api.getpostman.com/collections`,
				"POSTMAN_API_KEY=PMAK-0e7ee09b93271bbb12001a22-63bcc4abf24ff4599be5dcc022cda8c3d8\n",
			},
			NonExamples: []string{
				"X-Api-Key: PMAK-3d02151750e919e3a36a8bb3-b7535c20d5030381", // truncated
				"X-Api-Key: PMAK-xxxxxxxxxxxxxxxxxxxxxxxx-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
			},
		},
		{
			ID:          "azure-devops-pat",
			Provider:    "Microsoft",
			Description: "Azure DevOps personal access token",
			Grants:      PrivScoped,
			Severity:    SeverityCritical,
			Confidence:  ConfidenceContextual,
			// The 84-character CASK form carries "JQQJ99" and the AZDO
			// signature; the legacy 52-character base-32 form is taken
			// only next to an Azure DevOps host or key name.
			Keywords:         []string{"AAAAAZDO", "devops", "dev.azure.com", ".visualstudio.com"},
			KeywordsFoldCase: true,
			NeedsContext:     true,
			Regex: `(?<![A-Za-z0-9])(?<secret>[A-Za-z0-9]{52}JQQJ99[A-Za-z0-9][A-L][A-Za-z0-9]{12}AAAAAZDO[A-Za-z0-9]{4})(?![A-Za-z0-9])` +
				`|(?<=[/:])(?<secret>[a-z2-7]{52})@(?:dev\.azure\.com|[A-Za-z0-9-]+\.visualstudio\.com)` +
				`|(?i:devops)[A-Za-z0-9_.-]{0,30}` + srcAssign + `(?<secret>[a-z2-7]{52})(?![A-Za-z0-9])` +
				`|(?<![A-Za-z0-9])(?<secret>[a-z2-7]{52})\s*\|\s*az\s+devops\s+login`,
			MaxLen: 120,
			Examples: []string{
				"git clone https://build:grzt7defrpt44nsri5xmpi5ri7we3zvm5spfqimdgyyogsskrjxw@dev.azure.com/contoso/web/_git/web",
				"AZURE_DEVOPS_EXT_PAT=df3gtvwoubgj3mqaawjxk5homkw5iuk7amlalsmx3ijcgvnxmivg\n",
				"echo df3gtvwoubgj3mqaawjxk5homkw5iuk7amlalsmx3ijcgvnxmivg | az devops login --organization https://dev.azure.com/contoso",
				"ADO_TOKEN=zHpY27F3Pk1UrpuuOveLybrfMmazQrP5L6UFwHeJk1aKK45iPjAoJQQJ990C7b1jjX00sY43AAAAAZDOyJIA\n",
			},
			NonExamples: []string{
				"token=grzt7defrpt44nsri5xmpi5ri7we3zvm5spfqimdgyyogsskrjxw",        // no Azure DevOps context
				"AZURE_DEVOPS_EXT_PAT=df3gtvwoubgj3mqaawjxk5homkw5iuk7amlalsmx3ijc", // truncated
				"AZURE_DEVOPS_EXT_PAT=$(System.AccessToken)",
				"ADO_TOKEN=zHpY27F3Pk1UrpuuOveLybrfMmazQrP5L6UFwHeJk1aKK45iPjAoJQQJ990C7b1jjX00sY43AAAAAZDOyJI", // truncated
			},
		},
	}
}
