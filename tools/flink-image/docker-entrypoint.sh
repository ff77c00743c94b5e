#!/usr/bin/env bash
# The entrypoint of the project's Flink image, and of the local "pods" of the real-Flink suite: it behaves the way
# the operator and the platform expect of the official image's /docker-entrypoint.sh.
#   jobmanager [args]      a standalone session JobManager in the foreground
#   standalone-job [args]  an application cluster's JobManager (standalone mode)
#   taskmanager [args]     a TaskManager in the foreground
#   history-server [args]  Flink's HistoryServer in the foreground (the platform's history server runs this)
#   anything else          run as given (the operator's `bash -c "kubernetes-jobmanager.sh kubernetes-session"`,
#                          the platform's `/opt/flink/bin/sql-gateway.sh start-foreground`)
# Before any of them, ENABLE_BUILT_IN_PLUGINS (jar names separated by ';') enables plugins shipped in opt/: each
# jar goes to plugins/<jar name without .jar>/, as the operator's S3 settings rely on. A named jar that opt/ lacks
# is an error, never skipped: a process without its file system plugin fails later with a much vaguer message.
set -euo pipefail

: "${FLINK_HOME:=/opt/flink}"
export FLINK_HOME
export PATH="$FLINK_HOME/bin:$PATH"

enable_plugins() {
  local jar name
  [ -n "${ENABLE_BUILT_IN_PLUGINS:-}" ] || return 0
  IFS=';' read -r -a jars <<<"$ENABLE_BUILT_IN_PLUGINS"
  for jar in "${jars[@]}"; do
    jar="${jar// /}"
    [ -n "$jar" ] || continue
    if [ ! -e "$FLINK_HOME/opt/$jar" ]; then
      echo "docker-entrypoint: ENABLE_BUILT_IN_PLUGINS names $jar, which $FLINK_HOME/opt does not have" >&2
      exit 1
    fi
    name="${jar%.jar}"
    mkdir -p "$FLINK_HOME/plugins/$name"
    cp -L "$FLINK_HOME/opt/$jar" "$FLINK_HOME/plugins/$name/"
    echo "docker-entrypoint: enabled plugin $name"
  done
}

enable_plugins
command="${1:-help}"
case "$command" in
  jobmanager)
    shift
    exec "$FLINK_HOME/bin/jobmanager.sh" start-foreground "$@"
    ;;
  standalone-job)
    shift
    exec "$FLINK_HOME/bin/standalone-job.sh" start-foreground "$@"
    ;;
  taskmanager)
    shift
    exec "$FLINK_HOME/bin/taskmanager.sh" start-foreground "$@"
    ;;
  history-server)
    shift
    exec "$FLINK_HOME/bin/historyserver.sh" start-foreground "$@"
    ;;
  help)
    sed -n '2,10p' "$0"
    ;;
  *)
    exec "$@"
    ;;
esac
