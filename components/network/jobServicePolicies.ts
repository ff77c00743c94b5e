/**
 * The policies of the Flink processes the platform runs beside the clusters: each session cluster's SQL Gateway
 * takes SQL from the UI's clients and submits the jobs to its own cluster's REST API (only: it never reaches
 * another cluster, nor the TaskManagers), reading the Hive metastore and the warehouse on the durable store to plan
 * them; the history server serves the archives of finished jobs, which it reads from the durable store. Both take
 * Prometheus on the JMX exporter's `metrics` port and fetch that exporter at start. Pure.
 */
import { FLINK_PORTS } from "../flink/flinkConfiguration";
import {
  HISTORY_SERVER_NAME,
  HISTORY_SERVER_PORT,
  SQL_GATEWAY_PORT,
  sqlGatewayName,
} from "../flink/jobServices";
import {
  externalStorePorts,
  Flow,
  HISTORY_SERVER_UI,
  managedStoreFlows,
  outsideOn,
  peersOf,
  podPolicy,
  Pods,
} from "./flows";
import type { NetworkPolicyObject } from "./model";
import { flinkPods, PodGroup, ports, tcp } from "./peers";
import type { ClusterPlan, NetworkPlan, UiExposure } from "./plan";

/** Who reaches a UI served on `port` (`ui`: the name its oauth2-proxy is known by), under its exposure. */
function uiFlows(namespace: string, exposure: UiExposure, ui: string, port: number, pods: Pods): Flow[] {
  const clients: PodGroup[] = [
    ...(exposure === "ingress" ? [pods.ingressController] : []),
    ...(exposure === "proxy" ? [pods.oauth2Proxy(namespace, ui)] : []),
  ];
  return clients.length > 0 ? [{ peers: peersOf(namespace, ...clients), ports: ports([port]) }] : [];
}

/** Prometheus on the JMX exporter's port, when monitoring is on. */
function metricsFlows(plan: NetworkPlan, namespace: string, pods: Pods): Flow[] {
  return plan.monitoring ? [{ peers: peersOf(namespace, pods.prometheus), ports: [tcp("metrics")] }] : [];
}

/**
 * Egress of a Flink process that reads the durable store: the managed store's pods, or the external store's ports
 * outside, together with the Maven repository when its init container fetches jars (the JMX exporter always; the
 * Hadoop client on HDFS, the Hive connector with Hive).
 */
function storeAndJarFlows(plan: NetworkPlan, namespace: string, pods: Pods): Flow[] {
  return [
    ...managedStoreFlows(plan, namespace, pods),
    ...outsideOn(plan, [...(plan.fetchJars ? [plan.mavenPort] : []), ...externalStorePorts(plan)]),
  ];
}

/** The policy of one session cluster's SQL Gateway; none when the cluster runs none. */
export function sqlGatewayPolicies(
  plan: NetworkPlan,
  cluster: ClusterPlan,
  pods: Pods,
): NetworkPolicyObject[] {
  if (!cluster.sqlGateway) {
    return [];
  }
  const ns = cluster.namespace;
  const name = sqlGatewayName(cluster);
  return podPolicy(
    plan,
    name,
    pods.sqlGateway(cluster),
    [...uiFlows(ns, cluster.sqlGateway.ui, name, SQL_GATEWAY_PORT, pods), ...metricsFlows(plan, ns, pods)],
    [
      // Statements become jobs submitted over REST to this cluster's JobManagers, which run them.
      { peers: peersOf(ns, flinkPods(cluster, "jobmanager")), ports: ports([FLINK_PORTS.rest]) },
      // The Hive catalog: table metadata from the metastore, planning over the warehouse on the store.
      ...(plan.hive ? [{ peers: peersOf(ns, pods.hive), ports: [tcp("thrift")] }] : []),
      ...storeAndJarFlows(plan, ns, pods),
    ],
  );
}

/** The history server's policy; none when it does not run. */
export function historyServerPolicies(plan: NetworkPlan, pods: Pods): NetworkPolicyObject[] {
  if (!plan.historyServer) {
    return [];
  }
  const ns = plan.platformNamespace;
  return podPolicy(
    plan,
    HISTORY_SERVER_NAME,
    pods.historyServer,
    [
      ...uiFlows(ns, plan.historyServer.ui, HISTORY_SERVER_UI, HISTORY_SERVER_PORT, pods),
      ...metricsFlows(plan, ns, pods),
    ],
    // It calls no cluster: the JobManagers archive finished jobs on the store, where it reads them.
    storeAndJarFlows(plan, ns, pods),
  );
}
