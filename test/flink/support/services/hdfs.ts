/**
 * A real HDFS (Hadoop 3.4.1 jars from Maven Central, scripts/build-services.sh) on loopback: a NameNode and N
 * DataNodes configured with the platform's own server properties (`serverEnv`, turned into core-site.xml and
 * hdfs-site.xml as the apache/hadoop image's starter does), started by the platform's own NameNode command (format
 * only an empty metadata folder) and set up by its own base-directory script, both run by `bash` with an `hdfs`
 * launcher on PATH, as in the image. Clients get the platform's client properties (`hdfsClientProperties`).
 *
 * Local replacements (localHdfsProperties): the in-cluster NameNode address becomes 127.0.0.1 and a free port, the
 * bind hosts 0.0.0.0 become 127.0.0.1, every DataNode gets free ports on 127.0.0.1 and its own folders, and the
 * metadata folders are temp folders. The NameNode runs as `hadoop` (HADOOP_USER_NAME, the image's user, so the HDFS
 * superuser), as does the setup script; permissions stay on, as the platform leaves them.
 */
import * as fs from "fs";
import * as path from "path";
import {
  baseDirectoryScript,
  hdfsClientProperties,
  NAMENODE_COMMAND,
  serverEnv,
} from "../../../../components/state/hdfs";
import { hadoopConfigurationXml } from "../../../../components/state/hadoopXml";
import {
  ProcessGroup,
  RunningProcess,
  freePort,
  runToCompletion,
  waitForHttp,
  waitForPort,
} from "../processes";
import { baseEnv, built, freshDir, javaCommand, libClasspath } from "./toolchain";

export interface HdfsOptions {
  readonly group: ProcessGroup;
  readonly workDir: string;
  /** Default 1. */
  readonly dataNodes?: number;
  /** dfs.replication, at most dataNodes. Default 1. */
  readonly replication?: number;
  /** The platform's base directory for Flink (`/<storage.pathPrefix>`). Default /flink. */
  readonly baseDirectory?: string;
  /** Prefix of the process names (default `hdfs`). */
  readonly name?: string;
  /** The NameNode's RPC port (default: a free one); the suite gives it the rendered 8020. */
  readonly rpcPort?: number;
}

export interface HdfsService {
  /** `hdfs://127.0.0.1:<port>` */
  readonly defaultFS: string;
  readonly nameNode: {
    readonly rpcPort: number;
    readonly httpPort: number;
    readonly process: RunningProcess;
  };
  readonly dataNodes: ReadonlyArray<{ readonly process: RunningProcess; readonly dataPort: number }>;
  /** A HADOOP_CONF_DIR for clients: the platform's client properties (core-site.xml, hdfs-site.xml). */
  readonly clientConfDir: string;
  /** Milliseconds until every DataNode was live and the NameNode out of safe mode. */
  readonly startMs: number;
  /** Milliseconds the platform's base-directory script took. */
  readonly setupMs: number;
  /** Stop the NameNode and start it again by the platform's command (which must not format it again). */
  restartNameNode(): Promise<void>;
  /** `hdfs dfs <args>` as `user` (HADOOP_USER_NAME): exit code and output. */
  dfs(user: string, args: readonly string[]): Promise<{ code: number | null; output: string }>;
  /** `hdfs fsck <args>` as `user`: exit code and output. */
  fsck(user: string, args: readonly string[]): Promise<{ code: number | null; output: string }>;
  stop(): Promise<void>;
}

/** The properties of one `<FILE>_<key>` family of the image's environment (`CORE-SITE.XML_fs.defaultFS` ...). */
function fromImageEnv(
  env: ReadonlyArray<{ name: string; value: string }>,
  file: string,
): Record<string, string> {
  const prefix = `${file}_`;
  return Object.fromEntries(
    env.filter((e) => e.name.startsWith(prefix)).map((e) => [e.name.slice(prefix.length), e.value]),
  );
}

/** The platform's server properties with the local replacements (see the header); `role` picks its folders. */
export function localHdfsProperties(args: {
  readonly defaultFS: string;
  readonly replication: number;
  readonly dir: string;
  readonly nameNodeHttpPort: number;
  readonly dataNode?: { readonly data: number; readonly http: number; readonly ipc: number };
}): { core: Record<string, string>; hdfs: Record<string, string> } {
  // The platform's defaultFS is an in-cluster name; its value is replaced below, the key set is the platform's.
  const env = serverEnv("hdfs://in-cluster-name:8020", args.replication);
  const core = { ...fromImageEnv(env, "CORE-SITE.XML"), "fs.defaultFS": args.defaultFS };
  const hdfs = fromImageEnv(env, "HDFS-SITE.XML");
  const replaced: Record<string, string> = {
    "dfs.namenode.name.dir": `file://${path.join(args.dir, "nn")}`,
    "dfs.datanode.data.dir": `file://${path.join(args.dir, "dn")}`,
    "dfs.namenode.rpc-bind-host": "127.0.0.1",
    "dfs.namenode.http-bind-host": "127.0.0.1",
    "dfs.namenode.http-address": `127.0.0.1:${args.nameNodeHttpPort}`,
  };
  for (const key of Object.keys(replaced)) {
    if (!(key in hdfs) && key !== "dfs.namenode.http-address") {
      throw new Error(`the platform's serverEnv no longer sets ${key}: review localHdfsProperties`);
    }
  }
  Object.assign(hdfs, replaced);
  if (args.dataNode) {
    hdfs["dfs.datanode.address"] = `127.0.0.1:${args.dataNode.data}`;
    hdfs["dfs.datanode.http.address"] = `127.0.0.1:${args.dataNode.http}`;
    hdfs["dfs.datanode.ipc.address"] = `127.0.0.1:${args.dataNode.ipc}`;
  }
  // Hadoop's scratch space defaults to /tmp/hadoop-<user>; keep it with the rest.
  (core as Record<string, string>)["hadoop.tmp.dir"] = path.join(args.dir, "tmp");
  return { core, hdfs };
}

/** log4j (reload4j) configuration: the root logger from -Dhadoop.root.logger, on stderr. */
const LOG4J_PROPERTIES = [
  "hadoop.root.logger=INFO,console",
  "log4j.rootLogger=${hadoop.root.logger}",
  "log4j.appender.console=org.apache.log4j.ConsoleAppender",
  "log4j.appender.console.target=System.err",
  "log4j.appender.console.layout=org.apache.log4j.PatternLayout",
  "log4j.appender.console.layout.ConversionPattern=%d{ISO8601} %p %c{2}: %m%n",
  // No native Hadoop library here (none is needed); its warning would be in every client's output.
  "log4j.logger.org.apache.hadoop.util.NativeCodeLoader=ERROR",
  "",
].join("\n");

/**
 * The image's `hdfs` launcher, reduced to the commands the platform's scripts and these tests use. The classpath and the
 * configuration folder come from the environment (HDFS_CLASSPATH: the conf folder first, then Hadoop's jars).
 */
const HDFS_LAUNCHER = `#!/bin/sh
set -eu
command=$1
shift
case "$command" in
  namenode) exec "$JAVA" -Xmx512m -cp "$HDFS_CLASSPATH" org.apache.hadoop.hdfs.server.namenode.NameNode "$@" ;;
  datanode) exec "$JAVA" -Xmx512m -cp "$HDFS_CLASSPATH" org.apache.hadoop.hdfs.server.datanode.DataNode "$@" ;;
  dfs) exec "$JAVA" -Xmx256m -Dhadoop.root.logger=WARN,console -cp "$HDFS_CLASSPATH" org.apache.hadoop.fs.FsShell "$@" ;;
  fsck) exec "$JAVA" -Xmx256m -Dhadoop.root.logger=WARN,console -cp "$HDFS_CLASSPATH" org.apache.hadoop.hdfs.tools.DFSck "$@" ;;
  *) echo "hdfs: $command is not supported here" >&2; exit 64 ;;
esac
`;

function writeConf(
  dir: string,
  props: { core: Record<string, string>; hdfs: Record<string, string> },
): string {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "core-site.xml"), hadoopConfigurationXml(props.core));
  fs.writeFileSync(path.join(dir, "hdfs-site.xml"), hadoopConfigurationXml(props.hdfs));
  fs.writeFileSync(path.join(dir, "log4j.properties"), LOG4J_PROPERTIES);
  return dir;
}

/** JMX bean of the NameNode, or undefined while it does not answer. */
async function nameNodeBean(httpPort: number, bean: string): Promise<Record<string, unknown> | undefined> {
  try {
    const response = await fetch(`http://127.0.0.1:${httpPort}/jmx?qry=${encodeURIComponent(bean)}`, {
      signal: AbortSignal.timeout(5000),
    });
    const beans = ((await response.json()) as { beans?: Record<string, unknown>[] }).beans ?? [];
    return beans[0];
  } catch {
    return undefined;
  }
}

export async function startHdfs(options: HdfsOptions): Promise<HdfsService> {
  const name = options.name ?? "hdfs";
  const dataNodeCount = options.dataNodes ?? 1;
  const replication = options.replication ?? 1;
  const baseDirectory = options.baseDirectory ?? "/flink";
  const base = freshDir(options.workDir, name);
  const rpcPort = options.rpcPort ?? (await freePort());
  const httpPort = await freePort();
  const defaultFS = `hdfs://127.0.0.1:${rpcPort}`;
  const binDir = freshDir(base, "bin");
  fs.writeFileSync(path.join(binDir, "hdfs"), HDFS_LAUNCHER, { mode: 0o755 });
  const lib = libClasspath("hadoop", "lib");
  // webapps/ of the NameNode and DataNode HTTP servers (scripts/build-services.sh takes it from Central).
  const resources = built("hadoop", "resources");
  const roleEnv = (confDir: string, user: string) =>
    baseEnv({
      PATH: `${binDir}:${process.env.PATH ?? "/usr/bin:/bin"}`,
      JAVA: javaCommand(),
      HDFS_CLASSPATH: `${confDir}:${resources}:${lib}`,
      HADOOP_USER_NAME: user,
    });

  const t0 = Date.now();
  const nnDir = freshDir(base, "namenode");
  const nnConf = writeConf(
    path.join(nnDir, "conf"),
    localHdfsProperties({ defaultFS, replication, dir: nnDir, nameNodeHttpPort: httpPort }),
  );
  // The platform's command, with the image's metadata folder replaced by ours.
  const nameNodeCommand = NAMENODE_COMMAND.replaceAll("/data/nn", path.join(nnDir, "nn"));
  if (nameNodeCommand === NAMENODE_COMMAND) {
    throw new Error(`NAMENODE_COMMAND no longer names /data/nn: ${NAMENODE_COMMAND}`);
  }
  const startNameNode = async () => {
    const p = options.group.start(`${name}-namenode`, "bash", ["-c", nameNodeCommand], {
      env: roleEnv(nnConf, "hadoop"),
    });
    // The NameNode's readiness probe (its RPC port), then its liveness probe (HTTP /).
    await waitForPort("127.0.0.1", rpcPort, 120_000, p);
    await waitForHttp(`http://127.0.0.1:${httpPort}/`, { timeoutMs: 60_000, process: p });
    p.markReady();
    return p;
  };
  let nameNode = await startNameNode();

  const dataNodes: Array<{ process: RunningProcess; dataPort: number }> = [];
  for (let i = 0; i < dataNodeCount; i++) {
    const dnDir = freshDir(base, `datanode-${i}`);
    const ports = { data: await freePort(), http: await freePort(), ipc: await freePort() };
    const conf = writeConf(
      path.join(dnDir, "conf"),
      localHdfsProperties({
        defaultFS,
        replication,
        dir: dnDir,
        nameNodeHttpPort: httpPort,
        dataNode: ports,
      }),
    );
    const dn = options.group.start(`${name}-datanode-${i}`, "bash", ["-c", "exec hdfs datanode"], {
      env: roleEnv(conf, "hadoop"),
    });
    dataNodes.push({ process: dn, dataPort: ports.data });
  }
  for (const dn of dataNodes) {
    await waitForPort("127.0.0.1", dn.dataPort, 120_000, dn.process);
  }
  // Ready for clients: every DataNode registered and the NameNode out of safe mode, as the NameNode reports it.
  const deadline = Date.now() + 120_000;
  const serving = async () => {
    for (;;) {
      const state = await nameNodeBean(httpPort, "Hadoop:service=NameNode,name=FSNamesystemState");
      const info = await nameNodeBean(httpPort, "Hadoop:service=NameNode,name=NameNodeInfo");
      // Registered is not enough to take blocks: each DataNode must also have reported its storage (capacity).
      const live = Object.values(
        JSON.parse(typeof info?.LiveNodes === "string" ? info.LiveNodes : "{}") as Record<
          string,
          { capacity?: number }
        >,
      );
      const withStorage = live.filter((node) => (node.capacity ?? 0) > 0).length;
      if (
        state?.NumLiveDataNodes === dataNodeCount &&
        withStorage === dataNodeCount &&
        info?.Safemode === ""
      ) {
        break;
      }
      const dead = [nameNode, ...dataNodes.map((d) => d.process)].find((p) => p.hasExited());
      if (dead || Date.now() > deadline) {
        throw new Error(
          `HDFS not ready (live DataNodes ${String(state?.NumLiveDataNodes)} of ${dataNodeCount}, safe mode '${String(info?.Safemode)}')` +
            (dead ? `: ${dead.name} exited` : ""),
        );
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  };
  await serving();
  for (const dn of dataNodes) {
    dn.process.markReady();
  }
  const startMs = Date.now() - t0;

  const clientConfDir = path.join(base, "client-conf");
  const client = hdfsClientProperties(defaultFS, replication);
  // Local: the NameNode's HTTP port is not the default 9870 the platform's clients may assume (fsck uses it).
  writeConf(clientConfDir, {
    core: { ...client.core },
    hdfs: { ...client.hdfs, "dfs.namenode.http-address": `127.0.0.1:${httpPort}` },
  });
  let runs = 0;
  const shell = (runName: string, script: string, user: string) =>
    runToCompletion(options.group, runName, "bash", ["-c", script], {
      timeoutMs: 180_000,
      env: roleEnv(clientConfDir, user),
    });

  const hdfsCommand = async (user: string, args: readonly string[]) => {
    runs++;
    const result = await runToCompletion(
      options.group,
      `${name}-${args[0]}-${runs}`,
      path.join(binDir, "hdfs"),
      args,
      {
        timeoutMs: 120_000,
        env: roleEnv(clientConfDir, user),
      },
    );
    return { code: result.code, output: result.log.split("\n").slice(1).join("\n") };
  };

  // The platform's base-directory Job: as the superuser, create the directory and give it to flink.
  const s0 = Date.now();
  const setup = await shell(
    `${name}-base-directory`,
    baseDirectoryScript(baseDirectory, { attempts: 30, intervalSeconds: 2 }),
    "hadoop",
  );
  if (setup.code !== 0) {
    throw new Error(`the platform's HDFS base-directory script exited with ${setup.code}:\n${setup.log}`);
  }
  const setupMs = Date.now() - s0;

  return {
    defaultFS,
    nameNode: {
      rpcPort,
      httpPort,
      get process() {
        return nameNode;
      },
    },
    dataNodes,
    clientConfDir,
    startMs,
    setupMs,
    dfs: (user, args) => hdfsCommand(user, ["dfs", ...args]),
    fsck: (user, args) => hdfsCommand(user, ["fsck", ...args]),
    async restartNameNode() {
      await nameNode.stop();
      nameNode = await startNameNode();
      await serving();
    },
    async stop() {
      for (const dn of dataNodes) {
        await dn.process.stop();
      }
      await nameNode.stop();
    },
  };
}
