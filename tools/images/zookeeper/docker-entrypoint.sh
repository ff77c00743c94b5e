#!/usr/bin/env bash
# /docker-entrypoint.sh of the project's ZooKeeper image (scripts/build-images.sh), with the environment contract
# the platform's StatefulSet (components/state/zookeeper.ts) relies on, the one the official `zookeeper` image
# documents: unless $ZOO_CONF_DIR/zoo.cfg exists, it is written from
#   ZOO_DATA_DIR (/data) ZOO_DATA_LOG_DIR (/datalog) ZOO_TICK_TIME (2000) ZOO_INIT_LIMIT (5) ZOO_SYNC_LIMIT (2)
#   ZOO_AUTOPURGE_SNAPRETAINCOUNT (3) ZOO_AUTOPURGE_PURGEINTERVAL (0) ZOO_MAX_CLIENT_CNXNS (60)
#   ZOO_STANDALONE_ENABLED (true) ZOO_ADMINSERVER_ENABLED (true) ZOO_4LW_COMMANDS_WHITELIST (srvr)
#   ZOO_SERVERS        space-separated server.N=host:2888:3888;2181 (default server.1=localhost:2888:3888;2181)
#   ZOO_CFG_EXTRA      space-separated key=value lines appended as they are
# and unless $ZOO_DATA_DIR/myid exists, ZOO_MY_ID (default 1) is written to it. Then the arguments run
# (default zkServer.sh start-foreground; zkServer.sh and zkCli.sh are on PATH).
set -euo pipefail

: "${ZOO_CONF_DIR:=/conf}" "${ZOO_DATA_DIR:=/data}" "${ZOO_DATA_LOG_DIR:=/datalog}" "${ZOO_LOG_DIR:=/logs}"
export ZOO_CONF_DIR ZOO_DATA_DIR ZOO_DATA_LOG_DIR ZOO_LOG_DIR

if [[ ! -f "$ZOO_CONF_DIR/zoo.cfg" ]]; then
  {
    echo "dataDir=$ZOO_DATA_DIR"
    echo "dataLogDir=$ZOO_DATA_LOG_DIR"
    echo "tickTime=${ZOO_TICK_TIME:-2000}"
    echo "initLimit=${ZOO_INIT_LIMIT:-5}"
    echo "syncLimit=${ZOO_SYNC_LIMIT:-2}"
    echo "autopurge.snapRetainCount=${ZOO_AUTOPURGE_SNAPRETAINCOUNT:-3}"
    echo "autopurge.purgeInterval=${ZOO_AUTOPURGE_PURGEINTERVAL:-0}"
    echo "maxClientCnxns=${ZOO_MAX_CLIENT_CNXNS:-60}"
    echo "standaloneEnabled=${ZOO_STANDALONE_ENABLED:-true}"
    echo "admin.enableServer=${ZOO_ADMINSERVER_ENABLED:-true}"
    echo "4lw.commands.whitelist=${ZOO_4LW_COMMANDS_WHITELIST:-srvr}"
    read -r -a servers <<<"${ZOO_SERVERS:-server.1=localhost:2888:3888;2181}"
    for server in "${servers[@]}"; do echo "$server"; done
    read -r -a extra <<<"${ZOO_CFG_EXTRA:-}"
    for line in "${extra[@]}"; do echo "$line"; done
  } >"$ZOO_CONF_DIR/zoo.cfg.tmp"
  mv "$ZOO_CONF_DIR/zoo.cfg.tmp" "$ZOO_CONF_DIR/zoo.cfg"
fi

if [[ ! -f "$ZOO_DATA_DIR/myid" ]]; then
  id="${ZOO_MY_ID:-1}"
  if [[ ! "$id" =~ ^[0-9]+$ ]] || ((id < 1 || id > 255)); then
    echo "docker-entrypoint: ZOO_MY_ID must be 1 to 255, not '$id'" >&2
    exit 1
  fi
  echo "$id" >"$ZOO_DATA_DIR/myid"
fi

(($# > 0)) || set -- zkServer.sh start-foreground
exec "$@"
