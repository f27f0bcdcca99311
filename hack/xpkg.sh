#!/usr/bin/env bash
# Builds the function's Crossplane package, one .xpkg per platform, without
# Docker: hack/image cross-compiles the function into runtime image tarballs,
# and `crossplane xpkg build` embeds each one with package/ and example/.
#
#   ./hack/xpkg.sh v0.1.0        # or: make xpkg VERSION=v0.1.0
#
# Writes $OUTPUT_DIR/function-space-scaling-<arch>.xpkg (default _output/), and the
# Configuration packages $OUTPUT_DIR/configuration-space-scaling{,-aws,-gcp,-azure}.xpkg.
# Environment:
#   OUTPUT_DIR  where packages go (default _output)
#   PLATFORMS   comma-separated os/arch list (default linux/amd64,linux/arm64)
#   CROSSPLANE  Crossplane CLI binary (default _tools/bin/crossplane, built by
#               `make tools`)
set -euo pipefail

usage() {
	echo "usage: $0 VERSION   (a semantic version with a leading v, e.g. v0.1.0)" >&2
	exit 2
}

[[ $# -eq 1 ]] || usage
VERSION="$1"
# The version becomes an OCI tag when pushed, and Crossplane wants it to be a
# semantic version; OCI tags cannot carry '+', so no build metadata.
[[ "${VERSION}" =~ ^v(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z.-]+)?$ ]] || usage

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "${ROOT}"

NAME=function-space-scaling
OUTPUT_DIR="${OUTPUT_DIR:-_output}"
PLATFORMS="${PLATFORMS:-linux/amd64,linux/arm64}"
CROSSPLANE="${CROSSPLANE:-${ROOT}/_tools/bin/crossplane}"

if [[ ! -x "${CROSSPLANE}" ]]; then
	echo "xpkg: ${CROSSPLANE} not found; run 'make tools' first" >&2
	exit 1
fi
if ! compgen -G "package/input/*.yaml" >/dev/null; then
	echo "xpkg: no input CRD in package/input; run 'make generate' first" >&2
	exit 1
fi

mkdir -p "${OUTPUT_DIR}"
OUTPUT_DIR="$(cd "${OUTPUT_DIR}" && pwd)"
IMAGES="${OUTPUT_DIR}/images"
mkdir -p "${IMAGES}"

echo "xpkg: building runtime images ${VERSION} for ${PLATFORMS}" >&2
# hack/image prints "os/arch<TAB>tarball" for every platform it built.
go run ./hack/image -version "${VERSION}" -out "${IMAGES}" -platforms "${PLATFORMS}" >"${IMAGES}/built.txt"
mapfile -t BUILT <"${IMAGES}/built.txt"
if [[ ${#BUILT[@]} -eq 0 ]]; then
	echo "xpkg: hack/image built no image" >&2
	exit 1
fi

# The CLI drops every package file whose path contains the examples root as
# given, so hand it an absolute path that no file under package/ can contain.
EXAMPLES="${ROOT}/example"

for line in "${BUILT[@]}"; do
	platform="${line%%$'\t'*}"
	tarball="${line#*$'\t'}"
	arch="${platform#*/}"
	arch="${arch//\//-}"
	out="${OUTPUT_DIR}/${NAME}-${arch}.xpkg"
	rm -f "${out}"
	echo "xpkg: ${platform} -> ${out}" >&2
	"${CROSSPLANE}" xpkg build \
		--package-root=package \
		--examples-root="${EXAMPLES}" \
		--embed-runtime-image-tarball="${tarball}" \
		--package-file="${out}"
done

ls -l "${OUTPUT_DIR}"/${NAME}-*.xpkg >&2

# The Configuration packages (docs/install.md): configuration-space-scaling
# holds the XRD and the Composition of example/, each cloud's package only
# its crossplane.yaml (dependsOn). They hold no image, so one file each
# serves every platform.
CONFIGS="${OUTPUT_DIR}/configuration"
rm -rf "${CONFIGS}"
for cfg in base aws gcp azure; do
	root="${CONFIGS}/${cfg}/package"
	examples="${CONFIGS}/${cfg}/examples"
	mkdir -p "${root}" "${examples}"
	cp "configuration/${cfg}/crossplane.yaml" "${root}/"
	if [[ "${cfg}" == base ]]; then
		cp example/xrd.yaml example/composition.yaml "${root}/"
		name=configuration-space-scaling
	else
		cp "example/xr-${cfg}.yaml" "${examples}/"
		name="configuration-space-scaling-${cfg}"
	fi
	out="${OUTPUT_DIR}/${name}.xpkg"
	rm -f "${out}"
	echo "xpkg: ${name} -> ${out}" >&2
	"${CROSSPLANE}" xpkg build \
		--package-root="${root}" \
		--examples-root="${examples}" \
		--package-file="${out}"
done
ls -l "${OUTPUT_DIR}"/configuration-space-scaling*.xpkg >&2
