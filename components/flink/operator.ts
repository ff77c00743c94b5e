/**
 * The Apache Flink Kubernetes operator, installed from its Helm chart (rendered client-side by `helm.v4.Chart`, so
 * every object is a Pulumi resource with its own diff), and, with the admission webhook, the webhook's certificate
 * and keystore password (operatorWebhook.ts).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { platformLabels } from "../kube/labels";
import { created, SecretPolicy } from "../kube/secrets";
import type { ContainerResources } from "../kube/resources";
import { chartPostRenderer } from "./chartPostRenderer";
import { operatorChartValues } from "./operatorChart";
import {
  CERT_MANAGER_API_VERSION,
  KEYSTORE_PASSWORD_KEY,
  KEYSTORE_SECRET,
  WEBHOOK_CERTIFICATE,
  WEBHOOK_ISSUER,
  webhookCertificateSpec,
  webhookIssuerSpec,
} from "./operatorWebhook";

/** The operator release the platform is built and tested against. */
export const OPERATOR_VERSION = "1.15.0";
export const OPERATOR_CHART = "flink-kubernetes-operator";

export interface FlinkOperatorArgs {
  /** Namespace of the operator (the platform namespace). */
  readonly namespace: string;
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
  /** Whether the webhook's keystore password Secret is created, or left to the user of a rendered stack. */
  readonly secrets: SecretPolicy;
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
  private readonly secretPolicy: SecretPolicy;

  constructor(name: string, args: FlinkOperatorArgs, opts?: pulumi.ComponentResourceOptions) {
    super("flink-platform:operator:FlinkOperator", name, {}, opts);
    this.secretPolicy = args.secrets;
    const webhookObjects = args.webhook ? this.webhookCertificate(name, args.namespace) : [];
    this.chart = new k8s.helm.v4.Chart(
      name,
      {
        ...chartSource(args.chart),
        namespace: args.namespace,
        values: operatorChartValues(args),
        postRenderer: chartPostRenderer({ retainCrds: args.retainCrds, dropCertManager: args.webhook }),
      },
      { parent: this, dependsOn: webhookObjects },
    );
    this.registerOutputs({ version: this.version });
  }

  /** The webhook's keystore password Secret, its self-signed Issuer and serving Certificate. */
  private webhookCertificate(name: string, namespace: string): pulumi.Resource[] {
    const labels = platformLabels("flink-operator-webhook");
    const secrets = this.secretPolicy;
    const keystore = secrets.secret(
      `${name}-webhook-keystore`,
      { name: KEYSTORE_SECRET, namespace, labels },
      {
        [KEYSTORE_PASSWORD_KEY]: secrets.generatedPassword(`${name}-webhook-keystore-password`, 32, {
          parent: this,
        }),
      },
      { parent: this },
    );
    const issuer = new k8s.apiextensions.CustomResource(
      `${name}-webhook-issuer`,
      {
        apiVersion: CERT_MANAGER_API_VERSION,
        kind: "Issuer",
        metadata: { name: WEBHOOK_ISSUER, namespace, labels },
        spec: webhookIssuerSpec(),
      },
      { parent: this },
    );
    const certificate = new k8s.apiextensions.CustomResource(
      `${name}-webhook-certificate`,
      {
        apiVersion: CERT_MANAGER_API_VERSION,
        kind: "Certificate",
        metadata: { name: WEBHOOK_CERTIFICATE, namespace, labels },
        spec: webhookCertificateSpec(namespace),
      },
      { parent: this, dependsOn: [...created(keystore), issuer] },
    );
    return [...created(keystore), issuer, certificate];
  }
}
