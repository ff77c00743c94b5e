#!/usr/bin/env bash
# Builds the Apache Flink Kubernetes operator 1.15.0 and its admission webhook
# from the release source, with Maven (Java 17, Maven Central), for the CI-only
# suites that run the real operator as a process beside the throw-away cluster:
#
#   .toolchain/operator/lib/flink-kubernetes-operator-1.15.0-shaded.jar
#   .toolchain/operator/lib/flink-kubernetes-webhook-1.15.0-shaded.jar
#   .toolchain/operator/lib/flink-kubernetes-standalone-1.15.0.jar
#   .toolchain/operator/log/log4j/*.jar     the log4j2 binding the image puts beside them
#   .toolchain/operator/plugins/            the metrics reporter plugins (Prometheus among them)
#   .toolchain/operator/stamp
#
# That is what the operator image holds (its Dockerfile copies the same build
# outputs to /flink-kubernetes-operator, /opt/flink/log and /opt/flink/plugins).
# The source is the release tarball (not part of a user's clone):
# OPERATOR_SOURCE_TARBALL, else ../shared/sources/ beside the repository. Its
# SHA-256 is pinned below; a different file is refused. It is extracted into
# .toolchain/operator/src (gitignored, like everything under .toolchain).
#
# A stamp records the tarball's SHA-256, a hash of this script (and of
# tools/operator/ but its README), and the Java and Maven versions; when it
# matches and every output exists, nothing is done. Each phase prints its time.
#
# Usage: scripts/build-operator.sh [--force]
#   --force (or OPERATOR_FORCE=1)  rebuild even when the stamp matches
# Environment:
#   OPERATOR_SOURCE_TARBALL  the release source tarball (default ../shared/sources/...)
#   OPERATOR_MAVEN_REPO      Maven's local repository (default Maven's own, ~/.m2/repository);
#                            an empty directory measures a cold build
set -euo pipefail

# --- Pinned ------------------------------------------------------------------
OPERATOR_VERSION="1.15.0"
TARBALL_NAME="flink-kubernetes-operator-release-$OPERATOR_VERSION.tar.gz"
# sha256 of the release-1.15.0 source tree (commit 79d730bab4d8403f3a447fb027f879f5cbdc59ad) as provided
TARBALL_SHA256="27e23462ff08f14009314743c0e7e0b08f862289e9335e5f3c58693643e445ab"
# The modules the operator and webhook images are built from (-am adds what they depend on:
# the API, the autoscaler and the standalone client).
MODULES="flink-kubernetes-operator,flink-kubernetes-webhook"
# Tests, license and style checks, docs and SBOMs are not what this build is for; antrun only
# serves the docs and e2e packaging.
MAVEN_SKIPS=(-DskipTests -Dcheckstyle.skip -Dspotless.check.skip -Drat.skip -Dmaven.antrun.skip=true
  -Dcyclonedx.skip=true -Dmaven.javadoc.skip=true)
# -----------------------------------------------------------------------------

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$ROOT/.toolchain/operator"
SRC="$OUT/src"
LIB="$OUT/lib"
STAMP="$OUT/stamp"
TARBALL="${OPERATOR_SOURCE_TARBALL:-$ROOT/../shared/sources/$TARBALL_NAME}"
JARS=(
  "flink-kubernetes-operator/target/flink-kubernetes-operator-$OPERATOR_VERSION-shaded.jar"
  "flink-kubernetes-webhook/target/flink-kubernetes-webhook-$OPERATOR_VERSION-shaded.jar"
  "flink-kubernetes-standalone/target/flink-kubernetes-standalone-$OPERATOR_VERSION.jar"
)

FORCE="${OPERATOR_FORCE:-0}"
for arg in "$@"; do
  case "$arg" in
    --force) FORCE=1 ;;
    -h|--help) sed -n '2,30p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "build-operator: unknown argument: $arg" >&2; exit 2 ;;
  esac
done

log() { printf '[build-operator] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

command -v java >/dev/null 2>&1 || die "java is not on PATH (Java 17 is needed)"
command -v mvn >/dev/null 2>&1 || die "mvn is not on PATH (Maven 3.8+ is needed)"
[[ -f "$TARBALL" ]] || die "no operator source at $TARBALL (set OPERATOR_SOURCE_TARBALL)"

# Captured whole, then cut to the first line: `cmd | head -n1` under pipefail fails at random when head closes
# the pipe before the writer is done (SIGPIPE).
JAVA_VERSION="$(java -version 2>&1)"; JAVA_VERSION="${JAVA_VERSION%%$'\n'*}"
MAVEN_VERSION="$(mvn -v 2>/dev/null)"; MAVEN_VERSION="${MAVEN_VERSION%%$'\n'*}"
MAVEN_VERSION="$(sed 's/\x1b\[[0-9;]*m//g' <<<"$MAVEN_VERSION")" # mvn colours its output on a terminal

sources_hash() {
  (
    cd "$ROOT"
    if [[ -d tools/operator ]]; then
      find tools/operator -type f ! -name README.md -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum
    fi
    sha256sum scripts/build-operator.sh
  ) | sha256sum | cut -d' ' -f1
}
stamp_content() {
  cat <<EOF
operator=$OPERATOR_VERSION
tarball-sha256=$TARBALL_SHA256
java=$JAVA_VERSION
maven=$MAVEN_VERSION
sources=$(sources_hash)
EOF
}
outputs_exist() {
  local jar
  for jar in "${JARS[@]}"; do [[ -s "$LIB/$(basename "$jar")" ]] || return 1; done
  compgen -G "$OUT/log/log4j/*.jar" >/dev/null || return 1
  [[ -d "$OUT/plugins/flink-metrics-prometheus" ]] || return 1
}

TOTAL_START=$SECONDS
PHASES=()
phase_start=$SECONDS
phase_done() {
  local took=$((SECONDS - phase_start))
  PHASES+=("$(printf '%-10s %5ss' "$1" "$took")")
  log "   $1: ${took}s"
  phase_start=$SECONDS
}

# Checked every time, stamp or not: the stamp says what was built, not that the file is still the same.
log "== verify $TARBALL"
got="$(sha256sum "$TARBALL" | cut -d' ' -f1)"
[[ "$got" == "$TARBALL_SHA256" ]] || die "$TARBALL has SHA-256 $got, this script pins $TARBALL_SHA256"
phase_done verify

WANT_STAMP="$(stamp_content)"
if [[ "$FORCE" != 1 && -f "$STAMP" ]] && [[ "$(cat "$STAMP")" == "$WANT_STAMP" ]] && outputs_exist; then
  log "up to date ($STAMP matches); nothing to do"
  exit 0
fi
rm -f "$STAMP"

# A fresh tree each time: target/ directories of an older build must not leak into this one.
log "== extract into $SRC"
rm -rf "$SRC" "$SRC.tmp"
mkdir -p "$SRC.tmp"
tar -xzf "$TARBALL" -C "$SRC.tmp" --no-same-owner
[[ -f "$SRC.tmp/pom.xml" ]] || die "$TARBALL has no pom.xml at its top"
grep -q "<version>$OPERATOR_VERSION</version>" "$SRC.tmp/pom.xml" || die "$TARBALL is not release $OPERATOR_VERSION"
mv "$SRC.tmp" "$SRC"
phase_done extract

log "== maven: $MODULES (and what they need)"
log "   $JAVA_VERSION; $MAVEN_VERSION; local repository ${OPERATOR_MAVEN_REPO:-the default ~/.m2/repository}"
maven_args=(-B -ntp -pl "$MODULES" -am "${MAVEN_SKIPS[@]}")
if [[ -n "${OPERATOR_MAVEN_REPO:-}" ]]; then
  mkdir -p "$OPERATOR_MAVEN_REPO"
  maven_args+=("-Dmaven.repo.local=$OPERATOR_MAVEN_REPO")
fi
(cd "$SRC" && mvn "${maven_args[@]}" package) || die "maven build failed"
phase_done maven

log "== copy the image's files to $OUT"
rm -rf "$LIB" "$OUT/log" "$OUT/plugins"
mkdir -p "$LIB" "$OUT/log"
for jar in "${JARS[@]}"; do
  [[ -s "$SRC/$jar" ]] || die "the build left no $jar"
  cp "$SRC/$jar" "$LIB/"
done
cp -r "$SRC/flink-kubernetes-operator/target/log4j" "$OUT/log/log4j"
cp -r "$SRC/flink-kubernetes-operator/target/plugins" "$OUT/plugins"
outputs_exist || die "outputs incomplete after the copy"
phase_done copy

printf '%s\n' "$WANT_STAMP" >"$STAMP"
log "phases:"
printf '[build-operator]   %s\n' "${PHASES[@]}" >&2
log "built in $((SECONDS - TOTAL_START))s: $(cd "$LIB" && ls | tr '\n' ' ')"
