/**
 * A MariaDB server (Debian's, MySQL-compatible: MySQL 8.4 is not in Debian) started by the suite itself on
 * 127.0.0.1, with its own data folder, socket and PID file in a temp folder and no option file of the system
 * (`--no-defaults`); the system's service is never used. It is set up the platform's way: the server's setup SQL
 * (`setupSqlLines` of components/mysql/server.ts: root's password, the Jobs' admin account with CREATE USER and all
 * privileges on the consumers' databases) as its `--init-file`, and each consumer's database and user created by
 * the platform's database Job script (`ensureDatabaseScript`), with every password in the environment or an option
 * file, never on a command line.
 *
 * Local settings (MySQL 8.4 defaults that MariaDB 10.11 lacks): utf8mb4 as the server's character set. Name
 * resolution is off (a network namespace without DNS).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ensureDatabaseScript } from "../../../../components/mysql/clientScripts";
import { setupSqlLines } from "../../../../components/mysql/server";
import {
  ProcessGroup,
  RunningProcess,
  freePort,
  runToCompletion,
  waitForLog,
  waitForPort,
} from "../processes";
import { baseEnv, freshDir, generatedSecret, systemBinary } from "./toolchain";

export interface MariaDbOptions {
  readonly group: ProcessGroup;
  readonly workDir: string;
  /** The consumers' databases the admin account may manage (the platform's `mysqlDatabaseRequests`). */
  readonly databases: readonly string[];
  /** Name of the server process (default `mariadb`). */
  readonly name?: string;
}

export interface DatabaseAccount {
  readonly database: string;
  readonly user: string;
  readonly password: string;
}

export interface MariaDbService {
  readonly host: "127.0.0.1";
  readonly port: number;
  readonly socket: string;
  readonly version: string;
  /** The Jobs' account (ADMIN_USER / ADMIN_PASSWORD of the platform's database Jobs). */
  readonly admin: { readonly user: string; readonly password: string };
  readonly process: RunningProcess;
  /** Milliseconds from the start of mariadbd until it accepted connections (the data folder made before). */
  readonly startMs: number;
  /** Milliseconds mariadb-install-db took. */
  readonly installMs: number;
  /** Run the platform's database Job script for `account`; returns its exit code and log. */
  ensureDatabase(account: DatabaseAccount): Promise<{ code: number | null; log: string }>;
  /** Run SQL (on standard input) as `account` over TCP: exit code and output (tab-separated, no headers). */
  sql(
    account: { user: string; password: string; database?: string },
    sql: string,
  ): Promise<{ code: number | null; output: string }>;
  /** Stop mariadbd and start it again on the same data (the init file runs again, as on every start). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** An option file with the account (MySQL's quoting), mode 0600, so that no password is on a command line. */
function optionFile(dir: string, name: string, user: string, password: string): string {
  const quote = (text: string) => `"${text.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
  const file = path.join(dir, `${name}.cnf`);
  fs.writeFileSync(file, `[client]\nuser=${quote(user)}\npassword=${quote(password)}\n`, { mode: 0o600 });
  return file;
}

export async function startMariaDb(options: MariaDbOptions): Promise<MariaDbService> {
  const name = options.name ?? "mariadb";
  const dir = freshDir(options.workDir, name);
  const dataDir = path.join(dir, "data");
  const socket = path.join(dir, "mysqld.sock");
  const clientDir = freshDir(dir, "client");
  fs.chmodSync(clientDir, 0o700);
  const port = await freePort();
  // mariadbd refuses to run as root unless told to; as anyone else it runs as that user.
  const user = os.userInfo().username;

  const i0 = Date.now();
  const install = await runToCompletion(
    options.group,
    `${name}-install-db`,
    systemBinary("mariadb-install-db"),
    [
      "--no-defaults",
      `--datadir=${dataDir}`,
      `--user=${user}`,
      "--skip-test-db",
      "--auth-root-authentication-method=socket",
    ],
    { timeoutMs: 120_000, env: baseEnv() },
  );
  if (install.code !== 0) {
    throw new Error(`mariadb-install-db exited with ${install.code}:\n${install.log}`);
  }
  const installMs = Date.now() - i0;

  // The platform's setup SQL, written by its own shell lines from the environment.
  const rootPassword = generatedSecret(32);
  const admin = { user: "platform_admin", password: generatedSecret(32) };
  const initFile = path.join(dir, "setup.sql");
  const setup = await runToCompletion(
    options.group,
    `${name}-setup-sql`,
    "sh",
    ["-c", ["set -eu", ...setupSqlLines(initFile, options.databases), ""].join("\n")],
    {
      timeoutMs: 30_000,
      env: baseEnv({
        MYSQL_ROOT_PASSWORD: rootPassword,
        ADMIN_USER: admin.user,
        ADMIN_PASSWORD: admin.password,
      }),
    },
  );
  if (setup.code !== 0) {
    throw new Error(`the platform's setup SQL lines exited with ${setup.code}:\n${setup.log}`);
  }

  const args = [
    "--no-defaults",
    `--datadir=${dataDir}`,
    `--socket=${socket}`,
    `--pid-file=${path.join(dir, "mysqld.pid")}`,
    `--port=${port}`,
    "--bind-address=127.0.0.1",
    "--skip-networking=0",
    "--skip-name-resolve",
    `--user=${user}`,
    `--init-file=${initFile}`,
    "--character-set-server=utf8mb4",
    "--innodb-buffer-pool-size=64M",
  ];
  let server: RunningProcess;
  let startMs = 0;
  const start = async () => {
    const t0 = Date.now();
    server = options.group.start(name, systemBinary("mariadbd"), args, { env: baseEnv() });
    await waitForLog(server, /ready for connections/, 60_000);
    await waitForPort("127.0.0.1", port, 10_000, server);
    server.markReady();
    startMs = Date.now() - t0;
  };
  await start();
  const version = /Version: '([^']+)'/.exec(fs.readFileSync(server!.logFile, "utf8"))?.[1] ?? "unknown";

  let runs = 0;
  const sql: MariaDbService["sql"] = async (account, text) => {
    runs++;
    const file = optionFile(clientDir, `sql-${runs}`, account.user, account.password);
    const result = await runToCompletion(
      options.group,
      `${name}-sql-${runs}`,
      systemBinary("mysql"),
      [
        `--defaults-extra-file=${file}`,
        "--protocol=TCP",
        "--host=127.0.0.1",
        `--port=${port}`,
        "--batch",
        "--skip-column-names",
        ...(account.database ? [account.database] : []),
      ],
      { timeoutMs: 60_000, env: baseEnv(), stdin: text },
    );
    fs.rmSync(file);
    return { code: result.code, output: result.log.split("\n").slice(1).join("\n") };
  };

  return {
    host: "127.0.0.1",
    port,
    socket,
    version,
    admin,
    get process() {
      return server;
    },
    get startMs() {
      return startMs;
    },
    installMs,
    async ensureDatabase(account) {
      runs++;
      const result = await runToCompletion(
        options.group,
        `${name}-database-${account.database}-${runs}`,
        "sh",
        [
          "-c",
          ensureDatabaseScript({ clientConfigDir: clientDir, wait: { attempts: 30, intervalSeconds: 1 } }),
        ],
        {
          timeoutMs: 120_000,
          env: baseEnv({
            MYSQL_HOST: "127.0.0.1",
            MYSQL_PORT: String(port),
            ADMIN_USER: admin.user,
            ADMIN_PASSWORD: admin.password,
            DATABASE: account.database,
            DATABASE_USER: account.user,
            DATABASE_PASSWORD: account.password,
          }),
        },
      );
      return { code: result.code, log: result.log };
    },
    sql,
    async restart() {
      await server.stop(30_000);
      await start();
    },
    stop: () => server.stop(30_000),
  };
}
