import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "../../../components/config/problems";
import { defaultConfig } from "../../../components/config/schema";
import { loadConfig } from "../../../components/config/load";
import { parseConfig } from "../../../components/config/parse";
import { readProjectDefaults, readStackConfig, stackNames } from "../../../stacks/shared/stackFiles";
import "../../support/mocks";

/** The problems of an invalid config, as "path: message" strings. */
function problemsOf(raw: Record<string, unknown>): string[] {
  try {
    parseConfig(raw);
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
    assert.ok(err instanceof pulumi.RunError, "config errors are RunErrors (no stack trace for users)");
    return err.problems.map((p) => `${p.path}: ${p.message}`);
  }
  assert.fail("expected the config to be rejected");
}

function assertProblem(raw: Record<string, unknown>, path: string, pattern: RegExp) {
  const problems = problemsOf(raw);
  assert.ok(
    problems.some((p) => p.startsWith(`${path}: `) && pattern.test(p)),
    `expected a problem at ${path} matching ${pattern}, got:\n${problems.join("\n")}`,
  );
}

const cluster = (settings: Record<string, unknown>) => ({ flink: { clusters: { session: settings } } });

describe("config", () => {
  describe("defaults", () => {
    it("gives one 1.20 session cluster in namespace flink with the operator installed and no webhook", () => {
      const config = parseConfig({});
      assert.strictEqual(config.platform.namespace, "flink");
      assert.strictEqual(config.operator.install, true);
      assert.strictEqual(config.operator.webhook, false);
      assert.strictEqual(config.operator.image, "apache/flink-kubernetes-operator:1.15.0");
      assert.deepStrictEqual(
        config.flink.clusters.map((c) => [c.name, c.namespace, c.version, c.image]),
        [["session", "flink", "1.20", "flink:1.20.4-scala_2.12-java17"]],
      );
      assert.deepStrictEqual(config.namespaces, ["flink"]);
    });

    it("are the same in Pulumi.yaml and in code", () => {
      assert.deepStrictEqual(readProjectDefaults(), JSON.parse(JSON.stringify(defaultConfig())));
    });

    it("fills the rest of an area that a stack sets partly", () => {
      const config = parseConfig(cluster({ taskManager: { slots: 4 } }));
      assert.strictEqual(config.flink.clusters[0].taskManager.slots, 4);
      assert.strictEqual(config.flink.clusters[0].taskManager.memory, "2048m");
      assert.strictEqual(config.flink.clusters[0].jobManager.replicas, 1);
    });

    it("is deeply frozen", () => {
      const config = parseConfig({});
      assert.ok(Object.isFrozen(config));
      assert.ok(Object.isFrozen(config.flink.clusters[0].taskManager));
      assert.throws(() => {
        (config.platform as { namespace: string }).namespace = "other";
      }, TypeError);
    });

    it("accepts every stack file of the project", () => {
      for (const stack of stackNames()) {
        assert.doesNotThrow(() => parseConfig(readStackConfig(stack)), `Pulumi.${stack}.yaml`);
      }
    });

    it("accepts YAML's bare off (false) as ha.type off", () => {
      assert.strictEqual(parseConfig({ ha: { type: false } }).ha.type, "off");
    });
  });

  describe("errors", () => {
    it("rejects a wrong type, naming the key", () => {
      assertProblem(
        cluster({ taskManager: { slots: "four" } }),
        "flink.clusters.session.taskManager.slots",
        /number/,
      );
      assertProblem({ operator: { install: "yes" } }, "operator.install", /true or false/);
    });

    it("rejects unknown keys at any depth", () => {
      assertProblem({ operator: { webhoook: true } }, "operator.webhoook", /unknown key/);
      assertProblem(
        cluster({ taskManager: { slot: 2 } }),
        "flink.clusters.session.taskManager.slot",
        /unknown key/,
      );
      assertProblem({ hive2: {} }, "hive2", /unknown key/);
    });

    it("rejects out-of-range and malformed quantities", () => {
      assertProblem(
        cluster({ taskManager: { memory: "100m" } }),
        "flink.clusters.session.taskManager.memory",
        /between 512m/,
      );
      assertProblem(
        cluster({ jobManager: { memory: "lots" } }),
        "flink.clusters.session.jobManager.memory",
        /memory size/,
      );
      assertProblem(
        cluster({ jobManager: { cpu: 0 } }),
        "flink.clusters.session.jobManager.cpu",
        /between 0.1 and 64/,
      );
      assertProblem(
        cluster({ taskManager: { slots: 0 } }),
        "flink.clusters.session.taskManager.slots",
        /at least 1/,
      );
      assertProblem(
        { operator: { resources: { limits: { memory: "1 GB" } } } },
        "operator.resources.limits.memory",
        /memory quantity greater than zero/,
      );
      assertProblem(
        { operator: { resources: { requests: { cpu: "half" } } } },
        "operator.resources.requests.cpu",
        /CPU/,
      );
    });

    it("rejects a Flink version the operator's CRD does not accept", () => {
      assertProblem(
        { flink: { version: "2.3" } },
        "flink.version",
        /not accepted by operator 1\.15\.0.*v1_13\.\.v2_2/,
      );
      assertProblem({ flink: { version: "1.16" } }, "flink.version", /deprecated/);
      assertProblem(cluster({ version: "3.0" }), "flink.clusters.session.version", /not accepted/);
    });

    it("rejects a cluster name over 45 characters or not DNS-safe", () => {
      const long = "a".repeat(46);
      assertProblem({ flink: { clusters: { [long]: {} } } }, `flink.clusters.${long}`, /at most 45/);
      assert.doesNotThrow(() => parseConfig({ flink: { clusters: { ["a".repeat(45)]: {} } } }));
      assertProblem({ flink: { clusters: { Session_1: {} } } }, "flink.clusters.Session_1", /DNS-safe/);
      assertProblem({ flink: { clusters: { "-x": {} } } }, "flink.clusters.-x", /DNS-safe/);
    });

    it("rejects more than one JobManager without HA", () => {
      assertProblem(
        cluster({ jobManager: { replicas: 2 } }),
        "flink.clusters.session.jobManager.replicas",
        /need HA/,
      );
    });

    it("rejects Flink keys the operator forbids, and credentials", () => {
      for (const key of ["kubernetes.cluster-id", "kubernetes.namespace", "high-availability.cluster-id"]) {
        assertProblem(
          cluster({ flinkConfiguration: { [key]: "x" } }),
          `flink.clusters.session.flinkConfiguration.${key}`,
          /set by the operator/,
        );
      }
      assertProblem(
        cluster({ flinkConfiguration: { "s3.secret-key": "x" } }),
        "flink.clusters.session.flinkConfiguration.s3.secret-key",
        /credential/,
      );
    });

    it("rejects overlapping key prefixes on Flink 2.x but not on 1.x", () => {
      const raw = {
        flink: {
          version: "2.2",
          clusters: {
            session: {
              flinkConfiguration: {
                "pipeline.operator-chaining": "true",
                "pipeline.operator-chaining.enabled": "true",
              },
            },
          },
        },
      };
      assertProblem(
        raw,
        "flink.clusters.session.flinkConfiguration.pipeline.operator-chaining",
        /overlapping key prefixes/,
      );
      const onOne = { flink: { version: "1.20", clusters: raw.flink.clusters } };
      assert.doesNotThrow(() => parseConfig(onOne));
    });

    it("rejects the webhook without cert-manager", () => {
      assertProblem({ operator: { webhook: true } }, "operator.webhook", /cert-manager/);
      assert.doesNotThrow(() => parseConfig({ operator: { webhook: true, certManager: true } }));
    });

    it("rejects floating image tags", () => {
      assertProblem(
        { operator: { image: "apache/flink-kubernetes-operator:latest" } },
        "operator.image",
        /latest/,
      );
      assertProblem({ flink: { image: "flink" } }, "flink.image", /explicit tag/);
    });

    it("rejects an ingress without a host, and no clusters at all", () => {
      assertProblem(
        cluster({ ingress: { enabled: true } }),
        "flink.clusters.session.ingress.host",
        /required/,
      );
      assertProblem({ flink: { clusters: {} } }, "flink.clusters", /at least one/);
    });

    it("lists every problem in one error", () => {
      const problems = problemsOf({
        operator: { webhook: true },
        flink: {
          version: "9.9",
          clusters: {
            session: { jobManager: { replicas: 3 }, flinkConfiguration: { "kubernetes.cluster-id": "x" } },
          },
        },
      });
      assert.strictEqual(problems.length, 4, problems.join("\n"));
      const message = (() => {
        try {
          parseConfig({ operator: { webhook: true }, flink: { version: "9.9" } });
        } catch (err) {
          return (err as Error).message;
        }
        return "";
      })();
      assert.match(message, /^Invalid stack configuration \(2 problems\):/);
      assert.match(message, /- flink-platform:operator\.webhook: /);
      assert.match(message, /- flink-platform:flink\.version: /);
    });
  });

  describe("loadConfig", () => {
    afterEach(() => pulumi.runtime.setAllConfig({}));

    it("reads each area as an object from the stack config", () => {
      pulumi.runtime.setAllConfig({ "flink-platform:platform": JSON.stringify({ namespace: "streaming" }) });
      assert.strictEqual(loadConfig().platform.namespace, "streaming");
    });

    it("reports unknown top-level keys together with the other problems", () => {
      pulumi.runtime.setAllConfig({
        "flink-platform:opertor": JSON.stringify({}),
        "flink-platform:flink": JSON.stringify({ version: "0.1" }),
        "kubernetes:context": "elsewhere",
      });
      assert.throws(
        () => loadConfig(),
        (err: unknown) =>
          err instanceof ConfigError &&
          err.problems.some((p) => p.path === "opertor") &&
          err.problems.some((p) => p.path === "flink.version") &&
          err.problems.length === 2,
      );
    });
  });
});
