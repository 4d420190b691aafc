#!/usr/bin/env bash
# Runs the Go tests of this repo's own Pulumi plugins and language host (toolchain/).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
for module in language-nodejs resource-command resource-cloudflare; do
	(cd "$root/toolchain/$module" && CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS="${GOFLAGS:+$GOFLAGS }-mod=mod" go test -trimpath ./...)
done
