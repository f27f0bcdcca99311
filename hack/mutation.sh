#!/usr/bin/env bash
# Mutation testing of the decision code with Gremlins (`make mutation`;
# docs/reliability.md, "Mutation testing").
#
#   MUTATION_SCOPES="..."     what to mutate, each DIR or DIR:FILE,FILE (only
#                             those files of DIR's package), optionally
#                             followed by @REGEX: only the tests it matches
#                             run, for coverage and for each mutant (the fn
#                             package's whole suite takes minutes; its
#                             decision files have tests of their own)
#   MUTATION_WORKERS=1        Gremlins workers (each a copy of the module)
#   MUTATION_TIMEOUT_COEFF=10 a mutant's tests may take this many times the
#                             coverage run before they count as timed out
#   MUTATION_DRY_RUN=1        only list the mutants (no tests run)
#
# Gremlins is built on demand into _tools/bin from tools/gremlins/go.mod (it
# is not part of hack/tools.sh's default set: CI does not run it). Each
# scope's JSON report goes to _output/mutation/<scope>.json and its log to
# _output/mutation/<scope>.log; the table of every scope that ran (killed,
# lived, timed out, not covered, efficacy = killed / (killed + lived)) and
# the total to _output/mutation/summary.md, and to stdout. Every mutant that
# lived is listed below the table.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "${root}"

fn_tests='^(TestKeepGeneratedPassword.*|TestKeptPassword|TestDeterminism|TestNoDataLoss|TestNoSecretsInOutput|TestDataLossGuardReadsLabels|TestDirectDeliveryCredentials|TestDeletionPolicy.*|Test.*Mutation.*|Fuzz.*)$'
scopes="${MUTATION_SCOPES:-fn/change fn/spec fn/plan fn:password.go,safety.go@${fn_tests}}"
workers="${MUTATION_WORKERS:-1}"
coeff="${MUTATION_TIMEOUT_COEFF:-10}"
dry="${MUTATION_DRY_RUN:-}"

bin="${TOOLS_BIN:-${root}/_tools/bin}"
out="${root}/_output/mutation"
mkdir -p "${bin}" "${out}"

# Build Gremlins at the version tools/gremlins/go.mod requires.
want="$(awk '
	$1 == "require" { $1 = ""; $0 = $0 }
	$1 == "github.com/go-gremlins/gremlins" && $2 ~ /^v/ { print $2; exit }
' tools/gremlins/go.mod)"
have="$(go version -m "${bin}/gremlins" 2>/dev/null | awk '$1 == "mod" { print $3; exit }' || true)"
if [[ "${have}" != "${want}" ]]; then
	echo "mutation: building _tools/bin/gremlins ${want}..."
	(cd tools/gremlins && go build -o "${bin}/gremlins.partial" github.com/go-gremlins/gremlins/cmd/gremlins)
	mv -f "${bin}/gremlins.partial" "${bin}/gremlins"
fi

for scope in ${scopes}; do
	run=""
	if [[ "${scope}" == *@* ]]; then
		run="${scope#*@}"
		scope="${scope%%@*}"
	fi
	dir="${scope%%:*}"
	name="${scope//[\/:,]/_}"
	name="${name//.go/}"
	excludes=()
	if [[ "${scope}" == *:* ]]; then
		# Only the named files of dir's package: exclude its other files
		# and every package below it.
		IFS=, read -r -a keep <<<"${scope#*:}"
		excludes+=(-E "^[^/]+/")
		for f in "${dir}"/*.go; do
			base="${f##*/}"
			[[ "${base}" == *_test.go ]] && continue
			if [[ ! " ${keep[*]} " == *" ${base} "* ]]; then
				excludes+=(-E "^${base//./\\.}\$")
			fi
		done
	fi
	args=(unleash "./${dir}" --workers "${workers}" --timeout-coefficient "${coeff}" --output "${out}/${name}.json" "${excludes[@]}")
	[[ -n "${dry}" ]] && args+=(--dry-run)
	echo "mutation: ${scope} ($(date -u +%H:%M:%S) UTC)"
	start=${SECONDS}
	# go test reads GOFLAGS: Gremlins' coverage run and every mutant's run
	# take the test filter from there. -count=1: a cached coverage run
	# would take no time, and Gremlins times each mutant out after that
	# time, compile included, times the coefficient.
	GOFLAGS="${GOFLAGS:+${GOFLAGS} }-count=1${run:+ -run=${run}}" "${bin}/gremlins" "${args[@]}" 2>&1 | tee "${out}/${name}.log"
	echo "mutation: ${scope} took $((SECONDS - start))s"
	printf '%s\n' "$((SECONDS - start))" >"${out}/${name}.seconds"
done

# The table of every scope that ran, from the JSON reports.
{
	echo "| Scope | Mutants | Killed | Lived | Timed out | Not covered | Not viable | Efficacy | Seconds |"
	echo "|---|---|---|---|---|---|---|---|---|"
	for j in "${out}"/*.json; do
		n="$(basename "${j}" .json)"
		jq -r --arg n "${n}" --arg s "$(cat "${out}/${n}.seconds" 2>/dev/null || echo '?')" '
			[.files[].mutations[]] as $m
			| ($m | map(select(.status == "KILLED")) | length) as $k
			| ($m | map(select(.status == "LIVED")) | length) as $l
			| ($m | map(select(.status == "TIMED OUT")) | length) as $t
			| ($m | map(select(.status == "NOT COVERED")) | length) as $c
			| ($m | map(select(.status == "NOT VIABLE")) | length) as $v
			| "| \($n) | \($m | length) | \($k) | \($l) | \($t) | \($c) | \($v) | \(if $k + $l > 0 then ($k * 1000 / ($k + $l) | floor) / 10 else "-" end)% | \($s) |"' "${j}"
	done
	jq -s -r '
		[.[].files[].mutations[]] as $m
		| ($m | map(select(.status == "KILLED")) | length) as $k
		| ($m | map(select(.status == "LIVED")) | length) as $l
		| "| **total** | \($m | length) | \($k) | \($l) | \($m | map(select(.status == "TIMED OUT")) | length) | \($m | map(select(.status == "NOT COVERED")) | length) | \($m | map(select(.status == "NOT VIABLE")) | length) | \(if $k + $l > 0 then ($k * 1000 / ($k + $l) | floor) / 10 else "-" end)% | |"' "${out}"/*.json
	echo
	echo "Lived:"
	jq -r '.files[] | .file_name as $f | .mutations[] | select(.status == "LIVED") | "- \($f):\(.line):\(.column) \(.type)"' "${out}"/*.json
} >"${out}/summary.md"
cat "${out}/summary.md"
