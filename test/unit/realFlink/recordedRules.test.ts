/**
 * The pure parts of the real-Flink suite's metric checks (test/flink/support/recordedRules.ts): recorded scrapes as
 * promtool input on the scrape grid, the names rendered rules and dashboards query, and which alert rules a
 * recording can judge over which part of it.
 */
import * as assert from "assert";
import type { RecordedSeries } from "../../flink/support/metrics";
import {
  judgedAlerts,
  promtoolInput,
  RuleSpec,
  usedMetricNames,
  watchedTarget,
} from "../../flink/support/recordedRules";
import type { RenderedObject } from "../../flink/support/renderStack";

const series = (
  name: string,
  labels: Record<string, string>,
  ats: number[],
  values?: number[],
): RecordedSeries => ({
  name,
  exporter: "flink",
  labels,
  samples: ats.map((at, i) => ({ at, value: values?.[i] ?? 1 })),
});

describe("real-Flink metric checks", () => {
  describe("promtoolInput", () => {
    it("puts each scrape in its nearest slot, marks a series gone as stale once, and leaves no sample as _", () => {
      const { inputs, slots } = promtoolInput(
        [
          series("a", { pod: "jm" }, [0, 10_400, 19_700], [1, 2, 2]),
          series("b", { pod: "tm" }, [30_100], [Infinity]),
        ],
        10_000,
      );
      assert.strictEqual(slots, 4);
      assert.deepStrictEqual(inputs, [
        { series: 'a{pod="jm"}', values: "1 2x1 stale" },
        { series: 'b{pod="tm"}', values: "_ _ _ +Inf" },
      ]);
    });

    it("keeps the later of two scrapes that fall in one slot", () => {
      const { inputs } = promtoolInput([series("a", {}, [0, 9_600, 10_300], [1, 5, 7])], 10_000);
      assert.deepStrictEqual(inputs[0].values, "1 7");
    });
  });

  describe("watchedTarget", () => {
    it("reads the labels of an absent()-based down alert, and nothing of any other rule", () => {
      assert.deepStrictEqual(watchedTarget('absent(up{namespace="flink", flink_cluster="session"} == 1)'), {
        namespace: "flink",
        flink_cluster: "session",
      });
      assert.strictEqual(watchedTarget("sum(up) == 0"), undefined);
      assert.strictEqual(
        watchedTarget('absent(flink_jobmanager_numRunningJobs{namespace="flink"})'),
        undefined,
      );
    });
  });

  describe("judgedAlerts", () => {
    const specs: RuleSpec[] = [
      {
        groups: [
          {
            name: "g",
            rules: [
              { alert: "Down", expr: 'absent(up{job="flink/session"} == 1)' },
              { alert: "Down", expr: 'absent(up{job="flink/late"} == 1)' },
              { alert: "OperatorDown", expr: 'absent(up{job="flink/flink-operator"} == 1)' },
              { alert: "Failing", expr: "increase(x[5m]) > 1" },
              { record: "r", expr: "sum(x)" },
            ],
          },
        ],
      },
    ];
    const recorded = [
      series("up", { job: "flink/session" }, [0, 10_000, 600_000]),
      series("up", { job: "flink/late" }, [120_000, 300_000]),
    ];

    it("names each rule alone, judges a down alert while its target ran, and lists a target never run", () => {
      const { specs: renamed, judged, notJudged } = judgedAlerts(specs, recorded, 10_000, 600);
      assert.deepStrictEqual(
        renamed[0].groups[0].rules.map((r) => r.alert ?? r.record),
        ["Down", "Down_2", "OperatorDown", "Failing", "r"],
      );
      assert.deepStrictEqual(judged, [
        { alertname: "Down", fromS: 10, toS: 600 },
        { alertname: "Down_2", fromS: 130, toS: 300 },
        { alertname: "Failing", fromS: 0, toS: 600 },
      ]);
      assert.strictEqual(notJudged.length, 1);
      assert.match(notJudged[0], /^OperatorDown /);
    });
  });

  describe("usedMetricNames", () => {
    it("collects the names of rule expressions and of dashboard panels and variables, with where", () => {
      const objects: RenderedObject[] = [
        {
          type: "kubernetes:monitoring.coreos.com/v1:PrometheusRule",
          kind: "PrometheusRule",
          namespace: "flink",
          name: "rules",
          inputs: {
            spec: { groups: [{ name: "g", rules: [{ alert: "A", expr: "rate(m_total[5m]) > 0" }] }] },
          },
        },
        {
          type: "kubernetes:core/v1:ConfigMap",
          kind: "ConfigMap",
          namespace: "flink",
          name: "dash",
          inputs: {
            metadata: { labels: { "app.kubernetes.io/component": "monitoring" } },
            data: {
              "d.json": JSON.stringify({
                uid: "d",
                panels: [{ title: "p", targets: [{ refId: "A", expr: "sum(gauge_a[$__rate_interval])" }] }],
                templating: {
                  list: [{ type: "query", name: "ns", query: "label_values(gauge_b, namespace)" }],
                },
              }),
            },
          },
        },
        {
          type: "kubernetes:core/v1:ConfigMap",
          kind: "ConfigMap",
          namespace: "flink",
          name: "other",
          inputs: { data: { "x.json": "{}" } },
        },
      ];
      const used = usedMetricNames(objects);
      assert.deepStrictEqual([...used.keys()].sort(), ["gauge_a", "gauge_b", "m_total"]);
      assert.deepStrictEqual(used.get("m_total"), ["PrometheusRule rules / A"]);
      assert.deepStrictEqual(used.get("gauge_b"), ["dashboard d / variable ns"]);
    });
  });
});
