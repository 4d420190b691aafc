#!/usr/bin/env bash
# Clears the lock a killed `pulumi up` left on a stack of a file backend, when (and only when) the process that took
# it is gone from this machine. Pulumi's file backend records each lock as
# <state>/.pulumi/locks/<org>/<project>/<stack>/<id>.json = {"pid", "username", "hostname", "timestamp"}; a run that
# is killed (Ctrl-C twice, a closed terminal, OOM) never removes its file, and every later run fails with "the stack
# is currently locked". The one command that clears it is `pulumi cancel --stack <stack> --yes`, which this script
# runs, and says so.
#   bash scripts/clear-stale-lock.sh <stack>    (needs PULUMI_BACKEND_URL=file://…, `pulumi` on PATH)
# Exit status: 0 when the stack is free now (nothing to clear, or cleared), 1 when a live or foreign run holds it.
set -euo pipefail
stack=${1:?usage: clear-stale-lock.sh <stack>}
say() { printf '[lock] %s\n' "$*" >&2; }

backend=${PULUMI_BACKEND_URL:-}
if [[ $backend != file://* ]]; then
	say "PULUMI_BACKEND_URL is not a file backend ($backend): on Pulumi Cloud, see the stack's updates in the console; if none is running, clear the lock with: pulumi cancel --stack $stack --yes"
	exit 0
fi
locks="${backend#file://}/.pulumi/locks"
[[ -d $locks ]] || exit 0

this_host=$(hostname)
status=0
stale=0
while IFS= read -r -d '' file; do
	# pid and hostname of the run that took the lock (node is on PATH wherever this repository runs).
	# shellcheck disable=SC2016 # the backticks are JavaScript's
	read -r pid host < <(node -e 'const l=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8"));console.log(`${l.pid} ${l.hostname}`)' "$file")
	if [[ $host != "$this_host" ]]; then
		say "stack $stack is locked by pid $pid on $host, another machine: if that run is gone, clear the lock with: pulumi cancel --stack $stack --yes"
		status=1
	elif kill -0 "$pid" 2>/dev/null; then
		say "stack $stack is locked by a pulumi run that is still going (pid $pid on this machine): wait for it, or stop it first"
		status=1
	else
		say "stack $stack is locked by pid $pid on this machine, which is gone (a run that was killed): its lock is stale"
		stale=1
	fi
done < <(find "$locks" -path "*/$stack/*.json" -type f -print0 2>/dev/null)

if ((stale == 1 && status == 0)); then
	say "clearing it: pulumi cancel --stack $stack --yes"
	pulumi cancel --stack "$stack" --yes --non-interactive >&2
fi

# A kill that lands while the backend rewrites the checkpoint can leave it empty ("failed to load checkpoint: EOF";
# seen once in four kills in the e2e tier). The backend copied the previous checkpoint to <stack>.json.bak just
# before; say how to put it back rather than let the next run fail with a bare EOF.
while IFS= read -r -d '' checkpoint; do
	if ! node -e 'JSON.parse(require("fs").readFileSync(process.argv[1],"utf8"))' "$checkpoint" 2>/dev/null; then
		say "the checkpoint of stack $stack ($checkpoint) is cut short: the run was killed while saving it"
		say "put back the one saved before it: cp '$checkpoint.bak' '$checkpoint', then: pulumi refresh --stack $stack --yes (resources made after that save are not in it: pnpm adopt --stack $stack finds them by name)"
		status=1
	fi
done < <(find "${backend#file://}/.pulumi/stacks" -name "$stack.json" -type f -print0 2>/dev/null)
exit "$status"
