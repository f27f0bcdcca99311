# Every target runs from a clean clone; tools are built from tools/*/go.mod
# into _tools/bin (git-ignored) on first use and reused after.
SHELL := /usr/bin/env bash
VERSION ?= v0.1.0

.PHONY: test generate lint tools xpkg render perf fuzz mutation chaos

# The test command of the README: generation drift, vet, lint, every test.
test:
	./hack/test.sh

generate:
	go generate ./...

tools:
	./hack/tools.sh

lint: tools
	_tools/bin/golangci-lint run ./...

# One .xpkg per platform in _output/, e.g. make xpkg VERSION=v0.1.0
xpkg: tools
	./hack/xpkg.sh $(VERSION)

render:
	go run . render example/xr-aws.yaml

# Benchmarks and the gRPC comparison with a canned server (docs/performance.md).
perf:
	./hack/perf.sh

# Every fuzz target for FUZZTIME each (default 10m), summary in _output/fuzz (docs/reliability.md).
fuzz:
	./hack/fuzz.sh

# Mutation testing of the decision code with Gremlins, table in _output/mutation (docs/reliability.md).
mutation:
	./hack/mutation.sh

# Faults and load on the real control plane, minutes (docs/reliability.md).
chaos: tools
	./hack/chaos.sh
