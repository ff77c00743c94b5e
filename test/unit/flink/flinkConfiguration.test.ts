/**
 * The user's Flink configuration: credentials of any provider refused by one rule, keys the platform manages
 * refused with the config key to use instead, line breaks refused.
 */
import * as assert from "assert";
import { forbiddenFlinkKeyProblem, isCredentialKey } from "../../../components/flink/flinkConfiguration";
import { problemsOf } from "../../support/configProblems";

describe("Flink configuration rules", () => {
  it("recognizes credentials of every provider", () => {
    for (const key of [
      "s3.access-key",
      "s3.secret-key",
      "s3.access.key",
      "fs.s3a.access.key",
      "fs.s3a.secret.key",
      "fs.s3a.session.token",
      "fs.oss.accessKeyId",
      "fs.oss.accessKeySecret",
      "fs.azure.account.key.myaccount.dfs.core.windows.net",
      "fs.azure.account.oauth2.client.secret",
      "fs.gs.auth.service.account.private.key",
      "security.ssl.keystore-password",
      "security.ssl.internal.key-password",
      "security.ssl.rest.truststore-password",
      "metrics.reporter.datadog.apikey",
      "properties.sasl.jaas.config",
      "my.connector.password",
      "my.connector.api-key",
      "my.connector.clientSecret",
      "my.connector.credentials",
    ]) {
      assert.ok(isCredentialKey(key), key);
    }
  });

  it("leaves settings that only name or reference secrets alone", () => {
    for (const key of [
      "kubernetes.secrets",
      "kubernetes.env.secretKeyRef",
      "security.delegation.token.provider.hadoopfs.enabled",
      "security.kerberos.login.keytab",
      "security.ssl.keystore",
      "fs.azure.sas.token.provider.type",
      "pipeline.max-parallelism",
      "taskmanager.memory.managed.fraction",
      "fs.s3a.aws.credentials.provider.mapping",
    ]) {
      assert.ok(!isCredentialKey(key), key);
    }
  });

  it("refuses keys the platform manages, naming the config key to set", () => {
    const expected: Record<string, RegExp> = {
      "high-availability.type": /set ha\.type/,
      "high-availability.storageDir": /set ha\.type/,
      "high-availability": /set ha\.type/,
      "metrics.reporter.prom.port": /monitoring/,
      "metrics.reporters": /monitoring/,
      "kubernetes.operator.pod-template.merge-arrays-by-name": /merges pod templates/,
      "taskmanager.numberOfTaskSlots": /taskManager\.slots/,
      "execution.checkpointing.dir": /storage\.type/,
      "state.savepoints.dir": /storage\.type/,
      "state.backend.type": /flink\.checkpoints\.stateBackend/,
      "s3.endpoint": /storage\.s3/,
    };
    for (const [key, use] of Object.entries(expected)) {
      assert.match(forbiddenFlinkKeyProblem(key) ?? "", use, key);
    }
    assert.strictEqual(forbiddenFlinkKeyProblem("pipeline.object-reuse"), undefined);
  });

  it("refuses line breaks in keys and values", () => {
    assert.deepStrictEqual(
      problemsOf({
        flink: { clusters: { session: { flinkConfiguration: { "a.b": "x\ny", "c\nd": "z" } } } },
      }).sort(),
      [
        "flink.clusters.session.flinkConfiguration.a.b: must not contain line breaks",
        "flink.clusters.session.flinkConfiguration.c\nd: must not contain line breaks",
      ],
    );
  });
});
