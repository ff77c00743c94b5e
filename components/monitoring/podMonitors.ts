/**
 * PodMonitors (Prometheus Operator) for the session clusters, the Flink operator and the backing services, as pure
 * functions of what they scrape.
 */
import { OPERATOR_CHART } from "../flink/operator";
import { ScrapeTarget } from "./scrapeTargets";

export const MONITORING_API_VERSION = "monitoring.coreos.com/v1";

/** Name of the container port that serves Prometheus metrics on Flink and operator pods. */
export const METRICS_PORT_NAME = "metrics";

/** Label every scraped Flink series gets: the session cluster it comes from (the pods' `app` label). */
export const FLINK_CLUSTER_LABEL = "flink_cluster";
/** Label every scraped Flink series gets: `jobmanager` or `taskmanager` (the pods' `component` label). */
export const FLINK_COMPONENT_LABEL = "flink_component";

export type FlinkComponent = "jobmanager" | "taskmanager";

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

/** Name of a session cluster's PodMonitor. */
export function flinkPodMonitorName(clusterName: string): string {
  return `flink-cluster-${clusterName}`;
}

/**
 * A session cluster's JobManager and TaskManager pods, on the `metrics` port of Flink's Prometheus reporter. Each
 * series is labelled with the cluster and the component, which the dashboards and alert rules filter on.
 */
export function flinkClusterPodMonitor(
  cluster: { readonly name: string; readonly namespace: string },
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
