#!/usr/bin/env bash
# Makes the Pulumi engine and the plugins this repo's program needs available, and prints on
# its last stdout line the directory to put first on PATH:
#   pulumi, pulumi-language-nodejs          Pulumi CLI version (toolchain/pulumi/go.mod)
#   pulumi-resource-cloudflare              exactly the npm @pulumi/cloudflare version
#   pulumi-resource-command                 exactly the npm @pulumi/command version
#   pulumi-resource-pulumi-nodejs           dynamic providers, from node_modules/@pulumi/pulumi
# Order of preference for each binary: one already installed with the right version (PATH or
# ~/.pulumi/plugins), then the official installer (only if it answers within seconds), then a
# build from the Go modules in toolchain/ into a cache outside the repo, reused on later runs.
# Progress goes to stderr. See scripts/README-toolchain.md.
# PULUMI_TOOLCHAIN_NO_BUILD=1: never build; fail at once naming what is missing (the test runner uses this).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cache_root=${PULUMI_TOOLCHAIN_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/create-something/pulumi-toolchain}
installer_url=${PULUMI_TOOLCHAIN_INSTALLER_URL:-https://get.pulumi.com/install.sh}
installer_timeout=${PULUMI_TOOLCHAIN_INSTALLER_TIMEOUT:-4}

log() { printf 'pulumi-toolchain: %s\n' "$*" >&2; }
die() {
	log "error: $*"
	exit 1
}

# --- wanted versions: one source of truth each -------------------------------------------
pinned_npm_version() { # exact version of a root dependency in package.json
	local v
	v=$(sed -n "s|^[[:space:]]*\"$1\":[[:space:]]*\"\\([0-9][0-9.]*\\)\".*|\\1|p" "$root/package.json" | head -n1)
	[[ -n $v ]] || die "package.json must pin $1 to an exact version (e.g. \"$1\": \"1.2.3\")"
	printf '%s' "$v"
}
pulumi_version=$(sed -n 's/^[[:space:]]*github.com\/pulumi\/pulumi\/pkg\/v3 v\([0-9.]*\).*/\1/p' "$root/toolchain/pulumi/go.mod")
[[ -n $pulumi_version ]] || die "toolchain/pulumi/go.mod must require github.com/pulumi/pulumi/pkg/v3 at a release version"
cloudflare_version=$(pinned_npm_version @pulumi/cloudflare)
command_version=$(pinned_npm_version @pulumi/command)

# The key names the versions and hashes the wrapper modules, so any change to them rebuilds.
sources_hash=$(cd "$root" && find toolchain -type f \( -name '*.go' -o -name go.mod -o -name go.sum -o -name '*.json' \) ! -name '*_test.go' |
	LC_ALL=C sort | xargs sha256sum | sha256sum | cut -c1-12)
key="pulumi-${pulumi_version}_cloudflare-${cloudflare_version}_command-${command_version}_${sources_hash}"
bin="$cache_root/$key/bin"
mkdir -p "$bin"

# --- 1. already installed, with the right version ----------------------------------------
version_of() { # prints what `<binary> <flag>` says its version is, or nothing
	timeout 10 "$1" "$2" </dev/null 2>/dev/null | head -n1 | sed 's/^v//' || true
}
# Finds <name> on PATH (outside our own cache) whose version is <version>.
find_on_path() {
	local name=$1 version=$2 flag=$3 candidate
	while IFS= read -r candidate; do
		[[ $candidate == "$cache_root"/* ]] && continue
		[[ $(version_of "$candidate" "$flag") == "$version" ]] && {
			printf '%s' "$candidate"
			return 0
		}
	done < <(type -ap "$name" 2>/dev/null || true)
	return 1
}
use() { # use <existing binary> as <name> in the bin dir
	[[ $(readlink "$bin/$2" 2>/dev/null || true) == "$1" ]] || ln -sfn "$1" "$bin/$2"
}
have() { [[ -x $bin/$1 ]]; }

if ! have pulumi; then
	if found=$(find_on_path pulumi "$pulumi_version" version); then
		log "using $found (v$pulumi_version)"
		use "$found" pulumi
	fi
fi
if ! have pulumi-language-nodejs; then
	if found=$(find_on_path pulumi-language-nodejs "$pulumi_version" -version); then
		log "using $found"
		use "$found" pulumi-language-nodejs
	fi
fi
for plugin in "cloudflare:$cloudflare_version" "command:$command_version"; do
	name=${plugin%%:*} version=${plugin#*:}
	have "pulumi-resource-$name" && continue
	installed="$HOME/.pulumi/plugins/resource-$name-v$version/pulumi-resource-$name"
	if [[ -x $installed ]]; then
		log "using installed plugin $installed"
		use "$installed" "pulumi-resource-$name"
	elif found=$(find_on_path "pulumi-resource-$name" "$version" --version); then
		log "using $found"
		use "$found" "pulumi-resource-$name"
	fi
done

# --- 2. the official installer, only if it answers at once --------------------------------
missing() {
	local n
	for n in pulumi pulumi-language-nodejs pulumi-resource-cloudflare pulumi-resource-command; do
		have "$n" || printf '%s ' "$n"
	done
}
if [[ -n $(missing) && ${PULUMI_TOOLCHAIN_SKIP_INSTALLER:-} != true && ${PULUMI_TOOLCHAIN_NO_BUILD:-} != 1 ]]; then
	script=$(mktemp)
	if curl -fsSL --connect-timeout "$installer_timeout" --max-time $((installer_timeout * 3)) -o "$script" "$installer_url" 2>/dev/null; then
		log "official installer reachable: installing Pulumi v$pulumi_version"
		dest="$cache_root/installer-$pulumi_version"
		if sh "$script" --version "$pulumi_version" --install-root "$dest" --no-edit-path --silent >&2 &&
			[[ -x $dest/bin/pulumi ]]; then
			have pulumi || use "$dest/bin/pulumi" pulumi
			have pulumi-language-nodejs || use "$dest/bin/pulumi-language-nodejs" pulumi-language-nodejs
			for plugin in "cloudflare:$cloudflare_version" "command:$command_version"; do
				name=${plugin%%:*} version=${plugin#*:}
				have "pulumi-resource-$name" && continue
				if timeout 600 "$dest/bin/pulumi" plugin install resource "$name" "$version" >&2; then
					use "$HOME/.pulumi/plugins/resource-$name-v$version/pulumi-resource-$name" "pulumi-resource-$name"
				fi
			done
		else
			log "official installer failed; building from Go modules instead"
		fi
	else
		log "official installer not reachable within ${installer_timeout}s; building from Go modules"
	fi
	rm -f "$script"
fi

# --- 3. build from the Go modules in toolchain/ -------------------------------------------
module_hash() { # content hash of one wrapper module
	(cd "$root/toolchain/$1" && find . -type f ! -name '*_test.go' | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -c1-12)
}
build() { # build <binary name> <module dir> <package> <version> [extra go build args...]
	local name=$1 dir=$2 pkg=$3 version=$4
	shift 4
	have "$name" && return 0
	# Each binary has its own store entry, so changing one module rebuilds only that binary.
	local store
	store="$cache_root/build/$name-$version-$(module_hash "$dir")"
	if [[ ! -x $store/$name ]]; then
		# Callers that must not stall for a cold build (the test runner) ask only for what is cached.
		[[ ${PULUMI_TOOLCHAIN_NO_BUILD:-} != 1 ]] ||
			die "$name v$version is not built yet (PULUMI_TOOLCHAIN_NO_BUILD=1); build it with: pnpm toolchain"
		command -v go >/dev/null || die "$name is missing and Go is not installed: install Go >= 1.26 (or put $name v$version on PATH)"
		local started=$SECONDS tmp="$store/.$name.$$"
		mkdir -p "$store"
		log "building $name v$version from toolchain/$dir (first build only; later runs reuse it)"
		(
			cd "$root/toolchain/$dir"
			# Default GOPATH/GOMODCACHE/GOCACHE on purpose: later builds reuse the downloads.
			CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS="${GOFLAGS:+$GOFLAGS }-mod=mod" \
				go build -trimpath "$@" -o "$tmp" "$pkg"
		) || {
			rm -f "$tmp"
			die "building $name failed (see the go output above)"
		}
		mv -f "$tmp" "$store/$name"
		log "built $name in $((SECONDS - started))s ($(du -h "$store/$name" | cut -f1))"
	fi
	ln -f "$store/$name" "$bin/$name"
}

build pulumi pulumi github.com/pulumi/pulumi/pkg/v3/cmd/pulumi "$pulumi_version" \
	-tags osusergo,grpcnotrace \
	-ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$pulumi_version"
build pulumi-language-nodejs language-nodejs . "$pulumi_version" \
	-ldflags "-s -w -X main.version=$pulumi_version"
build pulumi-resource-command resource-command . "$command_version" \
	-ldflags "-s -w -X main.version=$command_version"
build pulumi-resource-cloudflare resource-cloudflare . "$cloudflare_version" \
	-ldflags "-s -w -X main.version=$cloudflare_version"

# --- dynamic providers: the script that ships with @pulumi/pulumi --------------------------
dynamic="$root/node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs"
[[ -f $dynamic ]] || die "$dynamic is missing: run 'pnpm install' at the repo root first"
# A copy, not a link: the cache is shared by every clone of the repo on this machine. The
# script finds @pulumi/pulumi from the program's directory, so the copy works for any clone.
cmp -s "$dynamic" "$bin/pulumi-resource-pulumi-nodejs" 2>/dev/null || {
	cp "$dynamic" "$bin/.pulumi-resource-pulumi-nodejs.$$"
	chmod +x "$bin/.pulumi-resource-pulumi-nodejs.$$"
	mv -f "$bin/.pulumi-resource-pulumi-nodejs.$$" "$bin/pulumi-resource-pulumi-nodejs"
}

printf '%s\n' "$bin"
