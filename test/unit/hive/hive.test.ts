import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { problemsOf } from "../../support/configProblems";
import { parseConfig } from "../../../components/config/parse";
import {
  catalogStoreEntry,
  clientSiteXml,
  metastoreSiteXml,
  PASSWORD_PLACEHOLDER,
  renderSiteScript,
} from "../../../components/hive/hiveSite";
import { SCHEMA_INIT_COMMAND } from "../../../components/hive/metastore";
import {
  FLINK_DEPLOYMENT,
  leakedSecrets,
  ofType,
  RecordedResource,
  renderRaw,
  unwrapSecrets,
} from "../../support/mocks";

const HIVE_ON_HDFS = { hive: { enabled: true }, storage: { type: "hdfs" } };

const byName = (resources: readonly RecordedResource[], type: string, name: string) =>
  ofType(resources, type).find((r) => r.inputs.metadata?.name === name);

describe("Flink on Hive", () => {
  describe("hive-site.xml", () => {
    it("escapes the password and the JDBC URL of the metastore", () => {
      const template = metastoreSiteXml({
        db: { host: "mysql.flink.svc", port: 3306, database: "metastore", user: "hive" },
        warehouseUri: "hdfs://nn:8020/flink/warehouse",
      });
      // The template holds no password; the pod puts it in from the Secret, escaped.
      assert.ok(template.includes(`<value>${PASSWORD_PLACEHOLDER}</value>`));
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hive-site-"));
      fs.writeFileSync(path.join(dir, "template.xml"), template);
      execFileSync(
        "sh",
        ["-c", renderSiteScript(path.join(dir, "template.xml"), path.join(dir, "hive-site.xml"))],
        {
          env: { ...process.env, DB_PASSWORD: `p&ss<w>"o'rd\\|x` },
        },
      );
      const xml = fs.readFileSync(path.join(dir, "hive-site.xml"), "utf8");
      assert.strictEqual(fs.statSync(path.join(dir, "hive-site.xml")).mode & 0o777, 0o400);
      fs.rmSync(dir, { recursive: true, force: true });
      assert.match(xml, /<value>p&amp;ss&lt;w&gt;&quot;o&apos;rd\\\|x<\/value>/);
      assert.match(
        xml,
        /<value>jdbc:mysql:\/\/mysql\.flink\.svc:3306\/metastore\?sslMode=PREFERRED&amp;allowPublicKeyRetrieval=true<\/value>/,
      );
      assert.match(
        xml,
        /<name>hive\.metastore\.warehouse\.dir<\/name>\n\s*<value>hdfs:\/\/nn:8020\/flink\/warehouse<\/value>/,
      );
      assert.match(xml, /<name>datanucleus\.schema\.autoCreateAll<\/name>\n\s*<value>false<\/value>/);
    });

    it("gives Flink only the metastore address", () => {
      const xml = clientSiteXml("thrift://hive-metastore.flink.svc:9083");
      assert.match(
        xml,
        /<name>hive\.metastore\.uris<\/name>\n\s*<value>thrift:\/\/hive-metastore\.flink\.svc:9083<\/value>/,
      );
      assert.doesNotMatch(xml, /ConnectionPassword/);
    });

    it("writes the catalog-store entry as a flat map of options", () => {
      assert.strictEqual(
        catalogStoreEntry({
          hiveConfDir: "/opt/hive-conf",
          hadoopConfDir: "/opt/hadoop/conf",
          defaultDatabase: "default",
        }),
        'type: "hive"\nhive-conf-dir: "/opt/hive-conf"\nhive-version: "3.1.3"\ndefault-database: "default"\nhadoop-conf-dir: "/opt/hadoop/conf"\n',
      );
    });
  });

  describe("resources", () => {
    it("runs the metastore with its schema created only when missing and the password from its Secret only", async () => {
      const { resources } = await renderRaw(HIVE_ON_HDFS);
      const deployment = byName(resources, "kubernetes:apps/v1:Deployment", "hive-metastore");
      assert.ok(deployment, "metastore Deployment");
      const pod = deployment.inputs.spec.template.spec;
      assert.deepStrictEqual(
        pod.initContainers.map((c: any) => c.name),
        ["render-site", "fetch-jdbc-driver", "init-schema"],
      );
      assert.deepStrictEqual(pod.initContainers[0].env, [
        { name: "DB_PASSWORD", valueFrom: { secretKeyRef: { name: "mysql-hive", key: "password" } } },
      ]);
      assert.strictEqual(pod.initContainers[2].command[2], SCHEMA_INIT_COMMAND);
      assert.match(
        SCHEMA_INIT_COMMAND,
        /schematool -dbType mysql -info \|\| .*schematool -dbType mysql -initSchema$/,
      );
      assert.match(pod.initContainers[1].command[2], /mysql-connector-j-9\.7\.0\.jar [0-9a-f]{64}/);
      const main = pod.containers[0];
      assert.strictEqual(main.image, "apache/hive:3.1.3");
      assert.deepStrictEqual(
        main.env.find((e: any) => e.name === "IS_RESUME"),
        { name: "IS_RESUME", value: "true" },
      );
      assert.strictEqual(main.ports[0].containerPort, 9083);
      assert.strictEqual(main.readinessProbe.tcpSocket.port, "thrift");
      assert.deepStrictEqual(pod.volumes.slice(0, 2), [
        { name: "site-template", configMap: { name: "hive-metastore-site" } },
        { name: "site", emptyDir: { medium: "Memory", sizeLimit: "1Mi" } },
      ]);
      const site = byName(resources, "kubernetes:core/v1:ConfigMap", "hive-metastore-site");
      assert.ok(site?.inputs.data["hive-site.xml"].includes(PASSWORD_PLACEHOLDER), "the template ConfigMap");
      assert.deepStrictEqual(leakedSecrets(resources), []);
    });

    it("asks MySQL for the metastore database and user", async () => {
      const { resources } = await renderRaw({
        ...HIVE_ON_HDFS,
        hive: { enabled: true, database: "hms", user: "hms_user" },
      });
      const hiveSecret = byName(resources, "kubernetes:core/v1:Secret", "mysql-hive");
      assert.ok(hiveSecret, "the hive user's Secret");
      const data = unwrapSecrets(hiveSecret.inputs.stringData);
      assert.strictEqual(data.database, "hms");
      assert.strictEqual(data.username, "hms_user");
    });

    it("wires every session cluster: jars with checksums, hive-site at one path, and the catalog store", async () => {
      const { resources } = await renderRaw({
        ...HIVE_ON_HDFS,
        flink: { clusters: { a: {}, b: { namespace: "team-b" } } },
      });
      const configMaps = ofType(resources, "kubernetes:core/v1:ConfigMap").filter(
        (c) => c.inputs.metadata.name === "flink-hive-conf",
      );
      assert.deepStrictEqual(configMaps.map((c) => c.inputs.metadata.namespace).sort(), ["flink", "team-b"]);
      assert.match(configMaps[0].inputs.data["hive-site.xml"], /thrift:\/\/hive-metastore\.flink\.svc:9083/);
      for (const deployment of ofType(resources, FLINK_DEPLOYMENT)) {
        const spec = deployment.inputs.spec;
        assert.strictEqual(spec.flinkConfiguration["table.catalog-store.kind"], "file");
        assert.strictEqual(
          spec.flinkConfiguration["table.catalog-store.file.path"],
          "/opt/flink/catalog-store",
        );
        const pod = spec.podTemplate.spec;
        assert.deepStrictEqual(
          pod.initContainers.map((c: any) => c.name),
          ["fetch-jars", "seed-catalog-store"],
        );
        const fetch = pod.initContainers[0].command[2] as string;
        for (const jar of [
          "flink-connector-hive_2.12-3.0.0-1.20.jar e7ef02b6220f6388db2b1f9a60b4a4bc748fafd2e662d4e661dd525e2f90bd96",
          "hive-exec-3.1.3.jar de86f70a73d05070c01f902ed1293b5dfbc4c0fb4d2232d9e218dc7d13ff8d6a",
          "libfb303-0.9.3.jar",
          "antlr-runtime-3.5.2.jar",
          "hadoop-client-api-3.4.1.jar",
          // HiveConf's static initializer needs commons-logging; the connector's catalog needs Flink's Hadoop
          // compatibility layer (both found missing by a real Flink 1.20.4 run against a real metastore).
          "commons-logging/commons-logging/1.2/commons-logging-1.2.jar commons-logging-1.2.jar daddea1ea0be0f56978ab3006b8ac92834afeefbd9b7e4e6316fca57df0fa636",
          "org/apache/flink/flink-hadoop-compatibility_2.12/1.20.0/flink-hadoop-compatibility_2.12-1.20.0.jar flink-hadoop-compatibility_2.12-1.20.0.jar f208494f67d4d8aed813ac1ae1dc111fbb23e14021d342594991a35504dc6781",
        ]) {
          assert.ok(fetch.includes(jar), `fetches ${jar}`);
        }
        assert.strictEqual(
          (fetch.match(/^fetch .*hadoop-client-api-3\.4\.1\.jar /gm) ?? []).length,
          1,
          "jars are fetched once",
        );
        const main = pod.containers[0];
        const classpath = main.env.find((e: any) => e.name === "HADOOP_CLASSPATH").value as string;
        assert.match(classpath, /\/opt\/flink\/extra-lib\/hive-exec-3\.1\.3\.jar/);
        for (const jar of ["commons-logging-1.2.jar", "flink-hadoop-compatibility_2.12-1.20.0.jar"]) {
          assert.ok(
            classpath.split(":").includes(`/opt/flink/extra-lib/${jar}`),
            `${jar} on HADOOP_CLASSPATH`,
          );
        }
        assert.deepStrictEqual(
          main.volumeMounts.filter((m: any) => m.name === "hive-conf"),
          [{ name: "hive-conf", mountPath: "/opt/hive-conf", readOnly: true }],
        );
        const seed = pod.volumes.find((v: any) => v.name === "hive-catalog-seed");
        assert.deepStrictEqual(seed.configMap.items, [{ key: "catalog.yaml", path: "hive.yaml" }]);
      }
      assert.deepStrictEqual(leakedSecrets(resources), []);
    });

    it("puts the warehouse under the store's path prefix", async () => {
      const { resources } = await renderRaw({
        ...HIVE_ON_HDFS,
        storage: {
          type: "hdfs",
          pathPrefix: "data",
          hdfs: { mode: "external", external: { defaultFS: "hdfs://nn:8020" } },
        },
      });
      // The warehouse location is inside the metastore's hive-site.xml template.
      const site = byName(resources, "kubernetes:core/v1:ConfigMap", "hive-metastore-site");
      assert.match(site?.inputs.data["hive-site.xml"], /hdfs:\/\/nn:8020\/data\/warehouse/);
    });

    it("turning Hive off removes the metastore and the Flink wiring but drops no data", async () => {
      const { resources } = await renderRaw({ hive: { enabled: false }, storage: { type: "hdfs" } });
      assert.strictEqual(ofType(resources, "flink-platform:hive:FlinkOnHive").length, 0);
      assert.strictEqual(byName(resources, "kubernetes:core/v1:Secret", "mysql-hive"), undefined);
      const spec = ofType(resources, FLINK_DEPLOYMENT)[0].inputs.spec;
      assert.strictEqual(spec.flinkConfiguration["table.catalog-store.kind"], undefined);
      const everything = JSON.stringify(resources.map((r) => r.inputs));
      assert.doesNotMatch(
        everything,
        /DROP DATABASE|hdfs dfs -rm/i,
        "nothing deletes the metastore database or warehouse",
      );
      const mysql = ofType(resources, "kubernetes:apps/v1:StatefulSet").find(
        (s) => s.inputs.metadata.name === "mysql",
      );
      assert.strictEqual(mysql?.inputs.spec.persistentVolumeClaimRetentionPolicy.whenDeleted, "Retain");
    });
  });

  describe("config errors", () => {
    it("refuses Hive with a Flink 2.x cluster, naming the version key", () => {
      const problems = problemsOf({
        ...HIVE_ON_HDFS,
        streampark: { enabled: false },
        flink: { clusters: { session: {}, next: { version: "2.2" } } },
      });
      assert.ok(
        problems.some((p) => p.startsWith("flink.clusters.next.version: ") && /no Hive connector/.test(p)),
        problems.join("\n"),
      );
      const platformWide = problemsOf({
        ...HIVE_ON_HDFS,
        streampark: { enabled: false },
        flink: { version: "2.1" },
      });
      assert.ok(platformWide.some((p) => p.startsWith("flink.version: ") && /hive\.enabled: false/.test(p)));
    });

    it("refuses a warehouse store the platform does not have", () => {
      for (const storage of [{ type: "none" }, { type: "s3" }]) {
        const problems = problemsOf({ hive: { enabled: true }, storage });
        assert.ok(
          problems.some((p) => p.startsWith("hive.warehouse.store: ") && /storage\.type/.test(p)),
          problems.join("\n"),
        );
      }
    });

    it("refuses an s3a warehouse while the platform fetches the jars", () => {
      const problems = problemsOf({
        hive: { enabled: true, warehouse: { store: "s3" } },
        storage: { type: "s3" },
      });
      assert.ok(problems.some((p) => p.startsWith("hive.warehouse.store: ") && /hadoop-aws/.test(p)));
      assert.doesNotThrow(() =>
        parseConfig({
          hive: { enabled: true, warehouse: { store: "s3" } },
          storage: { type: "s3" },
          platform: { artifacts: { fetchJars: false } },
        }),
      );
    });
  });
});
