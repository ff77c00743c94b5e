/**
 * PodMonitors (Prometheus Operator) for the Flink clusters (session clusters and application deployments), the SQL
 * Gateways and the history server, the Flink operator and the backing services, as pure functions of what they
 * scrape.
 */
import {
  HISTORY_SERVER_NAME,
  HISTORY_SERVER_POD_LABELS,
  sqlGatewayName,
  sqlGatewayPodLabels,
} from "../flink/jobServices";
import { OPERATOR_CHART } from "../flink/operator";
import { ScrapeTarget } from "./scrapeTargets";

export const MONITORING_API_VERSION = "monitoring.coreos.com/v1";

/** Name of the container port that serves Prometheus metrics on Flink and operator pods. */
export const METRICS_PORT_NAME = "metrics";

/**
 * Label every scraped Flink series gets: the Flink cluster it comes from (the pods' `app` label); a SQL Gateway's
 * series get their session cluster's name too.
 */
export const FLINK_CLUSTER_LABEL = "flink_cluster";
/**
 * Label every scraped Flink series gets: `jobmanager` or `taskmanager` (the pods' `component` label); the SQL
 * Gateways' and the history server's series get SQL_GATEWAY_COMPONENT and HISTORY_SERVER_COMPONENT.
 */
export const FLINK_COMPONENT_LABEL = "flink_component";

export type FlinkComponent = "jobmanager" | "taskmanager";

/**
 * A Flink cluster the platform runs: a session cluster (`flink.clusters.<name>`, jobs are submitted to it) or an
 * application deployment (`flink.applications.<name>`, a FlinkDeployment with its own job). Both are FlinkDeployments
 * in native mode, so their pods carry the same labels and are scraped the same way.
 */
export interface MonitoredFlinkCluster {
  readonly name: string;
  readonly namespace: string;
  /** Default "session". An application also gets the rule that its job runs. */
  readonly kind?: "session" | "application";
  /**
   * An application whose job is configured `state: suspended`: the operator removes its JobManager, so neither the
   * JobManager-down nor the job-not-running rule is made for it. Default false; session clusters ignore it.
   */
  readonly suspended?: boolean;
}

/** A session cluster's SQL Gateway (Deployment `sqlGatewayName(cluster)` in the cluster's namespace). */
export interface MonitoredSqlGateway {
  /** The session cluster's name. */
  readonly cluster: string;
  readonly namespace: string;
}

/** The history server (Deployment HISTORY_SERVER_NAME). */
export interface MonitoredHistoryServer {
  readonly namespace: string;
}

/**
 * Labels Flink's native Kubernetes integration puts on the pods of a cluster (flink-kubernetes `Constants`:
 * LABEL_TYPE_KEY/LABEL_TYPE_NATIVE_TYPE, LABEL_APP_KEY, LABEL_COMPONENT_KEY; same in 1.20 and 2.2). The cluster id
 * is the FlinkDeployment's name, which the operator sets as `kubernetes.cluster-id`. The labels of the pod template
 * are added to these (`InitJobManagerDecorator`/`InitTaskManagerDecorator` use `addToLabels`).
 */
export function flinkNativePodLabels(clusterId: string, component: FlinkComponent): Record<string, string> {
  return { type: "flink-native-kubernetes", app: clusterId, component };
}

/**
 * Labels of the operator pod: the chart's `flink-operator.selectorLabels`, i.e. `app.kubernetes.io/name` set to the
 * chart name (the platform does not set `nameOverride`).
 */
export const OPERATOR_POD_LABELS: Readonly<Record<string, string>> = {
  "app.kubernetes.io/name": OPERATOR_CHART,
};

/** The `job` label Prometheus Operator gives the targets of a PodMonitor without `jobLabel`. */
export function prometheusJob(namespace: string, podMonitorName: string): string {
  return `${namespace}/${podMonitorName}`;
}

export interface PodMonitorDefinition {
  readonly name: string;
  readonly namespace: string;
  readonly spec: Record<string, unknown>;
}

/** Copy a pod label into a target label, so every series of the pod carries it. */
const podLabelToTargetLabel = (podLabel: string, targetLabel: string) => ({
  sourceLabels: [`__meta_kubernetes_pod_label_${podLabel.replace(/[^a-zA-Z0-9_]/g, "_")}`],
  targetLabel,
});

/** Name of a Flink cluster's PodMonitor (session cluster or application deployment). */
export function flinkPodMonitorName(clusterName: string): string {
  return `flink-cluster-${clusterName}`;
}

/**
 * A Flink cluster's JobManager and TaskManager pods (session cluster or application deployment), on the `metrics`
 * port of Flink's Prometheus reporter. Each series is labelled with the cluster and the component, which the
 * dashboards and alert rules filter on.
 */
export function flinkClusterPodMonitor(
  cluster: MonitoredFlinkCluster,
  interval: string,
): PodMonitorDefinition {
  const { type, app } = flinkNativePodLabels(cluster.name, "jobmanager");
  return {
    name: flinkPodMonitorName(cluster.name),
    namespace: cluster.namespace,
    spec: {
      selector: { matchLabels: { type, app } },
      namespaceSelector: { matchNames: [cluster.namespace] },
      podMetricsEndpoints: [
        {
          port: METRICS_PORT_NAME,
          path: "/metrics",
          interval,
          relabelings: [
            podLabelToTargetLabel("app", FLINK_CLUSTER_LABEL),
            podLabelToTargetLabel("component", FLINK_COMPONENT_LABEL),
          ],
        },
      ],
    },
  };
}

export const OPERATOR_POD_MONITOR_NAME = "flink-operator";

/** The operator pod, on the `metrics` port the chart opens for the operator's Prometheus reporter. */
export function operatorPodMonitor(namespace: string, interval: string): PodMonitorDefinition {
  return {
    name: OPERATOR_POD_MONITOR_NAME,
    namespace,
    spec: {
      selector: { matchLabels: { ...OPERATOR_POD_LABELS } },
      namespaceSelector: { matchNames: [namespace] },
      podMetricsEndpoints: [{ port: METRICS_PORT_NAME, path: "/metrics", interval }],
    },
  };
}

/** A backing service's pods, as its component described them. */
export function targetPodMonitor(target: ScrapeTarget, interval: string): PodMonitorDefinition {
  return {
    name: target.name,
    namespace: target.namespace,
    spec: {
      selector: { matchLabels: { ...target.podSelector } },
      namespaceSelector: { matchNames: [target.namespace] },
      podMetricsEndpoints: [{ port: target.port, path: target.path, interval }],
    },
  };
}

/** The pod label whose value the JMX-exporter PodMonitors copy into FLINK_COMPONENT_LABEL. */
const COMPONENT_POD_LABEL = "app.kubernetes.io/component";
/** The pod label of a SQL Gateway pod that holds its session cluster's name. */
const INSTANCE_POD_LABEL = "app.kubernetes.io/instance";

/** `flink_component` of the SQL Gateways' series (their pods' `app.kubernetes.io/component`). */
export const SQL_GATEWAY_COMPONENT = sqlGatewayPodLabels({ name: "any" })[COMPONENT_POD_LABEL];
/** `flink_component` of the history server's series (its pods' `app.kubernetes.io/component`). */
export const HISTORY_SERVER_COMPONENT = HISTORY_SERVER_POD_LABELS[COMPONENT_POD_LABEL];

/** Name of a SQL Gateway's PodMonitor: the gateway's own name, in its cluster's namespace. */
export function sqlGatewayPodMonitorName(gateway: Pick<MonitoredSqlGateway, "cluster">): string {
  return sqlGatewayName({ name: gateway.cluster });
}

/** Name of the history server's PodMonitor. */
export const HISTORY_SERVER_POD_MONITOR_NAME = HISTORY_SERVER_NAME;

/**
 * A session cluster's SQL Gateway pods, on the `metrics` port of the Prometheus JMX exporter agent (JVM metrics; the
 * gateway starts no Flink metric reporter). Series are labelled like the cluster's: `flink_cluster` (the pods'
 * `app.kubernetes.io/instance`, the cluster's name) and `flink_component` (`flink-sql-gateway`).
 */
export function sqlGatewayPodMonitor(gateway: MonitoredSqlGateway, interval: string): PodMonitorDefinition {
  return {
    name: sqlGatewayPodMonitorName(gateway),
    namespace: gateway.namespace,
    spec: {
      selector: { matchLabels: sqlGatewayPodLabels({ name: gateway.cluster }) },
      namespaceSelector: { matchNames: [gateway.namespace] },
      podMetricsEndpoints: [
        {
          port: METRICS_PORT_NAME,
          path: "/metrics",
          interval,
          relabelings: [
            podLabelToTargetLabel(INSTANCE_POD_LABEL, FLINK_CLUSTER_LABEL),
            podLabelToTargetLabel(COMPONENT_POD_LABEL, FLINK_COMPONENT_LABEL),
          ],
        },
      ],
    },
  };
}

/**
 * The history server's pods, on the `metrics` port of the Prometheus JMX exporter agent. It serves every cluster, so
 * its series carry no `flink_cluster`; `flink_component` is `flink-history-server`.
 */
export function historyServerPodMonitor(
  server: MonitoredHistoryServer,
  interval: string,
): PodMonitorDefinition {
  return {
    name: HISTORY_SERVER_POD_MONITOR_NAME,
    namespace: server.namespace,
    spec: {
      selector: { matchLabels: { ...HISTORY_SERVER_POD_LABELS } },
      namespaceSelector: { matchNames: [server.namespace] },
      podMetricsEndpoints: [
        {
          port: METRICS_PORT_NAME,
          path: "/metrics",
          interval,
          relabelings: [podLabelToTargetLabel(COMPONENT_POD_LABEL, FLINK_COMPONENT_LABEL)],
        },
      ],
    },
  };
}
