#!/bin/sh
# Builds a terraform-provider-cloudflare binary from the exact sources the Pulumi provider 6.17.0 wraps
# (terraform-provider-cloudflare v5.19.1, commit b2277b8), holding only the four resources the stack uses, so the
# Terraform conformance test can drive the real resource code against the emulator. The Go module proxy does not
# serve that module version, so pass the sources: a git directory (bare or not) containing the commit, or a checkout.
#   tools/build-terraform-provider.sh SOURCES [OUT_DIR]   (OUT_DIR default: $HOME/.cache/cloudflare-emulator/tf-provider)
# then: CLOUDFLARE_TF_PROVIDER_DIR=OUT_DIR pnpm --filter @create-something/cloudflare-emulator test
# About 7 minutes on 2 busy cores when cloudflare-go is already in the Go build cache.
set -eu
COMMIT=b2277b8b3ba7153e4ddb2167483cd7c3909119e8
SRC=${1:?usage: build-terraform-provider.sh SOURCES [OUT_DIR]}
OUT=${2:-$HOME/.cache/cloudflare-emulator/tf-provider}
HERE=$(cd "$(dirname "$0")" && pwd)
if [ -x "$OUT/terraform-provider-cloudflare" ]; then echo "$OUT/terraform-provider-cloudflare (cached)"; exit 0; fi
WORK=$(mktemp -d)
trap 'chmod -R u+w "$WORK"; rm -rf "$WORK"' EXIT
if git --git-dir="$SRC" cat-file -e "$COMMIT^{commit}" 2>/dev/null; then
  git --git-dir="$SRC" archive "$COMMIT" | tar -x -C "$WORK"
elif git -C "$SRC" cat-file -e "$COMMIT^{commit}" 2>/dev/null; then
  git -C "$SRC" archive "$COMMIT" | tar -x -C "$WORK"
else
  cp -R "$SRC/." "$WORK/"
  chmod -R u+w "$WORK"
fi
grep -q '^module github.com/cloudflare/terraform-provider-cloudflare' "$WORK/go.mod" || { echo "$SRC is not terraform-provider-cloudflare" >&2; exit 1; }
mkdir -p "$WORK/cmd/mini" "$OUT"
cp "$HERE/terraform-mini-provider/main.go" "$WORK/cmd/mini/main.go"
(cd "$WORK" && go build -o "$OUT/terraform-provider-cloudflare" ./cmd/mini)
echo "$OUT/terraform-provider-cloudflare"
