#!/usr/bin/env bash
# Builds the platform's container images without any registry or Docker engine: a Debian bookworm root file system
# made once with mmdebstrap (minbase, OpenJDK 17 JRE and a few tools: BASE_PACKAGES below), shared by every image as
# its first layer, and one layer per image made of the project's own build outputs:
#
#   .toolchain/images/flink-1.20.4.tar     flink-platform.test/flink:1.20.4-scala_2.12-java17   (scripts/build-flink.sh)
#   .toolchain/images/flink-2.2.1.tar      flink-platform.test/flink:2.2.1-scala_2.12-java17
#   .toolchain/images/operator.tar         flink-platform.test/flink-kubernetes-operator:1.15.0 (scripts/build-operator.sh)
#   .toolchain/images/fetcher.tar          flink-platform.test/fetcher:<curl version>            (the base only)
#   .toolchain/images/minio.tar            flink-platform.test/minio:<pseudo-version>  minio+mc (scripts/build-services.sh)
#   .toolchain/images/zookeeper.tar        flink-platform.test/zookeeper:3.9.4
#   .toolchain/images/images.txt           one line per image: `<reference> <archive file name>`
#   .toolchain/images/manifest.txt         every image's layers (digests, sizes) and the base's Debian packages
#   .toolchain/images/stamp                what the archives were built from (see below)
#   .toolchain/images/base/                the shared base layer (cache) and its package list (packages.txt)
#
# Each archive is an OCI image layout in a tar (oci-layout, index.json, blobs/sha256/...) whose index names the
# image (`io.containerd.image.name` and `org.opencontainers.image.ref.name` annotations), so that
#   ctr -n k8s.io images import .toolchain/images/flink-1.20.4.tar
# imports it under its reference, for pods with that exact image and `imagePullPolicy: IfNotPresent` or `Never`.
# The registry host flink-platform.test does not exist (.test is reserved): nothing can ever pull these names.
# tools/images/smoke.sh imports every archive into a private containerd and runs a command in each.
#
# What goes into each image, and how its entrypoint behaves: tools/images/README.md. The base's package versions are
# recorded in .toolchain/images/base/packages.txt; tools/images/base-packages.txt is the reviewed list (a rebuilt
# base that differs from it is reported; --update-lock rewrites it). deb.debian.org serves only the current bookworm
# versions, so the base is rebuilt only when its inputs change (the package list, the suites, this script) or with
# --rebuild-base; each image is rebuilt when its own inputs' stamps change. Every image prints its build time.
#
# Usage: scripts/build-images.sh [--force] [--rebuild-base] [--update-lock] [image...]
#   image           flink-1.20.4 flink-2.2.1 operator fetcher minio zookeeper (default: all)
#   --force         rebuild the images even when their stamps match (or IMAGES_FORCE=1); the base is kept
#   --rebuild-base  run mmdebstrap again (implies --force)
#   --update-lock   write tools/images/base-packages.txt from the base's packages; review the diff and commit it
# Environment:
#   IMAGES_COMPRESSION  zstd (default) or gzip: how layers are compressed (containerd >= 1.5 reads both)
#   DEBIAN_MIRROR       default http://deb.debian.org/debian (and its -security sibling)
set -euo pipefail
umask 022

# --- Pinned ---------------------------------------------------------------------------------------------------
DEBIAN_SUITE="bookworm"
DEBIAN_MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
DEBIAN_SECURITY="${DEBIAN_MIRROR%/debian}/debian-security"
# Minbase plus: the JRE, a shell and the tools the platform's scripts call (curl and sha256sum in the fetchers, sed,
# envsubst, nc in ZooKeeper's probes, ps for Flink's scripts), tini for images whose process does not reap children.
BASE_PACKAGES=(openjdk-17-jre-headless bash coreutils curl ca-certificates procps gettext-base netbase tini
  netcat-openbsd)
JAVA_HOME_IN_IMAGE="/usr/lib/jvm/java-17-openjdk-amd64"
REGISTRY="flink-platform.test"
FLINK_VERSIONS=(1.20.4 2.2.1)
OPERATOR_VERSION="1.15.0"
ZOOKEEPER_VERSION="3.9.4"
# The uids the platform's pods run as (components/): Flink and the operator 9999, MinIO and ZooKeeper 1000.
FLINK_UID=9999
SERVICE_UID=1000
FETCHER_UID=65534 # nobody: the fetchers run as their pod's uid; this is only what runAsNonRoot sees without one
# Layer times: fixed, so that the same inputs give the same layers.
SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-1767225600}" # 2026-01-01T00:00:00Z
CREATED="2026-01-01T00:00:00Z"
# --------------------------------------------------------------------------------------------------------------

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SRC="$ROOT/tools/images"
OUT="$ROOT/.toolchain/images"
BASE="$OUT/base"
STAMPS="$OUT/stamps"
TC="$ROOT/.toolchain"
ALL_IMAGES=(flink-1.20.4 flink-2.2.1 operator fetcher minio zookeeper)

FORCE="${IMAGES_FORCE:-0}"
REBUILD_BASE=0
UPDATE_LOCK=0
COMPRESSION="${IMAGES_COMPRESSION:-zstd}"
IMAGES=()
for arg in "$@"; do
  case "$arg" in
    --force) FORCE=1 ;;
    --rebuild-base) REBUILD_BASE=1; FORCE=1 ;;
    --update-lock) UPDATE_LOCK=1 ;;
    -h|--help) sed -n '2,42p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    flink-1.20.4|flink-2.2.1|operator|fetcher|minio|zookeeper) IMAGES+=("$arg") ;;
    *) echo "build-images: unknown argument: $arg" >&2; exit 2 ;;
  esac
done
((${#IMAGES[@]} > 0)) || IMAGES=("${ALL_IMAGES[@]}")

log() { printf '[build-images] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
# shellcheck source=lib/debian-packages.sh
source "$ROOT/scripts/lib/debian-packages.sh"

# The build's own tools, from Debian, installed when missing (a clean CI machine has none of them).
BUILD_PACKAGES=(mmdebstrap jq zstd)
install_debian_packages "${BUILD_PACKAGES[@]}"

case "$COMPRESSION" in
  zstd) LAYER_MEDIA="application/vnd.oci.image.layer.v1.tar+zstd"; COMPRESS=(zstd -q -T0 -6 --no-progress -c) ;;
  gzip) LAYER_MEDIA="application/vnd.oci.image.layer.v1.tar+gzip"; COMPRESS=(gzip -n -6 -c) ;;
  *) die "IMAGES_COMPRESSION must be zstd or gzip, not $COMPRESSION" ;;
esac
for tool in tar sha256sum jq "${COMPRESS[0]}"; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool is not on PATH"
done
[[ "$(uname -m)" == x86_64 ]] || die "only amd64 images are built (JAVA_HOME_IN_IMAGE, the image configs)"

mkdir -p "$OUT" "$BASE" "$STAMPS"
TOTAL_START=$SECONDS
WORK="$(mktemp -d "$OUT/.work.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
SUMMARY=()
summary() { SUMMARY+=("$(printf '%-14s %s' "$1" "$2")"); log "   $1: $2"; }

hash_files() { sha256sum "$@" | sha256sum | cut -d' ' -f1; }
# tools/images (but README.md, smoke.sh and base-packages.txt, which build nothing) and this script.
sources_hash() {
  (
    cd "$ROOT"
    find tools/images -type f ! -name README.md ! -name smoke.sh ! -name base-packages.txt -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum
    sha256sum scripts/build-images.sh
  ) | sha256sum | cut -d' ' -f1
}
SOURCES_HASH="$(sources_hash)"

# --- layers ---------------------------------------------------------------------------------------------------
# Layer tars: sorted names, numeric owners, fixed times (mtimes clamped to SOURCE_DATE_EPOCH), no atime/ctime.
TAR_OPTS=(--sort=name --numeric-owner --format=posix --mtime="@$SOURCE_DATE_EPOCH" --clamp-mtime
  --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime)

# compress_layer TAR DIR: writes the blob into DIR/blobs/sha256 and prints "<diff_id> <digest> <size>".
compress_layer() {
  local tar="$1" dir="$2" diff_id digest size
  diff_id="$(sha256sum "$tar" | cut -d' ' -f1)"
  "${COMPRESS[@]}" "$tar" >"$tar.z"
  digest="$(sha256sum "$tar.z" | cut -d' ' -f1)"
  size="$(stat -c %s "$tar.z")"
  mkdir -p "$dir/blobs/sha256"
  mv -f "$tar.z" "$dir/blobs/sha256/$digest"
  printf '%s %s %s\n' "$diff_id" "$digest" "$size"
}

# --- the base: mmdebstrap once -------------------------------------------------------------------------------
# The base is keyed on its own inputs only: the suites, the packages, and the code that makes it (the functions
# below and the tar options), so that editing an image's definition does not run mmdebstrap again.
base_stamp() {
  printf 'suite=%s\nmirror=%s %s\npackages=%s\ncompression=%s\nrecipe=%s\n' "$DEBIAN_SUITE" "$DEBIAN_MIRROR" \
    "$DEBIAN_SECURITY" "${BASE_PACKAGES[*]}" "$COMPRESSION" \
    "$({ declare -f build_base compress_layer; printf '%s\n' "${TAR_OPTS[@]}" "$JAVA_HOME_IN_IMAGE"; } | sha256sum | cut -d' ' -f1)"
}
build_base() {
  local want t0 root
  want="$(base_stamp)"
  if [[ "$REBUILD_BASE" != 1 && -f "$BASE/stamp" && "$(cat "$BASE/stamp")" == "$want" && -f "$BASE/layer" ]] &&
    [[ -f "$BASE/blobs/sha256/$(cut -d' ' -f2 "$BASE/layer")" ]]; then
    log "base: up to date ($(cat "$BASE/layer"))"
    return
  fi
  command -v mmdebstrap >/dev/null 2>&1 || die "mmdebstrap is not on PATH (apt-get install mmdebstrap)"
  [[ "$(id -u)" == 0 ]] || die "mmdebstrap --mode=root needs root"
  log "== base: mmdebstrap $DEBIAN_SUITE minbase + ${BASE_PACKAGES[*]}"
  rm -rf "$BASE"
  mkdir -p "$BASE"
  t0=$SECONDS
  root="$WORK/base-root"
  export IMAGES_BASE_DIR="$BASE"
  # Documentation and translations are dropped (copyright files stay); the apt lists and package cache too,
  # after their Release dates are recorded (what "bookworm" meant for this base). update-alternatives needs
  # man1/ to exist (the JRE's postinst links java.1.gz there), so it is made first and emptied at the end.
  mmdebstrap --variant=minbase --mode=root \
    --include="$(IFS=,; echo "${BASE_PACKAGES[*]}")" \
    --aptopt='Acquire::Retries "3"' \
    --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright' \
    --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/locale/*' \
    --dpkgopt='path-exclude=/usr/share/info/*' \
    --essential-hook='mkdir -p "$1/usr/share/man/man1"' \
    --customize-hook='grep -H "^Date:" "$1"/var/lib/apt/lists/*_InRelease | sed "s|^.*/lists/||" >"$IMAGES_BASE_DIR/release-dates.txt"' \
    --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/* "$1"/var/log/* "$1"/tmp/* "$1"/var/cache/debconf/*-old "$1"/var/lib/dpkg/*-old "$1"/usr/share/man/*' \
    --customize-hook=': >"$1/etc/resolv.conf"; rm -f "$1/etc/hostname"' \
    "$DEBIAN_SUITE" "$root" \
    "deb $DEBIAN_MIRROR $DEBIAN_SUITE main" \
    "deb $DEBIAN_MIRROR $DEBIAN_SUITE-updates main" \
    "deb $DEBIAN_SECURITY $DEBIAN_SUITE-security main" >&2 || die "mmdebstrap failed"
  local t1=$SECONDS
  [[ -x "$root$JAVA_HOME_IN_IMAGE/bin/java" ]] || die "no java at $JAVA_HOME_IN_IMAGE in the base"
  dpkg-query --admindir="$root/var/lib/dpkg" -W -f '${Package} ${Version}\n' | LC_ALL=C sort >"$BASE/packages.txt"
  # What the images add users to.
  mkdir -p "$BASE/etc"
  cp "$root/etc/passwd" "$root/etc/group" "$BASE/etc/"
  # Top-level entries by name (no "./" prefix); /dev, /proc, /sys, /run and /tmp stay as empty directories.
  local entries=()
  mapfile -t entries < <(cd "$root" && ls -A | LC_ALL=C sort)
  tar --create --file="$WORK/base.tar" --directory="$root" "${TAR_OPTS[@]}" --anchored \
    --exclude='dev/*' --exclude='proc/*' --exclude='sys/*' --exclude='run/*' --exclude='tmp/*' "${entries[@]}"
  compress_layer "$WORK/base.tar" "$BASE" >"$BASE/layer"
  rm -f "$WORK/base.tar"
  rm -rf "$root"
  printf '%s\n' "$want" >"$BASE/stamp"
  summary base "$((SECONDS - t0))s (mmdebstrap $((t1 - t0))s, layer $((SECONDS - t1))s): $(wc -l <"$BASE/packages.txt") packages, $(cut -d' ' -f3 "$BASE/layer") bytes"
}

check_lock() {
  local lock="$SRC/base-packages.txt"
  if [[ "$UPDATE_LOCK" == 1 ]]; then
    cp "$BASE/packages.txt" "$lock"
    log "wrote $lock ($(wc -l <"$lock") packages): review and commit it"
  elif [[ ! -f "$lock" ]]; then
    log "WARNING: no $lock yet (run with --update-lock once, review, commit)"
  elif ! cmp -s "$lock" "$BASE/packages.txt"; then
    log "WARNING: the base's packages differ from $lock (deb.debian.org moved on):"
    diff "$lock" "$BASE/packages.txt" | sed -n 's/^[<>]/  &/p' >&2 || true
  fi
}

# --- one image ------------------------------------------------------------------------------------------------
# An image is described by a function that fills the staging directory $STAGE (owners set there as in the image),
# may append whole trees with add_tree, and sets the config variables below.
STAGE=""
LAYER_TAR=""
CFG_USER=""
CFG_WORKDIR="/"
CFG_ENV=()
CFG_ENTRYPOINT=()
CFG_CMD=()
CFG_PORTS=()
TREES=() # "SRC|DEST|UID:GID" appended after the staged files

add_tree() { TREES+=("$1|$2|$3"); }

# add_user NAME UID GID HOME: appends a user and its group to the base's passwd and group, in $STAGE/etc.
add_user() {
  local name="$1" uid="$2" gid="$3" home="$4"
  mkdir -p "$STAGE/etc"
  [[ -f "$STAGE/etc/passwd" ]] || cp "$BASE/etc/passwd" "$BASE/etc/group" "$STAGE/etc/"
  printf '%s:x:%s:%s::%s:/bin/bash\n' "$name" "$uid" "$gid" "$home" >>"$STAGE/etc/passwd"
  printf '%s:x:%s:\n' "$name" "$gid" >>"$STAGE/etc/group"
  chmod 0644 "$STAGE/etc/passwd" "$STAGE/etc/group"
}

# install_file SRC DEST MODE UID:GID: a file into $STAGE (its new directories root's, 0755).
install_file() {
  install -d -m 0755 "$STAGE$(dirname "$2")"
  install -m "$3" -o "${4%%:*}" -g "${4##*:}" "$1" "$STAGE$2"
}

json_array() { if (($# == 0)); then echo '[]'; else printf '%s\n' "$@" | jq -R . | jq -s -c .; fi; }

# write_image NAME REFERENCE: the layer, config, manifest and index, then the archive.
write_image() {
  local name="$1" ref="$2" dir="$WORK/$name-oci" base_diff base_digest base_size diff digest size
  rm -rf "$dir"
  mkdir -p "$dir/blobs/sha256"
  read -r base_diff base_digest base_size <"$BASE/layer"
  cp "$BASE/blobs/sha256/$base_digest" "$dir/blobs/sha256/"
  # The image's own layer: the staged files (with their directories), then each tree under its new name.
  LAYER_TAR="$WORK/$name-layer.tar"
  local entries=()
  mapfile -t entries < <(cd "$STAGE" && ls -A | LC_ALL=C sort)
  tar --create --file="$LAYER_TAR" --directory="$STAGE" "${TAR_OPTS[@]}" "${entries[@]}"
  local tree src dest owner
  for tree in "${TREES[@]}"; do
    IFS='|' read -r src dest owner <<<"$tree"
    [[ -d "$src" ]] || die "$name: $src is missing"
    # The tree's top directory becomes DEST (symbolic link targets are left as they are: flag S); everything is
    # readable by all (a build's temp directories are 0700, and the images' users are not their owners).
    tar --append --file="$LAYER_TAR" --directory="$(dirname "$src")" "${TAR_OPTS[@]}" \
      --owner="${owner%%:*}" --group="${owner##*:}" --mode=go+rX --exclude=.stamp \
      --transform="s|^$(basename "$src")|${dest#/}|S" "$(basename "$src")"
  done
  compress_layer "$LAYER_TAR" "$dir" >"$WORK/$name.layer"
  read -r diff digest size <"$WORK/$name.layer"
  rm -f "$LAYER_TAR"

  local ports_json='{}' p
  for p in "${CFG_PORTS[@]}"; do ports_json="$(jq -c --arg p "$p" '. + {($p): {}}' <<<"$ports_json")"; done
  local config
  config="$(jq -n -c --arg created "$CREATED" --arg user "$CFG_USER" --arg wd "$CFG_WORKDIR" \
    --argjson env "$(json_array "${CFG_ENV[@]}")" --argjson ep "$(json_array "${CFG_ENTRYPOINT[@]}")" \
    --argjson cmd "$(json_array "${CFG_CMD[@]}")" --argjson ports "$ports_json" \
    --arg base "sha256:$base_diff" --arg layer "sha256:$diff" --arg ref "$ref" --arg pkgs "${BASE_PACKAGES[*]}" '
    {created: $created, architecture: "amd64", os: "linux",
     config: ({User: $user, Env: $env, Entrypoint: $ep, WorkingDir: $wd,
               Labels: {"org.opencontainers.image.ref.name": $ref}}
              + (if ($cmd | length) > 0 then {Cmd: $cmd} else {} end)
              + (if ($ports | length) > 0 then {ExposedPorts: $ports} else {} end)),
     rootfs: {type: "layers", diff_ids: [$base, $layer]},
     history: [{created: $created, created_by: ("mmdebstrap bookworm minbase + " + $pkgs)},
               {created: $created, created_by: ("scripts/build-images.sh " + $ref)}]}')"
  local config_digest config_size manifest manifest_digest manifest_size
  printf '%s' "$config" >"$dir/config.json"
  config_digest="$(sha256sum "$dir/config.json" | cut -d' ' -f1)"
  config_size="$(stat -c %s "$dir/config.json")"
  mv "$dir/config.json" "$dir/blobs/sha256/$config_digest"
  manifest="$(jq -n -c --arg cd "sha256:$config_digest" --argjson cs "$config_size" --arg media "$LAYER_MEDIA" \
    --arg bd "sha256:$base_digest" --argjson bs "$base_size" --arg ld "sha256:$digest" --argjson ls "$size" '
    {schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json",
     config: {mediaType: "application/vnd.oci.image.config.v1+json", digest: $cd, size: $cs},
     layers: [{mediaType: $media, digest: $bd, size: $bs}, {mediaType: $media, digest: $ld, size: $ls}]}')"
  printf '%s' "$manifest" >"$dir/manifest.json"
  manifest_digest="$(sha256sum "$dir/manifest.json" | cut -d' ' -f1)"
  manifest_size="$(stat -c %s "$dir/manifest.json")"
  mv "$dir/manifest.json" "$dir/blobs/sha256/$manifest_digest"
  # containerd names an imported image after io.containerd.image.name; other tools read the OCI ref name (the tag).
  jq -n -c --arg md "sha256:$manifest_digest" --argjson ms "$manifest_size" --arg ref "$ref" --arg tag "${ref##*:}" '
    {schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json",
     manifests: [{mediaType: "application/vnd.oci.image.manifest.v1+json", digest: $md, size: $ms,
                  platform: {architecture: "amd64", os: "linux"},
                  annotations: {"io.containerd.image.name": $ref, "org.opencontainers.image.ref.name": $tag}}]}' \
    >"$dir/index.json"
  printf '{"imageLayoutVersion":"1.0.0"}' >"$dir/oci-layout"
  tar --create --file="$OUT/.$name.tar.tmp" --directory="$dir" "${TAR_OPTS[@]}" --owner=0 --group=0 \
    oci-layout index.json blobs
  mv -f "$OUT/.$name.tar.tmp" "$OUT/$name.tar"
  rm -rf "$dir"
  printf '%s\n' "$ref" >"$STAMPS/$name.ref"
  {
    printf '%s %s\n' "$ref" "$name.tar"
    printf '  manifest sha256:%s\n' "$manifest_digest"
    printf '  layer 1 (base)  sha256:%s %s bytes (diff_id sha256:%s)\n' "$base_digest" "$base_size" "$base_diff"
    printf '  layer 2 (%s) sha256:%s %s bytes (diff_id sha256:%s)\n' "$name" "$digest" "$size" "$diff"
  } >"$STAMPS/$name.manifest"
  LAST_LAYER_SIZE="$size"
}

reset_image() {
  STAGE="$WORK/stage-$1"
  rm -rf "$STAGE"
  mkdir -p "$STAGE"
  CFG_USER="" CFG_WORKDIR="/" CFG_ENV=() CFG_ENTRYPOINT=() CFG_CMD=() CFG_PORTS=() TREES=()
}

BASE_ENV=("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" "JAVA_HOME=$JAVA_HOME_IN_IMAGE"
  "LANG=C.UTF-8")

# --- the images -----------------------------------------------------------------------------------------------
# Each has: inputs_<kind> (what its stamp hashes, besides the base and tools/images) and define_<kind>.

flink_home() { printf '%s\n' "$TC/flink/flink-$1"; }
inputs_flink() {
  [[ -f "$TC/flink/stamp" && -x "$(flink_home "$1")/bin/flink" ]] || die "no Flink $1: run scripts/build-flink.sh"
  printf 'flink=%s\nflink-stamp=%s\nentrypoint=%s\n' "$1" "$(sha256sum "$TC/flink/stamp" | cut -d' ' -f1)" \
    "$(sha256sum "$ROOT/tools/flink-image/docker-entrypoint.sh" | cut -d' ' -f1)"
}
define_flink() {
  local version="$1" home jar want have
  home="$(flink_home "$version")"
  add_user flink "$FLINK_UID" "$FLINK_UID" /opt/flink
  # The project's own entrypoint (tools/flink-image), as it is.
  install_file "$ROOT/tools/flink-image/docker-entrypoint.sh" /docker-entrypoint.sh 0755 0:0
  add_tree "$home" /opt/flink "$FLINK_UID:$FLINK_UID"
  # The platform enables the S3 plugin by the image's own patch version (components/flink/clusterState.ts:
  # flink-s3-fs-presto-<patch>.jar), as the official image names it; Maven Central has the S3 file systems at
  # other patch versions only (scripts/build-flink.sh), so the missing names are links to the jars opt/ has.
  mkdir -p "$STAGE/opt/flink/opt"
  for jar in flink-s3-fs-presto flink-s3-fs-hadoop; do
    want="$jar-$version.jar"
    [[ -e "$home/opt/$want" ]] && continue
    have="$(cd "$home/opt" && compgen -G "$jar-*.jar")" || die "Flink $version has no $jar in opt/"
    have="${have%%$'\n'*}"
    ln -s "$have" "$STAGE/opt/flink/opt/$want"
    log "   opt/$want -> $have (no $jar at $version on Maven Central)"
  done
  chown -hR "$FLINK_UID:$FLINK_UID" "$STAGE/opt/flink"
  CFG_USER="$FLINK_UID:$FLINK_UID"
  CFG_WORKDIR="/opt/flink"
  CFG_ENV=("PATH=/opt/flink/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" "${BASE_ENV[@]:1}"
    "FLINK_HOME=/opt/flink")
  CFG_ENTRYPOINT=(/docker-entrypoint.sh)
  CFG_CMD=(help)
  CFG_PORTS=(6123/tcp 8081/tcp)
}

inputs_operator() {
  [[ -f "$TC/operator/stamp" && -f "$TC/operator/lib/flink-kubernetes-operator-$OPERATOR_VERSION-shaded.jar" ]] ||
    die "no operator build: run scripts/build-operator.sh"
  printf 'operator=%s\noperator-stamp=%s\n' "$OPERATOR_VERSION" "$(sha256sum "$TC/operator/stamp" | cut -d' ' -f1)"
}
define_operator() {
  add_user flink "$FLINK_UID" "$FLINK_UID" /opt/flink
  install_file "$SRC/operator/entrypoint.sh" /docker-entrypoint.sh 0755 0:0
  # As the operator's image lays them out (tools/operator/README.md; test/support/operatorPod.ts reads the same):
  # the jars in /flink-kubernetes-operator, the logging binding in /opt/flink/log/log4j, the metrics reporters in
  # /opt/flink/plugins, and empty /opt/flink/operator-lib (extra jars) and /opt/flink/conf (the chart mounts it).
  add_tree "$TC/operator/lib" /flink-kubernetes-operator "$FLINK_UID:$FLINK_UID"
  add_tree "$TC/operator/plugins" /opt/flink/plugins "$FLINK_UID:$FLINK_UID"
  add_tree "$TC/operator/log" /opt/flink/log "$FLINK_UID:$FLINK_UID"
  mkdir -p "$STAGE/opt/flink/operator-lib" "$STAGE/opt/flink/conf" "$STAGE/opt/flink/artifacts"
  chown -R "$FLINK_UID:$FLINK_UID" "$STAGE/opt/flink"
  CFG_USER="$FLINK_UID:$FLINK_UID"
  CFG_WORKDIR="/flink-kubernetes-operator"
  CFG_ENV=("${BASE_ENV[@]}" "FLINK_HOME=/opt/flink" "FLINK_CONF_DIR=/opt/flink/conf"
    "FLINK_PLUGINS_DIR=/opt/flink/plugins" "OPERATOR_VERSION=$OPERATOR_VERSION"
    "OPERATOR_LIB=/opt/flink/operator-lib" "OPERATOR_LOG=/opt/flink/log")
  CFG_ENTRYPOINT=(/docker-entrypoint.sh)
  CFG_CMD=(help)
}

# The tag carries curl's upstream version (a Debian revision has "+", which no tag may have).
curl_version() { local v; v="$(awk '$1 == "curl" {print $2}' "$BASE/packages.txt")"; printf '%s\n' "${v%%-*}"; }
inputs_fetcher() { printf 'curl=%s\n' "$(curl_version)"; }
define_fetcher() {
  # Only the base: sh, curl, sha256sum, sed (components/kube/artifacts.ts, components/hive/hiveSite.ts), and /artifacts
  # for the volume the fetchers mount there.
  mkdir -p "$STAGE/artifacts"
  CFG_USER="$FETCHER_UID:$FETCHER_UID"
  CFG_ENV=("${BASE_ENV[@]}")
  CFG_CMD=(sh)
}

minio_version() { sed -n 's/^minio=//p' "$TC/services/stamps/minio"; }
inputs_minio() {
  [[ -f "$TC/services/stamps/minio" && -x "$TC/services/bin/minio" && -x "$TC/services/bin/mc" ]] ||
    die "no MinIO build: run scripts/build-services.sh minio"
  printf 'minio-stamp=%s\n' "$(sha256sum "$TC/services/stamps/minio" | cut -d' ' -f1)"
}
define_minio() {
  add_user minio "$SERVICE_UID" "$SERVICE_UID" /data
  install_file "$TC/services/bin/minio" /usr/bin/minio 0755 0:0
  install_file "$TC/services/bin/mc" /usr/bin/mc 0755 0:0
  mkdir -p "$STAGE/data"
  chown "$SERVICE_UID:$SERVICE_UID" "$STAGE/data"
  # The platform's StatefulSet gives only args (`server /data ...`): the entrypoint is minio itself; its setup Job
  # sets its own command (sh -c with mc).
  CFG_USER="$SERVICE_UID:$SERVICE_UID"
  CFG_ENV=("${BASE_ENV[@]}")
  CFG_ENTRYPOINT=(/usr/bin/minio)
  CFG_CMD=(--help)
  CFG_PORTS=(9000/tcp 9001/tcp)
}

inputs_zookeeper() {
  [[ -f "$TC/services/stamps/zookeeper" && -f "$TC/services/zookeeper/lib/zookeeper-$ZOOKEEPER_VERSION.jar" ]] ||
    die "no ZooKeeper build: run scripts/build-services.sh zookeeper"
  printf 'zookeeper=%s\nzookeeper-stamp=%s\n' "$ZOOKEEPER_VERSION" \
    "$(sha256sum "$TC/services/stamps/zookeeper" | cut -d' ' -f1)"
}
define_zookeeper() {
  local zk="/apache-zookeeper-$ZOOKEEPER_VERSION-bin"
  add_user zookeeper "$SERVICE_UID" "$SERVICE_UID" /data
  install_file "$SRC/zookeeper/docker-entrypoint.sh" /docker-entrypoint.sh 0755 0:0
  install_file "$SRC/zookeeper/zkServer.sh" "$zk/bin/zkServer.sh" 0755 0:0
  install_file "$SRC/zookeeper/zkCli.sh" "$zk/bin/zkCli.sh" 0755 0:0
  install_file "$SRC/zookeeper/logback.xml" "$zk/conf/logback.xml" 0644 0:0
  add_tree "$TC/services/zookeeper/lib" "$zk/lib" 0:0
  # The entrypoint writes zoo.cfg into /conf at start; the data directories are the pod's volumes.
  mkdir -p "$STAGE/conf" "$STAGE/data" "$STAGE/datalog" "$STAGE/logs"
  cp "$SRC/zookeeper/logback.xml" "$STAGE/conf/logback.xml"
  chown -R "$SERVICE_UID:$SERVICE_UID" "$STAGE/conf" "$STAGE/data" "$STAGE/datalog" "$STAGE/logs"
  CFG_USER="$SERVICE_UID:$SERVICE_UID"
  CFG_ENV=("PATH=$zk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" "${BASE_ENV[@]:1}"
    "ZOO_CONF_DIR=/conf" "ZOO_DATA_DIR=/data" "ZOO_DATA_LOG_DIR=/datalog" "ZOO_LOG_DIR=/logs"
    "ZOOKEEPER_HOME=$zk")
  CFG_WORKDIR="$zk"
  CFG_ENTRYPOINT=(/docker-entrypoint.sh)
  CFG_CMD=(zkServer.sh start-foreground)
  CFG_PORTS=(2181/tcp 2888/tcp 3888/tcp 8080/tcp)
}

# kind, version argument and reference of each image.
image_kind() { case "$1" in flink-*) echo flink ;; *) echo "$1" ;; esac; }
image_arg() { case "$1" in flink-*) echo "${1#flink-}" ;; *) echo "" ;; esac; }
image_ref() {
  case "$1" in
    flink-*) echo "$REGISTRY/flink:${1#flink-}-scala_2.12-java17" ;;
    operator) echo "$REGISTRY/flink-kubernetes-operator:$OPERATOR_VERSION" ;;
    fetcher) echo "$REGISTRY/fetcher:curl-$(curl_version)" ;;
    minio) echo "$REGISTRY/minio:$(minio_version)" ;;
    zookeeper) echo "$REGISTRY/zookeeper:$ZOOKEEPER_VERSION" ;;
  esac
}

build_base
check_lock
BASE_HASH="$(hash_files "$BASE/layer" "$BASE/packages.txt")"

for name in "${IMAGES[@]}"; do
  kind="$(image_kind "$name")"
  arg="$(image_arg "$name")"
  inputs="$("inputs_$kind" $arg)"
  ref="$(image_ref "$name")"
  want="$(printf 'image=%s\nreference=%s\nbase=%s\nsources=%s\ncompression=%s\n%s\n' "$name" "$ref" "$BASE_HASH" \
    "$SOURCES_HASH" "$COMPRESSION" "$inputs")"
  if [[ "$FORCE" != 1 && -f "$STAMPS/$name" && "$(cat "$STAMPS/$name")" == "$want" && -f "$OUT/$name.tar" ]]; then
    log "$name: up to date ($ref)"
    continue
  fi
  log "== $name: $ref"
  rm -f "$STAMPS/$name"
  t0=$SECONDS
  reset_image "$name"
  "define_$kind" $arg
  write_image "$name" "$ref"
  rm -rf "$STAGE"
  printf '%s\n' "$want" >"$STAMPS/$name"
  summary "$name" "$((SECONDS - t0))s, $(stat -c %s "$OUT/$name.tar") bytes (own layer $LAST_LAYER_SIZE bytes compressed)"
done

# images.txt, manifest.txt and the stamp: every image built so far (in ALL_IMAGES order), whichever were asked for.
built() { [[ -f "$STAMPS/$1" && -f "$OUT/$1.tar" ]]; }
{
  for name in "${ALL_IMAGES[@]}"; do
    if built "$name"; then printf '%s %s\n' "$(cat "$STAMPS/$name.ref")" "$name.tar"; fi
  done
} >"$OUT/images.txt.tmp"
mv -f "$OUT/images.txt.tmp" "$OUT/images.txt"
{
  for name in "${ALL_IMAGES[@]}"; do
    if built "$name"; then cat "$STAMPS/$name.manifest"; fi
  done
  printf '\nbase: Debian %s (%s), Release files:\n' "$DEBIAN_SUITE" "$DEBIAN_MIRROR"
  sed 's/^/  /' "$BASE/release-dates.txt"
  printf 'base packages (%s):\n' "$(wc -l <"$BASE/packages.txt")"
  sed 's/^/  /' "$BASE/packages.txt"
} >"$OUT/manifest.txt"
{
  base_stamp
  for name in "${ALL_IMAGES[@]}"; do
    if built "$name"; then printf -- '--- %s\n' "$name"; cat "$STAMPS/$name"; fi
  done
} >"$OUT/stamp"

log "done in $((SECONDS - TOTAL_START))s"
for line in "${SUMMARY[@]}"; do log "   $line"; done
sed 's/^/[build-images]   /' "$OUT/images.txt" >&2
