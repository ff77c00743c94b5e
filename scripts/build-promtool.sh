#!/usr/bin/env bash
# Builds promtool (Prometheus' rule checker and rule unit-test runner), which
# test/promtool/ (npm run test:promtool) runs on the platform's alert rules and
# dashboard queries, from Go modules only (Go toolchain + Go module proxy; no
# prebuilt binaries):
#
#   .toolchain/promtool/bin/promtool   Prometheus 3.16.0 (module v0.316.0)
#
# The wrapper module tools/promtool/ (go.mod + go.sum committed, used with
# -mod=readonly, so every download is checked against go.sum) lists the
# package as a `tool`. Built with the tag remove_all_sd: Prometheus' optional
# service-discovery plugins (AWS, Azure, GCE, Consul, ...) are left out, which
# `check rules`, `test rules` and `promql format` do not use (see
# tools/promtool/README.md).
# A stamp file (.toolchain/promtool/stamp) records the version, the tags, the
# Go version and a hash of tools/promtool (but its README) + this script; when
# it matches and the binary exists, nothing is rebuilt. With warm Go caches it
# also works offline.
#
# Usage: scripts/build-promtool.sh [--force]
#   --force (or PROMTOOL_FORCE=1)  rebuild even when the stamp matches
set -euo pipefail

# --- Pinned versions (the wrapper go.mod pins the same; checked below) -------
PROMETHEUS_MODULE_VERSION="v0.316.0"   # github.com/prometheus/prometheus
PROMETHEUS_VERSION="3.16.0"            # the release that module version is (its VERSION file)
BUILD_TAGS="remove_all_sd"
# ---------------------------------------------------------------------------

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SRC="$ROOT/tools/promtool"
OUT="$ROOT/.toolchain/promtool"
BIN="$OUT/bin"
STAMP="$OUT/stamp"
PKG="github.com/prometheus/prometheus/cmd/promtool"

FORCE="${PROMTOOL_FORCE:-0}"
for arg in "$@"; do
  case "$arg" in
    --force) FORCE=1 ;;
    -h|--help) sed -n '2,21p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "build-promtool: unknown argument: $arg" >&2; exit 2 ;;
  esac
done

log() { printf '[build-promtool] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

command -v go >/dev/null 2>&1 || die "go is not on PATH (Go >= 1.26.7 is needed)"
GO_VERSION="$(go env GOVERSION)"

# The stamp: everything that changes the output.
sources_hash() {
  (
    cd "$ROOT"
    find tools/promtool -type f ! -name README.md -print0 | LC_ALL=C sort -z | xargs -0 sha256sum
    sha256sum scripts/build-promtool.sh
  ) | sha256sum | cut -d' ' -f1
}
stamp_content() {
  cat <<EOF
prometheus=$PROMETHEUS_VERSION ($PROMETHEUS_MODULE_VERSION)
tags=$BUILD_TAGS
go=$GO_VERSION
sources=$(sources_hash)
EOF
}

WANT_STAMP="$(stamp_content)"
if [[ "$FORCE" != 1 && -f "$STAMP" ]] && [[ "$(cat "$STAMP")" == "$WANT_STAMP" ]] && [[ -x "$BIN/promtool" ]]; then
  log "up to date ($STAMP matches); nothing to do"
  exit 0
fi

mkdir -p "$BIN"
rm -f "$STAMP"

export CGO_ENABLED=0
export GOFLAGS="${GOFLAGS:+$GOFLAGS }-mod=readonly"
log "$(go version); GOMODCACHE=$(go env GOMODCACHE) GOCACHE=$(go env GOCACHE) GOPROXY=$(go env GOPROXY)"

TOTAL_START=$SECONDS

got="$(cd "$SRC" && go list -m -f '{{if .Replace}}{{.Replace.Version}}{{else}}{{.Version}}{{end}}' github.com/prometheus/prometheus)"
[[ "$got" == "$PROMETHEUS_MODULE_VERSION" ]] \
  || die "tools/promtool/go.mod selects github.com/prometheus/prometheus $got, but this script pins $PROMETHEUS_MODULE_VERSION"

# The version promtool prints (github.com/prometheus/common/version, as
# Prometheus' .promu.yml sets it). BuildDate is the release's commit time as
# the module proxy reports it, in promu's format (reproducible builds);
# Revision stays unset (the proxy does not tell the release commit).
build_date="$(cd "$SRC" && go list -m -f '{{.Time.UTC.Format "20060102-15:04:05"}}' github.com/prometheus/prometheus)"
V="github.com/prometheus/common/version"
LDFLAGS="-X $V.Version=$PROMETHEUS_VERSION"
LDFLAGS+=" -X $V.BuildUser=flink-platform -X $V.BuildDate=$build_date"

log "== promtool (tags: $BUILD_TAGS)"
t0=$SECONDS
# Download (and verify against go.sum) the modules that provide the packages
# of this build; a no-op with a warm module cache.
(cd "$SRC" && go list -tags "$BUILD_TAGS" -deps "$PKG" >/dev/null)
t1=$SECONDS
(cd "$SRC" && go build -trimpath -tags "$BUILD_TAGS" -ldflags "-s -w $LDFLAGS" -o "$BIN/.promtool.tmp" "$PKG")
mv -f "$BIN/.promtool.tmp" "$BIN/promtool"
t2=$SECONDS
log "   promtool: download $((t1 - t0))s, compile+link $((t2 - t1))s, $(du -h "$BIN/promtool" | cut -f1)"

# Sanity checks: the binary reports the pinned version and tags, and can
# check a rule file.
got="$("$BIN/promtool" --version 2>&1)"
grep -q "^promtool, version $PROMETHEUS_VERSION " <<<"$got" || die "promtool --version printed '$got', expected version $PROMETHEUS_VERSION"
grep -q "tags: *$BUILD_TAGS\$" <<<"$got" || die "promtool --version printed '$got', expected tags $BUILD_TAGS"
probe="$(mktemp -d)"
trap 'rm -rf "$probe"' EXIT
printf 'groups:\n  - name: probe\n    rules:\n      - alert: Probe\n        expr: up == 0\n' >"$probe/rules.yaml"
"$BIN/promtool" check rules "$probe/rules.yaml" >/dev/null || die "promtool check rules fails on a trivial rule file"

printf '%s\n' "$WANT_STAMP" >"$STAMP"

log "done in $((SECONDS - TOTAL_START))s: download $((t1 - t0))s, compile+link $((t2 - t1))s"
log "binary $BIN/promtool; stamp $STAMP"
