import * as assert from "assert";
import {
  candidateValues,
  cliPathValue,
  cliType,
  parsePropertyPath,
  parseSetting,
  resolveSetting,
  SettingError,
  settingProblems,
  withOpaqueSecrets,
  withValue,
} from "../../../stacks/configSettings";

describe("--set values", () => {
  it("parses Pulumi property paths", () => {
    assert.deepStrictEqual(parsePropertyPath("flink.clusters.session.taskManager.slots"), [
      "flink",
      "clusters",
      "session",
      "taskManager",
      "slots",
    ]);
    assert.deepStrictEqual(
      parsePropertyPath('flink.clusters.session.flinkConfiguration["state.backend.type"]'),
      ["flink", "clusters", "session", "flinkConfiguration", "state.backend.type"],
    );
    assert.deepStrictEqual(parsePropertyPath('a[0].b["c"][2]'), ["a", 0, "b", "c", 2]);
    for (const bad of ["a..b", "a.", ".a", 'a["b', "a[x]", "a[0]b", ""]) {
      assert.throws(() => parsePropertyPath(bad), SettingError, bad);
    }
  });

  it("parses path=value and refuses what is not a key of this project's areas", () => {
    assert.deepStrictEqual(parseSetting("flink.version=1.20"), {
      path: "flink.version",
      segments: ["flink", "version"],
      raw: "1.20",
    });
    assert.deepStrictEqual(parseSetting("flink-platform:ha.type=off=on").raw, "off=on");
    assert.strictEqual(parseSetting("flink.clusters.session.flinkConfiguration.x=").raw, "");
    assert.throws(() => parseSetting("flink.version"), /expected path=value/);
    assert.throws(() => parseSetting("kubernetes:context=prod"), /only flink-platform keys can be set/);
    assert.throws(
      () => parseSetting("flnk.version=1.20"),
      /'flnk' is not a config area; the areas are platform, kubernetes/,
    );
    assert.throws(() => parseSetting("flink=1.20"), /name a key inside the area/);
  });

  it("reads values the way `pulumi config set --path` stores them", () => {
    assert.strictEqual(cliPathValue("true"), true);
    assert.strictEqual(cliPathValue("false"), false);
    assert.strictEqual(cliPathValue("True"), "True");
    assert.strictEqual(cliPathValue("4"), 4);
    assert.strictEqual(cliPathValue("-3"), -3);
    assert.strictEqual(cliPathValue("0"), 0);
    assert.strictEqual(cliPathValue("0123"), "0123");
    assert.strictEqual(cliPathValue("1.20"), "1.20");
    assert.strictEqual(cliPathValue("0.5"), "0.5");
    assert.strictEqual(cliPathValue("2048m"), "2048m");
    assert.deepStrictEqual(candidateValues("0.5"), ["0.5", 0.5]);
    assert.deepStrictEqual(candidateValues("4"), [4, "4"]);
    assert.deepStrictEqual(candidateValues("x"), ["x"]);
    assert.deepStrictEqual(
      [cliType("a"), cliType(true), cliType(4), cliType(0.5)],
      ["string", "bool", "int", "float"],
    );
  });

  it("gives each value the first reading the schema accepts", () => {
    const value = (arg: string) => resolveSetting(parseSetting(arg)).value;
    assert.strictEqual(value("flink.clusters.session.taskManager.slots=4"), 4);
    // As the CLI stores them: the schema takes "0.5" and 2 for a CPU, so the CLI's reading wins.
    assert.strictEqual(value("flink.clusters.session.jobManager.cpu=0.5"), "0.5");
    assert.strictEqual(value("flink.clusters.session.jobManager.cpu=2"), 2);
    assert.strictEqual(value("operator.resources.limits.cpu=2"), 2);
    assert.strictEqual(value("flink.version=1.20"), "1.20");
    assert.strictEqual(value("platform.createNamespaces=false"), false);
    // Refused in every reading: the CLI's reading, so the check reports the schema's complaint about it.
    assert.strictEqual(value("flink.clusters.session.taskManager.slots=many"), "many");
  });

  it("reports only the problems the values introduce", () => {
    const resolve = (arg: string) => resolveSetting(parseSetting(arg));
    // An existing problem of the stack (an unknown key) is not blamed on the values.
    const stack = { flink: { clusters: { session: { typo: 1 } } }, streampark: { enabled: false } };
    assert.deepStrictEqual(settingProblems(stack, [resolve("flink.version=2.2")]), []);
    assert.deepStrictEqual(
      settingProblems({}, [resolve("flink.version=3.0")]).map((p) => p.path),
      ["flink.version"],
    );
    assert.deepStrictEqual(
      settingProblems({ platform: { namespace: "flink" } }, [resolve("platform.namespace.name=x")]),
      [
        {
          path: "platform.namespace.name",
          message: 'cannot set platform.namespace.name: platform.namespace holds "flink", not an object',
        },
      ],
    );
    assert.deepStrictEqual(settingProblems({}, []), []);
  });

  it("reads secure values as the strings the program would see", () => {
    assert.deepStrictEqual(
      withOpaqueSecrets({ kubernetes: { kubeconfig: { secure: "v1:abc" } }, list: [{ secure: "x" }], n: 1 }),
      { kubernetes: { kubeconfig: "[secret]" }, list: ["[secret]"], n: 1 },
    );
    assert.deepStrictEqual(withOpaqueSecrets({ a: { secure: "x", other: 1 } }), {
      a: { secure: "x", other: 1 },
    });
  });

  it("sets values in a copy, creating maps on the way", () => {
    const original = { flink: { version: "1.20" } };
    const changed = withValue(original, ["flink", "clusters", "etl", "taskManager", "slots"], 4);
    assert.deepStrictEqual(changed, {
      flink: { version: "1.20", clusters: { etl: { taskManager: { slots: 4 } } } },
    });
    assert.deepStrictEqual(original, { flink: { version: "1.20" } });
  });
});
