import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { parseConfig } from "../../../components/config/parse";
import { overlappingKeyPrefixes } from "../../../components/flink/flinkConfiguration";
import { minioSetupScript, s3GrantPolicy, s3Grants } from "../../../components/state/minioAccess";
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

/** A recorded Secret's values (the mocks keep secret inputs wrapped). */
function stringData(secret: RecordedResource | undefined): Record<string, string> {
  assert.ok(secret, "the Secret exists");
  return secret.inputs.stringData.value ?? secret.inputs.stringData;
}

function mainContainer(resources: readonly RecordedResource[], cluster = 0): Record<string, any> {
  return ofType(resources, FLINK_DEPLOYMENT)[cluster].inputs.spec.podTemplate.spec.containers[0];
}

describe("durable state and HA", () => {
  describe("S3", () => {
    it("runs MinIO with generated root credentials in a Secret and creates the bucket idempotently", async () => {
      const { resources } = await renderStores({ storage: { type: "s3", s3: { bucket: "state" } } });
      const passwords = ofType(resources, "random:index/randomPassword:RandomPassword");
      assert.deepStrictEqual(
        passwords.map((p) => p.name),
        ["minio-root-user", "minio-root-password", "minio-user-flink"],
        "root credentials and the one consumer namespace's user",
      );
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
      assert.match(script, /until mc ls platform/);
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
        // One S3 plugin per process: two both register the s3:// scheme and Flink warns about it.
        assert.strictEqual(env.ENABLE_BUILT_IN_PLUGINS.value, `flink-s3-fs-presto-${patch}.jar`);
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

  describe("MinIO identities", () => {
    it("gives each consumer namespace its own user, limited to its own prefix and the shared paths", () => {
      const grants = s3Grants(["flink", "team-b", "flink"], "state", ["warehouse"]);
      assert.deepStrictEqual(
        grants.map((g) => [g.namespace, g.prefixes]),
        [
          ["flink", ["state/flink", "state/warehouse"]],
          ["team-b", ["state/team-b", "state/warehouse"]],
        ],
      );
      for (const grant of grants) {
        assert.match(grant.user, /^ns-[0-9a-f]{10}$/, "within MinIO's 3-20 characters");
      }
      assert.notStrictEqual(grants[0].user, grants[1].user);
      assert.deepStrictEqual(s3GrantPolicy("flink", grants[1]), {
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Action: ["s3:GetBucketLocation"], Resource: ["arn:aws:s3:::flink"] },
          {
            Effect: "Allow",
            Action: ["s3:ListBucket"],
            Resource: ["arn:aws:s3:::flink"],
            Condition: {
              StringLike: {
                "s3:prefix": ["state/team-b", "state/team-b/*", "state/warehouse", "state/warehouse/*"],
              },
            },
          },
          {
            Effect: "Allow",
            Action: [
              "s3:GetObject",
              "s3:PutObject",
              "s3:DeleteObject",
              "s3:AbortMultipartUpload",
              "s3:ListMultipartUploadParts",
            ],
            Resource: ["arn:aws:s3:::flink/state/team-b/*", "arn:aws:s3:::flink/state/warehouse/*"],
          },
        ],
      });
    });

    it("sets up bucket, policies and users idempotently with no credential in the script", () => {
      const script = minioSetupScript("flink", s3Grants(["flink", "team-b"], "flink"));
      assert.match(script, /^until mc ls platform >\/dev\/null 2>&1; do$/m);
      assert.match(script, /^mc mb --ignore-existing platform\/flink$/m);
      assert.strictEqual(
        script.match(/^mc admin policy create platform ns-\w+ \/tmp\/ns-\w+\.json >\/dev\/null$/gm)?.length,
        2,
      );
      assert.match(
        script,
        /^printf '%s\\n' "\$GRANT_SECRET_KEY_1" \| mc admin user add platform ns-\w+ >\/dev\/null$/m,
      );
      assert.match(script, /\*"already in effect"\*\) ;;/);
      assert.doesNotMatch(
        script,
        /MINIO_ROOT|alias set|password/i,
        "root credentials only through MC_HOST_platform",
      );
    });

    it("hands Flink its namespace's user, never the root credentials", async () => {
      const { resources } = await renderStores({
        storage: { type: "s3", pathPrefix: "state" },
        flink: { clusters: { a: {}, b: { namespace: "team-b" } } },
      });
      const [job] = ofType(resources, JOB).filter((j) => j.inputs.metadata.name.startsWith("minio-setup-"));
      const pod = job.inputs.spec.template.spec;
      assert.strictEqual(pod.automountServiceAccountToken, false);
      const env = Object.fromEntries(pod.containers[0].env.map((e: any) => [e.name, e]));
      assert.strictEqual(
        env.MC_HOST_platform.value,
        "http://$(MINIO_ROOT_USER):$(MINIO_ROOT_PASSWORD)@minio:9000",
      );
      const names = pod.containers[0].env.map((e: any) => e.name);
      assert.ok(
        names.indexOf("MINIO_ROOT_PASSWORD") < names.indexOf("MC_HOST_platform"),
        "defined before use",
      );
      assert.deepStrictEqual(
        [env.GRANT_SECRET_KEY_0.valueFrom.secretKeyRef, env.GRANT_SECRET_KEY_1.valueFrom.secretKeyRef],
        [
          { name: "minio-users", key: "flink" },
          { name: "minio-users", key: "team-b" },
        ],
      );
      const credentials = ofType(resources, SECRET).filter(
        (s) => s.inputs.metadata.name === "flink-s3-credentials",
      );
      const grants = s3Grants(["flink", "team-b"], "state");
      for (const grant of grants) {
        const secret = credentials.find((s) => s.inputs.metadata.namespace === grant.namespace);
        assert.strictEqual(stringData(secret).accessKey, grant.user);
      }
      const root = ofType(resources, SECRET).find((s) => s.inputs.metadata.name === "minio-root");
      const rootPassword = stringData(root).rootPassword;
      assert.ok(rootPassword);
      assert.ok(
        !credentials.some((s) => JSON.stringify(s.inputs).includes(rootPassword)),
        "no consumer Secret holds the root password",
      );
    });
  });
});
