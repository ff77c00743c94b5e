/**
 * An application deployment: a `FlinkDeployment` with `spec.job`, a Flink cluster of its own that runs one job,
 * with the platform's storage, HA, Hive and monitoring wired as for session clusters.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ingressUrl } from "../kube/ingress";
import { platformLabels } from "../kube/labels";
import type { PodAdditions } from "../kube/podAdditions";
import type { ResolvedApplication } from "./clusterSchema";
import { FLINK_DEPLOYMENT_DELETION } from "./deletionPolicy";
import { jobFlinkConfiguration, jobWaitFor } from "./flinkJobs";
import { jobSpec } from "./jobSchema";
import {
  clusterPodAdditions,
  flinkDeploymentSpec,
  FlinkPodInputs,
  jobManagerDisruptionBudget,
  jobManagerRbac,
  restUrl,
} from "./sessionCluster";

/** `app.kubernetes.io/component` of an application's objects and pods. */
export const APPLICATION_COMPONENT = "flink-application";

export interface FlinkApplicationArgs extends FlinkPodInputs {
  /** The application's config (`flink.applications.<name>`) with inherited values resolved. */
  readonly application: ResolvedApplication;
  /** `platform.allowDataLoss`: deleting a stateful application then takes no savepoint. */
  readonly allowDataLoss: boolean;
}

/** The FlinkDeployment `spec` of an application. Pure, so tests can pin the exact spec. */
export function applicationSpec(
  application: ResolvedApplication,
  pod: PodAdditions,
  allowDataLoss: boolean,
): Record<string, unknown> {
  const spec = flinkDeploymentSpec(application, pod, APPLICATION_COMPONENT);
  return {
    ...spec,
    flinkConfiguration: {
      ...(spec.flinkConfiguration as Record<string, string>),
      ...jobFlinkConfiguration(application.job, allowDataLoss),
    },
    job: jobSpec(application.job),
  };
}

export class FlinkApplication extends pulumi.ComponentResource {
  public readonly deployment: k8s.apiextensions.CustomResource;
  /** In-cluster URL of its REST API. */
  public readonly restUrl: string;
  /** URL through the ingress, when one is configured. */
  public readonly ingressUrl: string | undefined;

  constructor(name: string, args: FlinkApplicationArgs, opts?: pulumi.ComponentResourceOptions) {
    super("flink-platform:flink:FlinkApplication", name, {}, opts);
    const application = args.application;
    const labels = platformLabels(APPLICATION_COMPONENT, application.name);
    const rbac = jobManagerRbac(name, application, APPLICATION_COMPONENT, this);
    const pod = clusterPodAdditions(application, args);
    this.deployment = new k8s.apiextensions.CustomResource(
      name,
      {
        apiVersion: "flink.apache.org/v1beta1",
        kind: "FlinkDeployment",
        metadata: {
          name: application.name,
          namespace: application.namespace,
          labels,
          annotations: { "pulumi.com/waitFor": jobWaitFor(application.job), ...FLINK_DEPLOYMENT_DELETION },
        },
        spec: applicationSpec(application, pod, args.allowDataLoss),
      },
      {
        parent: this,
        dependsOn: rbac,
        customTimeouts: { create: "20m", update: "30m", delete: "20m" },
      },
    );
    if (application.jobManager.replicas > 1) {
      jobManagerDisruptionBudget(name, application, labels, this);
    }
    this.restUrl = restUrl(application);
    this.ingressUrl = ingressUrl(application.ingress);
    this.registerOutputs({ restUrl: this.restUrl, ingressUrl: this.ingressUrl });
  }
}
