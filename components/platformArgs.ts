/**
 * What each part of the platform gets from the validated configuration: small pure functions, one per component,
 * so that `FlinkPlatform` only wires components together and tests can check each derivation alone.
 */
import type { PlatformSecrets } from "./config/load";
import type { PlatformConfig } from "./config/schema";
import type { FlinkCluster } from "./flink/clusterSchema";
import type { FlinkOperatorArgs } from "./flink/operator";
import { SecretPolicy } from "./kube/secrets";
import type { PlatformMonitoringArgs, ScrapeTarget } from "./monitoring";
import type { DurableStateArgs } from "./state/durableState";

/** Every Flink cluster the platform runs: the session clusters, then the application deployments. */
export function flinkClusters(config: PlatformConfig): FlinkCluster[] {
  return [...config.flink.clusters, ...config.flink.applications];
}

/**
 * The archive folder of every cluster, relative to `storage.pathPrefix` (`<namespace>/<cluster>/completed-jobs`, as
 * clusterState.ts `archiveUri` writes it).
 */
export function archivePaths(config: PlatformConfig): string[] {
  return flinkClusters(config).map((c) => `${c.namespace}/${c.name}/completed-jobs`);
}

/**
 * Whether the platform creates its Secrets: always on a cluster; in render mode only when the stack opts in
 * (`kubernetes.renderSecrets`), so that no secret value lands in the manifests directory unasked.
 */
export function secretPolicy(config: PlatformConfig): SecretPolicy {
  const rendered = config.kubernetes.renderYamlToDirectory !== undefined;
  return new SecretPolicy(!rendered || config.kubernetes.renderSecrets);
}

/** Operator args from validated config. */
export function operatorArgs(config: PlatformConfig, secrets: SecretPolicy): FlinkOperatorArgs {
  return {
    namespace: config.platform.namespace,
    watchNamespaces: config.namespaces,
    chart: config.operator.chart,
    image: config.operator.image,
    webhook: config.operator.webhook,
    resources: config.operator.resources,
    retainCrds: !config.platform.allowDataLoss,
    secrets,
  };
}

/** Durable state args from validated config and the secret config keys. */
export function durableStateArgs(
  config: PlatformConfig,
  secrets: PlatformSecrets,
  policy: SecretPolicy,
): DurableStateArgs {
  const namespace = config.platform.namespace;
  // The Hive metastore reads an S3 warehouse with the store's credentials, in the platform namespace.
  const hiveOnS3 = config.hive.enabled && config.hive.warehouse.store === "s3";
  // The history server, in the platform namespace, reads (and prunes) every cluster's archive folder.
  const history = config.flink.historyServer.enabled;
  return {
    namespace,
    consumerNamespaces: [
      ...flinkClusters(config).map((c) => c.namespace),
      ...(hiveOnS3 || history ? [namespace] : []),
    ],
    // Every cluster reads and writes Hive tables in the warehouse, and the metastore creates their directories.
    sharedPaths: config.hive.enabled ? [config.hive.warehouse.path] : [],
    namespacePaths: history ? { [namespace]: archivePaths(config) } : {},
    storage: config.storage,
    ha: config.ha,
    ...(secrets.s3 ? { s3Credentials: secrets.s3 } : {}),
    allowDataLoss: config.platform.allowDataLoss,
    secrets: policy,
  };
}

/** Monitoring args from validated config and the scrape targets the backing services published. */
export function monitoringArgs(
  config: PlatformConfig,
  targets: readonly ScrapeTarget[],
): PlatformMonitoringArgs {
  const monitoring = config.monitoring;
  return {
    namespace: config.platform.namespace,
    dashboardsNamespace: monitoring.dashboards.namespace ?? config.platform.namespace,
    monitorLabels: monitoring.monitorLabels,
    dashboardLabel: monitoring.dashboards.label,
    folderAnnotation: monitoring.dashboards.folderAnnotation,
    scrapeInterval: monitoring.scrapeInterval,
    clusters: [
      ...config.flink.clusters.map((c) => ({
        name: c.name,
        namespace: c.namespace,
        kind: "session" as const,
      })),
      ...config.flink.applications.map((a) => ({
        name: a.name,
        namespace: a.namespace,
        kind: "application" as const,
        // The operator removes a suspended application's JobManager: nothing to alert on.
        suspended: a.job.state === "suspended",
      })),
    ],
    sqlGateways: config.flink.clusters
      .filter((c) => c.sqlGateway.enabled)
      .map((c) => ({ cluster: c.name, namespace: c.namespace })),
    ...(config.flink.historyServer.enabled
      ? { historyServer: { namespace: config.platform.namespace } }
      : {}),
    monitorOperator: config.operator.install,
    targets,
  };
}

/** Whether the config asks for monitoring resources at all. */
export function monitoringWanted(config: PlatformConfig): boolean {
  return config.monitoring.enabled && config.monitoring.prometheusOperator;
}
