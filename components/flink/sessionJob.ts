/** A session job: a `FlinkSessionJob` the operator submits to a session cluster and upgrades as its mode says. */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { platformLabels } from "../kube/labels";
import type { ResolvedSessionCluster } from "./clusterSchema";
import { jobWaitFor, sessionJobSpec } from "./flinkJobs";
import type { ResolvedJob } from "./jobSchema";

export interface FlinkSessionJobArgs {
  /** The session cluster the job runs on (its namespace is the job's). */
  readonly cluster: Pick<ResolvedSessionCluster, "name" | "namespace">;
  /** Name of the job (`flink.clusters.<cluster>.jobs.<name>`). */
  readonly jobName: string;
  /** The job's settings, upgrade mode resolved. */
  readonly job: ResolvedJob;
  /** `platform.allowDataLoss`: deleting a stateful job then takes no savepoint. */
  readonly allowDataLoss: boolean;
}

export class FlinkSessionJob extends pulumi.ComponentResource {
  public readonly resource: k8s.apiextensions.CustomResource;

  constructor(name: string, args: FlinkSessionJobArgs, opts?: pulumi.ComponentResourceOptions) {
    super("flink-platform:flink:FlinkSessionJob", name, {}, opts);
    const { cluster, job } = args;
    this.resource = new k8s.apiextensions.CustomResource(
      name,
      {
        apiVersion: "flink.apache.org/v1beta1",
        kind: "FlinkSessionJob",
        metadata: {
          name: args.jobName,
          namespace: cluster.namespace,
          labels: platformLabels("flink-session-job", args.jobName),
          annotations: { "pulumi.com/waitFor": jobWaitFor(job) },
        },
        spec: sessionJobSpec(cluster, job, args.allowDataLoss),
      },
      // A savepoint upgrade stops the job with a savepoint and starts it again: allow for a large state.
      { parent: this, customTimeouts: { create: "20m", update: "30m", delete: "20m" } },
    );
    this.registerOutputs({});
  }
}
