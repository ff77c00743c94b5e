/**
 * The staging stack, run for real: HDFS (NameNode and two DataNodes), a three-server ZooKeeper ensemble, MariaDB
 * with the Hive 3.1.3 metastore, the session cluster with its session job, the SQL Gateway with the Hive catalog,
 * the application deployment and the history server, every process with the configuration the platform renders
 * (test/flink/support/localConfig.ts says the few things changed, and why).
 */
import * as assert from "assert";
import { LocalFlinkCluster } from "../support/flinkCluster";
import { waitFor } from "../support/flinkRest";
import { PlatformRun } from "../support/platformRun";
import { submitSessionJob } from "../support/sessionJobs";
import {
  assertCheckpointsOnStore,
  assertRecoversAfterJobManagerKill,
  assertSavepointRestart,
  endStackRun,
  historyServerJobs,
  startCluster,
  startHistoryServer,
  startSqlGateway,
} from "./scenarios";
import type { SqlGateway } from "../support/sqlGateway";
import { startStackServices, StackServices } from "../support/stackServices";
import { MetricRecorder, StackRecording } from "../support/metrics";

export function stagingSuite(recordings: StackRecording[]): void {
  describe("the staging stack", function () {
    this.timeout(20 * 60_000);
    let run: PlatformRun;
    let services: StackServices;
    let session: LocalFlinkCluster;
    let jobId: string;
    const metrics = new MetricRecorder();
    /** Jobs this suite ended (stopped with a savepoint, cancelled): the history server must list each. */
    const finished: string[] = [];

    before(async () => {
      run = await PlatformRun.create("staging");
      services = await startStackServices(run);
      session = run.cluster("flink", "session", services.local);
      await startCluster(session);
      metrics.watch(session);
    });

    after(() => endStackRun(recordings, "staging", run, session, metrics));

    it("runs the session job as the operator submits it, checkpointing to HDFS under the cluster's folder", async () => {
      jobId = await submitSessionJob(session, run.objects.get("FlinkSessionJob", "flink", "top-speed"));
      await session.rest.waitForState(jobId, "RUNNING");
      const stats = await assertCheckpointsOnStore(session, jobId);
      const config = await session.rest.checkpointConfig(jobId);
      assert.strictEqual(config.interval, 30_000);
      assert.strictEqual(config.state_backend, "EmbeddedRocksDBStateBackend");
      assert.deepStrictEqual(config.externalization, { enabled: true, delete_on_cancellation: false });
      const listing = await services.hdfs!.dfs("flink", [
        "-ls",
        new URL(stats.latest.completed!.external_path).pathname,
      ]);
      assert.match(listing.output, /_metadata/, "the checkpoint's metadata is on HDFS");
    });

    it("recovers the job from its last checkpoint when the JobManager is killed (ZooKeeper HA)", async () => {
      await assertRecoversAfterJobManagerKill(session, jobId);
    });

    it("upgrades with a savepoint: stop with one, run again from it", async () => {
      const sessionJob = run.objects.get("FlinkSessionJob", "flink", "top-speed");
      const ended = jobId;
      ({ jobId } = await assertSavepointRestart(session, jobId, (savepoint) =>
        submitSessionJob(session, sessionJob, { fromSavepoint: savepoint }),
      ));
      finished.push(ended);
    });

    describe("the SQL Gateway", () => {
      let gateway: SqlGateway;
      let sql: string;
      const table = `events_${Date.now()}`;

      before(async () => {
        gateway = await startSqlGateway(run, metrics, "flink", "session");
        sql = await gateway.openSession();
      });

      it("lists the hive catalog with nothing to add", async () => {
        const result = await gateway.execute(sql, "SHOW CATALOGS");
        assert.ok(
          result.rows.some((r) => r[0] === "hive"),
          JSON.stringify(result.rows),
        );
      });

      it("creates a table in the Hive catalog that the real metastore holds", async () => {
        await gateway.execute(sql, "USE CATALOG hive");
        // A Hive table (the Hive connector's own kind; without it Flink 1.20 takes the table for a managed one).
        await gateway.execute(
          sql,
          `CREATE TABLE ${table} (id BIGINT, name STRING) WITH ('connector' = 'hive')`,
        );
        const tables = await services.metastore!.client.getAllTables("default");
        assert.ok(tables.includes(table), `metastore tables: ${tables.join(", ")}`);
        const info = await services.metastore!.client.getTable("default", table);
        assert.ok(info.location?.endsWith(`/warehouse/${table}`), info.location);
        // A second session sees it through the metastore, not through the first session's memory.
        const other = await gateway.openSession();
        await gateway.execute(other, "USE CATALOG hive");
        const shown = await gateway.execute(other, "SHOW TABLES");
        assert.ok(shown.rows.some((r) => r[0] === table));
      });

      it("runs an INSERT with the cluster's checkpointing, and its checkpoints complete", async () => {
        await gateway.execute(
          sql,
          "CREATE TEMPORARY TABLE source_rows (id BIGINT, name STRING) WITH " +
            "('connector' = 'datagen', 'rows-per-second' = '5', 'number-of-rows' = '100000')",
        );
        const insert = await gateway.execute(sql, `INSERT INTO ${table} SELECT id, name FROM source_rows`);
        assert.ok(insert.jobId, JSON.stringify(insert));
        const job = insert.jobId;
        await session.rest.waitForState(job, "RUNNING");
        const config = await session.rest.checkpointConfig(job);
        assert.strictEqual(config.interval, 30_000, "the cluster's interval, not Flink's default of none");
        assert.strictEqual(config.state_backend, "EmbeddedRocksDBStateBackend");
        assert.deepStrictEqual(config.externalization, { enabled: true, delete_on_cancellation: false });
        const stats = await session.rest.waitForCheckpoints(job);
        assert.ok(
          stats.latest.completed!.external_path.startsWith(session.effective["execution.checkpointing.dir"]),
        );
        await session.rest.cancel(job);
        finished.push(job);
      });
    });

    describe("the application deployment", () => {
      it("runs the application deployment's job in its own JobManager, checkpointing with last-state settings", async () => {
        const app = run.cluster("flink", "state-machine", services.local);
        await app.startJobManager();
        await app.startTaskManagers(1);
        const [job] = await waitFor("the application's job", 120_000, async () => {
          const jobs = await app.rest.jobs();
          return jobs.length > 0 ? { done: true, value: jobs } : { done: false, seen: "no job yet" };
        });
        await app.rest.waitForState(job.jid, "RUNNING");
        const stats = await app.rest.waitForCheckpoints(job.jid);
        assert.ok(
          stats.latest.completed!.external_path.startsWith(app.effective["execution.checkpointing.dir"]),
        );
        metrics.watch(app);
        await app.rest.stopWithSavepoint(job.jid);
        finished.push(job.jid);
      });
    });

    // Last, so that every job the tests before ended is archived by then (mocha runs a suite's tests before its
    // nested suites, in order).
    describe("the history server", () => {
      it("lists the finished jobs in the history server, read from the archives on HDFS", async () => {
        const url = await startHistoryServer(run, metrics, "flink");
        const archived = await waitFor("archived jobs in the history server", 180_000, async () => {
          const jobs = await historyServerJobs(url);
          const listed = finished.filter((id) => jobs.some((j) => j.jid === id));
          return listed.length === finished.length
            ? { done: true, value: jobs }
            : {
                done: false,
                seen: `${listed.length} of ${finished.length} ended jobs: ${JSON.stringify(jobs)}`,
              };
        });
        assert.ok(finished.length >= 2, "the suite ended a session job and an application job before");
        assert.ok(
          archived.every((j) => ["FINISHED", "CANCELED", "FAILED"].includes(j.state)),
          JSON.stringify(archived),
        );
      });
    });
  });
}
