/**
 * Keys named like Object.prototype's members (`__proto__`, `constructor`, `toString`, ...) are refused in every map
 * of the config, by their path, never silently dropped. Inputs are built with JSON.parse, as the program reads stack
 * config (`pulumi.Config.getObject`): only JSON.parse makes `"__proto__"` an own key (an object literal
 * `{ __proto__: x }` sets the prototype instead).
 */
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { loadConfig } from "../../../components/config/load";
import { PROTOTYPE_NAMES } from "../../../components/config/prototypeKeys";
import { ConfigError } from "../../../components/config/problems";
import { configInputSchema, JsonSchema } from "../../../stacks/shared/configReference";
import { problemsOf } from "../../support/configProblems";

/** The raw config `{ <path>: <mapJson> }`, parsed from JSON text as the engine hands it over. */
function rawWithMapAt(path: readonly string[], mapJson: string): Record<string, unknown> {
  const placeholder = "\u0000map\u0000";
  const nested = [...path].reverse().reduce<unknown>((inner, key) => ({ [key]: inner }), placeholder);
  return JSON.parse(JSON.stringify(nested).replace(JSON.stringify(placeholder), mapJson)) as Record<
    string,
    unknown
  >;
}

/**
 * The path of every map (a JSON Schema object with additionalProperties) in the config schema, an entry of a map
 * above it named `session` (so that maps added later are covered without listing them here).
 */
function mapPaths(node: JsonSchema, path: string[] = []): string[][] {
  const here = typeof node.additionalProperties === "object" ? [path] : [];
  const properties = Object.entries(node.properties ?? {}).flatMap(([key, child]) =>
    mapPaths(child, [...path, key]),
  );
  const entries =
    typeof node.additionalProperties === "object"
      ? mapPaths(node.additionalProperties, [...path, "session"])
      : [];
  return [...here, ...properties, ...entries];
}

describe("config: prototype names as keys", () => {
  const maps = mapPaths(configInputSchema());

  it("finds the config's maps (clusters, jobs, Flink configuration, labels, annotations)", () => {
    const found = maps.map((p) => p.join("."));
    for (const expected of [
      "flink.clusters",
      "flink.applications",
      "flink.clusters.session.jobs",
      "flink.clusters.session.flinkConfiguration",
      "flink.applications.session.flinkConfiguration",
      "flink.clusters.session.ingress.annotations",
      "monitoring.monitorLabels",
      "network.dns.podLabels",
      "network.auth.external.annotations",
    ]) {
      assert.ok(found.includes(expected), `${expected} not among ${found.join(", ")}`);
    }
  });

  it("refuses __proto__, constructor and prototype in every map, each at its path", () => {
    for (const path of maps) {
      const raw = rawWithMapAt(path, '{"__proto__": "x", "constructor": "x", "prototype": "x", "ok": "x"}');
      const problems = problemsOf(raw);
      for (const key of ["__proto__", "constructor", "prototype"]) {
        const at = [...path, key].join(".");
        assert.ok(
          problems.some((p) => p.startsWith(`${at}: `) && /name every JavaScript object inherits/.test(p)),
          `${at} not refused; got:\n${problems.join("\n")}`,
        );
      }
    }
  });

  it("refuses every name of Object.prototype as a Flink configuration key", () => {
    const names = [...PROTOTYPE_NAMES];
    assert.ok(names.includes("toString") && names.includes("hasOwnProperty") && names.includes("__proto__"));
    const map = JSON.stringify(Object.fromEntries(names.map((name) => [name, "x"])));
    const problems = problemsOf(rawWithMapAt(["flink", "clusters", "session", "flinkConfiguration"], map));
    assert.deepStrictEqual(
      problems.map((p) => p.split(": ")[0]).sort(),
      names.map((name) => `flink.clusters.session.flinkConfiguration.${name}`).sort(),
    );
  });

  it("lists them with the config's other problems", () => {
    const raw = JSON.parse(
      '{"flink": {"clusters": {"session": {"flinkConfiguration": {"__proto__": {"state.backend.type": "rocksdb"}, ' +
        '"pipeline.max-parallelism": 256}, "taskManager": {"slots": 0}}}}, "operator": {"install": "maybe"}}',
    ) as Record<string, unknown>;
    assert.deepStrictEqual(problemsOf(raw).sort(), [
      "flink.clusters.session.flinkConfiguration.__proto__: '__proto__' is a name every JavaScript object inherits, so no config key may be called that; rename or remove it",
      "flink.clusters.session.taskManager.slots: must be at least 1",
      "operator.install: must be true or false",
    ]);
  });

  it("refuses them in objects of fixed keys too, instead of calling them unknown", () => {
    const problems = problemsOf(
      JSON.parse('{"storage": {"__proto__": {"type": "s3"}}}') as Record<string, unknown>,
    );
    assert.deepStrictEqual(problems, [
      "storage.__proto__: '__proto__' is a name every JavaScript object inherits, so no config key may be called that; rename or remove it",
    ]);
  });

  describe("read from the stack config as the program reads it", () => {
    afterEach(() => pulumi.runtime.setAllConfig({}));

    it("refuses a __proto__ key of a config object in loadConfig", () => {
      pulumi.runtime.setAllConfig({
        "flink-platform:flink":
          '{"clusters": {"session": {"flinkConfiguration": {"__proto__": {"a": "b"}}}}}',
        "flink-platform:monitoring": '{"monitorLabels": {"constructor": "x", "release": "prometheus"}}',
      });
      assert.throws(
        () => loadConfig(),
        (err: unknown) => {
          assert.ok(err instanceof ConfigError, String(err));
          assert.deepStrictEqual(err.problems.map((p) => p.path).sort(), [
            "flink.clusters.session.flinkConfiguration.__proto__",
            "monitoring.monitorLabels.constructor",
          ]);
          return true;
        },
      );
    });
  });
});
