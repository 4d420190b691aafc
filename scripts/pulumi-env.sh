# shellcheck shell=bash
# Source this (`. scripts/pulumi-env.sh`) to run the Pulumi engine offline in this repo:
# it makes sure the toolchain exists (see pulumi-toolchain.sh), puts the CLI and the repo's node_modules/.bin
# (Node 24, tsx) first on PATH, points PULUMI_HOME at the toolchain's plugin home (where upstream's resource
# plugins are installed), and sets the environment for a local file backend with no update checks and no plugin
# downloads. Callers still choose the stack passphrase (PULUMI_CONFIG_PASSPHRASE).
# PULUMI_HOME also holds `pulumi login` credentials: for a Pulumi Cloud backend, export PULUMI_ACCESS_TOKEN (as CI
# does) or run `pulumi login` once with this environment sourced.

pulumi_env_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if ! pulumi_env_bin=$(bash "$pulumi_env_root/scripts/pulumi-toolchain.sh" | tail -n1) || [[ ! -d $pulumi_env_bin ]]; then
	echo "pulumi-env: the Pulumi toolchain is not available (see the messages above)" >&2
	return 1 2>/dev/null || exit 1
fi

export PATH="$pulumi_env_bin:$pulumi_env_root/node_modules/.bin:$PATH"
export PULUMI_HOME="$(dirname "$pulumi_env_bin")/home"
# Only the plugins installed in PULUMI_HOME: a stray pulumi-resource-* on PATH is never picked up.
export PULUMI_IGNORE_AMBIENT_PLUGINS=true
export PULUMI_SKIP_UPDATE_CHECK=true
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
export PULUMI_BACKEND_URL="${PULUMI_BACKEND_URL:-file://$pulumi_env_root/.pulumi-state}"
export WRANGLER_SEND_METRICS=false
# The file backend needs its directory to exist.
[[ $PULUMI_BACKEND_URL != file://* ]] || mkdir -p "${PULUMI_BACKEND_URL#file://}"
unset pulumi_env_root pulumi_env_bin
