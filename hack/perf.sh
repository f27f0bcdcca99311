#!/usr/bin/env bash
# `make perf`: the benchmarks and the gRPC comparison in one run
# (docs/performance.md). Output lands in _output/perf/ as well as on the terminal:
#
#   bench.txt  go test -bench of RunFunction and of the protobuf floor, on the
#              captured requests (fn/testdata/requests), for benchstat
#   load.md    test/perf load: the function and a canned server over loopback
#              plaintext gRPC and mTLS, create and steady, 1 and 8 callers on
#              one connection, the CPU ratio to the canned server per row,
#              binary size, peak RSS, first call after start, the targets
#   growth.md  test/perf growth: CPU per call of the function's server as the
#              XR composes 5 to 15 resources and as the observed state grows
#              to the 4 MiB message limit
#
# Knobs: COUNT (benchmark runs, default 6), LOAD_FLAGS (e.g. "-rounds 5"),
# GROWTH_FLAGS (e.g. "-rounds 3").
# Bounded: every load phase stops after -calls calls or -duration, whichever
# comes first; everything listens on 127.0.0.1 only.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
out=_output/perf
mkdir -p "${out}"

echo "==> benchmarks (go test ./fn -bench 'RunFunction|Floor', count ${COUNT:-6})"
go test ./fn -run '^$' -bench 'RunFunction|Floor' -benchmem -count "${COUNT:-6}" | tee "${out}/bench.txt"

echo
echo "==> benchstat summary"
go tool -modfile=tools/benchstat/go.mod benchstat "${out}/bench.txt" | tee "${out}/bench-summary.txt"

echo
echo "==> gRPC load: the function beside a canned server (go run ./test/perf load)"
# shellcheck disable=SC2086 # LOAD_FLAGS is a list of flags.
go run ./test/perf load ${LOAD_FLAGS:-} | tee "${out}/load.md"

echo
echo "==> growth: resources composed and observed state size (go run ./test/perf growth)"
# shellcheck disable=SC2086 # GROWTH_FLAGS is a list of flags.
go run ./test/perf growth ${GROWTH_FLAGS:-} | tee "${out}/growth.md"
