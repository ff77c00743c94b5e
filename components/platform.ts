/**
 * The whole platform: namespaces, the operator, and the session clusters, wired in the order the operator needs
 * (CRDs and operator first; on destroy the FlinkDeployments go first, while the operator can still clear their
 * finalizers).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { PlatformConfig } from "./config";
import { platformLabels } from "./labels";
import { monitoringArgs, monitoringWanted, PlatformMonitoring, ScrapeTarget } from "./monitoring";
import { FlinkOperator, OPERATOR_VERSION, operatorArgs } from "./operator";
import { FlinkSessionCluster } from "./sessionCluster";
import { DurableState } from "./state/durableState";
import { StateInputs } from "./state/flinkState";

export interface FlinkPlatformArgs {
  readonly config: PlatformConfig;
}

/** What the stack exports for one session cluster. */
export interface SessionClusterOutputs {
  readonly namespace: string;
  readonly restUrl: string;
  readonly ingressUrl?: string;
}

export class FlinkPlatform extends pulumi.ComponentResource {
  public readonly namespace: string;
  public readonly operatorVersion = OPERATOR_VERSION;
  public readonly operator?: FlinkOperator;
  public readonly state?: DurableState;
  public readonly clusters: Readonly<Record<string, SessionClusterOutputs>>;

  constructor(name: string, args: FlinkPlatformArgs, opts?: pulumi.ComponentResourceOptions) {
    super("flink-platform:index:FlinkPlatform", name, {}, opts);
    const config = args.config;
    this.namespace = config.platform.namespace;

    const namespaces = config.platform.createNamespaces
      ? config.namespaces.map(
          (ns) =>
            new k8s.core.v1.Namespace(
              `${name}-ns-${ns}`,
              { metadata: { name: ns, labels: platformLabels("namespace") } },
              // Deleting a namespace deletes every PVC in it.
              { parent: this, retainOnDelete: !config.platform.allowDataLoss },
            ),
        )
      : [];

    if (config.operator.install) {
      this.operator = new FlinkOperator(`${name}-operator`, operatorArgs(config, this.namespace), {
        parent: this,
        dependsOn: namespaces,
      });
    }

    // Managed stores exist only when the config asks for them; Kubernetes HA needs nothing but the store.
    const needsState = config.storage.type !== "none" || config.ha.type === "zookeeper";
    this.state = needsState
      ? new DurableState(`${name}-state`, { config }, { parent: this, dependsOn: namespaces })
      : undefined;
    const state: StateInputs = {
      checkpoints: config.flink.checkpoints,
      store: this.state?.store,
      pathPrefix: config.storage.pathPrefix,
      ha: this.state?.ha ?? { type: config.ha.type === "kubernetes" ? "kubernetes" : "off" },
    };

    const clusters: Record<string, SessionClusterOutputs> = {};
    for (const cluster of config.flink.clusters) {
      const session = new FlinkSessionCluster(
        `${name}-${cluster.name}`,
        { cluster, state, artifacts: config.platform.artifacts },
        {
          parent: this,
          dependsOn: [
            ...namespaces,
            ...(this.operator ? [this.operator.chart] : []),
            ...(this.state?.ready ?? []),
          ],
        },
      );
      clusters[cluster.name] = {
        namespace: cluster.namespace,
        restUrl: session.restUrl,
        ...(session.ingressUrl ? { ingressUrl: session.ingressUrl } : {}),
      };
    }
    this.clusters = clusters;

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
    this.registerOutputs({ namespace: this.namespace, operatorVersion: this.operatorVersion, clusters });
  }
}
