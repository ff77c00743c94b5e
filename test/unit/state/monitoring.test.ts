import * as assert from "assert";
import { ofType, renderStores } from "../../support/mocks";

const STATEFUL_SET = "kubernetes:apps/v1:StatefulSet";

describe("backing services in monitoring", () => {
  it("scrapes managed MinIO and ZooKeeper on their metrics ports", async () => {
    const { resources } = await renderStores({ storage: { type: "s3" }, ha: { type: "zookeeper" } });
    const monitors = ofType(resources, "kubernetes:monitoring.coreos.com/v1:PodMonitor");
    const byName = Object.fromEntries(monitors.map((m) => [m.inputs.metadata.name, m.inputs.spec]));
    assert.deepStrictEqual(byName.minio.podMetricsEndpoints[0].port, "s3");
    assert.deepStrictEqual(byName.minio.podMetricsEndpoints[0].path, "/minio/v2/metrics/cluster");
    assert.deepStrictEqual(byName.zookeeper.podMetricsEndpoints[0].port, "metrics");
    const [zk] = ofType(resources, STATEFUL_SET).filter((s) => s.inputs.metadata.name === "zookeeper");
    const labels = zk.inputs.spec.template.metadata.labels;
    for (const [key, value] of Object.entries(byName.zookeeper.selector.matchLabels)) {
      assert.strictEqual(labels[key], value);
    }
  });
});
