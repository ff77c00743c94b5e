/**
 * The backing services of the real-Flink suite, each started for real (scripts/build-services.sh builds them) and
 * asked, not assumed, that it works: MinIO set up by the platform's own script refuses each namespace another's
 * prefix; ZooKeeper answers its four-letter words standalone and as an ensemble that survives losing its leader;
 * HDFS stores and returns a file written as `flink` in the platform's base directory; the Hive metastore's schema is
 * created once in MariaDB and kept on a second start, and the metastore answers thrift calls.
 *
 * Run inside a network namespace with only loopback: scripts/in-netns.sh npx mocha --timeout 600000 <this file>
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { s3Grants } from "../../components/state/minioAccess";
import {
  delay,
  isLoopback,
  networkInterfaces,
  ProcessGroup,
  runToCompletion,
  tcpListeners,
} from "./support/processes";
import { MinioService, S3Identity, startMinio } from "./support/services/minio";
import { HdfsService, startHdfs } from "./support/services/hdfs";
import { HiveMetastoreService, startHiveMetastore } from "./support/services/hiveMetastore";
import { MariaDbService, startMariaDb } from "./support/services/mariadb";
import { renderStack, StackObjects } from "./support/renderStack";
import { baseEnv, generatedSecret, javaCommand, libClasspath } from "./support/services/toolchain";
import { startZooKeeper } from "./support/services/zookeeper";
import { listedKeys, S3RequestOptions, S3Response, s3Request } from "./support/services/s3";

const BUCKET = "flink-state";
const PATH_PREFIX = "flink";
// The platform's grants for two consumer namespaces, the Hive warehouse shared by both and the history server's
// archives in the platform namespace (components/platformArgs.ts).
const GRANTS = s3Grants(["flink", "flink-jobs"], PATH_PREFIX, ["warehouse"], { flink: ["completed-jobs"] });

/**
 * Every listening socket is on loopback, but for the ports in `wildcard` (servers or settings of the platform that
 * bind every interface), which must then be the wildcard address: nothing listens on any other address.
 */
function assertLoopbackOnly(wildcard: readonly number[], what: string): void {
  const others = tcpListeners().filter((l) => !isLoopback(l.address));
  const unexpected = others.filter(
    (l) => !wildcard.includes(l.port) || !["0.0.0.0", "::"].includes(l.address),
  );
  assert.deepStrictEqual(unexpected, [], `${what}: listening beyond loopback`);
}

/** MinIO answered 403 AccessDenied (not a missing object, not a connection error). */
function assertDenied(response: S3Response, what: string): void {
  assert.strictEqual(response.status, 403, `${what}: HTTP ${response.status} ${response.body}`);
  assert.strictEqual(response.code, "AccessDenied", `${what}: ${response.body}`);
}

describe("backing services, run for real", function () {
  let workDir: string;
  let group: ProcessGroup;
  const timings: string[] = [];

  before(function () {
    // Every server below may bind any address it likes: only loopback exists here.
    assert.deepStrictEqual(
      networkInterfaces(),
      ["lo"],
      "run this suite in a network namespace with only loopback: scripts/in-netns.sh npx mocha ...",
    );
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), "flink-services-"));
    group = new ProcessGroup({ logDir: path.join(workDir, "logs") });
  });

  after(async function () {
    const report = await group.stopAll();
    assert.deepStrictEqual(report.killed, [], `processes that ignored SIGTERM: ${report.killed.join(", ")}`);
    console.log(`  start times: ${timings.join(", ")}`);
    if (!process.env.KEEP_REAL_FLINK_RUNS) {
      fs.rmSync(workDir, { recursive: true, force: true });
    }
  });

  describe("MinIO with the platform's setup script", function () {
    let minio: MinioService;
    const s3 = (identity: S3Identity, request: Omit<S3RequestOptions, "bucket">) =>
      s3Request(minio.endpoint, identity, { bucket: BUCKET, ...request });

    before(async function () {
      minio = await startMinio({ group, workDir, bucket: BUCKET, grants: GRANTS });
      timings.push(`minio ${minio.startMs} ms (setup ${minio.setupMs} ms)`);
      assertLoopbackOnly([], "MinIO");
    });

    after(async () => minio?.stop());

    it("created the bucket and one user per namespace, asked of MinIO as root", async function () {
      const buckets = await minio.mc(minio.root, ["ls", "s3"]);
      assert.strictEqual(buckets.code, 0, buckets.output);
      assert.match(buckets.output, new RegExp(`\\s${BUCKET}/$`, "m"));
      const users = await minio.mc(minio.root, ["admin", "user", "list", "s3", "--json"]);
      assert.strictEqual(users.code, 0, users.output);
      const listed = users.output
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line));
      for (const grant of GRANTS) {
        const user = listed.find((u) => u.accessKey === grant.user);
        assert.ok(user, `no MinIO user ${grant.user} for ${grant.namespace}: ${users.output}`);
        assert.strictEqual(user.userStatus, "enabled");
        assert.strictEqual(user.policyName, grant.user);
      }
    });

    for (const grant of GRANTS) {
      it(`lets ${grant.namespace} write, list, read and delete below its own prefix and the shared warehouse`, async function () {
        const identity = minio.grants[grant.namespace];
        for (const prefix of [`${PATH_PREFIX}/${grant.namespace}`, `${PATH_PREFIX}/warehouse`]) {
          const key = `${prefix}/probe-${grant.namespace}.txt`;
          const content = `written by ${grant.namespace} at ${Date.now()}`;
          const put = await s3(identity, { method: "PUT", key, body: content });
          assert.strictEqual(put.status, 200, `PUT ${key}: ${put.body}`);
          const get = await s3(identity, { method: "GET", key });
          assert.strictEqual(get.status, 200, `GET ${key}: ${get.body}`);
          assert.strictEqual(get.body, content);
          const list = await s3(identity, {
            method: "GET",
            query: { "list-type": "2", prefix: `${prefix}/` },
          });
          assert.strictEqual(list.status, 200, `LIST ${prefix}/: ${list.body}`);
          assert.ok(listedKeys(list).includes(key), `LIST ${prefix}/ lacks ${key}: ${list.body}`);
          const scratch = `${prefix}/scratch-${grant.namespace}.txt`;
          assert.strictEqual((await s3(identity, { method: "PUT", key: scratch, body: "x" })).status, 200);
          assert.strictEqual((await s3(identity, { method: "DELETE", key: scratch })).status, 204);
          assert.strictEqual((await s3(identity, { method: "GET", key: scratch })).code, "NoSuchKey");
        }
      });
    }

    for (const grant of GRANTS) {
      const others = GRANTS.filter((g) => g !== grant);
      it(`refuses ${grant.namespace} every other namespace's prefix, and listing the bucket root`, async function () {
        const identity = minio.grants[grant.namespace];
        for (const other of others) {
          const prefix = `${PATH_PREFIX}/${other.namespace}`;
          // The owner's object exists (written in the test above), so a refusal is about the identity.
          const owned = `${prefix}/probe-${other.namespace}.txt`;
          const ownerGet = await s3(minio.grants[other.namespace], { method: "GET", key: owned });
          assert.strictEqual(ownerGet.status, 200, `the owner cannot read ${owned}: ${ownerGet.body}`);
          assertDenied(await s3(identity, { method: "GET", key: owned }), `${grant.namespace} GET ${owned}`);
          assertDenied(
            await s3(identity, { method: "PUT", key: `${prefix}/intruder.txt`, body: "no" }),
            `${grant.namespace} PUT ${prefix}/intruder.txt`,
          );
          assertDenied(
            await s3(identity, { method: "DELETE", key: owned }),
            `${grant.namespace} DELETE ${owned}`,
          );
          assertDenied(
            await s3(identity, { method: "GET", query: { "list-type": "2", prefix: `${prefix}/` } }),
            `${grant.namespace} LIST ${prefix}/`,
          );
        }
        assertDenied(
          await s3(identity, { method: "GET", query: { "list-type": "2" } }),
          `${grant.namespace} LIST of the bucket root`,
        );
        // A prefix that only starts like its own is someone else's too (flink/flink vs flink/flink-jobs).
        assertDenied(
          await s3(identity, {
            method: "GET",
            query: { "list-type": "2", prefix: `${PATH_PREFIX}/${grant.namespace}` + "-x/" },
          }),
          `${grant.namespace} LIST of a look-alike prefix`,
        );
        // Nothing landed, and the owners' objects are still there: asked as root.
        const all = await s3(minio.root, { method: "GET", query: { "list-type": "2" } });
        assert.strictEqual(all.status, 200, all.body);
        assert.ok(!listedKeys(all).some((k) => k.includes("intruder")), all.body);
        for (const other of others) {
          assert.ok(
            listedKeys(all).includes(`${PATH_PREFIX}/${other.namespace}/probe-${other.namespace}.txt`),
            all.body,
          );
        }
      });
    }

    it("runs the setup script again without error, and the identities still work", async function () {
      const again = await minio.runSetup();
      assert.strictEqual(again.code, 0, again.log);
      const key = `${PATH_PREFIX}/flink/probe-flink.txt`;
      assert.strictEqual((await s3(minio.grants.flink, { method: "GET", key })).status, 200);
      assertDenied(
        await s3(minio.grants["flink-jobs"], { method: "GET", key }),
        "flink-jobs GET after the second setup",
      );
    });
  });

  describe("ZooKeeper, configured by the platform's StatefulSet", function () {
    /** The env of the zookeeper container the staging stack renders, with `replicas` servers. */
    async function zookeeperEnv(replicas: number): Promise<Record<string, string>> {
      const ha = { type: "zookeeper", zookeeper: { mode: "managed", managed: { replicas } } };
      const objects = new StackObjects(await renderStack("staging", { ha }));
      const statefulSet = objects.get("StatefulSet", "flink", "zookeeper");
      const container = statefulSet.inputs.spec.template.spec.containers.find(
        (c: any) => c.name === "zookeeper",
      );
      return Object.fromEntries(container.env.map((e: any) => [e.name, e.value]));
    }

    /** The ZooKeeper CLI (a real client) against `server`: its exit code and output. */
    async function zkCli(server: string, ...command: string[]) {
      const { code, log } = await runToCompletion(
        group,
        `zkcli-${Date.now()}`,
        javaCommand(),
        [
          "-cp",
          libClasspath("zookeeper", "lib"),
          "org.apache.zookeeper.ZooKeeperMain",
          "-server",
          server,
          ...command,
        ],
        { timeoutMs: 60_000, env: baseEnv() },
      );
      return { code, log };
    }

    it("standalone: answers ruok, srvr and mntr, serves a client, exports Prometheus metrics", async function () {
      const zk = await startZooKeeper({
        group,
        workDir,
        name: "zk-standalone",
        imageEnv: await zookeeperEnv(1),
      });
      timings.push(`zookeeper standalone ${zk.startMs} ms`);
      try {
        assert.strictEqual(await zk.fourLetter(1, "ruok"), "imok");
        assert.match(await zk.fourLetter(1, "srvr"), /^Zookeeper version: 3\.9\.4-/m);
        assert.match(await zk.fourLetter(1, "mntr"), /^zk_server_state\tstandalone$/m);
        // Not in the whitelist the platform sets: refused.
        assert.match(await zk.fourLetter(1, "envi"), /is not executed because it is not in the whitelist/);
        const created = await zkCli(zk.quorum, "create", "/flink-probe", "written-standalone");
        assert.strictEqual(created.code, 0, created.log);
        const read = await zkCli(zk.quorum, "get", "/flink-probe");
        assert.strictEqual(read.code, 0, read.log);
        assert.match(read.log, /^written-standalone$/m);
        const metrics = await fetch(`http://127.0.0.1:${zk.servers[0].metricsPort}/metrics`);
        assert.strictEqual(metrics.status, 200);
        assert.match(await metrics.text(), /^znode_count\{?.*\}? \d+/m);
      } finally {
        await zk.stop();
      }
    });

    it("a 3-server ensemble elects one leader, replicates, and survives kill -9 of its leader", async function () {
      const zk = await startZooKeeper({
        group,
        workDir,
        name: "zk-ensemble",
        imageEnv: await zookeeperEnv(3),
      });
      timings.push(`zookeeper ensemble of 3 ${zk.startMs} ms`);
      // The platform's quorumListenOnAllIPs=true binds the quorum and election ports on every interface.
      assertLoopbackOnly(
        zk.servers.flatMap((s) => [s.quorumPort, s.electionPort]),
        "ZooKeeper ensemble",
      );
      try {
        const modes = Object.values(await zk.modes()).sort();
        assert.deepStrictEqual(modes, ["follower", "follower", "leader"]);
        const [first, , third] = zk.servers.map((s) => `127.0.0.1:${s.clientPort}`);
        const created = await zkCli(first, "create", "/flink-probe", "written-to-1");
        assert.strictEqual(created.code, 0, created.log);
        // Read through another member: the write was replicated.
        const read = await zkCli(third, "get", "/flink-probe");
        assert.match(read.log, /^written-to-1$/m, read.log);

        const before = await zk.modes();
        const leader = zk.servers.find((s) => before[s.id] === "leader")!;
        await leader.process.kill9();
        const deadline = Date.now() + 60_000;
        let after = await zk.modes();
        while (Object.values(after).filter((m) => m === "leader").length !== 1 && Date.now() < deadline) {
          await delay(500);
          after = await zk.modes();
        }
        assert.strictEqual(after[leader.id], "down");
        assert.deepStrictEqual(
          Object.values(after)
            .filter((m) => m !== "down")
            .sort(),
          ["follower", "leader"],
        );
        const survivor = zk.servers.find((s) => s !== leader)!;
        const still = await zkCli(`127.0.0.1:${survivor.clientPort}`, "get", "/flink-probe");
        assert.match(still.log, /^written-to-1$/m, still.log);

        await zk.restart(leader.id);
        assert.deepStrictEqual(Object.values(await zk.modes()).sort(), ["follower", "follower", "leader"]);
        const rejoined = await zkCli(`127.0.0.1:${leader.clientPort}`, "get", "/flink-probe");
        assert.match(rejoined.log, /^written-to-1$/m, rejoined.log);
      } finally {
        await zk.stop();
      }
    });
  });

  describe("HDFS with the platform's server properties and scripts", function () {
    let hdfs: HdfsService;

    before(async function () {
      hdfs = await startHdfs({ group, workDir, dataNodes: 2, replication: 2, baseDirectory: "/flink" });
      timings.push(`hdfs (NameNode + 2 DataNodes) ${hdfs.startMs} ms (base directory ${hdfs.setupMs} ms)`);
      assertLoopbackOnly([], "HDFS");
    });

    after(async () => hdfs?.stop());

    it("created the platform's base directory, owned by flink", async function () {
      const stat = await hdfs.dfs("flink", ["-stat", "%F %u %g", "/flink"]);
      assert.strictEqual(stat.code, 0, stat.output);
      assert.match(stat.output, /^directory flink \S+$/m);
    });

    it("stores a file written as flink with the platform's replication, and returns it", async function () {
      const local = path.join(workDir, "hdfs-probe.txt");
      const content = `checkpoint bytes ${Date.now()}`;
      fs.writeFileSync(local, `${content}\n`);
      const put = await hdfs.dfs("flink", ["-put", local, "/flink/probe.txt"]);
      assert.strictEqual(put.code, 0, put.output);
      const cat = await hdfs.dfs("flink", ["-cat", "/flink/probe.txt"]);
      assert.strictEqual(cat.code, 0, cat.output);
      assert.strictEqual(cat.output.trim(), content);
      const stat = await hdfs.dfs("flink", ["-stat", "%u %r", "/flink/probe.txt"]);
      assert.match(stat.output, /^flink 2$/m, stat.output);
      // Two live replicas of its block, on two DataNodes, as the NameNode's fsck reports them.
      const fsck = await hdfs.fsck("hadoop", ["/flink/probe.txt", "-files", "-blocks", "-locations"]);
      assert.strictEqual(fsck.code, 0, fsck.output);
      assert.match(fsck.output, /Live_repl=2/, fsck.output);
      assert.match(fsck.output, /The filesystem under path '\/flink\/probe.txt' is HEALTHY/, fsck.output);
    });

    it("refuses another user writing into flink's directory (permissions on, as the platform leaves them)", async function () {
      const local = path.join(workDir, "hdfs-intruder.txt");
      fs.writeFileSync(local, "no\n");
      const put = await hdfs.dfs("mallory", ["-put", local, "/flink/intruder.txt"]);
      assert.notStrictEqual(put.code, 0, put.output);
      assert.match(put.output, /Permission denied: user=mallory/);
    });

    it("restarts the NameNode without formatting it again: the file is still there", async function () {
      await hdfs.restartNameNode();
      const log = fs.readFileSync(hdfs.nameNode.process.logFile, "utf8");
      const formats = log.match(/has been successfully formatted/g) ?? [];
      assert.strictEqual(formats.length, 1, "the NameNode's folder was formatted on the second start");
      const cat = await hdfs.dfs("flink", ["-cat", "/flink/probe.txt"]);
      assert.strictEqual(cat.code, 0, cat.output);
      assert.match(cat.output, /^checkpoint bytes \d+$/m);
    });
  });

  describe("MariaDB and the Hive metastore, set up the platform's way", function () {
    let mariadb: MariaDbService;
    let hdfs: HdfsService;
    let metastore: HiveMetastoreService;
    // The platform's defaults: hive.database metastore, hive.user hive; the warehouse below storage.pathPrefix.
    const account = { database: "metastore", user: "hive", password: generatedSecret(32) };

    before(async function () {
      mariadb = await startMariaDb({ group, workDir, databases: [account.database] });
      timings.push(`mariadb ${mariadb.startMs} ms (install-db ${mariadb.installMs} ms)`);
      hdfs = await startHdfs({ group, workDir, name: "hive-hdfs", baseDirectory: "/flink" });
    });

    after(async function () {
      await metastore?.stop();
      await hdfs?.stop();
      await mariadb?.stop();
    });

    it("MariaDB: the platform's database Job creates the metastore's database and user, and runs again", async function () {
      for (const run of [1, 2]) {
        const job = await mariadb.ensureDatabase(account);
        assert.strictEqual(job.code, 0, `run ${run}: ${job.log}`);
        assert.match(job.log, /database metastore and user hive are in place/);
      }
      const own = await mariadb.sql(account, "SELECT CURRENT_USER(); SHOW DATABASES;");
      assert.strictEqual(own.code, 0, own.output);
      assert.match(own.output, /^hive@%$/m);
      assert.match(own.output, /^metastore$/m);
      assert.doesNotMatch(own.output, /^mysql$/m, "the metastore's user sees the server's own tables");
      const other = await mariadb.sql(account, "SELECT COUNT(*) FROM mysql.user;");
      assert.notStrictEqual(other.code, 0, other.output);
      assert.match(other.output, /denied/i);
      assert.match(mariadb.version, /MariaDB/);
    });

    it("metastore: the first start creates the schema (-info finds none, -initSchema runs), and thrift serves", async function () {
      const warehouseUri = `${hdfs.defaultFS}/flink/warehouse`;
      metastore = await startHiveMetastore({
        group,
        workDir,
        db: { host: mariadb.host, port: mariadb.port, ...account },
        warehouseUri,
        hadoopConfDir: hdfs.clientConfDir,
      });
      timings.push(`hive metastore ${metastore.startMs} ms (schema init ${metastore.schemaMs} ms)`);
      // Hive 3.1.3's thrift server has no bind address: it listens on every interface (of this namespace).
      assertLoopbackOnly([metastore.port], "MariaDB, HDFS and the Hive metastore");
      assert.strictEqual(metastore.schemaInitialized, true, "-initSchema did not run on an empty database");
      const site = path.join(metastore.confDir, "hive-site.xml");
      assert.strictEqual(fs.statSync(site).mode & 0o777, 0o400);
      assert.doesNotMatch(fs.readFileSync(site, "utf8"), /@METASTORE_DB_PASSWORD@/);

      const info = await metastore.info();
      assert.strictEqual(info.code, 0, info.output);
      assert.match(info.output, /Metastore schema version:\s+3\.1\.0/);
      assert.match(info.output, /Hive distribution version:\s+3\.1\.0/);
      const tables = await mariadb.sql(account, "SELECT SCHEMA_VERSION FROM VERSION;");
      assert.match(tables.output, /^3\.1\.0$/m, tables.output);

      assert.ok((await metastore.client.getAllDatabases()).includes("default"));
      await metastore.client.createDatabase("suite_probe", "made through thrift by the services test");
      const db = await metastore.client.getDatabase("suite_probe");
      assert.strictEqual(db.locationUri, `${warehouseUri}/suite_probe.db`);
      // The metastore made the database's folder on HDFS, as flink.
      const stat = await hdfs.dfs("flink", ["-stat", "%F %u", "/flink/warehouse/suite_probe.db"]);
      assert.match(stat.output, /^directory flink$/m, stat.output);
    });

    it("metastore: a second start keeps the schema (-info succeeds, no -initSchema) and what it held", async function () {
      assert.ok(metastore, "the metastore did not start");
      await metastore.restart();
      assert.strictEqual(metastore.schemaInitialized, false, "the second start ran -initSchema again");
      const databases = await metastore.client.getAllDatabases();
      assert.ok(databases.includes("suite_probe"), `lost the database made before: ${databases.join(", ")}`);
      const info = await metastore.info();
      assert.match(info.output, /Metastore schema version:\s+3\.1\.0/);
    });
  });
});
