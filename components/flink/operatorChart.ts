/**
 * What the platform makes of the operator's Helm chart: its values and the operator-level Flink configuration (what
 * it changes in the rendered manifests is in chartPostRenderer.ts). Pure functions.
 */
import type { ContainerResources } from "../kube/resources";
import { nonRootPodSecurityContext, restrictedContainerSecurityContext } from "../kube/securityContext";
import { KEYSTORE_PASSWORD_KEY, KEYSTORE_SECRET } from "./operatorWebhook";

/** Port of the operator's Prometheus reporter (container port `metrics`). */
export const OPERATOR_METRICS_PORT = 9999;

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

/** What the chart's values follow from. */
export interface OperatorChartSettings {
  /** Exact operator image. */
  readonly image: string;
  /** Namespaces whose Flink resources the operator reconciles. */
  readonly watchNamespaces: readonly string[];
  /** Install the admission webhook. */
  readonly webhook: boolean;
  /** Requests and limits of the operator and webhook containers. */
  readonly resources: ContainerResources;
}

/**
 * Helm values for the operator chart. Pure: everything it needs is in the settings, and nothing in it is secret (the
 * webhook's keystore password is only referenced, by Secret name and key).
 */
export function operatorChartValues(args: OperatorChartSettings) {
  return {
    image: { ...splitImage(args.image), pullPolicy: "IfNotPresent" },
    watchNamespaces: [...args.watchNamespaces],
    // Each session cluster brings its own service account and Role (components/flink/sessionCluster.ts), also where the
    // operator is not installed by us, so the chart's per-namespace `flink` account would only be a second copy.
    jobServiceAccount: { create: false },
    rbac: { jobRole: { create: false }, jobRoleBinding: { create: false } },
    webhook: args.webhook
      ? {
          create: true,
          // The chart's default keystore password is a fixed string; the platform generates one (operatorWebhook.ts).
          keystore: {
            useDefaultPassword: false,
            passwordSecretRef: { name: KEYSTORE_SECRET, key: KEYSTORE_PASSWORD_KEY },
          },
        }
      : { create: false },
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
