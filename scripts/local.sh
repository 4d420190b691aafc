#!/usr/bin/env bash
# The local stack, end to end on this machine: no Cloudflare account, no internet.
#   pnpm local:up        start the emulator if needed, then `pulumi up --stack local --yes`, then print the site URLs
#   pnpm local:preview   start the emulator if needed, then `pulumi preview --stack local --diff`
#   pnpm local:down      `pulumi destroy --stack local --yes`, then stop the emulator if this script started it
# State: Pulumi's in .pulumi-state/ (file backend), the emulator's in .cloudflare-local/ (both gitignored).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
action=${1:?usage: local.sh up|preview|down [extra pulumi flags]}
shift

# Not a secret: it only encrypts the local stack's state on this machine (the local stack holds no real secrets).
export PULUMI_CONFIG_PASSPHRASE=${PULUMI_CONFIG_PASSPHRASE:-create-something-local}

say() { printf '[local] %s\n' "$*" >&2; }

# The emulator the local and review stacks share (start_emulator, emulator_pid_file; port 8787 by default).
# shellcheck source=scripts/lib/emulator.sh
. "$root/scripts/lib/emulator.sh"

stop_emulator() {
	[[ -f $emulator_pid_file ]] || return 0
	local pid
	pid=$(cat "$emulator_pid_file")
	if kill -0 "$pid" 2>/dev/null; then
		say "stopping the emulator (process group $pid)"
		kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid"
	fi
	rm -f "$emulator_pid_file"
}

bash "$root/scripts/bootstrap.sh"
# shellcheck source=scripts/pulumi-env.sh
. "$root/scripts/pulumi-env.sh"
pulumi stack select local --create --non-interactive >/dev/null 2>&1 || pulumi stack select local --non-interactive
# A `pulumi up` killed before it finished leaves the stack locked; the lock of a process that is gone from this machine
# is cleared here (with `pulumi cancel`, said in the output), one held by a live run is left and stops this script.
bash "$root/scripts/clear-stale-lock.sh" local

case $action in
up)
	start_emulator local
	# One broken app holds back only itself: the others still deploy, the broken one keeps serving its previous
	# deployment, and the run still fails (naming it) once everything else is done.
	status=0
	pulumi up --stack local --yes --non-interactive --continue-on-error "$@" || status=$?
	say "sites:"
	{ pulumi stack output apps --stack local --json 2>/dev/null || echo '{}'; } |
		node -e 'const a=JSON.parse(require("fs").readFileSync(0,"utf8"));for(const[n,o]of Object.entries(a)){console.log(`  ${n.padEnd(7)} ${o.productionUrl}`);for(const[w,v]of Object.entries(o.workers??{}))console.log(`  ${(n+"/"+w).padEnd(7)} ${v.url}`)}'
	if ((status != 0)); then
		say "pulumi up failed (exit $status): the resources named in the errors above did not deploy; everything else did"
		exit "$status"
	fi
	;;
preview)
	start_emulator local
	pulumi preview --stack local --diff --non-interactive "$@"
	;;
down)
	start_emulator local
	empty_stack_buckets local
	pulumi destroy --stack local --yes --non-interactive "$@"
	stop_emulator
	;;
*)
	say "unknown action $action: use up, preview or down"
	exit 2
	;;
esac
