#!/usr/bin/env bash
# Builds the Pulumi toolchain this project runs with, from Go modules only
# (Go toolchain + Go module proxy; no downloads of prebuilt binaries):
#
#   .toolchain/bin/pulumi                      Pulumi CLI
#   .toolchain/bin/pulumi-language-nodejs      our own minimal Node.js language host
#   .toolchain/bin/pulumi-resource-kubernetes  pulumi-kubernetes provider
#   .toolchain/bin/pulumi-resource-random      our own bridged "random" provider
#
# Each binary has its own wrapper module under tools/toolchain/ (go.mod +
# go.sum committed, built with -mod=readonly, so builds are reproducible).
# A stamp file (.toolchain/stamp) records the pinned versions, the Go
# version and a hash of tools/toolchain + this script; when it matches and
# all binaries exist, nothing is rebuilt. With warm Go caches (~/go/pkg/mod,
# ~/.cache/go-build) the build also works offline.
#
# Usage: scripts/build-toolchain.sh [--force]
#   --force (or TOOLCHAIN_FORCE=1)  rebuild even when the stamp matches
#
# Put .toolchain/bin first on PATH to use the result; pulumi finds the
# language host next to itself and the providers on PATH.
set -euo pipefail

# --- Pinned versions (the wrapper go.mod files pin the same; checked below) --
PULUMI_VERSION="v3.274.1"            # github.com/pulumi/pulumi/{pkg,sdk}/v3
KUBERNETES_PROVIDER_VERSION="4.25.0" # reported by pulumi-resource-kubernetes
KUBERNETES_PROVIDER_MODULE_VERSION="v4.0.0-20260115033456-f47bc2d6f199" # provider/v4 = v4.25.0
RANDOM_PROVIDER_VERSION="4.21.1"     # reported by our random provider (= @pulumi/random SDK)
TERRAFORM_BRIDGE_VERSION="v3.135.0"  # github.com/pulumi/pulumi-terraform-bridge/v3
TERRAFORM_PROVIDER_RANDOM_VERSION="v1.3.2-0.20260513075824-f8d869dc98d9"
# ---------------------------------------------------------------------------

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SRC="$ROOT/tools/toolchain"
OUT="$ROOT/.toolchain"
BIN="$OUT/bin"
STAMP="$OUT/stamp"
BINARIES=(pulumi pulumi-language-nodejs pulumi-resource-kubernetes pulumi-resource-random)

FORCE="${TOOLCHAIN_FORCE:-0}"
for arg in "$@"; do
  case "$arg" in
    --force) FORCE=1 ;;
    -h|--help) sed -n '2,22p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "build-toolchain: unknown argument: $arg" >&2; exit 2 ;;
  esac
done

log() { printf '[build-toolchain] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

command -v go >/dev/null 2>&1 || die "go is not on PATH (Go >= 1.26.6 is needed)"
GO_VERSION="$(go env GOVERSION)"

# The stamp: everything that changes the output.
sources_hash() {
  (
    cd "$ROOT"
    find tools/toolchain -type f \
      ! -name 'schema-embed.json' ! -name 'terraform-mapping-embed.json' -print0 \
      | LC_ALL=C sort -z | xargs -0 sha256sum
    sha256sum scripts/build-toolchain.sh
  ) | sha256sum | cut -d' ' -f1
}
stamp_content() {
  cat <<EOF
pulumi=$PULUMI_VERSION
pulumi-language-nodejs=$PULUMI_VERSION (flink-platform host, sdk $PULUMI_VERSION)
pulumi-resource-kubernetes=$KUBERNETES_PROVIDER_VERSION ($KUBERNETES_PROVIDER_MODULE_VERSION)
pulumi-resource-random=$RANDOM_PROVIDER_VERSION (flink-platform, terraform-bridge $TERRAFORM_BRIDGE_VERSION, terraform-provider-random $TERRAFORM_PROVIDER_RANDOM_VERSION)
go=$GO_VERSION
sources=$(sources_hash)
EOF
}

WANT_STAMP="$(stamp_content)"
if [[ "$FORCE" != 1 && -f "$STAMP" ]] && [[ "$(cat "$STAMP")" == "$WANT_STAMP" ]]; then
  all_there=1
  for b in "${BINARIES[@]}"; do [[ -x "$BIN/$b" ]] || all_there=0; done
  if [[ $all_there == 1 ]]; then
    log "up to date ($STAMP matches); nothing to do"
    exit 0
  fi
fi

mkdir -p "$BIN"
rm -f "$STAMP"

export CGO_ENABLED=0
export GOFLAGS="${GOFLAGS:+$GOFLAGS }-mod=readonly"
log "$(go version); GOMODCACHE=$(go env GOMODCACHE) GOCACHE=$(go env GOCACHE) GOPROXY=$(go env GOPROXY)"

SUMMARY=()
TOTAL_START=$SECONDS

# require_version DIR MODULE VERSION: the wrapper's go.mod must select VERSION.
require_version() {
  local got
  got="$(cd "$1" && go list -m -f '{{if .Replace}}{{.Replace.Version}}{{else}}{{.Version}}{{end}}' "$2")"
  [[ "$got" == "$3" ]] || die "$1/go.mod selects $2 $got, but this script pins $3"
}

# build NAME DIR PKG LDFLAGS [PRE_BUILD_FUNCTION]
build() {
  local name="$1" dir="$2" pkg="$3" ldflags="$4" pre="${5:-}"
  local t0 t1 t2
  log "== $name"
  t0=$SECONDS
  # Download (and verify against go.sum) the modules that provide the
  # packages of this build; a no-op with a warm module cache.
  if [[ -n "$pre" ]]; then
    (cd "$dir" && "$pre")
  fi
  (cd "$dir" && go list -deps "$pkg" >/dev/null)
  t1=$SECONDS
  (cd "$dir" && go build -trimpath -ldflags "-s -w $ldflags" -o "$BIN/.$name.tmp" "$pkg")
  mv -f "$BIN/.$name.tmp" "$BIN/$name"
  t2=$SECONDS
  log "   $name: download $((t1 - t0))s, compile+link $((t2 - t1))s, $(du -h "$BIN/$name" | cut -f1)"
  SUMMARY+=("$(printf '%-28s download %4ss  compile %4ss' "$name" $((t1 - t0)) $((t2 - t1)))")
}

# The kubernetes provider embeds two files that upstream generates and never
# commits; produce them from the module's committed schema.json and
# terraform-mapping.json (gitignored, regenerated on every build).
kubernetes_embeds() {
  go mod download github.com/pulumi/pulumi-kubernetes/provider/v4
  local moddir
  moddir="$(go list -m -f '{{.Dir}}' github.com/pulumi/pulumi-kubernetes/provider/v4)"
  [[ -n "$moddir" ]] || die "pulumi-kubernetes provider module not found in the module cache"
  go run ./genembed/main.go "$moddir/cmd/pulumi-resource-kubernetes" . "$KUBERNETES_PROVIDER_VERSION"
}

require_version "$SRC/cli" github.com/pulumi/pulumi/pkg/v3 "$PULUMI_VERSION"
require_version "$SRC/cli" github.com/pulumi/pulumi/sdk/v3 "$PULUMI_VERSION"
require_version "$SRC/nodejs-host" github.com/pulumi/pulumi/sdk/v3 "$PULUMI_VERSION"
require_version "$SRC/kubernetes" github.com/pulumi/pulumi-kubernetes/provider/v4 "$KUBERNETES_PROVIDER_MODULE_VERSION"
require_version "$SRC/random" github.com/pulumi/pulumi-terraform-bridge/v3 "$TERRAFORM_BRIDGE_VERSION"
require_version "$SRC/random" github.com/terraform-providers/terraform-provider-random "$TERRAFORM_PROVIDER_RANDOM_VERSION"

# The CLI first: the language host shares most of its compiled packages.
build pulumi "$SRC/cli" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi \
  "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$PULUMI_VERSION"
build pulumi-language-nodejs "$SRC/nodejs-host" . \
  "-X main.version=$PULUMI_VERSION"
build pulumi-resource-kubernetes "$SRC/kubernetes" . \
  "-X github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version.Version=$KUBERNETES_PROVIDER_VERSION" \
  kubernetes_embeds
build pulumi-resource-random "$SRC/random" . \
  "-X main.version=$RANDOM_PROVIDER_VERSION"

# Sanity check: the CLI must report the pinned version.
got="$("$BIN/pulumi" version)"
[[ "$got" == "$PULUMI_VERSION" ]] || die "pulumi version printed '$got', expected $PULUMI_VERSION"

printf '%s\n' "$WANT_STAMP" >"$STAMP"

log "done in $((SECONDS - TOTAL_START))s:"
for line in "${SUMMARY[@]}"; do log "   $line"; done
log "binaries in $BIN; stamp $STAMP"
