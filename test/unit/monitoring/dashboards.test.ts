import * as assert from "assert";
import { monitoringPlan } from "../../../components/monitoring";
import {
  FLINK,
  JOB_SERVICES,
  OPERATOR,
  SERVICES,
  ShippedDashboard,
} from "../../../components/monitoring/dashboards";
import {
  buildDashboard,
  dashboardQueries,
  GRID_WIDTH,
  variableQuery,
} from "../../../components/monitoring/grafana";
import { knownSeries } from "../../../components/monitoring/metrics";
import { ExporterKind } from "../../../components/monitoring/scrapeTargets";
import { parseLabelValuesQuery } from "../../support/promql";

const ALL_DASHBOARDS: ShippedDashboard[] = [FLINK, JOB_SERVICES, OPERATOR, ...Object.values(SERVICES)];
import { SYNTHETIC_PODS, syntheticTarget, planArgs, promqlProblems } from "../../support/monitoringFixtures";

describe("monitoring", () => {
  describe("dashboards", () => {
    it("are valid JSON with unique uids, one per ConfigMap key", () => {
      const plan = monitoringPlan(
        planArgs({
          targets: (Object.keys(SYNTHETIC_PODS) as ExporterKind[]).map((kind) => syntheticTarget(kind)),
          sqlGateways: [{ cluster: "session", namespace: "flink" }],
          historyServer: { namespace: "flink" },
        }),
      );
      const uids = plan.dashboards.map((d) => {
        const model = JSON.parse(d.json) as { uid: string; title: string };
        assert.strictEqual(model.uid, d.uid);
        assert.strictEqual(d.key, `${d.uid}.json`);
        assert.ok(model.uid.length <= 40, "Grafana uids are at most 40 characters");
        assert.ok(Buffer.byteLength(d.json) < 1024 * 1024, "fits a ConfigMap");
        return model.uid;
      });
      assert.strictEqual(new Set(uids).size, uids.length);
      assert.strictEqual(uids.length, ALL_DASHBOARDS.length);
      assert.strictEqual(new Set(ALL_DASHBOARDS.map((d) => d.spec.title)).size, ALL_DASHBOARDS.length);
    });

    for (const dashboard of ALL_DASHBOARDS) {
      describe(dashboard.spec.uid, () => {
        const model = buildDashboard(dashboard.spec) as any;

        it("takes the datasource from a variable, never from import inputs", () => {
          const json = JSON.stringify(model);
          assert.ok(!json.includes("${DS_") && !json.includes("__inputs"));
          assert.deepStrictEqual(model.templating.list[0].type, "datasource");
          assert.deepStrictEqual(model.templating.list[0].query, "prometheus");
          const refs = [
            ...model.panels.filter((p: any) => p.type !== "row"),
            ...model.panels.flatMap((p: any) => p.targets ?? []),
            ...model.templating.list.slice(1),
          ].map((o: any) => JSON.stringify(o.datasource));
          assert.ok(refs.length > 0);
          assert.deepStrictEqual([...new Set(refs)], ['{"type":"prometheus","uid":"${datasource}"}']);
        });

        it("lays out panels with unique ids, unique query refIds, inside the grid and without overlaps", () => {
          const ids = model.panels.map((p: any) => p.id);
          assert.strictEqual(new Set(ids).size, ids.length);
          const cells = new Set<string>();
          for (const panel of model.panels) {
            const { x, y, w, h } = panel.gridPos;
            assert.ok(x >= 0 && w >= 1 && x + w <= GRID_WIDTH, `${panel.title} fits the width`);
            for (let dx = 0; dx < w; dx++) {
              for (let dy = 0; dy < h; dy++) {
                const cell = `${x + dx},${y + dy}`;
                assert.ok(!cells.has(cell), `${panel.title} overlaps another panel at ${cell}`);
                cells.add(cell);
              }
            }
            const refIds = (panel.targets ?? []).map((t: any) => t.refId);
            assert.strictEqual(new Set(refIds).size, refIds.length);
          }
          assert.ok(
            model.panels.filter((p: any) => p.type !== "row").every((p: any) => p.targets.length > 0),
          );
        });

        it("queries only metric names its exporters emit, in PromQL that parses and type-checks", () => {
          const problems = promqlProblems(dashboardQueries(dashboard.spec), dashboard.metrics);
          assert.deepStrictEqual(problems, []);
        });

        it("fills its variables from known metrics, each variable used by the panels", () => {
          const known = knownSeries(dashboard.metrics);
          const queries = dashboardQueries(dashboard.spec).map((q) => q.expr);
          for (const variable of dashboard.spec.variables) {
            const parsed = parseLabelValuesQuery(variableQuery(variable));
            assert.deepStrictEqual(parsed.errors, [], variable.name);
            assert.ok(
              parsed.metrics.every((m) => known.has(m)),
              `${variable.name}: ${parsed.metrics.join(", ")}`,
            );
            assert.ok(
              queries.some((q) => q.includes(`$${variable.name}"`)),
              `variable ${variable.name} filters some panel`,
            );
          }
        });
      });
    }

    it("has the rows a Flink operator expects: cluster, jobs, checkpoints, throughput, backpressure, TaskManager JVM", () => {
      assert.deepStrictEqual(
        FLINK.spec.rows.map((r) => r.title),
        ["Cluster", "Jobs", "Checkpoints", "Throughput", "Backpressure", "TaskManager JVM"],
      );
      assert.deepStrictEqual(
        FLINK.spec.variables.map((v) => v.name),
        ["namespace", "cluster", "job"],
      );
    });

    /** The panels of a dashboard by title, with their queries (expr and legend). */
    const panels = (dashboard: ShippedDashboard, row: string) =>
      Object.fromEntries(
        (dashboard.spec.rows.find((r) => r.title === row)?.panels ?? []).map((p) => [
          p.title,
          p.queries.map((q) => (q.legend ? [q.expr, q.legend] : [q.expr])),
        ]),
      );
    const J = 'namespace=~"$namespace", flink_cluster=~"$cluster", job_name=~"$job"';

    it("covers every cluster's jobs: how many, how many not running, restarts, failed checkpoints, states, jobs per cluster", () => {
      assert.strictEqual(FLINK.spec.title, "Flink clusters");
      const jobs = panels(FLINK, "Jobs");
      assert.deepStrictEqual(Object.keys(jobs), [
        "Jobs",
        "Jobs not running",
        "Restarts in the last hour",
        "Failed checkpoints in the last hour",
        "Jobs by state",
        "Jobs per cluster",
        "Running time",
        "Restarts",
        "Time in restarting",
      ]);
      const byJob = "namespace, flink_cluster, job_name";
      assert.deepStrictEqual(jobs["Jobs"], [
        [`count(max by (${byJob}) (flink_jobmanager_job_numRestarts{${J}})) or vector(0)`],
      ]);
      assert.deepStrictEqual(jobs["Jobs not running"], [
        [`count(max by (${byJob}) (flink_jobmanager_job_runningTime{${J}}) == 0) or vector(0)`],
      ]);
      assert.deepStrictEqual(jobs["Restarts in the last hour"], [
        [`sum(increase(flink_jobmanager_job_numRestarts{${J}}[1h])) or vector(0)`],
      ]);
      assert.deepStrictEqual(jobs["Failed checkpoints in the last hour"], [
        [`sum(increase(flink_jobmanager_job_numberOfFailedCheckpoints{${J}}[1h])) or vector(0)`],
      ]);
      assert.deepStrictEqual(
        jobs["Jobs by state"],
        ["initializing", "created", "running", "restarting", "cancelling", "failing"].map((state) => [
          `count(max by (${byJob}) (flink_jobmanager_job_${state}Time{${J}}) > 0) or vector(0)`,
          state,
        ]),
      );
      assert.deepStrictEqual(jobs["Jobs per cluster"], [
        [
          'max by (namespace, flink_cluster) (flink_jobmanager_numRunningJobs{namespace=~"$namespace", flink_cluster=~"$cluster"})',
          "{{namespace}}/{{flink_cluster}}",
        ],
      ]);
    });

    it("shows the SQL Gateways and the history server: up, uptime, heap, GC, CPU and threads", () => {
      const F =
        'namespace=~"$namespace", job=~"$job", flink_component=~"flink-sql-gateway|flink-history-server"';
      assert.deepStrictEqual(
        JOB_SERVICES.spec.variables.map((v) => variableQuery(v)),
        [
          'label_values(up{flink_component=~"flink-sql-gateway|flink-history-server"}, namespace)',
          'label_values(up{namespace=~"$namespace", flink_component=~"flink-sql-gateway|flink-history-server"}, job)',
        ],
      );
      assert.deepStrictEqual(
        JOB_SERVICES.spec.rows.map((r) => r.title),
        ["Availability", "JVM"],
      );
      assert.deepStrictEqual(panels(JOB_SERVICES, "Availability"), {
        "SQL Gateways up": [[`sum(up{${F}, flink_component="flink-sql-gateway"})`]],
        "History server up": [[`sum(up{${F}, flink_component="flink-history-server"})`]],
        "Instances down": [[`count(up{${F}} == 0) or vector(0)`]],
        "Started in the last hour": [
          [`count(time() - process_start_time_seconds{${F}} < 3600) or vector(0)`],
        ],
        Up: [[`up{${F}}`, "{{pod}}"]],
        Uptime: [[`time() - process_start_time_seconds{${F}}`, "{{pod}}"]],
      });
      assert.deepStrictEqual(panels(JOB_SERVICES, "JVM"), {
        Heap: [
          [`jvm_memory_used_bytes{${F}, area="heap"}`, "{{pod}} used"],
          [`jvm_memory_max_bytes{${F}, area="heap"}`, "{{pod}} max"],
        ],
        "Time in garbage collection": [
          [`sum by (pod) (rate(jvm_gc_collection_seconds_sum{${F}}[$__rate_interval]))`, "{{pod}}"],
        ],
        "Collections per second": [
          [
            `sum by (pod, gc) (rate(jvm_gc_collection_seconds_count{${F}}[$__rate_interval]))`,
            "{{pod}} {{gc}}",
          ],
        ],
        "Non-heap used": [[`jvm_memory_used_bytes{${F}, area="nonheap"}`, "{{pod}}"]],
        CPU: [[`rate(process_cpu_seconds_total{${F}}[$__rate_interval])`, "{{pod}}"]],
        Threads: [[`jvm_threads_current{${F}}`, "{{pod}}"]],
      });
    });
  });
});
