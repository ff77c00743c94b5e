/**
 * Names, labels and ports of what runs beside the Flink clusters for their jobs: the SQL Gateway of a session
 * cluster and the history server. One place, so that the workloads, their Services, NetworkPolicies and PodMonitors
 * agree. Pure.
 */
import { selectorLabels } from "../kube/labels";
import type { MavenJar } from "../kube/artifacts";

/** Port of the SQL Gateway's REST endpoint (Flink's default). */
export const SQL_GATEWAY_PORT = 8083;
/** Port of the history server's web UI and REST API (Flink's default). */
export const HISTORY_SERVER_PORT = 8082;
/**
 * Port of the Prometheus JMX exporter in the SQL Gateway and history server pods (container port `metrics`): neither
 * process starts Flink's metric reporters, so a Java agent exports their JVM metrics.
 */
export const JMX_EXPORTER_PORT = 9249;

/** Name of a session cluster's SQL Gateway Deployment, Service, Ingress, ConfigMap and PodMonitor. */
export function sqlGatewayName(cluster: { readonly name: string }): string {
  return `${cluster.name}-sql-gateway`;
}

/** Labels the SQL Gateway pods of a session cluster carry and are selected by. */
export function sqlGatewayPodLabels(cluster: { readonly name: string }): Record<string, string> {
  return selectorLabels("flink-sql-gateway", cluster.name);
}

/** Name of the history server's Deployment, Service, Ingress, ConfigMap and PodMonitor (platform namespace). */
export const HISTORY_SERVER_NAME = "flink-history-server";

/** Labels the history server pods carry and are selected by. */
export const HISTORY_SERVER_POD_LABELS: Readonly<Record<string, string>> = selectorLabels(
  "flink-history-server",
  HISTORY_SERVER_NAME,
);

/** The Prometheus JMX exporter Java agent (SHA-256 of the file on Maven Central). */
export const JMX_EXPORTER_JAR: MavenJar = {
  groupId: "io.prometheus.jmx",
  artifactId: "jmx_prometheus_javaagent",
  version: "1.0.1",
  sha256: "7d61f737fd661610ccc14aea79764faa1ea94a340cbc8f0029b3d2edea3d80c1",
};
