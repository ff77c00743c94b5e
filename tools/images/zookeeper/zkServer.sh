#!/usr/bin/env bash
# The ZooKeeper server in the project's image (scripts/build-images.sh): the distribution's bin/ scripts are not on
# Maven Central, only its jars, so this is the image's own launcher for what the platform uses.
#   zkServer.sh start-foreground [zoo.cfg]   QuorumPeerMain in the foreground (default $ZOO_CONF_DIR/zoo.cfg)
#   zkServer.sh version                      the version of the jars
#   zkServer.sh print-cmd [zoo.cfg]          the java command line, not run
# JVMFLAGS (and SERVER_JVMFLAGS) are passed to java, split at white space; logging goes to the console
# (logback.xml in $ZOO_CONF_DIR, else the image's $ZOOKEEPER_HOME/conf).
set -euo pipefail

: "${ZOOKEEPER_HOME:=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
: "${ZOO_CONF_DIR:=/conf}" "${ZOO_LOG_DIR:=/logs}"
read -r -a jvm_flags <<<"${SERVER_JVMFLAGS:-} ${JVMFLAGS:-}"
classpath="$ZOO_CONF_DIR:$ZOOKEEPER_HOME/conf:$ZOOKEEPER_HOME/lib/*"
command=(java "${jvm_flags[@]}" "-Dzookeeper.log.dir=$ZOO_LOG_DIR" -cp "$classpath")

case "${1:-}" in
  start-foreground)
    exec "${command[@]}" org.apache.zookeeper.server.quorum.QuorumPeerMain "${2:-$ZOO_CONF_DIR/zoo.cfg}"
    ;;
  print-cmd)
    echo "${command[*]} org.apache.zookeeper.server.quorum.QuorumPeerMain ${2:-$ZOO_CONF_DIR/zoo.cfg}"
    ;;
  version)
    exec java -cp "$classpath" org.apache.zookeeper.version.VersionInfoMain
    ;;
  *)
    echo "usage: zkServer.sh start-foreground|print-cmd [zoo.cfg] | version" >&2
    exit 2
    ;;
esac
