#!/usr/bin/env bash
# Builds the real Flink distributions and every Flink-side jar that the real-Flink suite (npm run test:flink)
# runs, from package registries only (PyPI through pip, Maven Central through curl), each file checked by SHA-256
# every time it is used:
#
#   .toolchain/flink/flink-1.20.4/   a FLINK_HOME laid out like the official image's /opt/flink (bin conf lib opt
#   .toolchain/flink/flink-2.2.1/    plugins examples log): apache-flink-libraries (lib opt plugins licenses,
#                                    bin/bash-java-utils.jar) + apache-flink (bin/ scripts, conf/) from PyPI, and
#                                    in opt/ the S3 file systems (presto, hadoop) and the SQL Gateway from Central
#   .toolchain/flink/platform-jars/  every jar the platform's pods fetch with their init containers, fetched by
#                                    the platform's own jarFetchScript (components/kube/artifacts.ts), so its
#                                    SHA-256 check is the one that runs
#   .toolchain/flink/job-jars/       every http(s):// jarURI of a stack file (pinned in tools/flink/job-jars.txt),
#                                    and checkpointing-job-<version>.jar, our own job (tools/flink/jobs/), compiled
#                                    with javac against each distribution's lib/
#   .toolchain/flink/stamp           versions, Java, the jar lists read from the platform's TypeScript, a hash of
#                                    tools/flink (but its README) + this script; when it matches and every output
#                                    exists, nothing is done
#
# Downloads are kept in .toolchain/flink/cache/, so a rebuild downloads nothing it has (the platform's fetch
# script always downloads: it is run as the pods run it). Each part (a distribution, the platform jars, the job
# jars) has its own stamp too: a change of one list rebuilds only that part. Pins, sources and versions:
# tools/flink/README.md. Needs python3 (venv, pip), curl, unzip, tar, sha256sum, a JDK 11+ (javac, jar) and Node
# (scripts/ensure-node.sh; node_modules installed).
#
# Usage: scripts/build-flink.sh [--force]
#   --force (or FLINK_FORCE=1)  rebuild every part even when the stamps match (downloads stay cached)
set -euo pipefail

# --- Pinned versions (the files under tools/flink/ pin each file by SHA-256) ---------------------------------
FLINK_VERSIONS=(1.20.4 2.2.1)
# pip chooses the apache-flink wheel for this interpreter and platform on any machine (the pinned hash is of it).
PIP_TARGET=(--platform manylinux2014_x86_64 --python-version 3.11 --implementation cp --abi cp311)
# The repository the platform's fetch script, the distributions' extra jars and pin.sh use.
MAVEN_REPOSITORY="https://repo1.maven.org/maven2"
# Jar entries of our own job get this timestamp, so the same javac makes the same jar.
JAR_DATE="2026-01-01T00:00:00Z"
# -------------------------------------------------------------------------------------------------------------

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SRC="$ROOT/tools/flink"
OUT="$ROOT/.toolchain/flink"
CACHE="$OUT/cache"
STAMP="$OUT/stamp"

FORCE="${FLINK_FORCE:-0}"
for arg in "$@"; do
  case "$arg" in
    --force) FORCE=1 ;;
    -h|--help) sed -n '2,27p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "build-flink: unknown argument: $arg" >&2; exit 2 ;;
  esac
done

log() { printf '[build-flink] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

for tool in python3 curl unzip tar sha256sum flock javac jar java; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool is not on PATH"
done
JAVAC_VERSION="$(javac -version 2>&1)"
export PATH="$("$ROOT/scripts/ensure-node.sh"):$PATH"

# The platform's own lists, read from its TypeScript (tools/flink/jars.ts): never a copy here.
helper() { (cd "$ROOT" && npx --no-install ts-node --transpile-only tools/flink/jars.ts "$@"); }
# One run (Node starts once): the jar lists, a hash of the fetch script's text, the stacks' jarURIs.
SUMMARY_TEXT="$(helper summary)" || die "cannot read the platform's jar lists and jarURIs (tools/flink/jars.ts summary)"
section() { awk -v s="[$1]" '/^\[/ { on = ($0 == s); next } on' <<<"$SUMMARY_TEXT"; }
PLATFORM_JARS="$(section platform-jars)"
FETCH_SCRIPT_SHA="$(section platform-fetch-script)"
JOB_JAR_URIS="$(section job-jar-uris)"
[[ -n "$PLATFORM_JARS" ]] || die "tools/flink/jars.ts listed no platform jars"

sha() { sha256sum "$@" | cut -d' ' -f1; }
text_hash() { sha256sum | cut -d' ' -f1; }
SCRIPT_HASH="$(sha "$ROOT/scripts/build-flink.sh")"

# Part stamps: what each output is made of.
dist_stamp() {
  local v="$1"
  {
    echo "flink=$v script=$SCRIPT_HASH pip-target=${PIP_TARGET[*]}"
    cat "$SRC/$v-requirements.txt" "$SRC/pip-build-requirements.txt"
    grep "^$v " "$SRC/maven-jars.txt" || true
  } | text_hash
}
platform_stamp() {
  { echo "script=$SCRIPT_HASH repo=$MAVEN_REPOSITORY fetch-script=$FETCH_SCRIPT_SHA"; echo "$PLATFORM_JARS"; } | text_hash
}
job_stamp() {
  {
    echo "script=$SCRIPT_HASH javac=$JAVAC_VERSION date=$JAR_DATE"
    echo "$JOB_JAR_URIS"
    cat "$SRC/job-jars.txt"
    (cd "$SRC/jobs" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum)
    for v in "${FLINK_VERSIONS[@]}"; do dist_stamp "$v"; done
  } | text_hash
}
sources_hash() {
  (
    cd "$ROOT"
    find tools/flink -type f ! -name README.md -print0 | LC_ALL=C sort -z | xargs -0 sha256sum
    sha256sum scripts/build-flink.sh
  ) | text_hash
}
stamp_content() {
  echo "flink=${FLINK_VERSIONS[*]}"
  echo "javac=$JAVAC_VERSION"
  echo "platform-jars (fetch script sha256 $FETCH_SCRIPT_SHA):"
  sed 's/^/  /' <<<"$PLATFORM_JARS"
  echo "job-jar-uris:"
  [[ -z "$JOB_JAR_URIS" ]] || sed 's/^/  /' <<<"$JOB_JAR_URIS"
  echo "sources=$(sources_hash)"
}

# What a finished output must hold (a matching stamp with a missing file is rebuilt).
dist_ok() {
  local home="$OUT/flink-$1"
  [[ -f "$home/.stamp" && "$(cat "$home/.stamp")" == "$(dist_stamp "$1")" ]] || return 1
  [[ -x "$home/bin/config.sh" && -x "$home/bin/flink" && -f "$home/bin/bash-java-utils.jar" ]] || return 1
  compgen -G "$home/lib/flink-dist-*.jar" >/dev/null && compgen -G "$home/opt/flink-sql-gateway-*.jar" >/dev/null
}
platform_ok() {
  [[ -f "$OUT/platform-jars/.stamp" && "$(cat "$OUT/platform-jars/.stamp")" == "$(platform_stamp)" ]] || return 1
  local name _
  while read -r name _; do [[ -s "$OUT/platform-jars/$name" ]] || return 1; done <<<"$PLATFORM_JARS"
}
jobs_ok() {
  [[ -f "$OUT/job-jars/.stamp" && "$(cat "$OUT/job-jars/.stamp")" == "$(job_stamp)" ]] || return 1
  local v uri
  for v in "${FLINK_VERSIONS[@]}"; do [[ -s "$OUT/job-jars/checkpointing-job-$v.jar" ]] || return 1; done
  while read -r uri; do [[ -z "$uri" || -s "$OUT/job-jars/${uri##*/}" ]] || return 1; done <<<"$JOB_JAR_URIS"
}
all_ok() {
  local v
  for v in "${FLINK_VERSIONS[@]}"; do dist_ok "$v" || return 1; done
  platform_ok && jobs_ok
}

# One build at a time (CI and a developer's `npm run test:flink` may start it together).
mkdir -p "$OUT"
exec 9>"$OUT/.lock"
flock -w 1800 9 || die "another scripts/build-flink.sh holds $OUT/.lock for 30 minutes"

WANT_STAMP="$(stamp_content)"
if [[ "$FORCE" != 1 && -f "$STAMP" ]] && [[ "$(cat "$STAMP")" == "$WANT_STAMP" ]] && all_ok; then
  log "up to date ($STAMP matches); nothing to do"
  exit 0
fi

mkdir -p "$OUT" "$CACHE"
rm -f "$STAMP"
TOTAL_START=$SECONDS
SUMMARY=()
phase() { SUMMARY+=("$(printf '%-34s %4ss' "$1" "$2")"); log "   $1: ${2}s"; }

# fetch URL SHA256 DEST: DEST is a verified copy of URL. A cached DEST is checked again; one that no longer
# matches (a changed pin, a damaged cache) is fetched again, and a download that does not match is refused.
fetch() {
  local url="$1" want="$2" dest="$3" got
  if [[ -f "$dest" ]]; then
    got="$(sha "$dest")"
    [[ "$got" == "$want" ]] && return 0
    log "   cached $dest has sha256 $got, pinned $want: fetching it again"
    rm -f "$dest"
  fi
  mkdir -p "$(dirname "$dest")"
  log "   fetching $url"
  curl -fsSL --retry 5 --retry-delay 3 --retry-all-errors -o "$dest.part" "$url" || die "cannot fetch $url"
  got="$(sha "$dest.part")"
  if [[ "$got" != "$want" ]]; then
    rm -f "$dest.part"
    die "checksum mismatch for $url: sha256 $got, pinned $want"
  fi
  mv -f "$dest.part" "$dest"
}

# Maven coordinates groupId:artifactId:version -> path in a Maven repository.
maven_path() {
  local group artifact version
  IFS=: read -r group artifact version <<<"$1"
  printf '%s/%s/%s/%s-%s.jar\n' "${group//.//}" "$artifact" "$version" "$artifact" "$version"
}

# --- PyPI: a venv with pinned setuptools, for pip to read the 1.20.4 sdist's metadata ------------------------
VENV="$CACHE/pip-venv"
ensure_venv() {
  local want
  want="$(cat "$SRC/pip-build-requirements.txt" | text_hash)"
  if [[ -x "$VENV/bin/pip" && -f "$VENV/.stamp" && "$(cat "$VENV/.stamp")" == "$want" ]]; then
    return 0
  fi
  log "== pip venv with pinned setuptools ($VENV)"
  rm -rf "$VENV"
  python3 -m venv "$VENV" || die "python3 -m venv failed (Debian: apt-get install python3-venv)"
  "$VENV/bin/pip" install --quiet --no-cache-dir --disable-pip-version-check --no-deps --require-hashes \
    --only-binary :all: -r "$SRC/pip-build-requirements.txt" \
    || die "pip install -r tools/flink/pip-build-requirements.txt failed (a hash mismatch says 'DO NOT MATCH THE HASHES')"
  echo "$want" >"$VENV/.stamp"
}

# pypi_download VERSION: the pinned files of tools/flink/VERSION-requirements.txt in $CACHE/pypi/VERSION,
# exactly those (the set of SHA-256 of the directory's files must be the set of pinned hashes).
pypi_download() {
  local v="$1" dir="$CACHE/pypi/$1" req="$SRC/$1-requirements.txt" want got
  want="$(grep -o 'sha256:[0-9a-f]\{64\}' "$req" | cut -d: -f2 | sort)"
  [[ -n "$want" ]] || die "$req pins no sha256"
  if [[ -d "$dir" ]]; then
    got="$(find "$dir" -maxdepth 1 -type f ! -name '.*' -print0 | xargs -0 -r sha256sum | cut -d' ' -f1 | sort)"
    if [[ "$got" == "$want" ]]; then
      log "   PyPI files of $v: cached, SHA-256 checked"
      return 0
    fi
    log "   PyPI cache of $v does not hold exactly the pinned files: downloading again"
  fi
  ensure_venv
  # Into a new directory, seeded with the cached files: pip checks each against its pin and downloads only what
  # is missing or differs; the old cache stays until the download succeeded.
  rm -rf "$dir.tmp"
  mkdir -p "$dir.tmp"
  [[ -d "$dir" ]] && find "$dir" -maxdepth 1 -type f ! -name '.*' -exec cp -l {} "$dir.tmp/" \;
  log "   pip download -r tools/flink/$v-requirements.txt"
  # --no-cache-dir: our cache is the one kept; pip's would hold a second copy of 545 MB.
  "$VENV/bin/pip" download --quiet --no-cache-dir --disable-pip-version-check --no-deps --require-hashes \
    --no-build-isolation "${PIP_TARGET[@]}" -r "$req" -d "$dir.tmp" \
    || die "pip download of Flink $v failed (a checksum mismatch is reported above as 'THESE PACKAGES DO NOT MATCH THE HASHES')"
  got="$(find "$dir.tmp" -maxdepth 1 -type f -print0 | xargs -0 -r sha256sum | cut -d' ' -f1 | sort)"
  [[ "$got" == "$want" ]] || die "pip download for $v saved files whose SHA-256 are not the pinned ones: $(echo $got)"
  rm -rf "$dir"
  mv "$dir.tmp" "$dir"
}

# one_file PATTERN...: the single existing file matching a glob.
one_file() {
  local matches=()
  local f
  for f in "$@"; do [[ -e "$f" ]] && matches+=("$f"); done
  [[ ${#matches[@]} -eq 1 ]] || die "expected one file matching $*, found ${#matches[@]}"
  printf '%s\n' "${matches[0]}"
}

# --- One distribution ----------------------------------------------------------------------------------------
build_dist() {
  local v="$1" home="$OUT/flink-$1" work="$OUT/.flink-$1.tmp" t0 libs pyflink line dest coords want extra
  log "== Flink $v"
  t0=$SECONDS
  pypi_download "$v"
  # The distribution's extra jars from Maven Central, into the cache.
  while read -r line; do
    read -r _ dest coords want extra <<<"$line"
    fetch "$MAVEN_REPOSITORY/$(maven_path "$coords")" "$want" "$CACHE/maven/$(maven_path "$coords")"
  done < <(grep "^$v " "$SRC/maven-jars.txt")
  phase "download Flink $v" $((SECONDS - t0))

  t0=$SECONDS
  libs="$(one_file "$CACHE/pypi/$v"/apache_flink_libraries-"$v"*)"
  pyflink="$(one_file "$CACHE/pypi/$v"/apache_flink-"$v"-*.whl)"
  # Checked again as they are used: the cache is ours, but a file can change between check and use.
  grep -q "sha256:$(sha "$libs")" "$SRC/$v-requirements.txt" || die "$libs does not match its pin"
  grep -q "sha256:$(sha "$pyflink")" "$SRC/$v-requirements.txt" || die "$pyflink does not match its pin"
  rm -rf "$work"
  mkdir -p "$work/unpack"
  log "   extracting $(basename "$libs")"
  case "$libs" in
    *.tar.gz)
      # The sdist: <top>/deps/{bin,lib,opt,plugins,licenses} and the release's LICENSE and NOTICE at <top>/.
      tar --no-same-owner -xzf "$libs" -C "$work/unpack"
      mv "$work/unpack/apache_flink_libraries-$v" "$work/unpack/libs"
      mv "$work/unpack/libs/deps" "$work/unpack/libs/dist"
      cp "$work/unpack/libs/LICENSE" "$work/unpack/libs/NOTICE" "$work/unpack/libs/dist/" ;;
    *.whl)
      # The wheel: pyflink/{bin,lib,opt,plugins,licenses}.
      unzip -q "$libs" 'pyflink/*' -d "$work/unpack/libs"
      mv "$work/unpack/libs/pyflink" "$work/unpack/libs/dist" ;;
    *) die "unexpected apache-flink-libraries file $libs" ;;
  esac
  log "   extracting $(basename "$pyflink")"
  unzip -q "$pyflink" 'pyflink/bin/*' 'pyflink/conf/*' -d "$work/unpack/pyflink"

  local d="$work/unpack/libs/dist" h="$work/home"
  mkdir -p "$h"
  for sub in lib opt plugins; do
    [[ -d "$d/$sub" ]] || die "apache-flink-libraries $v has no $sub/"
    mv "$d/$sub" "$h/$sub"
  done
  [[ -d "$d/licenses" ]] && mv "$d/licenses" "$h/licenses"
  for f in LICENSE NOTICE; do [[ -f "$d/$f" ]] && mv "$d/$f" "$h/$f"; done
  mv "$work/unpack/pyflink/pyflink/bin" "$h/bin"
  mv "$work/unpack/pyflink/pyflink/conf" "$h/conf"
  [[ -f "$d/bin/bash-java-utils.jar" ]] || die "apache-flink-libraries $v has no bin/bash-java-utils.jar"
  mv "$d/bin/bash-java-utils.jar" "$h/bin/"
  # The image runs the scripts from bin/ (kubernetes-jobmanager.sh, sql-gateway.sh, ...) and the GPU plugin's
  # discovery scripts: executable, whatever the archive said.
  find "$h/bin" -type f ! -name '*.jar' ! -name '*.bat' -exec chmod 0755 {} +
  find "$h/plugins" -type f -name '*.sh' -exec chmod 0755 {} +
  mkdir -p "$h/examples" "$h/log"
  phase "extract Flink $v" $((SECONDS - t0))

  t0=$SECONDS
  while read -r line; do
    read -r _ dest coords want extra <<<"$line"
    local cached="$CACHE/maven/$(maven_path "$coords")"
    [[ "$(sha "$cached")" == "$want" ]] || die "$cached does not match its pin $want"
    mkdir -p "$(dirname "$h/$dest")"
    cp "$cached" "$h/$dest"
    case "$extra" in
      "") ;;
      main-class=*)
        # The example jar on Central has no Main-Class; the distribution's has, and the staging application
        # runs it without an entryClass.
        jar --update --file "$h/$dest" --main-class "${extra#main-class=}" ;;
      *) die "tools/flink/maven-jars.txt: unknown option '$extra' for $dest" ;;
    esac
    log "   $dest <- $coords"
  done < <(grep "^$v " "$SRC/maven-jars.txt")

  # What bin/config.sh needs: exactly one lib/flink-dist*.jar of this version, bin/bash-java-utils.jar, and
  # exactly one opt/flink-sql-gateway*.jar (findSqlGatewayJar). Then the CLI must say its version.
  [[ "$(find "$h/lib" -name 'flink-dist*.jar' | wc -l)" == 1 && -f "$h/lib/flink-dist-$v.jar" ]] \
    || die "Flink $v: expected exactly lib/flink-dist-$v.jar"
  [[ "$(find "$h/opt" -name 'flink-sql-gateway*.jar' | wc -l)" == 1 ]] || die "Flink $v: expected one opt/flink-sql-gateway*.jar"
  local probe_log got
  probe_log="$(mktemp -d)"
  got="$(FLINK_LOG_DIR="$probe_log" "$h/bin/flink" --version 2>&1)" || { rm -rf "$probe_log"; die "Flink $v: bin/flink --version failed: $got"; }
  rm -rf "$probe_log"
  grep -q "^Version: $v," <<<"$got" || die "Flink $v: bin/flink --version printed '$got'"
  log "   bin/flink --version: $(grep '^Version' <<<"$got")"

  # The official image's files belong to its flink user (uid 9999), which its processes run as: the entrypoint
  # enables plugins by copying into plugins/, Flink writes log/. The same here, where the real-Flink suite runs
  # the distribution as that user (as root only: elsewhere the files stay the caller's).
  if [[ "$(id -u)" == 0 ]]; then
    chown -R 9999:9999 "$h"
  else
    log "   not root: $h stays owned by $(id -un), not by the image's flink user (uid 9999)"
  fi
  dist_stamp "$v" >"$h/.stamp"
  rm -rf "$home"
  mv "$h" "$home"
  rm -rf "$work"
  phase "jars into Flink $v" $((SECONDS - t0))
}

# --- The platform's jars, fetched by the platform's own script -----------------------------------------------
build_platform_jars() {
  local t0=$SECONDS dir="$OUT/platform-jars" work="$OUT/.platform-jars.tmp"
  log "== platform jars (components/kube/artifacts.ts jarFetchScript, MAVEN_REPOSITORY=$MAVEN_REPOSITORY)"
  rm -rf "$work"
  mkdir -p "$work"
  helper platform-fetch-script "$work" >"$OUT/.platform-fetch.sh" || die "tools/flink/jars.ts platform-fetch-script failed"
  MAVEN_REPOSITORY="$MAVEN_REPOSITORY" sh "$OUT/.platform-fetch.sh" 2>&1 | sed 's/^/   /' >&2 \
    || die "the platform's jar fetch script failed (a 'checksum mismatch' above means a pin in components/ differs from what $MAVEN_REPOSITORY serves)"
  rm -f "$OUT/.platform-fetch.sh"
  local name want _
  while read -r name want _; do
    [[ "$(sha "$work/$name")" == "$want" ]] || die "platform jar $name does not match its pin $want"
  done <<<"$PLATFORM_JARS"
  platform_stamp >"$work/.stamp"
  rm -rf "$dir"
  mv "$work" "$dir"
  phase "platform jars ($(wc -l <<<"$PLATFORM_JARS") files)" $((SECONDS - t0))
}

# --- Job jars: the stacks' jarURIs (pinned by us) and our own checkpointing job ------------------------------
build_job_jars() {
  local t0=$SECONDS dir="$OUT/job-jars" work="$OUT/.job-jars.tmp" uri name want pinned
  log "== job jars"
  rm -rf "$work"
  mkdir -p "$work"
  declare -A seen=()
  while read -r uri; do
    [[ -n "$uri" ]] || continue
    name="${uri##*/}"
    [[ "$name" == *.jar ]] || die "jarURI $uri does not name a .jar file"
    [[ -z "${seen[$name]:-}" ]] || die "two jarURIs save as the same file $name: ${seen[$name]} and $uri"
    seen[$name]="$uri"
    want="$(awk -v u="$uri" '$1 == u { print $2 }' "$SRC/job-jars.txt")"
    [[ -n "$want" ]] || die "a stack file names jarURI $uri, which tools/flink/job-jars.txt does not pin; add the line that 'tools/flink/pin.sh $uri' prints"
    fetch "$uri" "$want" "$CACHE/job-jars/$want/$name"
    cp "$CACHE/job-jars/$want/$name" "$work/$name"
    log "   $name <- $uri"
  done <<<"$JOB_JAR_URIS"
  while read -r pinned _; do
    grep -qxF "$pinned" <<<"$JOB_JAR_URIS" || log "   note: tools/flink/job-jars.txt pins $pinned, which no stack file names"
  done < <(grep -v '^\s*\(#\|$\)' "$SRC/job-jars.txt")
  phase "job jars: stack jarURIs" $((SECONDS - t0))

  t0=$SECONDS
  local v classes sources
  mapfile -t sources < <(find "$SRC/jobs/src" -name '*.java' | LC_ALL=C sort)
  [[ ${#sources[@]} -gt 0 ]] || die "no Java sources in tools/flink/jobs/src"
  for v in "${FLINK_VERSIONS[@]}"; do
    classes="$work/.classes-$v"
    mkdir -p "$classes"
    # Against the distribution's own lib/ (flink-dist holds the DataStream API and the datagen source); Java 11
    # bytecode, the oldest Java both Flink lines run on.
    javac --release 11 -Xlint:all -Werror -encoding UTF-8 -cp "$OUT/flink-$v/lib/*" -d "$classes" "${sources[@]}" \
      || die "javac of tools/flink/jobs against Flink $v failed"
    jar --create --date="$JAR_DATE" --file "$work/checkpointing-job-$v.jar" \
      --main-class flinkplatform.jobs.CheckpointingJob -C "$classes" .
    rm -rf "$classes"
    log "   checkpointing-job-$v.jar (javac against flink-$v/lib)"
  done
  job_stamp >"$work/.stamp"
  rm -rf "$dir"
  mv "$work" "$dir"
  phase "javac checkpointing jobs" $((SECONDS - t0))
}

for v in "${FLINK_VERSIONS[@]}"; do
  if [[ "$FORCE" != 1 ]] && dist_ok "$v"; then log "== Flink $v: up to date"; else build_dist "$v"; fi
done
if [[ "$FORCE" != 1 ]] && platform_ok; then log "== platform jars: up to date"; else build_platform_jars; fi
if [[ "$FORCE" != 1 ]] && jobs_ok; then log "== job jars: up to date"; else build_job_jars; fi

printf '%s\n' "$WANT_STAMP" >"$STAMP"

log "done in $((SECONDS - TOTAL_START))s:"
for line in "${SUMMARY[@]}"; do log "   $line"; done
log "disk: $(du -sh "$OUT" | cut -f1) in $OUT ($(du -sh "$CACHE" | cut -f1) of it the download cache)"
log "outputs: $(printf '%s ' "${FLINK_VERSIONS[@]/#/$OUT/flink-}")$OUT/platform-jars $OUT/job-jars; stamp $STAMP"
