#!/usr/bin/env bash
# Builds what a real Kubernetes node of the throw-away cluster runs (scripts/with-cluster.sh --real-node), from
# Debian's packages and Go modules only (no prebuilt binaries, no registry):
#
#   containerd, runc, CNI plugins    Debian's containerd, runc and containernetworking-plugins (bridge, host-local,
#   (and iptables, conntrack)        portmap, loopback), installed with apt-get when missing; no system service is
#                                    started: the launcher runs containerd itself with a config of its own
#   .toolchain/node/bin/kubelet      Kubernetes, the same k8s.io/kubernetes release and wrapper module as the API
#   .toolchain/node/bin/kube-proxy   server (tools/cluster/kubernetes), so node and control plane cannot drift
#   .toolchain/node/bin/coredns      CoreDNS with the plugins cluster DNS needs (tools/node/coredns)
#   .toolchain/node/images/pause.tar the pod sandbox image (tools/node/pause, a static Go binary), as an image
#                                    archive that `ctr images import` takes
#   .toolchain/node/stamp            versions, package versions, the Go version, a hash of tools/node and
#                                    tools/cluster/kubernetes (but READMEs) and this script; when it matches and
#                                    every output exists, nothing is done
#
# Go modules are checked against the committed go.sum files (-mod=readonly).
#
# Usage: scripts/build-node.sh [--force]
#   --force (or NODE_FORCE=1)  rebuild even when the stamp matches
set -euo pipefail

# --- Pinned versions (the wrapper go.mod files pin the same; checked below) ----
KUBERNETES_VERSION="v1.37.2"       # k8s.io/kubernetes: must be scripts/build-cluster.sh's (checked below)
COREDNS_VERSION="v1.15.0"          # github.com/coredns/coredns
PAUSE_IMAGE="flink-platform.test/pause:1"
# Debian 12 (bookworm) packages; apt installs the release's current version, recorded in the stamp.
NODE_PACKAGES=(containerd runc containernetworking-plugins iptables conntrack)
# ---------------------------------------------------------------------------------

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$ROOT/.toolchain/node"
BIN="$OUT/bin"
STAMP="$OUT/stamp"
K8S_SRC="$ROOT/tools/cluster/kubernetes"

FORCE="${NODE_FORCE:-0}"
for arg in "$@"; do
  case "$arg" in
    --force) FORCE=1 ;;
    -h|--help) sed -n '2,21p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "build-node: unknown argument: $arg" >&2; exit 2 ;;
  esac
done

log() { printf '[build-node] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
# shellcheck source=lib/debian-packages.sh
source "$ROOT/scripts/lib/debian-packages.sh"

command -v go >/dev/null 2>&1 || die "go is not on PATH (Go >= 1.26 is needed)"
GO_VERSION="$(go env GOVERSION)"
TOTAL_START=$SECONDS

cluster_pin="$(sed -n 's/^KUBERNETES_VERSION="\(v[^"]*\)".*/\1/p' "$ROOT/scripts/build-cluster.sh")"
[[ "$cluster_pin" == "$KUBERNETES_VERSION" ]] ||
  die "scripts/build-cluster.sh pins Kubernetes $cluster_pin, this script $KUBERNETES_VERSION: the node must match"

# --- Debian packages --------------------------------------------------------------

t0=$SECONDS
# Installing them starts no service (containerd's maintainer scripts would start it as the host's).
install_debian_packages "${NODE_PACKAGES[@]}"
for b in containerd containerd-shim-runc-v2 ctr runc iptables conntrack; do
  command -v "$b" >/dev/null 2>&1 || die "$b not found after installing ${NODE_PACKAGES[*]}"
done
for p in bridge host-local portmap loopback; do
  [[ -x "/usr/lib/cni/$p" ]] || die "CNI plugin /usr/lib/cni/$p not found (package containernetworking-plugins)"
done
package_versions="$(dpkg-query -W -f '${Package}=${Version}\n' "${NODE_PACKAGES[@]}")"
log "   packages ($((SECONDS - t0))s): $(tr '\n' ' ' <<<"$package_versions")"

# --- stamp -----------------------------------------------------------------------------

sources_hash() {
  (
    cd "$ROOT"
    find tools/node tools/cluster/kubernetes -type f ! -name README.md -print0 | LC_ALL=C sort -z | xargs -0 sha256sum
    sha256sum scripts/build-node.sh
  ) | sha256sum | cut -d' ' -f1
}
stamp_content() {
  cat <<EOF
kubernetes=$KUBERNETES_VERSION
coredns=$COREDNS_VERSION
pause=$PAUSE_IMAGE
go=$GO_VERSION
$package_versions
sources=$(sources_hash)
EOF
}
outputs_exist() {
  local b
  for b in kubelet kube-proxy coredns; do [[ -x "$BIN/$b" ]] || return 1; done
  [[ -s "$OUT/images/pause.tar" ]]
}
WANT_STAMP="$(stamp_content)"
if [[ "$FORCE" != 1 && -f "$STAMP" ]] && [[ "$(cat "$STAMP")" == "$WANT_STAMP" ]] && outputs_exist; then
  log "up to date ($STAMP matches); nothing to do"
  exit 0
fi
mkdir -p "$BIN" "$OUT/images"
rm -f "$STAMP"

export CGO_ENABLED=0
export GOFLAGS="${GOFLAGS:+$GOFLAGS }-mod=readonly"
log "$(go version); GOMODCACHE=$(go env GOMODCACHE) GOCACHE=$(go env GOCACHE)"

# require_version DIR MODULE VERSION: the wrapper's go.mod must select VERSION.
require_version() {
  local got
  got="$(cd "$1" && go list -m -f '{{if .Replace}}{{.Replace.Version}}{{else}}{{.Version}}{{end}}' "$2")"
  [[ "$got" == "$3" ]] || die "$1/go.mod selects $2 $got, but this script pins $3"
}
require_version "$K8S_SRC" k8s.io/kubernetes "$KUBERNETES_VERSION"
require_version "$ROOT/tools/node/coredns" github.com/coredns/coredns "$COREDNS_VERSION"

SUMMARY=()
# build NAME DIR PKG LDFLAGS
build() {
  local name="$1" dir="$2" pkg="$3" ldflags="$4" t0 t1
  log "== $name"
  t0=$SECONDS
  (cd "$dir" && go list -deps "$pkg" >/dev/null)
  t1=$SECONDS
  (cd "$dir" && go build -trimpath -ldflags "-s -w $ldflags" -o "$BIN/.$name.tmp" "$pkg")
  mv -f "$BIN/.$name.tmp" "$BIN/$name"
  log "   $name: download $((t1 - t0))s, compile+link $((SECONDS - t1))s, $(du -h "$BIN/$name" | cut -f1)"
  SUMMARY+=("$(printf '%-12s download %4ss  compile %4ss' "$name" $((t1 - t0)) $((SECONDS - t1)))")
}

# The same version stamping as the control plane (scripts/build-cluster.sh): the kubelet reports it as the
# Node's kubeletVersion, which the API server and the operator compare.
k8s_minor="${KUBERNETES_VERSION#v1.}"; k8s_minor="${k8s_minor%%.*}"
k8s_date="$(cd "$K8S_SRC" && go list -m -f '{{.Time.UTC.Format "2006-01-02T15:04:05Z"}}' k8s.io/kubernetes)"
K8S_LDFLAGS="-X k8s.io/component-base/version.gitVersion=$KUBERNETES_VERSION"
K8S_LDFLAGS+=" -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$k8s_minor"
K8S_LDFLAGS+=" -X k8s.io/component-base/version.gitTreeState=clean -X k8s.io/component-base/version.buildDate=$k8s_date"
for b in kubelet kube-proxy; do
  build "$b" "$K8S_SRC" "k8s.io/kubernetes/cmd/$b" "$K8S_LDFLAGS"
done
build coredns "$ROOT/tools/node/coredns" . \
  "-X github.com/coredns/coredns/coremain.GitCommit=${COREDNS_VERSION}-flink-platform"
build pause "$ROOT/tools/node/pause" . ""

# --- the pause image: one layer holding /pause, as a Docker image archive ---------------
# (the format `ctr images import` reads with its tag in manifest.json; fixed owners and times: the same binary
# gives the same image ID)
t0=$SECONDS
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/rootfs" "$work/archive"
cp "$BIN/pause" "$work/rootfs/pause"
tar -C "$work/rootfs" --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -cf "$work/layer.tar" pause
layer_sha="$(sha256sum "$work/layer.tar" | cut -d' ' -f1)"
mkdir -p "$work/archive/$layer_sha"
mv "$work/layer.tar" "$work/archive/$layer_sha/layer.tar"
printf '%s' "{\"architecture\":\"amd64\",\"os\":\"linux\",\"created\":\"1970-01-01T00:00:00Z\",\
\"config\":{\"Entrypoint\":[\"/pause\"],\"User\":\"65535:65535\"},\
\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"sha256:$layer_sha\"]}}" >"$work/config.json"
config_sha="$(sha256sum "$work/config.json" | cut -d' ' -f1)"
mv "$work/config.json" "$work/archive/$config_sha.json"
printf '%s' "[{\"Config\":\"$config_sha.json\",\"RepoTags\":[\"$PAUSE_IMAGE\"],\"Layers\":[\"$layer_sha/layer.tar\"]}]" \
  >"$work/archive/manifest.json"
tar -C "$work/archive" --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -cf "$OUT/images/.pause.tar" .
mv -f "$OUT/images/.pause.tar" "$OUT/images/pause.tar"
SUMMARY+=("$(printf '%-12s image %4ss (%s, image id sha256:%.12s)' pause $((SECONDS - t0)) "$PAUSE_IMAGE" "$config_sha")")

# --- sanity checks ---------------------------------------------------------------------------
for b in kubelet kube-proxy; do
  got="$("$BIN/$b" --version)"
  [[ "$got" == "Kubernetes $KUBERNETES_VERSION" ]] || die "$b --version printed '$got', expected 'Kubernetes $KUBERNETES_VERSION'"
done
plugins="$("$BIN/coredns" -plugins)"
grep -qx 'kubernetes' <<<"$(sed 's/^[[:space:]]*//;s/^dns\.//' <<<"$plugins")" ||
  die "coredns was built without its kubernetes plugin: $plugins"

printf '%s\n' "$WANT_STAMP" >"$STAMP"
log "done in $((SECONDS - TOTAL_START))s:"
for line in "${SUMMARY[@]}"; do log "   $line"; done
log "binaries in $BIN; images in $OUT/images; stamp $STAMP"
