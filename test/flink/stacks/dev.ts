/**
 * The dev stack, run for real: one small session cluster with no durable store, as a developer's kind or
 * minikube cluster gets it. Checkpoints complete in the JobManager's memory (the platform sets no checkpoint
 * storage without a store), with the stack's checkpoint interval and state backend.
 */
import * as assert from "assert";
import type { LocalFlinkCluster } from "../support/flinkCluster";
import { MetricRecorder, StackRecording } from "../support/metrics";
import { PlatformRun } from "../support/platformRun";
import { startStackServices } from "../support/stackServices";
import { endStackRun, runCheckpointingJob, startCluster } from "./scenarios";

export function devSuite(recordings: StackRecording[]): void {
  describe("the dev stack", function () {
    this.timeout(10 * 60_000);
    let run: PlatformRun;
    let session: LocalFlinkCluster;
    const metrics = new MetricRecorder();

    before(async () => {
      run = await PlatformRun.create("dev");
      const services = await startStackServices(run);
      session = run.cluster("flink", "session", services.local);
      await startCluster(session);
      metrics.watch(session);
    });

    after(() => endStackRun(recordings, "dev", run, session, metrics));

    it("renders no durable store, and the cluster starts without one", () => {
      assert.strictEqual(
        run.objects.all("StatefulSet").filter((s) => /minio|hdfs|zookeeper/.test(s.name)).length,
        0,
      );
      assert.strictEqual(session.effective["execution.checkpointing.dir"], undefined);
    });

    it("completes checkpoints of a keyed-state job in the JobManager's memory, at the stack's interval", async () => {
      const jobId = await runCheckpointingJob(session);
      const stats = await session.rest.waitForCheckpoints(jobId);
      assert.ok(stats.counts.completed >= 1);
      const config = await session.rest.checkpointConfig(jobId);
      assert.strictEqual(config.interval, 60_000, "flink.checkpoints.interval's default of 60 s");
      assert.strictEqual(config.state_backend, "HashMapStateBackend");
      assert.strictEqual(config.checkpoint_storage, "JobManagerCheckpointStorage");
      // Nothing outlives the job without a store, so nothing is kept on cancel.
      assert.strictEqual(config.externalization.enabled, false);
      await session.rest.cancel(jobId);
    });
  });
}
