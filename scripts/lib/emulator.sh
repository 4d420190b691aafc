# shellcheck shell=bash
# Source this (`. scripts/lib/emulator.sh`) for the local emulator the local and review stacks share: one emulator
# on 127.0.0.1:$EMULATOR_PORT with its state in $EMULATOR_DATA_DIR, started in its own session when nothing answers
# there yet (its pid in $emulator_pid_file, so a stop script can end it later). Needs $root (the repository root).
# Sourced by scripts/local.sh and scripts/review.sh.
#   EMULATOR_PORT      default 8787
#   EMULATOR_DATA_DIR  default $root/.cloudflare-local

emulator_port=${EMULATOR_PORT:-8787}
emulator_api="http://127.0.0.1:$emulator_port/client/v4"
emulator_data_dir=${EMULATOR_DATA_DIR:-$root/.cloudflare-local}
emulator_pid_file="$emulator_data_dir/emulator.pid"
emulator_log_file="$emulator_data_dir/emulator.log"
# The emulator's default account and the fake token the local stack uses (Pulumi.local.yaml); neither is a secret.
emulator_account_id=$(sed -n 's/^ *create-something:accountId: *//p' "$root/Pulumi.local.yaml")
emulator_token=$(sed -n 's/^ *cloudflare:apiToken: *//p' "$root/Pulumi.local.yaml")

emulator_answers() {
	curl -fsS -o /dev/null --max-time 2 -H "Authorization: Bearer $emulator_token" "$emulator_api/user/tokens/verify" 2>/dev/null
}

# start_emulator <prefix for messages>
start_emulator() {
	local tag=${1:-emulator}
	if emulator_answers; then
		printf '[%s] emulator already answering on %s\n' "$tag" "$emulator_api" >&2
		return
	fi
	mkdir -p "$emulator_data_dir"
	printf '[%s] starting the Cloudflare emulator on %s (log: %s)\n' "$tag" "$emulator_api" "$emulator_log_file" >&2
	# Its own session, so it keeps serving the sites after this script exits.
	setsid pnpm --silent emulator --port "$emulator_port" --data-dir "$emulator_data_dir" >"$emulator_log_file" 2>&1 </dev/null &
	echo $! >"$emulator_pid_file"
	for _ in $(seq 1 120); do
		emulator_answers && return
		kill -0 "$(cat "$emulator_pid_file")" 2>/dev/null || break
		sleep 0.5
	done
	printf '[%s] the emulator did not come up; its log:\n' "$tag" >&2
	tail -n 30 "$emulator_log_file" >&2
	return 1
}

# empty_stack_buckets <stack>: empties every R2 bucket the stack's outputs name, on this emulator only (Cloudflare
# deletes no bucket that holds objects, and a rehearsal stack's objects are throwaway). Quiet when the stack has no
# outputs yet.
empty_stack_buckets() {
	local stack=$1 bucket
	for bucket in $(pulumi stack output apps --json --stack "$stack" 2>/dev/null |
		node -e 'let s="";process.stdin.on("data",(d)=>{s+=d}).on("end",()=>{if(!s.trim())return;for(const a of Object.values(JSON.parse(s)))for(const r of Object.values(a.resources??{}))if(r.kind==="r2")console.log(r.name)})'); do
		if curl -fsS -X DELETE "http://127.0.0.1:$emulator_port/__emulator/r2/$bucket/objects" >/dev/null; then
			printf '[emulator] emptied bucket %s of stack %s (the emulator only: on Cloudflare, empty it yourself)\n' "$bucket" "$stack" >&2
		else
			printf '[emulator] could not empty bucket %s of stack %s: the destroy will name it if it holds objects\n' "$bucket" "$stack" >&2
		fi
	done
}
