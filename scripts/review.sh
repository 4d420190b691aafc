#!/usr/bin/env bash
# A review stack on this machine, beside the local stack, on the same emulator (what the pull-request workflow does
# in the review account):
#   pnpm review:up <number>     start the emulator if needed, create stack pr-<number>, `pulumi up`, print its sites
#   pnpm review:down <number>   `pulumi destroy` pr-<number>, then `pulumi stack rm` (its Pulumi.pr-<number>.yaml too)
# The token is not put in the stack config: it is passed as CLOUDFLARE_API_TOKEN, as CI does. The emulator keeps
# running after review:down (other stacks may use it; `pnpm local:down` stops it).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
say() { printf '[review] %s\n' "$*" >&2; }
usage() {
	say "usage: pnpm review:up <pull request number> | pnpm review:down <pull request number>"
	exit 2
}

action=${1:-}
number=${2:-}
[[ $action == up || $action == down ]] || usage
[[ $number =~ ^[1-9][0-9]{0,8}$ ]] || usage
shift 2
stack="pr-$number"

# shellcheck source=scripts/lib/emulator.sh
. "$root/scripts/lib/emulator.sh"
# Not a secret: it only encrypts this machine's review stack state (which holds no real secret), as for local.
export PULUMI_CONFIG_PASSPHRASE=${PULUMI_CONFIG_PASSPHRASE:-create-something-local}
export CLOUDFLARE_API_TOKEN=$emulator_token

bash "$root/scripts/bootstrap.sh"
# shellcheck source=scripts/pulumi-env.sh
. "$root/scripts/pulumi-env.sh"

stack_exists() {
	pulumi stack ls --json 2>/dev/null | node -e 'const s=JSON.parse(require("fs").readFileSync(0,"utf8"));process.exit(s.some((x)=>x.name===process.argv[1])?0:1)' "$stack"
}

case $action in
up)
	start_emulator review
	pulumi stack select "$stack" --create --non-interactive >/dev/null
	pulumi config set create-something:accountId "$emulator_account_id" --stack "$stack"
	pulumi config set cloudflare:baseUrl "$emulator_api" --stack "$stack"
	# The sites' secrets (the visitor-id key, ltd's unsubscribe-link key): one each per review stack, made once (a
	# new value would redeploy the sites that bind it).
	for key in visitorKey unsubscribeSecret; do
		pulumi config get "create-something:$key" --stack "$stack" >/dev/null 2>&1 ||
			pulumi config set --secret "create-something:$key" "$(openssl rand -hex 32)" --stack "$stack"
	done
	pulumi up --stack "$stack" --yes --non-interactive "$@"
	say "sites of $stack:"
	pulumi stack output apps --stack "$stack" --json |
		node -e 'const a=JSON.parse(require("fs").readFileSync(0,"utf8"));for(const[n,o]of Object.entries(a))console.log(`  ${n.padEnd(7)} ${o.productionUrl}`)'
	;;
down)
	if ! stack_exists; then
		say "there is no stack $stack: nothing to destroy"
		exit 0
	fi
	start_emulator review
	empty_stack_buckets "$stack"
	pulumi destroy --stack "$stack" --yes --non-interactive "$@"
	pulumi stack rm "$stack" --yes --non-interactive
	say "$stack destroyed and removed; the emulator keeps running for the other stacks (pnpm local:down stops it)"
	;;
esac
