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

    const clusters: Record<string, SessionClusterOutputs> = {};
    for (const cluster of config.flink.clusters) {
      const session = new FlinkSessionCluster(
        `${name}-${cluster.name}`,
        { cluster },
        { parent: this, dependsOn: [...namespaces, ...(this.operator ? [this.operator.chart] : [])] },
      );
      clusters[cluster.name] = {
        namespace: cluster.namespace,
        restUrl: session.restUrl,
        ...(session.ingressUrl ? { ingressUrl: session.ingressUrl } : {}),
      };
    }
    this.clusters = clusters;

    // Backing services publish what Prometheus should scrape (`podScrapeTarget`); add theirs to this list.
    const scrapeTargets: ScrapeTarget[] = [];
    if (monitoringWanted(config)) {
      new PlatformMonitoring(`${name}-monitoring`, monitoringArgs(config, scrapeTargets), {
        parent: this,
        dependsOn: namespaces,
      });
    }
    this.registerOutputs({ namespace: this.namespace, operatorVersion: this.operatorVersion, clusters });
  }
}
