import * as assert from "assert";
import { problemsOf } from "../../support/configProblems";
import { ConfigError } from "../../../components/config/problems";
import { parseConfig } from "../../../components/config/parse";
import { bucketNameProblem } from "../../../components/state/config";

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

  describe("S3 bucket names", () => {
    const bucket = (name: string) => ({ storage: { type: "s3", s3: { bucket: name } } });

    it("refuses a bucket name formatted as an IP address", () => {
      assert.deepStrictEqual(problemsOf(bucket("192.168.5.4")), [
        "storage.s3.bucket: must be an S3 bucket name such as 'flink-state': it is formatted as an IP address",
      ]);
    });

    it("refuses each name AWS's bucket naming rules refuse, naming the rule", () => {
      const cases: Array<[string, RegExp]> = [
        ["ab", /it has 2 characters, not 3 to 63/],
        ["a".repeat(64), /it has 64 characters, not 3 to 63/],
        ["Flink_State", /characters other than lower-case letters, digits, '\.' and '-'/],
        ["-flink", /starts or ends with '\.' or '-'/],
        ["flink.", /starts or ends with '\.' or '-'/],
        ["flink..state", /'\.\.', '\.-' or '-\.'/],
        ["flink.-state", /'\.\.', '\.-' or '-\.'/],
        ["flink-.state", /'\.\.', '\.-' or '-\.'/],
        ["999.1.1.1", /formatted as an IP address/],
        ["xn--flink", /starts with 'xn--', a prefix S3 reserves/],
        ["sthree-flink", /starts with 'sthree-'/],
        ["amzn-s3-demo-flink", /starts with 'amzn-s3-demo-'/],
        ["flink-s3alias", /ends with '-s3alias', a suffix S3 reserves/],
        ["flink--ol-s3", /ends with '--ol-s3'/],
        ["flink.mrap", /ends with '\.mrap'/],
        ["flink--x-s3", /ends with '--x-s3'/],
        ["flink--table-s3", /ends with '--table-s3'/],
      ];
      for (const [name, reason] of cases) {
        const problems = problemsOf(bucket(name));
        assert.strictEqual(problems.length, 1, `${name}: ${problems.join("\n")}`);
        assert.match(
          problems[0],
          /^storage\.s3\.bucket: must be an S3 bucket name such as 'flink-state': /,
          name,
        );
        assert.match(problems[0], reason, name);
      }
    });

    it("accepts names that follow the rules", () => {
      for (const name of [
        "flink",
        "abc",
        "a".repeat(63),
        "flink.state.eu-1",
        "192.168.5.4.flink",
        "xn-flink",
      ]) {
        assert.strictEqual(bucketNameProblem(name), undefined, name);
        assert.doesNotThrow(() => parseConfig(bucket(name)), name);
      }
    });
  });

  describe("S3 secret config keys nothing reads", () => {
    const both = ["s3AccessKey", "s3SecretKey"];

    it("refuses S3 keys while MinIO is managed, with the fix", () => {
      assert.deepStrictEqual(problemsOf({ storage: { type: "s3", s3: { mode: "managed" } } }, both), [
        "s3AccessKey: is set but unused: storage.s3.mode is managed, and the managed MinIO makes its own credentials; remove it (pulumi config rm s3AccessKey), or set storage.s3.mode: external",
        "s3SecretKey: is set but unused: storage.s3.mode is managed, and the managed MinIO makes its own credentials; remove it (pulumi config rm s3SecretKey), or set storage.s3.mode: external",
      ]);
    });

    it("refuses them without an S3 store, and beside an external store's credentials Secret", () => {
      assert.deepStrictEqual(problemsOf({ storage: { type: "hdfs" } }, ["s3SecretKey"]), [
        "s3SecretKey: is set but unused: storage.type is hdfs; remove it (pulumi config rm s3SecretKey), or set storage.type: s3 with storage.s3.mode: external",
      ]);
      assert.deepStrictEqual(
        problemsOf({}, ["s3AccessKey"]).map((p) => p.split(": ")[0]),
        ["s3AccessKey"],
      );
      const withSecret = {
        storage: {
          type: "s3",
          s3: {
            mode: "external",
            external: { endpoint: "https://s3.example", credentialsSecret: { name: "s3" } },
          },
        },
      };
      assert.deepStrictEqual(
        problemsOf(withSecret, both).map((p) => p.split(": ")[0]),
        both,
      );
      assert.match(problemsOf(withSecret, both)[0], /or remove storage\.s3\.external\.credentialsSecret$/);
    });

    it("takes them for an external store without a credentials Secret", () => {
      const external = {
        storage: { type: "s3", s3: { mode: "external", external: { endpoint: "https://s3.example" } } },
      };
      assert.doesNotThrow(() => parseConfig(external, { secretConfigKeys: new Set(both) }));
    });
  });
});
