import * as assert from "assert";
import { zooServers } from "../../../components/state/zookeeper";
import { ofType, renderStores, flinkConfigurationOf } from "../../support/mocks";

const STATEFUL_SET = "kubernetes:apps/v1:StatefulSet";
const PDB = "kubernetes:policy/v1:PodDisruptionBudget";

describe("durable state and HA", () => {
  describe("ZooKeeper", () => {
    it("runs an ensemble whose ids follow the pod ordinal, with 4lw probes and a PDB", async () => {
      const { resources } = await renderStores({
        storage: { type: "s3" },
        ha: { type: "zookeeper", zookeeper: { managed: { replicas: 3 } } },
      });
      const zk = ofType(resources, STATEFUL_SET).find((s) => s.inputs.metadata.name === "zookeeper");
      assert.ok(zk);
      assert.strictEqual(zk.inputs.spec.replicas, 3);
      const container = zk.inputs.spec.template.spec.containers[0];
      assert.match(container.command[2], /ZOO_MY_ID=\$\(\( \$\{HOSTNAME##\*-\} \+ 1 \)\)/);
      const env = Object.fromEntries(container.env.map((e: any) => [e.name, e.value]));
      assert.strictEqual(env.ZOO_SERVERS, zooServers("zookeeper", "flink", 3));
      assert.match(
        env.ZOO_SERVERS,
        /^server\.1=zookeeper-0\.zookeeper-headless\.flink\.svc:2888:3888;2181 server\.2=/,
      );
      assert.strictEqual(env.ZOO_4LW_COMMANDS_WHITELIST, "ruok,srvr,mntr");
      // ZooKeeper 3.9.4 exits on an unknown provider class: the class of zookeeper-prometheus-metrics, exactly.
      assert.match(
        env.ZOO_CFG_EXTRA,
        /(^| )metricsProvider\.className=org\.apache\.zookeeper\.metrics\.prometheus\.PrometheusMetricsProvider( |$)/,
      );
      assert.match(container.livenessProbe.exec.command[2], /echo ruok/);
      const headless = ofType(resources, "kubernetes:core/v1:Service").find(
        (s) => s.inputs.metadata.name === "zookeeper-headless",
      );
      assert.strictEqual(headless?.inputs.spec.publishNotReadyAddresses, true);
      // A 3-node ensemble keeps its quorum through a drain only if at most one member is down at a time.
      const pdb = ofType(resources, PDB).find((p) => p.inputs.metadata.name === "zookeeper");
      assert.deepStrictEqual(pdb?.inputs.spec.maxUnavailable, 1);
      assert.deepStrictEqual(
        pdb?.inputs.spec.selector,
        ofType(resources, "kubernetes:apps/v1:StatefulSet").find(
          (s) => s.inputs.metadata.name === "zookeeper",
        )?.inputs.spec.selector,
      );
      const conf = flinkConfigurationOf(resources);
      assert.strictEqual(conf["high-availability.zookeeper.quorum"], "zookeeper.flink.svc:2181");
      assert.strictEqual(conf["high-availability.zookeeper.path.root"], "/flink/flink/session");
    });

    it("uses an external quorum without running ZooKeeper", async () => {
      const { resources } = await renderStores({
        storage: { type: "s3" },
        ha: {
          type: "zookeeper",
          zookeeper: { mode: "external", rootPath: "/prod", external: { quorum: "zk1:2181,zk2:2181" } },
        },
      });
      assert.strictEqual(ofType(resources, "flink-platform:state:ZooKeeper").length, 0);
      assert.strictEqual(
        flinkConfigurationOf(resources)["high-availability.zookeeper.quorum"],
        "zk1:2181,zk2:2181",
      );
      assert.strictEqual(
        flinkConfigurationOf(resources)["high-availability.zookeeper.path.root"],
        "/prod/flink/session",
      );
    });
  });
});
