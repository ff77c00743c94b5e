import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { mavenPath } from "../../../components/kube/artifacts";
import { parseConfig } from "../../../components/config/parse";
import { MYSQL_CONNECTOR_J } from "../../../components/mysql/driver";
import { ensureDatabaseScript } from "../../../components/mysql/clientScripts";
import { mysqlProbes, mysqlStartScript, mysqlStatefulSetSpec } from "../../../components/mysql/server";
import { FakeMysql } from "../../support/fakeMysql";
import { leakedSecrets, ofType, RecordedResource, renderPlatform, renderRaw } from "../../support/mocks";

const STATEFUL_SET = "kubernetes:apps/v1:StatefulSet";
const SERVICE = "kubernetes:core/v1:Service";
const SECRET = "kubernetes:core/v1:Secret";
const JOB = "kubernetes:batch/v1:Job";

const stringData = (secret: RecordedResource) => secret.inputs.stringData.value ?? secret.inputs.stringData;
const named = (resources: readonly RecordedResource[], type: string, name: string) =>
  ofType(resources, type).filter((r) => r.inputs.metadata.name === name);
const databaseJob = (resources: readonly RecordedResource[]) => {
  const jobs = ofType(resources, JOB).filter((r) => r.inputs.metadata.name.startsWith("mysql-database-"));
  assert.strictEqual(jobs.length, 1);
  return jobs[0];
};

describe("MySQL", () => {
  describe("managed", () => {
    it("runs mysql 8.4 as a StatefulSet with a claim template, a headless Service and generated passwords", async () => {
      const { platform, resources } = await renderRaw({});
      const [statefulSet] = ofType(resources, STATEFUL_SET);
      const spec = statefulSet.inputs.spec;
      assert.strictEqual(statefulSet.inputs.metadata.name, "mysql");
      assert.strictEqual(spec.serviceName, "mysql");
      assert.strictEqual(spec.replicas, 1);
      assert.deepStrictEqual(spec.persistentVolumeClaimRetentionPolicy, {
        whenDeleted: "Retain",
        whenScaled: "Retain",
      });
      assert.deepStrictEqual(spec.volumeClaimTemplates[0].spec, {
        accessModes: ["ReadWriteOnce"],
        resources: { requests: { storage: "10Gi" } },
      });
      const [container] = spec.template.spec.containers;
      assert.strictEqual(container.image, "mysql:8.4.10");
      assert.deepStrictEqual(container.command, ["bash", "-c", mysqlStartScript(["streampark"])]);
      const ref = (key: string) => ({ secretKeyRef: { name: "mysql-admin", key } });
      assert.deepStrictEqual(container.env, [
        { name: "MYSQL_ROOT_PASSWORD", valueFrom: ref("root-password") },
        { name: "MYSQL_ROOT_HOST", value: "localhost" },
        { name: "ADMIN_USER", valueFrom: ref("username") },
        { name: "ADMIN_PASSWORD", valueFrom: ref("password") },
      ]);
      // The setup SQL is written in memory, never from a volume holding a Secret's files.
      assert.deepStrictEqual(spec.template.spec.volumes, [
        { name: "setup", emptyDir: { medium: "Memory", sizeLimit: "1Mi" } },
        { name: "initdb", emptyDir: { medium: "Memory", sizeLimit: "1Mi" } },
      ]);
      assert.strictEqual(spec.template.spec.securityContext.runAsUser, 999);
      const [service] = named(resources, SERVICE, "mysql");
      assert.strictEqual(service.inputs.spec.clusterIP, "None");
      assert.deepStrictEqual(service.inputs.spec.selector, spec.selector.matchLabels);
      assert.ok(
        Object.entries(spec.selector.matchLabels).every(([k, v]) => spec.template.metadata.labels[k] === v),
      );

      const [admin] = named(resources, SECRET, "mysql-admin");
      assert.deepStrictEqual(Object.keys(stringData(admin)).sort(), [
        "password",
        "root-password",
        "username",
      ]);
      assert.strictEqual(stringData(admin).username, "platform_admin");
      assert.notStrictEqual(stringData(admin).password, stringData(admin)["root-password"]);
      assert.deepStrictEqual(platform.mysql?.connections.streampark, {
        host: "mysql.flink.svc",
        port: 3306,
        database: "streampark",
        user: "streampark",
        passwordSecret: { name: "mysql-streampark", key: "password" },
      });
      assert.deepStrictEqual(leakedSecrets(resources), []);
    });

    it("keeps root to the pod's socket and gives the Jobs an account that owns only the consumers' databases", async () => {
      const work = new FakeMysql();
      try {
        fs.writeFileSync(path.join(work.dir, "bin", "docker-entrypoint.sh"), '#!/bin/sh\necho "$@"\n', {
          mode: 0o755,
        });
        const dirs = {
          dataDir: path.join(work.dir, "data"),
          setupDir: path.join(work.dir, "setup"),
          initdbDir: path.join(work.dir, "initdb"),
        };
        fs.mkdirSync(dirs.setupDir);
        fs.mkdirSync(dirs.initdbDir);
        const script = mysqlStartScript(["streampark", "metastore"], dirs);
        const env = {
          MYSQL_ROOT_PASSWORD: "r'oot\\pw",
          ADMIN_USER: "platform_admin",
          ADMIN_PASSWORD: "adm$in",
        };
        const firstBoot = await work.run(script, env);
        assert.strictEqual(firstBoot.output.trim(), `mysqld --datadir=${dirs.dataDir}`);
        const sql = fs.readFileSync(path.join(dirs.initdbDir, "setup.sql"), "utf8");
        assert.strictEqual(
          sql,
          [
            "ALTER USER 'root'@'localhost' IDENTIFIED BY 'r\\'oot\\\\pw';",
            "DROP USER IF EXISTS 'root'@'%';",
            "CREATE USER IF NOT EXISTS 'platform_admin'@'%' IDENTIFIED BY 'adm$in';",
            "ALTER USER 'platform_admin'@'%' IDENTIFIED BY 'adm$in';",
            "GRANT CREATE USER ON *.* TO 'platform_admin'@'%';",
            "GRANT ALL PRIVILEGES ON `streampark`.* TO 'platform_admin'@'%' WITH GRANT OPTION;",
            "GRANT ALL PRIVILEGES ON `metastore`.* TO 'platform_admin'@'%' WITH GRANT OPTION;",
            "",
          ].join("\n"),
        );
        assert.strictEqual(fs.statSync(path.join(dirs.setupDir, "setup.sql")).mode & 0o777, 0o600);
        fs.mkdirSync(path.join(dirs.dataDir, "mysql"), { recursive: true });
        const restart = await work.run(script, env);
        assert.strictEqual(
          restart.output.trim(),
          `mysqld --datadir=${dirs.dataDir} --init-file=${dirs.setupDir}/setup.sql`,
        );
      } finally {
        work.remove();
      }
    });

    it("deletes the data volume with the StatefulSet only when data loss is allowed", async () => {
      const { resources } = await renderRaw({
        platform: { allowDataLoss: true },
        mysql: { storage: { storageClass: "fast" } },
      });
      const spec = ofType(resources, STATEFUL_SET)[0].inputs.spec;
      assert.deepStrictEqual(spec.persistentVolumeClaimRetentionPolicy, {
        whenDeleted: "Delete",
        whenScaled: "Retain",
      });
      assert.strictEqual(spec.volumeClaimTemplates[0].spec.storageClassName, "fast");
    });

    it("keeps selector, serviceName and claim template when other settings change", () => {
      const base = mysqlStatefulSetSpec(parseConfig({}).mysql, ["streampark"], false);
      const changed = mysqlStatefulSetSpec(
        parseConfig({ mysql: { image: "mysql:8.4.9", resources: { limits: { memory: "4Gi" } } } }).mysql,
        ["streampark", "metastore"],
        true,
      );
      assert.deepStrictEqual(changed.selector, base.selector);
      assert.strictEqual(changed.serviceName, base.serviceName);
      assert.deepStrictEqual(changed.volumeClaimTemplates, base.volumeClaimTemplates);
    });

    it("probes over TCP to 127.0.0.1, which the first-boot temporary server (socket only) never answers", () => {
      const probes = mysqlProbes();
      for (const [name, probe] of Object.entries(probes)) {
        const command = probe.exec.command;
        assert.ok(command.includes("--protocol=TCP") && command.includes("--host=127.0.0.1"), name);
        assert.ok(!command.some((arg) => /socket|localhost|MYSQL_PWD|password=/.test(arg)), name);
      }
      assert.deepStrictEqual(probes.livenessProbe.exec.command.slice(-1), ["ping"]);
      assert.deepStrictEqual(probes.readinessProbe.exec.command.slice(-1), ["ping"]);
      // Liveness only starts once the startup probe passed; the startup probe allows 10 minutes of first boot.
      assert.strictEqual(probes.startupProbe.periodSeconds * probes.startupProbe.failureThreshold, 600);
    });
  });

  describe("databases", () => {
    it("creates each consumer's database with a Job whose secrets come from Secrets", async () => {
      const { resources } = await renderRaw({});
      const job = databaseJob(resources);
      assert.match(job.inputs.metadata.name, /^mysql-database-streampark-[0-9a-f]{10}$/);
      const [container] = job.inputs.spec.template.spec.containers;
      assert.strictEqual(container.image, "mysql:8.4.10");
      assert.deepStrictEqual(container.command, ["sh", "-c", ensureDatabaseScript()]);
      assert.deepStrictEqual(container.env, [
        { name: "MYSQL_HOST", value: "mysql.flink.svc" },
        { name: "MYSQL_PORT", value: "3306" },
        { name: "ADMIN_USER", valueFrom: { secretKeyRef: { name: "mysql-admin", key: "username" } } },
        { name: "ADMIN_PASSWORD", valueFrom: { secretKeyRef: { name: "mysql-admin", key: "password" } } },
        { name: "DATABASE", value: "streampark" },
        { name: "DATABASE_USER", value: "streampark" },
        {
          name: "DATABASE_PASSWORD",
          valueFrom: { secretKeyRef: { name: "mysql-streampark", key: "password" } },
        },
      ]);
      const [userSecret] = named(resources, SECRET, "mysql-streampark");
      assert.deepStrictEqual(Object.keys(stringData(userSecret)).sort(), [
        "database",
        "host",
        "password",
        "port",
        "username",
      ]);
      const again = databaseJob((await renderRaw({})).resources);
      assert.strictEqual(
        again.inputs.metadata.name,
        job.inputs.metadata.name,
        "a re-run must not replace the Job",
      );
    });

    it("runs idempotent statements with the admin account from an option file", async () => {
      const mysql = new FakeMysql();
      try {
        const password = `a"b\\c$d'e`;
        const env = {
          FAKE_MYSQL_USER: "root",
          FAKE_MYSQL_PASSWORD: password,
          MYSQL_HOST: "db",
          MYSQL_PORT: "3306",
          ADMIN_USER: "root",
          ADMIN_PASSWORD: password,
          DATABASE: "streampark",
          DATABASE_USER: "streampark",
          DATABASE_PASSWORD: "Generated0123",
        };
        fs.mkdirSync(path.join(mysql.dir, "client"));
        const script = ensureDatabaseScript({ clientConfigDir: path.join(mysql.dir, "client") });
        for (let run = 0; run < 2; run++) {
          const result = await mysql.run(script, env);
          assert.strictEqual(result.code, 0, result.output);
        }
        const [first, second] = mysql.state.scripts;
        assert.strictEqual(first, second);
        assert.strictEqual(
          first,
          [
            "CREATE DATABASE IF NOT EXISTS `streampark` CHARACTER SET utf8mb4;",
            "CREATE USER IF NOT EXISTS 'streampark'@'%' IDENTIFIED BY 'Generated0123';",
            "ALTER USER 'streampark'@'%' IDENTIFIED BY 'Generated0123';",
            "GRANT ALL PRIVILEGES ON `streampark`.* TO 'streampark'@'%';",
            "",
          ].join("\n"),
        );
        const option = fs.statSync(path.join(mysql.dir, "client", "admin.cnf"));
        assert.strictEqual(option.mode & 0o077, 0, "the option file is readable by its owner only");
      } finally {
        mysql.remove();
      }
    });
  });

  describe("external", () => {
    it("uses an existing Secret for the admin account and runs no server", async () => {
      const { platform, resources } = await renderRaw({
        mysql: {
          mode: "external",
          external: {
            host: "db.example.com",
            port: 3307,
            adminSecret: { name: "db-admin", usernameKey: "user" },
          },
        },
      });
      assert.deepStrictEqual(ofType(resources, STATEFUL_SET), []);
      assert.deepStrictEqual(named(resources, SERVICE, "mysql"), []);
      assert.deepStrictEqual(named(resources, SECRET, "mysql-admin"), []);
      const env = databaseJob(resources).inputs.spec.template.spec.containers[0].env;
      assert.deepStrictEqual(env.slice(0, 4), [
        { name: "MYSQL_HOST", value: "db.example.com" },
        { name: "MYSQL_PORT", value: "3307" },
        { name: "ADMIN_USER", valueFrom: { secretKeyRef: { name: "db-admin", key: "user" } } },
        { name: "ADMIN_PASSWORD", valueFrom: { secretKeyRef: { name: "db-admin", key: "password" } } },
      ]);
      assert.deepStrictEqual(platform.mysql?.connections.streampark, {
        host: "db.example.com",
        port: 3307,
        database: "streampark",
        user: "streampark",
        passwordSecret: { name: "mysql-streampark", key: "password" },
      });
      const streampark = ofType(resources, "kubernetes:apps/v1:Deployment")[0].inputs.spec.template.spec;
      assert.match(
        streampark.initContainers.find((c: any) => c.name === "schema").env[0].value,
        /^db\.example\.com$/,
      );
    });

    it("keeps the admin password from secret config in a Secret only", async () => {
      const password = "from-secret-config-7f3a";
      pulumi.runtime.setAllConfig({ "flink-platform:mysqlAdminPassword": password }, [
        "flink-platform:mysqlAdminPassword",
      ]);
      try {
        const config = parseConfig(
          { mysql: { mode: "external", external: { host: "10.0.0.5", username: "admin" } } },
          { secretConfigKeys: new Set(["mysqlAdminPassword"]) },
        );
        const { resources } = await renderPlatform(config);
        const holders = resources.filter((r) => JSON.stringify(r.inputs).includes(password));
        assert.deepStrictEqual(
          holders.map((r) => [r.type, r.inputs.metadata.name]),
          [[SECRET, "mysql-admin"]],
        );
        assert.deepStrictEqual(stringData(holders[0]), { username: "admin", password });
      } finally {
        pulumi.runtime.setAllConfig({});
      }
    });
  });

  describe("JDBC driver", () => {
    it("is Connector/J 9.7.0 from the Maven layout, pinned by SHA-256", () => {
      assert.strictEqual(
        mavenPath(MYSQL_CONNECTOR_J),
        "com/mysql/mysql-connector-j/9.7.0/mysql-connector-j-9.7.0.jar",
      );
      assert.match(MYSQL_CONNECTOR_J.sha256, /^[0-9a-f]{64}$/);
    });
  });
});
