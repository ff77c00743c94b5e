/**
 * Kubernetes NetworkPolicy semantics as a pure function: may this endpoint open a connection to that one on this
 * port? It answers from the policies alone, as the API defines them (networking.k8s.io/v1):
 *
 * - A pod is isolated for ingress (egress) once any policy of its namespace selects it with that policy type; an
 *   isolated pod takes only what some selecting policy's rules allow, the union of them all. A pod no policy
 *   selects is open.
 * - `policyTypes` unset means Ingress, plus Egress when the policy has egress rules.
 * - A peer with only `podSelector` means pods of the policy's own namespace; only `namespaceSelector`, every pod of
 *   the selected namespaces; both, the selected pods of the selected namespaces; `ipBlock`, addresses in the block
 *   and not in an exception. Absent or empty `from`/`to` means every peer, absent or empty `ports` every port.
 * - A port is a number (optionally a range up to `endPort`) or the name of a container port of the destination pod,
 *   with its protocol (TCP when unset, on both sides).
 * - A connection needs both: the source's egress allows it, and the destination's ingress allows it. Addresses
 *   outside the cluster have no policies of their own.
 *
 * What it leaves out, since no policy can change it: traffic from the pod's node (kubelet probes) and on loopback
 * is always allowed; Services are not modelled (policies see the pod and its container port behind a Service).
 * Whether an `ipBlock` also matches pod IPs is up to the network plugin; `ipBlockMatchesPods` chooses.
 */
import { blockHolds, parseCidr, parseIp } from "./cidr";
import type {
  IpBlock,
  LabelSelector,
  NetworkPolicyObject,
  PolicyPeer,
  PolicyPort,
  PolicyType,
  Protocol,
} from "./model";
import { NAMESPACE_NAME_LABEL } from "./model";

export interface ContainerPort {
  readonly name?: string;
  readonly containerPort: number;
  readonly protocol?: Protocol;
}

/** A pod: where it runs, its labels, the ports its containers declare, and optionally its address. */
export interface PodEndpoint {
  readonly kind: "pod";
  /** What the pod is, for messages. */
  readonly name: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly ports: readonly ContainerPort[];
  readonly ip?: string;
}

/** An address outside the cluster's pods: the API server, a Maven repository, an S3 endpoint... */
export interface AddressEndpoint {
  readonly kind: "address";
  readonly name: string;
  readonly ip: string;
}

export type Endpoint = PodEndpoint | AddressEndpoint;

/** What the evaluator knows of the cluster: every NetworkPolicy, and the labels of namespaces. */
export interface ClusterPolicies {
  readonly policies: readonly NetworkPolicyObject[];
  /** Labels of namespaces beyond `kubernetes.io/metadata.name`, which every namespace has. Default none. */
  readonly namespaceLabels?: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

export interface EvaluationOptions {
  /**
   * Whether `ipBlock` peers match pods by their IP (Calico does; Cilium does not). Default false. Checking a flow
   * that must be denied under both answers, and one that must be allowed under both, makes a check hold on any
   * plugin.
   */
  readonly ipBlockMatchesPods?: boolean;
}

/** One side of a connection: whether it is allowed, whether the pod is isolated, and by which policies. */
export interface SideVerdict {
  readonly allowed: boolean;
  readonly isolated: boolean;
  /** Policies (namespace/name) with a rule that allows the connection. */
  readonly allowedBy: readonly string[];
}

export interface Verdict {
  readonly allowed: boolean;
  readonly egress: SideVerdict;
  readonly ingress: SideVerdict;
}

/** Whether a label selector selects a set of labels. */
export function selects(selector: LabelSelector, labels: Readonly<Record<string, string>>): boolean {
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (labels[key] !== value) {
      return false;
    }
  }
  for (const { key, operator, values = [] } of selector.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, key);
    const ok =
      operator === "In"
        ? has && values.includes(labels[key])
        : operator === "NotIn"
          ? !has || !values.includes(labels[key])
          : operator === "Exists"
            ? has
            : !has;
    if (!ok) {
      return false;
    }
  }
  return true;
}

/** The policy types a policy affects, with the API's default when `policyTypes` is unset. */
export function effectivePolicyTypes(policy: NetworkPolicyObject): readonly PolicyType[] {
  const types = policy.spec.policyTypes;
  if (types && types.length > 0) {
    return types;
  }
  return (policy.spec.egress ?? []).length > 0 ? ["Ingress", "Egress"] : ["Ingress"];
}

function namespaceLabels(cluster: ClusterPolicies, namespace: string): Record<string, string> {
  return { ...(cluster.namespaceLabels?.[namespace] ?? {}), [NAMESPACE_NAME_LABEL]: namespace };
}

function blockMatches(block: IpBlock, ip: string | undefined): boolean {
  const address = ip === undefined ? undefined : parseIp(ip);
  const cidr = parseCidr(block.cidr);
  if (!address || !cidr || !blockHolds(cidr, address)) {
    return false;
  }
  return !(block.except ?? []).some((text) => {
    const except = parseCidr(text);
    return except !== undefined && blockHolds(except, address);
  });
}

function peerMatches(
  cluster: ClusterPolicies,
  peer: PolicyPeer,
  policyNamespace: string,
  endpoint: Endpoint,
  options: EvaluationOptions,
): boolean {
  if (peer.ipBlock) {
    if (endpoint.kind === "address") {
      return blockMatches(peer.ipBlock, endpoint.ip);
    }
    return options.ipBlockMatchesPods === true && blockMatches(peer.ipBlock, endpoint.ip);
  }
  if (endpoint.kind !== "pod" || (!peer.podSelector && !peer.namespaceSelector)) {
    return false;
  }
  const namespaceOk = peer.namespaceSelector
    ? selects(peer.namespaceSelector, namespaceLabels(cluster, endpoint.namespace))
    : endpoint.namespace === policyNamespace;
  return namespaceOk && (!peer.podSelector || selects(peer.podSelector, endpoint.labels));
}

/** Whether a policy port admits `port`/`protocol` on `destination` (named ports resolve against its containers). */
function portMatches(rule: PolicyPort, destination: Endpoint, port: number, protocol: Protocol): boolean {
  if ((rule.protocol ?? "TCP") !== protocol) {
    return false;
  }
  if (rule.port === undefined) {
    return true;
  }
  if (typeof rule.port === "number") {
    return rule.endPort === undefined ? port === rule.port : port >= rule.port && port <= rule.endPort;
  }
  return (
    destination.kind === "pod" &&
    destination.ports.some(
      (p) => p.name === rule.port && p.containerPort === port && (p.protocol ?? "TCP") === protocol,
    )
  );
}

function ruleAllows(
  cluster: ClusterPolicies,
  policy: NetworkPolicyObject,
  peers: readonly PolicyPeer[] | undefined,
  ports: readonly PolicyPort[] | undefined,
  peer: Endpoint,
  destination: Endpoint,
  port: number,
  protocol: Protocol,
  options: EvaluationOptions,
): boolean {
  const peerOk =
    !peers ||
    peers.length === 0 ||
    peers.some((p) => peerMatches(cluster, p, policy.metadata.namespace, peer, options));
  const portOk =
    !ports || ports.length === 0 || ports.some((p) => portMatches(p, destination, port, protocol));
  return peerOk && portOk;
}

const OPEN: SideVerdict = { allowed: true, isolated: false, allowedBy: [] };

function side(
  cluster: ClusterPolicies,
  type: PolicyType,
  pod: PodEndpoint,
  peer: Endpoint,
  destination: Endpoint,
  port: number,
  protocol: Protocol,
  options: EvaluationOptions,
): SideVerdict {
  const selecting = cluster.policies.filter(
    (policy) =>
      policy.metadata.namespace === pod.namespace &&
      effectivePolicyTypes(policy).includes(type) &&
      selects(policy.spec.podSelector, pod.labels),
  );
  if (selecting.length === 0) {
    return OPEN;
  }
  const rulesOf = (policy: NetworkPolicyObject) =>
    type === "Ingress"
      ? (policy.spec.ingress ?? []).map((rule) => ({ peers: rule.from, ports: rule.ports }))
      : (policy.spec.egress ?? []).map((rule) => ({ peers: rule.to, ports: rule.ports }));
  const allowedBy = selecting
    .filter((policy) =>
      rulesOf(policy).some((rule) =>
        ruleAllows(cluster, policy, rule.peers, rule.ports, peer, destination, port, protocol, options),
      ),
    )
    .map((policy) => `${policy.metadata.namespace}/${policy.metadata.name}`);
  return { allowed: allowedBy.length > 0, isolated: true, allowedBy };
}

/**
 * May `from` open a connection to `to` on `port` (TCP unless `protocol` says otherwise)? Both the source's egress
 * and the destination's ingress must allow it.
 */
export function mayConnect(
  cluster: ClusterPolicies,
  from: Endpoint,
  to: Endpoint,
  port: number,
  protocol: Protocol = "TCP",
  options: EvaluationOptions = {},
): Verdict {
  const egress = from.kind === "pod" ? side(cluster, "Egress", from, to, to, port, protocol, options) : OPEN;
  const ingress = to.kind === "pod" ? side(cluster, "Ingress", to, from, to, port, protocol, options) : OPEN;
  return { allowed: egress.allowed && ingress.allowed, egress, ingress };
}
