/**
 * The config of a Flink job the operator runs: a session job (`flink.clusters.<cluster>.jobs.<name>`, a
 * `FlinkSessionJob`) or the job of an application deployment (`flink.applications.<name>.job`). Both take the same
 * fields as the operator's `spec.job`; the rules that need more than the job's own keys are in jobChecks.ts.
 */
import { z } from "zod";
import { doc, flag, integer, oneLine } from "../config/primitives";

/** How the operator moves a job's state across an upgrade (operator `spec.job.upgradeMode`). */
export const UPGRADE_MODES = ["stateless", "savepoint", "last-state"] as const;
export type UpgradeMode = (typeof UPGRADE_MODES)[number];

/** Whether the job should run (operator `spec.job.state`). */
export const JOB_STATES = ["running", "suspended"] as const;

export const jobSchema = z.strictObject({
  jarURI: doc(
    oneLine,
    "the job's jar: https:// for session jobs (operator 1.15 fetches nothing else by default); local:// (inside " +
      "the image) or https:// for applications",
    [
      "https://repo1.maven.org/maven2/org/apache/flink/flink-examples-streaming/1.20.0/flink-examples-streaming-1.20.0.jar",
    ],
  ),
  entryClass: doc(oneLine, "main class; the jar manifest's Main-Class when unset", [
    "org.apache.flink.streaming.examples.statemachine.StateMachineExample",
  ]).optional(),
  args: doc(z.array(oneLine), "program arguments", [["--input", "kafka"]]).prefault([]),
  parallelism: doc(
    integer(1, 10000),
    "default parallelism of the job; the cluster's default (1) when unset",
    [4],
  ).optional(),
  upgradeMode: doc(
    z.enum(UPGRADE_MODES),
    "how state moves across an upgrade: savepoint (stop with a savepoint, restore from it), last-state (restore " +
      "from the latest checkpoint; needs HA), stateless (start empty). Default savepoint with a durable store, " +
      "stateless without one",
    ["savepoint", "last-state"],
  ).optional(),
  allowNonRestoredState: doc(
    flag,
    "let the job start from a savepoint with state no operator of the new job claims (dropped)",
  ).prefault(false),
  initialSavepointPath: doc(oneLine, "savepoint or retained checkpoint the job's first start restores from", [
    "s3p://flink/platform/flink/session/savepoints/savepoint-1a2b3c-0123456789ab",
  ]).optional(),
  state: doc(z.enum(JOB_STATES), "running, or suspended (stopped as its upgrade mode says)").prefault(
    "running",
  ),
});

/** A job's config as parsed. */
export type JobConfig = z.output<typeof jobSchema>;

/** A job with its upgrade mode resolved. */
export interface ResolvedJob extends Omit<JobConfig, "upgradeMode"> {
  readonly upgradeMode: UpgradeMode;
}

/** The upgrade mode of a job whose config leaves it unset: keep state whenever there is somewhere to keep it. */
export function defaultUpgradeMode(durableStore: boolean): UpgradeMode {
  return durableStore ? "savepoint" : "stateless";
}

/** Resolve a job's upgrade mode. */
export function resolveJob(job: JobConfig, durableStore: boolean): ResolvedJob {
  return { ...job, upgradeMode: job.upgradeMode ?? defaultUpgradeMode(durableStore) };
}

/** The operator's `spec.job` of a job. Pure, so tests can pin it. */
export function jobSpec(job: ResolvedJob): Record<string, unknown> {
  return {
    jarURI: job.jarURI,
    ...(job.entryClass ? { entryClass: job.entryClass } : {}),
    args: [...job.args],
    ...(job.parallelism !== undefined ? { parallelism: job.parallelism } : {}),
    upgradeMode: job.upgradeMode,
    allowNonRestoredState: job.allowNonRestoredState,
    ...(job.initialSavepointPath ? { initialSavepointPath: job.initialSavepointPath } : {}),
    state: job.state,
  };
}
