#!/usr/bin/env bash
# Builds the throw-away Kubernetes cluster that scripts/with-cluster.sh starts,
# from Go modules only (Go toolchain + Go module proxy; no prebuilt binaries):
#
#   .toolchain/cluster/bin/etcd                     etcd v3.6.16
#   .toolchain/cluster/bin/kube-apiserver           Kubernetes v1.37.2
#   .toolchain/cluster/bin/kube-controller-manager  Kubernetes v1.37.2
#   .toolchain/cluster/bin/kube-scheduler           Kubernetes v1.37.2
#   .toolchain/cluster/bin/kwok                     kwok v0.8.0 (fake kubelets)
#   .toolchain/cluster/kwok/stages.yaml             kwok's default Stages + ours
#   .toolchain/cluster/crds/cert-manager/*.yaml     cert-manager CRDs
#   .toolchain/cluster/crds/prometheus-operator/*.yaml  prometheus-operator CRDs
#
# Each part has a wrapper module under tools/cluster/ (go.mod + go.sum
# committed, used with -mod=readonly, so every download is checked against
# go.sum). The YAML files are copied out of the same verified module sources.
# A stamp file (.toolchain/cluster/stamp) records the versions, the Go version
# and a hash of tools/cluster (but its README) + this script; when it matches and every output
# exists, nothing is rebuilt. With warm Go caches it also works offline.
#
# Usage: scripts/build-cluster.sh [--force]
#   --force (or CLUSTER_FORCE=1)  rebuild even when the stamp matches
set -euo pipefail

# --- Pinned versions (the wrapper go.mod files pin the same; checked below) --
ETCD_VERSION="v3.6.16"                 # go.etcd.io/etcd/server/v3
KUBERNETES_VERSION="v1.37.2"           # k8s.io/kubernetes (staging modules v0.37.2)
KWOK_VERSION="v0.8.0"                  # sigs.k8s.io/kwok
CERT_MANAGER_VERSION="v1.21.2"         # github.com/cert-manager/cert-manager (CRDs only)
PROMETHEUS_OPERATOR_VERSION="v0.85.0"  # github.com/prometheus-operator/prometheus-operator (CRDs only)
# ---------------------------------------------------------------------------

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SRC="$ROOT/tools/cluster"
OUT="$ROOT/.toolchain/cluster"
BIN="$OUT/bin"
STAMP="$OUT/stamp"
BINARIES=(etcd kube-apiserver kube-controller-manager kube-scheduler kwok)

FORCE="${CLUSTER_FORCE:-0}"
for arg in "$@"; do
  case "$arg" in
    --force) FORCE=1 ;;
    -h|--help) sed -n '2,23p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "build-cluster: unknown argument: $arg" >&2; exit 2 ;;
  esac
done

log() { printf '[build-cluster] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

command -v go >/dev/null 2>&1 || die "go is not on PATH (Go >= 1.26 is needed)"
GO_VERSION="$(go env GOVERSION)"

# The stamp: everything that changes the output.
sources_hash() {
  (
    cd "$ROOT"
    find tools/cluster -type f ! -name README.md -print0 | LC_ALL=C sort -z | xargs -0 sha256sum
    sha256sum scripts/build-cluster.sh
  ) | sha256sum | cut -d' ' -f1
}
stamp_content() {
  cat <<EOF
etcd=$ETCD_VERSION
kubernetes=$KUBERNETES_VERSION
kwok=$KWOK_VERSION
cert-manager=$CERT_MANAGER_VERSION
prometheus-operator=$PROMETHEUS_OPERATOR_VERSION
go=$GO_VERSION
sources=$(sources_hash)
EOF
}

outputs_exist() {
  local b
  for b in "${BINARIES[@]}"; do [[ -x "$BIN/$b" ]] || return 1; done
  [[ -s "$OUT/kwok/stages.yaml" ]] || return 1
  compgen -G "$OUT/crds/cert-manager/*.yaml" >/dev/null || return 1
  compgen -G "$OUT/crds/prometheus-operator/*.yaml" >/dev/null || return 1
}

WANT_STAMP="$(stamp_content)"
if [[ "$FORCE" != 1 && -f "$STAMP" ]] && [[ "$(cat "$STAMP")" == "$WANT_STAMP" ]] && outputs_exist; then
  log "up to date ($STAMP matches); nothing to do"
  exit 0
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

# module_dir DIR MODULE: download MODULE (checked against DIR/go.sum) and
# print where its source lies in the module cache.
module_dir() {
  local dir
  dir="$(cd "$1" && go mod download -json "$2" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  [[ -n "$dir" && -d "$dir" ]] || die "module $2 (wrapper $1) is not in the module cache after go mod download"
  printf '%s\n' "$dir"
}

# build NAME DIR PKG LDFLAGS
build() {
  local name="$1" dir="$2" pkg="$3" ldflags="$4"
  local t0 t1 t2
  log "== $name"
  t0=$SECONDS
  # Download (and verify against go.sum) the modules that provide the
  # packages of this build; a no-op with a warm module cache.
  (cd "$dir" && go list -deps "$pkg" >/dev/null)
  t1=$SECONDS
  (cd "$dir" && go build -trimpath -ldflags "-s -w $ldflags" -o "$BIN/.$name.tmp" "$pkg")
  mv -f "$BIN/.$name.tmp" "$BIN/$name"
  t2=$SECONDS
  log "   $name: download $((t1 - t0))s, compile+link $((t2 - t1))s, $(du -h "$BIN/$name" | cut -f1)"
  SUMMARY+=("$(printf '%-26s download %4ss  compile %4ss' "$name" $((t1 - t0)) $((t2 - t1)))")
}

require_version "$SRC/etcd" go.etcd.io/etcd/server/v3 "$ETCD_VERSION"
for m in api/v3 client/pkg/v3 client/v3 pkg/v3; do
  require_version "$SRC/etcd" "go.etcd.io/etcd/$m" "$ETCD_VERSION"
done
require_version "$SRC/kubernetes" k8s.io/kubernetes "$KUBERNETES_VERSION"
# Every staging module must be replaced by its release of the same line
# (tools/cluster/kubernetes/gen-replaces.sh writes these).
for m in k8s.io/api k8s.io/apimachinery k8s.io/apiserver k8s.io/client-go k8s.io/component-base; do
  require_version "$SRC/kubernetes" "$m" "v0.${KUBERNETES_VERSION#v1.}"
done
require_version "$SRC/kwok" sigs.k8s.io/kwok "$KWOK_VERSION"
require_version "$SRC/crds" github.com/cert-manager/cert-manager "$CERT_MANAGER_VERSION"
require_version "$SRC/crds" github.com/prometheus-operator/prometheus-operator "$PROMETHEUS_OPERATOR_VERSION"

# etcd's version is a constant in go.etcd.io/etcd/api/v3/version; its GitSHA
# stays "Not provided" (the proxy does not tell the release commit).
build etcd "$SRC/etcd" . ""

# Without these, /version says v0.0.0-master and pulumi-kubernetes refuses the
# cluster ("minimum supported cluster version is v1.13"). buildDate is the
# release's commit time as the module proxy reports it (reproducible builds).
k8s_minor="${KUBERNETES_VERSION#v1.}"; k8s_minor="${k8s_minor%%.*}"
k8s_date="$(cd "$SRC/kubernetes" && go list -m -f '{{.Time.UTC.Format "2006-01-02T15:04:05Z"}}' k8s.io/kubernetes)"
K8S_LDFLAGS="-X k8s.io/component-base/version.gitVersion=$KUBERNETES_VERSION"
K8S_LDFLAGS+=" -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$k8s_minor"
K8S_LDFLAGS+=" -X k8s.io/component-base/version.gitTreeState=clean -X k8s.io/component-base/version.buildDate=$k8s_date"
for b in kube-apiserver kube-controller-manager kube-scheduler; do
  build "$b" "$SRC/kubernetes" "k8s.io/kubernetes/cmd/$b" "$K8S_LDFLAGS"
done

build kwok "$SRC/kwok" sigs.k8s.io/kwok/cmd/kwok "-X sigs.k8s.io/kwok/pkg/consts.Version=${KWOK_VERSION#v}"

# --- YAML copied out of the verified module sources ---------------------------

# copy_crds SRC_DIR DEST_DIR: one CustomResourceDefinition per file, named
# <metadata.name>.yaml (the launcher applies each by that name). The upstream
# files are controller-gen output named <group>_<plural>.yaml; we check that
# each holds exactly one plain (untemplated) CRD of that name.
copy_crds() {
  local from="$1" to="$2" f base name n
  rm -rf "$to"; mkdir -p "$to"
  n=0
  for f in "$from"/*.yaml; do
    base="$(basename "$f" .yaml)"
    [[ "$base" == *_* ]] || die "$f: not named <group>_<plural>.yaml"
    name="${base#*_}.${base%%_*}"
    grep -q '^kind: CustomResourceDefinition$' "$f" || die "$f: not a CustomResourceDefinition"
    grep -q "^  name: $name\$" "$f" || die "$f: metadata.name is not $name"
    ! grep -q '{{' "$f" || die "$f: contains template markup"
    # A leading '---' is fine for the API server's YAML decoder only when it
    # opens the one and only document; drop it so a file is one document.
    sed '1{/^---$/d}' "$f" >"$to/$name.yaml"
    ! grep -q '^---' "$to/$name.yaml" || die "$f: more than one YAML document"
    n=$((n + 1))
  done
  (( n > 0 )) || die "no CRDs found in $from"
  log "   $n CRDs from $from"
}

t0=$SECONDS
log "== CRDs"
# cert-manager's module holds two copies: deploy/charts/cert-manager/templates/
# crd-*.yaml are Helm templates ({{- if .Values.crds.enabled }} ...), while
# deploy/crds/*.yaml are the plain controller-gen CRDs the chart is made from.
# We take the plain ones (same schema, no Helm labels/annotations).
cm_dir="$(module_dir "$SRC/crds" github.com/cert-manager/cert-manager)"
po_dir="$(module_dir "$SRC/crds" github.com/prometheus-operator/prometheus-operator)"
copy_crds "$cm_dir/deploy/crds" "$OUT/crds/cert-manager"
copy_crds "$po_dir/example/prometheus-operator-crd" "$OUT/crds/prometheus-operator"
SUMMARY+=("$(printf '%-26s download+copy %4ss' "CRDs" $((SECONDS - t0)))")

# kwok does nothing without Stages. Use the ones kwokctl uses by default
# (node-initialize, node-heartbeat-with-lease, pod-ready, pod-complete,
# pod-delete), copied from the kwok module, joined into one config file,
# then our own (tools/cluster/kwok/stages-extra.yaml: Ingress and
# LoadBalancer Service addresses).
log "== kwok stages"
kwok_dir="$(module_dir "$SRC/kwok" sigs.k8s.io/kwok)"
mkdir -p "$OUT/kwok"
{
  first=1
  for f in node/fast/node-initialize node/heartbeat-with-lease/node-heartbeat-with-lease \
           pod/fast/pod-ready pod/fast/pod-complete pod/fast/pod-delete; do
    [[ -f "$kwok_dir/kustomize/stage/$f.yaml" ]] || die "kwok stage $f.yaml not in $kwok_dir"
    [[ $first == 1 ]] || echo "---"
    first=0
    sed '/^---$/d' "$kwok_dir/kustomize/stage/$f.yaml"
  done
  echo "---"
  cat "$SRC/kwok/stages-extra.yaml"
} >"$OUT/kwok/stages.yaml"

# Sanity checks: the binaries must report the pinned versions.
# Output is captured before grep reads it: with pipefail, `grep -q` closing the pipe
# early would kill the writer with SIGPIPE and fail a correct build at random.
etcd_says="$("$BIN/etcd" --version)"
grep -q "^etcd Version: ${ETCD_VERSION#v}\$" <<<"$etcd_says" || die "etcd --version does not say ${ETCD_VERSION#v}"
for b in kube-apiserver kube-controller-manager kube-scheduler; do
  got="$("$BIN/$b" --version)"
  [[ "$got" == "Kubernetes $KUBERNETES_VERSION" ]] || die "$b --version printed '$got', expected 'Kubernetes $KUBERNETES_VERSION'"
done
kwok_says="$("$BIN/kwok" --version)"
grep -q "${KWOK_VERSION#v}" <<<"$kwok_says" || die "kwok --version does not mention ${KWOK_VERSION#v}"

printf '%s\n' "$WANT_STAMP" >"$STAMP"

log "done in $((SECONDS - TOTAL_START))s:"
for line in "${SUMMARY[@]}"; do log "   $line"; done
log "binaries in $BIN; CRDs in $OUT/crds; stamp $STAMP"
