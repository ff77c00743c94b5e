import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parseConfig } from "../../../components/config/parse";
import { durationMillis, historyServerConfiguration } from "../../../components/flink/historyServer";
import { flinkConfFile, JAVA_17_MODULE_OPTIONS } from "../../../components/flink/flinkProcess";
import { isJobKey } from "../../../components/flink/jobConfiguration";
import { resolveJob } from "../../../components/flink/jobSchema";
import { readStackConfig } from "../../../stacks/shared/stackFiles";
import { problemsOf } from "../../support/configProblems";
import { RELEASED_CHART } from "../../support/pulumiProject";
import { FLINK_DEPLOYMENT, ofType, RecordedResource, renderRaw } from "../../support/mocks";

const SESSION_JOB = "kubernetes:flink.apache.org/v1beta1:FlinkSessionJob";
const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const CONFIG_MAP = "kubernetes:core/v1:ConfigMap";
const SERVICE = "kubernetes:core/v1:Service";
const JAR =
  "https://repo1.maven.org/maven2/org/apache/flink/flink-examples-streaming/1.20.0/flink-examples-streaming-1.20.0.jar";

const named = (resources: readonly RecordedResource[], type: string, name: string) => {
  const found = ofType(resources, type).filter((r) => r.inputs.metadata?.name === name);
  assert.strictEqual(found.length, 1, `one ${type} ${name}, found ${found.length}`);
  return found[0];
};

/** The Flink configuration file of a process ConfigMap, as key/value pairs. */
const confOf = (configMap: RecordedResource, file = "flink-conf.yaml"): Record<string, string> =>
  Object.fromEntries(
    (configMap.inputs.data[file] as string)
      .trim()
      .split("\n")
      .map((line) => {
        const at = line.indexOf(": ");
        return [line.slice(0, at), line.slice(at + 2)];
      }),
  );

const s3 = { storage: { type: "s3", s3: { mode: "managed" } }, ha: { type: "kubernetes" } };

/** The Java 17 options operator 1.15.0's chart gives FlinkDeployments of 1.19+ (its conf/flink-conf.yaml). */
const JAVA_17_OPTIONS = [
  "--add-exports=java.base/sun.net.util=ALL-UNNAMED",
  "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
  "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
  "--add-opens=java.base/java.lang=ALL-UNNAMED",
  "--add-opens=java.base/java.net=ALL-UNNAMED",
  "--add-opens=java.base/java.io=ALL-UNNAMED",
  "--add-opens=java.base/java.nio=ALL-UNNAMED",
  "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
  "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
  "--add-opens=java.base/java.text=ALL-UNNAMED",
  "--add-opens=java.base/java.time=ALL-UNNAMED",
  "--add-opens=java.base/java.util=ALL-UNNAMED",
  "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
  "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
  "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED",
].join(" ");

describe("jobs on the platform", () => {
  describe("validation", () => {
    it("lists every problem of jobs, applications, gateways and the history server in one error", () => {
      assert.deepStrictEqual(
        problemsOf({
          flink: {
            clusters: {
              session: {
                flinkConfiguration: { "pipeline.max-parallelism": 8, "slotmanager.number-of-slots.max": 4 },
                jobs: {
                  Bad_Name: { jarURI: JAR, upgradeMode: "stateless" },
                  plain: { jarURI: "http://example.com/a.jar", upgradeMode: "stateless" },
                  internal: { jarURI: "https://artifacts.flink.svc/a.jar", upgradeMode: "stateless" },
                  private: { jarURI: "https://10.1.2.3/a.jar", upgradeMode: "stateless" },
                  wide: { jarURI: JAR, parallelism: 9, upgradeMode: "stateless" },
                  keeps: { jarURI: JAR, upgradeMode: "savepoint" },
                  latest: { jarURI: JAR, upgradeMode: "last-state" },
                  folder: { jarURI: "https://example.com/jobs/", upgradeMode: "stateless" },
                },
                sqlGateway: { enabled: true, ingress: { enabled: true } },
              },
            },
            applications: {
              orders: {
                jobManager: { replicas: 2 },
                job: { jarURI: "s3://bucket/orders.jar" },
              },
            },
            historyServer: { enabled: true, ingress: { enabled: true } },
          },
        }),
        [
          "flink.clusters.session.jobs.Bad_Name: invalid job name: must be DNS-safe: lower-case letters, digits and '-', starting with a letter and ending alphanumeric",
          "flink.clusters.session.jobs.plain.jarURI: scheme 'http' is not accepted: operator 1.15 fetches session job jars over https only (https)",
          "flink.clusters.session.jobs.internal.jarURI: host 'artifacts.flink.svc' is loopback, private or in-cluster, which operator 1.15 refuses to fetch from; serve the jar from a public https host or build it into the image and use an application",
          "flink.clusters.session.jobs.private.jarURI: host '10.1.2.3' is loopback, private or in-cluster, which operator 1.15 refuses to fetch from; serve the jar from a public https host or build it into the image and use an application",
          "flink.clusters.session.jobs.keeps.upgradeMode: savepoint keeps state in savepoints and checkpoints, which need a durable store; set storage.type or upgradeMode: stateless",
          "flink.clusters.session.jobs.latest.upgradeMode: last-state keeps state in savepoints and checkpoints, which need a durable store; set storage.type or upgradeMode: stateless",
          "flink.clusters.session.jobs.latest.upgradeMode: last-state restores from the checkpoint HA metadata points at; set ha.type (kubernetes or zookeeper) or use upgradeMode: savepoint",
          "flink.clusters.session.jobs.folder.jarURI: must name a .jar file",
          "flink.clusters.session.jobs.wide.parallelism: 9 is above the cluster's pipeline.max-parallelism (8)",
          "flink.clusters.session: its running jobs need 16 slots, above slotmanager.number-of-slots.max (4); lower their parallelism or raise the cap",
          "flink.clusters.session.sqlGateway.ingress.host: required when the ingress is enabled",
          "flink.applications.orders.job.jarURI: scheme 's3' is not accepted: applications run a jar from the image or an https URL (local, https)",
          "flink.applications.orders.jobManager.replicas: 2 JobManagers need HA (standby JobManagers find the leader through it); set ha.type to kubernetes or zookeeper, or set replicas to 1",
          "flink.historyServer.enabled: the history server reads the archives of finished jobs from the durable store; set storage.type or turn it off",
          "flink.historyServer.ingress.host: required when the ingress is enabled",
        ],
      );
    });

    it("reports a schema problem of one job beside the cross-field problems of another", () => {
      assert.deepStrictEqual(
        problemsOf({
          flink: {
            clusters: {
              session: {
                jobs: {
                  typo: { jarURI: JAR, upgradeMode: "savepoints" },
                  keeps: { jarURI: JAR, upgradeMode: "savepoint" },
                },
              },
            },
          },
        }),
        [
          'flink.clusters.session.jobs.typo.upgradeMode: Invalid option: expected one of "stateless"|"savepoint"|"last-state"',
          "flink.clusters.session.jobs.keeps.upgradeMode: savepoint keeps state in savepoints and checkpoints, which need a durable store; set storage.type or upgradeMode: stateless",
        ],
      );
    });

    it("refuses a jar of Flink's own built for another Flink line than its cluster's", () => {
      const maven = (artifact: string, version: string) =>
        `https://repo1.maven.org/maven2/org/apache/flink/${artifact}/${version}/${artifact}-${version}.jar`;
      assert.deepStrictEqual(
        problemsOf({
          streampark: { enabled: false },
          flink: {
            version: "2.2",
            clusters: {
              session: {
                jobs: {
                  // The staging example on a 2.2 cluster: its classes are missing there.
                  examples: { jarURI: JAR, upgradeMode: "stateless" },
                  // Connectors released apart name the Flink line after their own version.
                  kafka: { jarURI: maven("flink-connector-kafka", "3.3.0-1.20"), upgradeMode: "stateless" },
                  // Right for 2.2, or saying nothing of a Flink line: accepted.
                  current: { jarURI: maven("flink-examples-streaming", "2.2.0"), upgradeMode: "stateless" },
                  connector: {
                    jarURI: maven("flink-connector-kafka", "4.0.1-2.2"),
                    upgradeMode: "stateless",
                  },
                  own: {
                    jarURI: "https://jobs.example.com/libs/orders-1.20.0.jar",
                    upgradeMode: "stateless",
                  },
                  operator: {
                    jarURI: maven("flink-kubernetes-operator", "1.15.0"),
                    upgradeMode: "stateless",
                  },
                },
              },
              legacy: {
                version: "1.19",
                jobs: {
                  speed: { jarURI: `${JAR}?download=1`, upgradeMode: "stateless" },
                  mirror: {
                    jarURI:
                      "https://mirror.example.com/m2/org/apache/flink/flink-examples-streaming/1.19.3/flink-examples-streaming-1.19.3.jar",
                    upgradeMode: "stateless",
                  },
                },
              },
            },
            applications: {
              orders: { version: "1.20", job: { jarURI: maven("flink-examples-streaming", "2.2.0") } },
              image: { job: { jarURI: "local:///opt/flink/examples/streaming/StateMachineExample.jar" } },
            },
          },
        }),
        [
          "flink.clusters.session.jobs.examples.jarURI: flink-examples-streaming 1.20.0 is built for Flink 1.20, and the cluster runs Flink 2.2 (flink.version): a jar of Flink's own runs only on its Flink line; use the artifact's release for 2.2, or set flink.version to 1.20",
          "flink.clusters.session.jobs.kafka.jarURI: flink-connector-kafka 3.3.0-1.20 is built for Flink 1.20, and the cluster runs Flink 2.2 (flink.version): a jar of Flink's own runs only on its Flink line; use the artifact's release for 2.2, or set flink.version to 1.20",
          "flink.clusters.legacy.jobs.speed.jarURI: flink-examples-streaming 1.20.0 is built for Flink 1.20, and the cluster runs Flink 1.19 (flink.clusters.legacy.version): a jar of Flink's own runs only on its Flink line; use the artifact's release for 1.19, or set flink.clusters.legacy.version to 1.20",
          "flink.applications.orders.job.jarURI: flink-examples-streaming 2.2.0 is built for Flink 2.2, and the cluster runs Flink 1.20 (flink.applications.orders.version): a jar of Flink's own runs only on its Flink line; use the artifact's release for 1.20, or set flink.applications.orders.version to 2.2",
        ],
      );
    });

    it("refuses an application named like a session cluster in the same namespace", () => {
      const problems = problemsOf({
        flink: {
          applications: {
            session: { job: { jarURI: "local:///opt/flink/examples/streaming/WordCount.jar" } },
          },
        },
      });
      assert.ok(
        problems.includes(
          "flink.applications.session: its FlinkDeployment 'session' clashes with flink.clusters.session's in namespace flink; rename the cluster or move it to another namespace",
        ),
        problems.join("\n"),
      );
    });

    it("keeps state by default where there is a store, and starts stateless where there is none", () => {
      const job = { jarURI: JAR, args: [], allowNonRestoredState: false, state: "running" as const };
      assert.strictEqual(resolveJob(job, true).upgradeMode, "savepoint");
      assert.strictEqual(resolveJob(job, false).upgradeMode, "stateless");
      const config = parseConfig({
        ...s3,
        flink: { clusters: { session: { jobs: { a: { jarURI: JAR } } } } },
      });
      assert.strictEqual(config.flink.clusters[0].jobs.a.upgradeMode, "savepoint");
    });
  });

  describe("session jobs", () => {
    it("become FlinkSessionJobs on their cluster, awaited until stable, saved on deletion when stateful", async () => {
      const { resources } = await renderRaw({
        ...s3,
        streampark: { enabled: false },
        flink: {
          clusters: {
            session: {
              jobs: {
                speed: {
                  jarURI: JAR,
                  entryClass: "org.apache.flink.streaming.examples.windowing.TopSpeedWindowing",
                  args: ["--output", "print"],
                  parallelism: 2,
                },
                paused: { jarURI: JAR, upgradeMode: "stateless", state: "suspended" },
              },
            },
          },
        },
      });
      const speed = named(resources, SESSION_JOB, "speed");
      assert.deepStrictEqual(speed.inputs.metadata.annotations, {
        "pulumi.com/waitFor": "jsonpath={.status.lifecycleState}=STABLE",
      });
      assert.strictEqual(speed.inputs.metadata.namespace, "flink");
      assert.deepStrictEqual(speed.inputs.spec, {
        deploymentName: "session",
        flinkConfiguration: { "kubernetes.operator.job.savepoint-on-deletion": "true" },
        job: {
          jarURI: JAR,
          entryClass: "org.apache.flink.streaming.examples.windowing.TopSpeedWindowing",
          args: ["--output", "print"],
          parallelism: 2,
          upgradeMode: "savepoint",
          allowNonRestoredState: false,
          state: "running",
        },
      });
      const paused = named(resources, SESSION_JOB, "paused");
      assert.deepStrictEqual(paused.inputs.metadata.annotations, {
        "pulumi.com/waitFor": "jsonpath={.status.lifecycleState}=SUSPENDED",
      });
      assert.deepStrictEqual(paused.inputs.spec, {
        deploymentName: "session",
        job: {
          jarURI: JAR,
          args: [],
          upgradeMode: "stateless",
          allowNonRestoredState: false,
          state: "suspended",
        },
      });
    });

    it("take no savepoint on deletion when the stack allows data loss, nor when they keep no state", async () => {
      const jobs = { keeps: { jarURI: JAR }, plain: { jarURI: JAR, upgradeMode: "stateless" } };
      const rendered = async (allowDataLoss: boolean) =>
        Object.fromEntries(
          ofType(
            (
              await renderRaw({
                ...s3,
                platform: { allowDataLoss },
                streampark: { enabled: false },
                flink: { clusters: { session: { jobs } } },
              })
            ).resources,
            SESSION_JOB,
          ).map((r) => [r.inputs.metadata.name, r.inputs.spec.flinkConfiguration]),
        );
      assert.deepStrictEqual(await rendered(false), {
        keeps: { "kubernetes.operator.job.savepoint-on-deletion": "true" },
        plain: undefined,
      });
      assert.deepStrictEqual(await rendered(true), { keeps: undefined, plain: undefined });
    });
  });

  describe("applications", () => {
    it("are FlinkDeployments with a job, the platform's state, HA and archive wired as for session clusters", async () => {
      const { platform, resources } = await renderRaw({
        ...s3,
        streampark: { enabled: false },
        flink: {
          applications: {
            orders: {
              namespace: "orders",
              taskManager: { slots: 4 },
              job: {
                jarURI: "local:///opt/flink/usrlib/orders.jar",
                upgradeMode: "last-state",
                parallelism: 4,
              },
            },
          },
        },
      });
      const app = named(resources, FLINK_DEPLOYMENT, "orders");
      assert.strictEqual(app.inputs.metadata.namespace, "orders");
      assert.deepStrictEqual(app.inputs.metadata.annotations, {
        "pulumi.com/waitFor": "jsonpath={.status.lifecycleState}=STABLE",
        // The operator's finalizer takes the savepoint on deletion: the JobManager must outlive it.
        "pulumi.com/deletionPropagationPolicy": "background",
      });
      assert.strictEqual(app.inputs.spec.serviceAccount, "flink-orders");
      assert.deepStrictEqual(app.inputs.spec.job, {
        jarURI: "local:///opt/flink/usrlib/orders.jar",
        args: [],
        parallelism: 4,
        upgradeMode: "last-state",
        allowNonRestoredState: false,
        state: "running",
      });
      const conf = app.inputs.spec.flinkConfiguration;
      const base = "s3p://flink/flink/orders/orders";
      assert.strictEqual(conf["execution.checkpointing.dir"], `${base}/checkpoints`);
      assert.strictEqual(conf["jobmanager.archive.fs.dir"], `${base}/completed-jobs`);
      assert.strictEqual(conf["high-availability.type"], "kubernetes");
      assert.strictEqual(conf["taskmanager.numberOfTaskSlots"], "4");
      assert.strictEqual(conf["kubernetes.operator.job.savepoint-on-deletion"], "true");
      assert.strictEqual(
        app.inputs.spec.podTemplate.metadata.labels["app.kubernetes.io/component"],
        "flink-application",
      );
      // Its namespace gets the store's credentials and the JobManager's RBAC.
      assert.ok(platform.applications.orders.restUrl === "http://orders-rest.orders.svc:8081");
      assert.ok(
        ofType(resources, "kubernetes:core/v1:ServiceAccount").some(
          (r) => r.inputs.metadata.name === "flink-orders" && r.inputs.metadata.namespace === "orders",
        ),
      );
    });
  });

  describe("SQL Gateway", () => {
    it("runs from the cluster's image against the cluster's REST endpoint, with the Hive catalog and JVM metrics", async () => {
      const { platform, resources } = await renderRaw({
        storage: { type: "hdfs", hdfs: { mode: "managed" } },
        hive: { enabled: true, warehouse: { store: "hdfs" } },
        streampark: { enabled: false },
        flink: { clusters: { session: { sqlGateway: { enabled: true } } } },
      });
      const deployment = named(resources, DEPLOYMENT, "session-sql-gateway");
      const pod = deployment.inputs.spec.template.spec;
      const [container] = pod.containers;
      assert.strictEqual(container.image, "flink:1.20.4-scala_2.12-java17");
      assert.deepStrictEqual(container.args, ["/opt/flink/bin/sql-gateway.sh", "start-foreground"]);
      assert.deepStrictEqual(container.readinessProbe.httpGet, { path: "/v1/info", port: "http" });
      assert.deepStrictEqual(
        container.ports.map((p: { name: string; containerPort: number }) => [p.name, p.containerPort]),
        [
          ["http", 8083],
          ["metrics", 9249],
        ],
      );
      const env = Object.fromEntries(
        container.env
          .filter((e: { value?: string }) => e.value !== undefined)
          .map((e: any) => [e.name, e.value]),
      );
      assert.strictEqual(env.FLINK_CONF_DIR, "/opt/flink-process-conf");
      assert.strictEqual(
        env.JVM_ARGS,
        "-javaagent:/opt/flink/extra-lib/jmx_prometheus_javaagent-1.0.1.jar=9249:/opt/flink-process-conf/jmx-exporter.yaml",
      );
      assert.strictEqual(env.HADOOP_CONF_DIR, "/opt/hadoop/conf");
      assert.strictEqual(pod.automountServiceAccountToken, false);
      assert.deepStrictEqual(
        pod.initContainers.map((c: { name: string }) => c.name),
        ["fetch-jars", "seed-catalog-store"],
      );
      assert.match(pod.initContainers[0].command.join(" "), /jmx_prometheus_javaagent-1\.0\.1\.jar/);
      const conf = confOf(named(resources, CONFIG_MAP, "session-sql-gateway"));
      assert.deepStrictEqual(
        Object.fromEntries(Object.entries(conf).filter(([k]) => !k.startsWith("table."))),
        {
          // What the cluster's jobs run with: the gateway compiles every statement's job itself.
          "execution.checkpointing.dir":
            "hdfs://hdfs-namenode.flink.svc:8020/flink/flink/session/checkpoints",
          "execution.checkpointing.externalized-checkpoint-retention": "RETAIN_ON_CANCELLATION",
          "execution.checkpointing.interval": "60 s",
          "execution.checkpointing.mode": "EXACTLY_ONCE",
          "execution.checkpointing.num-retained": "3",
          "execution.checkpointing.savepoint-dir":
            "hdfs://hdfs-namenode.flink.svc:8020/flink/flink/session/savepoints",
          "execution.checkpointing.storage": "filesystem",
          "state.backend.type": "hashmap",
          "env.java.default-opts.all": JAVA_17_OPTIONS,
          "execution.target": "remote",
          "rest.address": "session-rest.flink.svc",
          "rest.port": "8081",
          "sql-gateway.endpoint.rest.address": "0.0.0.0",
          "sql-gateway.endpoint.rest.bind-address": "0.0.0.0",
          "sql-gateway.endpoint.rest.port": "8083",
          "sql-gateway.endpoint.type": "rest",
        },
      );
      assert.strictEqual(conf["table.catalog-store.kind"], "file");
      assert.deepStrictEqual(named(resources, SERVICE, "session-sql-gateway").inputs.spec.ports, [
        { name: "http", port: 8083, targetPort: "http" },
      ]);
      assert.strictEqual(
        platform.clusters.session.sqlGatewayUrl,
        "http://session-sql-gateway.flink.svc:8083",
      );
    });

    it("compiles every statement's job with its cluster's checkpointing, state backend, retention and restart strategy", async () => {
      const userKeys = {
        // The cluster's jobs: restart strategy, checkpointing, pipeline and SQL keys reach the gateway.
        "restart-strategy.type": "fixed-delay",
        "restart-strategy.fixed-delay.attempts": 5,
        "execution.checkpointing.timeout": "10 min",
        "pipeline.max-parallelism": 128,
        "table.exec.state.ttl": "1 h",
        // A name for one job, and the cluster's own processes: they stay on the cluster.
        "pipeline.name": "one-job",
        "taskmanager.memory.managed.fraction": "0.5",
        "kubernetes.operator.periodic.savepoint.interval": "1 h",
        "metrics.latency.interval": 30000,
      };
      const rendered = async (version: string) => {
        const { resources } = await renderRaw({
          ...s3,
          streampark: { enabled: false },
          flink: {
            version,
            checkpoints: { interval: "30 s", stateBackend: "rocksdb", incremental: true, retained: 5 },
            clusters: { session: { flinkConfiguration: userKeys, sqlGateway: { enabled: true } } },
          },
        });
        const file = version.startsWith("2.") ? "config.yaml" : "flink-conf.yaml";
        return {
          gateway: confOf(named(resources, CONFIG_MAP, "session-sql-gateway"), file),
          cluster: named(resources, FLINK_DEPLOYMENT, "session").inputs.spec.flinkConfiguration as Record<
            string,
            string
          >,
        };
      };
      const base = "s3p://flink/flink/flink/session";
      const own = {
        "env.java.default-opts.all": JAVA_17_OPTIONS,
        "execution.target": "remote",
        "rest.address": "session-rest.flink.svc",
        "rest.port": "8081",
        "s3.endpoint": "http://minio.flink.svc:9000",
        "s3.path.style.access": "true",
        "sql-gateway.endpoint.rest.address": "0.0.0.0",
        "sql-gateway.endpoint.rest.bind-address": "0.0.0.0",
        "sql-gateway.endpoint.rest.port": "8083",
        "sql-gateway.endpoint.type": "rest",
      };
      const jobKeys = {
        "execution.checkpointing.externalized-checkpoint-retention": "RETAIN_ON_CANCELLATION",
        "execution.checkpointing.interval": "30 s",
        "execution.checkpointing.mode": "EXACTLY_ONCE",
        "execution.checkpointing.timeout": "10 min",
        "pipeline.max-parallelism": "128",
        "restart-strategy.fixed-delay.attempts": "5",
        "restart-strategy.type": "fixed-delay",
        "state.backend.type": "rocksdb",
        "table.exec.state.ttl": "1 h",
      };
      const on22 = await rendered("2.2");
      assert.deepStrictEqual(on22.gateway, {
        ...own,
        ...jobKeys,
        "execution.checkpointing.dir": `${base}/checkpoints`,
        "execution.checkpointing.incremental": "true",
        "execution.checkpointing.num-retained": "5",
        "execution.checkpointing.savepoint-dir": `${base}/savepoints`,
        "execution.checkpointing.storage": "filesystem",
      });
      // 1.19 names the checkpoint keys as 1.19's clusters do.
      const on119 = await rendered("1.19");
      assert.deepStrictEqual(on119.gateway, {
        ...own,
        ...jobKeys,
        "state.checkpoint-storage": "filesystem",
        "state.checkpoints.dir": `${base}/checkpoints`,
        "state.checkpoints.num-retained": "5",
        "state.backend.incremental": "true",
        "state.savepoints.dir": `${base}/savepoints`,
      });
      for (const { gateway, cluster } of [on22, on119]) {
        // Every key they share has the cluster's value; none of the cluster's process keys reach the gateway.
        for (const key of Object.keys(gateway).filter((k) => !(k in own))) {
          assert.strictEqual(gateway[key], cluster[key], key);
        }
        const processKeys = Object.keys(cluster).filter((k) =>
          /^(high-availability|kubernetes|metrics|taskmanager|jobmanager|blob|slotmanager)\.|^pipeline\.name$/.test(
            k,
          ),
        );
        assert.ok(processKeys.length >= 8, processKeys.join(", "));
        assert.deepStrictEqual(
          processKeys.filter((k) => k in gateway),
          [],
        );
      }
    });

    it("tells a job's keys from the processes' keys", () => {
      const job = [
        "parallelism.default",
        "restart-strategy",
        "restart-strategy.exponential-delay.max-backoff",
        "execution.checkpointing.tolerable-failed-checkpoints",
        "execution.runtime-mode",
        "execution.buffer-timeout",
        "execution.buffer-timeout.interval",
        "execution.sorted-inputs.enabled",
        "state.backend.rocksdb.memory.managed",
        "pipeline.object-reuse",
        "table.exec.mini-batch.enabled",
      ];
      const process = [
        "execution.target",
        "execution.attached",
        "execution.state-recovery.path",
        "execution.savepoint.path",
        "pipeline.name",
        "pipeline.jars",
        "pipeline.classpaths",
        "taskmanager.memory.process.size",
        "env.java.opts.all",
        "security.ssl.rest.enabled",
        "restart-strategyx",
        "parallelism.default.x",
      ];
      assert.deepStrictEqual(
        job.filter((k) => !isJobKey(k)),
        [],
      );
      assert.deepStrictEqual(process.filter(isJobKey), []);
    });
  });

  describe("history server", () => {
    it("reads the archive folder of every cluster and application", async () => {
      const { platform, resources } = await renderRaw({
        ...s3,
        streampark: { enabled: false },
        flink: {
          clusters: { session: {}, etl: { namespace: "etl" } },
          applications: { orders: { job: { jarURI: "local:///opt/flink/usrlib/orders.jar" } } },
          historyServer: { enabled: true, retainedJobs: 50, refreshInterval: "1 min" },
        },
      });
      const conf = confOf(named(resources, CONFIG_MAP, "flink-history-server"));
      assert.deepStrictEqual(conf, {
        "env.java.default-opts.all": JAVA_17_OPTIONS,
        "historyserver.archive.fs.dir": [
          "s3p://flink/flink/etl/etl/completed-jobs",
          "s3p://flink/flink/flink/orders/completed-jobs",
          "s3p://flink/flink/flink/session/completed-jobs",
        ].join(","),
        "historyserver.archive.fs.refresh-interval": "60000",
        "historyserver.archive.retained-jobs": "50",
        "historyserver.web.address": "0.0.0.0",
        "historyserver.web.port": "8082",
        "historyserver.web.tmpdir": "/tmp/flink-history",
        "s3.endpoint": "http://minio.flink.svc:9000",
        "s3.path.style.access": "true",
      });
      const [container] = named(resources, DEPLOYMENT, "flink-history-server").inputs.spec.template.spec
        .containers;
      assert.deepStrictEqual(container.args, ["history-server"]);
      assert.strictEqual(platform.historyServer?.url, "http://flink-history-server.flink.svc:8082");
      // Every cluster archives where the history server reads.
      for (const deployment of ofType(resources, FLINK_DEPLOYMENT)) {
        const dir = deployment.inputs.spec.flinkConfiguration["jobmanager.archive.fs.dir"];
        assert.ok(conf["historyserver.archive.fs.dir"].split(",").includes(dir), dir);
      }
    });

    it("writes durations in milliseconds and flat configuration lines", () => {
      assert.strictEqual(durationMillis("10 s"), 10000);
      assert.strictEqual(durationMillis("500ms"), 500);
      assert.throws(() => durationMillis("soon"), /not a Flink duration/);
      assert.strictEqual(flinkConfFile({ b: "2", a: "x:y" }), "a: x:y\nb: 2\n");
      assert.deepStrictEqual(
        historyServerConfiguration(["b", "a"], { retainedJobs: 1, refreshInterval: "1 h" }),
        {
          "historyserver.web.address": "0.0.0.0",
          "historyserver.web.port": "8082",
          "historyserver.web.tmpdir": "/tmp/flink-history",
          "historyserver.archive.fs.dir": "a,b",
          "historyserver.archive.fs.refresh-interval": "3600000",
          "historyserver.archive.retained-jobs": "1",
        },
      );
    });
  });

  describe("processes the platform runs itself", () => {
    it("get the Java 17 module options FlinkDeployments get from the operator, on every Flink version", async () => {
      for (const version of ["1.19", "1.20", "2.0", "2.1", "2.2"]) {
        const { resources } = await renderRaw({
          ...s3,
          streampark: { enabled: false },
          flink: {
            version,
            clusters: { session: { sqlGateway: { enabled: true } } },
            historyServer: { enabled: true },
          },
        });
        const file = version.startsWith("2.") ? "config.yaml" : "flink-conf.yaml";
        for (const name of ["session-sql-gateway", "flink-history-server"]) {
          const conf = confOf(named(resources, CONFIG_MAP, name), file);
          assert.strictEqual(conf["env.java.default-opts.all"], JAVA_17_OPTIONS, `${name} on ${version}`);
          // JVM_ARGS keeps the JMX exporter's agent alone; Flink's scripts add the configured options to it.
          const [container] = named(resources, DEPLOYMENT, name).inputs.spec.template.spec.containers;
          const jvmArgs = container.env.find((e: { name: string }) => e.name === "JVM_ARGS").value as string;
          assert.match(jvmArgs, /^-javaagent:\S+$/, `${name} on ${version}`);
        }
      }
    });

    it("use the options of the released operator chart", function () {
      const conf = path.join(RELEASED_CHART, "conf", "flink-conf.yaml");
      if (!fs.existsSync(conf)) {
        console.log(`    (skipped: ${conf} not found; set FLINK_OPERATOR_CHART to run it)`);
        this.skip();
      }
      const key = "kubernetes.operator.default-configuration.flink-version.v1_19+.env.java.default-opts.all";
      const line = fs
        .readFileSync(conf, "utf8")
        .split("\n")
        .find((l) => l.startsWith(`${key}:`));
      assert.ok(line, `${key} in ${conf}`);
      assert.strictEqual(line.slice(key.length + 1).trim(), JAVA_17_OPTIONS);
      assert.strictEqual(JAVA_17_MODULE_OPTIONS.join(" "), JAVA_17_OPTIONS);
    });
  });

  describe("the staging stack", () => {
    it("declares a session job, an application, a SQL Gateway and the history server", async () => {
      const { resources } = await renderRaw(readStackConfig("staging"));
      assert.deepStrictEqual(
        ofType(resources, SESSION_JOB).map((r) => r.inputs.metadata.name),
        ["top-speed"],
      );
      assert.deepStrictEqual(
        ofType(resources, FLINK_DEPLOYMENT)
          .filter((r) => r.inputs.spec.job)
          .map((r) => r.inputs.metadata.name),
        ["state-machine"],
      );
      named(resources, DEPLOYMENT, "session-sql-gateway");
      named(resources, DEPLOYMENT, "flink-history-server");
    });
  });
});
