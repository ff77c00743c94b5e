/**
 * The policies of the Flink pods and of the operator: JobManagers and TaskManagers of each session cluster and
 * application talk on Flink's fixed ports (FLINK_PORTS) among themselves, take REST calls from the operator, the UI's
 * clients and (session clusters) StreamPark and the cluster's SQL Gateway, and reach the durable store, the HA
 * service, the metastore and (for the jobs) addresses outside. Pure.
 */
import { FLINK_PORTS } from "../flink/flinkConfiguration";
import {
  apiServer,
  apiServerPeers,
  Flow,
  OPERATOR_WEBHOOK_PORT,
  outside,
  peersOf,
  podPolicy,
  Pods,
  flinkPolicyName,
  managedStoreFlows,
} from "./flows";
import type { NetworkPolicyObject } from "./model";
import { flinkPods, podPeer, ports, tcp } from "./peers";
import type { ClusterPlan, NetworkPlan } from "./plan";

/** The ports Flink pods use on the durable store and HA service, wherever those run. */
function flinkBackingFlows(plan: NetworkPlan, namespace: string, pods: Pods): Flow[] {
  const flows: Flow[] = [];
  if (plan.zookeeper?.kind === "managed") {
    flows.push({ peers: peersOf(namespace, pods.zookeeper), ports: [tcp("client")] });
  }
  flows.push(...managedStoreFlows(plan, namespace, pods));
  if (plan.hive) {
    flows.push({ peers: peersOf(namespace, pods.hive), ports: [tcp("thrift")] });
  }
  return flows;
}

/** Ports of external services a Flink pod uses (only needed when job ports are restricted). */
function flinkExternalPorts(plan: NetworkPlan): number[] {
  const list: number[] = [];
  for (const service of [plan.zookeeper, plan.s3, plan.hdfs]) {
    if (service?.kind === "external") {
      list.push(...service.ports);
    }
  }
  if (plan.flinkFetchesJars) {
    list.push(plan.mavenPort);
  }
  return list;
}

const FLINK_INTERNAL = {
  jobmanager: [FLINK_PORTS.jobManagerRpc, FLINK_PORTS.blob, FLINK_PORTS.metricsQuery],
  taskmanager: [FLINK_PORTS.taskManagerRpc, FLINK_PORTS.data, FLINK_PORTS.metricsQuery],
};

/** The JobManagers' and TaskManagers' policies of one session cluster or application. */
export function clusterPolicies(plan: NetworkPlan, cluster: ClusterPlan, pods: Pods): NetworkPolicyObject[] {
  const ns = cluster.namespace;
  const jobManagers = flinkPods(cluster, "jobmanager");
  const taskManagers = flinkPods(cluster, "taskmanager");
  const ownPods = peersOf(ns, flinkPods(cluster));
  const jobPorts = plan.settings.egress.flinkJobPorts;
  // The jobs' sources and sinks are unknown: any port outside, unless the stack lists the ports.
  const outsideFlow: Flow =
    jobPorts.length === 0
      ? { peers: outside(plan) }
      : { peers: outside(plan), ports: ports([...jobPorts, ...flinkExternalPorts(plan)]) };
  const egress: Flow[] = [
    { peers: ownPods, ports: ports([...FLINK_INTERNAL.jobmanager, ...FLINK_INTERNAL.taskmanager]) },
    ...flinkBackingFlows(plan, ns, pods),
    outsideFlow,
  ];
  const metrics: Flow[] = plan.monitoring
    ? [{ peers: peersOf(ns, pods.prometheus), ports: [tcp("metrics")] }]
    : [];
  // StreamPark submits to the session clusters it is given; an application's job is its FlinkDeployment's own.
  const restClients = [
    pods.operator,
    ...(plan.streampark && cluster.kind === "session" ? [pods.streampark] : []),
    ...(cluster.sqlGateway ? [pods.sqlGateway(cluster)] : []),
    ...(cluster.ui === "ingress" ? [pods.ingressController] : []),
    ...(cluster.ui === "proxy" ? [pods.oauth2Proxy(ns, cluster.name)] : []),
  ];
  return [
    ...podPolicy(
      plan,
      flinkPolicyName(cluster.name, "jobmanager"),
      jobManagers,
      [
        { peers: peersOf(ns, ...restClients), ports: ports([FLINK_PORTS.rest]) },
        { peers: ownPods, ports: ports(FLINK_INTERNAL.jobmanager) },
        ...metrics,
      ],
      // Native mode: the JobManager creates its TaskManager pods and (HA) leader ConfigMaps through the API server.
      [apiServer(plan), ...egress],
    ),
    ...podPolicy(
      plan,
      flinkPolicyName(cluster.name, "taskmanager"),
      taskManagers,
      [{ peers: ownPods, ports: ports(FLINK_INTERNAL.taskmanager) }, ...metrics],
      [...(cluster.kubernetesHa ? [apiServer(plan)] : []), ...egress],
    ),
  ];
}

export function operatorPolicies(plan: NetworkPlan, pods: Pods): NetworkPolicyObject[] {
  if (!plan.operator.installed) {
    return [];
  }
  const ns = plan.operator.namespace;
  const ingress: Flow[] = [];
  if (plan.operator.webhook) {
    // The API server calls the webhook; its address is no pod, so it is named by address.
    ingress.push({
      peers: apiServerPeers(plan),
      ports: ports([OPERATOR_WEBHOOK_PORT]),
    });
  }
  if (plan.monitoring) {
    ingress.push({ peers: peersOf(ns, pods.prometheus), ports: [tcp("metrics")] });
  }
  const egress: Flow[] = [
    apiServer(plan),
    {
      peers: plan.clusters.map((c) => podPeer(flinkPods(c, "jobmanager"), ns)),
      ports: ports([FLINK_PORTS.rest]),
    },
  ];
  // The operator reads HA metadata where the clusters keep it.
  if (plan.zookeeper?.kind === "managed") {
    egress.push({ peers: peersOf(ns, pods.zookeeper), ports: [tcp("client")] });
  } else if (plan.zookeeper?.kind === "external") {
    egress.push({ peers: outside(plan), ports: ports(plan.zookeeper.ports) });
  }
  return podPolicy(plan, "flink-operator", pods.operator, ingress, egress);
}
