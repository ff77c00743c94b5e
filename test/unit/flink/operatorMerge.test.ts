/**
 * The checks the cluster suite applies to what the real operator creates (test/support/operatorMerge.ts), on small
 * objects: they find what a merge drops or changes, and accept what Flink adds.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import YAML from "yaml";
import type { KubeObject } from "../../support/kubeApi";
import {
  flinkConfigProblems,
  jobManagerProblems,
  notContained,
  taskManagerProblems,
} from "../../support/operatorMerge";

const secretEnv = {
  name: "AWS_ACCESS_KEY_ID",
  valueFrom: { secretKeyRef: { name: "s3", key: "accessKey" } },
};
const restricted = { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } };

const flinkDeployment: KubeObject = {
  apiVersion: "flink.apache.org/v1beta1",
  kind: "FlinkDeployment",
  metadata: { name: "session", namespace: "flink", uid: "uid-1" },
  spec: {
    image: "flink:1.20.4-scala_2.12-java17",
    imagePullPolicy: "IfNotPresent",
    serviceAccount: "flink-session",
    flinkConfiguration: {
      "high-availability.type": "kubernetes",
      "execution.checkpointing.dir": "s3p://bucket/checkpoints",
      "kubernetes.operator.pod-template.merge-arrays-by-name": "true",
    },
    podTemplate: {
      metadata: { labels: { "app.kubernetes.io/part-of": "flink-platform" } },
      spec: {
        securityContext: { runAsUser: 9999 },
        initContainers: [
          { name: "fetch-jars", image: "curl", volumeMounts: [{ name: "lib", mountPath: "/a" }] },
        ],
        containers: [{ name: "flink-main-container", env: [secretEnv], securityContext: restricted }],
        volumes: [{ name: "lib", emptyDir: {} }],
      },
    },
    jobManager: {
      replicas: 2,
      resource: { cpu: 0.5, memory: "1024m" },
      podTemplate: {
        spec: {
          containers: [{ name: "flink-main-container", readinessProbe: { tcpSocket: { port: 8081 } } }],
        },
      },
    },
    taskManager: {
      resource: { cpu: 1, memory: "2g" },
      podTemplate: {
        spec: {
          containers: [{ name: "flink-main-container", livenessProbe: { tcpSocket: { port: 6122 } } }],
        },
      },
    },
  },
};

/** What the operator makes of it: the templates merged, plus what Flink adds. */
function jobManagerDeployment(): KubeObject {
  // A copy: the tests change it, and it shares the env and security objects with the FlinkDeployment.
  return structuredClone({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: {
      name: "session",
      namespace: "flink",
      ownerReferences: [{ kind: "FlinkDeployment", uid: "uid-1" }],
    },
    spec: {
      replicas: 2,
      template: {
        metadata: {
          labels: { "app.kubernetes.io/part-of": "flink-platform", app: "session", component: "jobmanager" },
        },
        spec: {
          serviceAccountName: "flink-session",
          securityContext: { runAsUser: 9999 },
          initContainers: [
            {
              name: "fetch-jars",
              image: "curl",
              volumeMounts: [{ name: "lib", mountPath: "/a" }],
              resources: {},
            },
          ],
          containers: [
            {
              name: "flink-main-container",
              image: "flink:1.20.4-scala_2.12-java17",
              imagePullPolicy: "IfNotPresent",
              env: [
                secretEnv,
                { name: "_POD_IP_ADDRESS", valueFrom: { fieldRef: { fieldPath: "status.podIP" } } },
              ],
              securityContext: restricted,
              readinessProbe: { tcpSocket: { port: 8081 }, timeoutSeconds: 1 },
              resources: { requests: { cpu: "500m", memory: "1Gi" }, limits: { cpu: "500m", memory: "1Gi" } },
            },
          ],
          volumes: [
            { name: "lib", emptyDir: {} },
            { name: "flink-config-volume", configMap: { name: "c" } },
          ],
        },
      },
    },
  });
}

function taskManagerTemplate(change: (pod: any) => void = () => undefined): KubeObject {
  const pod: any = {
    metadata: { labels: { "app.kubernetes.io/part-of": "flink-platform" } },
    spec: structuredClone((flinkDeployment.spec as any).podTemplate.spec),
  };
  pod.spec.containers[0].livenessProbe = { tcpSocket: { port: 6122 } };
  change(pod);
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "pod-template-session", namespace: "flink" },
    data: { "taskmanager-pod-template.yaml": YAML.stringify(pod) },
  };
}

function flinkConfig(lines: string[]): KubeObject {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "flink-config-session", namespace: "flink" },
    data: { "flink-conf.yaml": `${lines.join("\n")}\n` },
  };
}

const OPERATOR_KEYS = [
  "kubernetes.cluster-id: session",
  "kubernetes.namespace: flink",
  "kubernetes.service-account: flink-session",
  "kubernetes.jobmanager.replicas: 2",
  "high-availability.cluster-id: session",
];

describe("the checks of what the operator creates", () => {
  it("accept a merge that keeps every field and only adds Flink's own", () => {
    assert.deepStrictEqual(jobManagerProblems(flinkDeployment, jobManagerDeployment()), []);
    assert.deepStrictEqual(taskManagerProblems(flinkDeployment, taskManagerTemplate()), []);
    const config = flinkConfig([
      "high-availability.type: kubernetes",
      "execution.checkpointing.dir: s3p://bucket/checkpoints",
      "rest.port: 8081",
      ...OPERATOR_KEYS,
    ]);
    assert.deepStrictEqual(flinkConfigProblems(flinkDeployment, config), []);
  });

  it("report an env var from a Secret, an init container or a security setting the merge lost", () => {
    const changes: Array<[string, (pod: any) => void, RegExp]> = [
      [
        "env",
        (pod) => (pod.spec.containers[0].env = pod.spec.containers[0].env.slice(1)),
        /AWS_ACCESS_KEY_ID/,
      ],
      ["init container", (pod) => delete pod.spec.initContainers, /initContainers: expected a list/],
      [
        "security context",
        (pod) => (pod.spec.containers[0].securityContext.allowPrivilegeEscalation = true),
        /allowPrivilegeEscalation: expected false, found true/,
      ],
      ["probe", (pod) => delete pod.spec.containers[0].readinessProbe, /readinessProbe/],
      ["service account", (pod) => (pod.spec.serviceAccountName = "default"), /service account default/],
      ["resources", (pod) => (pod.spec.containers[0].resources.limits.memory = "2Gi"), /limits\.memory 2Gi/],
    ];
    for (const [what, change, expected] of changes) {
      const deployment = jobManagerDeployment();
      change((deployment.spec as any).template);
      const problems = jobManagerProblems(flinkDeployment, deployment);
      assert.strictEqual(problems.length, 1, `${what}: ${problems.join("; ")}`);
      assert.match(problems[0], expected, what);
    }
    const tm = taskManagerProblems(
      flinkDeployment,
      taskManagerTemplate((pod) => delete pod.spec.volumes),
    );
    assert.match(tm.join("\n"), /volumes: expected a list/);
  });

  it("report a checkpoint or HA key that did not reach Flink's configuration, or came out changed", () => {
    const missing = flinkConfigProblems(
      flinkDeployment,
      flinkConfig(["execution.checkpointing.dir: s3p://other/checkpoints", ...OPERATOR_KEYS]),
    );
    assert.deepStrictEqual(missing, [
      'ConfigMap flink/flink-config-session: high-availability.type is undefined, expected "kubernetes"',
      'ConfigMap flink/flink-config-session: execution.checkpointing.dir is "s3p://other/checkpoints", expected "s3p://bucket/checkpoints"',
    ]);
  });

  it("compares lists of values exactly and lists of objects by containment", () => {
    assert.deepStrictEqual(notContained({ a: ["x", "y"] }, { a: ["x", "y"] }), []);
    assert.strictEqual(notContained({ a: ["x"] }, { a: ["x", "y"] }).length, 1);
    assert.deepStrictEqual(
      notContained([{ name: "b", v: 1 }], [{ name: "a" }, { name: "b", v: 1, w: 2 }]),
      [],
    );
    assert.match(notContained([{ name: "b", v: 1 }], [{ name: "b", v: 2 }])[0], /^\[b\]/);
  });
});

/**
 * The same checks on what the real operator 1.15.0 created in the cluster suite (OPERATOR_DUMP_DIR): each dump is
 * the FlinkDeployment as the API server held it, the JobManager Deployment, the TaskManagers' pod template
 * ConfigMap and the Flink configuration ConfigMap (statuses and managed fields left out). They pass as they are, and
 * each loses what a broken merge would lose.
 */
describe("the checks of what the operator creates, on what the real operator created", () => {
  const dump = (name: string) => {
    const file = path.join(__dirname, "..", "..", "fixtures", "operator-merge", `${name}.json`);
    const [fd, deployment, podTemplate, config] = JSON.parse(fs.readFileSync(file, "utf8")) as KubeObject[];
    assert.deepStrictEqual(
      [fd.kind, deployment.kind, podTemplate.metadata.name, config.metadata.name],
      [
        "FlinkDeployment",
        "Deployment",
        `pod-template-${fd.metadata.name}`,
        `flink-config-${fd.metadata.name}`,
      ],
    );
    return { fd, deployment, podTemplate, config };
  };
  const all = (o: ReturnType<typeof dump>) => [
    ...jobManagerProblems(o.fd, o.deployment),
    ...taskManagerProblems(o.fd, o.podTemplate),
    ...flinkConfigProblems(o.fd, o.config),
  ];
  const jobManagerPod = (o: ReturnType<typeof dump>) => (o.deployment.spec as any).template.spec;
  const withoutNamed = (list: any[], name: string) => {
    const kept = list.filter((e) => e.name !== name);
    assert.strictEqual(kept.length, list.length - 1, `${name} is in the list`);
    return kept;
  };
  const editTaskManagerPod = (o: ReturnType<typeof dump>, change: (pod: any) => void) => {
    const data = o.podTemplate.data as Record<string, string>;
    const pod = YAML.parse(data["taskmanager-pod-template.yaml"]);
    change(pod);
    data["taskmanager-pod-template.yaml"] = YAML.stringify(pod);
  };
  const editConf = (o: ReturnType<typeof dump>, key: string, value: string | undefined) => {
    const data = o.config.data as Record<string, string>;
    const lines = data["flink-conf.yaml"].split("\n").filter((line) => !line.startsWith(`${key}: `));
    assert.strictEqual(lines.length, data["flink-conf.yaml"].split("\n").length - 1, `${key} is in the dump`);
    data["flink-conf.yaml"] = [...lines, ...(value === undefined ? [] : [`${key}: ${value}`])].join("\n");
  };

  for (const name of ["flink-staging.session", "flink-prod.analytics"]) {
    it(`find nothing lost in ${name}`, () => {
      assert.deepStrictEqual(all(dump(name)), []);
    });
  }

  it("report what staging's session cluster would lose: init containers, volumes, env, Hadoop and HA settings", () => {
    const cases: Array<[string, (o: ReturnType<typeof dump>) => void, RegExp]> = [
      [
        "the jar-fetching init container",
        (o) =>
          (jobManagerPod(o).initContainers = withoutNamed(jobManagerPod(o).initContainers, "fetch-jars")),
        /^Deployment flink-staging\/session \(spec\.podTemplate\)\.initContainers\[fetch-jars\]/,
      ],
      [
        "the Hive configuration volume",
        (o) => (jobManagerPod(o).volumes = withoutNamed(jobManagerPod(o).volumes, "hive-conf")),
        /\.volumes\[hive-conf\]/,
      ],
      [
        "HADOOP_CLASSPATH",
        (o) =>
          (jobManagerPod(o).containers[0].env = withoutNamed(
            jobManagerPod(o).containers[0].env,
            "HADOOP_CLASSPATH",
          )),
        /\.containers\[flink-main-container\]\.env\[HADOOP_CLASSPATH\]/,
      ],
      [
        "the TaskManagers' extra-lib volume",
        (o) =>
          editTaskManagerPod(o, (pod) => (pod.spec.volumes = withoutNamed(pod.spec.volumes, "extra-lib"))),
        /^ConfigMap flink-staging\/pod-template-session \(spec\.podTemplate\)\.volumes\[extra-lib\]/,
      ],
      [
        "the HA storage directory",
        (o) => editConf(o, "high-availability.storageDir", "file:///tmp/ha"),
        /high-availability\.storageDir is "file:\/\/\/tmp\/ha", expected "hdfs:\/\/hdfs-namenode/,
      ],
      [
        "the ZooKeeper quorum",
        (o) => editConf(o, "high-availability.zookeeper.quorum", undefined),
        /high-availability\.zookeeper\.quorum is undefined/,
      ],
      [
        "the savepoint directory",
        (o) => editConf(o, "execution.checkpointing.savepoint-dir", undefined),
        /execution\.checkpointing\.savepoint-dir is undefined/,
      ],
    ];
    for (const [what, change, expected] of cases) {
      const o = dump("flink-staging.session");
      change(o);
      const problems = all(o);
      assert.strictEqual(problems.length, 1, `${what}: ${problems.join("; ")}`);
      assert.match(problems[0], expected, what);
    }
  });

  it("report what prod's cluster would lose: S3 credentials from their Secret, JobManager replicas and resources", () => {
    const cases: Array<[string, (o: ReturnType<typeof dump>) => void, RegExp]> = [
      [
        "the S3 secret key",
        (o) =>
          (jobManagerPod(o).containers[0].env = withoutNamed(
            jobManagerPod(o).containers[0].env,
            "AWS_SECRET_ACCESS_KEY",
          )),
        /env\[AWS_SECRET_ACCESS_KEY\]/,
      ],
      [
        "the S3 key as a literal instead of its Secret",
        (o) => {
          const env = jobManagerPod(o).containers[0].env.find((e: any) => e.name === "AWS_ACCESS_KEY_ID");
          env.value = "inline";
          delete env.valueFrom;
        },
        /env\[AWS_ACCESS_KEY_ID\]\.valueFrom: expected an object, found undefined/,
      ],
      ["a standby JobManager", (o) => ((o.deployment.spec as any).replicas = 1), /1 replicas, spec 2/],
      [
        "the JobManager's memory",
        (o) => (jobManagerPod(o).containers[0].resources.limits.memory = "2Gi"),
        /limits\.memory 2Gi, spec 4g/,
      ],
      [
        "the HA type",
        (o) => editConf(o, "high-availability.type", undefined),
        /high-availability\.type is undefined, expected "kubernetes"/,
      ],
    ];
    for (const [what, change, expected] of cases) {
      const o = dump("flink-prod.analytics");
      change(o);
      const problems = all(o);
      assert.strictEqual(problems.length, 1, `${what}: ${problems.join("; ")}`);
      assert.match(problems[0], expected, what);
    }
  });
});
