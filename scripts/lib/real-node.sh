# shellcheck shell=bash
# A real Kubernetes node for scripts/with-cluster.sh --real-node: containerd + runc, CNI bridge networking, a
# kubelet and kube-proxy of the API server's release, and CoreDNS as the cluster DNS. Sourced by with-cluster.sh,
# which owns the process bookkeeping (start, PIDS, cleanup) this file's functions use. Binaries come from
# scripts/build-node.sh; images are imported from archives (scripts/build-images.sh), never pulled.
#
# Network (all inside the network namespace of scripts/in-netns.sh, which nothing outside can reach):
#   bridge fpnode0   198.18.0.1/24  the node's address (API server, kubelet, CoreDNS listen here) and the pods'
#                                   gateway; pods get 198.18.0.16-.254 (CNI bridge + host-local)
#   Services         198.19.0.0/24  kube-proxy (iptables) routes them; kubernetes = 198.19.0.1, kube-dns = .10
# The test ranges of RFC 2544 (198.18.0.0/15): no real network uses them, and the namespace has no route out.
#
# Cgroups: the kubelet (cgroupfs driver, cgroup v1 as these machines have) puts every pod under
# /flink-platform-node-<id> of each hierarchy, created here and removed at cleanup; /sys/fs/cgroup itself is
# never remounted or changed otherwise.

REAL_NODE_NAME="real-node-0"
REAL_NODE_BRIDGE="fpnode0"
REAL_NODE_ADDRESS="198.18.0.1"
REAL_NODE_POD_CIDR="198.18.0.0/24"
REAL_NODE_POD_FIRST="198.18.0.16"
REAL_NODE_SERVICE_CIDR="198.19.0.0/24"
REAL_NODE_SERVICE_IP="198.19.0.1"
REAL_NODE_DNS_IP="198.19.0.10"
REAL_NODE_BIN="${CLUSTER_NODE_BIN:-$ROOT/.toolchain/node/bin}"
# Image archives imported into the node's containerd: the pause image, then the platform's images.
REAL_NODE_IMAGE_DIRS=("$ROOT/.toolchain/node/images" "${CLUSTER_NODE_IMAGES:-$ROOT/.toolchain/images}")

real_node_check() {
  local b others
  for b in kubelet kube-proxy coredns; do
    [[ -x "$REAL_NODE_BIN/$b" ]] || die "$REAL_NODE_BIN/$b is missing: run scripts/build-node.sh first"
  done
  [[ -s "$ROOT/.toolchain/node/images/pause.tar" ]] || die "the pause image is missing: run scripts/build-node.sh first"
  PAUSE_IMAGE="$(sed -n 's/^pause=//p' "$ROOT/.toolchain/node/stamp" 2>/dev/null)"
  [[ -n "$PAUSE_IMAGE" ]] || die "$ROOT/.toolchain/node/stamp names no pause image: run scripts/build-node.sh"
  for b in containerd containerd-shim-runc-v2 ctr runc iptables; do
    command -v "$b" >/dev/null 2>&1 || die "$b is not installed: run scripts/build-node.sh first"
  done
  [[ "$(id -u)" == 0 ]] || die "--real-node needs root (containers, cgroups, network devices)"
  # The node changes the network namespace it runs in (a bridge, iptables rules, forwarding): only ever one of
  # its own, never the machine's.
  others="$(ip -o link show | awk -F': ' '{print $2}' | grep -vx lo || true)"
  [[ -z "$others" ]] || die "--real-node must run in a network namespace of its own with loopback only \
(scripts/in-netns.sh scripts/with-cluster.sh --real-node ...); this one has: $(tr '\n' ' ' <<<"$others")"
}

# Before the API server starts: the bridge with the node's address, and forwarding through it.
real_node_network() {
  ip link add "$REAL_NODE_BRIDGE" type bridge
  ip addr add "$REAL_NODE_ADDRESS/24" dev "$REAL_NODE_BRIDGE"
  ip link set "$REAL_NODE_BRIDGE" up
  # The namespace has no default route: without this one the node's own clients (the suites, the API server)
  # could not even start a connection to a ClusterIP, before kube-proxy's NAT rewrites it to a pod.
  ip route add "$REAL_NODE_SERVICE_CIDR" dev "$REAL_NODE_BRIDGE" src "$REAL_NODE_ADDRESS"
  # Both are per network namespace: the machine's own settings are untouched.
  sysctl -q -w net.ipv4.ip_forward=1
  # Pod-to-Service traffic between pods of the one bridge must pass iptables for kube-proxy's NAT.
  if [[ -w /proc/sys/net/bridge/bridge-nf-call-iptables ]]; then
    sysctl -q -w net.bridge.bridge-nf-call-iptables=1
  else
    log "no br_netfilter here: pod-to-Service traffic relies on kube-proxy's masquerading only"
  fi
  log "node network: $REAL_NODE_BRIDGE $REAL_NODE_ADDRESS (node), $REAL_NODE_POD_CIDR (pods), $REAL_NODE_SERVICE_CIDR (Services)"
}

# Certificates and kubeconfigs of the node's components (same CA as the control plane).
real_node_pki() {
  cert kubelet-client "/O=system:nodes/CN=system:node:$REAL_NODE_NAME" clientAuth
  cert kubelet-serving "/O=system:nodes/CN=system:node:$REAL_NODE_NAME" serverAuth "IP:$REAL_NODE_ADDRESS, DNS:$REAL_NODE_NAME"
  # The API server's identity towards the kubelet (logs, exec, port-forward); the kubelet asks the API server
  # whether it may (webhook authorization), as kubeadm's clusters do.
  cert apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client" clientAuth
  cert kube-proxy "/CN=system:kube-proxy" clientAuth
  cert coredns "/CN=flink-platform-test:coredns" clientAuth
  kubeconfig kubelet-client
  kubeconfig kube-proxy
  kubeconfig coredns
}

REAL_NODE_CGROUP=""
real_node_cgroups() {
  local h
  REAL_NODE_CGROUP="flink-platform-node-${DIR##*.}"
  for h in /sys/fs/cgroup/*/; do
    [[ -d "$h" && "$h" != */unified/ ]] || continue
    mkdir -p "$h$REAL_NODE_CGROUP"
  done
}

real_node_write_configs() {
  local n="$DIR/node"
  mkdir -p "$n/cni" "$n/cni-ipam" "$n/kubelet" "$n/containerd/root" "$n/containerd/state"
  cat >"$n/containerd.toml" <<EOF
version = 2
root = "$n/containerd/root"
state = "$n/containerd/state"
disabled_plugins = ["io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs",
  "io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.tracing.processor.v1.otlp"]
[grpc]
  address = "$n/containerd.sock"
[ttrpc]
  address = "$n/containerd-ttrpc.sock"
[debug]
  address = ""
[metrics]
  address = ""
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$PAUSE_IMAGE"
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  enable_selinux = false
  restrict_oom_score_adj = true
  # Pod network namespaces under this node's own state directory, not the host's /run/netns: what the CNI plugin
  # made is then this node's alone to clean up, even beside another run of the launcher.
  netns_mounts_under_state_dir = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
        BinaryName = "$(command -v runc)"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$n/cni"
    max_conf_num = 1
  [plugins."io.containerd.grpc.v1.cri".registry]
    config_path = "$n/no-registries"
EOF
  mkdir -p "$n/no-registries"
  cat >"$n/cni/10-flink-platform-test.conflist" <<EOF
{
  "cniVersion": "0.4.0",
  "name": "flink-platform-test",
  "plugins": [
    {"type": "bridge", "bridge": "$REAL_NODE_BRIDGE", "isGateway": true, "ipMasq": false, "hairpinMode": true,
     "ipam": {"type": "host-local", "dataDir": "$n/cni-ipam",
              "ranges": [[{"subnet": "$REAL_NODE_POD_CIDR", "rangeStart": "$REAL_NODE_POD_FIRST",
                           "gateway": "$REAL_NODE_ADDRESS"}]],
              "routes": [{"dst": "0.0.0.0/0"}]}},
    {"type": "portmap", "capabilities": {"portMappings": true}}
  ]
}
EOF
  # Pods with dnsPolicy Default get this; the machine's own resolver is not reachable from the namespace.
  printf 'nameserver %s\n' "$REAL_NODE_ADDRESS" >"$n/resolv.conf"
  cat >"$n/kubelet.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
# These machines have cgroup v1 only; the kubelet refuses it unless told otherwise.
failCgroupV1: false
cgroupDriver: cgroupfs
cgroupRoot: /$REAL_NODE_CGROUP
containerRuntimeEndpoint: unix://$n/containerd.sock
address: $REAL_NODE_ADDRESS
port: 10250
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: 10248
tlsCertFile: $PKI/kubelet-serving.crt
tlsPrivateKeyFile: $PKI/kubelet-serving.key
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: $PKI/ca.crt}
authorization:
  mode: Webhook
clusterDomain: cluster.local
clusterDNS: [$REAL_NODE_DNS_IP]
resolvConf: $n/resolv.conf
failSwapOn: false
# The machine's disk is shared with everything else: evict only when it is really full.
evictionHard: {memory.available: 200Mi, nodefs.available: 2%, imagefs.available: 2%, nodefs.inodesFree: 2%}
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
serializeImagePulls: false
maxPods: 60
podPidsLimit: -1
staticPodPath: ""
enableControllerAttachDetach: true
nodeStatusReportFrequency: 10s
EOF
}

real_node_start_containerd() {
  start containerd containerd --config "$DIR/node/containerd.toml"
  containerd_up() { ctr --address "$DIR/node/containerd.sock" version >/dev/null 2>&1; }
  wait_until "containerd answers on $DIR/node/containerd.sock" containerd_up
}

real_node_import_images() {
  local d f t0=$SECONDS n=0
  for d in "${REAL_NODE_IMAGE_DIRS[@]}"; do
    [[ -d "$d" ]] || continue
    for f in "$d"/*.tar; do
      [[ -f "$f" ]] || continue
      # --no-unpack would defer unpacking to the first pod start; unpacking now keeps pod starts fast.
      ctr --address "$DIR/node/containerd.sock" -n k8s.io images import --all-platforms "$f" >>"$LOGS/images.log" 2>&1 ||
        die "could not import $f (see $LOGS/images.log)"
      n=$((n + 1))
    done
  done
  log "imported $n image archives ($((SECONDS - t0))s): $(ctr --address "$DIR/node/containerd.sock" -n k8s.io images ls -q | tr '\n' ' ')"
}

real_node_start_kubelet() {
  start kubelet "$REAL_NODE_BIN/kubelet" \
    --config="$DIR/node/kubelet.yaml" \
    --kubeconfig="$DIR/kubelet-client.kubeconfig" \
    --hostname-override="$REAL_NODE_NAME" \
    --node-ip="$REAL_NODE_ADDRESS" \
    --root-dir="$DIR/node/kubelet" \
    --cert-dir="$DIR/node/kubelet-pki" \
    --node-labels="flink-platform.test/node=real,topology.kubernetes.io/zone=zone-a" \
    --v=1
}

real_node_start_kube_proxy() {
  cat >"$DIR/node/kube-proxy.yaml" <<EOF
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection:
  kubeconfig: $DIR/kube-proxy.kubeconfig
hostnameOverride: $REAL_NODE_NAME
mode: iptables
clusterCIDR: $REAL_NODE_POD_CIDR
bindAddress: $REAL_NODE_ADDRESS
healthzBindAddress: 127.0.0.1:10256
metricsBindAddress: 127.0.0.1:10249
nodePortAddresses: ["$REAL_NODE_ADDRESS/32"]
# conntrack's limits are machine-wide sysctls: leave them as they are.
conntrack:
  maxPerCore: 0
  min: 0
  tcpEstablishedTimeout: 0s
  tcpCloseWaitTimeout: 0s
EOF
  start kube-proxy "$REAL_NODE_BIN/kube-proxy" --config="$DIR/node/kube-proxy.yaml" --v=1
}

# CoreDNS runs on the node itself (not as a pod: no image to build for it), behind the kube-dns Service of a
# real cluster; it reads Services and EndpointSlices with an identity allowed only that.
real_node_start_dns() {
  api_create /apis/rbac.authorization.k8s.io/v1/clusterroles '{"apiVersion":"rbac.authorization.k8s.io/v1",
"kind":"ClusterRole","metadata":{"name":"flink-platform-test:coredns"},"rules":[
{"apiGroups":[""],"resources":["services","namespaces"],"verbs":["list","watch"]},
{"apiGroups":["discovery.k8s.io"],"resources":["endpointslices"],"verbs":["list","watch"]}]}' ||
    die "could not create the ClusterRole of CoreDNS"
  api_create /apis/rbac.authorization.k8s.io/v1/clusterrolebindings '{"apiVersion":"rbac.authorization.k8s.io/v1",
"kind":"ClusterRoleBinding","metadata":{"name":"flink-platform-test:coredns"},
"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"flink-platform-test:coredns"},
"subjects":[{"apiGroup":"rbac.authorization.k8s.io","kind":"User","name":"flink-platform-test:coredns"}]}' ||
    die "could not bind the ClusterRole of CoreDNS"
  api_create /api/v1/namespaces/kube-system/services "{\"apiVersion\":\"v1\",\"kind\":\"Service\",
\"metadata\":{\"name\":\"kube-dns\",\"namespace\":\"kube-system\",\"labels\":{\"k8s-app\":\"kube-dns\"}},
\"spec\":{\"clusterIP\":\"$REAL_NODE_DNS_IP\",\"ports\":[{\"name\":\"dns\",\"port\":53,\"protocol\":\"UDP\"},
{\"name\":\"dns-tcp\",\"port\":53,\"protocol\":\"TCP\"}]}}" || die "could not create the kube-dns Service"
  api_create /apis/discovery.k8s.io/v1/namespaces/kube-system/endpointslices "{\"apiVersion\":\"discovery.k8s.io/v1\",
\"kind\":\"EndpointSlice\",\"metadata\":{\"name\":\"kube-dns-node\",\"namespace\":\"kube-system\",
\"labels\":{\"kubernetes.io/service-name\":\"kube-dns\",\"endpointslice.kubernetes.io/managed-by\":\"with-cluster\"}},
\"addressType\":\"IPv4\",\"endpoints\":[{\"addresses\":[\"$REAL_NODE_ADDRESS\"],\"conditions\":{\"ready\":true}}],
\"ports\":[{\"name\":\"dns\",\"port\":53,\"protocol\":\"UDP\"},{\"name\":\"dns-tcp\",\"port\":53,\"protocol\":\"TCP\"}]}" ||
    die "could not create the kube-dns EndpointSlice"
  cat >"$DIR/node/Corefile" <<EOF
.:53 {
    bind $REAL_NODE_ADDRESS
    errors
    health 127.0.0.1:10254
    ready 127.0.0.1:10253
    kubernetes cluster.local in-addr.arpa ip6.arpa {
        kubeconfig $DIR/coredns.kubeconfig flink-platform-test
        pods insecure
        fallthrough in-addr.arpa ip6.arpa
    }
    cache 5
    loadbalance
}
EOF
  start coredns "$REAL_NODE_BIN/coredns" -conf "$DIR/node/Corefile"
  dns_ready() { [[ "$(curl -sS http://127.0.0.1:10253/ready 2>/dev/null)" == OK ]]; }
  wait_until "CoreDNS ready on $REAL_NODE_ADDRESS:53" dns_ready
}

real_node_ready() {
  local body
  body="$(api GET "/api/v1/nodes/$REAL_NODE_NAME" 2>/dev/null)" || return 1
  [[ "$body" == *'"type":"Ready","status":"True"'* ]] || return 1
  [[ "$body" != *'node.kubernetes.io/not-ready'* ]]
}

# After the controllers: everything of the node, then wait until it is Ready.
real_node_start() {
  real_node_cgroups
  real_node_write_configs
  real_node_start_containerd
  real_node_import_images
  real_node_start_dns
  real_node_start_kube_proxy
  real_node_start_kubelet
  wait_until "node $REAL_NODE_NAME Ready" real_node_ready
}

# Cleanup, before the control plane stops: pods first (the kubelet stops their containers and the CNI plugin
# releases their addresses), then whatever containers are left, then the node's processes (stopped by PID by
# with-cluster.sh's cleanup), then mounts and cgroups left behind by killed containers.
real_node_stop_pods() {
  local i
  [[ -S "$DIR/node/containerd.sock" ]] || return 0
  api DELETE "/api/v1/pods?gracePeriodSeconds=0" >/dev/null 2>&1 || true
  for ns in $(api GET /api/v1/namespaces 2>/dev/null | grep -o '"name":"[^"]*","uid"' | cut -d'"' -f4); do
    api DELETE "/api/v1/namespaces/$ns/pods?gracePeriodSeconds=0" >/dev/null 2>&1 || true
  done
  for ((i = 0; i < 300; i++)); do
    [[ -z "$(ctr --address "$DIR/node/containerd.sock" -n k8s.io tasks ls -q 2>/dev/null)" ]] && break
    sleep 0.1
  done
}

real_node_stop_leftovers() {
  local sock="$DIR/node/containerd.sock" id pid m h
  if [[ -S "$sock" ]]; then
    for id in $(ctr --address "$sock" -n k8s.io tasks ls -q 2>/dev/null); do
      ctr --address "$sock" -n k8s.io tasks kill -s KILL "$id" >/dev/null 2>&1 || true
      ctr --address "$sock" -n k8s.io tasks delete -f "$id" >/dev/null 2>&1 || true
    done
  fi
}

# After containerd stopped: shims it started (they outlive it by design), mounts and cgroups.
real_node_cleanup() {
  local pid m h d
  [[ -n "$DIR" && -d "$DIR/node" ]] || return 0
  for pid in $(pgrep -f "containerd-shim-runc-v2 .*-address $DIR/node/containerd.sock" || true); do
    stop_pid "$pid" "containerd-shim"
  done
  # Mounts under the node's directories, deepest first (container root file systems, volumes, and the pod network
  # namespaces the kubelet did not get to remove, which containerd keeps under its state directory).
  while read -r m; do
    umount -l "$m" 2>/dev/null || true
  done < <(awk -v d="$DIR/" 'index($5, d) == 1 {print $5}' /proc/self/mountinfo | sort -r)
  if [[ -n "$REAL_NODE_CGROUP" ]]; then
    for h in /sys/fs/cgroup/*/"$REAL_NODE_CGROUP"; do
      [[ -d "$h" ]] || continue
      find "$h" -depth -type d -exec rmdir {} + 2>/dev/null || true
    done
  fi
}
