/**
 * Checks across every stack's real run, last: the metric names the rendered alert rules and dashboards query are
 * served by the real Flink processes of each release that ran (and by the job services' JMX exporters), and the
 * rendered alert rules, evaluated by promtool over the series the runs recorded, fire no alert (a start, a
 * JobManager killed and replaced, a savepoint upgrade are a healthy platform's life).
 */
import * as assert from "assert";
import { FLINK_METRICS, JMX_EXPORTER_METRICS, knownSeries } from "../../../components/monitoring/metrics";
import {
  outputSummary,
  requirePromtool,
  RuleTestFile,
  runPromtool,
  scratchDir,
} from "../../promtool/promtool";
import type { Exporter, StackRecording } from "../support/metrics";
import { judgedAlerts, promtoolInput, RuleSpec, usedMetricNames } from "../support/recordedRules";

/**
 * Flink metrics a JobManager serves only in native Kubernetes mode, which the suite's standalone JobManagers cannot
 * be (the operator deploys native session clusters): the gauge is registered by flink-dist's ActiveResourceManager
 * alone, not by the StandaloneResourceManager. Named, with the reason, so that the exception cannot grow unseen.
 */
const NATIVE_KUBERNETES_ONLY: ReadonlyMap<string, string> = new Map([
  ["flink_jobmanager_numPendingTaskManagers", "ActiveResourceManager's pending-worker gauge"],
]);

/** How often the alert rules are evaluated over a recording (the recorder scrapes every 10 s). */
const EVALUATION_INTERVAL_S = 10;
/** How often the "no alert fires" assertion is made along a recording. */
const ASSERT_EVERY_S = 60;

/** Times from `fromS` to `toS`, every ASSERT_EVERY_S, on the evaluation grid, `toS` included. */
function evalTimes(fromS: number, toS: number): number[] {
  const grid = (t: number) => Math.ceil(t / EVALUATION_INTERVAL_S) * EVALUATION_INTERVAL_S;
  const times: number[] = [];
  for (let t = grid(fromS); t < toS; t += ASSERT_EVERY_S) {
    times.push(t);
  }
  return [...times, Math.floor(toS / EVALUATION_INTERVAL_S) * EVALUATION_INTERVAL_S];
}

export function recordedMetricsSuite(recordings: StackRecording[]): void {
  describe("the metrics the runs recorded", function () {
    this.timeout(10 * 60_000);
    let scratch: ReturnType<typeof scratchDir>;

    before(function () {
      if (recordings.length === 0) {
        console.log("      skipped: no stack ran");
        this.skip();
      }
      // Every stack but dev renders monitoring: a run of dev alone (REAL_FLINK_STACKS=dev) has nothing to check.
      if (recordings.every((r) => r.objects.all("PrometheusRule").length === 0)) {
        if (!process.env.REAL_FLINK_STACKS) {
          throw new Error("no stack that ran renders alert rules and dashboards");
        }
        console.log(
          `      skipped: none of REAL_FLINK_STACKS=${process.env.REAL_FLINK_STACKS} renders monitoring`,
        );
        this.skip();
      }
      scratch = scratchDir();
    });
    after(() => scratch?.remove());

    /** Names used by some run's rules or dashboards that are in `catalogue`, with where they are used. */
    function usedOf(names: ReadonlySet<string>, runs: readonly StackRecording[]): Map<string, string[]> {
      const used = new Map<string, string[]>();
      for (const run of runs) {
        for (const [name, where] of usedMetricNames(run.objects.objects)) {
          if (names.has(name)) {
            used.set(name, [
              ...new Set([...(used.get(name) ?? []), ...where.map((w) => `${run.stack}: ${w}`)]),
            ]);
          }
        }
      }
      return used;
    }

    function served(runs: readonly StackRecording[], exporter: Exporter): Set<string> {
      return new Set(runs.flatMap((run) => [...run.recorder.names(exporter)]));
    }

    it("serves every Flink metric the alert rules and dashboards query, on each Flink release that ran", () => {
      // The names come from every run that renders monitoring (the dev stack has none); each release must serve them.
      const used = usedOf(knownSeries([FLINK_METRICS]), recordings);
      assert.ok(used.size > 0, "no run's rules and dashboards query a Flink metric");
      const problems: string[] = [];
      for (const release of new Set(recordings.map((r) => r.flinkPatch))) {
        const names = served(
          recordings.filter((r) => r.flinkPatch === release),
          "flink",
        );
        for (const [name, where] of used) {
          if (!names.has(name) && !NATIVE_KUBERNETES_ONLY.has(name)) {
            problems.push(`${release}: ${name} (${where.slice(0, 3).join("; ")})`);
          }
        }
      }
      assert.deepStrictEqual(problems, [], "queried but never served by a real Flink");
      for (const [name, why] of NATIVE_KUBERNETES_ONLY) {
        console.log(`      not checked here: ${name} (native Kubernetes mode only: ${why})`);
      }
    });

    it("serves every JVM metric the job services' dashboards query, from the SQL Gateway's and history server's JMX exporter", function () {
      const runs = recordings.filter((r) => r.recorder.names("jmx-exporter").size > 0);
      if (runs.length === 0) {
        // staging and dev+minio start both: on a full run, an exporter that served nothing is a failure.
        assert.ok(
          process.env.REAL_FLINK_STACKS,
          "no SQL Gateway or history server served JMX exporter metrics",
        );
        console.log("      skipped: no run scraped a SQL Gateway or history server");
        this.skip();
      }
      const used = usedOf(knownSeries([JMX_EXPORTER_METRICS]), recordings);
      assert.ok(used.size > 0, "the dashboards query no JMX exporter metric");
      const names = served(runs, "jmx-exporter");
      const missing = [...used].filter(([name]) => !names.has(name)).map(([n, w]) => `${n} (${w[0]})`);
      assert.deepStrictEqual(missing, [], "queried but never served by the JMX exporter");
    });

    it("fires no alert over any run's recorded series under promtool, which sees the recorded values", function () {
      requirePromtool(this);
      const problems: string[] = [];
      let judgedRules = 0;
      for (const run of recordings) {
        const rendered = run.objects.all("PrometheusRule").map((r) => r.inputs.spec as RuleSpec);
        if (rendered.length === 0) {
          continue;
        }
        const { inputs, slots } = promtoolInput(run.recorder.all(), run.recorder.intervalMs);
        const end = (slots - 1) * (run.recorder.intervalMs / 1000);
        const { specs, judged, notJudged } = judgedAlerts(
          rendered,
          run.recorder.all(),
          run.recorder.intervalMs,
          end,
        );
        console.log(
          `      ${run.stack}: ${judged.length} alert rules judged over ${end} s of ${inputs.length} series;` +
            ` not judged: ${notJudged.length}${notJudged.map((n) => `\n        ${n}`).join("")}`,
        );
        judgedRules += judged.length;
        const ruleFiles = specs.map((spec, i) => scratch.write(`${run.stack}-rules-${i}.yaml`, spec));
        // The values reach promtool as recorded: the highest count of completed checkpoints any JobManager served.
        const completed = run.recorder
          .all()
          .filter((s) => s.name === "flink_jobmanager_job_numberOfCompletedCheckpoints")
          .flatMap((s) => s.samples.map((sample) => sample.value));
        assert.ok(completed.length > 0, `${run.stack}: no checkpoint count recorded`);
        const file: RuleTestFile = {
          rule_files: ruleFiles,
          evaluation_interval: `${EVALUATION_INTERVAL_S}s`,
          tests: [
            {
              name: `${run.stack}: ${inputs.length} series, ${end} s`,
              interval: `${run.recorder.intervalMs / 1000}s`,
              input_series: inputs,
              alert_rule_test: judged.flatMap(({ alertname, fromS, toS }) =>
                evalTimes(fromS, toS).map((t) => ({ eval_time: `${t}s`, alertname, exp_alerts: [] })),
              ),
              promql_expr_test: [
                {
                  expr: `max(max_over_time(flink_jobmanager_job_numberOfCompletedCheckpoints[${end + 60}s]))`,
                  eval_time: `${end}s`,
                  exp_samples: [{ labels: "{}", value: Math.max(...completed) }],
                },
              ],
            },
          ],
        };
        const test = scratch.write(`${run.stack}-test.yaml`, file);
        const result = runPromtool(["test", "rules", test], scratch.dir);
        if (result.status !== 0) {
          problems.push(`${run.stack}:\n${outputSummary(result.output, 40)}`);
        }
      }
      assert.deepStrictEqual(problems, []);
      assert.ok(judgedRules > 0, "no run rendered an alert rule the recordings can judge");
    });
  });
}
