/** What the monitoring suites share: synthetic scrape targets, label matching, and the PromQL check. */
import { parseConfig } from "../../components/config/parse";
import { flinkDeploymentSpec } from "../../components/flink/sessionCluster";
import { emptyAdditions } from "../../components/kube/podAdditions";
import type { PlatformMonitoringArgs } from "../../components/monitoring";
import { knownSeries, MetricCatalogue } from "../../components/monitoring/metrics";
import { flinkNativePodLabels } from "../../components/monitoring/podMonitors";
import {
  ExporterKind,
  PodTemplateLike,
  podScrapeTarget,
  ScrapeTarget,
} from "../../components/monitoring/scrapeTargets";
import { monitoringArgs } from "../../components/platform";
import { parsePromQL } from "./promql";

/** Does a matchLabels selector select a pod with these labels? */
export function selects(selector: Record<string, string>, labels: Record<string, string>): boolean {
  return Object.entries(selector).every(([key, value]) => labels[key] === value);
}

/** Labels of a session cluster's pods: Flink's own, plus the shared pod template's. */
export function flinkPodLabels(raw: Record<string, unknown>, component: "jobmanager" | "taskmanager") {
  const cluster = parseConfig(raw).flink.clusters[0];
  const template = flinkDeploymentSpec(cluster, emptyAdditions()).podTemplate as PodTemplateLike;
  return { ...template.metadata?.labels, ...flinkNativePodLabels(cluster.name, component) };
}

/** Synthetic pod templates, shaped like the ones the backing-service components render. */
export const SYNTHETIC_PODS: Record<ExporterKind, { pod: PodTemplateLike; port: string }> = {
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

/** A scrape target of a synthetic pod. */
export function syntheticTarget(exporter: ExporterKind, namespace = "flink"): ScrapeTarget {
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

/** Monitoring args of the default config, with overrides. */
export function planArgs(overrides: Partial<PlatformMonitoringArgs> = {}): PlatformMonitoringArgs {
  return { ...monitoringArgs(parseConfig({}), []), ...overrides };
}

/** Check PromQL against the catalogues; returns the problems as "where: problem". */
export function promqlProblems(
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
