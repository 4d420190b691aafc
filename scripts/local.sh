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

port=8787
api="http://127.0.0.1:$port/client/v4"
data_dir="$root/.cloudflare-local"
pid_file="$data_dir/emulator.pid"
log_file="$data_dir/emulator.log"
# Not a secret: it only encrypts the local stack's state on this machine (the local stack holds no real secrets).
export PULUMI_CONFIG_PASSPHRASE=${PULUMI_CONFIG_PASSPHRASE:-create-something-local}
# `pnpm typecheck` checks the program; type-checking it again on every run doubled preview time (17.9 s vs 8.8 s).
export PULUMI_NODEJS_TRANSPILE_ONLY=${PULUMI_NODEJS_TRANSPILE_ONLY:-true}
token=$(sed -n 's/^ *cloudflare:apiToken: *//p' Pulumi.local.yaml)

say() { printf '[local] %s\n' "$*" >&2; }

emulator_answers() {
	curl -fsS -o /dev/null --max-time 2 -H "Authorization: Bearer $token" "$api/user/tokens/verify" 2>/dev/null
}

start_emulator() {
	if emulator_answers; then
		say "emulator already answering on $api"
		return
	fi
	mkdir -p "$data_dir"
	say "starting the Cloudflare emulator on $api (log: ${log_file#"$root"/})"
	# Its own session, so it keeps serving the sites after this script exits; its pid is kept for local:down.
	setsid pnpm --silent emulator --port "$port" --data-dir "$data_dir" >"$log_file" 2>&1 </dev/null &
	echo $! >"$pid_file"
	for _ in $(seq 1 120); do
		emulator_answers && return
		kill -0 "$(cat "$pid_file")" 2>/dev/null || break
		sleep 0.5
	done
	say "the emulator did not come up; its log:"
	tail -n 30 "$log_file" >&2
	exit 1
}

stop_emulator() {
	[[ -f $pid_file ]] || return 0
	local pid
	pid=$(cat "$pid_file")
	if kill -0 "$pid" 2>/dev/null; then
		say "stopping the emulator (process group $pid)"
		kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid"
	fi
	rm -f "$pid_file"
}

bash "$root/scripts/bootstrap.sh"
# shellcheck source=scripts/pulumi-env.sh
. "$root/scripts/pulumi-env.sh"
pulumi stack select local --create --non-interactive >/dev/null 2>&1 || pulumi stack select local --non-interactive

case $action in
up)
	start_emulator
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
	start_emulator
	pulumi preview --stack local --diff --non-interactive "$@"
	;;
down)
	start_emulator
	pulumi destroy --stack local --yes --non-interactive "$@"
	stop_emulator
	;;
*)
	say "unknown action $action: use up, preview or down"
	exit 2
	;;
esac
