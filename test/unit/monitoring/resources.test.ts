import * as assert from "assert";
import { monitoringPlan } from "../../../components/monitoring";
import { leakedSecrets, ofType, RecordedResource, renderRaw } from "../../support/mocks";

const POD_MONITOR = "kubernetes:monitoring.coreos.com/v1:PodMonitor";
const PROMETHEUS_RULE = "kubernetes:monitoring.coreos.com/v1:PrometheusRule";
const CONFIG_MAP = "kubernetes:core/v1:ConfigMap";

/** Every resource of the monitoring component (PodMonitors, rules, dashboard ConfigMaps). */
function monitoringResources(resources: readonly RecordedResource[]): RecordedResource[] {
  return resources.filter(
    (r) =>
      r.type.startsWith("kubernetes:monitoring.coreos.com/") ||
      r.type === "flink-platform:monitoring:PlatformMonitoring" ||
      (r.type === CONFIG_MAP && r.inputs.metadata?.labels?.["app.kubernetes.io/component"] === "monitoring"),
  );
}
import { syntheticTarget, planArgs } from "../../support/monitoringFixtures";

describe("monitoring", () => {
  describe("resources", () => {
    it("creates a PodMonitor per cluster and for the operator, the rules and two dashboards, all labelled for Prometheus", async () => {
      const { resources } = await renderRaw({
        flink: { clusters: { analytics: {}, etl: { namespace: "etl" } } },
      });
      const monitors = ofType(resources, POD_MONITOR);
      assert.deepStrictEqual(
        monitors.map((m) => `${m.inputs.metadata.namespace}/${m.inputs.metadata.name}`).sort(),
        ["etl/flink-cluster-etl", "flink/flink-cluster-analytics", "flink/flink-operator"],
      );
      const rules = ofType(resources, PROMETHEUS_RULE);
      assert.deepStrictEqual(
        rules.map((r) => `${r.inputs.metadata.namespace}/${r.inputs.metadata.name}`),
        ["flink/flink-platform"],
      );
      for (const resource of [...monitors, ...rules]) {
        assert.strictEqual(resource.inputs.apiVersion, "monitoring.coreos.com/v1");
        assert.strictEqual(resource.inputs.metadata.labels.release, "prometheus");
        assert.strictEqual(resource.inputs.metadata.labels["app.kubernetes.io/part-of"], "flink-platform");
      }
      const dashboards = ofType(resources, CONFIG_MAP).filter(
        (c) => c.inputs.metadata.labels.grafana_dashboard,
      );
      assert.deepStrictEqual(
        dashboards
          .map((c) => [c.inputs.metadata.namespace, c.inputs.metadata.name, Object.keys(c.inputs.data)])
          .sort(),
        [
          ["flink", "grafana-dashboard-flink-platform-flink", ["flink-platform-flink.json"]],
          ["flink", "grafana-dashboard-flink-platform-operator", ["flink-platform-operator.json"]],
        ],
      );
      for (const configMap of dashboards) {
        assert.strictEqual(configMap.inputs.metadata.labels.grafana_dashboard, "1");
        assert.deepStrictEqual(configMap.inputs.metadata.annotations, { grafana_folder: "Flink" });
      }
      assert.deepStrictEqual(leakedSecrets(resources), []);
    });

    it("uses the configured labels, annotation, namespace and interval", async () => {
      const { resources } = await renderRaw({
        monitoring: {
          monitorLabels: { release: "kps", team: "data" },
          scrapeInterval: "15s",
          dashboards: {
            namespace: "monitoring",
            label: { key: "grafana.example.com/dashboard", value: "yes" },
            folderAnnotation: { key: "k8s-sidecar-target-directory", value: "Flink platform" },
          },
        },
      });
      for (const monitor of ofType(resources, POD_MONITOR)) {
        assert.strictEqual(monitor.inputs.metadata.labels.release, "kps");
        assert.strictEqual(monitor.inputs.metadata.labels.team, "data");
        assert.strictEqual(monitor.inputs.spec.podMetricsEndpoints[0].interval, "15s");
      }
      const dashboards = ofType(resources, CONFIG_MAP).filter(
        (c) => c.inputs.metadata.labels["grafana.example.com/dashboard"] === "yes",
      );
      assert.strictEqual(dashboards.length, 2);
      for (const configMap of dashboards) {
        assert.strictEqual(configMap.inputs.metadata.namespace, "monitoring");
        assert.deepStrictEqual(configMap.inputs.metadata.annotations, {
          "k8s-sidecar-target-directory": "Flink platform",
        });
      }
    });

    for (const [toggle, monitoring] of [
      ["monitoring.enabled: false", { enabled: false }],
      ["monitoring.prometheusOperator: false", { prometheusOperator: false }],
    ] as const) {
      it(`creates no monitoring resource at all with ${toggle}`, async () => {
        const { resources } = await renderRaw({ monitoring, streampark: { enabled: false } });
        assert.deepStrictEqual(monitoringResources(resources), []);
        assert.strictEqual(ofType(resources, CONFIG_MAP).length, 0);
        assert.strictEqual(
          ofType(resources, "kubernetes:flink.apache.org/v1beta1:FlinkDeployment").length,
          1,
        );
      });
    }

    it("leaves the operator out when the platform does not install it", async () => {
      const { resources } = await renderRaw({ operator: { install: false }, streampark: { enabled: false } });
      assert.deepStrictEqual(
        ofType(resources, POD_MONITOR).map((m) => m.inputs.metadata.name),
        ["flink-cluster-session"],
      );
      const [rule] = ofType(resources, PROMETHEUS_RULE);
      assert.deepStrictEqual(
        rule.inputs.spec.groups.map((g: { name: string }) => g.name),
        ["flink-platform.flink"],
      );
      assert.deepStrictEqual(
        ofType(resources, CONFIG_MAP).map((c) => c.inputs.metadata.name),
        ["grafana-dashboard-flink-platform-flink"],
      );
    });

    it("monitors application deployments, SQL Gateways and the history server, with their rules and dashboard", () => {
      const plan = monitoringPlan(
        planArgs({
          clusters: [
            { name: "session", namespace: "flink", kind: "session" },
            { name: "orders", namespace: "etl", kind: "application" },
            { name: "backfill", namespace: "etl", kind: "application", suspended: true },
          ],
          sqlGateways: [{ cluster: "session", namespace: "flink" }],
          historyServer: { namespace: "flink" },
        }),
      );
      assert.deepStrictEqual(
        plan.podMonitors.map((m) => `${m.namespace}/${m.name}`),
        [
          "flink/flink-cluster-session",
          "etl/flink-cluster-orders",
          // Scraped while suspended too: it has no pods then, and its series come back when it resumes.
          "etl/flink-cluster-backfill",
          "flink/session-sql-gateway",
          "flink/flink-history-server",
          "flink/flink-operator",
        ],
      );
      assert.deepStrictEqual(
        plan.dashboards.map((d) => d.uid),
        ["flink-platform-flink", "flink-platform-job-services", "flink-platform-operator"],
      );
      const flink = plan.ruleSpec.groups.find((g) => g.name === "flink-platform.flink");
      assert.deepStrictEqual(
        flink?.rules.filter((r) => Object.keys(r.labels).length > 1).map((r) => [r.alert, r.labels]),
        [
          ["FlinkJobManagerDown", { namespace: "flink", flink_cluster: "session", severity: "critical" }],
          ["FlinkJobManagerDown", { namespace: "etl", flink_cluster: "orders", severity: "critical" }],
          [
            "FlinkApplicationJobNotRunning",
            { namespace: "etl", flink_cluster: "orders", severity: "critical" },
          ],
          ["FlinkSqlGatewayDown", { namespace: "flink", flink_cluster: "session", severity: "warning" }],
          ["FlinkHistoryServerDown", { namespace: "flink", severity: "warning" }],
        ],
      );
      // Without SQL Gateways and history server (the default), no dashboard for them.
      assert.deepStrictEqual(
        monitoringPlan(planArgs({ sqlGateways: [], historyServer: undefined })).dashboards.map((d) => d.uid),
        ["flink-platform-flink", "flink-platform-operator"],
      );
      assert.deepStrictEqual(
        monitoringPlan(planArgs({ sqlGateways: [], historyServer: { namespace: "flink" } })).dashboards.map(
          (d) => d.uid,
        ),
        ["flink-platform-flink", "flink-platform-job-services", "flink-platform-operator"],
      );
    });

    it("monitors published backing services and ships one dashboard per exporter kind", () => {
      const targets = [
        syntheticTarget("minio"),
        syntheticTarget("zookeeper"),
        syntheticTarget("mysqld-exporter"),
      ];
      const plan = monitoringPlan(planArgs({ targets }));
      assert.deepStrictEqual(
        plan.podMonitors.map((m) => m.name),
        ["flink-cluster-session", "flink-operator", "minio", "zookeeper", "mysqld-exporter"],
      );
      assert.deepStrictEqual(
        plan.dashboards.map((d) => d.uid),
        [
          "flink-platform-flink",
          "flink-platform-operator",
          "flink-platform-minio",
          "flink-platform-mysql",
          "flink-platform-zookeeper",
        ],
      );
      const services = plan.ruleSpec.groups.find((g) => g.name === "flink-platform.services");
      assert.deepStrictEqual(
        services?.rules.map((r) => r.expr),
        [
          'absent(up{job="flink/minio"} == 1)',
          'absent(up{job="flink/zookeeper"} == 1)',
          'absent(up{job="flink/mysqld-exporter"} == 1)',
        ],
      );
      const twoMinios = monitoringPlan(
        planArgs({ targets: [syntheticTarget("minio"), syntheticTarget("minio", "other")] }),
      );
      assert.strictEqual(twoMinios.dashboards.filter((d) => d.uid === "flink-platform-minio").length, 1);
    });
  });
});
