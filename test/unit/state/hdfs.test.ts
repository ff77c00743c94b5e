import * as assert from "assert";
import { NAMENODE_COMMAND } from "../../../components/state/hdfs";
import { FLINK_DEPLOYMENT, ofType, renderStores, flinkConfigurationOf } from "../../support/mocks";

const STATEFUL_SET = "kubernetes:apps/v1:StatefulSet";
const CONFIG_MAP = "kubernetes:core/v1:ConfigMap";
const JOB = "kubernetes:batch/v1:Job";

describe("durable state and HA", () => {
  describe("HDFS", () => {
    it("formats the NameNode only when its directory is empty", () => {
      assert.match(
        NAMENODE_COMMAND,
        /^if \[ ! -d \/data\/nn\/current \]; then hdfs namenode -format -nonInteractive; fi; exec hdfs namenode$/,
      );
    });

    it("runs NameNode and DataNodes on PVCs with the HDFS ports, and a base directory Job", async () => {
      const { resources } = await renderStores({
        storage: { type: "hdfs", hdfs: { managed: { dataNodes: 3, replication: 2 } } },
      });
      const [nameNode, dataNode] = ofType(resources, STATEFUL_SET);
      assert.strictEqual(nameNode.inputs.metadata.name, "hdfs-namenode");
      assert.strictEqual(dataNode.inputs.spec.replicas, 3);
      const nnPorts = nameNode.inputs.spec.template.spec.containers[0].ports.map((p: any) => p.containerPort);
      assert.deepStrictEqual(nnPorts, [8020, 9870]);
      const dnPorts = dataNode.inputs.spec.template.spec.containers[0].ports.map((p: any) => p.containerPort);
      assert.deepStrictEqual(dnPorts, [9866, 9864, 9867]);
      const env = Object.fromEntries(
        nameNode.inputs.spec.template.spec.containers[0].env.map((e: any) => [e.name, e.value]),
      );
      assert.strictEqual(env["HDFS-SITE.XML_dfs.replication"], "2");
      assert.strictEqual(env["CORE-SITE.XML_fs.defaultFS"], "hdfs://hdfs-namenode.flink.svc:8020");
      const [job] = ofType(resources, JOB);
      assert.match(
        job.inputs.spec.template.spec.containers[0].args[2],
        /hdfs dfs -mkdir -p \/flink\nhdfs dfs -chown flink \/flink/,
      );
    });

    it("gives Flink a Hadoop configuration ConfigMap and the Hadoop client on its classpath", async () => {
      const { resources } = await renderStores({
        storage: {
          type: "hdfs",
          hdfs: { mode: "external", external: { defaultFS: "hdfs://nn.example:8020" } },
        },
        platform: { artifacts: { mavenRepository: "https://maven.mirror.example/releases" } },
      });
      const [cm] = ofType(resources, CONFIG_MAP);
      assert.strictEqual(cm.inputs.metadata.name, "flink-hadoop-conf");
      assert.match(
        cm.inputs.data["core-site.xml"],
        /<name>fs\.defaultFS<\/name>\n\s*<value>hdfs:\/\/nn\.example:8020<\/value>/,
      );
      assert.strictEqual(
        flinkConfigurationOf(resources)["kubernetes.hadoop.conf.config-map.name"],
        "flink-hadoop-conf",
      );
      const podSpec = ofType(resources, FLINK_DEPLOYMENT)[0].inputs.spec.podTemplate.spec;
      const [init] = podSpec.initContainers;
      assert.deepStrictEqual(init.env, [
        { name: "MAVEN_REPOSITORY", value: "https://maven.mirror.example/releases" },
      ]);
      assert.match(init.command[2], /sha256sum -c -/);
      const env = Object.fromEntries(podSpec.containers[0].env.map((e: any) => [e.name, e.value]));
      assert.strictEqual(
        env.HADOOP_CLASSPATH,
        "/opt/flink/extra-lib/hadoop-client-api-3.4.1.jar:/opt/flink/extra-lib/hadoop-client-runtime-3.4.1.jar",
      );
      assert.strictEqual(env.HADOOP_USER_NAME, "flink");
      assert.match(
        init.command[2],
        /fetch org\/apache\/hadoop\/hadoop-client-runtime\/3\.4\.1\/hadoop-client-runtime-3\.4\.1\.jar hadoop-client-runtime-3\.4\.1\.jar f6a800a159f918670db533606d33560d6c13b7e13f14eda493280ae33b9eeb2f/,
      );
    });
    it("fetches nothing when the Flink image carries the jars itself", async () => {
      const { resources } = await renderStores({
        storage: {
          type: "hdfs",
          hdfs: { mode: "external", external: { defaultFS: "hdfs://nn.example:8020" } },
        },
        platform: { artifacts: { fetchJars: false } },
      });
      const podSpec = ofType(resources, FLINK_DEPLOYMENT)[0].inputs.spec.podTemplate.spec;
      assert.strictEqual(podSpec.initContainers, undefined);
      assert.ok(!podSpec.containers[0].env.some((e: any) => e.name === "HADOOP_CLASSPATH"));
    });
  });
});
