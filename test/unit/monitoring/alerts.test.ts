import * as assert from "assert";
import { alertRuleGroups, prometheusRuleSpec } from "../../../components/monitoring/alerts";
import {
  FLINK_METRICS,
  JMX_EXPORTER_METRICS,
  OPERATOR_METRICS,
  PROMETHEUS_METRICS,
} from "../../../components/monitoring/metrics";
import { FLINK_CLUSTER_LABEL } from "../../../components/monitoring/podMonitors";
import { parsePromQL } from "../../support/promql";
import { syntheticTarget, promqlProblems } from "../../support/monitoringFixtures";

describe("monitoring", () => {
  describe("alert rules", () => {
    const groups = alertRuleGroups({
      clusters: [
        { name: "session", namespace: "flink" },
        { name: "etl", namespace: "etl", kind: "session" },
        { name: "orders", namespace: "etl", kind: "application" },
        { name: "backfill", namespace: "flink", kind: "application", suspended: true },
      ],
      operatorNamespace: "flink",
      targets: [syntheticTarget("minio"), syntheticTarget("zookeeper")],
      sqlGateways: [
        { cluster: "session", namespace: "flink" },
        { cluster: "etl", namespace: "etl" },
      ],
      historyServer: { namespace: "flink" },
    });
    const rules = groups.flatMap((g) => g.rules);
    const named = (alert: string) => rules.filter((r) => r.alert === alert);

    it("cover failed checkpoints, restarts, jobs not running, backpressure, TaskManagers, slots, JobManagers, applications, SQL Gateways, the history server, checkpoint time and the operator", () => {
      assert.deepStrictEqual([...new Set(rules.map((r) => r.alert))].sort(), [
        "FlinkApplicationJobNotRunning",
        "FlinkCheckpointDurationGrowing",
        "FlinkCheckpointsFailing",
        "FlinkDeploymentJobManagerFailing",
        "FlinkHistoryServerDown",
        "FlinkJobManagerDown",
        "FlinkJobNotRunning",
        "FlinkJobRestarting",
        "FlinkNoFreeSlots",
        "FlinkNoTaskManagers",
        "FlinkOperatorDown",
        "FlinkOperatorReconcileErrors",
        "FlinkPlatformServiceDown",
        "FlinkResourcesFailed",
        "FlinkSqlGatewayDown",
        "FlinkTaskBackPressured",
      ]);
      // Session clusters and running applications alike; the suspended application has no JobManager on purpose.
      assert.deepStrictEqual(
        named("FlinkJobManagerDown").map((r) => r.expr),
        [
          'absent(up{namespace="flink", flink_cluster="session", flink_component="jobmanager"} == 1)',
          'absent(up{namespace="etl", flink_cluster="etl", flink_component="jobmanager"} == 1)',
          'absent(up{namespace="etl", flink_cluster="orders", flink_component="jobmanager"} == 1)',
        ],
      );
    });

    it("watch that an application's job runs: no job that has not ended on its JobManager for 10 minutes", () => {
      const [rule, ...others] = named("FlinkApplicationJobNotRunning");
      assert.deepStrictEqual(others, [], "one rule, for the running application only");
      assert.deepStrictEqual(
        { ...rule, runbook: undefined },
        {
          alert: "FlinkApplicationJobNotRunning",
          expr: 'max by (namespace, flink_cluster) (flink_jobmanager_numRunningJobs{namespace="etl", flink_cluster="orders"}) == 0',
          for: "10m",
          severity: "critical",
          labels: { namespace: "etl", flink_cluster: "orders" },
          summary: "The job of Flink application etl/orders is not running",
          description:
            "The application's JobManager has answered for 10 minutes without a job that has not ended: its job finished, failed or was cancelled, and nothing processes its data.",
          runbook: undefined,
        },
      );
      assert.match(
        rule.runbook,
        /^kubectl -n etl get flinkdeployment orders .*kubectl -n etl logs deploy\/orders/,
      );
    });

    it("watch each job by job_name: not running for 10 minutes", () => {
      assert.deepStrictEqual(
        named("FlinkJobNotRunning").map((r) => [r.expr, r.for, r.severity, r.labels, r.summary]),
        [
          [
            "max by (namespace, flink_cluster, job_name) (flink_jobmanager_job_runningTime) == 0",
            "10m",
            "warning",
            undefined,
            "Job {{ $labels.job_name }} on {{ $labels.namespace }}/{{ $labels.flink_cluster }} is not running",
          ],
        ],
      );
      for (const alert of ["FlinkJobRestarting", "FlinkCheckpointsFailing", "FlinkTaskBackPressured"]) {
        assert.match(named(alert)[0].expr, /by \(namespace, flink_cluster, job_name/, alert);
      }
    });

    it("watch checkpoints that fail with none completing for 30 minutes, on jobs at least that old (not at a start or restart)", () => {
      // Why these clauses: components/monitoring/alerts.ts checkpointsFailingExpr; the promtool cases show it.
      assert.deepStrictEqual(
        named("FlinkCheckpointsFailing").map((r) => [r.expr.split("\n"), r.for, r.severity]),
        [
          [
            [
              "sum by (namespace, flink_cluster, job_name) (increase(flink_jobmanager_job_numberOfFailedCheckpoints[30m])) >= 2",
              "unless on (namespace, flink_cluster, job_name) sum by (namespace, flink_cluster, job_name) (increase(flink_jobmanager_job_numberOfCompletedCheckpoints[30m])) > 0",
              "and on (namespace, flink_cluster, job_name) present_over_time(flink_jobmanager_job_numberOfFailedCheckpoints[10m] offset 30m)",
            ],
            "5m",
            "warning",
          ],
        ],
      );
    });

    it("watch the SQL Gateways and the history server by their PodMonitors' job", () => {
      assert.deepStrictEqual(
        [...named("FlinkSqlGatewayDown"), ...named("FlinkHistoryServerDown")].map((r) => ({
          expr: r.expr,
          for: r.for,
          severity: r.severity,
          labels: r.labels,
          summary: r.summary,
          runbook: r.runbook,
        })),
        [
          {
            expr: 'absent(up{job="flink/session-sql-gateway"} == 1)',
            for: "5m",
            severity: "warning",
            labels: { namespace: "flink", flink_cluster: "session" },
            summary: "The SQL Gateway of Flink cluster flink/session is down",
            runbook:
              "kubectl -n flink get pods -l app.kubernetes.io/component=flink-sql-gateway,app.kubernetes.io/instance=session and describe or read the log (kubectl -n flink logs deploy/session-sql-gateway) of the one not Running/Ready.",
          },
          {
            expr: 'absent(up{job="etl/etl-sql-gateway"} == 1)',
            for: "5m",
            severity: "warning",
            labels: { namespace: "etl", flink_cluster: "etl" },
            summary: "The SQL Gateway of Flink cluster etl/etl is down",
            runbook:
              "kubectl -n etl get pods -l app.kubernetes.io/component=flink-sql-gateway,app.kubernetes.io/instance=etl and describe or read the log (kubectl -n etl logs deploy/etl-sql-gateway) of the one not Running/Ready.",
          },
          {
            expr: 'absent(up{job="flink/flink-history-server"} == 1)',
            for: "5m",
            severity: "warning",
            labels: { namespace: "flink" },
            summary: "The Flink history server in flink is down",
            runbook:
              "kubectl -n flink get pods -l app.kubernetes.io/component=flink-history-server,app.kubernetes.io/instance=flink-history-server and the log (kubectl -n flink logs deploy/flink-history-server); an unreadable archive directory on the durable store is the usual cause.",
          },
        ],
      );
    });

    it("watch failed FlinkDeployments and FlinkSessionJobs through the operator, by namespace and kind", () => {
      assert.deepStrictEqual(
        named("FlinkResourcesFailed").map((r) => [r.expr, r.for, r.severity]),
        [
          [
            "sum by (resourcens, resourcetype) (flink_k8soperator_namespace_Lifecycle_State_FAILED_Count) > 0",
            "5m",
            "critical",
          ],
        ],
      );
      assert.ok(
        groups
          .find((g) => g.name === "flink-platform.operator")
          ?.rules.some((r) => r.alert === "FlinkResourcesFailed"),
      );
      const withoutOperator = alertRuleGroups({ clusters: [], targets: [] }).flatMap((g) => g.rules);
      assert.ok(!withoutOperator.some((r) => r.alert === "FlinkResourcesFailed"));
    });

    it("make no application, SQL Gateway or history server rule for a platform without them", () => {
      const plain = alertRuleGroups({ clusters: [{ name: "session", namespace: "flink" }], targets: [] });
      assert.deepStrictEqual(
        plain
          .flatMap((g) => g.rules)
          .filter((r) => r.labels !== undefined)
          .map((r) => r.alert),
        ["FlinkJobManagerDown"],
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
        promqlProblems(queries, [FLINK_METRICS, OPERATOR_METRICS, PROMETHEUS_METRICS, JMX_EXPORTER_METRICS]),
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
          { namespace: "etl", flink_cluster: "orders", severity: "critical" },
          { namespace: "flink", flink_cluster: "session", severity: "warning" },
          { namespace: "etl", flink_cluster: "etl", severity: "warning" },
          { namespace: "flink", severity: "warning" },
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
