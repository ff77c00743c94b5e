/**
 * What the program renders for each stack (Pulumi.<stack>.yaml, under the unit suites' mocks) under Prometheus' own
 * tools: every PrometheusRule must pass `promtool check rules` with all its lints fatal, name only alerts that
 * alerts.test.ts unit-tests, and every PromQL query of every dashboard ConfigMap (panel targets and the selectors of
 * the label_values variables) must parse with Prometheus' parser (`promtool promql format`, which parses and
 * type-checks the expression without a server); so must those of the dashboards no stack renders. Needs promtool:
 * scripts/build-promtool.sh.
 */
import * as assert from "assert";
import { parseConfig } from "../../components/config/parse";
import { FLINK, JOB_SERVICES, OPERATOR, SERVICES } from "../../components/monitoring/dashboards";
import { buildDashboard } from "../../components/monitoring/grafana";
import { monitoringWanted } from "../../components/platform";
import { readStackConfig, stackNames } from "../../stacks/shared/stackFiles";
import { ofType, RecordedResource, renderRaw } from "../support/mocks";
import { DashboardQuery, dashboardModelQueries } from "../support/dashboardModel";
import { substituteGrafanaVariables } from "../support/promql";
import { ALL_ALERT_CASES } from "./jobAlertCases";
import { outputSummary, requirePromtool, runPromtool, scratchDir } from "./promtool";

const PROMETHEUS_RULE = "kubernetes:monitoring.coreos.com/v1:PrometheusRule";
const CONFIG_MAP = "kubernetes:core/v1:ConfigMap";

/** The stacks the project ships; the suite checks each of them. */
const STACKS = ["dev", "prod", "staging"];

/** Every dashboard the program can ship. */
const ALL_DASHBOARDS = [FLINK, JOB_SERVICES, OPERATOR, ...Object.values(SERVICES)];

/** Alert names that alerts.test.ts has cases for. */
const TESTED_ALERTS: ReadonlySet<string> = new Set(ALL_ALERT_CASES.map((c) => c.rule.alert));

/** The monitoring component's ConfigMaps: one dashboard each. */
function dashboardConfigMaps(resources: readonly RecordedResource[]): RecordedResource[] {
  return ofType(resources, CONFIG_MAP).filter(
    (c) => c.inputs.metadata?.labels?.["app.kubernetes.io/component"] === "monitoring",
  );
}

describe("the stacks' rules and every dashboard's queries, under promtool", function () {
  this.timeout(120_000);
  let scratch: ReturnType<typeof scratchDir>;
  /** Expressions promtool has parsed already (the stacks share most dashboards). */
  const parsed = new Map<string, string | undefined>();

  before(function () {
    requirePromtool(this);
    scratch = scratchDir();
  });
  after(() => scratch?.remove());

  /** "where: promtool's error" for each query Prometheus' parser refuses. */
  function parseProblems(queries: readonly DashboardQuery[]): string[] {
    return queries.flatMap(({ where, expr }) => {
      // Grafana replaces its interval variables before the query reaches Prometheus; the others stand inside label
      // matcher strings, where the parser takes them as text.
      const source = substituteGrafanaVariables(expr);
      if (!parsed.has(source)) {
        const { status, output } = runPromtool(["--experimental", "promql", "format", source], scratch.dir);
        parsed.set(source, status === 0 ? undefined : output.trim());
      }
      const problem = parsed.get(source);
      return problem === undefined ? [] : [`${where}: ${problem}\n    ${expr}`];
    });
  }

  it("covers every stack the project has", () => {
    assert.deepStrictEqual(stackNames(), STACKS);
  });

  for (const stack of STACKS) {
    describe(stack, () => {
      const config = parseConfig(readStackConfig(stack));
      const wanted = monitoringWanted(config);
      let resources: RecordedResource[];

      before(async () => {
        resources = (await renderRaw(readStackConfig(stack))).resources;
      });

      if (!wanted) {
        it("renders no PrometheusRule and no dashboard (monitoring off or no Prometheus Operator)", () => {
          assert.deepStrictEqual(ofType(resources, PROMETHEUS_RULE), []);
          assert.deepStrictEqual(dashboardConfigMaps(resources), []);
        });
        return;
      }

      const rules = () => {
        const found = ofType(resources, PROMETHEUS_RULE);
        assert.strictEqual(found.length, 1, "PrometheusRules rendered");
        return found[0];
      };

      it("its PrometheusRule passes promtool check rules, every lint fatal", () => {
        const rule = rules();
        const file = scratch.write(`${stack}-rules.yaml`, rule.inputs.spec);
        const ruleCount = (rule.inputs.spec.groups as Array<{ rules: unknown[] }>).reduce(
          (n, group) => n + group.rules.length,
          0,
        );
        assert.ok(ruleCount > 0, "no rule rendered");
        const { status, output } = runPromtool(
          ["check", "rules", "--lint=all", "--lint-fatal", file],
          scratch.dir,
        );
        assert.strictEqual(status, 0, outputSummary(output));
        assert.match(output, new RegExp(`SUCCESS: ${ruleCount} rules found`), outputSummary(output));
      });

      it("its PrometheusRule names only alerts that have promtool unit tests", () => {
        const alerts = (
          rules().inputs.spec.groups as Array<{ rules: Array<{ alert?: string; record?: string }> }>
        )
          .flatMap((group) => group.rules)
          .map((rule) => rule.alert ?? `record ${rule.record}`);
        assert.deepStrictEqual(
          [...new Set(alerts.filter((name) => !TESTED_ALERTS.has(name)))],
          [],
          "alerts without cases in test/promtool/alertCases.ts or jobAlertCases.ts",
        );
      });

      it("every query of its dashboards parses with Prometheus' PromQL parser", () => {
        const dashboards = dashboardConfigMaps(resources).flatMap((configMap) =>
          Object.values(configMap.inputs.data as Record<string, string>).map((json) => JSON.parse(json)),
        );
        assert.ok(dashboards.length > 0, "no dashboard ConfigMap rendered");
        const queries = dashboards.flatMap(dashboardModelQueries);
        assert.ok(queries.length >= dashboards.length, "dashboards without queries");
        const problems = parseProblems(queries);
        assert.deepStrictEqual(problems, [], `${problems.length} of ${queries.length} queries do not parse`);
      });
    });
  }

  // Some dashboards no stack renders yet (a service's appears once a stack scrapes it): check each the program has.
  for (const dashboard of ALL_DASHBOARDS) {
    it(`every query of dashboard ${dashboard.spec.uid} parses with Prometheus' PromQL parser`, () => {
      const queries = dashboardModelQueries(buildDashboard(dashboard.spec));
      assert.ok(queries.length > 0, "no query");
      const problems = parseProblems(queries);
      assert.deepStrictEqual(problems, [], `${problems.length} of ${queries.length} queries do not parse`);
    });
  }
});
