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
# A tool built with -ldflags (version stamps) is also rebuilt when the flags
# recorded in the binary differ from the ones asked for.
#
# On a machine with empty Go caches every tool together took 28.7 minutes
# (the Crossplane CLI alone about 10, kube-apiserver about 7; docs/testing.md
# has each figure); afterwards this script returns in well
# under a second.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# TOOLS_BIN overrides where the tools go (default _tools/bin).
bin="${TOOLS_BIN:-${root}/_tools/bin}"
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

# built_ldflags BINARY prints the -ldflags BINARY was built with, if any.
built_ldflags() {
	# go version -m quotes a value holding spaces: -ldflags="-X a=b -X c=d".
	go version -m "$1" 2>/dev/null | awk -F'\t' '
		$2 == "build" && $3 ~ /^-ldflags=/ {
			sub(/^-ldflags=/, "", $3)
			if ($3 ~ /^".*"$/) { $3 = substr($3, 2, length($3) - 2) }
			print $3
			exit
		}'
}

# build NAME TOOLDIR MODULE PACKAGE [LDFLAGS]
build() {
	local name="$1" dir="${root}/tools/$2" module="$3" pkg="$4" ldflags="${5:-}"
	local want have start
	want="$(required_version "${dir}/go.mod" "${module}")"
	if [[ -z "${want}" ]]; then
		echo "tools: tools/$2/go.mod does not require ${module}" >&2
		return 1
	fi
	if [[ -x "${bin}/${name}" ]]; then
		have="$(built_version "${bin}/${name}")"
		if [[ "${have}" == "${want}" && "$(built_ldflags "${bin}/${name}")" == "${ldflags}" ]]; then
			return 0
		fi
		echo "tools: _tools/bin/${name} is ${have:-of unknown version} (ldflags '$(built_ldflags "${bin}/${name}")'), tools/$2 wants ${want} (ldflags '${ldflags}'): rebuilding"
	fi
	echo "tools: building _tools/bin/${name} from ${pkg} ${want} (minutes on a cold build cache)..."
	start=${SECONDS}
	# Build to a temporary name so an interrupted build never leaves a broken binary behind.
	(cd "${dir}" && go build -ldflags="${ldflags}" -o "${bin}/${name}.partial" "${pkg}")
	mv -f "${bin}/${name}.partial" "${bin}/${name}"
	echo "tools: built _tools/bin/${name} in $((SECONDS - start))s"
}

build crossplane        crossplane     github.com/crossplane/cli/v2              github.com/crossplane/cli/v2/cmd/crossplane
# The engine carries its release version: the package manager checks each
# package's spec.crossplane.version constraint against it (an unstamped build
# reports no version and refuses every constrained package).
build crossplane-engine crossplane     github.com/crossplane/crossplane/v2       github.com/crossplane/crossplane/v2/cmd/crossplane \
	"-X github.com/crossplane/crossplane-runtime/v2/pkg/version.version=$(required_version "${root}/tools/crossplane/go.mod" github.com/crossplane/crossplane/v2)"
build controller-gen    controller-gen sigs.k8s.io/controller-tools              sigs.k8s.io/controller-tools/cmd/controller-gen
build golangci-lint     golangci-lint  github.com/golangci/golangci-lint/v2      github.com/golangci/golangci-lint/v2/cmd/golangci-lint

# The real control plane of the cluster suite (test/cluster).
k8s="$(required_version "${root}/tools/kubernetes/go.mod" k8s.io/kubernetes)"
k8s_minor="${k8s#v1.}"
k8s_minor="${k8s_minor%%.*}"
# Stamped like a release build, so discovery reports the real server version.
k8s_ldflags="-X k8s.io/component-base/version.gitVersion=${k8s} -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=${k8s_minor} -X k8s.io/component-base/version.gitTreeState=clean"
build etcd                    etcd                go.etcd.io/etcd/server/v3                    go.etcd.io/etcd/server/v3
build kube-apiserver          kubernetes          k8s.io/kubernetes                            k8s.io/kubernetes/cmd/kube-apiserver "${k8s_ldflags}"
build kube-controller-manager kubernetes          k8s.io/kubernetes                            k8s.io/kubernetes/cmd/kube-controller-manager "${k8s_ldflags}"
build provider-kubernetes     provider-kubernetes github.com/crossplane-contrib/provider-kubernetes github.com/crossplane-contrib/provider-kubernetes/cmd/provider
