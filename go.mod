module github.com/leakward/leakward

go 1.25

require (
	github.com/bits-and-blooms/bloom/v3 v3.7.1
	github.com/dlclark/regexp2/v2 v2.13.0
	github.com/stretchr/testify v1.12.1
)

require (
	github.com/bits-and-blooms/bitset v1.24.2 // indirect
	go.yaml.in/yaml/v3 v3.0.5 // indirect
)
