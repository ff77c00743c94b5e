#!/usr/bin/env bash
# Smoke test of the images scripts/build-images.sh made: a private containerd (its own root, state, socket and
# config in a temp dir; overlayfs snapshotter, io.containerd.runc.v2; no CRI plugin) imports every archive listed in
# .toolchain/images/images.txt with `ctr images import`, checks that each is there under its reference, and runs a
# command in a container of each (`ctr run --rm`, a network namespace of its own with only loopback), matching what
# it prints. The containerd is stopped by its PID at the end, and the temp dir removed.
#
# Usage: tools/images/smoke.sh [image...]     (names as in build-images.sh: flink-1.20.4 operator ...; default all)
# Environment:
#   SMOKE_KEEP=1   keep the temp dir (containerd's logs) after the run
#   SMOKE_DIR      where to make the temp dir (default /tmp; needs a file system overlayfs can use)
# Needs root, containerd and ctr (Debian's containerd 1.6), runc. Prints each step's time.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
OUT="$ROOT/.toolchain/images"
log() { printf '[images-smoke] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

[[ "$(id -u)" == 0 ]] || die "needs root (containerd, overlayfs)"
for tool in containerd ctr runc; do command -v "$tool" >/dev/null 2>&1 || die "$tool is not on PATH"; done
[[ -f "$OUT/images.txt" ]] || die "no $OUT/images.txt: run scripts/build-images.sh"

declare -A REF=()
ORDER=()
while read -r ref file; do
  name="${file%.tar}"
  REF[$name]="$ref"
  ORDER+=("$name")
done <"$OUT/images.txt"
WANT=("$@")
((${#WANT[@]} > 0)) || WANT=("${ORDER[@]}")
for name in "${WANT[@]}"; do [[ -n "${REF[$name]:-}" ]] || die "$name is not in $OUT/images.txt"; done

DIR="$(mktemp -d "${SMOKE_DIR:-/tmp}/images-smoke.XXXXXX")"
SOCK="$DIR/containerd.sock"
CONTAINERD_PID=""
cleanup() {
  local rc=$?
  if [[ -n "$CONTAINERD_PID" ]] && kill -0 "$CONTAINERD_PID" 2>/dev/null; then
    kill -TERM "$CONTAINERD_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$CONTAINERD_PID" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$CONTAINERD_PID" 2>/dev/null || true
  fi
  # Snapshots are overlay mounts under the root: unmount what is left before removing it.
  if [[ -d "$DIR/root" ]]; then
    local mounts=()
    mapfile -t mounts < <(awk -v d="$DIR/" 'index($2, d) == 1 {print $2}' /proc/self/mounts | sort -r)
    local m
    for m in "${mounts[@]}"; do umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true; done
  fi
  if [[ "${SMOKE_KEEP:-0}" == 1 || $rc != 0 ]]; then
    log "kept $DIR (containerd log: $DIR/containerd.log)"
  else
    rm -rf "$DIR"
  fi
  exit "$rc"
}
trap cleanup EXIT

cat >"$DIR/config.toml" <<EOF
version = 2
root = "$DIR/root"
state = "$DIR/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]

[grpc]
  address = "$SOCK"

[ttrpc]
  address = ""

[debug]
  address = ""

[metrics]
  address = ""

[plugins."io.containerd.runtime.v1.linux"]
  shim_debug = false
EOF

t0=$SECONDS
containerd --config "$DIR/config.toml" >"$DIR/containerd.log" 2>&1 &
CONTAINERD_PID=$!
ctr_() { ctr --address "$SOCK" --namespace k8s.io "$@"; }
for _ in $(seq 1 100); do
  if [[ -S "$SOCK" ]] && ctr_ version >/dev/null 2>&1; then break; fi
  kill -0 "$CONTAINERD_PID" 2>/dev/null || die "containerd exited: $(tail -20 "$DIR/containerd.log")"
  sleep 0.2
done
ctr_ version >/dev/null 2>&1 || die "containerd did not answer on $SOCK"
server="$(ctr_ version)"
log "containerd (pid $CONTAINERD_PID) up in $((SECONDS - t0))s: ${server##*Server:}" 

FAILED=()
RESULTS=()

# check NAME WHAT EXPECTED_REGEX COMMAND...: runs COMMAND in a container of NAME's image; its output must match, and
# it must exit 0 (or with one of the codes in ALLOW_RC, space-separated).
check() {
  local name="$1" what="$2" expect="$3" out rc t
  shift 3
  local id="smoke-$name-$RANDOM"
  t=$SECONDS
  set +e
  out="$(ctr_ run --rm "${RUN_OPTS[@]}" "${REF[$name]}" "$id" "$@" 2>&1)"
  rc=$?
  set -e
  printf '%s\n' "$out" | sed "s/^/[images-smoke]   $name | /" >&2
  if [[ $rc == 0 || " ${ALLOW_RC:-} " == *" $rc "* ]] && [[ "$out" =~ $expect ]]; then
    RESULTS+=("$(printf '%-13s ok   %-34s %3ss' "$name" "$what" "$((SECONDS - t))")")
  else
    RESULTS+=("$(printf '%-13s FAIL %-34s %3ss (rc %s)' "$name" "$what" "$((SECONDS - t))" "$rc")")
    FAILED+=("$name: $what")
  fi
}
# The kubelet gives a pod an /etc/hosts with its own name; ctr does not: without it the JVMs' local host name lookups
# fail (UnknownHostException) in the container's loopback-only network.
printf '127.0.0.1\tlocalhost %s\n::1\tlocalhost ip6-localhost\n' "$(hostname)" >"$DIR/hosts"
RUN_OPTS=(--mount "type=bind,src=$DIR/hosts,dst=/etc/hosts,options=rbind:ro")

for name in "${WANT[@]}"; do
  t=$SECONDS
  ctr_ images import "$OUT/$name.tar" >&2 || die "ctr images import $name.tar failed"
  listed="$(ctr_ images ls -q)"
  [[ $'\n'"$listed"$'\n' == *$'\n'"${REF[$name]}"$'\n'* ]] || die "$name.tar imported, but no image ${REF[$name]}: $listed"
  log "imported ${REF[$name]} in $((SECONDS - t))s"
done
log "images: $(ctr_ images ls | sed 1d | awk '{print $1, $4 $5}' | tr '\n' ';')"

for name in "${WANT[@]}"; do
  case "$name" in
    flink-*)
      version="${name#flink-}"
      check "$name" "java -version" 'openjdk version "17\.' java -version
      check "$name" "id (user flink 9999)" 'uid=9999\(flink\) gid=9999\(flink\)' id
      check "$name" "entrypoint help" 'docker-entrypoint|jobmanager' /docker-entrypoint.sh help
      check "$name" "flink --version" "Version: $version" /docker-entrypoint.sh flink --version
      # What the operator's JobManager pods run, through the entrypoint, up to the start of the JVM; FLINK_HOME, the
      # configuration and the class path as the scripts work them out (then it is stopped: no cluster here).
      check "$name" "kubernetes-jobmanager.sh resolves" 'kubernetes-jobmanager\.sh' \
        /docker-entrypoint.sh bash -c 'command -v kubernetes-jobmanager.sh kubernetes-taskmanager.sh && test -w /opt/flink/log && ls /opt/flink/opt'
      check "$name" "S3 plugin enabled by patch name" "enabled plugin flink-s3-fs-presto-$version" \
        env ENABLE_BUILT_IN_PLUGINS="flink-s3-fs-presto-$version.jar" /docker-entrypoint.sh ls "/opt/flink/plugins/flink-s3-fs-presto-$version"
      # A JobManager for real, for a few seconds: the REST endpoint answers inside the container.
      check "$name" "jobmanager answers on :8081" '"flink-version":"'"$version"'"' /docker-entrypoint.sh bash -c \
        '(jobmanager.sh start-foreground >/tmp/jm.log 2>&1 &) ; for i in $(seq 1 90); do out=$(curl -fsS http://127.0.0.1:8081/config 2>/dev/null) && { echo "$out"; exit 0; }; sleep 1; done; tail -40 /tmp/jm.log; exit 1'
      ;;
    operator)
      check "$name" "entrypoint help" 'operator\|webhook|\(operator\|webhook\)|operator ' /docker-entrypoint.sh help
      check "$name" "id (user flink 9999)" 'uid=9999\(flink\)' id
      # The controller and the webhook without a cluster: each starts with a configuration where the chart mounts
      # its ConfigMap (/opt/flink/conf), and fails for want of a Kubernetes API (no service account, no
      # KUBERNETES_SERVICE_HOST) and of nothing else.
      mkdir -p "$DIR/operator-conf"
      printf '# smoke test: the defaults\n' >"$DIR/operator-conf/config.yaml"
      saved=("${RUN_OPTS[@]}")
      RUN_OPTS+=(--mount "type=bind,src=$DIR/operator-conf,dst=/opt/flink/conf,options=rbind:ro")
      # Both stay up after their main thread fails (non-daemon threads), so `timeout` ends them (124).
      ALLOW_RC="1 124" check "$name" "operator starts, no cluster" \
        'Starting Flink Kubernetes Operator \(Version: 1\.15\.0.*Exception in thread "main" io\.fabric8\.kubernetes\.client\.KubernetesClientException.*UnresolvedAddressException' \
        timeout 60 /docker-entrypoint.sh operator
      # Without the chart's WEBHOOK_SERVER_PORT it stops right after its own start-up.
      ALLOW_RC="1 124" check "$name" "webhook starts, no port given" \
        'Starting Flink Kubernetes Webhook \(Version: 1\.15\.0.*WEBHOOK_SERVER_PORT cannot be empty' \
        timeout 60 /docker-entrypoint.sh webhook
      RUN_OPTS=("${saved[@]}")
      ;;
    fetcher)
      check "$name" "curl, sha256sum, sed" 'curl 7\.[0-9.]+.*e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' \
        sh -c 'curl --version && printf "" | sha256sum && sed --version >/dev/null && id'
      ;;
    minio)
      check "$name" "minio --version" 'minio version DEVELOPMENT\.' minio --version
      check "$name" "mc --version" 'mc version DEVELOPMENT\.' mc --version
      check "$name" "minio server + mc mb" 'Bucket created successfully|platform/smoke' sh -c \
        'export MINIO_ROOT_USER=smokeuser MINIO_ROOT_PASSWORD=smokepassword MC_CONFIG_DIR=/tmp/mc; mkdir -p /tmp/data; (minio server /tmp/data >/tmp/minio.log 2>&1 &); export MC_HOST_platform=http://smokeuser:smokepassword@127.0.0.1:9000; for i in $(seq 1 60); do mc ls platform >/dev/null 2>&1 && break; sleep 1; done; mc mb --ignore-existing platform/smoke && mc ls platform'
      ;;
    zookeeper)
      check "$name" "zkServer.sh version" 'Apache ZooKeeper, version 3\.9\.4' zkServer.sh version
      check "$name" "server answers ruok/srvr" 'imok.*Mode: standalone' bash -c \
        'export ZOO_DATA_DIR=/tmp/zk ZOO_DATA_LOG_DIR=/tmp/zk ZOO_CONF_DIR=/tmp/conf ZOO_4LW_COMMANDS_WHITELIST=ruok,srvr,mntr; mkdir -p /tmp/zk /tmp/conf; (/docker-entrypoint.sh zkServer.sh start-foreground >/tmp/zk.log 2>&1 &); for i in $(seq 1 60); do out=$(echo ruok | nc -w 2 127.0.0.1 2181 2>/dev/null) && [ "$out" = imok ] && break; sleep 1; done; echo "$out"; echo srvr | nc -w 2 127.0.0.1 2181 || tail -30 /tmp/zk.log'
      ;;
    *)
      log "no smoke commands for $name"
      ;;
  esac
done

log "results:"
for line in "${RESULTS[@]}"; do log "   $line"; done
((${#FAILED[@]} == 0)) || die "${#FAILED[@]} failed: ${FAILED[*]}"
log "all passed in $((SECONDS - t0))s"
