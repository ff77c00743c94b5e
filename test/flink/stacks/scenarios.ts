/**
 * What every stack's real run proves of a cluster, written once: a job completes checkpoints where the rendered
 * configuration says, a JobManager killed with SIGKILL is replaced and the job recovers from its last checkpoint,
 * and a job stopped with a savepoint runs again from it; and the job services the platform runs itself, started.
 */
import * as assert from "assert";
import * as path from "path";
import { HISTORY_SERVER_NAME, sqlGatewayName } from "../../../components/flink/jobServices";
import {
  HISTORY_SERVER_COMPONENT,
  HISTORY_SERVER_POD_MONITOR_NAME,
  SQL_GATEWAY_COMPONENT,
  sqlGatewayPodMonitorName,
} from "../../../components/monitoring/podMonitors";
import type { LocalFlinkCluster } from "../support/flinkCluster";
import { CheckpointStats, waitFor } from "../support/flinkRest";
import { FLINK_BUILD } from "../support/localImages";
import type { MetricRecorder, StackRecording } from "../support/metrics";
import type { PlatformRun } from "../support/platformRun";
import { SqlGateway } from "../support/sqlGateway";

/** The checkpoint directory key of the cluster's Flink release (renamed in 1.20). */
export function checkpointDirKey(cluster: LocalFlinkCluster): string {
  return cluster.release.major === 2 || cluster.release.minor === "1.20"
    ? "execution.checkpointing.dir"
    : "state.checkpoints.dir";
}

export function savepointDirKey(cluster: LocalFlinkCluster): string {
  return cluster.release.major === 2 || cluster.release.minor === "1.20"
    ? "execution.checkpointing.savepoint-dir"
    : "state.savepoints.dir";
}

/** Run the project's own checkpointing job (keyed state, runs until stopped); returns its id. */
export async function runCheckpointingJob(
  cluster: LocalFlinkCluster,
  options: { name?: string; savepointPath?: string; parallelism?: number } = {},
): Promise<string> {
  const jar = path.join(FLINK_BUILD, "job-jars", `checkpointing-job-${cluster.release.patch}.jar`);
  const jarId = await cluster.rest.uploadJar(jar);
  const jobId = await cluster.rest.runJar(jarId, {
    programArgsList: ["--name", options.name ?? `checkpointing-${cluster.name}`],
    parallelism: options.parallelism ?? 2,
    savepointPath: options.savepointPath,
  });
  await cluster.rest.waitForState(jobId, "RUNNING");
  return jobId;
}

/** A completed checkpoint of the job, at `<checkpoint dir>/<job id>/chk-N` as the cluster renders the dir. */
export async function assertCheckpointsOnStore(
  cluster: LocalFlinkCluster,
  jobId: string,
): Promise<CheckpointStats> {
  const stats = await cluster.rest.waitForCheckpoints(jobId);
  const dir = cluster.effective[checkpointDirKey(cluster)];
  assert.ok(dir, `cluster ${cluster.name} renders a checkpoint directory`);
  assert.ok(
    stats.latest.completed?.external_path.startsWith(`${dir}/${jobId}/chk-`),
    `${stats.latest.completed?.external_path} is not below ${dir}`,
  );
  return stats;
}

/** Wait until the job reports a restore; returns its checkpoint statistics then. */
export async function waitForRestore(
  cluster: LocalFlinkCluster,
  jobId: string,
  timeoutMs = 240_000,
): Promise<CheckpointStats> {
  return waitFor(`the restore of job ${jobId}`, timeoutMs, async () => {
    const stats = await cluster.rest.checkpoints(jobId);
    return stats.latest.restored
      ? { done: true, value: stats }
      : { done: false, seen: JSON.stringify(stats.counts) };
  });
}

/**
 * SIGKILL the JobManager (a node failure), start a new one as Kubernetes would, and see the job recover from the
 * last checkpoint completed before the kill (HA keeps the job and its checkpoints), then checkpoint again.
 */
export async function assertRecoversAfterJobManagerKill(
  cluster: LocalFlinkCluster,
  jobId: string,
): Promise<void> {
  const before = await cluster.rest.waitForCheckpoints(jobId);
  const last = before.latest.completed!;
  await cluster.killJobManager();
  await cluster.startJobManager();
  await cluster.rest.waitForState(jobId, "RUNNING", 240_000);
  const after = await waitForRestore(cluster, jobId);
  assert.ok(
    after.latest.restored!.id >= last.id,
    `restored ${after.latest.restored!.id}, last completed ${last.id}`,
  );
  assert.strictEqual(after.latest.restored!.is_savepoint, false);
  await cluster.rest.waitForCheckpoints(jobId, after.counts.completed);
}

/**
 * Stop the job with a savepoint (what the operator does for a savepoint upgrade), start it again from there with
 * `resubmit`, and see it restored from exactly that savepoint. Returns the new job's id.
 */
export async function assertSavepointRestart(
  cluster: LocalFlinkCluster,
  jobId: string,
  resubmit: (savepoint: string) => Promise<string>,
): Promise<{ savepoint: string; jobId: string }> {
  const savepoint = await cluster.rest.stopWithSavepoint(jobId);
  assert.ok(
    savepoint.startsWith(cluster.effective[savepointDirKey(cluster)]),
    `${savepoint} is not in the savepoint dir`,
  );
  const next = await resubmit(savepoint);
  await cluster.rest.waitForState(next, "RUNNING");
  const stats = await waitForRestore(cluster, next, 120_000);
  assert.strictEqual(stats.latest.restored!.is_savepoint, true);
  assert.strictEqual(stats.latest.restored!.external_path, savepoint);
  return { savepoint, jobId: next };
}

/** Start a cluster's JobManager and the TaskManagers its warm pool asks for (at least one). */
export async function startCluster(cluster: LocalFlinkCluster): Promise<void> {
  await cluster.startJobManager();
  const slots = Number(cluster.effective["taskmanager.numberOfTaskSlots"] ?? 1);
  const warm = Number(cluster.effective["slotmanager.number-of-slots.min"] ?? slots);
  await cluster.startTaskManagers(Math.max(1, Math.ceil(warm / slots)));
}

/**
 * Start a session cluster's SQL Gateway from its rendered Deployment and wait until it answers; its JMX exporter is
 * scraped by `metrics` from then on, labelled as its PodMonitor labels it.
 */
export async function startSqlGateway(
  run: PlatformRun,
  metrics: MetricRecorder,
  namespace: string,
  cluster: string,
): Promise<SqlGateway> {
  const name = sqlGatewayName({ name: cluster });
  const process = await run.flinkProcess(namespace, name);
  const gateway = new SqlGateway(`http://127.0.0.1:${process.httpPort}`);
  await waitFor(`the SQL Gateway's /v1/info`, 180_000, async () => ({
    done: true,
    value: await gateway.info(),
  }));
  metrics.watchJobService({
    port: process.metricsPort,
    namespace,
    pod: process.pod.name,
    podMonitor: sqlGatewayPodMonitorName({ cluster }),
    component: SQL_GATEWAY_COMPONENT,
    cluster,
  });
  return gateway;
}

/** Start the history server from its rendered Deployment, its JMX exporter scraped by `metrics`; its REST URL. */
export async function startHistoryServer(
  run: PlatformRun,
  metrics: MetricRecorder,
  namespace: string,
): Promise<string> {
  const process = await run.flinkProcess(namespace, HISTORY_SERVER_NAME);
  metrics.watchJobService({
    port: process.metricsPort,
    namespace,
    pod: process.pod.name,
    podMonitor: HISTORY_SERVER_POD_MONITOR_NAME,
    component: HISTORY_SERVER_COMPONENT,
  });
  return `http://127.0.0.1:${process.httpPort}`;
}

/**
 * The `after` hook of every stack suite: the run's recording is kept for the checks across runs when it got as far as
 * a cluster, and every process it started is stopped by PID in any case.
 */
export async function endStackRun(
  recordings: StackRecording[],
  stack: string,
  run: PlatformRun | undefined,
  cluster: LocalFlinkCluster | undefined,
  metrics: MetricRecorder,
): Promise<void> {
  metrics.stop();
  if (run && cluster) {
    recordings.push({ stack, flinkPatch: cluster.release.patch, recorder: metrics, objects: run.objects });
  }
  await run?.stop();
}

/**
 * The jobs the history server lists: none while it does not answer, or while its overview is being written (it
 * writes the file again after each scan of the archive directory; a read meanwhile gets an empty or cut body).
 */
export async function historyServerJobs(url: string): Promise<{ jid: string; state: string }[]> {
  const response = await fetch(`${url}/jobs/overview`).catch(() => undefined);
  const text = response?.ok ? await response.text() : "";
  try {
    return (JSON.parse(text) as { jobs: { jid: string; state: string }[] }).jobs;
  } catch {
    return [];
  }
}
