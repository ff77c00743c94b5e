/**
 * How a component asks to be scraped. A backing service (MinIO, ZooKeeper, MySQL with its exporter, ...) builds a
 * `ScrapeTarget` from the pod template it renders and hands it to the platform; the monitoring component turns each
 * target into a PodMonitor and ships the dashboard of its exporter. Building the target from the pod template means a
 * selector that the pods do not carry, or a port name they do not declare, fails at `pulumi preview`, not as a silent
 * empty dashboard.
 */
import { dnsLabel } from "../config/primitives";

/** Which exporter serves an endpoint; it decides the dashboard and the list of metric names to check against. */
export type ExporterKind = "minio" | "zookeeper" | "mysqld-exporter";

/** What the platform knows about each exporter: where it serves metrics, and what to call it. */
export const EXPORTERS: Readonly<Record<ExporterKind, { readonly path: string; readonly title: string }>> = {
  // The S3 port serves cluster-wide metrics here; needs MINIO_PROMETHEUS_AUTH_TYPE=public (no bearer token).
  minio: { path: "/minio/v2/metrics/cluster", title: "MinIO" },
  // metricsProvider.className=...PrometheusMetricsProvider with metricsProvider.httpPort (7000 by convention).
  zookeeper: { path: "/metrics", title: "ZooKeeper" },
  // prom/mysqld-exporter next to the server (port 9104 by convention).
  "mysqld-exporter": { path: "/metrics", title: "MySQL" },
};

export interface ScrapeTarget {
  /** Name of the PodMonitor; unique in its namespace. Prometheus labels the series `job="<namespace>/<name>"`. */
  readonly name: string;
  readonly namespace: string;
  /** Labels that select the pods to scrape (every one of them is on the pods). */
  readonly podSelector: Readonly<Record<string, string>>;
  /** Name of the container port that serves the metrics. */
  readonly port: string;
  /** HTTP path of the metrics endpoint. */
  readonly path: string;
  readonly exporter: ExporterKind;
}

/** The parts of a pod template a scrape target is checked against (plain values, as components render them). */
export interface PodTemplateLike {
  readonly metadata?: { readonly labels?: Readonly<Record<string, string>> };
  readonly spec: {
    readonly containers: ReadonlyArray<{
      readonly name: string;
      readonly ports?: ReadonlyArray<{ readonly name?: string; readonly containerPort: number }>;
    }>;
  };
}

/** Why a target would scrape nothing from pods made from this template; empty when it matches. */
export function scrapeTargetProblems(target: ScrapeTarget, pod: PodTemplateLike): string[] {
  const problems: string[] = [];
  if (!dnsLabel(63).safeParse(target.name).success) {
    problems.push(`name '${target.name}' must be a DNS label`);
  }
  if (Object.keys(target.podSelector).length === 0) {
    problems.push("the pod selector is empty, so it would select every pod in the namespace");
  }
  const labels = pod.metadata?.labels ?? {};
  for (const [key, value] of Object.entries(target.podSelector)) {
    if (typeof value !== "string" || labels[key] !== value) {
      problems.push(`the pods do not carry the selector label ${key}=${String(value)}`);
    }
  }
  const portNames = pod.spec.containers.flatMap((c) => (c.ports ?? []).map((p) => p.name));
  if (!portNames.includes(target.port)) {
    problems.push(
      `no container declares a port named '${target.port}' (declared: ${portNames.filter(Boolean).join(", ") || "none"})`,
    );
  }
  if (!target.path.startsWith("/")) {
    problems.push(`path '${target.path}' must start with '/'`);
  }
  return problems;
}

/**
 * A scrape target for the pods of `pod`, selected by the labels named in `selectBy` (keys of the template's labels),
 * scraped on the named container port at the exporter's path. Throws if the result would not match the pods.
 *
 *     scrapeTargets: [podScrapeTarget({ name: "minio", namespace, pod: template, selectBy: ["app.kubernetes.io/instance"], port: "s3", exporter: "minio" })]
 */
export function podScrapeTarget(args: {
  readonly name: string;
  readonly namespace: string;
  readonly pod: PodTemplateLike;
  readonly selectBy: readonly string[];
  readonly port: string;
  readonly exporter: ExporterKind;
  /** Overrides the exporter's usual path. */
  readonly path?: string;
}): ScrapeTarget {
  const labels = args.pod.metadata?.labels ?? {};
  const target: ScrapeTarget = {
    name: args.name,
    namespace: args.namespace,
    // A key the template lacks maps to undefined here, which the check below reports.
    podSelector: Object.fromEntries(args.selectBy.map((key) => [key, labels[key]])),
    port: args.port,
    path: args.path ?? EXPORTERS[args.exporter].path,
    exporter: args.exporter,
  };
  const problems = scrapeTargetProblems(target, args.pod);
  if (problems.length > 0) {
    throw new Error(`scrape target ${args.namespace}/${args.name}: ${problems.join("; ")}`);
  }
  return target;
}
