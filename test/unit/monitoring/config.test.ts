import * as assert from "assert";
import { ConfigError } from "../../../components/config/problems";
import { parseConfig } from "../../../components/config/parse";

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
        ["monitoring.dashboards.namespace", /namespace name/],
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
});
