#!/usr/bin/env bash
# ZooKeeper's command-line client in the project's image: zkCli.sh [-server host:port] [command...].
set -euo pipefail
: "${ZOOKEEPER_HOME:=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
: "${ZOO_CONF_DIR:=/conf}"
read -r -a jvm_flags <<<"${CLIENT_JVMFLAGS:-} ${JVMFLAGS:-}"
exec java "${jvm_flags[@]}" -cp "$ZOO_CONF_DIR:$ZOOKEEPER_HOME/conf:$ZOOKEEPER_HOME/lib/*" org.apache.zookeeper.ZooKeeperMain "$@"
