/**
 * The prod stack, run for real: two session clusters in two namespaces with Kubernetes HA and an external S3
 * bucket. Here the bucket is on a MinIO of the suite's own, with the credentials Secret `flink-s3-prod` a user
 * makes beforehand, and a ZooKeeper stands in for Kubernetes HA (localConfig.ts rules 2 and 5); every other key
 * is as the platform renders it.
 */
import * as assert from "assert";
import type { LocalFlinkCluster } from "../support/flinkCluster";
import { MetricRecorder, StackRecording } from "../support/metrics";
import { PlatformRun } from "../support/platformRun";
import { listedKeys, s3Request } from "../support/services/s3";
import { startStackServices, StackServices } from "../support/stackServices";
import {
  assertCheckpointsOnStore,
  assertRecoversAfterJobManagerKill,
  assertSavepointRestart,
  runCheckpointingJob,
  endStackRun,
  startCluster,
} from "./scenarios";

export function prodSuite(recordings: StackRecording[]): void {
  describe("the prod stack", function () {
    this.timeout(15 * 60_000);
    let run: PlatformRun;
    let services: StackServices;
    let analytics: LocalFlinkCluster;
    let etl: LocalFlinkCluster;
    const jobs: Record<string, string> = {};
    const metrics = new MetricRecorder();

    before(async () => {
      run = await PlatformRun.create("prod");
      services = await startStackServices(run);
      analytics = run.cluster("flink", "analytics", services.local);
      etl = run.cluster("flink-etl", "etl", services.local);
      await startCluster(analytics);
      await startCluster(etl);
      metrics.watch(analytics);
      metrics.watch(etl);
    });

    after(() => endStackRun(recordings, "prod", run, analytics, metrics));

    it("checkpoints both clusters' jobs to the bucket, each below its own namespace and cluster", async () => {
      for (const cluster of [analytics, etl]) {
        jobs[cluster.name] = await runCheckpointingJob(cluster);
        const stats = await assertCheckpointsOnStore(cluster, jobs[cluster.name]);
        const key = new URL(stats.latest.completed!.external_path.replace(/^s3p:/, "http:")).pathname.slice(
          1,
        );
        const listed = await s3Request(services.minio!.endpoint, services.minio!.root, {
          method: "GET",
          bucket: services.minio!.bucket,
          query: { "list-type": "2", prefix: `${key}/` },
        });
        assert.ok(
          listedKeys(listed).some((k) => k.endsWith("/_metadata")),
          `${key}: ${listed.body.slice(0, 500)}`,
        );
        assert.ok(key.startsWith(`flink/${cluster.namespace}/${cluster.name}/checkpoints/`), key);
      }
    });

    it("recovers a job from its last checkpoint when its JobManager is killed (HA data on S3)", async () => {
      await assertRecoversAfterJobManagerKill(analytics, jobs.analytics);
    });

    it("stops a job with a savepoint on S3 and runs it again from there", async () => {
      await assertSavepointRestart(etl, jobs.etl, (savepoint) =>
        runCheckpointingJob(etl, { savepointPath: savepoint }),
      );
    });
  });
}
