/**
 * Object names: a cluster's objects (and Flink's, named after it) never take another part's or another cluster's
 * names, and the lists validation works from are the names the program really registers.
 */
import * as assert from "assert";
import {
  applicationObjects,
  clusterExtraObjects,
  clusterObjects,
  platformObjects,
} from "../../../components/config/objectNames";
import { parseConfig } from "../../../components/config/parse";
import { readStackConfig, stackNames } from "../../../stacks/shared/stackFiles";
import { problemsOf } from "../../support/configProblems";
import { renderRaw } from "../../support/mocks";

describe("config: object names", () => {
  it("refuses a cluster whose objects take the operator's, a store's or StreamPark's names", () => {
    assert.match(
      problemsOf({ flink: { clusters: { session: {}, operator: {} } } }).join("\n"),
      /^flink\.clusters\.operator: its ServiceAccount 'flink-operator' clashes with operator's in namespace flink; rename/m,
    );
    assert.match(
      problemsOf({ storage: { type: "s3" }, flink: { clusters: { minio: {} } } }).join("\n"),
      /^flink\.clusters\.minio: its Service 'minio' clashes with storage\.s3's/m,
    );
    assert.match(
      problemsOf({ flink: { clusters: { streampark: {} } } }).join("\n"),
      /clashes with streampark's/,
    );
    // Another namespace is another name space.
    assert.doesNotThrow(() => parseConfig({ flink: { clusters: { streampark: { namespace: "jobs" } } } }));
  });

  it("refuses two clusters whose derived names meet", () => {
    assert.deepStrictEqual(problemsOf({ flink: { clusters: { etl: {}, "etl-rest": {} } } }), [
      "flink.clusters.etl-rest: its Service 'etl-rest' clashes with flink.clusters.etl's in namespace flink; rename the cluster or move it to another namespace",
    ]);
  });

  it("lists every object the program registers under the names validation checks", async () => {
    const configs = [
      ...stackNames().map((stack) => readStackConfig(stack)),
      { storage: { type: "s3" }, ha: { type: "zookeeper" }, hive: { enabled: false } },
    ];
    const kinds = new Set([
      "Service",
      "StatefulSet",
      "Deployment",
      "Secret",
      "PersistentVolumeClaim",
      "Job",
      "ServiceAccount",
      "Role",
      "RoleBinding",
      "PodDisruptionBudget",
      "FlinkDeployment",
      "FlinkSessionJob",
      "PodMonitor",
      "PrometheusRule",
    ]);
    for (const raw of configs) {
      const config = parseConfig(raw);
      const known = new Set(
        [
          ...platformObjects(config, config.namespaces),
          ...config.flink.clusters.flatMap((c) => [...clusterObjects(c), ...clusterExtraObjects(c)]),
          ...config.flink.applications.flatMap(applicationObjects),
        ].map((o) => `${o.namespace}/${o.kind}/${o.name}`),
      );
      const { resources } = await renderRaw(raw);
      const registered = resources
        .filter((r) => r.custom && kinds.has(r.type.split(":")[2]))
        .map((r) => `${r.inputs.metadata.namespace}/${r.type.split(":")[2]}/${r.inputs.metadata.name}`)
        // Jobs named after a hash of their inputs are unique by construction.
        .filter((id) => !/\/Job\/(mysql-database|streampark-bootstrap|minio-setup)-/.test(id))
        .filter((id) => !/\/Secret\/mysql-/.test(id) && !/\/Secret\/flink-s3-credentials/.test(id));
      const missing = registered.filter((id) => !known.has(id));
      assert.deepStrictEqual(missing, [], JSON.stringify(raw));
    }
  });
});
