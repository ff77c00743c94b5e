import * as assert from "assert";
import { alertRuleGroups, prometheusRuleSpec } from "../../../components/monitoring/alerts";
import { FLINK_METRICS, OPERATOR_METRICS, PROMETHEUS_METRICS } from "../../../components/monitoring/metrics";
import { FLINK_CLUSTER_LABEL } from "../../../components/monitoring/podMonitors";
import { parsePromQL } from "../../support/promql";
import { syntheticTarget, promqlProblems } from "../../support/monitoringFixtures";

describe("monitoring", () => {
  describe("alert rules", () => {
    const groups = alertRuleGroups({
      clusters: [
        { name: "session", namespace: "flink" },
        { name: "etl", namespace: "etl" },
      ],
      operatorNamespace: "flink",
      targets: [syntheticTarget("minio"), syntheticTarget("zookeeper")],
    });
    const rules = groups.flatMap((g) => g.rules);

    it("cover failed checkpoints, restarts, backpressure, TaskManagers, slots, JobManagers, checkpoint time and the operator", () => {
      assert.deepStrictEqual([...new Set(rules.map((r) => r.alert))].sort(), [
        "FlinkCheckpointDurationGrowing",
        "FlinkCheckpointsFailing",
        "FlinkDeploymentJobManagerFailing",
        "FlinkJobManagerDown",
        "FlinkJobRestarting",
        "FlinkNoFreeSlots",
        "FlinkNoTaskManagers",
        "FlinkOperatorDown",
        "FlinkOperatorReconcileErrors",
        "FlinkPlatformServiceDown",
        "FlinkTaskBackPressured",
      ]);
      assert.deepStrictEqual(
        rules.filter((r) => r.alert === "FlinkJobManagerDown").map((r) => r.expr),
        [
          'absent(up{namespace="flink", flink_cluster="session", flink_component="jobmanager"} == 1)',
          'absent(up{namespace="etl", flink_cluster="etl", flink_component="jobmanager"} == 1)',
        ],
      );
    });

    it("each have a severity, a duration, a summary, a description and a runbook line", () => {
      for (const rule of rules) {
        assert.match(rule.for, /^\d+m$/, rule.alert);
        assert.ok(["critical", "warning"].includes(rule.severity), rule.alert);
        for (const text of [rule.summary, rule.description, rule.runbook]) {
          assert.ok(text.length > 20 && !text.includes("\n"), `${rule.alert}: ${text}`);
        }
      }
    });

    it("parse, return instant vectors and use known metric names only", () => {
      const queries = rules.map((r) => ({ where: r.alert, expr: r.expr }));
      assert.deepStrictEqual(
        promqlProblems(queries, [FLINK_METRICS, OPERATOR_METRICS, PROMETHEUS_METRICS]),
        [],
      );
      for (const rule of rules) {
        assert.strictEqual(parsePromQL(rule.expr).type, "instant", rule.alert);
      }
    });

    it("give the rules of one name (made per cluster or per service) distinct labels, so Alertmanager keeps each alert", () => {
      const spec = prometheusRuleSpec(groups).groups.flatMap((g) => g.rules);
      const seen = new Map<string, string>();
      for (const rule of spec) {
        const key = JSON.stringify([rule.alert, Object.entries(rule.labels).sort()]);
        assert.ok(!seen.has(key), `${rule.alert}: same labels as another rule of its name (${key})`);
        seen.set(key, rule.alert);
      }
      assert.deepStrictEqual(
        spec
          .filter((r) => r.alert !== "FlinkOperatorDown" && r.expr.startsWith("absent("))
          .map((r) => r.labels),
        [
          { namespace: "flink", flink_cluster: "session", severity: "critical" },
          { namespace: "etl", flink_cluster: "etl", severity: "critical" },
          { namespace: "flink", job: "flink/minio", severity: "critical" },
          { namespace: "flink", job: "flink/zookeeper", severity: "critical" },
        ],
      );
    });

    it("filter on the labels the PodMonitors add", () => {
      for (const rule of rules.filter((r) => r.expr.includes("flink_jobmanager"))) {
        assert.ok(rule.expr.includes(FLINK_CLUSTER_LABEL), rule.alert);
      }
    });
  });
});
