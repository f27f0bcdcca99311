#!/usr/bin/env bash
# The project's one test command (`make test`); CI runs it through .ci/run.
#
#   1. tools:    build the pinned tools into _tools/bin if missing (hack/tools.sh;
#                the Crossplane CLI and engine, linters, and the cluster suite's
#                etcd, kube-apiserver, kube-controller-manager and
#                provider-kubernetes: see docs/testing.md ("How long `make test` takes") for
#                cold and warm times; instant once built)
#   2. generate: `go generate ./...` must leave the tree as it was (no drift)
#   3. tidy:     `go mod tidy` must leave go.mod and go.sum as they were
#   4. deps:     the function binary links no test-only module (the Prometheus
#                module parses and evaluates PromQL in tests only), nor
#                controller-runtime or client-go (start-up and memory)
#   5. gofmt:    every Go file is formatted
#   6. vet:      go vet ./...
#   7. lint:     golangci-lint run ./... (.golangci.yml)
#   8. test:     go test ./... (unit, golden and end-to-end tests; the e2e tests
#                render every example through the real Crossplane CLI and engine
#                and validate the output against ../shared/crds or $CRDS_DIR;
#                test/cluster runs every example XR on a real control plane)
#
# Every step after tools runs even when an earlier one failed, so one run shows
# every problem; the summary at the end lists each step's result and time, and
# the script exits non-zero if any step failed.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

declare -a summary=()
failed=0

# step NAME COMMAND... runs one step, recording its result and duration.
step() {
	local name="$1" start rc
	shift
	printf '\n==> %s\n' "${name}"
	start=${SECONDS}
	# A subshell with errexit on, so a failing command inside a step function ends the step.
	set +e
	(
		set -e
		"$@"
	)
	rc=$?
	set -e
	if [[ ${rc} -eq 0 ]]; then
		summary+=("$(printf '  ok    %-9s %4ds' "${name}" $((SECONDS - start)))")
	else
		summary+=("$(printf '  FAIL  %-9s %4ds' "${name}" $((SECONDS - start)))")
		failed=1
	fi
	# Always succeed: a step called in a condition (`step ... || ...`) would run
	# with errexit ignored, so callers read ${failed} instead.
	return 0
}

print_summary() {
	printf '\n==> summary (%ds in total)\n' "${SECONDS}"
	printf '%s\n' "${summary[@]}"
	if [[ ${failed} -ne 0 ]]; then
		echo "make test: FAILED"
	else
		echo "make test: passed"
	fi
}

# snapshot prints the tree's changes relative to HEAD, with a hash of each
# changed or new file's content, so a comparison catches any file generation
# touched even in a tree that was already dirty.
snapshot() {
	git status --porcelain=v1 --untracked-files=all | while IFS= read -r line; do
		local path="${line:3}"
		path="${path##* -> }"
		if [[ -f "${path}" ]]; then
			printf '%s %s\n' "${line}" "$(git hash-object -- "${path}")"
		else
			printf '%s\n' "${line}"
		fi
	done
}

generate() {
	local before after
	if ! git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
		echo "not a git work tree: cannot check generated files for drift" >&2
		return 1
	fi
	before="$(snapshot)"
	if [[ -n "${before}" ]]; then
		echo "note: the tree has uncommitted changes; only changes made by go generate count as drift"
	fi
	go generate ./...
	after="$(snapshot)"
	if [[ "${after}" != "${before}" ]]; then
		echo "go generate changed the tree: commit the regenerated files." >&2
		diff <(printf '%s\n' "${before}") <(printf '%s\n' "${after}") >&2 || true
		git --no-pager diff --stat >&2 || true
		git --no-pager diff >&2 || true
		return 1
	fi
	echo "generated files are up to date"
}

# tidy fails when `go mod tidy` changes go.mod or go.sum (it leaves the tidied
# files in place, for the commit).
tidy() {
	local before after
	before="$(cat go.mod go.sum | git hash-object --stdin)"
	go mod tidy
	after="$(cat go.mod go.sum | git hash-object --stdin)"
	if [[ "${after}" != "${before}" ]]; then
		echo "go mod tidy changed go.mod or go.sum: commit the tidied files." >&2
		git --no-pager diff -- go.mod go.sum >&2 || true
		return 1
	fi
	echo "go.mod and go.sum are tidy"
}

# binary_deps fails when the function binary links a module only the tests
# need, or one that costs every start and every page of memory for nothing:
# controller-runtime and client-go (the SDK's resource, request and response
# packages and crossplane-runtime's resource, errors and fieldpath packages
# import them) initialize the scheme of every built-in Kubernetes API at
# start-up (docs/performance.md).
binary_deps() {
	local unwanted='^(github.com/prometheus/prometheus|sigs.k8s.io/controller-runtime|k8s.io/client-go)(/|$)' linked
	linked="$(go list -deps . | grep -E "${unwanted}" || true)"
	if [[ -n "${linked}" ]]; then
		echo "the function binary links packages it must not (test-only, or controller-runtime/client-go):" >&2
		echo "${linked}" >&2
		return 1
	fi
	echo "the function binary links no test-only module, no controller-runtime and no client-go"
}

format() {
	local files unformatted
	files="$(git ls-files --cached --others --exclude-standard -- '*.go')"
	[[ -z "${files}" ]] && return 0
	# shellcheck disable=SC2086 # one path per word; Go file names have no spaces here.
	unformatted="$(gofmt -l ${files})"
	if [[ -n "${unformatted}" ]]; then
		echo "gofmt would change (run gofmt -w):" >&2
		echo "${unformatted}" >&2
		return 1
	fi
	echo "all Go files are formatted"
}

unit_tests() {
	local log rc
	log="$(mktemp)"
	set +e
	go test -count=1 -timeout 30m ./... 2>&1 | tee "${log}"
	rc=${PIPESTATUS[0]}
	set -e
	printf '\npackages: %d ok, %d without tests, %d failed\n' \
		"$(grep -c '^ok ' "${log}" || true)" \
		"$(grep -c '\[no test files\]' "${log}" || true)" \
		"$(grep -cE '^FAIL[[:space:]]+[^[:space:]]+' "${log}" || true)"
	grep -E '^--- FAIL|^FAIL[[:space:]]' "${log}" | sed 's/^/  /' || true
	rm -f "${log}"
	return "${rc}"
}

trap 'print_summary' EXIT

# Every later step needs the tools: stop here if they cannot be built.
step tools ./hack/tools.sh
if [[ ${failed} -ne 0 ]]; then
	exit 1
fi
step generate generate
step tidy tidy
step deps binary_deps
step gofmt format
step vet go vet ./...
step lint _tools/bin/golangci-lint run --allow-parallel-runners ./...
step test unit_tests

exit "${failed}"
