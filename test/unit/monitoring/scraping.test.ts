import * as assert from "assert";
import { emptyAdditions } from "../../../components/kube/podAdditions";
import { parseConfig } from "../../../components/config/parse";
import { flinkDeploymentSpec, MAIN_CONTAINER } from "../../../components/flink/sessionCluster";
import {
  OPERATOR_METRICS_PORT,
  operatorChartValues,
  operatorFlinkConf,
} from "../../../components/flink/operatorChart";
import { operatorArgs, secretPolicy } from "../../../components/platform";
import { monitoringPlan } from "../../../components/monitoring";
import {
  HISTORY_SERVER_NAME,
  HISTORY_SERVER_POD_LABELS,
  JMX_EXPORTER_PORT,
  sqlGatewayName,
  sqlGatewayPodLabels,
} from "../../../components/flink/jobServices";
import {
  FLINK_CLUSTER_LABEL,
  FLINK_COMPONENT_LABEL,
  flinkClusterPodMonitor,
  flinkNativePodLabels,
  HISTORY_SERVER_COMPONENT,
  historyServerPodMonitor,
  METRICS_PORT_NAME,
  OPERATOR_POD_LABELS,
  operatorPodMonitor,
  SQL_GATEWAY_COMPONENT,
  sqlGatewayPodMonitor,
  targetPodMonitor,
} from "../../../components/monitoring/podMonitors";
import {
  ExporterKind,
  PodTemplateLike,
  podScrapeTarget,
  ScrapeTarget,
} from "../../../components/monitoring/scrapeTargets";
import {
  selects,
  flinkPodLabels,
  SYNTHETIC_PODS,
  syntheticTarget,
  planArgs,
} from "../../support/monitoringFixtures";

describe("monitoring", () => {
  describe("scraping", () => {
    it("selects the JobManager and TaskManager pods of its cluster and no other cluster's", () => {
      const raw = { flink: { clusters: { session: {} } } };
      const monitor = flinkClusterPodMonitor({ name: "session", namespace: "flink" }, "30s");
      const selector = (monitor.spec.selector as { matchLabels: Record<string, string> }).matchLabels;
      assert.ok(selects(selector, flinkPodLabels(raw, "jobmanager")), "JobManager pods");
      assert.ok(selects(selector, flinkPodLabels(raw, "taskmanager")), "TaskManager pods");
      const other = { flink: { clusters: { "session-2": {} } } };
      assert.ok(!selects(selector, flinkPodLabels(other, "jobmanager")), "another cluster's pods");
      assert.deepStrictEqual(monitor.spec.namespaceSelector, { matchNames: ["flink"] });
      assert.strictEqual(monitor.namespace, "flink");
    });

    it("scrapes the port named metrics, which the pods declare on the Prometheus reporter's port", () => {
      const cluster = parseConfig({}).flink.clusters[0];
      const spec = flinkDeploymentSpec(cluster, emptyAdditions());
      const template = spec.podTemplate as PodTemplateLike;
      const main = template.spec.containers.find((c) => c.name === MAIN_CONTAINER);
      const port = main?.ports?.find((p) => p.name === METRICS_PORT_NAME);
      const conf = spec.flinkConfiguration as Record<string, string>;
      assert.strictEqual(String(port?.containerPort), conf["metrics.reporter.prom.port"]);
      assert.strictEqual(
        conf["metrics.reporter.prom.factory.class"],
        "org.apache.flink.metrics.prometheus.PrometheusReporterFactory",
      );
      const endpoints = flinkClusterPodMonitor(cluster, "30s").spec.podMetricsEndpoints as Array<{
        port: string;
        path: string;
        interval: string;
      }>;
      assert.deepStrictEqual(
        endpoints.map((e) => [e.port, e.path, e.interval]),
        [[METRICS_PORT_NAME, "/metrics", "30s"]],
      );
    });

    it("labels each series with the cluster and component, copied from the pod labels Flink sets", () => {
      const [endpoint] = flinkClusterPodMonitor({ name: "s", namespace: "n" }, "30s").spec
        .podMetricsEndpoints as Array<{
        relabelings: Array<{ sourceLabels: string[]; targetLabel: string }>;
      }>;
      const flinkLabels = flinkNativePodLabels("s", "jobmanager");
      const copied = Object.fromEntries(
        endpoint.relabelings.map((r) => [
          r.targetLabel,
          r.sourceLabels[0].replace("__meta_kubernetes_pod_label_", ""),
        ]),
      );
      assert.deepStrictEqual(copied, { [FLINK_CLUSTER_LABEL]: "app", [FLINK_COMPONENT_LABEL]: "component" });
      assert.strictEqual(flinkLabels[copied[FLINK_CLUSTER_LABEL]], "s");
      assert.strictEqual(flinkLabels[copied[FLINK_COMPONENT_LABEL]], "jobmanager");
    });

    it("scrapes an application deployment's pods like a session cluster's, under the same name scheme", () => {
      const monitor = flinkClusterPodMonitor(
        { name: "orders", namespace: "etl", kind: "application" },
        "30s",
      );
      assert.deepStrictEqual(monitor, flinkClusterPodMonitor({ name: "orders", namespace: "etl" }, "30s"));
      assert.strictEqual(monitor.name, "flink-cluster-orders");
      const selector = (monitor.spec.selector as { matchLabels: Record<string, string> }).matchLabels;
      // The operator names the application's cluster after its FlinkDeployment, so Flink labels its pods app=orders.
      assert.ok(selects(selector, flinkNativePodLabels("orders", "jobmanager")));
      assert.ok(selects(selector, flinkNativePodLabels("orders", "taskmanager")));
      assert.ok(!selects(selector, flinkNativePodLabels("session", "jobmanager")));
    });

    it("scrapes a SQL Gateway's JMX exporter, labelled with its session cluster and component", () => {
      const monitor = sqlGatewayPodMonitor({ cluster: "session", namespace: "etl" }, "15s");
      assert.deepStrictEqual(monitor, {
        name: "session-sql-gateway",
        namespace: "etl",
        spec: {
          selector: {
            matchLabels: {
              "app.kubernetes.io/component": "flink-sql-gateway",
              "app.kubernetes.io/instance": "session",
            },
          },
          namespaceSelector: { matchNames: ["etl"] },
          podMetricsEndpoints: [
            {
              port: "metrics",
              path: "/metrics",
              interval: "15s",
              relabelings: [
                {
                  sourceLabels: ["__meta_kubernetes_pod_label_app_kubernetes_io_instance"],
                  targetLabel: "flink_cluster",
                },
                {
                  sourceLabels: ["__meta_kubernetes_pod_label_app_kubernetes_io_component"],
                  targetLabel: "flink_component",
                },
              ],
            },
          ],
        },
      });
      // Named and selecting as the gateway's own objects are, and the copied labels give the cluster's name.
      const pods = sqlGatewayPodLabels({ name: "session" });
      assert.strictEqual(monitor.name, sqlGatewayName({ name: "session" }));
      assert.ok(
        selects((monitor.spec.selector as { matchLabels: Record<string, string> }).matchLabels, pods),
      );
      assert.ok(
        !selects(
          (monitor.spec.selector as { matchLabels: Record<string, string> }).matchLabels,
          sqlGatewayPodLabels({ name: "etl" }),
        ),
      );
      assert.strictEqual(pods["app.kubernetes.io/instance"], "session");
      assert.strictEqual(pods["app.kubernetes.io/component"], SQL_GATEWAY_COMPONENT);
      // The Flink cluster's PodMonitor does not select the gateway's pods, nor the other way round.
      const cluster = flinkClusterPodMonitor({ name: "session", namespace: "etl" }, "15s");
      assert.ok(
        !selects((cluster.spec.selector as { matchLabels: Record<string, string> }).matchLabels, pods),
      );
      assert.strictEqual(JMX_EXPORTER_PORT, 9249);
    });

    it("scrapes the history server's JMX exporter, labelled with its component", () => {
      const monitor = historyServerPodMonitor({ namespace: "flink" }, "30s");
      assert.deepStrictEqual(monitor, {
        name: "flink-history-server",
        namespace: "flink",
        spec: {
          selector: {
            matchLabels: {
              "app.kubernetes.io/component": "flink-history-server",
              "app.kubernetes.io/instance": "flink-history-server",
            },
          },
          namespaceSelector: { matchNames: ["flink"] },
          podMetricsEndpoints: [
            {
              port: "metrics",
              path: "/metrics",
              interval: "30s",
              relabelings: [
                {
                  sourceLabels: ["__meta_kubernetes_pod_label_app_kubernetes_io_component"],
                  targetLabel: "flink_component",
                },
              ],
            },
          ],
        },
      });
      assert.strictEqual(monitor.name, HISTORY_SERVER_NAME);
      assert.deepStrictEqual(
        (monitor.spec.selector as { matchLabels: Record<string, string> }).matchLabels,
        HISTORY_SERVER_POD_LABELS,
      );
      assert.strictEqual(HISTORY_SERVER_POD_LABELS["app.kubernetes.io/component"], HISTORY_SERVER_COMPONENT);
    });

    it("scrapes the operator on the port its chart opens for the reporter the platform enables", () => {
      const config = parseConfig({});
      const values = operatorChartValues(operatorArgs(config, secretPolicy(config)));
      // The chart names the container port `metrics` when `metrics.port` is set, and labels the pod with
      // app.kubernetes.io/name = the chart name unless nameOverride is set.
      assert.strictEqual(values.metrics.port, OPERATOR_METRICS_PORT);
      assert.ok(!("nameOverride" in values) && !("fullnameOverride" in values));
      assert.ok(
        operatorFlinkConf().includes(
          `kubernetes.operator.metrics.reporter.prom.port: ${OPERATOR_METRICS_PORT}`,
        ),
      );
      assert.ok(operatorFlinkConf().includes("PrometheusReporterFactory"));
      const monitor = operatorPodMonitor("flink", "30s");
      assert.deepStrictEqual(monitor.spec.selector, { matchLabels: OPERATOR_POD_LABELS });
      assert.deepStrictEqual(OPERATOR_POD_LABELS, { "app.kubernetes.io/name": "flink-kubernetes-operator" });
      assert.deepStrictEqual(
        (monitor.spec.podMetricsEndpoints as Array<{ port: string }>).map((e) => e.port),
        ["metrics"], // the chart's templates/controller/deployment.yaml names the port so
      );
    });

    it("turns a backing service's scrape target into a PodMonitor on its named port and exporter path", () => {
      const expected: Record<ExporterKind, [string, string]> = {
        minio: ["s3", "/minio/v2/metrics/cluster"],
        zookeeper: ["metrics", "/metrics"],
        "mysqld-exporter": ["exporter", "/metrics"],
      };
      for (const exporter of Object.keys(expected) as ExporterKind[]) {
        const target = syntheticTarget(exporter, "state");
        const monitor = targetPodMonitor(target, "15s");
        assert.strictEqual(monitor.namespace, "state");
        assert.deepStrictEqual(monitor.spec.selector, { matchLabels: target.podSelector });
        assert.ok(selects(target.podSelector, SYNTHETIC_PODS[exporter].pod.metadata?.labels ?? {}));
        assert.deepStrictEqual(monitor.spec.podMetricsEndpoints, [
          { port: expected[exporter][0], path: expected[exporter][1], interval: "15s" },
        ]);
      }
    });

    it("refuses a scrape target whose selector or port the pods do not have", () => {
      const { pod } = SYNTHETIC_PODS.zookeeper;
      const target = (overrides: { selectBy?: string[]; port?: string; name?: string }) =>
        podScrapeTarget({
          name: overrides.name ?? "zookeeper",
          namespace: "flink",
          pod,
          selectBy: overrides.selectBy ?? ["app.kubernetes.io/name"],
          port: overrides.port ?? "metrics",
          exporter: "zookeeper",
        });
      assert.throws(
        () => target({ port: "prometheus" }),
        /no container declares a port named 'prometheus' \(declared: client, metrics\)/,
      );
      assert.throws(() => target({ selectBy: ["app"] }), /do not carry the selector label app=undefined/);
      assert.throws(() => target({ selectBy: [] }), /selector is empty/);
      assert.throws(() => target({ name: "ZooKeeper" }), /must be a DNS label/);
      assert.strictEqual(target({}).path, "/metrics");
    });

    it("refuses two PodMonitors with one name", () => {
      const clash: ScrapeTarget = { ...syntheticTarget("minio"), name: "flink-operator" };
      assert.throws(
        () => monitoringPlan(planArgs({ targets: [clash] })),
        /two PodMonitors would be named flink\/flink-operator/,
      );
      const historyClash: ScrapeTarget = { ...syntheticTarget("minio"), name: "flink-history-server" };
      assert.throws(
        () => monitoringPlan(planArgs({ targets: [historyClash], historyServer: { namespace: "flink" } })),
        /two PodMonitors would be named flink\/flink-history-server/,
      );
    });
  });
});
