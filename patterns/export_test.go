package patterns

// Names the external tests of this package use.

// Groups returns the ids of the catalog's groups, in order, by group name.
func Groups() map[string][]string {
	ids := func(ps []Pattern) []string {
		var out []string
		for _, p := range ps {
			out = append(out, p.ID)
		}
		return out
	}
	return map[string][]string{
		"ai":      ids(aiPatterns()),
		"cloud":   ids(cloudPatterns()),
		"source":  ids(sourcePatterns()),
		"comms":   ids(commsPatterns()),
		"crypto":  ids(cryptoPatterns()),
		"payment": ids(paymentPatterns()),
	}
}

// Synthetic cloud vectors of cloud.go (not real credentials).
var (
	CloudAWSSecret2    = clxAWSSecret2
	CloudSession1      = clxSession1
	CloudStorageLegacy = clxStorageLegacy
	CloudSASSig1       = clxSASSig1
	CloudSB1           = clxSB1
	CloudGCPKey        = clxGCPKey
	CloudHerokuUUID    = clxHerokuUUID
	CloudCFGlobal      = clxCFGlobal
	CloudVaultLegacy   = clxVaultLegacy
	CloudFunc1         = clxFunc1
	CloudAKIA1         = clxAKIA1
	CloudASIA2         = clxASIA2
	CloudBedrockShort  = clxBedrockShort
	CloudStorage1      = clxStorage1
	CloudGLSA1         = clxGLSA1
	CloudCASK1         = clxCASK1
	URLEscape          = clURLEscape
)
