import * as assert from "assert";
import { monitoringPlan } from "../../../components/monitoring";
import { FLINK, OPERATOR, SERVICES, ShippedDashboard } from "../../../components/monitoring/dashboards";
import {
  buildDashboard,
  dashboardQueries,
  GRID_WIDTH,
  variableQuery,
} from "../../../components/monitoring/grafana";
import { knownSeries } from "../../../components/monitoring/metrics";
import { ExporterKind } from "../../../components/monitoring/scrapeTargets";
import { parseLabelValuesQuery } from "../../support/promql";

const ALL_DASHBOARDS: ShippedDashboard[] = [FLINK, OPERATOR, ...Object.values(SERVICES)];
import { SYNTHETIC_PODS, syntheticTarget, planArgs, promqlProblems } from "../../support/monitoringFixtures";

describe("monitoring", () => {
  describe("dashboards", () => {
    it("are valid JSON with unique uids, one per ConfigMap key", () => {
      const plan = monitoringPlan(
        planArgs({
          targets: (Object.keys(SYNTHETIC_PODS) as ExporterKind[]).map((kind) => syntheticTarget(kind)),
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
  });
});
