#!/usr/bin/env bash
# Builds the project's tools into _tools/bin from the tool modules in tools/*/go.mod.
#
# Idempotent: a tool is built only when its binary is missing, or when the
# module version embedded in the binary differs from the one its tools module
# requires. Each tool builds inside its own module so that the tool's
# dependency graph never moves the project's go.mod.
#
# `go install pkg@version` is not used on purpose: it needs the proxy's version
# list, which some proxies refuse; building inside a module pinned to the exact
# version does not.
#
# On a machine with a cold Go build cache the Crossplane CLI and engine take
# about 15 minutes together; afterwards this script returns in well under a second.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="${root}/_tools/bin"
mkdir -p "${bin}"

# required_version MODFILE MODULE prints the version MODFILE requires of MODULE.
required_version() {
	awk -v m="$2" '
		$1 == "require" { $1 = ""; $0 = $0 }
		$1 == m && $2 ~ /^v/ { print $2; exit }
	' "$1"
}

# built_version BINARY prints the version of the module holding BINARY's main package.
built_version() {
	go version -m "$1" 2>/dev/null | awk '$1 == "mod" { print $3; exit }'
}

# build NAME TOOLDIR MODULE PACKAGE
build() {
	local name="$1" dir="${root}/tools/$2" module="$3" pkg="$4"
	local want have start
	want="$(required_version "${dir}/go.mod" "${module}")"
	if [[ -z "${want}" ]]; then
		echo "tools: tools/$2/go.mod does not require ${module}" >&2
		return 1
	fi
	if [[ -x "${bin}/${name}" ]]; then
		have="$(built_version "${bin}/${name}")"
		if [[ "${have}" == "${want}" ]]; then
			return 0
		fi
		echo "tools: _tools/bin/${name} is ${have:-of unknown version}, tools/$2 wants ${want}: rebuilding"
	fi
	echo "tools: building _tools/bin/${name} from ${pkg} ${want} (minutes on a cold build cache)..."
	start=${SECONDS}
	# Build to a temporary name so an interrupted build never leaves a broken binary behind.
	(cd "${dir}" && go build -o "${bin}/${name}.partial" "${pkg}")
	mv -f "${bin}/${name}.partial" "${bin}/${name}"
	echo "tools: built _tools/bin/${name} in $((SECONDS - start))s"
}

build crossplane        crossplane     github.com/crossplane/cli/v2              github.com/crossplane/cli/v2/cmd/crossplane
build crossplane-engine crossplane     github.com/crossplane/crossplane/v2       github.com/crossplane/crossplane/v2/cmd/crossplane
build controller-gen    controller-gen sigs.k8s.io/controller-tools              sigs.k8s.io/controller-tools/cmd/controller-gen
build golangci-lint     golangci-lint  github.com/golangci/golangci-lint/v2      github.com/golangci/golangci-lint/v2/cmd/golangci-lint
