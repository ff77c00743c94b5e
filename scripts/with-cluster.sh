#!/usr/bin/env bash
# Starts a throw-away Kubernetes cluster on 127.0.0.1, runs a command against
# it, and tears everything down again:
#
#   etcd -> kube-apiserver -> kube-controller-manager + kube-scheduler + kwok
#
# kwok plays the kubelet of a few fake Nodes: pods are scheduled for real and
# get simulated statuses (Running/Ready; Job pods Succeeded), but no container
# ever runs. A pool of static PersistentVolumes of a default StorageClass lets
# volume claims bind. Binaries come from scripts/build-cluster.sh.
#
# Usage:
#   scripts/with-cluster.sh [--keep] [--crds] [--real-node] -- COMMAND [ARGS...]
#   scripts/with-cluster.sh [--keep] [--crds] [--real-node] --shell
#
#   --keep       keep the cluster directory (certificates, kubeconfigs, logs) after exit
#   --crds       also install the cert-manager and prometheus-operator CRDs from
#                .toolchain/cluster/crds/ and wait until they are Established
#   --real-node  instead of kwok's fake nodes, one real node whose pods run:
#                containerd + runc, a kubelet, kube-proxy and CoreDNS
#                (scripts/lib/real-node.sh; binaries from scripts/build-node.sh,
#                images from .toolchain/images/). Root, and only inside
#                scripts/in-netns.sh: the node's bridge (198.18.0.1) and its
#                pod and Service ranges (198.18.0.0/24, 198.19.0.0/24) stay in
#                that namespace. The API server then also listens on the
#                bridge, publishes its endpoint there, and calls webhooks,
#                pods and the kubelet directly (no egress socket).
#   --shell      run an interactive $SHELL instead of a command
#
# The command gets KUBECONFIG (admin, system:masters, verified TLS),
# KUBE_APISERVER_URL, CLUSTER_DIR, CLUSTER_CA_FILE, CLUSTER_LOG_DIR,
# CLUSTER_CRDS_DIR and CLUSTER_EGRESS_SOCKET (the Unix socket the API server
# sends its calls to pods and Services to, as HTTP CONNECT; nothing serves it
# unless the command does); with --real-node also CLUSTER_NODE_NAME,
# CLUSTER_NODE_ADDRESS and CLUSTER_NODE_CONTAINERD (its socket). The exit
# status is the command's. Every process started
# here is stopped by its PID on exit, failure, INT and TERM, and the cluster
# directory is removed (unless --keep). Only 127.0.0.1 is listened on (with
# --real-node, also the node bridge of its own network namespace).
#
# Environment (defaults in brackets):
#   CLUSTER_NODES [3]  CLUSTER_NODE_CPU [32]  CLUSTER_NODE_MEMORY [128Gi]
#   CLUSTER_NODE_PODS [110]  CLUSTER_PVS [60]  CLUSTER_PV_SIZE [1Ti]
#   CLUSTER_STORAGE_CLASS [standard]  CLUSTER_START_TIMEOUT [180] seconds
#   CLUSTER_BIN [.toolchain/cluster/bin]  TMPDIR (where the cluster directory goes)
#   CLUSTER_NODE_BIN [.toolchain/node/bin]  CLUSTER_NODE_IMAGES [.toolchain/images]
#   (--real-node: the node's binaries, and the directory of image archives it imports)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/.toolchain/cluster"
BIN="${CLUSTER_BIN:-$TOOLS/bin}"
CRDS_DIR="$TOOLS/crds"
KWOK_STAGES="$TOOLS/kwok/stages.yaml"

NODES="${CLUSTER_NODES:-3}"
NODE_CPU="${CLUSTER_NODE_CPU:-32}"
NODE_MEMORY="${CLUSTER_NODE_MEMORY:-128Gi}"
NODE_PODS="${CLUSTER_NODE_PODS:-110}"
PVS="${CLUSTER_PVS:-60}"
PV_SIZE="${CLUSTER_PV_SIZE:-1Ti}"
STORAGE_CLASS="${CLUSTER_STORAGE_CLASS:-standard}"
START_TIMEOUT="${CLUSTER_START_TIMEOUT:-180}"

# Allocation pools only: nothing is ever sent to these addresses (see the
# egress selector below).
SERVICE_CIDR="10.0.0.0/24"
SERVICE_IP="10.0.0.1"

KEEP=0
CRDS=0
SHELL_MODE=0
REAL_NODE=0
CMD=()

usage() { sed -n '2,47p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

while (($#)); do
  case "$1" in
    --keep) KEEP=1 ;;
    --crds) CRDS=1 ;;
    --shell) SHELL_MODE=1 ;;
    --real-node) REAL_NODE=1 ;;
    -h|--help) usage; exit 0 ;;
    --) shift; CMD=("$@"); break ;;
    *) echo "with-cluster: unknown argument: $1 (use -- before the command)" >&2; exit 2 ;;
  esac
  shift
done
if [[ $SHELL_MODE == 1 && ${#CMD[@]} -gt 0 ]] || [[ $SHELL_MODE == 0 && ${#CMD[@]} -eq 0 ]]; then
  echo "with-cluster: give either --shell or -- COMMAND" >&2
  usage >&2
  exit 2
fi

STARTED_AT=$SECONDS
log() { printf '[with-cluster %3ss] %s\n' "$((SECONDS - STARTED_AT))" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

for b in etcd kube-apiserver kube-controller-manager kube-scheduler kwok; do
  [[ -x "$BIN/$b" ]] || die "$BIN/$b is missing: run scripts/build-cluster.sh first"
done
[[ -s "$KWOK_STAGES" ]] || die "$KWOK_STAGES is missing: run scripts/build-cluster.sh first"
command -v openssl >/dev/null || die "openssl is needed"
command -v curl >/dev/null || die "curl is needed"
if [[ $REAL_NODE == 1 ]]; then
  # shellcheck source=lib/real-node.sh
  source "$ROOT/scripts/lib/real-node.sh"
  real_node_check
  NODES=0
  SERVICE_CIDR="$REAL_NODE_SERVICE_CIDR"
  SERVICE_IP="$REAL_NODE_SERVICE_IP"
fi

# --- process bookkeeping and cleanup -----------------------------------------

PIDS=()    # servers, in start order
NAMES=()   # their names (log file = $LOGS/<name>.log)
CMD_PID="" # the user's command while it runs
DIR=""

# stop_pid PID NAME: TERM, wait up to 10 s, then KILL; reaps the process.
stop_pid() {
  local pid="$1" name="$2" i
  kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 100; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "$name (pid $pid) did not stop within 10s: SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
}

cleanup() {
  local rc=$? i
  trap - EXIT INT TERM
  trap '' INT TERM # a second Ctrl-C must not cut the cleanup short
  if [[ -n "$CMD_PID" ]]; then
    stop_pid "$CMD_PID" "command"
  fi
  if [[ $REAL_NODE == 1 ]]; then
    real_node_stop_pods
  fi
  # Reverse start order: clients first, etcd last.
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
    [[ $REAL_NODE == 1 && "${NAMES[i]}" == containerd ]] && real_node_stop_leftovers
    stop_pid "${PIDS[i]}" "${NAMES[i]}"
  done
  if [[ $REAL_NODE == 1 ]]; then
    real_node_cleanup
  fi
  if [[ -n "$DIR" && -d "$DIR" ]]; then
    if [[ $KEEP == 1 ]]; then
      log "kept $DIR (logs in $DIR/logs)"
    else
      rm -rf "$DIR"
    fi
  fi
  exit "$rc"
}
on_signal() {
  log "SIG$1: stopping the cluster"
  [[ "$1" == INT ]] && exit 130
  exit 143
}
trap cleanup EXIT
trap 'on_signal INT' INT
trap 'on_signal TERM' TERM

DIR="$(mktemp -d "${TMPDIR:-/tmp}/flink-platform-cluster.XXXXXX")"
LOGS="$DIR/logs"
PKI="$DIR/pki"
mkdir -p "$LOGS" "$PKI"
chmod 700 "$DIR"

# start NAME COMMAND...: runs a server in the background, output to its log.
# (Background jobs of a non-interactive shell ignore SIGINT, so Ctrl-C reaches
# only this script, which then stops them in order.)
start() {
  local name="$1"; shift
  "$@" >"$LOGS/$name.log" 2>&1 &
  PIDS+=("$!")
  NAMES+=("$name")
  log "started $name (pid $!)"
}

# fail_with_logs MESSAGE: die, showing the end of every server log that
# stopped, or of all of them when none did (a hang, not a crash).
fail_with_logs() {
  local i shown=0
  for i in "${!PIDS[@]}"; do
    if ! kill -0 "${PIDS[i]}" 2>/dev/null; then
      log "${NAMES[i]} exited; last lines of $LOGS/${NAMES[i]}.log:"
      tail -n 40 "$LOGS/${NAMES[i]}.log" | sed 's/^/    /' >&2
      shown=1
    fi
  done
  if [[ $shown == 0 ]]; then
    for i in "${!PIDS[@]}"; do
      log "last lines of $LOGS/${NAMES[i]}.log:"
      tail -n 15 "$LOGS/${NAMES[i]}.log" | sed 's/^/    /' >&2
    done
  fi
  die "$1"
}

# wait_until DESCRIPTION FUNCTION [ARGS...]: polls until FUNCTION succeeds;
# fails fast when a server has exited, or after START_TIMEOUT overall.
wait_until() {
  local what="$1" i; shift
  local t0=$SECONDS
  until "$@"; do
    for i in "${!PIDS[@]}"; do
      kill -0 "${PIDS[i]}" 2>/dev/null || fail_with_logs "${NAMES[i]} exited while waiting for $what"
    done
    (( SECONDS - STARTED_AT < START_TIMEOUT )) || fail_with_logs "timed out (${START_TIMEOUT}s) waiting for $what"
    sleep 0.2
  done
  log "$what ($((SECONDS - t0))s)"
}

# --- ports --------------------------------------------------------------------

USED_PORTS=()
# port_in_use PORT: is anything listening on PORT (any address, IPv4 or IPv6)?
port_in_use() {
  local hex
  hex="$(printf '%04X' "$1")"
  grep -Eq "^ *[0-9]+: [0-9A-F]+:$hex [0-9A-F]+:0000 0A " /proc/net/tcp /proc/net/tcp6 2>/dev/null
}
# free_port VAR: sets VAR to a port that nothing listens on, below Linux's
# ephemeral range (32768+) so outgoing connections do not take it meanwhile.
free_port() {
  local p i
  for ((i = 0; i < 200; i++)); do
    p=$((20000 + RANDOM % 12000))
    [[ " ${USED_PORTS[*]} " == *" $p "* ]] && continue
    port_in_use "$p" && continue
    USED_PORTS+=("$p")
    printf -v "$1" '%s' "$p"
    return 0
  done
  die "no free port found"
}
free_port ETCD_PORT
free_port ETCD_PEER_PORT
free_port API_PORT
free_port KCM_PORT
free_port SCHEDULER_PORT
API_URL="https://127.0.0.1:$API_PORT"
[[ $REAL_NODE == 0 ]] || real_node_network

# --- certificates and kubeconfigs ------------------------------------------------

# One throw-away CA (EC P-256, valid 2 days) signs everything.
ssl() { openssl "$@" 2>>"$LOGS/openssl.log" >/dev/null || die "openssl $1 failed (see $LOGS/openssl.log)"; }

# cert NAME SUBJECT EXTENDED_KEY_USAGE [SUBJECT_ALT_NAMES [CA_NAME]]
cert() {
  local name="$1" subj="$2" eku="$3" san="${4:-}" ca="${5:-ca}"
  {
    echo "basicConstraints = critical, CA:FALSE"
    echo "keyUsage = critical, digitalSignature, keyEncipherment"
    echo "extendedKeyUsage = $eku"
    [[ -z "$san" ]] || echo "subjectAltName = $san"
  } >"$PKI/$name.ext"
  ssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$PKI/$name.key"
  ssl req -new -key "$PKI/$name.key" -subj "$subj" -out "$PKI/$name.csr"
  ssl x509 -req -in "$PKI/$name.csr" -CA "$PKI/$ca.crt" -CAkey "$PKI/$ca.key" -set_serial "0x$(openssl rand -hex 16)" \
    -days 2 -extfile "$PKI/$name.ext" -out "$PKI/$name.crt"
}

# ca NAME COMMON_NAME: a self-signed CA certificate and key.
ca() {
  printf '%s\n' "[req]" "distinguished_name = dn" "[dn]" "[ca]" \
    "basicConstraints = critical, CA:TRUE" "keyUsage = critical, keyCertSign, cRLSign, digitalSignature" \
    "subjectKeyIdentifier = hash" >"$PKI/$1.cnf"
  ssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$PKI/$1.key"
  ssl req -x509 -new -config "$PKI/$1.cnf" -extensions ca -key "$PKI/$1.key" -subj "/CN=$2" -days 2 -out "$PKI/$1.crt"
}

make_pki() {
  ca ca flink-platform-test-ca
  cert apiserver "/CN=kube-apiserver" serverAuth \
    "IP:127.0.0.1, IP:$SERVICE_IP${REAL_NODE_ADDRESS:+, IP:$REAL_NODE_ADDRESS}, DNS:localhost, DNS:kubernetes, DNS:kubernetes.default, DNS:kubernetes.default.svc, DNS:kubernetes.default.svc.cluster.local"
  # Client certificates: the CN is the user name, O the groups.
  cert admin "/O=system:masters/CN=flink-platform-admin" clientAuth
  cert controller-manager "/CN=system:kube-controller-manager" clientAuth
  cert scheduler "/CN=system:kube-scheduler" clientAuth
  # kwok writes the status of Nodes and Pods and renews node Leases for all
  # its fake nodes at once, which no single system:node:<name> may do.
  cert kwok "/O=system:masters/CN=kwok" clientAuth
  # Front proxy (request-header authentication), as in any real cluster: its
  # own CA, and the client certificate the API server proxies to aggregated
  # APIs with. Without it the controller-manager and scheduler log errors
  # about the missing requestheader CA bundle every few seconds.
  ca front-proxy-ca flink-platform-test-front-proxy-ca
  cert front-proxy-client "/CN=front-proxy-client" clientAuth "" front-proxy-ca
  # Service-account token signing key (RS256, what every client expects).
  ssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$PKI/sa.key"
  ssl pkey -in "$PKI/sa.key" -pubout -out "$PKI/sa.pub"
}

# kubeconfig NAME: writes $DIR/NAME.kubeconfig with the CA and NAME's client
# certificate embedded (so it stays valid when copied or read as a string).
kubeconfig() {
  local name="$1"
  cat >"$DIR/$name.kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: flink-platform-test
  cluster:
    server: $API_URL
    certificate-authority-data: $(base64 -w0 "$PKI/ca.crt")
users:
- name: $name
  user:
    client-certificate-data: $(base64 -w0 "$PKI/$name.crt")
    client-key-data: $(base64 -w0 "$PKI/$name.key")
contexts:
- name: flink-platform-test
  context:
    cluster: flink-platform-test
    user: $name
current-context: flink-platform-test
EOF
  chmod 600 "$DIR/$name.kubeconfig"
}

make_pki
for k in admin controller-manager scheduler kwok; do kubeconfig "$k"; done
[[ $REAL_NODE == 0 ]] || real_node_pki
log "certificates and kubeconfigs in $DIR"

# --- API helpers (curl with the admin certificate, TLS verified) ------------------

# api METHOD PATH [CURL_ARGS...]: prints the body; fails on HTTP >= 400.
# (A user agent other than curl/*: the API server pretty-prints JSON for curl.)
api() {
  local method="$1" path="$2" out code; shift 2
  out="$(curl -sS -A with-cluster -X "$method" --cacert "$PKI/ca.crt" --cert "$PKI/admin.crt" --key "$PKI/admin.key" \
    -w '\n%{http_code}' "$@" "$API_URL$path")" || return 1
  code="${out##*$'\n'}"
  printf '%s' "${out%$'\n'*}"
  [[ "$code" =~ ^[23] ]]
}
# api_create PATH JSON: POST, and 409 AlreadyExists is fine.
api_create() {
  local body
  body="$(api POST "$1" -H 'Content-Type: application/json' --data-binary "$2")" && return 0
  [[ "$body" == *'"reason":"AlreadyExists"'* ]] && return 0
  log "POST $1 failed: $body"
  return 1
}
api_ok() { api GET "$1" >/dev/null 2>&1; }

# --- etcd ---------------------------------------------------------------------------

start etcd "$BIN/etcd" \
  --name=flink-platform-test \
  --data-dir="$DIR/etcd" \
  --listen-client-urls="http://127.0.0.1:$ETCD_PORT" \
  --advertise-client-urls="http://127.0.0.1:$ETCD_PORT" \
  --listen-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" \
  --initial-advertise-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" \
  --initial-cluster="flink-platform-test=http://127.0.0.1:$ETCD_PEER_PORT" \
  --unsafe-no-fsync \
  --log-level=warn
etcd_healthy() { [[ "$(curl -sS "http://127.0.0.1:$ETCD_PORT/health" 2>/dev/null)" == *'"health":"true"'* ]]; }
wait_until "etcd healthy on 127.0.0.1:$ETCD_PORT" etcd_healthy

# --- kube-apiserver -------------------------------------------------------------------

# Safety net: route every connection the API server would open to the
# "cluster" (pods, services, nodes: webhooks, aggregated APIs, logs/exec/
# port-forward, service proxy) and to "controlplane" URLs (URL webhooks)
# through an HTTP CONNECT proxy on a Unix socket ($CLUSTER_EGRESS_SOCKET) that
# nothing serves. Such calls fail at once instead of sending packets to the
# fake pod/service/node addresses, which do not exist. A command may serve the
# socket itself to route chosen Services to processes on 127.0.0.1 (the
# cluster suite does, for the operator's admission webhook:
# test/support/operatorEgress.ts). etcd is not listed, so it is reached directly.
# --endpoint-reconciler-type=none: the API server refuses to publish a
# loopback address as the endpoint of the "kubernetes" Service; nothing in the
# cluster could use one anyway (the Service itself still exists).
cat >"$DIR/egress-selector.yaml" <<EOF
apiVersion: apiserver.k8s.io/v1beta1
kind: EgressSelectorConfiguration
egressSelections:
- name: cluster
  connection:
    proxyProtocol: HTTPConnect
    transport:
      uds:
        udsName: $DIR/egress.sock
- name: controlplane
  connection:
    proxyProtocol: HTTPConnect
    transport:
      uds:
        udsName: $DIR/egress.sock
EOF

if [[ $REAL_NODE == 0 ]]; then
  API_NETWORK_ARGS=(--bind-address=127.0.0.1 --advertise-address=127.0.0.1 --endpoint-reconciler-type=none
    --egress-selector-config-file="$DIR/egress-selector.yaml")
else
  # A real node's pods reach the API server through the kubernetes Service, whose endpoint is the node bridge's
  # address; every interface of the namespace is loopback or that bridge.
  API_NETWORK_ARGS=(--bind-address=0.0.0.0 --advertise-address="$REAL_NODE_ADDRESS" --endpoint-reconciler-type=lease
    --kubelet-client-certificate="$PKI/apiserver-kubelet-client.crt" --kubelet-client-key="$PKI/apiserver-kubelet-client.key"
    --kubelet-certificate-authority="$PKI/ca.crt")
fi
start kube-apiserver "$BIN/kube-apiserver" \
  --etcd-servers="http://127.0.0.1:$ETCD_PORT" \
  "${API_NETWORK_ARGS[@]}" \
  --secure-port="$API_PORT" \
  --cert-dir="$DIR/apiserver" \
  --tls-cert-file="$PKI/apiserver.crt" \
  --tls-private-key-file="$PKI/apiserver.key" \
  --client-ca-file="$PKI/ca.crt" \
  --requestheader-client-ca-file="$PKI/front-proxy-ca.crt" \
  --requestheader-allowed-names=front-proxy-client \
  --requestheader-username-headers=X-Remote-User \
  --requestheader-group-headers=X-Remote-Group \
  --requestheader-extra-headers-prefix=X-Remote-Extra- \
  --proxy-client-cert-file="$PKI/front-proxy-client.crt" \
  --proxy-client-key-file="$PKI/front-proxy-client.key" \
  --authorization-mode=Node,RBAC \
  --enable-admission-plugins=NodeRestriction \
  --allow-privileged=true \
  --service-cluster-ip-range="$SERVICE_CIDR" \
  --service-account-issuer=https://kubernetes.default.svc.cluster.local \
  --service-account-key-file="$PKI/sa.pub" \
  --service-account-signing-key-file="$PKI/sa.key" \
  --kubelet-preferred-address-types=InternalIP \
  --profiling=false
apiserver_ready() { [[ "$(api GET /readyz 2>/dev/null)" == ok ]] && [[ "$(api GET /livez 2>/dev/null)" == ok ]]; }
wait_until "kube-apiserver /readyz and /livez ok at $API_URL" apiserver_ready

# --- storage and nodes (objects first, so the controllers find them at once) ----------

# A default StorageClass without a provisioner, and a pool of static volumes of
# that class: the controller-manager's PV binder binds each claim to one of
# them (Immediate binding, so the scheduler sees bound claims). With kwok they
# are hostPath volumes only on paper: nothing ever mounts them.
# persistentVolumeReclaimPolicy Retain: a volume whose claim is deleted becomes
# Released and is not reused, hence a generous pool.
make_storage() {
  local i name
  api_create /apis/storage.k8s.io/v1/storageclasses "$(cat <<EOF
{"apiVersion":"storage.k8s.io/v1","kind":"StorageClass",
 "metadata":{"name":"$STORAGE_CLASS","annotations":{"storageclass.kubernetes.io/is-default-class":"true"}},
 "provisioner":"kubernetes.io/no-provisioner","reclaimPolicy":"Retain","volumeBindingMode":"Immediate"}
EOF
)" || die "could not create StorageClass $STORAGE_CLASS"
  for ((i = 1; i <= PVS; i++)); do
    printf -v name 'pool-pv-%03d' "$i"
    # On a real node the kubelet mounts them: each exists, writable by any pod's user (hostPath has no fsGroup).
    if [[ $REAL_NODE == 1 ]]; then mkdir -p "$DIR/volumes/$name" && chmod 1777 "$DIR/volumes/$name"; fi
    api_create /api/v1/persistentvolumes "$(cat <<EOF
{"apiVersion":"v1","kind":"PersistentVolume",
 "metadata":{"name":"$name","labels":{"flink-platform.test/pool":"true"}},
 "spec":{"capacity":{"storage":"$PV_SIZE"},"accessModes":["ReadWriteOnce","ReadOnlyMany","ReadWriteMany"],
  "persistentVolumeReclaimPolicy":"Retain","storageClassName":"$STORAGE_CLASS","volumeMode":"Filesystem",
  "hostPath":{"path":"$DIR/volumes/$name"}}}
EOF
)" || die "could not create PersistentVolume $name"
  done
}

# Fake nodes: created with their status (the API allows that for Nodes);
# kwok manages those annotated kwok.x-k8s.io/node=fake. Each has its own
# pod CIDR, which kwok hands out pod IPs from.
make_nodes() {
  local i name zones=(a b c)
  for ((i = 0; i < NODES; i++)); do
    name="kwok-node-$i"
    api_create /api/v1/nodes "$(cat <<EOF
{"apiVersion":"v1","kind":"Node",
 "metadata":{"name":"$name",
  "annotations":{"kwok.x-k8s.io/node":"fake","node.alpha.kubernetes.io/ttl":"0"},
  "labels":{"kubernetes.io/hostname":"$name","kubernetes.io/os":"linux","kubernetes.io/arch":"amd64",
   "topology.kubernetes.io/zone":"zone-${zones[i % 3]}","type":"kwok"}},
 "spec":{"podCIDR":"10.244.$i.0/24","podCIDRs":["10.244.$i.0/24"]},
 "status":{
  "capacity":{"cpu":"$NODE_CPU","memory":"$NODE_MEMORY","pods":"$NODE_PODS","ephemeral-storage":"1Ti"},
  "allocatable":{"cpu":"$NODE_CPU","memory":"$NODE_MEMORY","pods":"$NODE_PODS","ephemeral-storage":"1Ti"},
  "addresses":[{"type":"InternalIP","address":"10.254.0.$((i + 1))"},{"type":"Hostname","address":"$name"}],
  "nodeInfo":{"architecture":"amd64","operatingSystem":"linux","osImage":"kwok (fake node)",
   "kubeletVersion":"$KUBE_VERSION+kwok","kernelVersion":"fake","containerRuntimeVersion":"kwok://$KWOK_VERSION",
   "machineID":"","systemUUID":"","bootID":""}}}
EOF
)" || die "could not create Node $name"
  done
}

# The fake kubelets claim the API server's version (+kwok: semver build
# metadata, so version comparisons treat them as equal).
KUBE_VERSION="$("$BIN/kube-apiserver" --version)"; KUBE_VERSION="${KUBE_VERSION##* }"
KWOK_VERSION="$("$BIN/kwok" --version)"; KWOK_VERSION="${KWOK_VERSION#kwok version }"; KWOK_VERSION="${KWOK_VERSION%% *}"

t0=$SECONDS
make_storage
make_nodes
log "created StorageClass $STORAGE_CLASS, $PVS PersistentVolumes, $NODES Nodes ($((SECONDS - t0))s)"

# --- controllers ------------------------------------------------------------------------

start kube-controller-manager "$BIN/kube-controller-manager" \
  --kubeconfig="$DIR/controller-manager.kubeconfig" \
  --authentication-kubeconfig="$DIR/controller-manager.kubeconfig" \
  --authorization-kubeconfig="$DIR/controller-manager.kubeconfig" \
  --bind-address=127.0.0.1 \
  --secure-port="$KCM_PORT" \
  --cert-dir="$DIR/controller-manager" \
  --leader-elect=false \
  --controllers='*' \
  --use-service-account-credentials=true \
  --service-account-private-key-file="$PKI/sa.key" \
  --root-ca-file="$PKI/ca.crt" \
  --cluster-signing-cert-file="$PKI/ca.crt" \
  --cluster-signing-key-file="$PKI/ca.key" \
  --service-cluster-ip-range="$SERVICE_CIDR" \
  --allocate-node-cidrs=false \
  --cluster-name=flink-platform-test \
  --profiling=false

start kube-scheduler "$BIN/kube-scheduler" \
  --kubeconfig="$DIR/scheduler.kubeconfig" \
  --authentication-kubeconfig="$DIR/scheduler.kubeconfig" \
  --authorization-kubeconfig="$DIR/scheduler.kubeconfig" \
  --bind-address=127.0.0.1 \
  --secure-port="$SCHEDULER_PORT" \
  --cert-dir="$DIR/scheduler" \
  --leader-elect=false \
  --profiling=false

# kwok: its own HOME, so a developer's ~/.kwok/kwok.yaml is never read.
# No --node-port/--server-address: kwok then opens no listener at all.
# Node leases (40 s) keep the nodes Ready between the 10-minute status
# heartbeats of the node-heartbeat-with-lease stage.
if [[ $REAL_NODE == 0 ]]; then
  mkdir -p "$DIR/kwok-home"
  start kwok env HOME="$DIR/kwok-home" "$BIN/kwok" \
    --kubeconfig="$DIR/kwok.kubeconfig" \
    --config="$KWOK_STAGES" \
    --manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake \
    --node-lease-duration-seconds=40 \
    --cidr=10.244.0.0/16
fi

# Self-signed serving certificates on loopback: health only, no credentials sent.
healthz() { [[ "$(curl -sSk "https://127.0.0.1:$1/healthz" 2>/dev/null)" == ok ]]; }
wait_until "kube-controller-manager /healthz ok" healthz "$KCM_PORT"
wait_until "kube-scheduler /healthz ok" healthz "$SCHEDULER_PORT"

# The default ServiceAccount shows the controller-manager at work (and pods
# are refused until it exists).
wait_until "ServiceAccount default/default exists" api_ok /api/v1/namespaces/default/serviceaccounts/default

# Ready, and the node lifecycle controller has lifted its not-ready taint
# (the scheduler would skip the node otherwise).
nodes_ready() {
  local i body
  for ((i = 0; i < NODES; i++)); do
    body="$(api GET "/api/v1/nodes/kwok-node-$i" 2>/dev/null)" || return 1
    [[ "$body" == *'"type":"Ready","status":"True"'* ]] || return 1
    [[ "$body" != *'node.kubernetes.io/not-ready'* && "$body" != *'node.kubernetes.io/unreachable'* ]] || return 1
  done
}
wait_until "$NODES nodes Ready and untainted" nodes_ready
[[ $REAL_NODE == 0 ]] || real_node_start

pvs_available() {
  local body n
  body="$(api GET '/api/v1/persistentvolumes?labelSelector=flink-platform.test%2Fpool%3Dtrue' 2>/dev/null)" || return 1
  n="$(grep -o '"phase":"Available"' <<<"$body" | wc -l)"
  (( n == PVS ))
}
wait_until "$PVS PersistentVolumes Available" pvs_available

# --- optional CRDs (the test harness's, not the program's) ------------------------------

install_crds() {
  local f name names=()
  for f in "$CRDS_DIR"/cert-manager/*.yaml "$CRDS_DIR"/prometheus-operator/*.yaml; do
    [[ -f "$f" ]] || die "no CRDs in $CRDS_DIR: run scripts/build-cluster.sh"
    name="$(basename "$f" .yaml)"
    # Server-side apply: idempotent, and no last-applied annotation (the
    # prometheus-operator CRDs are too big for one).
    api PATCH "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/$name?fieldManager=with-cluster&force=true" \
      -H 'Content-Type: application/apply-patch+yaml' --data-binary "@$f" >/dev/null \
      || die "could not apply CRD $name from $f"
    names+=("$name")
  done
  CRD_NAMES=("${names[@]}")
  log "applied ${#names[@]} CRDs"
}
crds_established() {
  local name body
  for name in "${CRD_NAMES[@]}"; do
    body="$(api GET "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/$name" 2>/dev/null)" || return 1
    [[ "$body" == *'"type":"Established","status":"True"'* ]] || return 1
  done
}
if [[ $CRDS == 1 ]]; then
  install_crds
  wait_until "CRDs Established" crds_established
fi

log "cluster ready in $((SECONDS - STARTED_AT))s: $API_URL, KUBECONFIG=$DIR/admin.kubeconfig"

# --- the command ----------------------------------------------------------------------------

export KUBECONFIG="$DIR/admin.kubeconfig"
export KUBE_APISERVER_URL="$API_URL"
export CLUSTER_DIR="$DIR"
export CLUSTER_CA_FILE="$PKI/ca.crt"
export CLUSTER_LOG_DIR="$LOGS"
export CLUSTER_CRDS_DIR="$CRDS_DIR"
export CLUSTER_EGRESS_SOCKET="$DIR/egress.sock"
if [[ $REAL_NODE == 1 ]]; then
  export CLUSTER_NODE_NAME="$REAL_NODE_NAME" CLUSTER_NODE_ADDRESS="$REAL_NODE_ADDRESS"
  export CLUSTER_NODE_CONTAINERD="$DIR/node/containerd.sock"
fi

if [[ $SHELL_MODE == 1 ]]; then
  # Interactive: in the foreground, so the shell owns the terminal.
  log "starting ${SHELL:-bash}; exit it to stop the cluster"
  set +e
  "${SHELL:-bash}" -i
  rc=$?
  set -e
else
  # In the background with the script's stdin, so that a TERM/INT to this
  # script is handled at once (bash defers traps while a foreground command
  # runs) and the command is stopped before the servers.
  # (CI may start us with stdin closed: then the command gets /dev/null.)
  if [[ -e /proc/self/fd/0 ]]; then exec {stdin_copy}<&0; else exec {stdin_copy}</dev/null; fi
  "${CMD[@]}" <&"$stdin_copy" &
  CMD_PID=$!
  set +e
  wait "$CMD_PID"
  rc=$?
  set -e
  CMD_PID=""
fi
log "command exited with status $rc"
exit "$rc"
