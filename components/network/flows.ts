/**
 * The building blocks of the platform's NetworkPolicies: the pod groups, the flows (peers and ports) they are made
 * of, and the policy of one group from the flows it takes and makes. Pure.
 */
import { HISTORY_SERVER_POD_LABELS, sqlGatewayPodLabels } from "../flink/jobServices";
import { platformLabels } from "../kube/labels";
import type { EgressRule, IngressRule, NetworkPolicyObject, PolicyPeer, PolicyPort } from "./model";
import {
  addressPeers,
  componentPods,
  flinkPods,
  labelSelector,
  PodGroup,
  podPeer,
  ports,
  tcp,
} from "./peers";
import type { ClusterPlan, NetworkPlan } from "./plan";

/** The webhook container's port (the chart sets WEBHOOK_SERVER_PORT and declares no container port). */
export const OPERATOR_WEBHOOK_PORT = 9443;
/** Port of oauth2-proxy's HTTP listener (container port `http`). */
export const OAUTH2_PROXY_PORT = 4180;

export const DEFAULT_DENY_POLICY = "flink-platform-default-deny";
export const DNS_POLICY = "flink-platform-dns";

/** Name of the policy of a cluster's JobManagers or TaskManagers. */
export function flinkPolicyName(cluster: string, component: "jobmanager" | "taskmanager"): string {
  return `${cluster}-${component}`;
}

/**
 * Name of the oauth2-proxy in front of a UI, and of its objects and policy. `ui` is what the proxy guards: a cluster
 * or application (its name), a SQL Gateway (`sqlGatewayName`), the history server (`HISTORY_SERVER_UI`), or
 * `streampark`.
 */
export function oauth2ProxyName(ui: string): string {
  return `oauth2-proxy-${ui}`;
}

/** The `ui` of the history server's oauth2-proxy (`oauth2-proxy-history-server`). */
export const HISTORY_SERVER_UI = "history-server";

/** One connection a pod makes or takes: with whom (or anyone), on which ports (or any). */
export interface Flow {
  readonly peers?: readonly PolicyPeer[];
  readonly ports?: readonly PolicyPort[];
}

/** Pods the platform does not run, where the `network` config says they are. */
const outsidePods = (where: {
  readonly namespace: string;
  readonly podLabels: Readonly<Record<string, string>>;
}) => ({ namespace: where.namespace, labels: where.podLabels }) as PodGroup;

/** The pod groups of the platform, by what they are. */
export function platformPods(plan: NetworkPlan) {
  const ns = plan.platformNamespace;
  return {
    operator: { namespace: plan.operator.namespace, labels: plan.operator.labels } as PodGroup,
    minio: componentPods(ns, "minio"),
    minioSetup: componentPods(ns, "minio-setup"),
    zookeeper: componentPods(ns, "zookeeper"),
    nameNode: componentPods(ns, "hdfs-namenode"),
    dataNode: componentPods(ns, "hdfs-datanode"),
    hdfsSetup: componentPods(ns, "hdfs-setup"),
    mysql: componentPods(ns, "mysql"),
    databaseJobs: componentPods(ns, "mysql-database"),
    hive: componentPods(ns, "hive-metastore"),
    streampark: componentPods(ns, "streampark"),
    streamparkBootstrap: componentPods(ns, "streampark-bootstrap"),
    oauth2Proxy: (namespace: string, ui: string) => componentPods(namespace, "oauth2-proxy", ui),
    sqlGateway: (cluster: ClusterPlan): PodGroup => ({
      namespace: cluster.namespace,
      labels: sqlGatewayPodLabels(cluster),
    }),
    historyServer: { namespace: ns, labels: HISTORY_SERVER_POD_LABELS } as PodGroup,
    prometheus: outsidePods(plan.settings.prometheus),
    ingressController: outsidePods(plan.settings.ingressController),
    dns: outsidePods(plan.settings.dns),
  };
}

export type Pods = ReturnType<typeof platformPods>;

/** The policy of one group of pods; none when it would allow nothing the namespace's defaults do not. */
export function podPolicy(
  plan: NetworkPlan,
  name: string,
  group: PodGroup,
  ingress: readonly Flow[],
  egress: readonly Flow[],
): NetworkPolicyObject[] {
  const restrict = plan.settings.egress.restrict;
  const rules = (flows: readonly Flow[]) =>
    flows
      .filter((flow) => flow.peers === undefined || flow.peers.length > 0)
      .map((flow) => ({
        ...(flow.peers ? { peers: [...flow.peers] } : {}),
        ...(flow.ports && flow.ports.length > 0 ? { ports: [...flow.ports] } : {}),
      }));
  const ingressRules: IngressRule[] = rules(ingress).map(({ peers, ports }) => ({
    ...(peers ? { from: peers } : {}),
    ...(ports ? { ports } : {}),
  }));
  const egressRules: EgressRule[] = restrict
    ? rules(egress).map(({ peers, ports }) => ({
        ...(peers ? { to: peers } : {}),
        ...(ports ? { ports } : {}),
      }))
    : [];
  if (!restrict && ingressRules.length === 0) {
    return [];
  }
  return [
    {
      metadata: { name, namespace: group.namespace, labels: platformLabels("network-policy") },
      spec: {
        podSelector: labelSelector(group.labels),
        policyTypes: restrict ? ["Ingress", "Egress"] : ["Ingress"],
        ...(ingressRules.length > 0 ? { ingress: ingressRules } : {}),
        ...(egressRules.length > 0 ? { egress: egressRules } : {}),
      },
    },
  ];
}

/** Peers from a policy in `namespace` to each group. */
export const peersOf = (namespace: string, ...groups: PodGroup[]) => groups.map((g) => podPeer(g, namespace));

/** The addresses outside the cluster's pods, with the exceptions. */
export function outside(plan: NetworkPlan): PolicyPeer[] {
  return addressPeers(plan.settings.egress.externalCidrs, plan.settings.egress.exceptCidrs);
}

/** The API server's addresses, without the exceptions (its default 0.0.0.0/0 would hold the metadata address). */
export function apiServerPeers(plan: NetworkPlan): PolicyPeer[] {
  return addressPeers(plan.settings.apiServer.cidrs, plan.settings.egress.exceptCidrs);
}

export function apiServer(plan: NetworkPlan): Flow {
  return { peers: apiServerPeers(plan), ports: ports(plan.settings.apiServer.ports) };
}

/** Every Flink pod of every cluster, as seen from a policy in the platform namespace. */
export const allFlinkPods = (plan: NetworkPlan, namespace: string) =>
  plan.clusters.map((c) => podPeer(flinkPods(c), namespace));

/** The SQL Gateway pods of every session cluster that runs one. */
export const sqlGateways = (plan: NetworkPlan, pods: Pods): PodGroup[] =>
  plan.clusters.filter((c) => c.sqlGateway).map((c) => pods.sqlGateway(c));

/**
 * Every client of the durable store, as seen from a policy in `namespace`: the Flink pods (checkpoints, savepoints,
 * HA data, job archives), the SQL Gateways (the Hive catalog plans over the warehouse) and the history server (it
 * reads the archives).
 */
export function storeClients(plan: NetworkPlan, namespace: string, pods: Pods): PolicyPeer[] {
  return [
    ...allFlinkPods(plan, namespace),
    ...peersOf(namespace, ...sqlGateways(plan, pods), ...(plan.historyServer ? [pods.historyServer] : [])),
  ];
}

/** Egress of a client of a managed durable store: MinIO's S3 port, or the NameNode and every DataNode. */
export function managedStoreFlows(plan: NetworkPlan, ns: string, pods: Pods): Flow[] {
  const flows: Flow[] = [];
  if (plan.s3?.kind === "managed") {
    flows.push({ peers: peersOf(ns, pods.minio), ports: [tcp("s3")] });
  }
  if (plan.hdfs?.kind === "managed") {
    flows.push(
      { peers: peersOf(ns, pods.nameNode), ports: [tcp("rpc")] },
      { peers: peersOf(ns, pods.dataNode), ports: [tcp("data"), tcp("ipc")] },
    );
  }
  return flows;
}

/** The ports of an external durable store (S3 endpoint, or NameNode and DataNodes); none when it is managed. */
export function externalStorePorts(plan: NetworkPlan): number[] {
  return [plan.s3, plan.hdfs].flatMap((s) => (s?.kind === "external" ? s.ports : []));
}

/** Egress outside on these ports; none at all when there are none (a rule without ports would allow every port). */
export function outsideOn(plan: NetworkPlan, list: readonly number[]): Flow[] {
  return list.length > 0 ? [{ peers: outside(plan), ports: ports(list) }] : [];
}

/** Egress of a MySQL client: the managed server, or the external one's port outside. */
export function mysqlFlow(plan: NetworkPlan, ns: string, pods: Pods): Flow[] {
  if (plan.mysql?.kind === "managed") {
    return [{ peers: peersOf(ns, pods.mysql), ports: [tcp("mysql")] }];
  }
  return plan.mysql ? [{ peers: outside(plan), ports: ports(plan.mysql.ports) }] : [];
}
