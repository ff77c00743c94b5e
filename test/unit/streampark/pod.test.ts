import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import YAML from "yaml";
import { parseConfig } from "../../../components/config/parse";
import { jarFetchScript } from "../../../components/kube/artifacts";
import { MYSQL_CONNECTOR_J } from "../../../components/mysql/driver";
import { FlinkPlatform } from "../../../components/platform";
import { javaOpts, streamParkConfigYaml } from "../../../components/streampark/pod";
import { leakedSecrets, ofType, recorded, RecordedResource, renderRaw, settled } from "../../support/mocks";

const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const STATEFUL_SET = "kubernetes:apps/v1:StatefulSet";
const SECRET = "kubernetes:core/v1:Secret";
const JOB = "kubernetes:batch/v1:Job";
const PVC = "kubernetes:core/v1:PersistentVolumeClaim";
const SERVICE = "kubernetes:core/v1:Service";
const INGRESS = "kubernetes:networking.k8s.io/v1:Ingress";

const byName = (resources: readonly RecordedResource[], type: string, name: string) => {
  const found = ofType(resources, type).find((r) => r.inputs.metadata?.name === name);
  assert.ok(found, `no ${type} named ${name}`);
  return found;
};
const streamParkPod = (resources: readonly RecordedResource[]) =>
  byName(resources, DEPLOYMENT, "streampark").inputs.spec.template;

describe("StreamPark", () => {
  describe("config.yaml", () => {
    const connection = {
      host: "mysql.flink.svc",
      port: 3306,
      database: "streampark",
      user: "streampark",
    };

    it("configures the MySQL datasource without a password", () => {
      const text = streamParkConfigYaml(connection);
      const parsed = YAML.parse(text) as Record<string, any>;
      assert.deepStrictEqual(parsed.datasource, {
        dialect: "mysql",
        username: "streampark",
        url:
          "jdbc:mysql://mysql.flink.svc:3306/streampark?sslMode=PREFERRED&allowPublicKeyRetrieval=true" +
          "&useUnicode=true&characterEncoding=UTF-8&connectionTimeZone=SERVER",
      });
      assert.strictEqual(parsed.server.port, 10000);
      assert.strictEqual(parsed.streampark.workspace.local, "/var/lib/streampark");
      assert.doesNotMatch(text, /^\s*password\s*:/m);
    });

    it("holds no password (a ConfigMap); the password reaches StreamPark only from the MySQL user's Secret", async () => {
      const { resources } = await renderRaw({});
      const configMap = byName(resources, "kubernetes:core/v1:ConfigMap", "streampark-config");
      assert.strictEqual(configMap.inputs.data["config.yaml"], streamParkConfigYaml(connection));
      const [main] = streamParkPod(resources).spec.containers;
      assert.deepStrictEqual(
        main.env.find((e: any) => e.name === "SPRING_DATASOURCE_PASSWORD"),
        {
          name: "SPRING_DATASOURCE_PASSWORD",
          valueFrom: { secretKeyRef: { name: "mysql-streampark", key: "password" } },
        },
      );
      assert.deepStrictEqual(leakedSecrets(resources), []);
      // Generated passwords exist, and sit in Secrets only.
      const holders = resources.filter((r) => JSON.stringify(r.inputs).includes("mock-generated-secret-"));
      assert.deepStrictEqual([...new Set(holders.map((r) => r.type))], [SECRET]);
      assert.deepStrictEqual(holders.map((r) => r.inputs.metadata.name).sort(), [
        "mysql-admin",
        "mysql-streampark",
        "streampark-admin",
      ]);
    });
  });

  describe("resources", () => {
    it("runs StreamPark 2.1.7 with the driver, a Flink home per version, the schema, probes and JVM sizing", async () => {
      const { resources } = await renderRaw({
        flink: { clusters: { session: {}, legacy: { namespace: "etl", version: "1.19" }, other: {} } },
        platform: { artifacts: { mavenRepository: "https://maven.example.com/releases", fetchJars: false } },
      });
      const pod = streamParkPod(resources);
      assert.deepStrictEqual(
        pod.spec.initContainers.map((c: any) => [c.name, c.image]),
        [
          ["mysql-driver", "curlimages/curl:8.11.1"],
          ["flink-home-1-20", "flink:1.20.4-scala_2.12-java17"],
          ["flink-home-1-19", "flink:1.19.3-scala_2.12-java17"],
          ["schema-files", "apache/streampark:2.1.7"],
          ["schema", "mysql:8.4.10"],
        ],
      );
      // The shared fetcher, from the configured repository (even with fetchJars off: StreamPark's image has no driver).
      const [driver] = pod.spec.initContainers;
      assert.deepStrictEqual(driver.command, ["sh", "-c", jarFetchScript([MYSQL_CONNECTOR_J])]);
      assert.ok(driver.command[2].includes(MYSQL_CONNECTOR_J.sha256));
      assert.deepStrictEqual(driver.env, [
        { name: "MAVEN_REPOSITORY", value: "https://maven.example.com/releases" },
      ]);
      assert.deepStrictEqual(driver.volumeMounts, [{ name: "driver", mountPath: "/artifacts" }]);
      assert.match(pod.spec.initContainers[1].command[2], /target='\/opt\/flink-homes\/flink-1\.20'/);
      assert.deepStrictEqual(
        pod.spec.initContainers[4].env.filter((e: any) => e.valueFrom).map((e: any) => [e.name, e.valueFrom]),
        [
          ["DATABASE_PASSWORD", { secretKeyRef: { name: "mysql-streampark", key: "password" } }],
          ["ADMIN_PASSWORD", { secretKeyRef: { name: "streampark-admin", key: "password" } }],
        ],
      );

      const [main] = pod.spec.containers;
      assert.strictEqual(main.image, "apache/streampark:2.1.7");
      assert.deepStrictEqual(main.ports, [{ name: "http", containerPort: 10000, protocol: "TCP" }]);
      const probe = { httpGet: { path: "/", port: "http" }, timeoutSeconds: 5 };
      assert.deepStrictEqual(main.startupProbe, { ...probe, periodSeconds: 10, failureThreshold: 36 });
      assert.deepStrictEqual(main.readinessProbe, { ...probe, periodSeconds: 10, failureThreshold: 3 });
      assert.deepStrictEqual(main.livenessProbe, { ...probe, periodSeconds: 20, failureThreshold: 6 });
      assert.match(
        main.env.find((e: any) => e.name === "JAVA_OPTS").value,
        /-Xms1024m -Xmx1024m .*ActiveProcessorCount=2/,
      );
      assert.deepStrictEqual(
        main.volumeMounts.map((m: any) => [m.mountPath, m.subPath]),
        [
          ["/streampark/conf/config.yaml", "config.yaml"],
          ["/streampark/lib/mysql-connector-j-9.7.0.jar", "mysql-connector-j-9.7.0.jar"],
          ["/opt/flink-homes", undefined],
          ["/var/lib/streampark", undefined],
          ["/streampark/logs", undefined],
          ["/streampark/temp", undefined],
        ],
      );
      const deployment = byName(resources, DEPLOYMENT, "streampark");
      assert.strictEqual(deployment.inputs.spec.replicas, 1);
      assert.deepStrictEqual(deployment.inputs.spec.strategy, { type: "Recreate" });
      assert.deepStrictEqual(byName(resources, SERVICE, "streampark").inputs.spec.ports, [
        { name: "http", port: 10000, targetPort: "http", protocol: "TCP" },
      ]);
      assert.deepStrictEqual(byName(resources, PVC, "streampark-workspace").inputs.spec, {
        accessModes: ["ReadWriteOnce"],
        resources: { requests: { storage: "10Gi" } },
      });
      assert.deepStrictEqual(ofType(resources, INGRESS), []);
    });

    it("sizes the heap at half the memory limit", () => {
      assert.match(
        javaOpts({ cpu: "500m", memory: "3Gi" }),
        /-Xms1536m -Xmx1536m .*-XX:ActiveProcessorCount=1 /,
      );
      assert.match(javaOpts({ cpu: "4", memory: "1Gi" }), /-Xmx512m .*-XX:ActiveProcessorCount=4 /);
    });

    it("gives every container requests, limits and a restricted, non-root security context", async () => {
      const { resources } = await renderRaw({});
      const templates = resources
        .filter((r) => [DEPLOYMENT, STATEFUL_SET, JOB].includes(r.type))
        .map((r) => [r.name, r.inputs.spec.template.spec] as const);
      assert.strictEqual(templates.length, 4, templates.map(([name]) => name).join(", "));
      for (const [name, spec] of templates) {
        assert.strictEqual(spec.securityContext.runAsNonRoot, true, name);
        assert.strictEqual(spec.automountServiceAccountToken, false, name);
        for (const container of [...(spec.initContainers ?? []), ...spec.containers]) {
          const at = `${name}/${container.name}`;
          assert.ok(container.resources.requests.cpu && container.resources.requests.memory, at);
          assert.ok(container.resources.limits.cpu && container.resources.limits.memory, at);
          assert.strictEqual(container.securityContext.allowPrivilegeEscalation, false, at);
          assert.deepStrictEqual(container.securityContext.capabilities, { drop: ["ALL"] }, at);
          assert.match(container.image, /:[\w.-]+$/, at);
        }
      }
    });

    it("exposes StreamPark through an optional Ingress at the root of a host", async () => {
      const { platform, resources } = await renderRaw({
        streampark: {
          ingress: {
            enabled: true,
            className: "nginx",
            host: "streampark.example.com",
            tlsSecretName: "streampark-tls",
            annotations: { "nginx.ingress.kubernetes.io/proxy-body-size": "512m" },
          },
        },
      });
      const [ingress] = ofType(resources, INGRESS);
      assert.deepStrictEqual(ingress.inputs.spec, {
        ingressClassName: "nginx",
        rules: [
          {
            host: "streampark.example.com",
            http: {
              paths: [
                {
                  path: "/",
                  pathType: "Prefix",
                  backend: { service: { name: "streampark", port: { name: "http" } } },
                },
              ],
            },
          },
        ],
        tls: [{ hosts: ["streampark.example.com"], secretName: "streampark-tls" }],
      });
      assert.deepStrictEqual(ingress.inputs.metadata.annotations, {
        "nginx.ingress.kubernetes.io/proxy-body-size": "512m",
      });
      assert.deepStrictEqual(platform.streampark, {
        url: "http://streampark.flink.svc:10000",
        ingressUrl: "https://streampark.example.com/",
        adminUser: "admin",
        adminSecret: "streampark-admin",
      });
    });

    it("keeps the workspace volume on destroy unless data loss is allowed", async () => {
      for (const allowDataLoss of [false, true]) {
        const retained: Record<string, boolean | undefined> = {};
        recorded.length = 0;
        new FlinkPlatform(
          `retention-${String(allowDataLoss)}`,
          { config: parseConfig({ platform: { allowDataLoss } }) },
          {
            transformations: [
              (args) => {
                if (args.type === PVC) {
                  retained[args.name] = args.opts.retainOnDelete;
                }
                return undefined;
              },
            ],
          },
        );
        await settled();
        assert.deepStrictEqual(Object.values(retained), [!allowDataLoss]);
      }
    });

    it("creates no StreamPark and no MySQL when StreamPark is off", async () => {
      const { platform, resources } = await renderRaw({ streampark: { enabled: false } });
      const components = resources.map((r) => r.inputs.metadata?.labels?.["app.kubernetes.io/component"]);
      assert.ok(!components.some((c) => /streampark|mysql/.test(String(c))), components.join(", "));
      assert.deepStrictEqual(
        resources.filter((r) => /streampark|mysql|RandomPassword/i.test(r.type)).map((r) => r.type),
        [],
      );
      assert.strictEqual(platform.streampark, undefined);
      assert.strictEqual(platform.streamparkAdminPassword, undefined);
      assert.strictEqual(platform.mysql, undefined);
    });
  });

  it("evaluates index.ts with the admin password as a secret stack output", async () => {
    recorded.length = 0;
    pulumi.runtime.setAllConfig({});
    delete require.cache[require.resolve("../../../index")];
    const program = require("../../../index") as {
      streampark: { url: string };
      streamparkAdminPassword: pulumi.Output<string>;
    };
    await settled();
    assert.strictEqual(program.streampark.url, "http://streampark.flink.svc:10000");
    assert.strictEqual(await pulumi.isSecret(program.streamparkAdminPassword), true);
  });
});
