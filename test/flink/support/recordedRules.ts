/**
 * From a real run's recording and rendered objects to what promtool reads: the metric names the rendered alert rules
 * and dashboards use, and the recorded scrapes as a rule unit test's input series on the scrape interval's grid.
 * Pure functions; the suite that runs promtool on them is test/flink/stacks/recordedMetrics.ts.
 */
import { dashboardModelQueries } from "../../support/dashboardModel";
import { parsePromQL, substituteGrafanaVariables } from "../../support/promql";
import { InputSeries, Sample, sampleValues, seriesName } from "../../promtool/promtool";
import type { RecordedSeries } from "./metrics";
import type { RenderedObject } from "./renderStack";

/** The label the platform's dashboard ConfigMaps carry (components/monitoring: one dashboard per ConfigMap). */
const DASHBOARD_COMPONENT = "monitoring";

export interface RuleSpec {
  readonly groups: ReadonlyArray<{
    readonly name: string;
    readonly rules: ReadonlyArray<{
      readonly alert?: string;
      readonly record?: string;
      readonly expr: string;
    }>;
  }>;
}

/** Every metric name a rendered PrometheusRule or dashboard ConfigMap queries, with where (for a failure message). */
export function usedMetricNames(objects: readonly RenderedObject[]): Map<string, string[]> {
  const used = new Map<string, string[]>();
  const note = (expr: string, where: string) => {
    for (const name of parsePromQL(substituteGrafanaVariables(expr)).metrics) {
      used.set(name, [...(used.get(name) ?? []), where]);
    }
  };
  for (const rule of objects.filter((o) => o.kind === "PrometheusRule")) {
    for (const group of (rule.inputs.spec as RuleSpec).groups) {
      for (const r of group.rules) {
        note(r.expr, `PrometheusRule ${rule.name} / ${r.alert ?? r.record}`);
      }
    }
  }
  const dashboards = objects.filter(
    (o) =>
      o.kind === "ConfigMap" &&
      o.inputs.metadata?.labels?.["app.kubernetes.io/component"] === DASHBOARD_COMPONENT,
  );
  for (const map of dashboards) {
    for (const json of Object.values<string>(map.inputs.data ?? {})) {
      for (const query of dashboardModelQueries(JSON.parse(json))) {
        note(query.expr, `dashboard ${query.where}`);
      }
    }
  }
  return used;
}

/**
 * The labels an absent()-based "down" alert watches (`absent(up{a="b",...} == 1)`, components/monitoring/alerts.ts);
 * undefined for any other rule.
 */
export function watchedTarget(expr: string): Record<string, string> | undefined {
  const match = /^absent\(up\{([^}]*)\}\s*==\s*1\)$/.exec(expr.trim());
  if (!match) {
    return undefined;
  }
  const labels: Record<string, string> = {};
  for (const pair of match[1].matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
    labels[pair[1]] = pair[2];
  }
  return labels;
}

/** An alert rule renamed so that promtool judges it alone, and the seconds of the recording it is judged over. */
export interface JudgedAlert {
  readonly alertname: string;
  readonly fromS: number;
  readonly toS: number;
}

/**
 * Which alert rules a recording can judge, and over which part of it. Each rule gets an alert name of its own (a
 * rule file has one rule per cluster under the same name). A rule about a whole target's absence is judged while the
 * suite ran that target, from its first scrape to its last (the suite starts a gateway mid-run, stops an
 * application's JobManager with its job); one whose target the suite never ran (the operator, the services'
 * exporters) is not judged here, and listed. Every other rule is judged over the whole recording.
 */
export function judgedAlerts(
  specs: readonly RuleSpec[],
  series: readonly RecordedSeries[],
  intervalMs: number,
  endS: number,
): { specs: RuleSpec[]; judged: JudgedAlert[]; notJudged: string[] } {
  const judged: JudgedAlert[] = [];
  const notJudged: string[] = [];
  const seen = new Map<string, number>();
  const renamed = specs.map((spec) => ({
    groups: spec.groups.map((group) => ({
      ...group,
      rules: group.rules.map((rule) => {
        if (!rule.alert) {
          return rule;
        }
        const n = (seen.get(rule.alert) ?? 0) + 1;
        seen.set(rule.alert, n);
        const alertname = n === 1 ? rule.alert : `${rule.alert}_${n}`;
        const target = watchedTarget(rule.expr);
        if (!target) {
          judged.push({ alertname, fromS: 0, toS: endS });
          return { ...rule, alert: alertname };
        }
        const ats = series
          .filter((s) => s.name === "up" && Object.entries(target).every(([k, v]) => s.labels[k] === v))
          .flatMap((s) => s.samples.map((sample) => sample.at));
        if (ats.length === 0) {
          notJudged.push(`${rule.alert} (${rule.expr}): not run here`);
        } else {
          const slot = (at: number) => Math.round(at / intervalMs) * (intervalMs / 1000);
          judged.push({
            alertname,
            fromS: slot(Math.min(...ats)) + intervalMs / 1000,
            toS: slot(Math.max(...ats)),
          });
        }
        return { ...rule, alert: alertname };
      }),
    })),
  }));
  return { specs: renamed, judged, notJudged };
}

/**
 * Recorded series as promtool input on a grid of `intervalMs`, the first slot at the recording's start: each scrape
 * in the slot nearest its time (the later of two in one slot), `_` where a series has no sample, and a staleness
 * marker in the first slot after a series is gone, as Prometheus writes when a series leaves a scrape or its target
 * fails. Returns the series and the number of slots.
 */
export function promtoolInput(
  series: readonly RecordedSeries[],
  intervalMs: number,
): { inputs: InputSeries[]; slots: number } {
  const slotOf = (at: number) => Math.round(at / intervalMs);
  const slots = Math.max(0, ...series.flatMap((s) => s.samples.map((sample) => slotOf(sample.at)))) + 1;
  const inputs = series.map((s) => {
    const values: Sample[] = Array<Sample>(slots).fill(null);
    for (const sample of s.samples) {
      values[slotOf(sample.at)] = sample.value;
    }
    for (let i = slots - 1; i > 0; i--) {
      if (values[i] === null && values[i - 1] !== null && values[i - 1] !== "stale") {
        values[i] = "stale";
      }
    }
    return { series: seriesName(s.name, s.labels), values: sampleValues(values) };
  });
  return { inputs, slots };
}
