import * as assert from "assert";
import { problemsOf } from "../support/configProblems";
import * as pulumi from "@pulumi/pulumi";
import { ConfigError, parseConfig } from "../../components/config";
import { overlappingKeyPrefixes } from "../../components/flinkConfiguration";
import { bucketScript } from "../../components/state/minio";
import { NAMENODE_COMMAND } from "../../components/state/hdfs";
import { zooServers } from "../../components/state/zookeeper";
import {
  FLINK_DEPLOYMENT,
  leakedSecrets,
  ofType,
  RecordedResource,
  renderPlatform,
  renderRaw as renderPlatformRaw,
} from "../support/mocks";

/** These suites look at the stores alone: StreamPark (and the MySQL it needs) stays off unless a test turns it on. */
const renderRaw = (raw: Record<string, unknown>) =>
  renderPlatformRaw({ streampark: { enabled: false }, ...raw });

const STATEFUL_SET = "kubernetes:apps/v1:StatefulSet";
const SECRET = "kubernetes:core/v1:Secret";
const CONFIG_MAP = "kubernetes:core/v1:ConfigMap";
const JOB = "kubernetes:batch/v1:Job";
const PDB = "kubernetes:policy/v1:PodDisruptionBudget";

const HA_TYPES = ["off", "kubernetes", "zookeeper"] as const;
const STORAGE: Record<string, Record<string, unknown>> = {
  none: { type: "none" },
  "s3 managed": { type: "s3" },
  "s3 external": {
    type: "s3",
    s3: {
      mode: "external",
      bucket: "checkpoints",
      external: { endpoint: "https://s3.eu-west-1.amazonaws.com", credentialsSecret: { name: "aws-flink" } },
    },
  },
  "hdfs managed": { type: "hdfs" },
  "hdfs external": {
    type: "hdfs",
    hdfs: { mode: "external", external: { defaultFS: "hdfs://nn.data.example:8020" } },
  },
};

function flinkConf(resources: readonly RecordedResource[], cluster = 0): Record<string, string> {
  return ofType(resources, FLINK_DEPLOYMENT)[cluster].inputs.spec.flinkConfiguration;
}

function mainContainer(resources: readonly RecordedResource[], cluster = 0): Record<string, any> {
  return ofType(resources, FLINK_DEPLOYMENT)[cluster].inputs.spec.podTemplate.spec.containers[0];
}

describe("durable state and HA", () => {
  describe("the ha x storage matrix", () => {
    for (const ha of HA_TYPES) {
      for (const [storageName, storage] of Object.entries(STORAGE)) {
        const raw = { storage, ha: { type: ha } };
        if (ha !== "off" && storageName === "none") {
          it(`ha ${ha} without storage is a config error`, () => {
            assert.ok(problemsOf(raw).some((p) => p.startsWith("ha.type: ") && /durable storage/.test(p)));
          });
          continue;
        }
        it(`ha ${ha} with storage ${storageName} renders, keeps secrets in Secrets, and uses the right keys`, async () => {
          const { resources } = await renderRaw(raw);
          assert.deepStrictEqual(leakedSecrets(resources), []);
          const conf = flinkConf(resources);
          assert.strictEqual(conf["execution.checkpointing.interval"], "60 s");
          if (storageName === "none") {
            assert.strictEqual(conf["execution.checkpointing.dir"], undefined);
          } else {
            const base = storageName.startsWith("s3")
              ? `s3p://${storageName === "s3 managed" ? "flink" : "checkpoints"}/flink/flink/session`
              : `${storageName === "hdfs managed" ? "hdfs://hdfs-namenode.flink.svc:8020" : "hdfs://nn.data.example:8020"}/flink/flink/session`;
            assert.strictEqual(conf["execution.checkpointing.dir"], `${base}/checkpoints`);
            assert.strictEqual(conf["execution.checkpointing.savepoint-dir"], `${base}/savepoints`);
            assert.strictEqual(conf["high-availability.storageDir"], ha === "off" ? undefined : `${base}/ha`);
          }
          assert.strictEqual(conf["high-availability.type"], ha === "off" ? undefined : ha);
          assert.strictEqual(
            ofType(resources, "flink-platform:state:ZooKeeper").length,
            ha === "zookeeper" ? 1 : 0,
          );
          assert.strictEqual(
            ofType(resources, "flink-platform:state:Minio").length,
            storageName === "s3 managed" ? 1 : 0,
          );
          assert.strictEqual(
            ofType(resources, "flink-platform:state:Hdfs").length,
            storageName === "hdfs managed" ? 1 : 0,
          );
        });
      }
    }
  });

  describe("S3", () => {
    it("runs MinIO with generated root credentials in a Secret and creates the bucket idempotently", async () => {
      const { resources } = await renderRaw({ storage: { type: "s3", s3: { bucket: "state" } } });
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
      const { resources } = await renderRaw({
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
        const conf = flinkConf(resources, index);
        assert.strictEqual(conf["s3.endpoint"], "http://minio.flink.svc:9000");
        assert.strictEqual(conf["s3.path.style.access"], "true");
        assert.ok(
          !Object.keys(conf).some((k) => /access-key|secret-key/.test(k)),
          "no credential keys in Flink config",
        );
      }
      assert.deepStrictEqual(
        overlappingKeyPrefixes(Object.keys(flinkConf(resources, 1))),
        [],
        "valid on Flink 2.x",
      );
      assert.deepStrictEqual(leakedSecrets(resources), []);
    });

    it("uses an existing credentials Secret for external S3 without creating one", async () => {
      const { resources } = await renderRaw({
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
      assert.strictEqual(flinkConf(resources)["s3.path.style.access"], "false");
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

  describe("HDFS", () => {
    it("formats the NameNode only when its directory is empty", () => {
      assert.match(
        NAMENODE_COMMAND,
        /^if \[ ! -d \/data\/nn\/current \]; then hdfs namenode -format -nonInteractive; fi; exec hdfs namenode$/,
      );
    });

    it("runs NameNode and DataNodes on PVCs with the HDFS ports, and a base directory Job", async () => {
      const { resources } = await renderRaw({
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
      const { resources } = await renderRaw({
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
      assert.strictEqual(flinkConf(resources)["kubernetes.hadoop.conf.config-map.name"], "flink-hadoop-conf");
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
      const { resources } = await renderRaw({
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

  describe("ZooKeeper", () => {
    it("runs an ensemble whose ids follow the pod ordinal, with 4lw probes and a PDB", async () => {
      const { resources } = await renderRaw({
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
      assert.match(container.livenessProbe.exec.command[2], /echo ruok/);
      const headless = ofType(resources, "kubernetes:core/v1:Service").find(
        (s) => s.inputs.metadata.name === "zookeeper-headless",
      );
      assert.strictEqual(headless?.inputs.spec.publishNotReadyAddresses, true);
      assert.ok(ofType(resources, PDB).some((p) => p.inputs.metadata.name === "zookeeper"));
      const conf = flinkConf(resources);
      assert.strictEqual(conf["high-availability.zookeeper.quorum"], "zookeeper.flink.svc:2181");
      assert.strictEqual(conf["high-availability.zookeeper.path.root"], "/flink/flink/session");
    });

    it("uses an external quorum without running ZooKeeper", async () => {
      const { resources } = await renderRaw({
        storage: { type: "s3" },
        ha: {
          type: "zookeeper",
          zookeeper: { mode: "external", rootPath: "/prod", external: { quorum: "zk1:2181,zk2:2181" } },
        },
      });
      assert.strictEqual(ofType(resources, "flink-platform:state:ZooKeeper").length, 0);
      assert.strictEqual(flinkConf(resources)["high-availability.zookeeper.quorum"], "zk1:2181,zk2:2181");
      assert.strictEqual(
        flinkConf(resources)["high-availability.zookeeper.path.root"],
        "/prod/flink/session",
      );
    });
  });

  describe("Flink configuration by version", () => {
    it("uses the pre-1.20 checkpoint keys on 1.19 and the renamed ones on 1.20 and 2.x", async () => {
      const raw = (version: string) => ({
        storage: { type: "s3" },
        flink: { version, checkpoints: { stateBackend: "rocksdb", incremental: true, retained: 5 } },
      });
      const on119 = flinkConf((await renderRaw(raw("1.19"))).resources);
      assert.strictEqual(on119["state.checkpoints.dir"], "s3p://flink/flink/flink/session/checkpoints");
      assert.strictEqual(on119["state.savepoints.dir"], "s3p://flink/flink/flink/session/savepoints");
      assert.strictEqual(on119["state.checkpoints.num-retained"], "5");
      assert.strictEqual(on119["state.backend.incremental"], "true");
      assert.strictEqual(on119["execution.checkpointing.dir"], undefined);
      for (const version of ["1.20", "2.2"]) {
        const conf = flinkConf((await renderRaw(raw(version))).resources);
        assert.strictEqual(
          conf["execution.checkpointing.dir"],
          "s3p://flink/flink/flink/session/checkpoints",
        );
        assert.strictEqual(conf["execution.checkpointing.num-retained"], "5");
        assert.strictEqual(conf["execution.checkpointing.incremental"], "true");
        assert.strictEqual(conf["state.backend.type"], "rocksdb");
        assert.strictEqual(conf["state.checkpoints.dir"], undefined);
        assert.deepStrictEqual(
          overlappingKeyPrefixes(Object.keys(conf)),
          [],
          `no overlapping keys on ${version}`,
        );
      }
    });

    it("gives every cluster its own checkpoint, savepoint and HA directories", async () => {
      const { resources } = await renderRaw({
        storage: { type: "s3" },
        ha: { type: "kubernetes" },
        flink: { clusters: { etl: {}, analytics: {} } },
      });
      const dirs = ofType(resources, FLINK_DEPLOYMENT).map(
        (d) => d.inputs.spec.flinkConfiguration["high-availability.storageDir"],
      );
      assert.deepStrictEqual(dirs, [
        "s3p://flink/flink/flink/etl/ha",
        "s3p://flink/flink/flink/analytics/ha",
      ]);
    });
  });

  describe("HA profile", () => {
    it("allows two JobManagers with HA and protects them with a PodDisruptionBudget", async () => {
      const { resources } = await renderRaw({
        storage: { type: "s3" },
        ha: { type: "kubernetes" },
        flink: { clusters: { session: { jobManager: { replicas: 2 } } } },
      });
      assert.strictEqual(ofType(resources, FLINK_DEPLOYMENT)[0].inputs.spec.jobManager.replicas, 2);
      const [pdb] = ofType(resources, PDB);
      assert.deepStrictEqual(pdb.inputs.spec, {
        minAvailable: 1,
        selector: {
          matchLabels: { app: "session", component: "jobmanager", type: "flink-native-kubernetes" },
        },
      });
    });
  });

  describe("data safety", () => {
    it("keeps volume claims of every store on destroy unless data loss is allowed", async () => {
      const raw = (allowDataLoss: boolean) => ({
        platform: { allowDataLoss },
        storage: { type: "hdfs" },
        ha: { type: "zookeeper" },
      });
      const kept = ofType((await renderRaw(raw(false))).resources, STATEFUL_SET);
      assert.strictEqual(kept.length, 3);
      for (const set of kept) {
        assert.deepStrictEqual(set.inputs.spec.persistentVolumeClaimRetentionPolicy, {
          whenDeleted: "Retain",
          whenScaled: "Retain",
        });
      }
      for (const set of ofType((await renderRaw(raw(true))).resources, STATEFUL_SET)) {
        assert.strictEqual(set.inputs.spec.persistentVolumeClaimRetentionPolicy.whenDeleted, "Delete");
      }
      const minio = ofType((await renderRaw({ storage: { type: "s3" } })).resources, STATEFUL_SET);
      assert.strictEqual(minio[0].inputs.spec.persistentVolumeClaimRetentionPolicy.whenDeleted, "Retain");
    });

    it("does not touch stateful resources when non-storage settings change", async () => {
      const base = { storage: { type: "s3" }, ha: { type: "zookeeper" } };
      const before = ofType((await renderRaw(base)).resources, STATEFUL_SET);
      const after = ofType(
        (
          await renderRaw({
            ...base,
            operator: { resources: { limits: { memory: "2Gi" } } },
            flink: { version: "2.2", clusters: { session: { taskManager: { slots: 8 } }, extra: {} } },
          })
        ).resources,
        STATEFUL_SET,
      );
      assert.deepStrictEqual(
        after.map((s) => s.inputs),
        before.map((s) => s.inputs),
      );
    });
  });

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

  it("keeps credentials out of the bucket Job's script", () => {
    assert.doesNotMatch(bucketScript("http://minio:9000", "flink"), /password\s*=|rootPassword/i);
    assert.match(bucketScript("http://minio:9000", "flink"), /"\$MINIO_ROOT_PASSWORD"/);
  });
});

describe("backing services in monitoring", () => {
  it("scrapes managed MinIO and ZooKeeper on their metrics ports", async () => {
    const { resources } = await renderRaw({ storage: { type: "s3" }, ha: { type: "zookeeper" } });
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
