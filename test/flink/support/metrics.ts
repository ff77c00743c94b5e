/**
 * Scrapes of the real Flink processes' Prometheus endpoints during a run, labelled as the platform's PodMonitors
 * label them in a cluster (components/monitoring/podMonitors.ts: `namespace`, `pod`, `flink_cluster`,
 * `flink_component`), so the metric names the alerts and dashboards use can be checked against what Flink really
 * serves, and the alert rules evaluated by promtool over the series a real run produced.
 */
import { FLINK_CLUSTER_LABEL, FLINK_COMPONENT_LABEL } from "../../../components/monitoring/podMonitors";
import type { LocalFlinkCluster } from "./flinkCluster";

export interface Sample {
  /** Milliseconds since the recording started. */
  readonly at: number;
  readonly value: number;
}

export interface RecordedSeries {
  readonly name: string;
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
  readonly url: () => string | undefined;
  readonly labels: () => Record<string, string>;
}

export class MetricRecorder {
  private readonly series = new Map<string, RecordedSeries>();
  private readonly targets: Target[] = [];
  private readonly started = Date.now();
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
          }),
        });
      }
    }
    this.start();
  }

  /** Scrape one process's endpoint with fixed labels (the SQL Gateway's or history server's JMX exporter). */
  watchEndpoint(url: string, labels: Record<string, string>): void {
    this.targets.push({ url: () => url, labels: () => labels });
    this.start();
  }

  private start(): void {
    if (!this.timer) {
      this.timer = setInterval(() => void this.scrapeAll(), this.intervalMs);
      this.timer.unref();
      void this.scrapeAll();
    }
  }

  async scrapeAll(): Promise<void> {
    const at = Date.now() - this.started;
    await Promise.all(
      this.targets.map(async (target) => {
        const url = target.url();
        if (!url) {
          return;
        }
        try {
          const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
          const text = await response.text();
          const extra = target.labels();
          for (const line of text.split("\n")) {
            const sample = parseSampleLine(line);
            if (!sample) {
              continue;
            }
            const labels = { ...sample.labels, ...extra };
            const key = `${sample.name}${JSON.stringify(Object.entries(labels).sort())}`;
            let series = this.series.get(key);
            if (!series) {
              series = { name: sample.name, labels, samples: [] };
              this.series.set(key, series);
            }
            series.samples.push({ at, value: sample.value });
          }
        } catch {
          this.failures.set(url, (this.failures.get(url) ?? 0) + 1);
        }
      }),
    );
  }

  stop(): void {
    if (this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  /** Every metric name seen. */
  names(): Set<string> {
    return new Set([...this.series.values()].map((s) => s.name));
  }

  all(): RecordedSeries[] {
    return [...this.series.values()];
  }
}
