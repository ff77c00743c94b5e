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
import { FlinkOperator, OPERATOR_VERSION } from "./flink/operator";
import { FlinkClusterOutputs, flinkWorkloads, FlinkWorkloadsOutputs } from "./flinkWorkloads";
import { FlinkOnHive } from "./hive/flinkOnHive";
import { ingressUrl } from "./kube/ingress";
import { platformLabels } from "./kube/labels";
import type { SecretToProvide } from "./kube/secrets";
import { PlatformMonitoring, ScrapeTarget } from "./monitoring";
import { HIVE_DATABASE_CONSUMER, mysqlDatabaseRequests } from "./mysql/databases";
import { MySql } from "./mysql/mysql";
import { exposedUis, unauthenticatedUiMessage } from "./network/config";
import { NetworkPolicies } from "./network/networkPolicies";
import { proxyIfAsked } from "./network/oauth2Proxy";
import { networkPlan } from "./network/plan";
import { openUiWarnings, uiIngress } from "./network/uiAuth";
import {
  durableStateArgs,
  flinkClusters,
  monitoringArgs,
  monitoringWanted,
  operatorArgs,
  secretPolicy,
} from "./platformArgs";
import { DurableState } from "./state/durableState";
import { ADMIN_SECRET as STREAMPARK_ADMIN_SECRET } from "./streampark/names";
import { StreamPark } from "./streampark/streampark";

export interface FlinkPlatformArgs {
  /** The validated stack configuration (`loadConfig`, or `parseConfig` in tests). */
  readonly config: PlatformConfig;
  /** The secret config keys the configuration uses (`loadSecrets`). Default none. */
  readonly secrets?: PlatformSecrets;
}

export {
  durableStateArgs,
  monitoringArgs,
  monitoringWanted,
  operatorArgs,
  secretPolicy,
} from "./platformArgs";
export type { FlinkClusterOutputs as SessionClusterOutputs } from "./flinkWorkloads";

/** What the stack exports for StreamPark (the password itself is a separate, secret output). */
export interface StreamParkOutputs {
  readonly url: string;
  readonly ingressUrl?: string;
  readonly adminUser: string;
  /** Secret (platform namespace) with the admin's `username` and `password`. */
  readonly adminSecret: string;
}

export class FlinkPlatform extends pulumi.ComponentResource {
  public readonly namespace: string;
  public readonly operatorVersion = OPERATOR_VERSION;
  public readonly operator?: FlinkOperator;
  public readonly state?: DurableState;
  public readonly clusters: Readonly<Record<string, FlinkClusterOutputs>>;
  public readonly applications: Readonly<Record<string, FlinkClusterOutputs>>;
  /** The history server's URLs, when it runs. */
  public readonly historyServer?: FlinkWorkloadsOutputs["historyServer"];
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
      exposedUis(config, config.flink.clusters, config.flink.applications),
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
          clusterNamespaces: flinkClusters(config).map((c) => c.namespace),
          hive: config.hive,
          store: state.store,
          pathPrefix: config.storage.pathPrefix,
          database: this.mysql.connections[HIVE_DATABASE_CONSUMER],
          artifacts: config.platform.artifacts,
        },
        { parent: this, dependsOn: [...namespaces, this.mysql, ...(this.state?.ready ?? [])] },
      );
    }

    const workloads = flinkWorkloads(
      name,
      {
        config,
        state,
        ...(this.hive ? { hive: this.hive.additions } : {}),
        dependsOn: [
          ...namespaces,
          ...(this.operator ? [this.operator.chart] : []),
          ...(this.state?.ready ?? []),
          ...(this.hive?.ready ?? []),
        ],
        guard: (ui, namespace, ingress, upstream) => guarded(ui, namespace, ingress, upstream) !== undefined,
      },
      this,
    );
    this.clusters = workloads.clusters;
    this.applications = workloads.applications;
    this.historyServer = workloads.historyServer;

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
      clusters: this.clusters,
      applications: this.applications,
      historyServer: this.historyServer,
      streampark: this.streampark,
      secretsToProvide: this.secretsToProvide,
    });
  }
}
