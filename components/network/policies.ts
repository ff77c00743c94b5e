/**
 * The platform's NetworkPolicies as a pure function of its network plan: in every namespace with platform pods a
 * default deny (ingress, and egress unless egress is left open) and DNS for every pod; then, for each kind of pod
 * the platform runs, one policy with exactly the connections it takes and makes. A flow needs both ends: the
 * client's egress rule and the server's ingress rule, so each flow below appears twice, once on each side.
 *
 * Ports are named where the platform's own pod specs name them (so a port renumbered there stays covered) and by
 * number for Flink's ports, which Flink declares itself or not at all (the data port), and which the Flink
 * configuration fixes (FLINK_PORTS; SQL_GATEWAY_PORT and HISTORY_SERVER_PORT for the processes beside the clusters).
 */
import { platformLabels } from "../kube/labels";
import { clusterPolicies, operatorPolicies } from "./flinkPolicies";
import { DEFAULT_DENY_POLICY, DNS_POLICY, platformPods, Pods } from "./flows";
import { historyServerPolicies, sqlGatewayPolicies } from "./jobServicePolicies";
import type { NetworkPolicyObject } from "./model";
import { podPeer, ports } from "./peers";
import type { NetworkPlan } from "./plan";
import { databasePolicies, proxyPolicies, storePolicies, streamParkPolicies } from "./servicePolicies";

export {
  DEFAULT_DENY_POLICY,
  DNS_POLICY,
  flinkPolicyName,
  HISTORY_SERVER_UI,
  OAUTH2_PROXY_PORT,
  oauth2ProxyName,
  OPERATOR_WEBHOOK_PORT,
} from "./flows";

/** Default deny and DNS, in one namespace. */
function namespaceDefaults(plan: NetworkPlan, namespace: string, pods: Pods): NetworkPolicyObject[] {
  const restrict = plan.settings.egress.restrict;
  const labels = platformLabels("network-policy");
  const policies: NetworkPolicyObject[] = [
    {
      metadata: { name: DEFAULT_DENY_POLICY, namespace, labels },
      // Every pod of the namespace, the platform's and any other: only what a policy allows gets through.
      spec: { podSelector: {}, policyTypes: restrict ? ["Ingress", "Egress"] : ["Ingress"] },
    },
  ];
  if (restrict) {
    policies.push({
      metadata: { name: DNS_POLICY, namespace, labels },
      spec: {
        podSelector: {},
        policyTypes: ["Egress"],
        egress: [{ to: [podPeer(pods.dns, namespace)], ports: [...ports([53], "UDP"), ...ports([53])] }],
      },
    });
  }
  return policies;
}

/** Every NetworkPolicy of the platform, in a stable order. */
export function platformNetworkPolicies(plan: NetworkPlan): NetworkPolicyObject[] {
  if (!plan.settings.enabled) {
    return [];
  }
  const pods = platformPods(plan);
  return [
    ...[...new Set(plan.namespaces)].flatMap((ns) => namespaceDefaults(plan, ns, pods)),
    ...operatorPolicies(plan, pods),
    ...plan.clusters.flatMap((cluster) => clusterPolicies(plan, cluster, pods)),
    ...plan.clusters.flatMap((cluster) => sqlGatewayPolicies(plan, cluster, pods)),
    ...historyServerPolicies(plan, pods),
    ...storePolicies(plan, pods),
    ...databasePolicies(plan, pods),
    ...streamParkPolicies(plan, pods),
    ...proxyPolicies(plan, pods),
  ];
}
