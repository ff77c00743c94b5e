#!/usr/bin/env bash
# /docker-entrypoint.sh of the project's Flink Kubernetes operator image (scripts/build-images.sh). The operator chart
# runs its two containers as `/docker-entrypoint.sh operator` and `/docker-entrypoint.sh webhook`, with its config
# mounted at /opt/flink/conf (FLINK_CONF_DIR) and LOG_CONFIG, JVM_ARGS, LOGGING_FRAMEWORK in the environment:
#   operator      the controller:  java -cp <standalone jar>:<operator jar>:<logging jars>:$OPERATOR_LIB/*
#                                  $LOG_CONFIG $JVM_ARGS org.apache.flink.kubernetes.operator.FlinkOperator
#   webhook       the webhook:     the same class path plus the webhook jar,
#                                  org.apache.flink.kubernetes.operator.admission.FlinkOperatorWebhook
#   help          this text
#   anything else run as given
# LOG_CONFIG and JVM_ARGS are split at white space (no globbing), as the cluster suite's host processes split them
# (test/support/operatorPod.ts). LOGGING_FRAMEWORK: log4j2 (default; $OPERATOR_LOG/log4j) or logback
# ($OPERATOR_LOG/logback, which this image does not ship: an error).
set -euo pipefail

: "${FLINK_HOME:=/opt/flink}"
: "${OPERATOR_VERSION:=1.15.0}"
: "${OPERATOR_LIB:=$FLINK_HOME/operator-lib}"
: "${OPERATOR_LOG:=$FLINK_HOME/log}"
jars=/flink-kubernetes-operator

run_java() {
  local main="$1" classpath="$2" logging log_config jvm_args
  case "${LOGGING_FRAMEWORK:-log4j2}" in
    logback) logging="$OPERATOR_LOG/logback" ;;
    log4j2) logging="$OPERATOR_LOG/log4j" ;;
    *) echo "docker-entrypoint: LOGGING_FRAMEWORK must be log4j2 or logback, not $LOGGING_FRAMEWORK" >&2; exit 1 ;;
  esac
  if ! compgen -G "$logging/*.jar" >/dev/null; then
    echo "docker-entrypoint: no logging jars in $logging (LOGGING_FRAMEWORK=${LOGGING_FRAMEWORK:-log4j2})" >&2
    exit 1
  fi
  read -r -a log_config <<<"${LOG_CONFIG:-}"
  read -r -a jvm_args <<<"${JVM_ARGS:-}"
  cd "$jars"
  exec java -cp "$classpath:$logging/*:$OPERATOR_LIB/*" "${log_config[@]}" "${jvm_args[@]}" "$main"
}

operator_cp="$jars/flink-kubernetes-standalone-$OPERATOR_VERSION.jar:$jars/flink-kubernetes-operator-$OPERATOR_VERSION-shaded.jar"
case "${1:-help}" in
  operator)
    echo "docker-entrypoint: starting the operator $OPERATOR_VERSION"
    run_java org.apache.flink.kubernetes.operator.FlinkOperator "$operator_cp"
    ;;
  webhook)
    echo "docker-entrypoint: starting the webhook $OPERATOR_VERSION"
    run_java org.apache.flink.kubernetes.operator.admission.FlinkOperatorWebhook \
      "$operator_cp:$jars/flink-kubernetes-webhook-$OPERATOR_VERSION-shaded.jar"
    ;;
  help)
    sed -n '2,14p' "$0"
    ;;
  *)
    exec "$@"
    ;;
esac
