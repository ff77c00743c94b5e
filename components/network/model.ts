/**
 * NetworkPolicy (networking.k8s.io/v1) as plain data: the part of the API the platform writes and the evaluator
 * reads. The builders return these objects and the platform registers them unchanged, so what the tests evaluate is
 * what the API server receives.
 */

export type Protocol = "TCP" | "UDP" | "SCTP";
export type PolicyType = "Ingress" | "Egress";

export interface LabelSelectorRequirement {
  readonly key: string;
  readonly operator: "In" | "NotIn" | "Exists" | "DoesNotExist";
  readonly values?: readonly string[];
}

/** A label selector; the empty selector selects everything. */
export interface LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: readonly LabelSelectorRequirement[];
}

export interface IpBlock {
  readonly cidr: string;
  readonly except?: readonly string[];
}

/** One `from` or `to` entry: pods (of the policy's namespace, or of the selected namespaces), or addresses. */
export interface PolicyPeer {
  readonly podSelector?: LabelSelector;
  readonly namespaceSelector?: LabelSelector;
  readonly ipBlock?: IpBlock;
}

/** A port by number or by the name of the destination pod's container port; `endPort` makes a range. */
export interface PolicyPort {
  readonly protocol?: Protocol;
  readonly port?: number | string;
  readonly endPort?: number;
}

/** `from`/`to` absent or empty: every peer; `ports` absent or empty: every port. */
export interface IngressRule {
  readonly from?: readonly PolicyPeer[];
  readonly ports?: readonly PolicyPort[];
}

export interface EgressRule {
  readonly to?: readonly PolicyPeer[];
  readonly ports?: readonly PolicyPort[];
}

export interface NetworkPolicySpec {
  /** The pods of the policy's namespace it applies to. */
  readonly podSelector: LabelSelector;
  readonly policyTypes?: readonly PolicyType[];
  readonly ingress?: readonly IngressRule[];
  readonly egress?: readonly EgressRule[];
}

export interface NetworkPolicyObject {
  readonly metadata: {
    readonly name: string;
    readonly namespace: string;
    readonly labels?: Readonly<Record<string, string>>;
  };
  readonly spec: NetworkPolicySpec;
}

/** The label Kubernetes puts on every namespace (since 1.22): the way to select one namespace by name. */
export const NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";
