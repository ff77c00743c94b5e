/**
 * One error lists every problem: the schema's and the cross-field checks' together, and one broken key never hides
 * another (a bad cluster name hides nothing of that cluster).
 */
import * as assert from "assert";
import { mentionsKey } from "../../../components/config/parse";
import { problemsOf } from "../../support/configProblems";

describe("config: every problem in one error", () => {
  it("reports schema problems and cross-field problems together", () => {
    const problems = problemsOf({
      operator: { install: "maybe", webhook: true },
      flink: { clusters: { session: { jobManager: { replicas: 2 } } } },
      storage: { type: "s3", s3: { mode: "external" } },
    });
    assert.deepStrictEqual(problems.sort(), [
      "flink.clusters.session.jobManager.replicas: 2 JobManagers need HA (standby JobManagers find the leader through it); set ha.type to kubernetes or zookeeper, or set replicas to 1",
      "operator.install: must be true or false",
      "operator.webhook: the admission webhook needs cert-manager for its certificate; install cert-manager and set operator.certManager: true, or set operator.webhook: false",
      "storage.s3.external.credentialsSecret: external S3 needs credentials: name an existing Secret here, or set both secret config keys (pulumi config set --secret s3AccessKey ...; pulumi config set --secret s3SecretKey ...)",
      "storage.s3.external.endpoint: required for an external S3 store",
    ]);
  });

  it("reports a bad cluster name with the cluster's other problems", () => {
    const problems = problemsOf({
      flink: {
        clusters: {
          Bad_Name: {
            taskManager: { slots: 0 },
            ingress: { enabled: true },
            flinkConfiguration: { "s3.secret-key": "x" },
          },
        },
      },
    });
    assert.deepStrictEqual(problems.map((p) => p.split(":")[0]).sort(), [
      "flink.clusters.Bad_Name",
      "flink.clusters.Bad_Name.flinkConfiguration.s3.secret-key",
      "flink.clusters.Bad_Name.ingress.host",
      "flink.clusters.Bad_Name.taskManager.slots",
    ]);
    assert.ok(
      problems.some((p) => /^flink\.clusters\.Bad_Name: invalid cluster name: must be DNS-safe/.test(p)),
    );
  });

  it("keeps two broken keys of one object apart", () => {
    const problems = problemsOf({
      mysql: { external: { port: "none", username: "" }, storage: { size: "0Gi" } },
    });
    assert.deepStrictEqual(problems.map((p) => p.split(":")[0]).sort(), [
      "mysql.external.port",
      "mysql.external.username",
      "mysql.storage.size",
    ]);
  });

  it("does not speak of a refused key's default", () => {
    // storage.type is refused; the Hive check would otherwise complain that the default "none" is no store.
    const problems = problemsOf({ storage: { type: "s4" }, hive: { enabled: true } });
    assert.deepStrictEqual(
      problems.map((p) => p.split(":")[0]),
      ["storage.type"],
    );
  });

  it("lists name clashes with the schema's problems and the other cross-field problems", () => {
    const problems = problemsOf({
      ha: "kubernetes",
      operator: { install: "maybe" },
      storage: { type: "s3" },
      hive: { enabled: true },
      flink: {
        checkpoints: { incremental: true },
        clusters: { session: {}, minio: {}, etl: {}, "etl-rest": {}, et: "not a cluster" },
      },
    });
    assert.deepStrictEqual(problems.map((p) => p.split(": ")[0]).sort(), [
      "flink.checkpoints.incremental",
      "flink.clusters.et",
      "flink.clusters.etl-rest",
      "flink.clusters.minio",
      "ha",
      "hive.warehouse.store",
      "operator.install",
    ]);
    assert.ok(
      problems.some((p) => /^flink\.clusters\.etl-rest: .* clashes with flink\.clusters\.etl's/.test(p)),
    );
    assert.ok(problems.some((p) => /^flink\.clusters\.minio: .* clashes with storage\.s3's/.test(p)));
  });

  it("drops a cross-field problem only where it names a refused key as a whole", () => {
    assert.ok(mentionsKey("set ha.type to kubernetes", "ha"));
    assert.ok(mentionsKey("clashes with storage.s3's in namespace flink", "storage.s3"));
    assert.ok(mentionsKey("ha.zookeeper.mode", "ha.zookeeper"));
    assert.ok(!mentionsKey("or change hive.warehouse.store", "ha"));
    assert.ok(!mentionsKey("clashes with flink.clusters.etl's", "flink.clusters.et"));
    assert.ok(!mentionsKey("see flink.clusters.etl-rest", "flink.clusters.etl"));
    assert.ok(!mentionsKey("storage.s3.mode", "s3.mode"));
  });

  it("reports a request above its limit next to the area's own checks", () => {
    assert.deepStrictEqual(problemsOf({ streampark: { resources: { limits: { memory: "768Mi" } } } }), [
      "streampark.resources.limits.memory: StreamPark's JVM needs at least 1Gi (its heap is half the limit)",
      "streampark.resources.requests.memory: 2Gi is more than streampark.resources.limits.memory (768Mi); raise the limit or lower the request",
    ]);
  });
});
