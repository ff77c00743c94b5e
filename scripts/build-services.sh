#!/usr/bin/env bash
# Builds the backing services that the real-Flink suite (npm run test:flink) runs as processes on this machine,
# from package registries only (Go module proxy, Maven Central, Debian apt); nothing prebuilt is committed:
#
#   .toolchain/services/bin/minio, bin/mc        MinIO server and client, built from Go modules (tools/services/minio)
#   .toolchain/services/zookeeper/lib/           ZooKeeper 3.9.4 and its runtime jars (tools/services/zookeeper)
#   .toolchain/services/hadoop/lib/              Hadoop 3.4.1: HDFS NameNode, DataNode, FsShell (tools/services/hadoop),
#   .toolchain/services/hadoop/resources/        and the webapps/ their HTTP servers need (from hadoop-hdfs' tests jar)
#   .toolchain/services/hive-metastore/          the Hive 3.1.3 standalone metastore distribution (Maven Central's
#                                                hive-standalone-metastore-3.1.3-bin.tar.gz: lib/, schema scripts,
#                                                schematool), and jdbc/ with the MySQL Connector/J the platform pins
#                                                (components/mysql/driver.ts); it runs on the Hadoop jars above
#   MariaDB (Debian's mariadb-server-core, mariadb-client-core and mariadb-client, installed with apt-get when
#   missing: the server and clients without any system service; the suite starts mariadbd itself in a temp dir)
#
# Every Maven jar is checked against tools/services/<part>/sha256.txt (all files, nothing more, nothing less);
# the two other downloads against the SHA-256 pinned below and in driver.ts. Go modules are checked against the
# committed go.sum (-mod=readonly). Each part has a stamp (.toolchain/services/stamps/<part>: its versions, the
# Java/Go version, a hash of tools/services/<part> (but README.md) and this script); a part whose stamp matches
# and whose outputs exist is not rebuilt. Every part prints how long it took.
#
# Usage: scripts/build-services.sh [--force] [--cold] [--update-sums] [part...]
#   part           minio zookeeper hadoop hive-metastore mariadb (default: all)
#   --force        rebuild the parts even when their stamps match (or SERVICES_FORCE=1)
#   --cold         build with empty caches: a fresh GOMODCACHE/GOCACHE, Maven repository and download cache in
#                  a temp dir, removed afterwards (implies --force); measures a cold build without emptying the
#                  machine's shared caches
#   --update-sums  write tools/services/<part>/sha256.txt from what Maven resolved (Maven checks each file's SHA-1
#                  against Central with --strict-checksums); review the diff and commit it
set -euo pipefail

# --- Pinned versions ----------------------------------------------------------------------------------------
# The Go module proxy serves no tagged MinIO release (the platform's image is RELEASE.2025-09-07T16-13-09Z);
# these pseudo-versions are what it serves as latest. This minio requires exactly this mc (its go.mod), so both
# build in one module. tools/services/minio/go.mod pins the same (checked below).
MINIO_VERSION="v0.0.0-20260212201848-7aac2a2c5b7c"
MC_VERSION="v0.0.0-20250313080218-cf909e1063a9"
ZOOKEEPER_VERSION="3.9.4"   # tools/services/zookeeper/pom.xml
HADOOP_VERSION="3.4.1"      # tools/services/hadoop/pom.xml
HIVE_VERSION="3.1.3"
# SHA-256 of hive-standalone-metastore-3.1.3-bin.tar.gz, computed from the file whose SHA-1 matched Central's .sha1
HIVE_TARBALL_SHA256="83ddf76717eeb789091d845c069a631c25cad561c3d31ec0843a1ddf21f29409"
MARIADB_PACKAGES=(mariadb-server-core mariadb-client-core mariadb-client)
MAVEN_REPOSITORY="https://repo1.maven.org/maven2"
MAVEN_DEPENDENCY_PLUGIN="org.apache.maven.plugins:maven-dependency-plugin:3.8.1"
# ------------------------------------------------------------------------------------------------------------

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SRC="$ROOT/tools/services"
OUT="$ROOT/.toolchain/services"
STAMPS="$OUT/stamps"
ALL_PARTS=(minio zookeeper hadoop hive-metastore mariadb)

FORCE="${SERVICES_FORCE:-0}"
COLD=0
UPDATE_SUMS=0
PARTS=()
for arg in "$@"; do
  case "$arg" in
    --force) FORCE=1 ;;
    --cold) COLD=1; FORCE=1 ;;
    --update-sums) UPDATE_SUMS=1 ;;
    -h|--help) sed -n '2,30p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    minio|zookeeper|hadoop|hive-metastore|mariadb) PARTS+=("$arg") ;;
    *) echo "build-services: unknown argument: $arg" >&2; exit 2 ;;
  esac
done
((${#PARTS[@]} > 0)) || PARTS=("${ALL_PARTS[@]}")

log() { printf '[build-services] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
# shellcheck source=lib/debian-packages.sh
source "$ROOT/scripts/lib/debian-packages.sh"

for tool in curl sha256sum tar unzip java mvn; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool is not on PATH"
done
JAVA_VERSION="$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.version = //p')"

# --cold: every cache this script uses lives in one temp dir for this run.
MAVEN_ARGS=(-B -ntp -q --strict-checksums)
DOWNLOADS="$OUT/cache"
if [[ "$COLD" == 1 ]]; then
  COLD_DIR="$(mktemp -d /tmp/build-services-cold.XXXXXX)"
  # Go makes its module cache read-only; -modcacherw lets the trap remove it.
  trap 'chmod -R u+w "$COLD_DIR" 2>/dev/null; rm -rf "$COLD_DIR"' EXIT
  export GOMODCACHE="$COLD_DIR/gomod" GOCACHE="$COLD_DIR/gocache"
  export GOFLAGS="${GOFLAGS:+$GOFLAGS }-modcacherw"
  MAVEN_ARGS+=("-Dmaven.repo.local=$COLD_DIR/m2")
  DOWNLOADS="$COLD_DIR/downloads"
  log "cold build: every cache in $COLD_DIR (removed at exit)"
fi
mkdir -p "$OUT" "$STAMPS" "$DOWNLOADS"

sources_hash() {
  (
    cd "$ROOT"
    if [[ -d "tools/services/$1" ]]; then
      find "tools/services/$1" -type f ! -name README.md -print0 | LC_ALL=C sort -z | xargs -0 sha256sum
    fi
    sha256sum scripts/build-services.sh
    for extra in "${@:2}"; do sha256sum "$extra"; done
  ) | sha256sum | cut -d' ' -f1
}

# up_to_date PART STAMP_CONTENT CHECK...: the stamp matches and every CHECK (a test expression) holds.
up_to_date() {
  local part="$1" want="$2"
  shift 2
  [[ "$FORCE" != 1 && -f "$STAMPS/$part" && "$(cat "$STAMPS/$part")" == "$want" ]] || return 1
  local check
  for check in "$@"; do eval "$check" || return 1; done
}

SUMMARY=()
TOTAL_START=$SECONDS
summary() { SUMMARY+=("$(printf '%-15s %s' "$1" "$2")"); log "   $1: $2"; }

# fetch URL_PATH SHA256: a file of the Maven repository into the download cache, checked every time it is used.
fetch() {
  local path="$1" sha="$2" file
  file="$DOWNLOADS/$(basename "$path")"
  if [[ ! -f "$file" ]] || ! echo "$sha  $file" | sha256sum -c --quiet - >/dev/null 2>&1; then
    curl -fsSL --retry 5 --retry-delay 3 -o "$file.part" "$MAVEN_REPOSITORY/$path"
    mv -f "$file.part" "$file"
  fi
  echo "$sha  $file" | sha256sum -c --quiet - >/dev/null 2>&1 ||
    die "$MAVEN_REPOSITORY/$path: SHA-256 is $(sha256sum "$file" | cut -d' ' -f1), expected $sha"
  printf '%s\n' "$file"
}

# --- minio: MinIO server and mc from Go modules --------------------------------------------------------------
build_minio() {
  command -v go >/dev/null 2>&1 || die "go is not on PATH (Go >= 1.26 is needed)"
  local dir="$SRC/minio" want t0 t1 t2 got m v
  want="$(printf 'minio=%s\nmc=%s\ngo=%s\nsources=%s\n' "$MINIO_VERSION" "$MC_VERSION" "$(go env GOVERSION)" "$(sources_hash minio)")"
  if up_to_date minio "$want" '[[ -x $OUT/bin/minio && -x $OUT/bin/mc ]]'; then
    log "minio: up to date"; return
  fi
  log "== minio ($(go version); GOMODCACHE=$(go env GOMODCACHE) GOCACHE=$(go env GOCACHE))"
  rm -f "$STAMPS/minio"
  mkdir -p "$OUT/bin"
  t0=$SECONDS
  export CGO_ENABLED=0
  local goflags="${GOFLAGS:+$GOFLAGS }-mod=readonly"
  for m in "github.com/minio/minio=$MINIO_VERSION" "github.com/minio/mc=$MC_VERSION"; do
    got="$(cd "$dir" && GOFLAGS="$goflags" go list -m -f '{{.Version}}' "${m%%=*}")"
    [[ "$got" == "${m#*=}" ]] || die "$dir/go.mod selects ${m%%=*} $got, but this script pins ${m#*=}"
  done
  (cd "$dir" && GOFLAGS="$goflags" go list -deps github.com/minio/minio github.com/minio/mc >/dev/null)
  t1=$SECONDS
  # The version variables each project's buildscripts/gen-ldflags.go sets. Version is the commit time (their
  # RFC 3339 form), ReleaseTag DEVELOPMENT.<time> (what gen-ldflags.go makes without MINIO_RELEASE/MC_RELEASE:
  # these are commits, not releases); CommitID is the 12 hex digits of the pseudo-version, as the proxy does not
  # tell the full hash.
  ldflags_for() {
    local pkg="$1" version="$2" time
    time="$(cd "$dir" && GOFLAGS="$goflags" go list -m -f '{{.Time.UTC.Format "2006-01-02T15:04:05Z"}}' "github.com/minio/$pkg")"
    printf -- '-s -w -X github.com/minio/%s/cmd.Version=%s -X github.com/minio/%s/cmd.ReleaseTag=DEVELOPMENT.%s' \
      "$pkg" "$time" "$pkg" "${time//:/-}"
    printf -- ' -X github.com/minio/%s/cmd.CommitID=%s -X github.com/minio/%s/cmd.CopyrightYear=%s' \
      "$pkg" "${version##*-}" "$pkg" "${time%%-*}"
    # mc derives ShortCommitID from CommitID; minio has its own variable.
    [[ "$pkg" == mc ]] || printf -- ' -X github.com/minio/%s/cmd.ShortCommitID=%s' "$pkg" "${version##*-}"
  }
  for m in "minio=$MINIO_VERSION" "mc=$MC_VERSION"; do
    v="${m#*=}"; m="${m%%=*}"
    (cd "$dir" && GOFLAGS="$goflags" go build -tags kqueue -trimpath -ldflags "$(ldflags_for "$m" "$v")" \
      -o "$OUT/bin/.$m.tmp" "github.com/minio/$m")
    mv -f "$OUT/bin/.$m.tmp" "$OUT/bin/$m"
  done
  t2=$SECONDS
  # Captured first, then matched: `cmd | grep -q` under pipefail fails at random when
  # grep closes the pipe before the writer is done (SIGPIPE).
  minio_says="$("$OUT/bin/minio" --version)"; minio_says="${minio_says%%$'\n'*}"
  mc_says="$("$OUT/bin/mc" --version)"; mc_says="${mc_says%%$'\n'*}"
  [[ "$minio_says" == "minio version DEVELOPMENT.20"* ]] || die "minio --version: $minio_says"
  [[ "$mc_says" == "mc version DEVELOPMENT.20"* ]] || die "mc --version: $mc_says"
  log "   $minio_says; $mc_says"
  summary minio "$((t2 - t0))s (download $((t1 - t0))s, compile+link $((t2 - t1))s)"
  printf '%s\n' "$want" >"$STAMPS/minio"
}

# --- Maven parts: copy-dependencies of tools/services/<part>/pom.xml, then every jar checked -----------------
# maven_lib PART DEST: resolves the part's runtime jars into DEST (replaced), checked against its sha256.txt.
maven_lib() {
  local part="$1" dest="$2" list="$SRC/$1/sha256.txt" tmp
  tmp="$(mktemp -d "$OUT/.$part.XXXXXX")"
  # Maven 3.8's console writes colour resets even with -B -q; they are dropped from what it prints.
  mvn "${MAVEN_ARGS[@]}" -f "$SRC/$part/pom.xml" "$MAVEN_DEPENDENCY_PLUGIN:copy-dependencies" \
    -DincludeScope=runtime -DoutputDirectory="$tmp" 2>&1 | sed -e $'s/\x1b\\[[0-9;]*m//g' >&2
  if [[ "$UPDATE_SUMS" == 1 ]]; then
    (cd "$tmp" && find . -maxdepth 1 -type f -name '*.jar' -printf '%f\0' | LC_ALL=C sort -z | xargs -0 sha256sum) >"$list"
    log "   wrote $list ($(wc -l <"$list") jars): review and commit it"
  fi
  [[ -f "$list" ]] || die "$list is missing (run with --update-sums once, review, commit)"
  # Exactly the listed files: a jar Maven adds (a changed pom, a new transitive version) is refused too.
  local have want
  have="$(cd "$tmp" && find . -maxdepth 1 -type f -printf '%f\n' | LC_ALL=C sort)"
  want="$(awk '{print $2}' "$list" | LC_ALL=C sort)"
  [[ "$have" == "$want" ]] || die "$part: the resolved jars differ from $list:
$(diff <(printf '%s\n' "$want") <(printf '%s\n' "$have") | sed -n 's/^[<>]/  &/p')"
  (cd "$tmp" && sha256sum -c --quiet "$list") >&2 || die "$part: SHA-256 mismatch (above) against $list"
  rm -rf "$dest"
  mkdir -p "$(dirname "$dest")"
  mv "$tmp" "$dest"
}

stamp_zookeeper() {
  printf 'zookeeper=%s\njava=%s\nsources=%s\n' "$ZOOKEEPER_VERSION" "$JAVA_VERSION" "$(sources_hash zookeeper)"
}
build_zookeeper() {
  local want t0 got
  want="$(stamp_zookeeper)"
  if up_to_date zookeeper "$want" '[[ -f $OUT/zookeeper/lib/zookeeper-$ZOOKEEPER_VERSION.jar ]]'; then
    log "zookeeper: up to date"; return
  fi
  log "== zookeeper"
  rm -f "$STAMPS/zookeeper"
  t0=$SECONDS
  maven_lib zookeeper "$OUT/zookeeper/lib"
  got="$(java -cp "$OUT/zookeeper/lib/*" org.apache.zookeeper.version.VersionInfoMain)"
  [[ "$got" == "Apache ZooKeeper, version $ZOOKEEPER_VERSION "* ]] || die "ZooKeeper says '$got'"
  log "   $got; $(find "$OUT/zookeeper/lib" -name '*.jar' | wc -l) jars"
  summary zookeeper "$((SECONDS - t0))s"
  stamp_zookeeper >"$STAMPS/zookeeper" # again: --update-sums may have changed sha256.txt
}

stamp_hadoop() {
  printf 'hadoop=%s\njava=%s\nsources=%s\n' "$HADOOP_VERSION" "$JAVA_VERSION" "$(sources_hash hadoop)"
}
build_hadoop() {
  local want t0 got
  want="$(stamp_hadoop)"
  if up_to_date hadoop "$want" '[[ -f $OUT/hadoop/lib/hadoop-hdfs-$HADOOP_VERSION.jar && -d $OUT/hadoop/resources/webapps/hdfs ]]'; then
    log "hadoop: up to date"; return
  fi
  log "== hadoop"
  rm -f "$STAMPS/hadoop"
  t0=$SECONDS
  maven_lib hadoop "$OUT/hadoop/lib"
  # The HTTP servers' webapps/ (see the pom), out of the tests jar, which then leaves lib/.
  rm -rf "$OUT/hadoop/resources"
  mkdir -p "$OUT/hadoop/resources"
  unzip -q "$OUT/hadoop/lib/hadoop-hdfs-$HADOOP_VERSION-tests.jar" 'webapps/*' -d "$OUT/hadoop/resources"
  rm "$OUT/hadoop/lib/hadoop-hdfs-$HADOOP_VERSION-tests.jar"
  [[ -d "$OUT/hadoop/resources/webapps/hdfs" && -d "$OUT/hadoop/resources/webapps/datanode" ]] ||
    die "no webapps/hdfs or webapps/datanode in hadoop-hdfs-$HADOOP_VERSION-tests.jar"
  got="$(java -cp "$OUT/hadoop/lib/*" org.apache.hadoop.util.VersionInfo 2>/dev/null)"; got="${got%%$'\n'*}"
  [[ "$got" == "Hadoop $HADOOP_VERSION" ]] || die "Hadoop says '$got'"
  log "   $got; $(find "$OUT/hadoop/lib" -name '*.jar' | wc -l) jars"
  summary hadoop "$((SECONDS - t0))s"
  stamp_hadoop >"$STAMPS/hadoop"
}

# The platform's pin of Connector/J (groupId com.mysql), read from its TypeScript so that both stay one pin.
driver_pin() {
  local file="$ROOT/components/mysql/driver.ts" field
  field="$(sed -n "s/^ *$1: \"\([^\"]*\)\",\$/\1/p" "$file")"
  [[ -n "$field" ]] || die "no $1 in $file"
  printf '%s\n' "$field"
}

build_hive_metastore() {
  local want t0 tarball driver_version driver_sha driver home="$OUT/hive-metastore" tmp got
  driver_version="$(driver_pin version)"
  driver_sha="$(driver_pin sha256)"
  want="$(printf 'hive=%s\ntarball=%s\nconnector-j=%s %s\njava=%s\nsources=%s\n' "$HIVE_VERSION" \
    "$HIVE_TARBALL_SHA256" "$driver_version" "$driver_sha" "$JAVA_VERSION" \
    "$(sources_hash hive-metastore components/mysql/driver.ts)")"
  if up_to_date hive-metastore "$want" '[[ -f $home/lib/hive-standalone-metastore-$HIVE_VERSION.jar && -f $home/jdbc/mysql-connector-j-$driver_version.jar ]]'; then
    log "hive-metastore: up to date"; return
  fi
  log "== hive-metastore"
  rm -f "$STAMPS/hive-metastore"
  t0=$SECONDS
  tarball="$(fetch "org/apache/hive/hive-standalone-metastore/$HIVE_VERSION/hive-standalone-metastore-$HIVE_VERSION-bin.tar.gz" "$HIVE_TARBALL_SHA256")"
  driver="$(fetch "com/mysql/mysql-connector-j/$driver_version/mysql-connector-j-$driver_version.jar" "$driver_sha")"
  tmp="$(mktemp -d "$OUT/.hive.XXXXXX")"
  tar -xzf "$tarball" -C "$tmp" --strip-components=1
  mkdir -p "$tmp/jdbc"
  cp "$driver" "$tmp/jdbc/"
  rm -rf "$home"
  mv "$tmp" "$home"
  [[ -d "$home/scripts/metastore/upgrade/mysql" ]] || die "no MySQL schema scripts in $tarball"
  # The metastore runs on the Hadoop part's jars (the distribution ships none).
  if [[ -f "$OUT/hadoop/lib/hadoop-common-$HADOOP_VERSION.jar" ]]; then
    got="$(java -cp "$home/lib/*:$OUT/hadoop/lib/*" org.apache.hadoop.hive.metastore.utils.MetastoreVersionInfo 2>/dev/null)"; got="${got%%$'\n'*}"
    [[ "$got" == "Hive $HIVE_VERSION" ]] || die "the metastore says '$got'"
    log "   $got (standalone metastore), Connector/J $driver_version"
  fi
  summary hive-metastore "$((SECONDS - t0))s"
  printf '%s\n' "$want" >"$STAMPS/hive-metastore"
}

# --- mariadb: Debian's server and client binaries, no service --------------------------------------------------
build_mariadb() {
  local t0 p
  t0=$SECONDS
  # mariadbd, mariadb-install-db, the mysql and mysqladmin clients (the platform's scripts call both), and no
  # init script or unit: installing them starts nothing (mariadb-server would start the system service).
  install_debian_packages "${MARIADB_PACKAGES[@]}"
  for p in mariadbd mariadb-install-db mysql mysqladmin; do
    command -v "$p" >/dev/null 2>&1 || [[ -x "/usr/sbin/$p" ]] || die "$p not found after installing ${MARIADB_PACKAGES[*]}"
  done
  local version
  version="$(PATH="$PATH:/usr/sbin" mariadbd --version)"
  log "mariadb: $version"
  summary mariadb "$((SECONDS - t0))s"
}

for part in "${PARTS[@]}"; do
  case "$part" in
    minio) build_minio ;;
    zookeeper) build_zookeeper ;;
    hadoop) build_hadoop ;;
    hive-metastore) build_hive_metastore ;;
    mariadb) build_mariadb ;;
  esac
done

log "done in $((SECONDS - TOTAL_START))s$([[ $COLD == 1 ]] && echo ' (cold caches)')"
for line in "${SUMMARY[@]}"; do log "   $line"; done
