/**
 * The dev stack with the platform's own MinIO, on Flink 2.2 (the 2.x line the platform supports besides 1.20),
 * run for real: the managed MinIO set up by the platform's setup Job (bucket, one user and policy per namespace),
 * two session clusters in two namespaces, Kubernetes HA (a ZooKeeper stands in: localConfig.ts rule 2), the SQL
 * Gateway and the history server.
 */
import * as assert from "assert";
import type { LocalFlinkCluster } from "../support/flinkCluster";
import { waitFor } from "../support/flinkRest";
import { MetricRecorder, StackRecording } from "../support/metrics";
import { PlatformRun } from "../support/platformRun";
import { s3Request } from "../support/services/s3";
import { startStackServices, StackServices } from "../support/stackServices";
import {
  assertCheckpointsOnStore,
  assertRecoversAfterJobManagerKill,
  assertSavepointRestart,
  endStackRun,
  historyServerJobs,
  runCheckpointingJob,
  startCluster,
  startHistoryServer,
  startSqlGateway,
} from "./scenarios";

/** What this run sets over Pulumi.dev.yaml. */
export const MANAGED_MINIO_ON_FLINK_2 = {
  storage: { type: "s3" },
  // StreamPark 2.1.7 runs Flink up to 1.20 only (the platform refuses it with 2.x clusters).
  streampark: { enabled: false },
  ha: { type: "kubernetes" },
  flink: {
    version: "2.2",
    clusters: { session: { sqlGateway: { enabled: true } }, team: { namespace: "flink-team" } },
    historyServer: { enabled: true },
  },
};

export function managedMinioSuite(recordings: StackRecording[]): void {
  describe("the dev stack with the managed MinIO, on Flink 2.2", function () {
    this.timeout(15 * 60_000);
    let run: PlatformRun;
    let services: StackServices;
    let session: LocalFlinkCluster;
    let jobId: string;
    const ended: string[] = [];
    const metrics = new MetricRecorder();

    before(async () => {
      run = await PlatformRun.create("dev", MANAGED_MINIO_ON_FLINK_2);
      services = await startStackServices(run);
      session = run.cluster("flink", "session", services.local);
      await startCluster(session);
      metrics.watch(session);
    });

    after(() => endStackRun(recordings, "dev+minio", run, session, metrics));

    it("gives each namespace an identity that writes its own prefix and is refused another's, asked of MinIO", async () => {
      const minio = services.minio!;
      const bucket = /^s3p:\/\/([^/]+)\//.exec(session.effective["execution.checkpointing.dir"])![1];
      const identity = (namespace: string) => {
        const secret = run.objects.namespaceData(namespace).secrets.get("flink-s3-credentials");
        assert.ok(secret, `the platform renders flink-s3-credentials in ${namespace}`);
        return { accessKey: secret.accessKey, secretKey: secret.secretKey };
      };
      const put = (namespace: string, key: string) =>
        s3Request(minio.endpoint, identity(namespace), { method: "PUT", bucket, key, body: "probe" });
      assert.strictEqual((await put("flink", "flink/flink/probe")).status, 200);
      assert.strictEqual((await put("flink-team", "flink/flink-team/probe")).status, 200);
      const refused = await put("flink", "flink/flink-team/probe");
      assert.strictEqual(refused.status, 403, refused.body);
      assert.strictEqual(refused.code, "AccessDenied");
    });

    it("checkpoints to the managed MinIO with the namespace's identity", async () => {
      jobId = await runCheckpointingJob(session);
      await assertCheckpointsOnStore(session, jobId);
      assert.ok(session.effective["execution.checkpointing.dir"].startsWith("s3p://"));
    });

    it("recovers the job from its last checkpoint when the JobManager is killed", async () => {
      await assertRecoversAfterJobManagerKill(session, jobId);
    });

    it("stops the job with a savepoint and runs it again from there", async () => {
      const before = jobId;
      ({ jobId } = await assertSavepointRestart(session, jobId, (savepoint) =>
        runCheckpointingJob(session, { savepointPath: savepoint }),
      ));
      ended.push(before);
    });

    it("runs an INSERT through the SQL Gateway with the cluster's checkpointing", async () => {
      // The dev session's one TaskManager has the slots of one job: the restarted job gives them up.
      await session.rest.cancel(jobId);
      await session.rest.waitForState(jobId, "CANCELED");
      ended.push(jobId);
      const gateway = await startSqlGateway(run, metrics, "flink", "session");
      assert.strictEqual((await gateway.info()).version, session.release.patch);
      const sql = await gateway.openSession();
      await gateway.execute(
        sql,
        "CREATE TEMPORARY TABLE rows_in (id BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '5')",
      );
      await gateway.execute(
        sql,
        "CREATE TEMPORARY TABLE rows_out (id BIGINT) WITH ('connector' = 'blackhole')",
      );
      const insert = await gateway.execute(sql, "INSERT INTO rows_out SELECT id FROM rows_in");
      const job = insert.jobId!;
      await session.rest.waitForState(job, "RUNNING");
      const config = await session.rest.checkpointConfig(job);
      assert.strictEqual(config.interval, 60_000);
      assert.deepStrictEqual(config.externalization, { enabled: true, delete_on_cancellation: false });
      await assertCheckpointsOnStore(session, job);
      await session.rest.cancel(job);
      ended.push(job);
    });

    it("lists the ended jobs in the history server, read from the archives on MinIO", async () => {
      const url = await startHistoryServer(run, metrics, "flink");
      await waitFor("the ended jobs in the history server", 180_000, async () => {
        const jobs = await historyServerJobs(url);
        const listed = ended.filter((id) => jobs.some((j) => j.jid === id));
        return listed.length === ended.length
          ? { done: true, value: undefined }
          : { done: false, seen: `${listed.length} of ${ended.length}` };
      });
    });
  });
}
