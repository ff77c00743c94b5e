/**
 * ZooKeeper 3.9.4 (Maven Central jars, scripts/build-services.sh) on loopback, configured from the environment of
 * the platform's own zookeeper container (the rendered StatefulSet's `ZOO_*` variables, components/state/zookeeper.ts)
 * the way the zookeeper image's entrypoint writes zoo.cfg from them: the image's defaults, one line per ZOO_SERVERS
 * entry, the 4-letter-word whitelist, then every ZOO_CFG_EXTRA entry. Only addresses and ports are replaced
 * (localZooCfg says which), for servers sharing one loopback: each `server.N` gets 127.0.0.1 and free ports, the
 * data folders are temp folders, the metrics provider gets a free port on 127.0.0.1, and the AdminServer (on by the
 * image's default, an HTTP port the platform does not use) is off. The heap is capped at 256 MiB instead of
 * JVMFLAGS' share of a container's memory.
 */
import * as fs from "fs";
import * as net from "net";
import * as path from "path";
import { ProcessGroup, RunningProcess, freePort, waitForPort } from "../processes";
import { baseEnv, freshDir, javaCommand, libClasspath } from "./toolchain";

export interface ZooKeeperOptions {
  readonly group: ProcessGroup;
  readonly workDir: string;
  /**
   * The environment of the platform's zookeeper container as rendered (name to value). Its ZOO_SERVERS decides
   * how many servers run (one per `server.N` entry).
   */
  readonly imageEnv: Readonly<Record<string, string>>;
  /** Prefix of the process names (default `zookeeper`). */
  readonly name?: string;
  /** Client ports of the servers in id order (default: free ports); the suite gives the first the rendered 2181. */
  readonly clientPorts?: readonly number[];
}

export interface ZooKeeperServer {
  /** myid: N of its `server.N` entry. */
  readonly id: number;
  readonly clientPort: number;
  readonly quorumPort: number;
  readonly electionPort: number;
  /** Port of the Prometheus metrics provider (/metrics), when ZOO_CFG_EXTRA configures one. */
  readonly metricsPort: number;
  readonly dir: string;
  /** The running process (a new one after restart()). */
  process: RunningProcess;
}

export interface ZooKeeperService {
  /** Client connection string, e.g. `127.0.0.1:2181,127.0.0.1:2182`. */
  readonly quorum: string;
  readonly servers: readonly ZooKeeperServer[];
  /** Milliseconds until every server answered `srvr` with its mode. */
  readonly startMs: number;
  /** Send a four-letter word to server `id`; resolves with its answer. */
  fourLetter(id: number, word: string): Promise<string>;
  /** Each server's `Mode:` (standalone, leader, follower), by id; `down` for one that does not answer. */
  modes(): Promise<Record<number, string>>;
  /** Start server `id` again (same data), after it was stopped or killed. */
  restart(id: number): Promise<void>;
  stop(): Promise<void>;
}

/** The zookeeper image's ENV defaults (its Dockerfile), which its entrypoint writes into zoo.cfg. */
const IMAGE_DEFAULTS: Readonly<Record<string, string>> = {
  ZOO_TICK_TIME: "2000",
  ZOO_INIT_LIMIT: "5",
  ZOO_SYNC_LIMIT: "2",
  ZOO_AUTOPURGE_PURGEINTERVAL: "0",
  ZOO_AUTOPURGE_SNAPRETAINCOUNT: "3",
  ZOO_MAX_CLIENT_CNXNS: "60",
  ZOO_STANDALONE_ENABLED: "true",
  ZOO_ADMINSERVER_ENABLED: "true",
};

/** The `server.N` ids of ZOO_SERVERS (`server.<id>=<host>:<quorum>:<election>;<client>`, space-separated). */
export function serverIds(zooServers: string): number[] {
  return zooServers
    .split(/\s+/)
    .filter(Boolean)
    .map((entry) => {
      const m = /^server\.(\d+)=[^:]+:\d+:\d+(;\S+)?$/.exec(entry);
      if (!m) {
        throw new Error(`ZOO_SERVERS entry ${entry} is not server.<id>=<host>:<port>:<port>[;<client>]`);
      }
      return Number(m[1]);
    });
}

/**
 * zoo.cfg of one server as the image's entrypoint writes it from `imageEnv`, with the local replacements: data
 * folders, every server's address and ports, the metrics provider's address and port, the AdminServer off.
 */
export function localZooCfg(
  imageEnv: Readonly<Record<string, string>>,
  server: ZooKeeperServer,
  all: readonly ZooKeeperServer[],
): string {
  const env = { ...IMAGE_DEFAULTS, ...imageEnv };
  const lines = [
    `dataDir=${path.join(server.dir, "data")}`,
    `dataLogDir=${path.join(server.dir, "datalog")}`,
    `tickTime=${env.ZOO_TICK_TIME}`,
    `initLimit=${env.ZOO_INIT_LIMIT}`,
    `syncLimit=${env.ZOO_SYNC_LIMIT}`,
    `autopurge.snapRetainCount=${env.ZOO_AUTOPURGE_SNAPRETAINCOUNT}`,
    `autopurge.purgeInterval=${env.ZOO_AUTOPURGE_PURGEINTERVAL}`,
    `maxClientCnxns=${env.ZOO_MAX_CLIENT_CNXNS}`,
    `standaloneEnabled=${env.ZOO_STANDALONE_ENABLED}`,
    // Local: off (the image's default is on, on 8080, a port every server would want).
    "admin.enableServer=false",
    // Local: ZOO_SERVERS with each in-cluster address replaced by 127.0.0.1 and free ports.
    ...all.map((s) => `server.${s.id}=127.0.0.1:${s.quorumPort}:${s.electionPort};127.0.0.1:${s.clientPort}`),
  ];
  if (env.ZOO_4LW_COMMANDS_WHITELIST) {
    lines.push(`4lw.commands.whitelist=${env.ZOO_4LW_COMMANDS_WHITELIST}`);
  }
  for (const entry of (env.ZOO_CFG_EXTRA ?? "").split(/\s+/).filter(Boolean)) {
    if (entry.startsWith("metricsProvider.httpPort=")) {
      // Local: a free port, on 127.0.0.1 (the provider binds every interface by default).
      lines.push(`metricsProvider.httpPort=${server.metricsPort}`, "metricsProvider.httpHost=127.0.0.1");
    } else {
      lines.push(entry);
    }
  }
  return lines.join("\n") + "\n";
}

/** Logging to stdout at INFO (ZooKeeper's own logback.xml logs to the console too). */
const LOGBACK_XML = `<configuration>
  <appender name="CONSOLE" class="ch.qos.logback.core.ConsoleAppender">
    <encoder><pattern>%d{ISO8601} [myid:%X{myid}] - %-5p [%t:%C{1}@%L] - %m%n</pattern></encoder>
  </appender>
  <root level="INFO"><appender-ref ref="CONSOLE"/></root>
</configuration>
`;

/** Send a four-letter word and read the answer until the server closes the connection. */
export function fourLetterWord(port: number, word: string, timeoutMs = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: "127.0.0.1", port });
    let answer = "";
    socket.setTimeout(timeoutMs, () =>
      socket.destroy(new Error(`no answer to ${word} from 127.0.0.1:${port}`)),
    );
    socket.once("connect", () => socket.write(word));
    socket.on("data", (chunk) => (answer += chunk.toString("utf8")));
    socket.once("error", reject);
    socket.once("close", () => resolve(answer));
  });
}

export async function startZooKeeper(options: ZooKeeperOptions): Promise<ZooKeeperService> {
  const ids = serverIds(options.imageEnv.ZOO_SERVERS ?? "server.1=localhost:2888:3888;2181");
  const count = ids.length;
  const name = options.name ?? "zookeeper";
  const base = freshDir(options.workDir, name);
  const servers: ZooKeeperServer[] = [];
  for (const id of ids) {
    const dir = freshDir(base, `server-${id}`);
    fs.mkdirSync(path.join(dir, "data"));
    fs.mkdirSync(path.join(dir, "datalog"));
    // The image's entrypoint writes ZOO_MY_ID here.
    fs.writeFileSync(path.join(dir, "data", "myid"), `${id}\n`);
    servers.push({
      id,
      clientPort: options.clientPorts?.[servers.length] ?? (await freePort()),
      quorumPort: await freePort(),
      electionPort: await freePort(),
      metricsPort: await freePort(),
      dir,
      process: undefined as unknown as RunningProcess,
    });
  }
  const lib = libClasspath("zookeeper", "lib");
  const launch = (server: ZooKeeperServer) => {
    fs.writeFileSync(path.join(server.dir, "zoo.cfg"), localZooCfg(options.imageEnv, server, servers));
    fs.writeFileSync(path.join(server.dir, "logback.xml"), LOGBACK_XML);
    server.process = options.group.start(
      count === 1 ? name : `${name}-${server.id}`,
      javaCommand(),
      [
        "-Xmx256m",
        `-Dlogback.configurationFile=${path.join(server.dir, "logback.xml")}`,
        `-Dzookeeper.log.dir=${server.dir}`,
        "-cp",
        lib,
        "org.apache.zookeeper.server.quorum.QuorumPeerMain",
        path.join(server.dir, "zoo.cfg"),
      ],
      { env: baseEnv() },
    );
  };
  const ready = async (server: ZooKeeperServer) => {
    await waitForPort("127.0.0.1", server.clientPort, 60_000, server.process);
    // The readiness probe: `srvr` names a mode only once the server serves (an ensemble member: after an election).
    const deadline = Date.now() + 90_000;
    for (;;) {
      const answer = await fourLetterWord(server.clientPort, "srvr").catch((e: Error) => e.message);
      if (/^Mode: (standalone|leader|follower)$/m.test(answer)) {
        return;
      }
      if (server.process.hasExited() || Date.now() > deadline) {
        throw new Error(`ZooKeeper server ${server.id} did not serve (srvr: ${answer.trim()})`);
      }
      await new Promise((r) => setTimeout(r, 300));
    }
  };
  const t0 = Date.now();
  servers.forEach(launch);
  await Promise.all(servers.map(ready));
  for (const server of servers) {
    server.process.markReady();
  }
  const startMs = Date.now() - t0;

  const fourLetter = (id: number, word: string) => {
    const server = servers.find((s) => s.id === id);
    if (!server) {
      throw new Error(`no ZooKeeper server ${id}`);
    }
    return fourLetterWord(server.clientPort, word);
  };
  return {
    quorum: servers.map((s) => `127.0.0.1:${s.clientPort}`).join(","),
    servers,
    startMs,
    fourLetter,
    async modes() {
      const result: Record<number, string> = {};
      for (const s of servers) {
        const answer = s.process.hasExited() ? "" : await fourLetter(s.id, "srvr").catch(() => "");
        result[s.id] = /^Mode: (\w+)$/m.exec(answer)?.[1] ?? "down";
      }
      return result;
    },
    async restart(id) {
      const server = servers.find((s) => s.id === id)!;
      if (!server.process.hasExited()) {
        throw new Error(`ZooKeeper server ${id} is still running`);
      }
      launch(server);
      await ready(server);
      server.process.markReady();
    },
    async stop() {
      await Promise.all(servers.map((s) => s.process.stop()));
    },
  };
}
