import * as assert from "assert";
import { emptyAdditions } from "../../components/podAdditions";
import * as fs from "fs";
import * as path from "path";
import { ConfigError, parseConfig } from "../../components/config";
import { flinkDeploymentSpec, MAIN_CONTAINER } from "../../components/sessionCluster";
import {
  OPERATOR_METRICS_PORT,
  operatorArgs,
  operatorChartValues,
  operatorFlinkConf,
} from "../../components/operator";
import { monitoringArgs, monitoringPlan, PlatformMonitoringArgs } from "../../components/monitoring";
import { alertRuleGroups } from "../../components/monitoring/alerts";
import { FLINK, OPERATOR, SERVICES, ShippedDashboard } from "../../components/monitoring/dashboards";
import { renderedReadme } from "../../components/monitoring/docs";
import {
  buildDashboard,
  dashboardQueries,
  GRID_WIDTH,
  variableQuery,
} from "../../components/monitoring/grafana";
import {
  FLINK_METRICS,
  flinkMetricName,
  knownSeries,
  MetricCatalogue,
  MINIO_METRICS,
  MYSQLD_EXPORTER_METRICS,
  OPERATOR_METRICS,
  PROMETHEUS_METRICS,
  ZOOKEEPER_METRICS,
} from "../../components/monitoring/metrics";
import {
  FLINK_CLUSTER_LABEL,
  FLINK_COMPONENT_LABEL,
  flinkClusterPodMonitor,
  flinkNativePodLabels,
  METRICS_PORT_NAME,
  OPERATOR_POD_LABELS,
  operatorPodMonitor,
  targetPodMonitor,
} from "../../components/monitoring/podMonitors";
import {
  ExporterKind,
  PodTemplateLike,
  podScrapeTarget,
  ScrapeTarget,
} from "../../components/monitoring/scrapeTargets";
import { PROJECT_ROOT } from "../../stacks/stackFiles";
import { leakedSecrets, ofType, RecordedResource, renderRaw } from "../support/mocks";
import { parseLabelValuesQuery, parsePromQL } from "../support/promql";

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

/** Does a matchLabels selector select a pod with these labels? */
function selects(selector: Record<string, string>, labels: Record<string, string>): boolean {
  return Object.entries(selector).every(([key, value]) => labels[key] === value);
}

/** Labels of a session cluster's pods: Flink's own, plus the shared pod template's. */
function flinkPodLabels(raw: Record<string, unknown>, component: "jobmanager" | "taskmanager") {
  const cluster = parseConfig(raw).flink.clusters[0];
  const template = flinkDeploymentSpec(cluster, emptyAdditions()).podTemplate as PodTemplateLike;
  return { ...template.metadata?.labels, ...flinkNativePodLabels(cluster.name, component) };
}

/** Synthetic pod templates, shaped like the ones the backing-service components render. */
const SYNTHETIC_PODS: Record<ExporterKind, { pod: PodTemplateLike; port: string }> = {
  minio: {
    pod: {
      metadata: { labels: { "app.kubernetes.io/name": "minio", "app.kubernetes.io/instance": "state" } },
      spec: { containers: [{ name: "minio", ports: [{ name: "s3", containerPort: 9000 }] }] },
    },
    port: "s3",
  },
  zookeeper: {
    pod: {
      metadata: { labels: { "app.kubernetes.io/name": "zookeeper" } },
      spec: {
        containers: [
          {
            name: "zookeeper",
            ports: [
              { name: "client", containerPort: 2181 },
              { name: "metrics", containerPort: 7000 },
            ],
          },
        ],
      },
    },
    port: "metrics",
  },
  "mysqld-exporter": {
    pod: {
      metadata: { labels: { "app.kubernetes.io/name": "mysql" } },
      spec: {
        containers: [
          { name: "mysql", ports: [{ name: "mysql", containerPort: 3306 }] },
          { name: "exporter", ports: [{ name: "exporter", containerPort: 9104 }] },
        ],
      },
    },
    port: "exporter",
  },
};

function syntheticTarget(exporter: ExporterKind, namespace = "flink"): ScrapeTarget {
  const { pod, port } = SYNTHETIC_PODS[exporter];
  return podScrapeTarget({
    name: exporter,
    namespace,
    pod,
    selectBy: ["app.kubernetes.io/name"],
    port,
    exporter,
  });
}

function planArgs(overrides: Partial<PlatformMonitoringArgs> = {}): PlatformMonitoringArgs {
  return { ...monitoringArgs(parseConfig({}), []), ...overrides };
}

/** Check PromQL against the catalogues; returns the problems as "where: problem". */
function promqlProblems(
  queries: ReadonlyArray<{ where: string; expr: string }>,
  catalogues: readonly MetricCatalogue[],
): string[] {
  const known = knownSeries(catalogues);
  return queries.flatMap(({ where, expr }) => {
    const parsed = parsePromQL(expr);
    const unknown = parsed.metrics.filter((name) => !known.has(name));
    return [
      ...parsed.errors,
      ...unknown.map((name) => `unknown metric ${name}`),
      ...(parsed.type === "range" || parsed.type === "string" ? [`evaluates to a ${parsed.type}`] : []),
    ].map((problem) => `${where}: ${problem}`);
  });
}

const ALL_DASHBOARDS: ShippedDashboard[] = [FLINK, OPERATOR, ...Object.values(SERVICES)];

describe("monitoring", () => {
  describe("config", () => {
    it("is on by default, labelled for a kube-prometheus-stack release named prometheus", () => {
      const config = parseConfig({});
      assert.deepStrictEqual(config.monitoring, {
        enabled: true,
        prometheusOperator: true,
        monitorLabels: { release: "prometheus" },
        scrapeInterval: "30s",
        dashboards: {
          label: { key: "grafana_dashboard", value: "1" },
          folderAnnotation: { key: "grafana_folder", value: "Flink" },
        },
      });
    });

    it("reports every bad monitoring key by its path", () => {
      let problems: string[] = [];
      try {
        parseConfig({
          monitoring: {
            monitorLabels: { "bad key!": "x", release: "not a value" },
            scrapeInterval: "2m",
            dashboards: { namespace: "Grafana", label: { key: "", value: "1" }, folder: "x" },
            alerts: true,
          },
        });
      } catch (err) {
        assert.ok(err instanceof ConfigError);
        problems = err.problems.map((p) => `${p.path}: ${p.message}`);
      }
      const expected: Array<[string, RegExp]> = [
        ["monitoring.monitorLabels.bad key!", /invalid name: must be a Kubernetes label key/],
        ["monitoring.monitorLabels.release", /must be a Kubernetes label value/],
        ["monitoring.scrapeInterval", /between 5s and 1m/],
        ["monitoring.dashboards.namespace", /DNS-safe/],
        ["monitoring.dashboards.label.key", /Kubernetes label key/],
        ["monitoring.dashboards.folder", /unknown key/],
        ["monitoring.alerts", /unknown key/],
      ];
      for (const [at, pattern] of expected) {
        assert.ok(
          problems.some((p) => p.startsWith(`${at}: `) && pattern.test(p)),
          `expected ${at} ~ ${pattern} in:\n${problems.join("\n")}`,
        );
      }
    });

    it("accepts an empty label set (a Prometheus that selects every monitor) and reads durations in s or m", () => {
      assert.deepStrictEqual(parseConfig({ monitoring: { monitorLabels: {} } }).monitoring.monitorLabels, {});
      assert.strictEqual(
        parseConfig({ monitoring: { scrapeInterval: "1m" } }).monitoring.scrapeInterval,
        "1m",
      );
      assert.throws(() => parseConfig({ monitoring: { scrapeInterval: "30" } }), /seconds or minutes/);
      assert.throws(() => parseConfig({ monitoring: { scrapeInterval: "1s" } }), /between 5s and 1m/);
    });
  });

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

    it("scrapes the operator on the port its chart opens for the reporter the platform enables", () => {
      const values = operatorChartValues(operatorArgs(parseConfig({}), "flink"));
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
    });
  });

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

    it("filter on the labels the PodMonitors add", () => {
      for (const rule of rules.filter((r) => r.expr.includes("flink_jobmanager"))) {
        assert.ok(rule.expr.includes(FLINK_CLUSTER_LABEL), rule.alert);
      }
    });
  });

  describe("metric names", () => {
    it("follow the Prometheus reporter's naming", () => {
      assert.strictEqual(
        flinkMetricName("taskmanager", "Status.JVM.Memory.Heap.Used"),
        "flink_taskmanager_Status_JVM_Memory_Heap_Used",
      );
      assert.strictEqual(
        flinkMetricName("k8soperator_namespace", "Lifecycle.State.STABLE.Count"),
        "flink_k8soperator_namespace_Lifecycle_State_STABLE_Count",
      );
    });

    it("are listed once per catalogue, each catalogue with its source", () => {
      for (const catalogue of [
        FLINK_METRICS,
        OPERATOR_METRICS,
        PROMETHEUS_METRICS,
        MINIO_METRICS,
        ZOOKEEPER_METRICS,
        MYSQLD_EXPORTER_METRICS,
      ]) {
        const names = catalogue.families.map((f) => f.name);
        assert.strictEqual(new Set(names).size, names.length, catalogue.source);
        assert.ok(catalogue.source.length > 40);
        for (const name of names) {
          assert.match(name, /^[a-zA-Z_:][a-zA-Z0-9_:]*$/);
        }
      }
    });

    it("are checked for real: unknown names, syntax and type errors are reported", () => {
      const check = (expr: string) => promqlProblems([{ where: "q", expr }], [FLINK_METRICS]);
      assert.deepStrictEqual(check("sum(flink_jobmanager_numRunningJobs)"), []);
      assert.deepStrictEqual(check("flink_jobmanager_numRunningJob"), [
        "q: unknown metric flink_jobmanager_numRunningJob",
      ]);
      // Gone in Flink 2.x, so not in the catalogue.
      assert.deepStrictEqual(check("flink_taskmanager_job_task_buffers_inPoolUsage"), [
        "q: unknown metric flink_taskmanager_job_task_buffers_inPoolUsage",
      ]);
      assert.match(check("rate(flink_jobmanager_numRunningJobs)")[0], /argument 1 must be range/);
      assert.match(check("sum(flink_jobmanager_numRunningJobs")[0], /syntax error/);
      assert.match(check("flink_jobmanager_numRunningJobs[5m]")[0], /evaluates to a range/);
      assert.match(check('{__name__="flink_jobmanager_numRunningJobs"}')[0], /__name__/);
      assert.match(check("sum by ($job) (flink_jobmanager_numRunningJobs)")[0], /outside a label matcher/);
      assert.match(check("max(flink_jobmanager_numRunningJobs) / 2 offset 5m")[0], /right after a selector/);
    });
  });

  it("the README shows the current Flink dashboard and alert rules", async () => {
    const file = path.join(PROJECT_ROOT, "README.md");
    const readme = fs.readFileSync(file, "utf8");
    assert.ok(readme.includes("FlinkCheckpointsFailing") && readme.includes("Row **Backpressure**"));
    assert.strictEqual(
      readme,
      await renderedReadme(readme, file),
      "README.md is out of date: run `npx ts-node scripts/monitoring-docs.ts`",
    );
  });
});
