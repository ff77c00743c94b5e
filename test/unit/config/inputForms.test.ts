/**
 * Values as `pulumi config set --path` stores them (booleans, whole numbers as numbers, everything else as
 * strings) and as a stack file may hold them: wherever a number and its string mean the same thing, both are taken.
 */
import * as assert from "assert";
import { parseConfig } from "../../../components/config/parse";
import { cliPathValue, parsePropertyPath, withValue } from "../../../stacks/configSettings";

/** The config after `pulumi config set --path KEY VALUE` of each setting, parsed by the program. */
function afterSet(settings: Record<string, string>) {
  let raw: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(settings)) {
    raw = withValue(raw, parsePropertyPath(key), cliPathValue(value));
  }
  return parseConfig(raw);
}

describe("config: values in the forms the CLI stores", () => {
  it("takes container CPU as a number or a quantity, and keeps it a Kubernetes quantity", () => {
    const config = afterSet({
      "operator.resources.limits.cpu": "2",
      "operator.resources.requests.cpu": "250m",
      "mysql.resources.requests.cpu": "0.5",
    });
    assert.strictEqual(config.operator.resources.limits.cpu, "2");
    assert.strictEqual(config.operator.resources.requests.cpu, "250m");
    assert.strictEqual(config.mysql.resources.requests.cpu, "0.5");
  });

  it("takes Flink CPU as cores in a string, a number or a quantity", () => {
    const config = afterSet({
      "flink.clusters.session.jobManager.cpu": "0.5",
      "flink.clusters.session.taskManager.cpu": "1500m",
    });
    assert.strictEqual(config.flink.clusters[0].jobManager.cpu, 0.5);
    assert.strictEqual(config.flink.clusters[0].taskManager.cpu, 1.5);
    assert.strictEqual(
      parseConfig({ flink: { clusters: { s: { jobManager: { cpu: 2 } } } } }).flink.clusters[0].jobManager
        .cpu,
      2,
    );
  });

  it("takes counts and ports as numbers or numeric strings", () => {
    const config = parseConfig({
      flink: {
        clusters: { session: { taskManager: { slots: "4" }, warmSlots: "8" } },
        checkpoints: { retained: "5" },
      },
      mysql: { mode: "external", external: { host: "db", port: "3307", adminSecret: { name: "admin" } } },
      storage: { type: "hdfs", hdfs: { managed: { dataNodes: "3", replication: "2" } } },
    });
    assert.strictEqual(config.flink.clusters[0].taskManager.slots, 4);
    assert.strictEqual(config.flink.clusters[0].warmSlots, 8);
    assert.strictEqual(config.flink.checkpoints.retained, 5);
    assert.strictEqual(config.mysql.external.port, 3307);
    assert.strictEqual(config.storage.hdfs.managed.dataNodes, 3);
  });

  it("takes label values the CLI stores as numbers or booleans, as their text", () => {
    const config = afterSet({
      "monitoring.dashboards.label.value": "1",
      "monitoring.monitorLabels.release": "2",
      "monitoring.monitorLabels.enabled": "true",
    });
    assert.strictEqual(config.monitoring.dashboards.label.value, "1");
    assert.deepStrictEqual(config.monitoring.monitorLabels, { release: "2", enabled: "true" });
  });

  it("takes booleans written as strings, and quantities written as numbers (bytes)", () => {
    const config = parseConfig({
      platform: { createNamespaces: "false" },
      streampark: { enabled: "false" },
      mysql: { storage: { size: 10737418240 } },
    });
    assert.strictEqual(config.platform.createNamespaces, false);
    assert.strictEqual(config.streampark.enabled, false);
    assert.strictEqual(config.mysql.storage.size, "10737418240");
  });

  it("takes versions the CLI stores as strings", () => {
    assert.strictEqual(afterSet({ "flink.version": "1.19" }).flink.version, "1.19");
  });

  it("accepts namespaces that start with a digit and one-character path prefixes", () => {
    const config = parseConfig({
      platform: { namespace: "1-flink" },
      storage: { type: "s3", pathPrefix: "f" },
      flink: { clusters: { session: { namespace: "2024-jobs" } } },
    });
    assert.deepStrictEqual(config.namespaces, ["1-flink", "2024-jobs"]);
    assert.strictEqual(config.storage.pathPrefix, "f");
  });
});
