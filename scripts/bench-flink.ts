/**
 * Benchmark (not a test): how long each real process of the real-Flink suite takes to start, with the configuration
 * the platform renders: the backing services of the staging stack (ZooKeeper, HDFS, MariaDB and the Hive metastore),
 * the managed MinIO of the dev stack on Flink 2.2, and for each a JobManager (until its REST endpoint answers), the
 * TaskManagers (until registered), the SQL Gateway (until /v1/info answers) and the history server (until its REST
 * endpoint answers).
 *
 *   npm run bench:flink        (after npm run build:flink; runs in a network namespace of its own)
 *
 * Every process is stopped by PID before the next stack starts.
 */
import { performance } from "perf_hooks";
import { MetricRecorder } from "../test/flink/support/metrics";
import { waitFor } from "../test/flink/support/flinkRest";
import { PlatformRun } from "../test/flink/support/platformRun";
import { startStackServices } from "../test/flink/support/stackServices";
import { MANAGED_MINIO_ON_FLINK_2 } from "../test/flink/stacks/managedMinio";
import { startCluster, startHistoryServer, startSqlGateway } from "../test/flink/stacks/scenarios";

interface Run {
  readonly title: string;
  readonly stack: string;
  readonly overrides?: Record<string, unknown>;
  readonly namespace: string;
  readonly cluster: string;
}

const RUNS: readonly Run[] = [
  { title: "staging (Flink 1.20)", stack: "staging", namespace: "flink", cluster: "session" },
  {
    title: "dev + managed MinIO (Flink 2.2)",
    stack: "dev",
    overrides: MANAGED_MINIO_ON_FLINK_2,
    namespace: "flink",
    cluster: "session",
  },
];

async function timed<T>(rows: [string, number][], what: string, start: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  const value = await start();
  rows.push([what, performance.now() - t0]);
  return value;
}

async function bench(spec: Run): Promise<[string, number][]> {
  const rows: [string, number][] = [];
  const run = await timed(rows, "render the stack", () => PlatformRun.create(spec.stack, spec.overrides));
  const metrics = new MetricRecorder();
  try {
    const services = await startStackServices(run);
    for (const [service, ms] of Object.entries(services.startMs)) {
      rows.push([service, ms]);
    }
    const session = run.cluster(spec.namespace, spec.cluster, services.local);
    await startCluster(session);
    rows.push([`JobManager (${session.release.patch})`, session.jobManagers[0].startMs]);
    for (const [i, tm] of session.taskManagers.entries()) {
      rows.push([`TaskManager ${i + 1}`, tm.startMs]);
    }
    await timed(rows, "SQL Gateway", () => startSqlGateway(run, metrics, spec.namespace, spec.cluster));
    await timed(rows, "history server", async () => {
      const url = await startHistoryServer(run, metrics, spec.namespace);
      await waitFor("the history server", 180_000, async () => {
        const response = await fetch(`${url}/config`).catch(() => undefined);
        return response?.ok ? { done: true, value: undefined } : { done: false, seen: "no answer" };
      });
    });
  } finally {
    metrics.stop();
    await run.stop();
  }
  return rows;
}

async function main(): Promise<void> {
  for (const spec of RUNS) {
    const rows = await bench(spec);
    console.log(`\n${spec.title}: start times`);
    for (const [what, ms] of rows) {
      console.log(`  ${what.padEnd(28)} ${(ms / 1000).toFixed(1).padStart(6)} s`);
    }
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
