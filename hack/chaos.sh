#!/usr/bin/env bash
# The chaos suite (`make chaos`, issue 25): faults and load on the cluster
# suite's real control plane, each experiment on a fresh plane. Minutes, not
# part of `make test`. See docs/reliability.md ("Chaos suite").
#
#   ./hack/chaos.sh                       # every experiment
#   CHAOS_ONLY=load,faults ./hack/chaos.sh
#   CHAOS_LOAD=8,32 CHAOS_ONLY=load ./hack/chaos.sh
#
# Writes _output/chaos/summary.md and summary.json (and the process logs of
# a failed experiment under _output/chaos/logs/) and prints the summary.
# Needs root (private network namespaces), like the cluster suite. On a
# machine shared with other heavy jobs, run it under
# `flock /tmp/heavy.lock ./hack/chaos.sh`.
# Environment:
#   CHAOS_ONLY     comma-separated experiments: load, faults, unreachable,
#                  readopt, badinput (default: all)
#   CHAOS_LOAD     XR counts of the load experiment (default 8,32,64)
#   CHAOS_TIMEOUT  go test -timeout (default 100m)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

[[ -x _tools/bin/crossplane ]] || ./hack/tools.sh

mkdir -p _output/chaos
rm -f _output/chaos/summary.md _output/chaos/summary.json
rc=0
# CI=true: a missing tool or CRD folder fails instead of skipping.
CHAOS=1 CI=true go test ./test/cluster -run '^TestChaos$' -count=1 -v \
	-timeout "${CHAOS_TIMEOUT:-100m}" 2>&1 | tee _output/chaos/test.log || rc=$?
echo
if [[ -f _output/chaos/summary.md ]]; then
	cat _output/chaos/summary.md
else
	echo "chaos: no summary written" >&2
	rc=1
fi
exit "${rc}"
