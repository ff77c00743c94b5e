/**
 * The managed MySQL server: a single-instance StatefulSet of the official image. root exists only as
 * `root@localhost`, reachable on the server's socket inside its pod; the database Jobs log in with an administrative
 * account of their own, which may create users and own the consumers' databases and nothing else. Both passwords
 * follow the Secret at every start (the SQL that sets them is written in the pod, into memory, from the Secret's
 * values), and the probes only pass once the real server listens.
 */
import { platformLabels } from "../kube/labels";
import { secretEnv } from "../kube/secrets";
import { nonRootPodSecurityContext, restrictedContainerSecurityContext } from "../kube/securityContext";
import { claimRetentionPolicy, dataVolumeClaimTemplate } from "../kube/volumes";
import type { MySqlConfig } from "./config";
import { ADMIN_SECRET } from "./connection";

export const MYSQL_PORT = 3306;
/** uid/gid of the `mysql` user in the official image. */
export const MYSQL_UID = 999;
/** Name of the managed server's Service and StatefulSet. */
export const MYSQL_NAME = "mysql";
/** The administrative account of the database Jobs on the managed server. */
export const ADMIN_ACCOUNT = "platform_admin";
/** Keys of the managed server's Secret (ADMIN_SECRET): the Jobs' account, and root's password. */
export const SERVER_SECRET_KEYS = {
  username: "username",
  password: "password",
  rootPassword: "root-password",
} as const;
/** Where the data volume is mounted; the data directory is a subdirectory (a fresh volume may hold `lost+found`). */
const DATA_MOUNT = "/var/lib/mysql";
const DATA_DIR = `${DATA_MOUNT}/data`;
/** In-memory directory of the setup SQL (it holds passwords). */
const SETUP_DIR = "/run/mysql-setup";
/** Where the image's entrypoint looks for SQL to run once, after it initialises an empty data directory. */
const INITDB_DIR = "/docker-entrypoint-initdb.d";

/** Host name of the managed server: the headless Service, which resolves to the pod once it is ready. */
export function managedHost(namespace: string): string {
  return `${MYSQL_NAME}.${namespace}.svc`;
}

/**
 * Shell lines that write the setup SQL from the environment (MYSQL_ROOT_PASSWORD, ADMIN_USER, ADMIN_PASSWORD) to
 * `file`: root's password, no root from the network, and the Jobs' account with `CREATE USER` and all privileges,
 * with grant option, on the consumers' databases. One statement per line, as `--init-file` wants. A volume that
 * outlived the stack's state keeps working: every statement re-asserts what the Secret says.
 */
export function setupSqlLines(file: string, databases: readonly string[]): string[] {
  const grants = databases.map(
    (db) => String.raw`GRANT ALL PRIVILEGES ON \`${db}\`.* TO '$admin_user'@'%' WITH GRANT OPTION;`,
  );
  return [
    String.raw`sql_quote() { printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e "s/'/\\\\'/g"; }`,
    `root_password="$(sql_quote "$MYSQL_ROOT_PASSWORD")"`,
    `admin_user="$(sql_quote "$ADMIN_USER")"`,
    `admin_password="$(sql_quote "$ADMIN_PASSWORD")"`,
    `umask 077`,
    `cat > ${file} <<SQL`,
    "ALTER USER 'root'@'localhost' IDENTIFIED BY '$root_password';",
    "DROP USER IF EXISTS 'root'@'%';",
    "CREATE USER IF NOT EXISTS '$admin_user'@'%' IDENTIFIED BY '$admin_password';",
    "ALTER USER '$admin_user'@'%' IDENTIFIED BY '$admin_password';",
    "GRANT CREATE USER ON *.* TO '$admin_user'@'%';",
    ...grants,
    "SQL",
  ];
}

/**
 * The server's command: write the setup SQL, then the image's entrypoint with a data directory below the mount
 * point (a fresh volume may hold `lost+found`, which the initialisation refuses). On first boot the entrypoint runs
 * the SQL once it has initialised the data directory (with root only on localhost, MYSQL_ROOT_HOST); on every later
 * start the server runs it as its init file.
 */
export function mysqlStartScript(
  databases: readonly string[],
  dirs: { dataDir?: string; setupDir?: string; initdbDir?: string } = {},
): string {
  const { dataDir = DATA_DIR, setupDir = SETUP_DIR, initdbDir = INITDB_DIR } = dirs;
  const file = `${setupDir}/setup.sql`;
  return [
    "set -eu",
    ...setupSqlLines(file, databases),
    `if [ -d '${dataDir}/mysql' ]; then set -- --init-file='${file}'; else cp '${file}' '${initdbDir}/setup.sql'; set --; fi`,
    `exec docker-entrypoint.sh mysqld --datadir='${dataDir}' "$@"`,
  ].join("\n");
}

/** Labels that select the managed server's pod; never change them (a StatefulSet's selector is immutable). */
export const SELECTOR = {
  "app.kubernetes.io/part-of": "flink-platform",
  "app.kubernetes.io/component": "mysql",
};

/**
 * Probes of the managed server. On first boot the image initialises the data directory with a temporary server
 * started with `--skip-networking` (socket only); every probe here goes over TCP to 127.0.0.1, so none passes
 * until the real server listens. `mysqladmin ping` exits 0 whenever the server answers (even "access denied"), so
 * liveness needs no credentials; readiness runs a query as root, reading the password from a mounted option file.
 */
export function mysqlProbes() {
  const ping = {
    exec: {
      command: [
        "mysqladmin",
        "--protocol=TCP",
        "--host=127.0.0.1",
        `--port=${MYSQL_PORT}`,
        "--connect-timeout=3",
        "ping",
      ],
    },
    timeoutSeconds: 5,
    periodSeconds: 10,
  };
  return {
    // First boot (initialise, time zones, restart) takes well under a minute; allow 10 minutes before giving up.
    startupProbe: { ...ping, failureThreshold: 60 },
    livenessProbe: { ...ping, failureThreshold: 6 },
    // Ready once the real server answers on TCP; the accounts themselves are the Jobs' concern (they wait for theirs).
    readinessProbe: { ...ping, failureThreshold: 3 },
  };
}

/** The managed server's StatefulSet spec. Pure; the selector, serviceName and claim template never vary with settings. */
export function mysqlStatefulSetSpec(
  config: MySqlConfig,
  databases: readonly string[],
  allowDataLoss: boolean,
) {
  const key = (k: string) => ({ name: ADMIN_SECRET, key: k });
  return {
    serviceName: MYSQL_NAME,
    replicas: 1,
    selector: { matchLabels: SELECTOR },
    persistentVolumeClaimRetentionPolicy: claimRetentionPolicy(allowDataLoss),
    template: {
      metadata: { labels: { ...platformLabels("mysql"), ...SELECTOR } },
      spec: {
        automountServiceAccountToken: false,
        enableServiceLinks: false,
        securityContext: nonRootPodSecurityContext(MYSQL_UID),
        // Time for a clean InnoDB shutdown.
        terminationGracePeriodSeconds: 60,
        containers: [
          {
            name: "mysql",
            image: config.image,
            command: ["bash", "-c", mysqlStartScript(databases)],
            ports: [{ name: "mysql", containerPort: MYSQL_PORT, protocol: "TCP" }],
            env: [
              secretEnv("MYSQL_ROOT_PASSWORD", key(SERVER_SECRET_KEYS.rootPassword)),
              // The image creates root for this host only: the socket inside the pod.
              { name: "MYSQL_ROOT_HOST", value: "localhost" },
              secretEnv("ADMIN_USER", key(SERVER_SECRET_KEYS.username)),
              secretEnv("ADMIN_PASSWORD", key(SERVER_SECRET_KEYS.password)),
            ],
            resources: config.resources,
            securityContext: restrictedContainerSecurityContext(),
            ...mysqlProbes(),
            volumeMounts: [
              { name: "data", mountPath: DATA_MOUNT },
              { name: "setup", mountPath: SETUP_DIR },
              { name: "initdb", mountPath: INITDB_DIR },
            ],
          },
        ],
        volumes: [
          { name: "setup", emptyDir: { medium: "Memory", sizeLimit: "1Mi" } },
          { name: "initdb", emptyDir: { medium: "Memory", sizeLimit: "1Mi" } },
        ],
      },
    },
    volumeClaimTemplates: [dataVolumeClaimTemplate(platformLabels("mysql"), config.storage)],
  };
}
