#!/usr/bin/env bash
# Proves that the distributions scripts/build-flink.sh assembles really run: for each Flink version, in a network
# namespace of its own with only loopback (the Prometheus reporter binds every interface), it starts a standalone
# JobManager and TaskManager (bin/jobmanager.sh / bin/taskmanager.sh start-foreground, own FLINK_CONF_DIR),
# submits job-jars/checkpointing-job-<version>.jar with `bin/flink run -d`, waits for completed checkpoints
# (REST /jobs/<id>/checkpoints), stops the job with a savepoint and restores a new one from it, reads the
# Prometheus reporter, runs examples/streaming/StateMachineExample.jar where the build provides it, starts the SQL
# Gateway (bin/sql-gateway.sh start-foreground), asks GET /v1/info and SHOW CATALOGS and runs an INSERT through
# it (datagen to blackhole) on the cluster. Every process it starts is stopped by its PID. Prints how long each
# start took.
#
# Usage: tools/flink/smoke.sh [--add-opens=all|client|none] [--keep] [VERSION...]   (default: every built version)
#   --add-opens=all     (default) every process gets the Java 17 --add-opens/--add-exports options that the
#                       operator chart gives FlinkDeployments (env.java.default-opts.all)
#   --add-opens=client  only the `flink` CLI gets them (env.java.opts.client): JobManager, TaskManager and SQL
#                       Gateway run without, as the platform's gateway does today
#   --add-opens=none    no process gets them (--without-add-opens is the same): shows what breaks
#   --keep              keep the work directory (configs, logs, checkpoints) under /tmp
# Needs root (unshare --net), curl, python3, and scripts/build-flink.sh run before.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
OUT="$ROOT/.toolchain/flink"
# The operator chart's kubernetes.operator.default-configuration.flink-version.v1_19+.env.java.default-opts.all
# (flink-kubernetes-operator 1.15.0 conf/flink-conf.yaml), which FlinkDeployments of 1.19 and later get.
ADD_OPENS="--add-exports=java.base/sun.net.util=ALL-UNNAMED --add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED --add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.text=ALL-UNNAMED --add-opens=java.base/java.time=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED"
# Fixed ports are safe: nothing else lives in the namespace.
REST_PORT=8081
GATEWAY_PORT=8083

log() { printf '[smoke %s] %s\n' "$(date +%T)" "$*" >&2; }
die() { log "FAILED: $*"; exit 1; }

IN_NETNS=0 OPENS=all KEEP=0 VERSIONS=()
for arg in "$@"; do
  case "$arg" in
    --in-netns) IN_NETNS=1 ;;
    --without-add-opens) OPENS=none ;;
    --add-opens=all | --add-opens=client | --add-opens=none) OPENS="${arg#--add-opens=}" ;;
    --keep) KEEP=1 ;;
    -h|--help) sed -n '2,19p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "smoke.sh: unknown option $arg" >&2; exit 2 ;;
    *) VERSIONS+=("$arg") ;;
  esac
done

if [[ $IN_NETNS == 0 ]]; then
  [[ $(id -u) == 0 ]] || die "needs root for unshare --net"
  # A new network namespace with only loopback; the script runs again inside it.
  exec unshare --net bash -c 'ip link set lo up && exec "$0" --in-netns "$@"' "${BASH_SOURCE[0]}" "$@"
fi

if [[ ${#VERSIONS[@]} == 0 ]]; then
  for home in "$OUT"/flink-*/; do [[ -d "$home" ]] && VERSIONS+=("$(basename "$home" | sed 's/^flink-//')"); done
fi
[[ ${#VERSIONS[@]} -gt 0 ]] || die "no distribution in $OUT: run scripts/build-flink.sh first"

WORK="$(mktemp -d /tmp/flink-smoke.XXXXXX)"
PIDS=()
stop_pid() {
  local pid="$1" i
  kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 60; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  kill -0 "$pid" 2>/dev/null && { log "pid $pid ignored TERM for 30 s: KILL"; kill -KILL "$pid" 2>/dev/null || true; }
  wait "$pid" 2>/dev/null || true
}
cleanup() {
  local status=$? i
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do stop_pid "${PIDS[$i]}"; done
  if [[ $KEEP == 1 || $status != 0 ]]; then log "work directory kept: $WORK"; else rm -rf "$WORK"; fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

now() { date +%s.%N; }
since() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$1" "$(now)"; }
json() { python3 -c "import json, sys; d = json.load(sys.stdin); print(eval(sys.argv[1], {'d': d}))" "$1"; }

# wait_for SECONDS WHAT PID COMMAND...: until COMMAND succeeds; fails when PID died or the time is up.
wait_for() {
  local limit="$1" what="$2" pid="$3" t0=$SECONDS
  shift 3
  until "$@" >/dev/null 2>&1; do
    kill -0 "$pid" 2>/dev/null || die "$what: process $pid exited (see $WORK)"
    ((SECONDS - t0 < limit)) || die "$what: not within ${limit}s (see $WORK)"
    sleep 0.5
  done
}
rest() { curl -fsS --max-time 5 "http://127.0.0.1:$REST_PORT$1"; }
taskmanagers() { [[ "$(rest /overview | json "d['taskmanagers']")" -ge 1 ]]; }
completed_checkpoints() { rest "/jobs/$1/checkpoints" | json "d['counts']['completed']"; }
has_checkpoints() { [[ "$(completed_checkpoints "$1")" -ge "$2" ]]; }
job_running() { [[ "$(rest "/jobs/$1" | json "d['state']")" == RUNNING ]]; }

# gw_sql STATEMENT: runs it in the session $GW_SESSION of the gateway at $GWURL; prints the first result page.
gw_sql() {
  local op result i
  op="$(curl -fsS -X POST -H 'Content-Type: application/json' \
    -d "$(python3 -c 'import json, sys; print(json.dumps({"statement": sys.argv[1]}))' "$1")" \
    "$GWURL/sessions/$GW_SESSION/statements" | json "d['operationHandle']")" || die "SQL Gateway refused: $1"
  for ((i = 0; i < 120; i++)); do
    result="$(curl -sS "$GWURL/sessions/$GW_SESSION/operations/$op/result/0")"
    case "$(json "d.get('resultType', 'ERROR')" <<<"$result")" in
      NOT_READY) sleep 0.5 ;;
      ERROR) printf '%s\n' "$result" | json "'\\n'.join(d.get('errors', []))" | grep -v '^\s*at ' | tail -20 >&2
        die "SQL Gateway: $1" ;;
      *) printf '%s\n' "$result"; return 0 ;;
    esac
  done
  die "SQL Gateway: no result for $1 within 60 s"
}

smoke() {
  local v="$1" home="$OUT/flink-$1" dir="$WORK/$1" conf t0 t_jm t_tm jm tm gw out jid jid2 savepoint
  [[ -x "$home/bin/flink" ]] || die "no distribution $home: run scripts/build-flink.sh"
  local job="$OUT/job-jars/checkpointing-job-$v.jar"
  [[ -f "$job" ]] || die "no $job: run scripts/build-flink.sh"
  conf="$dir/conf"
  mkdir -p "$conf" "$dir/log" "$dir/checkpoints" "$dir/savepoints"
  # The distribution's log4j/logback files, our own config.yaml.
  cp "$home/conf/"log4j*.properties "$home/conf/"logback*.xml "$conf/"
  local cp_dir=execution.checkpointing.dir sp_dir=execution.checkpointing.savepoint-dir
  # 1.x: the keys the platform renders for 1.x (components/flink: state.checkpoints.dir, state.savepoints.dir).
  [[ $v == 1.* ]] && cp_dir=state.checkpoints.dir sp_dir=state.savepoints.dir
  {
    echo "jobmanager.rpc.address: 127.0.0.1"
    echo "jobmanager.bind-host: 127.0.0.1"
    echo "jobmanager.memory.process.size: 1024m"
    echo "taskmanager.host: 127.0.0.1"
    echo "taskmanager.bind-host: 127.0.0.1"
    echo "taskmanager.numberOfTaskSlots: 2"
    echo "taskmanager.memory.process.size: 1280m"
    echo "rest.address: 127.0.0.1"
    echo "rest.bind-address: 127.0.0.1"
    echo "rest.port: $REST_PORT"
    echo "parallelism.default: 2"
    echo "state.backend.type: rocksdb"
    echo "execution.checkpointing.interval: 3 s"
    echo "$cp_dir: file://$dir/checkpoints"
    echo "$sp_dir: file://$dir/savepoints"
    # The platform's reporter; JobManager and TaskManager share the namespace, so a port range.
    echo "metrics.reporter.prom.factory.class: org.apache.flink.metrics.prometheus.PrometheusReporterFactory"
    echo "metrics.reporter.prom.port: 9249-9250"
    case $OPENS in
      all) echo "env.java.default-opts.all: $ADD_OPENS" ;;
      client) echo "env.java.opts.client: $ADD_OPENS" ;;
    esac
  } >"$conf/config.yaml"
  export FLINK_CONF_DIR="$conf" FLINK_LOG_DIR="$dir/log" FLINK_PID_DIR="$dir"

  log "== Flink $v ($home; the operator's --add-opens: $OPENS)"
  t0=$(now)
  "$home/bin/jobmanager.sh" start-foreground >"$dir/jobmanager.out" 2>&1 &
  jm=$!
  PIDS+=("$jm")
  wait_for 180 "JobManager REST" "$jm" rest /overview
  t_jm=$(since "$t0")
  log "JobManager (pid $jm): REST answered after ${t_jm}s"
  t0=$(now)
  "$home/bin/taskmanager.sh" start-foreground >"$dir/taskmanager.out" 2>&1 &
  tm=$!
  PIDS+=("$tm")
  wait_for 180 "TaskManager registration" "$tm" taskmanagers
  t_tm=$(since "$t0")
  log "TaskManager (pid $tm): registered after ${t_tm}s"

  t0=$(now)
  out="$("$home/bin/flink" run -d "$job" --name "smoke-$v" 2>&1)" || { printf '%s\n' "$out" | tail -30 >&2; die "flink run of $job"; }
  jid="$(grep -o 'JobID [0-9a-f]\{32\}' <<<"$out" | cut -d' ' -f2)"
  [[ -n "$jid" ]] || { printf '%s\n' "$out" >&2; die "no JobID in flink run's output"; }
  log "submitted checkpointing-job-$v.jar as job $jid in $(since "$t0")s"
  t0=$(now)
  wait_for 180 "2 completed checkpoints of $jid" "$jm" has_checkpoints "$jid" 2
  log "job $jid: $(completed_checkpoints "$jid") completed checkpoints after $(since "$t0")s, state size $(rest "/jobs/$jid/checkpoints" | json "d['latest']['completed']['state_size']") bytes"

  # Prometheus reporter of the JobManager and TaskManager (ports 9249, 9250 in either order).
  local metrics
  metrics="$(curl -fsS --max-time 5 http://127.0.0.1:9249/metrics; curl -fsS --max-time 5 http://127.0.0.1:9250/metrics)" \
    || die "Prometheus reporter on 9249/9250"
  for m in flink_jobmanager_numRegisteredTaskManagers flink_jobmanager_job_lastCheckpointDuration flink_taskmanager_Status_JVM_CPU_Load; do
    grep -q "^$m" <<<"$metrics" || die "metric $m not in the Prometheus reporter's output"
  done
  log "Prometheus reporter: $(grep -c '^flink_' <<<"$metrics") flink_ samples on 9249+9250"

  # Stop with a savepoint, restore a new job from it: the operator uids must match.
  t0=$(now)
  out="$("$home/bin/flink" stop --savepointPath "file://$dir/savepoints" "$jid" 2>&1)" || { printf '%s\n' "$out" | tail -30 >&2; die "flink stop --savepointPath"; }
  savepoint="$(grep -o 'Savepoint completed. Path: [^ ]*' <<<"$out" | sed 's/.*Path: //')"
  [[ -n "$savepoint" ]] || { printf '%s\n' "$out" >&2; die "no savepoint path in flink stop's output"; }
  log "stopped $jid with savepoint $savepoint in $(since "$t0")s"
  t0=$(now)
  out="$("$home/bin/flink" run -d -s "$savepoint" "$job" --name "smoke-$v-restored" 2>&1)" || { printf '%s\n' "$out" | tail -30 >&2; die "flink run -s"; }
  jid2="$(grep -o 'JobID [0-9a-f]\{32\}' <<<"$out" | cut -d' ' -f2)"
  wait_for 180 "a checkpoint of restored job $jid2" "$jm" has_checkpoints "$jid2" 1
  local restored
  restored="$(rest "/jobs/$jid2/checkpoints" | json "(d['latest']['restored'] or {}).get('external_path')")"
  [[ "$restored" == "$savepoint" ]] || die "job $jid2 restored from '$restored', expected $savepoint"
  log "job $jid2 restored from the savepoint and checkpointed after $(since "$t0")s"

  # The SQL Gateway, against this cluster (its REST address comes from the same FLINK_CONF_DIR).
  t0=$(now)
  "$home/bin/sql-gateway.sh" start-foreground -Dsql-gateway.endpoint.rest.address=127.0.0.1 \
    -Dsql-gateway.endpoint.rest.port=$GATEWAY_PORT >"$dir/sql-gateway.out" 2>&1 &
  gw=$!
  PIDS+=("$gw")
  wait_for 180 "SQL Gateway /v1/info" "$gw" curl -fsS --max-time 5 "http://127.0.0.1:$GATEWAY_PORT/v1/info"
  log "SQL Gateway (pid $gw): GET /v1/info answered after $(since "$t0")s: $(curl -fsS "http://127.0.0.1:$GATEWAY_PORT/v1/info")"
  GWURL="http://127.0.0.1:$GATEWAY_PORT/v1"
  GW_SESSION="$(curl -fsS -X POST -H 'Content-Type: application/json' -d '{}' "$GWURL/sessions" | json "d['sessionHandle']")"
  local catalogs
  catalogs="$(gw_sql "SHOW CATALOGS" | json "[r['fields'][0] for r in d['results']['data']]")"
  log "SQL Gateway: SHOW CATALOGS -> $catalogs"
  # A statement the gateway compiles into a job and submits to the cluster, as a platform user's INSERT is.
  gw_sql "CREATE TEMPORARY TABLE smoke_src (id BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '10')" >/dev/null
  gw_sql "CREATE TEMPORARY TABLE smoke_sink (id BIGINT) WITH ('connector' = 'blackhole')" >/dev/null
  local sql_job
  sql_job="$(gw_sql "INSERT INTO smoke_sink SELECT id FROM smoke_src" | json "d['results']['data'][0]['fields'][0]")"
  wait_for 60 "SQL job $sql_job running" "$gw" job_running "$sql_job"
  log "SQL Gateway: INSERT ran as job $sql_job ($(rest "/jobs/$sql_job" | json "d['state']"))"
  curl -fsS -X PATCH "http://127.0.0.1:$REST_PORT/jobs/$sql_job?mode=cancel" >/dev/null || die "cancel $sql_job"

  curl -fsS -X PATCH "http://127.0.0.1:$REST_PORT/jobs/$jid2?mode=cancel" >/dev/null || die "cancel $jid2"

  # The example the staging application runs (local:///opt/flink/examples/streaming/StateMachineExample.jar, no
  # entryClass), where the build provides it: it must start from its manifest's Main-Class.
  local example="$home/examples/streaming/StateMachineExample.jar" ejid
  if [[ -f "$example" ]]; then
    t0=$(now)
    out="$("$home/bin/flink" run -d "$example" 2>&1)" || { printf '%s\n' "$out" | tail -30 >&2; die "flink run $example"; }
    ejid="$(grep -o 'JobID [0-9a-f]\{32\}' <<<"$out" | cut -d' ' -f2)"
    wait_for 120 "StateMachineExample job $ejid running" "$jm" job_running "$ejid"
    log "examples/streaming/StateMachineExample.jar: job $ejid RUNNING after $(since "$t0")s"
    curl -fsS -X PATCH "http://127.0.0.1:$REST_PORT/jobs/$ejid?mode=cancel" >/dev/null || die "cancel $ejid"
  fi
  local p
  for p in "$gw" "$tm" "$jm"; do stop_pid "$p"; done
  PIDS=()
  log "Flink $v: all processes stopped; JobManager REST ${t_jm}s, TaskManager registration ${t_tm}s"
}

for v in "${VERSIONS[@]}"; do smoke "$v"; done
log "passed: ${VERSIONS[*]}"
