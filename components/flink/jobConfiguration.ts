/**
 * The Flink configuration a cluster's jobs are compiled with, for a process that compiles jobs itself and submits
 * them to the cluster (the SQL Gateway). Such a job takes its checkpointing, state backend, checkpoint storage and
 * restart strategy from the configuration of the process that builds its job graph, not from the cluster's: without
 * these keys a statement sent to the gateway runs with no checkpoints at all. Pure.
 */
import type { ResolvedSessionCluster } from "./clusterSchema";
import { jobStateConfiguration, StateInputs } from "./clusterState";
import { sortedRecord } from "./flinkConfiguration";

/**
 * Families of Flink keys that configure a job rather than a process: default parallelism, restart strategy,
 * checkpointing, the state backend's options, the pipeline, SQL (`table.*`) and the ExecutionOptions of a job
 * (runtime mode, buffer timeout, batch sorting, async state). Everything else (memory, ports, RPC, HA, metrics,
 * `kubernetes.*`, `env.java.*`, `security.*`, the client's own `execution.target` and the like) belongs to the
 * processes that read it.
 */
const JOB_KEYS: readonly RegExp[] = [
  /^parallelism\.default$/,
  /^restart-strategy(\.|$)/,
  /^execution\.checkpointing\./,
  /^execution\.(runtime-mode|batch-shuffle-mode)$/,
  /^execution\.buffer-timeout(\.|$)/,
  /^execution\.(sort-partition|sort-keyed-partition|sorted-inputs|batch-state-backend|async-state)\./,
  /^state\./,
  /^pipeline\./,
  /^table\./,
];

/**
 * Job keys that are not a default for every job: a pipeline's name names one job, and its jars, classpaths and cached
 * files name files of the submitting process.
 */
const ONE_JOB_KEYS = /^pipeline\.(name|jars|classpaths|cached-files)$/;

/** Whether a key of a cluster's `flinkConfiguration` configures its jobs (and so belongs in a job client's too). */
export function isJobKey(key: string): boolean {
  return JOB_KEYS.some((family) => family.test(key)) && !ONE_JOB_KEYS.test(key);
}

/**
 * What a job on the cluster runs with, as a client must carry it: the job part of the cluster's state settings
 * (checkpointing, state backend, checkpoint and savepoint directories, retention on cancel), then the job keys of
 * the cluster's own `flinkConfiguration` (restart strategy and the like), merged last as on the cluster. Values are
 * exactly the cluster's, keys as its version names them.
 */
export function clusterJobConfiguration(
  cluster: Pick<ResolvedSessionCluster, "name" | "namespace" | "version" | "flinkConfiguration">,
  state: StateInputs,
): Record<string, string> {
  const conf = jobStateConfiguration(cluster, state);
  for (const [key, value] of Object.entries(cluster.flinkConfiguration)) {
    if (isJobKey(key)) {
      conf[key] = String(value);
    }
  }
  return sortedRecord(conf);
}
