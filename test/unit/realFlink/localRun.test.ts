/**
 * The pure parts of the real-Flink suite (test/flink/support): how it computes the configuration the operator
 * would give a FlinkDeployment, the one function that changes it for a local process, the operator's pod template
 * merge, and the port allocation on the shared loopback. The suite itself needs the assembled Flink and services;
 * these run with `npm test`.
 */
import * as assert from "assert";
import { applicationJar, localFlinkConfiguration } from "../../flink/support/localConfig";
import {
  operatorDefaults,
  operatorEffectiveConfiguration,
  operatorMemory,
  parseFlatFlinkConf,
} from "../../flink/support/operatorConfig";
import { flinkPodSpec, mergePodTemplates } from "../../flink/support/operatorPods";
import { PortAllocator, processPorts } from "../../flink/support/ports";

/** The shape of the chart's conf/flink-conf.yaml: plain defaults and version-prefixed ones. */
const OPERATOR_CONF = parseFlatFlinkConf(
  [
    "# comment",
    "taskmanager.numberOfTaskSlots: 1",
    "parallelism.default: 1",
    "kubernetes.operator.default-configuration.flink-version.v1_18.env.java.opts.all: --old",
    "kubernetes.operator.default-configuration.flink-version.v1_19+.env.java.default-opts.all: --add-opens=x",
    "kubernetes.operator.default-configuration.flink-version.v2_0+.env.java.default-opts.all: --add-opens=y",
    "kubernetes.operator.default-configuration.flink-version.v2_2.pipeline.name: exact",
    "kubernetes.operator.default-configuration.namespace.flink-etl.taskmanager.numberOfTaskSlots: 3",
    "kubernetes.operator.reconcile.interval: 15 s",
  ].join("\n"),
);

describe("real-Flink suite: the operator's configuration of a FlinkDeployment", () => {
  it("applies version defaults at or below the deployment's version, newest last, then the exact version's", () => {
    const v120 = operatorDefaults(OPERATOR_CONF, "flink", "v1_20");
    assert.strictEqual(v120["env.java.default-opts.all"], "--add-opens=x");
    assert.strictEqual(v120["env.java.opts.all"], undefined, "v1_18 without + is for 1.18 only");
    const v22 = operatorDefaults(OPERATOR_CONF, "flink", "v2_2");
    assert.strictEqual(v22["env.java.default-opts.all"], "--add-opens=y", "v2_0+ overrides v1_19+");
    assert.strictEqual(v22["pipeline.name"], "exact");
    assert.strictEqual(
      operatorDefaults(OPERATOR_CONF, "flink-etl", "v1_20")["taskmanager.numberOfTaskSlots"],
      "3",
    );
    assert.strictEqual(v120["taskmanager.numberOfTaskSlots"], "1");
  });

  it("writes memory as Flink's MemorySize prints it, and Kubernetes quantities in bytes", () => {
    assert.strictEqual(operatorMemory("2048m"), "2 gb");
    assert.strictEqual(operatorMemory("4g"), "4 gb");
    assert.strictEqual(operatorMemory("1536m"), "1536 mb");
    assert.strictEqual(operatorMemory("2Gi"), String(2 * 1024 ** 3));
    assert.throws(() => operatorMemory("lots"));
  });

  it("puts the spec over the defaults and adds what the builder derives", () => {
    const conf = operatorEffectiveConfiguration(OPERATOR_CONF, {
      namespace: "flink",
      name: "session",
      spec: {
        flinkVersion: "v1_20",
        flinkConfiguration: { "taskmanager.numberOfTaskSlots": "4", "high-availability.type": "zookeeper" },
        jobManager: { resource: { memory: "2048m" } },
        taskManager: { resource: { memory: "4g" } },
      },
    });
    assert.strictEqual(conf["taskmanager.numberOfTaskSlots"], "4");
    assert.strictEqual(conf["jobmanager.memory.process.size"], "2 gb");
    assert.strictEqual(conf["taskmanager.memory.process.size"], "4 gb");
    assert.strictEqual(conf["execution.target"], "kubernetes-session");
    assert.strictEqual(conf["high-availability.cluster-id"], "session");
    assert.strictEqual(conf["web.cancel.enable"], "false");
    assert.strictEqual(
      conf["execution.checkpointing.externalized-checkpoint-retention"],
      undefined,
      "the operator retains checkpoints of applications only",
    );
  });

  it("gives an application its job settings, keeping what the spec sets", () => {
    const conf = operatorEffectiveConfiguration(OPERATOR_CONF, {
      namespace: "flink",
      name: "state-machine",
      spec: {
        flinkVersion: "v1_20",
        flinkConfiguration: { "taskmanager.numberOfTaskSlots": "2", "pipeline.name": "mine" },
        job: {
          jarURI: "local:///opt/flink/x.jar",
          parallelism: 3,
          upgradeMode: "last-state",
          entryClass: "a.B",
        },
      },
    });
    assert.strictEqual(conf["parallelism.default"], "3");
    assert.strictEqual(conf["pipeline.name"], "mine");
    assert.strictEqual(conf["execution.checkpointing.interval"], "5 min");
    assert.strictEqual(
      conf["execution.checkpointing.externalized-checkpoint-retention"],
      "RETAIN_ON_CANCELLATION",
    );
    assert.strictEqual(conf["pipeline.jars"], "local:///opt/flink/x.jar");
    assert.strictEqual(conf["$internal.application.main"], "a.B");
    assert.strictEqual(conf["high-availability.cluster-id"], undefined, "no HA, no HA cluster id");
  });
});

describe("real-Flink suite: the local changes (localConfig.ts)", () => {
  const rendered = {
    "kubernetes.cluster-id": "session",
    "kubernetes.operator.pod-template.merge-arrays-by-name": "true",
    "execution.target": "kubernetes-session",
    "execution.checkpointing.interval": "30 s",
    "high-availability.type": "kubernetes",
    "high-availability.storageDir": "s3p://b/flink/flink/session/ha",
    "s3.endpoint": "https://s3.eu-west-1.amazonaws.com",
    "metrics.reporter.prom.port": "9249",
  };

  it("drops Kubernetes-only keys, stands ZooKeeper in for Kubernetes HA, and leaves the rest as rendered", () => {
    const { conf, changes } = localFlinkConfiguration(rendered, {
      role: "jobmanager",
      zookeeperQuorum: "127.0.0.1:2181",
      s3Endpoint: "http://127.0.0.1:9000",
      ports: { "metrics.reporter.prom.port": 31000 },
    });
    assert.deepStrictEqual(
      Object.keys(conf).filter((k) => k.startsWith("kubernetes.")),
      [],
    );
    assert.strictEqual(conf["execution.target"], undefined);
    assert.strictEqual(conf["high-availability.type"], "zookeeper");
    assert.strictEqual(conf["high-availability.zookeeper.quorum"], "127.0.0.1:2181");
    assert.strictEqual(conf["high-availability.storageDir"], rendered["high-availability.storageDir"]);
    assert.strictEqual(conf["execution.checkpointing.interval"], "30 s");
    assert.strictEqual(conf["s3.endpoint"], "http://127.0.0.1:9000");
    assert.strictEqual(conf["s3.path.style.access"], "true");
    assert.strictEqual(conf["metrics.reporter.prom.port"], "31000");
    assert.strictEqual(conf["jobmanager.rpc.address"], "127.0.0.1");
    assert.ok(changes.length >= 6, changes.join("\n"));
  });

  it("keeps in-cluster endpoints and a process's own addresses", () => {
    const { conf } = localFlinkConfiguration(
      { "s3.endpoint": "http://minio.flink.svc:9000", "rest.address": "session-rest.flink.svc" },
      { role: "process" },
    );
    assert.strictEqual(conf["s3.endpoint"], "http://minio.flink.svc:9000");
    assert.strictEqual(conf["rest.address"], "session-rest.flink.svc");
    assert.strictEqual(conf["jobmanager.rpc.address"], undefined);
  });

  it("refuses to guess a stand-in it was not given", () => {
    assert.throws(
      () => localFlinkConfiguration({ "high-availability.type": "kubernetes" }, { role: "jobmanager" }),
      /ZooKeeper/,
    );
    assert.throws(
      () => localFlinkConfiguration({ "s3.endpoint": "https://s3.amazonaws.com" }, { role: "jobmanager" }),
      /outside this sandbox/,
    );
  });

  it("hands an application's local:// jar to the standalone entrypoint instead of the configuration", () => {
    const rendered = { "pipeline.jars": "local:///opt/flink/examples/a.jar" };
    const { conf } = localFlinkConfiguration(rendered, { role: "jobmanager" });
    assert.strictEqual(conf["pipeline.jars"], undefined);
    assert.strictEqual(applicationJar(rendered), "/opt/flink/examples/a.jar");
    assert.strictEqual(applicationJar({ "pipeline.jars": "https://x/a.jar" }), undefined);
  });
});

describe("real-Flink suite: pods and ports", () => {
  it("merges pod templates by container name, as the operator does with merge-arrays-by-name", () => {
    const common = {
      spec: {
        containers: [{ name: "flink-main-container", env: [{ name: "A", value: "1" }] }, { name: "side" }],
        volumes: [{ name: "v1" }],
      },
    };
    const own = {
      spec: { containers: [{ name: "flink-main-container", env: [{ name: "B", value: "2" }] }] },
    };
    const merged = mergePodTemplates(common, own, true);
    assert.deepStrictEqual(merged.spec.containers[0].env, [
      { name: "A", value: "1" },
      { name: "B", value: "2" },
    ]);
    assert.strictEqual(merged.spec.containers.length, 2);
    const byIndex = mergePodTemplates(common, { spec: { containers: [{ name: "other" }] } }, false);
    assert.strictEqual(byIndex.spec.containers[0].name, "other", "without by-name, items merge by position");
    assert.deepStrictEqual(
      common.spec.containers[0].env,
      [{ name: "A", value: "1" }],
      "inputs are not changed",
    );
  });

  it("gives the main container the image entrypoint's standalone role and the configuration volume", () => {
    const pod = flinkPodSpec(
      { name: "s", spec: { image: "flink:1.20.4-scala_2.12-java17", flinkVersion: "v1_20", job: {} } },
      "jobmanager",
      {},
      "flink-config-s",
      ["--job-classname", "a.B"],
    );
    assert.deepStrictEqual(pod.containers[0].args, ["standalone-job", "--job-classname", "a.B"]);
    assert.ok(pod.volumes?.some((v) => v.configMap?.name === "flink-config-s"));
    assert.ok(pod.containers[0].volumeMounts?.some((m) => m.mountPath === "/opt/flink/conf"));
  });

  it("keeps a rendered port while it is free and hands out another when it is not", () => {
    const ports = new PortAllocator(40000);
    const conf = { "rest.port": "8081", "metrics.reporter.prom.port": "9249" };
    const first = processPorts(ports, conf, ["rest.port", "metrics.reporter.prom.port"]);
    assert.deepStrictEqual(first.overrides, {});
    const second = processPorts(ports, conf, ["metrics.reporter.prom.port"]);
    assert.deepStrictEqual(second.overrides, { "metrics.reporter.prom.port": 40000 });
    ports.release(first.taken);
    assert.deepStrictEqual(processPorts(ports, conf, ["rest.port"]).overrides, {});
    assert.throws(() => processPorts(ports, {}, ["rest.port"]), /no fixed port/);
  });
});
