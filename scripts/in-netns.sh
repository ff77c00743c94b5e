#!/usr/bin/env bash
# Runs a command in a network namespace of its own whose only interface is loopback (brought up here), so that
# every process it starts can reach only the others, whatever address they bind: some of the servers the real-Flink
# suite runs have no bind-address option (Flink's Prometheus reporter, the Hive metastore bind every interface).
# Nothing inside can reach the network, and nothing outside can reach in. The file system, the PIDs and the user
# are shared with the caller, so logs and temp dirs stay where they are.
#
# Usage: scripts/in-netns.sh [--] <command> [args...]
# As root: unshare --net. Otherwise: unshare --user --map-root-user --net (the command then runs as root of a user
# namespace), where the kernel allows unprivileged user namespaces.
set -euo pipefail

[[ "${1:-}" == "--" ]] && shift
if [[ $# -eq 0 || "$1" == -h || "$1" == --help ]]; then
  sed -n '2,10p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
  [[ $# -eq 0 ]] && exit 2 || exit 0
fi
command -v unshare >/dev/null 2>&1 || { echo "in-netns: unshare (util-linux) is not on PATH" >&2; exit 1; }

if [[ "$(id -u)" == 0 ]]; then
  ns=(unshare --net)
else
  ns=(unshare --user --map-root-user --net)
fi

# Inside: bring lo up, check that it is the only interface, then become the command (its exit code is ours).
# shellcheck disable=SC2016 # expanded by the inner shell
exec "${ns[@]}" -- bash -c '
  set -euo pipefail
  ip link set lo up
  others=$(ip -o link show | awk -F": " "{print \$2}" | grep -vx lo || true)
  if [[ -n "$others" ]]; then echo "in-netns: unexpected interfaces in the new namespace: $others" >&2; exit 1; fi
  exec "$@"
' in-netns "$@"
