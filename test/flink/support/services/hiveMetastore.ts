/**
 * A real Hive 3.1.3 metastore (the standalone metastore distribution from Maven Central, on Hadoop 3.4.1's jars;
 * scripts/build-services.sh) on loopback, with its schema in a real database, set up the platform's way
 * (components/hive/metastore.ts):
 * - hive-site.xml is the platform's template (`metastoreSiteXml`) with the password put in by the platform's own
 *   render script (`renderSiteScript`, the render-site init container), from DB_PASSWORD in its environment;
 * - the schema is made by the platform's init command (`SCHEMA_INIT_COMMAND`: `schematool -info`, else
 *   `-initSchema`), run by bash with the standalone distribution's schema tool as `schematool`;
 * - the server runs as `flink` (HADOOP_USER_NAME, as the platform sets it), on a free port.
 *
 * Local differences: the standalone distribution instead of the apache/hive image (same Hive release; its own
 * metastore-site.xml, found in its conf/, adds the settings a metastore without hive-exec needs:
 * DefaultPartitionExpressionProxy, EventCleanerTask); the database is at 127.0.0.1; the image's fixed -Xmx1G is
 * 512 MiB. Hive 3.1.3 binds its thrift port on every interface (there is no bind-address option): run it inside
 * scripts/in-netns.sh. On Java 17 it needs no extra JVM options for what is used here.
 */
import * as fs from "fs";
import * as path from "path";
import { metastoreSiteXml, renderSiteScript } from "../../../../components/hive/hiveSite";
import { SCHEMA_INIT_COMMAND } from "../../../../components/hive/metastore";
import {
  ProcessGroup,
  RunningProcess,
  freePort,
  logOf,
  runToCompletion,
  waitForLog,
  waitForPort,
} from "../processes";
import type { DatabaseAccount } from "./mariadb";
import { MetastoreClient } from "./metastoreThrift";
import { baseEnv, built, freshDir, javaCommand, libClasspath } from "./toolchain";

/** Where the apache/hive image keeps Hive; the platform's commands name its schematool there. */
const IMAGE_SCHEMATOOL = "/opt/hive/bin/schematool";

export interface HiveMetastoreOptions {
  readonly group: ProcessGroup;
  readonly workDir: string;
  /** The database server (MariaDB here) and the metastore's account on it (made by the platform's database Job). */
  readonly db: { readonly host: string; readonly port: number } & DatabaseAccount;
  /** Fully qualified warehouse location (an hdfs:// URI, or file:// for a test without HDFS). */
  readonly warehouseUri: string;
  /** A HADOOP_CONF_DIR whose core-site.xml and hdfs-site.xml the metastore reads (an HDFS warehouse). */
  readonly hadoopConfDir?: string;
  /** Name of the server process (default `hive-metastore`). */
  readonly name?: string;
  /** Thrift port (default: a free one); the suite gives it the rendered 9083. */
  readonly port?: number;
}

export interface HiveMetastoreService {
  /** `thrift://127.0.0.1:<port>` */
  readonly uri: string;
  readonly port: number;
  readonly client: MetastoreClient;
  /** The folder with the rendered hive-site.xml (owner-read-only, as in the pod). */
  readonly confDir: string;
  readonly process: RunningProcess;
  /** Milliseconds of the schema init command on the last start. */
  readonly schemaMs: number;
  /** Whether the last start's init command ran `-initSchema` (false when `-info` found the schema). */
  readonly schemaInitialized: boolean;
  /** Milliseconds from the metastore's start until it served on its port (the last start). */
  readonly startMs: number;
  /** `schematool -dbType mysql -info`: exit code and output. */
  info(): Promise<{ code: number | null; output: string }>;
  /** Stop the metastore, then start it again the platform's way (the init command first). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** The standalone distribution's schema tool, as the image's `schematool` would be called. */
function schematoolLauncher(): string {
  return [
    "#!/bin/sh",
    "# hive's bin/schematool, reduced to what it runs: the metastore's schema tool on our classpath.",
    'exec "$JAVA" -Xmx512m -cp "$METASTORE_CLASSPATH" org.apache.hadoop.hive.metastore.tools.MetastoreSchemaTool "$@"',
    "",
  ].join("\n");
}

export async function startHiveMetastore(options: HiveMetastoreOptions): Promise<HiveMetastoreService> {
  const name = options.name ?? "hive-metastore";
  const dir = freshDir(options.workDir, name);
  const home = built("hive-metastore");
  const confDir = freshDir(dir, "conf");
  const binDir = freshDir(dir, "bin");
  const port = options.port ?? (await freePort());

  // hive-site.xml: the platform's template, completed by the platform's render script.
  const template = path.join(dir, "hive-site.xml.template");
  fs.writeFileSync(
    template,
    metastoreSiteXml({
      db: {
        host: options.db.host,
        port: options.db.port,
        database: options.db.database,
        user: options.db.user,
      },
      warehouseUri: options.warehouseUri,
    }),
  );
  const render = await runToCompletion(
    options.group,
    `${name}-render-site`,
    "sh",
    ["-c", renderSiteScript(template, path.join(confDir, "hive-site.xml"))],
    {
      timeoutMs: 30_000,
      env: baseEnv({ DB_PASSWORD: options.db.password }),
    },
  );
  if (render.code !== 0) {
    throw new Error(`the platform's render-site script exited with ${render.code}:\n${render.log}`);
  }
  for (const file of ["core-site.xml", "hdfs-site.xml"]) {
    if (options.hadoopConfDir && fs.existsSync(path.join(options.hadoopConfDir, file))) {
      fs.copyFileSync(path.join(options.hadoopConfDir, file), path.join(confDir, file));
    }
  }

  const classpath = [
    confDir,
    libClasspath("hive-metastore", "lib"),
    libClasspath("hive-metastore", "jdbc"),
    libClasspath("hadoop", "lib"),
  ].join(":");
  const schematool = path.join(binDir, "schematool");
  fs.writeFileSync(schematool, schematoolLauncher(), { mode: 0o755 });
  const env = baseEnv({
    JAVA: javaCommand(),
    METASTORE_HOME: home,
    METASTORE_CLASSPATH: classpath,
    // As the platform's metastore and init-schema containers: warehouse folders are written as flink.
    HADOOP_USER_NAME: "flink",
  });
  const initCommand = SCHEMA_INIT_COMMAND.replaceAll(IMAGE_SCHEMATOOL, schematool);
  if (!initCommand.includes(schematool) || initCommand.includes(IMAGE_SCHEMATOOL)) {
    throw new Error(`SCHEMA_INIT_COMMAND no longer calls ${IMAGE_SCHEMATOOL}: ${SCHEMA_INIT_COMMAND}`);
  }

  let server: RunningProcess;
  let schemaMs = 0;
  let schemaInitialized = false;
  let startMs = 0;
  let starts = 0;
  const start = async () => {
    starts++;
    const s0 = Date.now();
    const init = await runToCompletion(
      options.group,
      `${name}-init-schema-${starts}`,
      "bash",
      ["-c", initCommand],
      {
        timeoutMs: 300_000,
        env,
      },
    );
    if (init.code !== 0) {
      throw new Error(`the platform's schema init command exited with ${init.code}:\n${init.log}`);
    }
    schemaMs = Date.now() - s0;
    schemaInitialized = /Initialization script completed/.test(init.log);
    const t0 = Date.now();
    server = options.group.start(
      name,
      javaCommand(),
      [
        "-Xmx512m",
        `-Dlog4j.configurationFile=${path.join(home, "conf", "metastore-log4j2.properties")}`,
        // The distribution's log4j2 file logs to a file under /tmp by default; the console is what we keep.
        "-Dmetastore.root.logger=console",
        `-Dmetastore.log.dir=${dir}`,
        "-cp",
        classpath,
        "org.apache.hadoop.hive.metastore.HiveMetaStore",
        "-p",
        String(port),
      ],
      { env },
    );
    await waitForLog(server, /Started the new metaserver on port/, 180_000);
    await waitForPort("127.0.0.1", port, 30_000, server);
    server.markReady();
    startMs = Date.now() - t0;
  };
  await start();

  let infos = 0;
  return {
    uri: `thrift://127.0.0.1:${port}`,
    port,
    client: new MetastoreClient("127.0.0.1", port),
    confDir,
    get process() {
      return server;
    },
    get schemaMs() {
      return schemaMs;
    },
    get schemaInitialized() {
      return schemaInitialized;
    },
    get startMs() {
      return startMs;
    },
    async info() {
      infos++;
      const result = await runToCompletion(
        options.group,
        `${name}-info-${infos}`,
        schematool,
        ["-dbType", "mysql", "-info"],
        {
          timeoutMs: 120_000,
          env,
        },
      );
      return { code: result.code, output: logOf(result.process) };
    },
    async restart() {
      await server.stop(30_000);
      await start();
    },
    stop: () => server.stop(30_000),
  };
}
