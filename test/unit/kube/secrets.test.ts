/**
 * Render mode writes no secret value to disk unless the stack opts in: the platform's Secrets are left out of the
 * manifests and listed as `secretsToProvide`, and the workloads still reference them by name and key.
 */
import * as assert from "assert";
import { parseConfig } from "../../../components/config/parse";
import { readStackConfig } from "../../../stacks/shared/stackFiles";
import { ofType, renderPlatform } from "../../support/mocks";

const SECRET = "kubernetes:core/v1:Secret";
const PASSWORD = "random:index/randomPassword:RandomPassword";

/** Every Secret a workload of the render references, as "namespace/name:key". */
function referenced(resources: Awaited<ReturnType<typeof renderPlatform>>["resources"]): Set<string> {
  const refs = new Set<string>();
  for (const r of resources) {
    const namespace = r.inputs.metadata?.namespace;
    JSON.stringify(r.inputs, (key, value: unknown) => {
      const ref = value as { name?: string; key?: string } | undefined;
      if (key === "secretKeyRef" && ref?.name && ref.key) {
        refs.add(`${namespace}/${ref.name}:${ref.key}`);
      }
      return value;
    });
  }
  return refs;
}

describe("Secrets in render mode", () => {
  const prod = readStackConfig("prod");
  const rendered = (renderSecrets?: boolean) =>
    parseConfig({
      ...prod,
      kubernetes: { renderYamlToDirectory: "out", ...(renderSecrets === undefined ? {} : { renderSecrets }) },
      // A managed store and MySQL too, so that every kind of generated credential is in play.
      storage: { type: "s3" },
      ha: { type: "kubernetes" },
      hive: { enabled: false },
    });

  it("leaves every Secret and generated password out, and lists what to provide", async () => {
    const { platform, resources } = await renderPlatform(rendered());
    assert.deepStrictEqual(ofType(resources, SECRET), []);
    assert.deepStrictEqual(ofType(resources, PASSWORD), []);
    assert.deepStrictEqual(
      platform.secretsToProvide.map((s) => `${s.namespace}/${s.name}: ${s.keys.join(",")}`),
      [
        "flink/flink-operator-webhook-keystore: password",
        "flink/minio-root: rootUser,rootPassword",
        "flink/minio-users: flink,flink-etl",
        "flink/flink-s3-credentials: accessKey,secretKey",
        "flink-etl/flink-s3-credentials: accessKey,secretKey",
        "flink/mysql-admin: username,password,root-password",
        "flink/mysql-streampark: host,port,database,username,password",
        "flink/oauth2-proxy-analytics: cookie-secret",
        "flink/streampark-admin: username,password",
      ],
    );
    // What the workloads read is among what the user is told to provide.
    const provided = new Set(
      platform.secretsToProvide.flatMap((s) => s.keys.map((k) => `${s.namespace}/${s.name}:${k}`)),
    );
    // The OAuth client secret is in a Secret the stack names as existing (clientSecretRef): the user's anyway.
    for (const ref of [...referenced(resources)].filter((r) => r !== "flink/flink-ui-oauth:client-secret")) {
      assert.ok(provided.has(ref), `${ref} is referenced but not listed`);
    }
  });

  it("writes them when the stack opts in, and always on a cluster", async () => {
    for (const config of [
      rendered(true),
      parseConfig({ ...prod, storage: { type: "s3" }, ha: { type: "kubernetes" } }),
    ]) {
      const { platform, resources } = await renderPlatform(config);
      assert.ok(ofType(resources, SECRET).length >= 7);
      assert.ok(ofType(resources, PASSWORD).length >= 5);
      assert.deepStrictEqual(platform.secretsToProvide, []);
    }
  });
});
