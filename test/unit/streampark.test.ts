import * as assert from "assert";
import { problemsOf } from "../support/configProblems";
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import YAML from "yaml";
import { parseConfig } from "../../components/config";
import { jarFetchScript } from "../../components/artifacts";
import { MYSQL_CONNECTOR_J } from "../../components/mysql/driver";
import { FlinkPlatform } from "../../components/platform";
import {
  bootstrapPlan,
  bootstrapScriptSource,
  javaOpts,
  schemaFilesScript,
  schemaLoadScript,
  streamParkConfigYaml,
} from "../../components/streampark/streampark";
import { FakeMysql } from "../support/fakeMysql";
import {
  leakedSecrets,
  ofType,
  recorded,
  RecordedResource,
  renderRaw,
  settled,
  valueOf,
} from "../support/mocks";

const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const STATEFUL_SET = "kubernetes:apps/v1:StatefulSet";
const SECRET = "kubernetes:core/v1:Secret";
const CONFIG_MAP = "kubernetes:core/v1:ConfigMap";
const JOB = "kubernetes:batch/v1:Job";
const PVC = "kubernetes:core/v1:PersistentVolumeClaim";
const SERVICE = "kubernetes:core/v1:Service";
const INGRESS = "kubernetes:networking.k8s.io/v1:Ingress";

const byName = (resources: readonly RecordedResource[], type: string, name: string) => {
  const found = ofType(resources, type).find((r) => r.inputs.metadata?.name === name);
  assert.ok(found, `no ${type} named ${name}`);
  return found;
};
/** A Secret's stringData (the Kubernetes SDK wraps it as a secret value). */
const stringData = (secret: RecordedResource) => secret.inputs.stringData.value ?? secret.inputs.stringData;
const streamParkPod = (resources: readonly RecordedResource[]) =>
  byName(resources, DEPLOYMENT, "streampark").inputs.spec.template;
const bootstrapJob = (resources: readonly RecordedResource[]) => {
  const [job] = ofType(resources, JOB).filter((r) =>
    r.inputs.metadata.name.startsWith("streampark-bootstrap-"),
  );
  assert.ok(job, "no bootstrap Job");
  return job;
};

describe("StreamPark", () => {
  describe("config errors", () => {
    it("rejects a Flink 2.x session cluster, naming the cluster's version key", () => {
      const problems = problemsOf({
        flink: { clusters: { session: {}, etl: { version: "2.1" }, ml: { version: "2.2" } } },
      });
      assert.deepStrictEqual(problems, [
        "streampark.enabled: StreamPark 2.1.7 supports Flink up to 1.20, but flink.clusters.etl.version is 2.1, " +
          "flink.clusters.ml.version is 2.2; set streampark.enabled: false, or run every session cluster on Flink 1.19 or 1.20",
      ]);
    });

    it("rejects Flink 2.x inherited from flink.version, and accepts it with StreamPark off", () => {
      const [problem] = problemsOf({ flink: { version: "2.0" } });
      assert.match(problem, /^streampark\.enabled: .*cluster 'session' inherits flink\.version 2\.0/);
      assert.doesNotThrow(() => parseConfig({ flink: { version: "2.0" }, streampark: { enabled: false } }));
      assert.doesNotThrow(() => parseConfig({ flink: { clusters: { a: { version: "1.19" }, b: {} } } }));
    });

    it("rejects an ingress without a host, too little memory and unusable names", () => {
      assert.deepStrictEqual(
        problemsOf({
          streampark: {
            ingress: { enabled: true },
            resources: { limits: { memory: "768Mi" } },
          },
        }),
        [
          "streampark.ingress.host: required when the ingress is enabled",
          "streampark.resources.limits.memory: StreamPark's JVM needs at least 1Gi (its heap is half the limit)",
        ],
      );
      assert.match(
        problemsOf({ streampark: { database: { name: "stream-park" } } })[0],
        /^streampark\.database\.name: /,
      );
      assert.match(
        problemsOf({ streampark: { image: "apache/streampark" } })[0],
        /^streampark\.image: .*explicit tag/,
      );
      assert.match(problemsOf({ streampark: { enable: false } })[0], /^streampark\.enable: unknown key/);
    });
  });

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

    it("lives in a Secret; the password reaches StreamPark only from the MySQL user's Secret", async () => {
      const { resources } = await renderRaw({});
      const secret = byName(resources, SECRET, "streampark-config");
      assert.strictEqual(stringData(secret)["config.yaml"], streamParkConfigYaml(connection));
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

  describe("bootstrap Job", () => {
    it("runs the bootstrap script with the plan from a ConfigMap and the password from the admin Secret", async () => {
      const { resources } = await renderRaw({});
      const job = bootstrapJob(resources);
      const name = job.inputs.metadata.name as string;
      assert.match(name, /^streampark-bootstrap-[0-9a-f]{10}$/);
      const configMap = byName(resources, CONFIG_MAP, name);
      assert.strictEqual(configMap.inputs.data["bootstrap.mts"], bootstrapScriptSource());
      assert.deepStrictEqual(
        JSON.parse(configMap.inputs.data["plan.json"]),
        bootstrapPlan(parseConfig({}).flink.clusters),
      );
      const [container] = job.inputs.spec.template.spec.containers;
      assert.strictEqual(container.image, "node:22.23.2-alpine3.24");
      assert.deepStrictEqual(container.command, ["node", "/bootstrap/bootstrap.mts"]);
      assert.deepStrictEqual(container.env, [
        { name: "STREAMPARK_BOOTSTRAP", value: "run" },
        { name: "STREAMPARK_URL", value: "http://streampark.flink.svc:10000" },
        { name: "BOOTSTRAP_PLAN", value: "/bootstrap/plan.json" },
        {
          name: "ADMIN_PASSWORD",
          valueFrom: { secretKeyRef: { name: "streampark-admin", key: "password" } },
        },
      ]);
      assert.strictEqual(stringData(byName(resources, SECRET, "streampark-admin")).username, "admin");
    });

    it("keeps its name while nothing changes, and takes a new one (a new run) when the plan changes", async () => {
      const nameFor = async (raw: Record<string, unknown>) =>
        bootstrapJob((await renderRaw(raw)).resources).inputs.metadata.name as string;
      const first = await nameFor({});
      assert.strictEqual(await nameFor({}), first);
      assert.strictEqual(await nameFor({ streampark: { resources: { limits: { memory: "3Gi" } } } }), first);
      assert.notStrictEqual(
        await nameFor({ flink: { clusters: { session: {}, etl: { namespace: "etl" } } } }),
        first,
      );
    });

    it("exports the admin password as a secret output", async () => {
      const { platform } = await renderRaw({});
      const password = platform.streamparkAdminPassword as pulumi.Output<string>;
      assert.strictEqual(await pulumi.isSecret(password), true);
      assert.match(await valueOf(password), /^mock-generated-secret-/);
    });
  });

  describe("schema load", () => {
    const UPSTREAM_SCHEMA = [
      "/* license header */",
      "create database if not exists `streampark` character set utf8mb4 collate utf8mb4_general_ci;",
      "use streampark;",
      "set names utf8mb4;",
      "drop table if exists `t_flink_app`;",
      "create table `t_flink_app` (`id` bigint not null auto_increment, primary key (`id`));",
      "drop table if exists `t_user`;",
      "create table `t_user` (`user_id` bigint not null auto_increment, primary key (`user_id`));",
      "drop table if exists `t_member`;",
      "create table `t_member` (`id` bigint not null auto_increment, primary key (`id`));",
      "",
    ].join("\n");
    const UPSTREAM_DATA = [
      "-- seed data",
      "use streampark;",
      "insert into `t_user` values (100000);",
      "",
    ].join("\n");
    const ACCOUNT = { FAKE_MYSQL_USER: "streampark", FAKE_MYSQL_PASSWORD: 'p"w\\d$x' };
    let mysql: FakeMysql;
    let dirs: { appHome: string; schemaDir: string; clientConfigDir: string };
    const env = () => ({
      ...ACCOUNT,
      FAKE_MYSQL_NO_DATABASE_SWITCH: "1",
      MYSQL_HOST: "mysql.flink.svc",
      MYSQL_PORT: "3306",
      DATABASE: "streampark",
      DATABASE_USER: ACCOUNT.FAKE_MYSQL_USER,
      DATABASE_PASSWORD: ACCOUNT.FAKE_MYSQL_PASSWORD,
      ADMIN_PASSWORD: "generated-admin-1",
    });
    const load = (extra: Record<string, string> = {}) =>
      mysql.run(schemaLoadScript(dirs), { ...env(), ...extra });

    beforeEach(async () => {
      mysql = new FakeMysql();
      dirs = {
        appHome: path.join(mysql.dir, "streampark"),
        schemaDir: path.join(mysql.dir, "schema"),
        clientConfigDir: path.join(mysql.dir, "client"),
      };
      for (const dir of ["streampark/script/schema", "streampark/script/data", "schema", "client"]) {
        fs.mkdirSync(path.join(mysql.dir, dir), { recursive: true });
      }
      fs.writeFileSync(path.join(dirs.appHome, "script/schema/mysql-schema.sql"), UPSTREAM_SCHEMA);
      fs.writeFileSync(path.join(dirs.appHome, "script/data/mysql-data.sql"), UPSTREAM_DATA);
      const files = await mysql.run(schemaFilesScript(dirs), {});
      assert.strictEqual(files.code, 0, files.output);
    });
    afterEach(() => mysql.remove());

    it("takes the image's SQL without its own database statements", () => {
      const schema = fs.readFileSync(path.join(dirs.schemaDir, "mysql-schema.sql"), "utf8");
      assert.strictEqual(
        schema,
        UPSTREAM_SCHEMA.replace(/^create database.*\n/m, "").replace(/^use streampark;\n/m, ""),
      );
      assert.doesNotMatch(
        fs.readFileSync(path.join(dirs.schemaDir, "mysql-data.sql"), "utf8"),
        /use streampark/,
      );
    });

    it("loads schema and seed data into an empty database, then never again", async () => {
      const first = await load();
      assert.strictEqual(first.code, 0, first.output);
      assert.match(first.output, /schema and seed data loaded into streampark/);
      let state = mysql.state;
      assert.strictEqual(state.marker, "loaded");
      assert.deepStrictEqual(state.tables, ["flink_platform_schema", "t_flink_app", "t_user", "t_member"]);
      assert.strictEqual(state.scripts.length, 2);
      const second = await load();
      assert.strictEqual(second.code, 0, second.output);
      assert.match(second.output, /already loaded/);
      state = mysql.state;
      assert.strictEqual(state.scripts.length, 2, "the schema ran again");
    });

    it("restores the seed admin account when the admin password Secret was generated anew", async () => {
      const sha = (text: string) => crypto.createHash("sha256").update(text).digest("hex");
      assert.strictEqual((await load()).code, 0);
      assert.strictEqual(mysql.state.adminSecret, sha("generated-admin-1"));
      assert.strictEqual((await load()).code, 0);
      assert.strictEqual(mysql.state.adminRestores ?? 0, 0, "same Secret: the admin account stays as it is");

      // StreamPark turned off and on again: a new Secret, the kept database still has the old password.
      const renewed = await load({ ADMIN_PASSWORD: "generated-admin-2" });
      assert.strictEqual(renewed.code, 0, renewed.output);
      assert.match(renewed.output, /admin account restored from the seed data/);
      assert.strictEqual(mysql.state.adminRestores, 1);
      assert.strictEqual(mysql.state.adminSecret, sha("generated-admin-2"));
      assert.ok(mysql.state.scripts.at(-1)?.startsWith("replace into `t_user` values (100000);"));
      assert.strictEqual((await load({ ADMIN_PASSWORD: "generated-admin-2" })).code, 0);
      assert.strictEqual(mysql.state.adminRestores, 1);
    });

    it("loads again after a load that stopped half-way", async () => {
      const broken = await load({ FAKE_MYSQL_FAIL_ON: "t_member" });
      assert.notStrictEqual(broken.code, 0);
      assert.strictEqual(mysql.state.marker, "loading");
      const retry = await load();
      assert.strictEqual(retry.code, 0, retry.output);
      assert.match(retry.output, /did not finish \(loading\); loading again/);
      assert.strictEqual(mysql.state.marker, "loaded");
    });

    it("leaves a StreamPark schema made elsewhere alone, and refuses a database with other tables", async () => {
      mysql.state = { tables: ["t_user", "t_flink_app"], scripts: [], statements: [] };
      const existing = await load();
      assert.strictEqual(existing.code, 0, existing.output);
      assert.match(existing.output, /made elsewhere; leaving it as it is/);
      assert.deepStrictEqual(mysql.state.scripts, []);

      mysql.state = { tables: ["orders"], scripts: [], statements: [] };
      const foreign = await load();
      assert.strictEqual(foreign.code, 1);
      assert.match(foreign.output, /refusing to load over them/);
      assert.deepStrictEqual(mysql.state.scripts, []);
    });

    it("fails without touching anything when the password is wrong", async () => {
      const denied = await mysql.run(schemaLoadScript(dirs).replace("-ge 60", "-ge 1"), {
        ...env(),
        DATABASE_PASSWORD: "wrong",
      });
      assert.strictEqual(denied.code, 1);
      assert.match(denied.output, /did not accept the account/);
      assert.deepStrictEqual(mysql.state.statements, []);
    });
  });

  it("evaluates index.ts with the admin password as a secret stack output", async () => {
    recorded.length = 0;
    pulumi.runtime.setAllConfig({});
    delete require.cache[require.resolve("../../index")];
    const program = require("../../index") as {
      streampark: { url: string };
      streamparkAdminPassword: pulumi.Output<string>;
    };
    await settled();
    assert.strictEqual(program.streampark.url, "http://streampark.flink.svc:10000");
    assert.strictEqual(await pulumi.isSecret(program.streamparkAdminPassword), true);
  });
});
