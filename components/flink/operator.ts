/**
 * The Apache Flink Kubernetes operator, installed from its Helm chart (rendered client-side by `helm.v4.Chart`, so
 * every object is a Pulumi resource with its own diff).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ContainerResources } from "../kube/resources";
import { nonRootPodSecurityContext, restrictedContainerSecurityContext } from "../kube/securityContext";

/** The operator release the platform is built and tested against. */
export const OPERATOR_VERSION = "1.15.0";
export const OPERATOR_CHART = "flink-kubernetes-operator";
/** Port of the operator's Prometheus reporter (container port `metrics`). */
export const OPERATOR_METRICS_PORT = 9999;

export interface FlinkOperatorArgs {
  /** Namespace of the operator (the platform namespace). */
  readonly namespace: pulumi.Input<string>;
  /** Namespaces whose FlinkDeployments the operator reconciles: every namespace the platform uses. */
  readonly watchNamespaces: readonly string[];
  /**
   * Chart source (`operator.chart`): a Helm repository URL (default the Apache archive of 1.15.0), or a local chart
   * path that wins over it (default none).
   */
  readonly chart: { readonly repository: string; readonly path?: string };
  /** Exact operator image (`operator.image`, default apache/flink-kubernetes-operator:1.15.0). */
  readonly image: string;
  /** Install the admission webhook, which needs cert-manager (`operator.webhook`, default false). */
  readonly webhook: boolean;
  /** Requests and limits of the operator and its webhook (default 250m/512Mi requested, 1 CPU/1Gi limit). */
  readonly resources: ContainerResources;
  /**
   * Keep the CRDs (and with them every FlinkDeployment) in the cluster when the chart is removed; true unless
   * `platform.allowDataLoss`.
   */
  readonly retainCrds: boolean;
}

/** Split "repo/name:tag" into the chart's `image.repository` and `image.tag` (or `image.digest`). */
export function splitImage(image: string): { repository: string; tag?: string; digest?: string } {
  const at = image.indexOf("@");
  if (at >= 0) {
    return { repository: image.slice(0, at), digest: image.slice(at + 1) };
  }
  const colon = image.lastIndexOf(":");
  if (colon > image.lastIndexOf("/")) {
    return { repository: image.slice(0, colon), tag: image.slice(colon + 1) };
  }
  return { repository: image };
}

/**
 * Operator-level Flink configuration (the chart's `flink-conf.yaml` key; chart 1.15.0 mounts that file, not
 * `config.yaml`). It also becomes the default of every FlinkDeployment.
 */
export function operatorFlinkConf(): string {
  return [
    "kubernetes.operator.reconcile.interval: 15 s",
    "kubernetes.operator.observer.progress-check.interval: 5 s",
    "kubernetes.operator.metrics.reporter.prom.factory.class: org.apache.flink.metrics.prometheus.PrometheusReporterFactory",
    `kubernetes.operator.metrics.reporter.prom.port: ${OPERATOR_METRICS_PORT}`,
    "",
  ].join("\n");
}

/** Helm values for the operator chart. Pure: everything it needs is in the args, and nothing in it is secret. */
export function operatorChartValues(args: Omit<FlinkOperatorArgs, "namespace" | "chart" | "retainCrds">) {
  return {
    image: { ...splitImage(args.image), pullPolicy: "IfNotPresent" },
    watchNamespaces: [...args.watchNamespaces],
    // Each session cluster brings its own service account and Role (components/flink/sessionCluster.ts), also where the
    // operator is not installed by us, so the chart's per-namespace `flink` account would only be a second copy.
    jobServiceAccount: { create: false },
    rbac: { jobRole: { create: false }, jobRoleBinding: { create: false } },
    webhook: { create: args.webhook },
    operatorPod: {
      resources: args.resources,
      webhook: { resources: args.resources },
    },
    // The operator image runs as uid 9999 (the chart's default pod security context).
    podSecurityContext: nonRootPodSecurityContext(9999),
    operatorSecurityContext: restrictedContainerSecurityContext(),
    webhookSecurityContext: restrictedContainerSecurityContext(),
    metrics: { port: OPERATOR_METRICS_PORT },
    defaultConfiguration: { create: true, append: true, "flink-conf.yaml": operatorFlinkConf() },
  };
}

/**
 * A transform for the chart's children: CustomResourceDefinitions are retained on delete, because deleting a CRD
 * deletes every FlinkDeployment and FlinkSessionJob with it.
 */
export function retainCrdsTransform(
  args: pulumi.ResourceTransformArgs,
): pulumi.ResourceTransformResult | undefined {
  if (args.type !== "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition") {
    return undefined;
  }
  return { props: args.props, opts: pulumi.mergeOptions(args.opts, { retainOnDelete: true }) };
}

/** Chart options for a source: a local path, or the chart name in a repository with the version pinned. */
export function chartSource(chart: FlinkOperatorArgs["chart"]) {
  if (chart.path) {
    return { chart: chart.path };
  }
  return { chart: OPERATOR_CHART, version: OPERATOR_VERSION, repositoryOpts: { repo: chart.repository } };
}

/** The Flink Kubernetes operator chart. */
export class FlinkOperator extends pulumi.ComponentResource {
  /** The chart; depend on it to wait for the CRDs and the operator Deployment. */
  public readonly chart: k8s.helm.v4.Chart;
  public readonly version = OPERATOR_VERSION;

  constructor(name: string, args: FlinkOperatorArgs, opts?: pulumi.ComponentResourceOptions) {
    super("flink-platform:operator:FlinkOperator", name, {}, opts);
    this.chart = new k8s.helm.v4.Chart(
      name,
      {
        ...chartSource(args.chart),
        namespace: args.namespace,
        values: operatorChartValues(args),
      },
      { parent: this, transforms: args.retainCrds ? [retainCrdsTransform] : [] },
    );
    this.registerOutputs({ version: this.version });
  }
}
