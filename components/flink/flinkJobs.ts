/**
 * The jobs the operator runs from config: session jobs (`FlinkSessionJob`, submitted to a session cluster) and
 * application deployments (a `FlinkDeployment` with `spec.job`, a cluster of its own). Pure specs here; the
 * components are in sessionJob.ts and application.ts.
 */
import type { ResolvedSessionCluster } from "./clusterSchema";
import { jobSpec, ResolvedJob } from "./jobSchema";

/**
 * Flink configuration a job gets from the platform: a job that keeps state takes a savepoint when its resource is
 * deleted (`pulumi destroy`, or the job removed from config), so that its state outlives it unless the stack
 * allows data loss. The operator's default is no savepoint on deletion.
 */
export function jobFlinkConfiguration(job: ResolvedJob, allowDataLoss: boolean): Record<string, string> {
  return job.upgradeMode !== "stateless" && !allowDataLoss
    ? { "kubernetes.operator.job.savepoint-on-deletion": "true" }
    : {};
}

/**
 * What a job's resource is awaited on: the operator's lifecycle state, STABLE once a running job is up and healthy,
 * SUSPENDED once a suspended one is stopped. pulumi-kubernetes also waits for `status.observedGeneration`.
 */
export function jobWaitFor(job: Pick<ResolvedJob, "state">): string {
  return `jsonpath={.status.lifecycleState}=${job.state === "suspended" ? "SUSPENDED" : "STABLE"}`;
}

/** The `spec` of a session job on a cluster. */
export function sessionJobSpec(
  cluster: Pick<ResolvedSessionCluster, "name">,
  job: ResolvedJob,
  allowDataLoss: boolean,
): Record<string, unknown> {
  const conf = jobFlinkConfiguration(job, allowDataLoss);
  return {
    deploymentName: cluster.name,
    ...(Object.keys(conf).length > 0 ? { flinkConfiguration: conf } : {}),
    job: jobSpec(job),
  };
}
