/**
 * The whole platform: namespaces, the operator, and the session clusters, wired in the order the operator needs
 * (CRDs and operator first; on destroy the FlinkDeployments go first, while the operator can still clear their
 * finalizers); MySQL for the parts that need a database, and StreamPark.
 *
 * The only reader of `PlatformConfig`: every component gets its own area's settings plus the connection objects and
 * secret references it consumes, which the small functions below derive from the validated configuration.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { PlatformSecrets } from "./config/load";
import type { PlatformConfig } from "./config/schema";
import { StateInputs } from "./flink/clusterState";
import { FlinkOperator, FlinkOperatorArgs, OPERATOR_VERSION } from "./flink/operator";
import { FlinkSessionCluster } from "./flink/sessionCluster";
import { FlinkOnHive } from "./hive/flinkOnHive";
import { ingressUrl } from "./kube/ingress";
import { platformLabels } from "./kube/labels";
import { SecretPolicy, SecretToProvide } from "./kube/secrets";
import { PlatformMonitoring, PlatformMonitoringArgs, ScrapeTarget } from "./monitoring";
import { HIVE_DATABASE_CONSUMER, mysqlDatabaseRequests } from "./mysql/databases";
import { MySql } from "./mysql/mysql";
import { exposedUis, unauthenticatedUiMessage } from "./network/config";
import { NetworkPolicies } from "./network/networkPolicies";
import { proxyIfAsked } from "./network/oauth2Proxy";
import { networkPlan } from "./network/plan";
import { openUiWarnings, uiIngress } from "./network/uiAuth";
import { DurableState, DurableStateArgs } from "./state/durableState";
import { ADMIN_SECRET as STREAMPARK_ADMIN_SECRET } from "./streampark/names";
import { StreamPark } from "./streampark/streampark";

export interface FlinkPlatformArgs {
  /** The validated stack configuration (`loadConfig`, or `parseConfig` in tests). */
  readonly config: PlatformConfig;
  /** The secret config keys the configuration uses (`loadSecrets`). Default none. */
  readonly secrets?: PlatformSecrets;
}

/** What the stack exports for one session cluster. */
export interface SessionClusterOutputs {
  readonly namespace: string;
  readonly restUrl: string;
  readonly ingressUrl?: string;
}

/** What the stack exports for StreamPark (the password itself is a separate, secret output). */
export interface StreamParkOutputs {
  readonly url: string;
  readonly ingressUrl?: string;
  readonly adminUser: string;
  /** Secret (platform namespace) with the admin's `username` and `password`. */
  readonly adminSecret: string;
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
  return {
    namespace,
    consumerNamespaces: [...config.flink.clusters.map((c) => c.namespace), ...(hiveOnS3 ? [namespace] : [])],
    // Every cluster reads and writes Hive tables in the warehouse, and the metastore creates their directories.
    sharedPaths: config.hive.enabled ? [config.hive.warehouse.path] : [],
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
    clusters: config.flink.clusters.map((c) => ({ name: c.name, namespace: c.namespace })),
    monitorOperator: config.operator.install,
    targets,
  };
}

/** Whether the config asks for monitoring resources at all. */
export function monitoringWanted(config: PlatformConfig): boolean {
  return config.monitoring.enabled && config.monitoring.prometheusOperator;
}

export class FlinkPlatform extends pulumi.ComponentResource {
  public readonly namespace: string;
  public readonly operatorVersion = OPERATOR_VERSION;
  public readonly operator?: FlinkOperator;
  public readonly state?: DurableState;
  public readonly clusters: Readonly<Record<string, SessionClusterOutputs>>;
  public readonly mysql?: MySql;
  public readonly hive?: FlinkOnHive;
  public readonly streampark?: StreamParkOutputs;
  /** StreamPark's generated admin password (secret). */
  public readonly streamparkAdminPassword?: pulumi.Output<string>;
  /** The Secrets a rendered stack leaves to the user (empty when the platform creates them). */
  public readonly secretsToProvide: readonly SecretToProvide[];

  constructor(name: string, args: FlinkPlatformArgs, opts?: pulumi.ComponentResourceOptions) {
    super("flink-platform:index:FlinkPlatform", name, {}, opts);
    const config = args.config;
    const secrets = args.secrets ?? {};
    const policy = secretPolicy(config);
    this.secretsToProvide = policy.toProvide;
    this.namespace = config.platform.namespace;
    const allowDataLoss = config.platform.allowDataLoss;

    const namespaces = config.platform.createNamespaces
      ? config.namespaces.map(
          (ns) =>
            new k8s.core.v1.Namespace(
              `${name}-ns-${ns}`,
              { metadata: { name: ns, labels: platformLabels("namespace") } },
              // Deleting a namespace deletes every PVC in it.
              { parent: this, retainOnDelete: !allowDataLoss },
            ),
        )
      : [];

    const auth = config.network.auth;
    // Production stacks refuse an open UI in validation; elsewhere the preview says so.
    for (const message of openUiWarnings(
      auth,
      config.platform.production,
      exposedUis(config, config.flink.clusters),
      unauthenticatedUiMessage,
    )) {
      void pulumi.log.warn(message, this);
    }
    // The UIs' Ingresses (or their oauth2-proxies) under network.auth.
    const guarded = (
      ui: string,
      namespace: string,
      ingress: PlatformConfig["streampark"]["ingress"],
      upstream: string,
    ) =>
      proxyIfAsked(
        `${name}-oauth2-proxy-${ui}`,
        {
          ui,
          namespace,
          ingress,
          upstream,
          auth,
          ...(secrets.oauth2ProxyClientSecret ? { clientSecret: secrets.oauth2ProxyClientSecret } : {}),
          secrets: policy,
        },
        { parent: this, dependsOn: namespaces },
      );

    // Default deny with the platform's flows allowed, in every namespace with platform pods (`network.enabled`).
    if (config.network.enabled) {
      new NetworkPolicies(
        `${name}-network`,
        { plan: networkPlan(config) },
        { parent: this, dependsOn: namespaces },
      );
    }

    if (config.operator.install) {
      this.operator = new FlinkOperator(`${name}-operator`, operatorArgs(config, policy), {
        parent: this,
        dependsOn: namespaces,
      });
    }

    // Managed stores exist only when the config asks for them; Kubernetes HA needs nothing but the store.
    const needsState = config.storage.type !== "none" || config.ha.type === "zookeeper";
    this.state = needsState
      ? new DurableState(`${name}-state`, durableStateArgs(config, secrets, policy), {
          parent: this,
          dependsOn: namespaces,
        })
      : undefined;
    const state: StateInputs = {
      checkpoints: config.flink.checkpoints,
      store: this.state?.store,
      pathPrefix: config.storage.pathPrefix,
      ha: this.state?.ha ?? { type: config.ha.type === "kubernetes" ? "kubernetes" : "off" },
    };

    // MySQL, for StreamPark and the Hive metastore: each consumer gets its own database, user and password Secret.
    const databases = mysqlDatabaseRequests(config);
    if (databases.length > 0) {
      this.mysql = new MySql(
        `${name}-mysql`,
        {
          namespace: this.namespace,
          config: config.mysql,
          databases,
          ...(secrets.mysqlAdminPassword ? { adminPassword: secrets.mysqlAdminPassword } : {}),
          allowDataLoss,
          secrets: policy,
        },
        { parent: this, dependsOn: namespaces },
      );
    }
    // Flink on Hive: the metastore (schema in MySQL, warehouse in the durable store) and each cluster's catalog.
    if (config.hive.enabled && this.mysql && state.store) {
      this.hive = new FlinkOnHive(
        `${name}-hive`,
        {
          namespace: this.namespace,
          clusterNamespaces: config.flink.clusters.map((c) => c.namespace),
          hive: config.hive,
          store: state.store,
          pathPrefix: config.storage.pathPrefix,
          database: this.mysql.connections[HIVE_DATABASE_CONSUMER],
          artifacts: config.platform.artifacts,
        },
        { parent: this, dependsOn: [...namespaces, this.mysql, ...(this.state?.ready ?? [])] },
      );
    }

    const clusters: Record<string, SessionClusterOutputs> = {};
    for (const cluster of config.flink.clusters) {
      const session = new FlinkSessionCluster(
        `${name}-${cluster.name}`,
        {
          cluster: { ...cluster, ingress: uiIngress(cluster.ingress, auth) },
          state,
          artifacts: config.platform.artifacts,
          additions: this.hive ? [this.hive.additions] : [],
        },
        {
          parent: this,
          dependsOn: [
            ...namespaces,
            ...(this.operator ? [this.operator.chart] : []),
            ...(this.state?.ready ?? []),
            ...(this.hive?.ready ?? []),
          ],
        },
      );
      const proxied = guarded(cluster.name, cluster.namespace, cluster.ingress, session.restUrl);
      const url = proxied ? ingressUrl(cluster.ingress) : session.ingressUrl;
      clusters[cluster.name] = {
        namespace: cluster.namespace,
        restUrl: session.restUrl,
        ...(url ? { ingressUrl: url } : {}),
      };
    }
    this.clusters = clusters;

    if (config.streampark.enabled && this.mysql) {
      const streampark = new StreamPark(
        `${name}-streampark`,
        {
          namespace: this.namespace,
          config: { ...config.streampark, ingress: uiIngress(config.streampark.ingress, auth) },
          clusters: config.flink.clusters,
          database: this.mysql.connections.streampark,
          mysqlClientImage: config.mysql.image,
          artifacts: config.platform.artifacts,
          allowDataLoss,
          secrets: policy,
        },
        { parent: this, dependsOn: [...namespaces, this.mysql] },
      );
      const proxied = guarded("streampark", this.namespace, config.streampark.ingress, streampark.url);
      const url = proxied ? ingressUrl(config.streampark.ingress) : streampark.ingressUrl;
      this.streampark = {
        url: streampark.url,
        ...(url ? { ingressUrl: url } : {}),
        adminUser: streampark.adminUser,
        adminSecret: STREAMPARK_ADMIN_SECRET,
      };
      this.streamparkAdminPassword = streampark.adminPassword;
    }

    // Backing services publish what Prometheus should scrape (`podScrapeTarget`).
    const scrapeTargets: ScrapeTarget[] = [
      this.state?.minio?.scrapeTarget,
      this.state?.zookeeper?.scrapeTarget,
    ].filter((target): target is ScrapeTarget => target !== undefined);
    if (monitoringWanted(config)) {
      new PlatformMonitoring(`${name}-monitoring`, monitoringArgs(config, scrapeTargets), {
        parent: this,
        dependsOn: namespaces,
      });
    }
    this.registerOutputs({
      namespace: this.namespace,
      operatorVersion: this.operatorVersion,
      clusters,
      streampark: this.streampark,
      secretsToProvide: this.secretsToProvide,
    });
  }
}
