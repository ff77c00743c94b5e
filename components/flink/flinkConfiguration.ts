/**
 * The Flink configuration of a session cluster, as pure functions: what the platform sets, which user keys it
 * refuses, and the Flink 2.x overlapping-prefix rule.
 */
import type { ResolvedSessionCluster } from "./clusterSchema";

/** Port of Flink's Prometheus reporter; the pods expose it as the container port named `metrics`. */
export const PROMETHEUS_PORT = 9249;

/** Keys the operator sets itself and rejects in `flinkConfiguration` (operator `DefaultValidator`). */
const OPERATOR_FORBIDDEN_KEYS = [
  "kubernetes.namespace",
  "kubernetes.cluster-id",
  "high-availability.cluster-id",
];

/**
 * Keys that carry credentials. `flinkConfiguration` ends up in the FlinkDeployment and a ConfigMap, so credentials
 * must come from Kubernetes Secrets instead.
 */
const CREDENTIAL_KEY = /(^|\.)(access[-.]key|secret[-.]key|password|session[-.]token)$/;

/** Why a user-supplied Flink key is refused, or undefined when it is allowed. */
export function forbiddenFlinkKeyProblem(key: string): string | undefined {
  if (OPERATOR_FORBIDDEN_KEYS.includes(key)) {
    return "is set by the operator (to the namespace or the cluster name) and it rejects the deployment if you set it";
  }
  if (CREDENTIAL_KEY.test(key)) {
    return "carries a credential, and flinkConfiguration is stored in plain text (FlinkDeployment, ConfigMap); credentials come from Kubernetes Secrets";
  }
  return undefined;
}

/** Pairs [shorter, longer] where `shorter` is a dotted prefix of `longer`, which Flink 2.x refuses. */
export function overlappingKeyPrefixes(keys: readonly string[]): Array<[string, string]> {
  const sorted = [...new Set(keys)].sort();
  const pairs: Array<[string, string]> = [];
  for (const shorter of sorted) {
    for (const longer of sorted) {
      if (longer.startsWith(`${shorter}.`)) {
        pairs.push([shorter, longer]);
      }
    }
  }
  return pairs;
}

/** Sort keys so that the rendered map, and with it every preview diff, is stable. */
export function sortedRecord<T>(record: Readonly<Record<string, T>>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The keys the platform sets on every session cluster itself: slots, warm pool and the Prometheus reporter. */
export function platformFlinkConfiguration(
  cluster: Pick<ResolvedSessionCluster, "taskManager" | "warmSlots">,
): Record<string, string> {
  const conf: Record<string, string> = {
    "taskmanager.numberOfTaskSlots": String(cluster.taskManager.slots),
    // Merge the JobManager/TaskManager pod templates into the shared one by container name, not list position.
    "kubernetes.operator.pod-template.merge-arrays-by-name": "true",
    "metrics.reporter.prom.factory.class": "org.apache.flink.metrics.prometheus.PrometheusReporterFactory",
    "metrics.reporter.prom.port": String(PROMETHEUS_PORT),
  };
  if (cluster.warmSlots > 0) {
    // Native session clusters start TaskManagers on demand; this keeps enough of them for the warm slots.
    conf["slotmanager.number-of-slots.min"] = String(cluster.warmSlots);
  }
  return conf;
}

/**
 * The `flinkConfiguration` of a session cluster: the platform's own keys, then what durable state, HA and other
 * features need (`featureConfiguration`), then the user's own keys merged last. Values are strings, as the operator
 * writes them to the Flink config file anyway.
 */
export function sessionFlinkConfiguration(
  cluster: Pick<ResolvedSessionCluster, "taskManager" | "warmSlots" | "flinkConfiguration">,
  featureConfiguration: Readonly<Record<string, string>> = {},
): Record<string, string> {
  const conf = { ...platformFlinkConfiguration(cluster), ...featureConfiguration };
  for (const [key, value] of Object.entries(cluster.flinkConfiguration)) {
    conf[key] = String(value);
  }
  return sortedRecord(conf);
}
