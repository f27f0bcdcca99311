#!/usr/bin/env bash
# Runs every fuzz target for FUZZTIME (default 10m), one after the other,
# with one worker (`make fuzz`; docs/reliability.md, "Fuzzing").
#
#   FUZZTIME=10m        how long each target runs (a Go duration, or Nx)
#   FUZZ_TARGETS="..."  which targets, as package:Target (default: all below)
#   FUZZ_KEEP=12        how many of a target's new corpus entries to copy into
#                       its package's testdata/fuzz/<Target> (0: none)
#   FUZZ_PROCS=1        GOMAXPROCS of each run
#   FUZZ_JOBS=1         how many targets run at the same time (the targets
#                       are dealt round-robin into that many sequential
#                       chains; 1 runs them strictly one after the other)
#
# Each package's test binary is built once, up front, with the fuzzing
# instrumentation, so a run of an hour is not affected by edits made to the
# tree meanwhile. The coverage-interesting inputs a run finds go to
# _output/fuzz/cache/<Target> (its -test.fuzzcachedir); a failing input is
# written by Go itself into the package's testdata/fuzz/<Target>, where it
# stays as a regression seed that `go test ./...` runs from then on.
#
# The summary, one row per target (the latest run of each), is written to
# _output/fuzz/summary.md; each run's log to _output/fuzz/<Target>.log. The
# script exits non-zero when any target found something.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "${root}"

fuzztime="${FUZZTIME:-10m}"
keep="${FUZZ_KEEP:-12}"
procs="${FUZZ_PROCS:-1}"
jobs="${FUZZ_JOBS:-1}"
targets="${FUZZ_TARGETS:-fn:FuzzCompose fn:FuzzRunFunction fn:FuzzInput fn:FuzzObservedRead fn:FuzzKeptPassword fn:FuzzRoundTrip fn/change:FuzzChange fn/spec:FuzzDecodePaths internal/pbjson:FuzzParse}"

out="${root}/_output/fuzz"
mkdir -p "${out}/bin" "${out}/cache" "${out}/results"

# Build each package's instrumented test binary once.
declare -A built=()
for t in ${targets}; do
	pkg="${t%%:*}" name="${t##*:}"
	[[ -n "${built[${pkg}]:-}" ]] && continue
	bin="${out}/bin/${pkg//\//_}.test"
	echo "fuzz: building ${pkg} with fuzzing instrumentation..."
	go test -c -fuzz="^${name}\$" -o "${bin}" "./${pkg}"
	built[${pkg}]="${bin}"
done

# fuzz_target PKG:TARGET runs one target and records its row; it returns
# non-zero when the target found something.
fuzz_target() {
	local t="$1" pkg name bin cache log before seeds_before start rc secs last execs interesting new_entries copied findings result
	pkg="${t%%:*}" name="${t##*:}"
	bin="${out}/bin/${pkg//\//_}.test"
	cache="${out}/cache/${name}"
	log="${out}/${name}.log"
	mkdir -p "${cache}" "${pkg}/testdata/fuzz/${name}"
	before="$(find "${cache}" -type f | sort)"
	seeds_before="$(find "${pkg}/testdata/fuzz/${name}" -type f | wc -l)"
	echo "fuzz: ${pkg} ${name} for ${fuzztime} ($(date -u +%H:%M:%S) UTC)"
	start=${SECONDS}
	set +e
	# The package directory is the working directory: the seed corpus is
	# read from (and a failing input written to) its testdata.
	(cd "${pkg}" && GOMAXPROCS="${procs}" nice -n 10 "${bin}" -test.run='^$' -test.fuzz="^${name}\$" \
		-test.fuzztime="${fuzztime}" -test.parallel=1 -test.fuzzcachedir="${cache}" -test.timeout=0) >"${log}" 2>&1
	rc=$?
	set -e
	secs=$((SECONDS - start))
	# The last progress line: "fuzz: elapsed: 10m0s, execs: 123 (20/sec), new interesting: 4 (total: 30)".
	last="$(grep -E '^fuzz: elapsed: .*execs: ' "${log}" | tail -n1 || true)"
	execs="$(sed -nE 's/.*execs: ([0-9]+) .*/\1/p' <<<"${last}")"
	interesting="$(sed -nE 's/.*new interesting: ([0-9]+).*/\1/p' <<<"${last}")"
	new_entries="$(comm -13 <(printf '%s\n' "${before}") <(find "${cache}" -type f | sort) | sed '/^$/d')"
	copied=0
	if [[ "${keep}" -gt 0 && -n "${new_entries}" ]]; then
		while IFS= read -r f; do
			cp -n "${f}" "${pkg}/testdata/fuzz/${name}/"
			copied=$((copied + 1))
		done < <(head -n "${keep}" <<<"${new_entries}")
	fi
	findings="$(($(find "${pkg}/testdata/fuzz/${name}" -type f | wc -l) - seeds_before - copied))"
	result=ok
	if [[ ${rc} -ne 0 ]]; then
		result="FAIL (exit ${rc}, see _output/fuzz/${name}.log)"
		[[ ${findings} -lt 1 ]] && findings=1
	fi
	printf '%s\t%s\t%s\t%d\t%s\t%s\t%d\t%d\t%s\t%s\n' "${name}" "${pkg}" "${fuzztime}" "${secs}" "${execs:-0}" \
		"${interesting:-0}" "${copied}" "${findings}" "${result}" "$(date -u +%Y-%m-%dT%H:%MZ)" >"${out}/results/${name}.tsv"
	echo "fuzz: ${name}: ${result}, ${execs:-0} execs in ${secs}s, ${interesting:-0} new interesting, ${copied} copied to testdata, ${findings} findings"
	[[ "${result}" == ok ]]
}

# Deal the targets into ${jobs} chains; each chain runs its targets one
# after the other.
declare -a chains=()
i=0
for t in ${targets}; do
	chains[i % jobs]+="${t} "
	i=$((i + 1))
done
declare -a pids=()
for chain in "${chains[@]}"; do
	(
		rc=0
		for t in ${chain}; do
			fuzz_target "${t}" || rc=1
		done
		exit "${rc}"
	) &
	pids+=($!)
done
failed=0
for p in "${pids[@]}"; do
	wait "${p}" || failed=1
done

# The summary of the latest run of every target that ran.
{
	echo "# Fuzzing summary"
	echo
	echo "| Target | Package | Fuzz time | Wall s | Execs | New interesting | Corpus entries added | Findings | Result | Finished |"
	echo "|---|---|---|---|---|---|---|---|---|---|"
	total_execs=0 total_secs=0
	for f in "${out}"/results/*.tsv; do
		IFS=$'\t' read -r name pkg ft secs execs interesting copied findings result when <"${f}"
		echo "| ${name} | ${pkg} | ${ft} | ${secs} | ${execs} | ${interesting} | ${copied} | ${findings} | ${result} | ${when} |"
		total_execs=$((total_execs + execs))
		total_secs=$((total_secs + secs))
	done
	echo
	printf 'Total: %d execs in %d s (%.2f hours) of fuzzing.\n' "${total_execs}" "${total_secs}" "$(bc -l <<<"${total_secs} / 3600")"
} >"${out}/summary.md"
cat "${out}/summary.md"
exit "${failed}"
