import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { parseConfig } from "../../../components/config/parse";
import { overlappingKeyPrefixes } from "../../../components/flink/flinkConfiguration";
import { bucketScript } from "../../../components/state/minio";
import {
  FLINK_DEPLOYMENT,
  leakedSecrets,
  ofType,
  RecordedResource,
  renderPlatform,
  renderStores,
  flinkConfigurationOf,
} from "../../support/mocks";

const STATEFUL_SET = "kubernetes:apps/v1:StatefulSet";
const SECRET = "kubernetes:core/v1:Secret";
const JOB = "kubernetes:batch/v1:Job";

function mainContainer(resources: readonly RecordedResource[], cluster = 0): Record<string, any> {
  return ofType(resources, FLINK_DEPLOYMENT)[cluster].inputs.spec.podTemplate.spec.containers[0];
}

describe("durable state and HA", () => {
  describe("S3", () => {
    it("runs MinIO with generated root credentials in a Secret and creates the bucket idempotently", async () => {
      const { resources } = await renderStores({ storage: { type: "s3", s3: { bucket: "state" } } });
      const passwords = ofType(resources, "random:index/randomPassword:RandomPassword");
      assert.strictEqual(passwords.length, 2);
      const [minio] = ofType(resources, STATEFUL_SET);
      const container = minio.inputs.spec.template.spec.containers[0];
      assert.match(container.image, /^quay\.io\/minio\/minio:RELEASE\./);
      assert.deepStrictEqual(
        container.env
          .filter((e: any) => e.valueFrom)
          .map((e: any) => [e.name, e.valueFrom.secretKeyRef.name]),
        [
          ["MINIO_ROOT_USER", "minio-root"],
          ["MINIO_ROOT_PASSWORD", "minio-root"],
        ],
      );
      assert.strictEqual(container.readinessProbe.httpGet.path, "/minio/health/ready");
      assert.strictEqual(container.livenessProbe.httpGet.path, "/minio/health/live");
      const [job] = ofType(resources, JOB);
      const script = job.inputs.spec.template.spec.containers[0].command[2] as string;
      assert.match(script, /mc mb --ignore-existing platform\/state/);
      assert.match(script, /until mc alias set/);
      assert.deepStrictEqual(leakedSecrets(resources), []);
    });

    it("gives Flink the credentials from a Secret in its namespace and the exact plugin jars", async () => {
      const { resources } = await renderStores({
        storage: { type: "s3" },
        flink: { clusters: { a: {}, b: { namespace: "team-b", version: "2.2" } } },
      });
      const secrets = ofType(resources, SECRET).filter(
        (s) => s.inputs.metadata.name === "flink-s3-credentials",
      );
      assert.deepStrictEqual(secrets.map((s) => s.inputs.metadata.namespace).sort(), ["flink", "team-b"]);
      for (const [index, patch] of [
        [0, "1.20.4"],
        [1, "2.2.1"],
      ] as const) {
        const env = Object.fromEntries(mainContainer(resources, index).env.map((e: any) => [e.name, e]));
        assert.strictEqual(
          env.ENABLE_BUILT_IN_PLUGINS.value,
          `flink-s3-fs-presto-${patch}.jar;flink-s3-fs-hadoop-${patch}.jar`,
        );
        assert.deepStrictEqual(env.AWS_ACCESS_KEY_ID.valueFrom, {
          secretKeyRef: { name: "flink-s3-credentials", key: "accessKey" },
        });
        assert.deepStrictEqual(env.AWS_SECRET_ACCESS_KEY.valueFrom, {
          secretKeyRef: { name: "flink-s3-credentials", key: "secretKey" },
        });
        const conf = flinkConfigurationOf(resources, index);
        assert.strictEqual(conf["s3.endpoint"], "http://minio.flink.svc:9000");
        assert.strictEqual(conf["s3.path.style.access"], "true");
        assert.ok(
          !Object.keys(conf).some((k) => /access-key|secret-key/.test(k)),
          "no credential keys in Flink config",
        );
      }
      assert.deepStrictEqual(
        overlappingKeyPrefixes(Object.keys(flinkConfigurationOf(resources, 1))),
        [],
        "valid on Flink 2.x",
      );
      assert.deepStrictEqual(leakedSecrets(resources), []);
    });

    it("uses an existing credentials Secret for external S3 without creating one", async () => {
      const { resources } = await renderStores({
        storage: {
          type: "s3",
          s3: {
            mode: "external",
            external: {
              endpoint: "https://s3.example",
              credentialsSecret: { name: "s3-creds", accessKeyKey: "id", secretKeyKey: "key" },
            },
          },
        },
      });
      assert.deepStrictEqual(ofType(resources, SECRET), []);
      const env = Object.fromEntries(mainContainer(resources).env.map((e: any) => [e.name, e]));
      assert.deepStrictEqual(env.AWS_SECRET_ACCESS_KEY.valueFrom, {
        secretKeyRef: { name: "s3-creds", key: "key" },
      });
      assert.strictEqual(flinkConfigurationOf(resources)["s3.path.style.access"], "false");
    });

    it("turns secret config credentials into a Secret and nothing else", async () => {
      const accessKey = "AKIAEXAMPLEACCESSKEY";
      const secretKey = "example-secret-key-value-123";
      pulumi.runtime.setAllConfig(
        { "flink-platform:s3AccessKey": accessKey, "flink-platform:s3SecretKey": secretKey },
        ["flink-platform:s3AccessKey", "flink-platform:s3SecretKey"],
      );
      try {
        const config = parseConfig(
          {
            storage: { type: "s3", s3: { mode: "external", external: { endpoint: "https://s3.example" } } },
            streampark: { enabled: false },
          },
          { secretConfigKeys: new Set(["s3AccessKey", "s3SecretKey"]) },
        );
        const { resources } = await renderPlatform(config);
        const holders = resources.filter((r) => JSON.stringify(r.inputs).includes(secretKey));
        assert.deepStrictEqual(
          holders.map((r) => r.type),
          [SECRET],
        );
        assert.ok(!resources.some((r) => r.type !== SECRET && JSON.stringify(r.inputs).includes(accessKey)));
      } finally {
        pulumi.runtime.setAllConfig({});
      }
    });
  });

  it("keeps credentials out of the bucket Job's script", () => {
    assert.doesNotMatch(bucketScript("http://minio:9000", "flink"), /password\s*=|rootPassword/i);
    assert.match(bucketScript("http://minio:9000", "flink"), /"\$MINIO_ROOT_PASSWORD"/);
  });
});
