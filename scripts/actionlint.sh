#!/usr/bin/env bash
# Lints .github/workflows with actionlint (its own checks, plus shellcheck on run: steps when shellcheck is installed).
# actionlint is built once from its Go module at the pinned version into a cache outside the repository, so every
# later run starts in milliseconds and no binary is downloaded from anywhere but the Go module proxy.
# Usage: bash scripts/actionlint.sh [actionlint args]   (ACTIONLINT_PRINT_PATH=1: only build and print the binary)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

version=v1.7.12
cache="${XDG_CACHE_HOME:-$HOME/.cache}/create-something/actionlint/$version"
bin="$cache/actionlint"

if [[ ! -x "$bin" ]]; then
	if ! command -v go >/dev/null; then
		echo "actionlint.sh: Go is not installed, so actionlint $version cannot be built. Install Go >= 1.24 (Debian: apt-get install golang-go, or the official tarball) and run this again." >&2
		exit 1
	fi
	echo "actionlint.sh: building github.com/rhysd/actionlint $version into $cache (once)" >&2
	mkdir -p "$cache"
	# A private GOBIN: nothing lands in the user's ~/go/bin, and the version is in the path.
	GOBIN="$cache" GOFLAGS=-mod=mod go install "github.com/rhysd/actionlint/cmd/actionlint@$version"
fi

if [[ "${ACTIONLINT_PRINT_PATH:-}" == 1 ]]; then
	echo "$bin"
	exit 0
fi
exec "$bin" -no-color "$@"
