module github.com/leakward/leakward/integrations/zap

go 1.25

replace github.com/leakward/leakward => ../..

require (
	github.com/leakward/leakward v0.0.0-00010101000000-000000000000
	github.com/stretchr/testify v1.12.1
	go.uber.org/multierr v1.10.0
	go.uber.org/zap v1.28.0
)

require (
	github.com/dlclark/regexp2/v2 v2.13.0 // indirect
	go.yaml.in/yaml/v3 v3.0.5 // indirect
)
