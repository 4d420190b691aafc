#!/usr/bin/env bash
# Makes the Pulumi engine and upstream's plugins available for this repo's program, and prints on its last stdout
# line the bin directory to put first on PATH. Every binary is upstream's own; nothing here builds a plugin.
#   <key>/bin/pulumi                          the CLI, version of toolchain/pulumi/go.mod (built from Go modules)
#   <key>/bin/pulumi-language-nodejs          upstream's Node.js language host, beside the CLI
#   <key>/bin/pulumi-resource-pulumi-nodejs   dynamic providers, from node_modules/@pulumi/pulumi
#   <key>/home/plugins/resource-cloudflare-v<npm @pulumi/cloudflare>/   installed with `pulumi plugin install --file`
#   <key>/home/plugins/resource-command-v<npm @pulumi/command>/
# <key>/home is the PULUMI_HOME to run the engine with (scripts/pulumi-env.sh exports it): the resource plugins are
# installed there instead of being put on PATH, so the engine prints no "using pulumi-resource-… from $PATH" warning.
# <key>/toolchain.json records where each binary came from and its sha256 (the e2e tier checks it).
#
# Where each binary comes from, first that has it:
#   1. already installed at the right version (the CLI on PATH with its language host beside it; a resource plugin
#      in this PULUMI_HOME or in ~/.pulumi/plugins);
#   2. where the internet answers: the official installer for the CLI and language host, `pulumi plugin install`
#      for the resource plugins;
#   3. the offline plugin folder PULUMI_OFFLINE_PLUGINS (default ../shared/pulumi-plugins beside the repo, when it
#      exists): xz-compressed upstream builds, checked against its SHA256SUMS;
#   and for the CLI only, last: a build from the Go modules in toolchain/pulumi.
# PULUMI_TOOLCHAIN_NO_BUILD=1: never build or download; fail at once naming what is missing (the test runner uses it).
# Progress goes to stderr. See scripts/README-toolchain.md.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cache_root=${PULUMI_TOOLCHAIN_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/create-something/pulumi-toolchain}
installer_url=${PULUMI_TOOLCHAIN_INSTALLER_URL:-https://get.pulumi.com/install.sh}
installer_timeout=${PULUMI_TOOLCHAIN_INSTALLER_TIMEOUT:-4}
no_build=${PULUMI_TOOLCHAIN_NO_BUILD:-}
if [[ -n ${PULUMI_OFFLINE_PLUGINS:-} ]]; then
	offline=$PULUMI_OFFLINE_PLUGINS
	[[ -d $offline ]] || { printf 'pulumi-toolchain: error: PULUMI_OFFLINE_PLUGINS=%s is not a folder\n' "$offline" >&2; exit 1; }
elif [[ -d $root/../shared/pulumi-plugins ]]; then
	offline=$(cd "$root/../shared/pulumi-plugins" && pwd)
else
	offline=
fi

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

key="pulumi-${pulumi_version}_cloudflare-${cloudflare_version}_command-${command_version}"
bin="$cache_root/$key/bin"
home="$cache_root/$key/home"
manifest="$cache_root/$key/toolchain.json"
mkdir -p "$bin" "$home"
pending_user_copies=() # resource plugins found in ~/.pulumi/plugins, to install into this PULUMI_HOME
# Where each binary came from, kept beside it so a later run that finds everything in place still says so.
record_source() { printf '%s\n' "$2" >"$cache_root/$key/source-$1"; }

have() { [[ -x $bin/$1 ]]; }
use() { # use <existing binary> as <name> in the bin dir
	[[ $(readlink "$bin/$2" 2>/dev/null || true) == "$1" ]] || ln -sfn "$1" "$bin/$2"
}
version_of() { # what `<binary> <flag>` says its version is, or nothing
	timeout 10 "$1" "$2" </dev/null 2>/dev/null | head -n1 | sed 's/^v//' || true
}
plugin_dir() { printf '%s/plugins/resource-%s-v%s' "$1" "$2" "$3"; }
plugin_installed() { [[ -x $(plugin_dir "$home" "$1" "$2")/pulumi-resource-$1 ]]; }
# `pulumi plugin install --file` copies the binary into PULUMI_HOME/plugins, where the engine looks first.
install_plugin_file() { # <name> <version> <binary file>
	PULUMI_HOME=$home PULUMI_SKIP_UPDATE_CHECK=true "$bin/pulumi" plugin install resource "$1" "$2" --file "$3" >&2 ||
		die "pulumi plugin install resource $1 $2 --file $3 failed (see above)"
}

# --- the offline folder: SHA256SUMS lists each .xz and each decompressed binary --------------
sum_listed() { # sha256 SHA256SUMS gives for <file name>, or nothing
	[[ -n $offline && -f $offline/SHA256SUMS ]] || return 0
	sed -n "s|^\\([0-9a-f]\\{64\\}\\)[[:space:]]\\+\\*\\?$1\$|\\1|p" "$offline/SHA256SUMS" | head -n1
}
offline_file() { # <binary name> <version>: path of the .xz in the offline folder, or nothing
	[[ -n $offline ]] || return 0
	local f="$offline/$1-v$2-linux-amd64.xz"
	[[ -f $f ]] && printf '%s' "$f"
	return 0
}
unpack_offline() { # <binary name> <version> <destination file>: decompress and verify against SHA256SUMS
	local name=$1 version=$2 dest=$3 xz_file want got
	xz_file=$(offline_file "$name" "$version")
	[[ -f $offline/SHA256SUMS ]] || die "$offline has no SHA256SUMS: refusing to run binaries that cannot be checked"
	want=$(sum_listed "$(basename "$xz_file")")
	[[ -n $want ]] || die "$offline/SHA256SUMS does not list $(basename "$xz_file")"
	got=$(sha256sum "$xz_file" | cut -d' ' -f1)
	[[ $got == "$want" ]] || die "$xz_file has sha256 $got but SHA256SUMS says $want: the file is damaged or was replaced"
	command -v xz >/dev/null || die "xz is needed to unpack $xz_file: apt-get install xz-utils"
	xz -dc "$xz_file" >"$dest.$$"
	want=$(sum_listed "$name-v$version-linux-amd64")
	[[ -n $want ]] || want=$(sum_listed "$name")
	[[ -n $want ]] || die "$offline/SHA256SUMS does not list the decompressed $name"
	got=$(sha256sum "$dest.$$" | cut -d' ' -f1)
	[[ $got == "$want" ]] || {
		rm -f "$dest.$$"
		die "$name unpacked from $xz_file has sha256 $got but SHA256SUMS says $want"
	}
	chmod +x "$dest.$$"
	mv -f "$dest.$$" "$dest"
}

# --- 1. already installed, with the right version ----------------------------------------
if ! have pulumi; then
	while IFS= read -r candidate; do
		[[ $candidate == "$cache_root"/* ]] && continue
		[[ $(version_of "$candidate" version) == "$pulumi_version" ]] || continue
		log "using $candidate (v$pulumi_version)"
		use "$candidate" pulumi
		record_source pulumi "installed: $candidate"
		# The official installer puts the language host beside the CLI: that pair belongs together.
		if [[ -x $(dirname "$candidate")/pulumi-language-nodejs ]] && ! have pulumi-language-nodejs; then
			use "$(dirname "$candidate")/pulumi-language-nodejs" pulumi-language-nodejs
			record_source pulumi-language-nodejs "installed: $(dirname "$candidate")/pulumi-language-nodejs"
		fi
		break
	done < <(type -ap pulumi 2>/dev/null || true)
fi
for plugin in "cloudflare:$cloudflare_version" "command:$command_version"; do
	name=${plugin%%:*} version=${plugin#*:}
	plugin_installed "$name" "$version" && continue
	user_copy="$(plugin_dir "$HOME/.pulumi" "$name" "$version")/pulumi-resource-$name"
	[[ -x $user_copy && $user_copy != "$home"/* ]] || continue
	record_source pulumi-resource-$name "installed: $user_copy"
	pending_user_copies+=("$name:$version:$user_copy")
done

# --- 3 (CLI only, before the others need it): build the CLI from Go modules ---------------
# The CLI is needed to install plugins, so it is settled first: installer if reachable, otherwise a Go build.
module_hash() { # content hash of the CLI's wrapper module
	(cd "$root/toolchain/pulumi" && find . -type f | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -c1-12)
}
installer_dest="$cache_root/installer-$pulumi_version"
try_installer() { # the official installer, only if it answers within seconds; sets installer_ok
	[[ -n ${installer_ok:-} ]] && return 0
	installer_ok=no
	[[ -z $no_build && ${PULUMI_TOOLCHAIN_SKIP_INSTALLER:-} != true ]] || return 0
	local script
	script=$(mktemp)
	if curl -fsSL --connect-timeout "$installer_timeout" --max-time $((installer_timeout * 3)) -o "$script" "$installer_url" 2>/dev/null; then
		log "official installer reachable: installing Pulumi v$pulumi_version"
		if sh "$script" --version "$pulumi_version" --install-root "$installer_dest" --no-edit-path --silent >&2 &&
			[[ -x $installer_dest/bin/pulumi ]]; then
			installer_ok=yes
		else
			log "the official installer failed"
		fi
	else
		log "official installer not reachable within ${installer_timeout}s"
	fi
	rm -f "$script"
}

if ! have pulumi; then
	store="$cache_root/build/pulumi-$pulumi_version-$(module_hash)"
	if [[ ! -x $store/pulumi ]]; then
		try_installer
		if [[ $installer_ok == yes ]]; then
			use "$installer_dest/bin/pulumi" pulumi
			record_source pulumi "official installer"
		fi
	fi
	if ! have pulumi; then
		if [[ ! -x $store/pulumi ]]; then
			# Callers that must not stall for a cold build (the test runner) ask only for what is there.
			[[ -z $no_build ]] || die "the pulumi CLI v$pulumi_version is not built yet (PULUMI_TOOLCHAIN_NO_BUILD=1); build it with: pnpm toolchain"
			command -v go >/dev/null || die "the pulumi CLI is missing and Go is not installed: install Go >= 1.26, or put pulumi v$pulumi_version on PATH"
			started=$SECONDS
			mkdir -p "$store"
			log "building pulumi v$pulumi_version from toolchain/pulumi (first build only; later runs reuse it)"
			(
				cd "$root/toolchain/pulumi"
				# Default GOPATH/GOMODCACHE/GOCACHE on purpose: later builds reuse the downloads.
				CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS="${GOFLAGS:+$GOFLAGS }-mod=mod" \
					go build -trimpath -tags osusergo,grpcnotrace \
					-ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$pulumi_version" \
					-o "$store/.pulumi.$$" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
			) || {
				rm -f "$store/.pulumi.$$"
				die "building pulumi failed (see the go output above)"
			}
			mv -f "$store/.pulumi.$$" "$store/pulumi"
			log "built pulumi in $((SECONDS - started))s ($(du -h "$store/pulumi" | cut -f1))"
		fi
		ln -f "$store/pulumi" "$bin/pulumi"
		record_source pulumi "built from Go modules (toolchain/pulumi)"
	fi
fi

# --- the language host: beside the CLI --------------------------------------------------
if ! have pulumi-language-nodejs; then
	if [[ -x $installer_dest/bin/pulumi-language-nodejs ]]; then
		use "$installer_dest/bin/pulumi-language-nodejs" pulumi-language-nodejs
		record_source pulumi-language-nodejs "official installer"
	fi
fi
if ! have pulumi-language-nodejs && [[ -z $(offline_file pulumi-language-nodejs "$pulumi_version") ]]; then
	try_installer
	if [[ $installer_ok == yes && -x $installer_dest/bin/pulumi-language-nodejs ]]; then
		use "$installer_dest/bin/pulumi-language-nodejs" pulumi-language-nodejs
		record_source pulumi-language-nodejs "official installer"
	fi
fi
if ! have pulumi-language-nodejs && [[ -n $offline ]]; then
	# The offline folder may hold an older language host than the CLI (it says which in its README); take the one
	# there is, newest first.
	host_xz=$(find "$offline" -maxdepth 1 -name 'pulumi-language-nodejs-v*-linux-amd64.xz' | sort -V | tail -n1)
	if [[ -n $host_xz ]]; then
		host_version=$(basename "$host_xz" | sed 's/^pulumi-language-nodejs-v\(.*\)-linux-amd64\.xz$/\1/')
		unpack_offline pulumi-language-nodejs "$host_version" "$bin/pulumi-language-nodejs"
		record_source pulumi-language-nodejs "offline folder: $host_xz"
		log "language host v$host_version from $host_xz (sha256 checked)"
	fi
fi

# --- resource plugins, installed into PULUMI_HOME ----------------------------------------
for entry in "${pending_user_copies[@]:-}"; do
	[[ -n $entry ]] || continue
	IFS=: read -r name version file <<<"$entry"
	log "installing $file into the toolchain's plugin home"
	install_plugin_file "$name" "$version" "$file"
done
for plugin in "cloudflare:$cloudflare_version" "command:$command_version"; do
	name=${plugin%%:*} version=${plugin#*:}
	if plugin_installed "$name" "$version"; then
		[[ -f $cache_root/$key/source-pulumi-resource-$name ]] || record_source pulumi-resource-$name "installed: $(plugin_dir "$home" "$name" "$version")"
		continue
	fi
	xz_file=$(offline_file "pulumi-resource-$name" "$version")
	if [[ -z $xz_file && -z $no_build && ${PULUMI_TOOLCHAIN_SKIP_INSTALLER:-} != true ]]; then
		try_installer # reachable installer = reachable internet: then `pulumi plugin install` can download
		if [[ $installer_ok == yes ]] &&
			PULUMI_HOME=$home timeout 600 "$bin/pulumi" plugin install resource "$name" "$version" >&2; then
			record_source pulumi-resource-$name "pulumi plugin install (downloaded)"
			continue
		fi
	fi
	if [[ -n $xz_file ]]; then
		tmp_dir=$(mktemp -d)
		unpack_offline "pulumi-resource-$name" "$version" "$tmp_dir/pulumi-resource-$name"
		install_plugin_file "$name" "$version" "$tmp_dir/pulumi-resource-$name"
		rm -rf "$tmp_dir"
		record_source pulumi-resource-$name "offline folder: $xz_file"
		log "installed pulumi-resource-$name v$version from $xz_file (sha256 checked)"
	fi
done

# --- nothing had it: say which binary and the three ways to provide it ---------------------
missing=()
have pulumi-language-nodejs || missing+=("pulumi-language-nodejs (upstream's, beside pulumi v$pulumi_version)")
plugin_installed cloudflare "$cloudflare_version" || missing+=("pulumi-resource-cloudflare v$cloudflare_version")
plugin_installed command "$command_version" || missing+=("pulumi-resource-command v$command_version")
if ((${#missing[@]} > 0)); then
	for m in "${missing[@]}"; do log "missing: $m"; done
	die "no source has the binaries above. Provide them in one of three ways:
  1. install them yourself: the CLI with its language host on PATH, and
     pulumi plugin install resource <name> <version>  (into ~/.pulumi/plugins);
  2. run this where the internet is reachable (the official installer and \`pulumi plugin install\` download them);
  3. point PULUMI_OFFLINE_PLUGINS at a folder of upstream builds named <binary>-v<version>-linux-amd64.xz with a
     SHA256SUMS file (default: ../shared/pulumi-plugins beside the repository${offline:+; looked in $offline})."
fi

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

# --- the project's own provider plugin: run from the repository, never copied --------------
# Pulumi.yaml names infra/provider/bin under plugins.providers, so the engine starts the checked-out code itself (a
# copy in the plugin home would go stale with every change to it). Here it is only checked and recorded.
own_plugin="$root/infra/provider/bin/pulumi-resource-createsomething"
[[ -x $own_plugin ]] || die "$own_plugin is missing or not executable (git keeps its mode: check out the repository again)"
grep -q 'path: infra/provider/bin' "$root/Pulumi.yaml" || die "Pulumi.yaml must name infra/provider/bin under plugins.providers"
own_version=$(sed -n "s/^export const PROVIDER_VERSION = '\([0-9.]*\)';/\1/p" "$root/infra/provider/identity.ts")
[[ -n $own_version ]] || die "infra/provider/identity.ts must export PROVIDER_VERSION as a version string"

# --- toolchain.json: what was used, from where, with which sha256 ---------------------------
sha256_of() { # sha256 of <file>, recomputed only when its size or mtime changed (the provider is 238 MB)
	local stamp memo="$cache_root/$key/sha256-$(basename "$1")"
	stamp=$(stat -c '%s %Y' "$1")
	if [[ -f $memo && $(head -n1 "$memo") == "$stamp" ]]; then
		sed -n 2p "$memo"
	else
		printf '%s\n%s\n' "$stamp" "$(sha256sum "$1" | cut -d' ' -f1)" >"$memo"
		sed -n 2p "$memo"
	fi
}
describe() { # <name> <file> <version>
	local file from
	file=$(readlink -f "$2")
	from=$(cat "$cache_root/$key/source-$1" 2>/dev/null || printf 'installed')
	printf '    "%s": {"version": "%s", "path": "%s", "sha256": "%s", "source": "%s"}' \
		"$1" "$3" "$file" "$(sha256_of "$file")" "${from//\"/\\\"}"
}
host_reported=$(version_of "$bin/pulumi-language-nodejs" -version)
{
	printf '{\n  "offlineFolder": "%s",\n  "pulumiHome": "%s",\n  "binaries": {\n' "$offline" "$home"
	describe pulumi "$bin/pulumi" "$pulumi_version"
	printf ',\n'
	describe pulumi-language-nodejs "$bin/pulumi-language-nodejs" "${host_reported:-unknown}"
	printf ',\n'
	describe pulumi-resource-cloudflare "$(plugin_dir "$home" cloudflare "$cloudflare_version")/pulumi-resource-cloudflare" "$cloudflare_version"
	printf ',\n'
	describe pulumi-resource-command "$(plugin_dir "$home" command "$command_version")/pulumi-resource-command" "$command_version"
	printf '\n  },\n  "projectPlugins": {\n'
	printf '    "pulumi-resource-createsomething": {"version": "%s", "path": "%s", "source": "this repository (Pulumi.yaml plugins.providers)"}' \
		"$own_version" "infra/provider/bin/pulumi-resource-createsomething"
	printf '\n  }\n}\n'
} >"$manifest.$$"
mv -f "$manifest.$$" "$manifest"

printf '%s\n' "$bin"
