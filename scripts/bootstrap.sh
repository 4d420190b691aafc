#!/usr/bin/env bash
# Makes a fresh clone runnable: pnpm 10, the workspace's dependencies (Node 24 among them), and Debian's Chromium for
# the browser tests. Each step is skipped when already done, so the daily commands can call this every time.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
say() { printf '[bootstrap] %s\n' "$*" >&2; }

if ! command -v pnpm >/dev/null 2>&1; then
	say "installing pnpm 10"
	npm install -g pnpm@10 >&2
fi

# pnpm keeps a copy of the lockfile it installed from; reinstall only when the lockfile changed since.
if ! cmp -s pnpm-lock.yaml node_modules/.pnpm/lock.yaml 2>/dev/null; then
	say "installing dependencies (pnpm install --frozen-lockfile)"
	pnpm install --frozen-lockfile >&2
fi

if [[ ${1:-} == --with-browser ]] && ! command -v chromium >/dev/null 2>&1; then
	if [[ $(id -u) == 0 ]]; then
		say "installing Debian's chromium for the browser tests"
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >&2
	else
		say "chromium is missing and this is not root: install it (apt-get install chromium) or the browser tests fail"
	fi
fi
