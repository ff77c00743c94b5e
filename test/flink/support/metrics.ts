/**
 * Scrapes of the real Flink processes' Prometheus endpoints during a run, labelled as the platform's PodMonitors
 * label them in a cluster (components/monitoring/podMonitors.ts: `namespace`, `pod`, `flink_cluster`,
 * `flink_component`), so the metric names the alerts and dashboards use can be checked against what Flink really
 * serves, and the alert rules evaluated by promtool over the series a real run produced. Like Prometheus, each
 * scrape also records `up` (1, or 0 when the endpoint did not answer) with the target's labels.
 */
import {
  FLINK_CLUSTER_LABEL,
  FLINK_COMPONENT_LABEL,
  flinkPodMonitorName,
  prometheusJob,
} from "../../../components/monitoring/podMonitors";
import type { LocalFlinkCluster } from "./flinkCluster";

export interface Sample {
  /** Milliseconds since the recording started (the first target watched). */
  readonly at: number;
  readonly value: number;
}

/** What serves a series: a Flink process's Prometheus reporter, or the JMX exporter agent of a job service. */
export type Exporter = "flink" | "jmx-exporter";

export interface RecordedSeries {
  readonly name: string;
  readonly exporter: Exporter;
  readonly labels: Readonly<Record<string, string>>;
  readonly samples: Sample[];
}

/** One line of the Prometheus text format: `name{a="b",...} value [timestamp]`; undefined for comments. */
export function parseSampleLine(
  line: string,
): { name: string; labels: Record<string, string>; value: number } | undefined {
  const text = line.trim();
  if (!text || text.startsWith("#")) {
    return undefined;
  }
  const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)/.exec(text);
  if (!match) {
    throw new Error(`not a Prometheus sample line: ${line}`);
  }
  const labels: Record<string, string> = {};
  const body = match[3] ?? "";
  const labelPattern = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*,?/g;
  for (const label of body.matchAll(labelPattern)) {
    labels[label[1]] = label[2].replace(/\\n/g, "\n").replace(/\\"/g, '"').replace(/\\\\/g, "\\");
  }
  const raw = match[4];
  const value = raw === "NaN" ? NaN : raw === "+Inf" ? Infinity : raw === "-Inf" ? -Infinity : Number(raw);
  return { name: match[1], labels, value };
}

interface Target {
  readonly exporter: Exporter;
  readonly url: () => string | undefined;
  readonly labels: () => Record<string, string>;
}

export class MetricRecorder {
  private readonly series = new Map<string, RecordedSeries>();
  private readonly targets: Target[] = [];
  private started = 0;
  private timer?: NodeJS.Timeout;
  /** Scrapes that failed (a process not up yet, or killed on purpose), by URL. */
  readonly failures = new Map<string, number>();

  constructor(readonly intervalMs = 10_000) {}

  /** Scrape every JobManager and TaskManager the cluster has at each tick, from now on. */
  watch(cluster: LocalFlinkCluster): void {
    for (const role of ["jobmanager", "taskmanager"] as const) {
      const pods = () => (role === "jobmanager" ? cluster.jobManagers : cluster.taskManagers);
      // One target per position: a JobManager started again after a kill is scraped at the same place, as a
      // pod's replacement would be.
      for (let i = 0; i < 4; i++) {
        this.targets.push({
          exporter: "flink",
          url: () => {
            const pod = pods()[i];
            return pod && !pod.pod.main.hasExited()
              ? `http://127.0.0.1:${pod.conf["metrics.reporter.prom.port"]}/metrics`
              : undefined;
          },
          labels: () => ({
            namespace: cluster.namespace,
            pod: pods()[i]?.pod.name ?? "",
            [FLINK_CLUSTER_LABEL]: cluster.name,
            [FLINK_COMPONENT_LABEL]: role,
            job: prometheusJob(cluster.namespace, flinkPodMonitorName(cluster.name)),
            container: "flink-main-container",
            endpoint: "metrics",
            instance: `127.0.0.1:${pods()[i]?.conf["metrics.reporter.prom.port"] ?? ""}`,
          }),
        });
      }
    }
    this.start();
  }

  /**
   * Scrape a SQL Gateway's or the history server's JMX exporter, labelled as its PodMonitor labels it
   * (podMonitors.ts: sqlGatewayPodMonitor, historyServerPodMonitor).
   */
  watchJobService(target: {
    port: number;
    namespace: string;
    pod: string;
    podMonitor: string;
    component: string;
    cluster?: string;
  }): void {
    const labels: Record<string, string> = {
      namespace: target.namespace,
      pod: target.pod,
      [FLINK_COMPONENT_LABEL]: target.component,
      ...(target.cluster ? { [FLINK_CLUSTER_LABEL]: target.cluster } : {}),
      job: prometheusJob(target.namespace, target.podMonitor),
      endpoint: "metrics",
      instance: `127.0.0.1:${target.port}`,
    };
    const added: Target = {
      exporter: "jmx-exporter",
      url: () => `http://127.0.0.1:${target.port}/metrics`,
      labels: () => labels,
    };
    this.targets.push(added);
    this.start();
    // Scraped at once too: a service started last may be stopped before the next tick.
    void this.scrape(added, Date.now() - this.started);
  }

  private start(): void {
    if (!this.timer) {
      // From the first scrape, not from when the suite was defined: mocha defines every stack's suite at load.
      this.started ||= Date.now();
      this.timer = setInterval(() => void this.scrapeAll(), this.intervalMs);
      this.timer.unref();
      void this.scrapeAll();
    }
  }

  async scrapeAll(): Promise<void> {
    const at = Date.now() - this.started;
    await Promise.all(this.targets.map((target) => this.scrape(target, at)));
  }

  private async scrape(target: Target, at: number): Promise<void> {
    const url = target.url();
    if (!url) {
      // No pod at this position (not started yet, or killed): Prometheus has no target, so no `up` either.
      return;
    }
    const extra = target.labels();
    let text: string | undefined;
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
      text = response.ok ? await response.text() : undefined;
    } catch {
      text = undefined;
    }
    this.add(target.exporter, "up", extra, at, text === undefined ? 0 : 1);
    if (text === undefined) {
      this.failures.set(url, (this.failures.get(url) ?? 0) + 1);
      return;
    }
    for (const line of text.split("\n")) {
      const sample = parseSampleLine(line);
      if (sample) {
        this.add(target.exporter, sample.name, { ...sample.labels, ...extra }, at, sample.value);
      }
    }
  }

  private add(
    exporter: Exporter,
    name: string,
    labels: Record<string, string>,
    at: number,
    value: number,
  ): void {
    const key = `${name}${JSON.stringify(Object.entries(labels).sort())}`;
    let series = this.series.get(key);
    if (!series) {
      series = { name, exporter, labels, samples: [] };
      this.series.set(key, series);
    }
    series.samples.push({ at, value });
  }

  stop(): void {
    if (this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  /** Every metric name seen (of one exporter's targets, when given); `up` is the recorder's own. */
  names(exporter?: Exporter): Set<string> {
    return new Set(
      [...this.series.values()]
        .filter((s) => s.name !== "up" && (!exporter || s.exporter === exporter))
        .map((s) => s.name),
    );
  }

  all(): RecordedSeries[] {
    return [...this.series.values()];
  }
}

/** The recording of one stack's run, kept for the checks that look across every run (metric names, promtool). */
export interface StackRecording {
  readonly stack: string;
  /** Flink release of the run's clusters, e.g. "1.20.4". */
  readonly flinkPatch: string;
  readonly recorder: MetricRecorder;
  /** The run's rendered objects (its PrometheusRules and dashboard ConfigMaps). */
  readonly objects: import("./renderStack").StackObjects;
}
