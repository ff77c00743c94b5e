import * as assert from "assert";
import { problemsOf } from "../../support/configProblems";
import { ConfigError } from "../../../components/config/problems";
import { parseConfig } from "../../../components/config/parse";

describe("durable state and HA", () => {
  describe("config errors", () => {
    it("reports each invalid combination by its key", () => {
      const cases: Array<[Record<string, unknown>, string, RegExp, string[]?]> = [
        [{ storage: { type: "s3", s3: { mode: "external" } } }, "storage.s3.external.endpoint", /required/],
        [
          { storage: { type: "s3", s3: { mode: "external", external: { endpoint: "https://s3.example" } } } },
          "storage.s3.external.credentialsSecret",
          /pulumi config set --secret s3AccessKey/,
        ],
        [
          { storage: { type: "s3", s3: { mode: "external", external: { endpoint: "https://s3.example" } } } },
          "storage.s3.external.credentialsSecret",
          /needs credentials/,
          ["s3AccessKey"],
        ],
        [
          { storage: { type: "hdfs", hdfs: { mode: "external" } } },
          "storage.hdfs.external.defaultFS",
          /required/,
        ],
        [
          { storage: { type: "hdfs", hdfs: { managed: { replication: 3 } } } },
          "storage.hdfs.managed.replication",
          /DataNodes/,
        ],
        [
          { storage: { type: "s3" }, ha: { type: "zookeeper", zookeeper: { mode: "external" } } },
          "ha.zookeeper.external.quorum",
          /required/,
        ],
        [{ flink: { checkpoints: { incremental: true } } }, "flink.checkpoints.incremental", /rocksdb/],
        [{ storage: { type: "s3", s3: { bucket: "Bad_Bucket" } } }, "storage.s3.bucket", /bucket name/],
        [{ flink: { checkpoints: { interval: "often" } } }, "flink.checkpoints.interval", /duration/],
        [{ storage: { type: "gcs" } }, "storage.type", /none|s3|hdfs/],
        [{ ha: { type: "kubernetes" } }, "ha.type", /durable storage/],
      ];
      for (const [raw, path, pattern, secretKeys] of cases) {
        const problems = problemsOf(raw, secretKeys);
        assert.ok(
          problems.some((p) => p.startsWith(`${path}: `) && pattern.test(p)),
          `expected ${path} ~ ${pattern}, got:\n${problems.join("\n")}`,
        );
      }
    });

    it("refuses credentials stored as plain config", () => {
      try {
        parseConfig(
          { storage: { type: "s3", s3: { mode: "external", external: { endpoint: "https://s3.example" } } } },
          {
            secretConfigKeys: new Set(["s3AccessKey", "s3SecretKey"]),
            plainSecretConfigKeys: new Set(["s3SecretKey"]),
          },
        );
        assert.fail("expected an error");
      } catch (err) {
        assert.ok(err instanceof ConfigError);
        assert.deepStrictEqual(
          err.problems.map((p) => p.path),
          ["s3SecretKey"],
        );
        assert.match(err.message, /pulumi config set --secret s3SecretKey/);
      }
    });
  });
});
