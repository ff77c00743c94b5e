/**
 * The platform's MySQL: a single-instance StatefulSet the platform runs (managed), or a server that already exists
 * (external). Either way each consumer asks for a database of its own and gets back a small connection object
 * (host, port, database, user, and the Secret holding that user's generated password); it never learns which kind
 * of server is behind it.
 *
 * Databases and users are created by one Job per consumer with the administrative account, using statements that
 * are no-ops when their object exists (`CREATE DATABASE IF NOT EXISTS`, `CREATE USER IF NOT EXISTS`, and an `ALTER
 * USER` that re-asserts the password). A Job rather than an init script of the server: init scripts only run on an
 * empty data directory, so they would miss consumers turned on later, and would never run against an external
 * server. The Job's name is derived from its inputs, so an unchanged stack leaves it alone.
 */
import * as crypto from "crypto";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { claimRetentionPolicy, nonRootPodSecurityContext, restrictedContainerSecurityContext } from "../kube";
import { platformLabels } from "../labels";
import { secretConfigValue } from "../config";
import { MYSQL_SECRET_CONFIG_KEYS, MySqlConfig } from "./config";

export const MYSQL_PORT = 3306;
/** uid/gid of the `mysql` user in the official image. */
export const MYSQL_UID = 999;
/** Name of the managed server's Service and StatefulSet. */
export const MYSQL_NAME = "mysql";
/** Secret holding the administrative account the database Jobs use (managed, or external with mysqlAdminPassword). */
export const ADMIN_SECRET = "mysql-admin";
/** Where the data volume is mounted; the data directory is a subdirectory (a fresh volume may hold `lost+found`). */
const DATA_MOUNT = "/var/lib/mysql";
const DATA_DIR = `${DATA_MOUNT}/data`;
/** In-memory directory of the Jobs' client option file (it holds the password). */
const CLIENT_CONFIG_DIR = "/run/mysql-client";

/** A Secret key reference. */
export interface SecretKeyRef {
  readonly name: string;
  readonly key: string;
}

/** What a consumer gets: where to connect, as whom, and where that user's password is. */
export interface MySqlConnection {
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly user: string;
  /** Secret in the platform namespace holding the user's password. */
  readonly passwordSecret: SecretKeyRef;
}

/** A consumer's request for a database and a user that may do anything inside it. */
export interface MySqlDatabaseRequest {
  /** Short DNS-safe name of the consumer, e.g. "streampark"; names its Secret and Job. */
  readonly consumer: string;
  readonly database: string;
  readonly user: string;
}

/** The account the database Jobs log in with. */
export interface AdminAccount {
  readonly username: SecretKeyRef;
  readonly password: SecretKeyRef;
}

export interface MySqlArgs {
  /** Namespace of the server, its Secrets and Jobs (the platform namespace). */
  readonly namespace: string;
  readonly config: MySqlConfig;
  readonly databases: readonly MySqlDatabaseRequest[];
  /** Let deleting the StatefulSet delete its data volume too. */
  readonly allowDataLoss: boolean;
}

const identifier = /^[a-z][a-z0-9_]{0,31}$/;

/** Why a request cannot be served, or undefined. Names become SQL identifiers, so they are kept plain. */
export function databaseRequestProblem(request: MySqlDatabaseRequest): string | undefined {
  if (!/^[a-z]([-a-z0-9]{0,28}[a-z0-9])?$/.test(request.consumer)) {
    return `consumer '${request.consumer}' must be a DNS label of at most 30 characters`;
  }
  for (const [what, value] of [
    ["database", request.database],
    ["user", request.user],
  ]) {
    if (!identifier.test(value)) {
      return `${what} '${value}' must match ${identifier.source}`;
    }
  }
  return undefined;
}

/** Host name of the managed server: the headless Service, which resolves to the pod once it is ready. */
export function managedHost(namespace: string): string {
  return `${MYSQL_NAME}.${namespace}.svc`;
}

/** Name of the Secret holding a consumer's database password. */
export function userSecretName(consumer: string): string {
  return `mysql-${consumer}`;
}

/** The administrative account for a config: our own Secret, or the one an external setup names. */
export function adminAccount(config: MySqlConfig): AdminAccount {
  const existing = config.mode === "external" ? config.external.adminSecret : undefined;
  if (existing) {
    return {
      username: { name: existing.name, key: existing.usernameKey },
      password: { name: existing.name, key: existing.passwordKey },
    };
  }
  return {
    username: { name: ADMIN_SECRET, key: "username" },
    password: { name: ADMIN_SECRET, key: "password" },
  };
}

/**
 * Shell lines that write a MySQL client option file from two environment variables, so that passwords never appear
 * on a command line. Values are double-quoted with `\` and `"` escaped, as option files require.
 */
export function clientOptionFileLines(
  file: string,
  userVariable: string,
  passwordVariable: string,
): string[] {
  return [
    `umask 077`,
    `escape() { printf '%s' "$1" | sed -e 's/\\\\/\\\\\\\\/g' -e 's/"/\\\\"/g'; }`,
    `printf '[client]\\nuser="%s"\\npassword="%s"\\n' "$(escape "$${userVariable}")" "$(escape "$${passwordVariable}")" > ${file}`,
  ];
}

/**
 * Shell lines that wait until the server at $MYSQL_HOST:$MYSQL_PORT accepts the account of an option file (a fresh
 * server is still initialising, an external one may be briefly unreachable), for at most `attempts` × 5 s.
 */
export function waitForServerLines(file: string, attempts = 60): string[] {
  return [
    `n=0`,
    `until mysqladmin --defaults-extra-file=${file} --protocol=TCP --host="$MYSQL_HOST" --port="$MYSQL_PORT" --connect-timeout=5 status >/dev/null 2>&1; do`,
    `  n=$((n + 1))`,
    `  if [ "$n" -ge ${attempts} ]; then echo "MySQL at $MYSQL_HOST:$MYSQL_PORT did not accept the account" >&2; exit 1; fi`,
    `  sleep 5`,
    `done`,
  ];
}

/**
 * The script of a database Job. It reads everything from the environment: MYSQL_HOST, MYSQL_PORT, ADMIN_USER,
 * ADMIN_PASSWORD, DATABASE, DATABASE_USER, DATABASE_PASSWORD. Every statement is a no-op when its object exists, and
 * ALTER USER re-asserts the password, so the Job may run any number of times.
 */
export function ensureDatabaseScript(clientConfigDir = CLIENT_CONFIG_DIR): string {
  const file = `${clientConfigDir}/admin.cnf`;
  return [
    "set -eu",
    ...clientOptionFileLines(file, "ADMIN_USER", "ADMIN_PASSWORD"),
    ...waitForServerLines(file),
    `mysql --defaults-extra-file=${file} --protocol=TCP --host="$MYSQL_HOST" --port="$MYSQL_PORT" <<SQL`,
    "CREATE DATABASE IF NOT EXISTS \\`$DATABASE\\` CHARACTER SET utf8mb4;",
    "CREATE USER IF NOT EXISTS '$DATABASE_USER'@'%' IDENTIFIED BY '$DATABASE_PASSWORD';",
    "ALTER USER '$DATABASE_USER'@'%' IDENTIFIED BY '$DATABASE_PASSWORD';",
    "GRANT ALL PRIVILEGES ON \\`$DATABASE\\`.* TO '$DATABASE_USER'@'%';",
    "SQL",
    'echo "database $DATABASE and user $DATABASE_USER are in place"',
    "",
  ].join("\n");
}

/** Short stable hash of a Job's inputs, so the Job is replaced (and runs again) exactly when they change. */
export function inputsHash(inputs: unknown): string {
  return crypto.createHash("sha256").update(JSON.stringify(inputs)).digest("hex").slice(0, 10);
}

const secretEnv = (name: string, ref: SecretKeyRef) => ({
  name,
  valueFrom: { secretKeyRef: { name: ref.name, key: ref.key } },
});

/** The Job that creates one consumer's database and user. Pure: names and spec follow from the arguments. */
export function databaseJob(args: {
  namespace: string;
  image: string;
  host: string;
  port: number;
  admin: AdminAccount;
  request: MySqlDatabaseRequest;
}) {
  const { request } = args;
  const script = ensureDatabaseScript();
  const hash = inputsHash({ ...args, script });
  const labels = platformLabels("mysql-database", request.consumer);
  return {
    metadata: { name: `mysql-database-${request.consumer}-${hash}`, namespace: args.namespace, labels },
    spec: {
      backoffLimit: 4,
      activeDeadlineSeconds: 900,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: "Never",
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          securityContext: nonRootPodSecurityContext(MYSQL_UID),
          containers: [
            {
              name: "ensure-database",
              image: args.image,
              command: ["sh", "-c", script],
              env: [
                { name: "MYSQL_HOST", value: args.host },
                { name: "MYSQL_PORT", value: String(args.port) },
                secretEnv("ADMIN_USER", args.admin.username),
                secretEnv("ADMIN_PASSWORD", args.admin.password),
                { name: "DATABASE", value: request.database },
                { name: "DATABASE_USER", value: request.user },
                secretEnv("DATABASE_PASSWORD", { name: userSecretName(request.consumer), key: "password" }),
              ],
              resources: {
                requests: { cpu: "50m", memory: "64Mi" },
                limits: { cpu: "500m", memory: "256Mi" },
              },
              securityContext: restrictedContainerSecurityContext(),
              volumeMounts: [{ name: "client-config", mountPath: CLIENT_CONFIG_DIR }],
            },
          ],
          volumes: [{ name: "client-config", emptyDir: { medium: "Memory", sizeLimit: "1Mi" } }],
        },
      },
    },
  };
}

/**
 * SQL that sets root's password to the Secret's value. The image sets it only when it initialises an empty data
 * directory; a data volume that outlived the stack's state (StreamPark turned off and on again, destroy without data
 * loss and a new stack) would otherwise keep a password the platform no longer knows.
 */
export function rootPasswordSql(password: string): string {
  return [
    `ALTER USER IF EXISTS 'root'@'localhost' IDENTIFIED BY '${password}';`,
    `ALTER USER IF EXISTS 'root'@'%' IDENTIFIED BY '${password}';`,
    "",
  ].join("\n");
}

/**
 * The server's command: the image's entrypoint with a data directory below the mount point (a fresh volume may hold
 * `lost+found`, which the initialisation refuses), and, once the data directory exists, an init file that re-asserts
 * root's password from the Secret at every start. On first boot the entrypoint sets it itself (and would fail if the
 * init file had already changed it).
 */
export function mysqlStartScript(dataDir = DATA_DIR, initFile = "/etc/mysql-admin/init.sql"): string {
  return [
    `if [ -d '${dataDir}/mysql' ]; then set -- --init-file='${initFile}'; else set --; fi`,
    `exec docker-entrypoint.sh mysqld --datadir='${dataDir}' "$@"`,
  ].join("\n");
}

/** Labels that select the managed server's pod; never change them (a StatefulSet's selector is immutable). */
const SELECTOR = { "app.kubernetes.io/part-of": "flink-platform", "app.kubernetes.io/component": "mysql" };

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
    readinessProbe: {
      exec: {
        command: [
          "mysql",
          "--defaults-extra-file=/etc/mysql-admin/client.cnf",
          "--protocol=TCP",
          "--host=127.0.0.1",
          `--port=${MYSQL_PORT}`,
          "--connect-timeout=3",
          "--execute=SELECT 1",
        ],
      },
      timeoutSeconds: 5,
      periodSeconds: 10,
      failureThreshold: 3,
    },
  };
}

/** The managed server's StatefulSet spec. Pure; the selector, serviceName and claim template never vary with settings. */
export function mysqlStatefulSetSpec(config: MySqlConfig, allowDataLoss: boolean) {
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
            command: ["bash", "-c", mysqlStartScript()],
            ports: [{ name: "mysql", containerPort: MYSQL_PORT, protocol: "TCP" }],
            env: [secretEnv("MYSQL_ROOT_PASSWORD", { name: ADMIN_SECRET, key: "password" })],
            resources: config.resources,
            securityContext: restrictedContainerSecurityContext(),
            ...mysqlProbes(),
            volumeMounts: [
              { name: "data", mountPath: DATA_MOUNT },
              { name: "admin-client", mountPath: "/etc/mysql-admin", readOnly: true },
            ],
          },
        ],
        volumes: [
          {
            name: "admin-client",
            // Group-readable: the files belong to the pod's fsGroup, which is mysql's group.
            secret: {
              secretName: ADMIN_SECRET,
              items: [
                { key: "client.cnf", path: "client.cnf" },
                { key: "init.sql", path: "init.sql" },
              ],
              defaultMode: 0o440,
            },
          },
        ],
      },
    },
    volumeClaimTemplates: [
      {
        metadata: { name: "data", labels: platformLabels("mysql") },
        spec: {
          accessModes: ["ReadWriteOnce"],
          ...(config.storage.storageClass ? { storageClassName: config.storage.storageClass } : {}),
          resources: { requests: { storage: config.storage.size } },
        },
      },
    ],
  };
}

/** MySQL for the platform's consumers, managed or external. */
export class MySql extends pulumi.ComponentResource {
  public readonly host: string;
  public readonly port: number;
  /** Connection of each consumer, by consumer name. */
  public readonly connections: Readonly<Record<string, MySqlConnection>>;
  /**
   * Each consumer's generated password (secret), for consumers whose software only reads it from a file they
   * render themselves into a Secret (the Hive metastore's hive-site.xml).
   */
  public readonly passwords: Readonly<Record<string, pulumi.Output<string>>>;

  constructor(name: string, args: MySqlArgs, opts?: pulumi.ComponentResourceOptions) {
    super("flink-platform:mysql:MySql", name, {}, opts);
    const { config, namespace } = args;
    const managed = config.mode === "managed";
    this.host = managed ? managedHost(namespace) : (config.external.host ?? "");
    this.port = managed ? MYSQL_PORT : config.external.port;
    const admin = adminAccount(config);
    const ready: pulumi.Resource[] = [];

    if (managed) {
      const rootPassword = new random.RandomPassword(
        `${name}-root-password`,
        { length: 32, special: false },
        { parent: this },
      );
      ready.push(
        new k8s.core.v1.Secret(
          `${name}-admin`,
          {
            metadata: { name: ADMIN_SECRET, namespace, labels: platformLabels("mysql") },
            type: "Opaque",
            stringData: {
              username: "root",
              password: rootPassword.result,
              "client.cnf": pulumi.interpolate`[client]\nuser=root\npassword=${rootPassword.result}\n`,
              "init.sql": rootPassword.result.apply(rootPasswordSql),
            },
          },
          { parent: this },
        ),
      );
      const service = new k8s.core.v1.Service(
        `${name}-service`,
        {
          metadata: { name: MYSQL_NAME, namespace, labels: platformLabels("mysql") },
          spec: {
            clusterIP: "None",
            selector: SELECTOR,
            ports: [{ name: "mysql", port: MYSQL_PORT, targetPort: "mysql", protocol: "TCP" }],
          },
        },
        { parent: this },
      );
      ready.push(
        new k8s.apps.v1.StatefulSet(
          `${name}-server`,
          {
            metadata: { name: MYSQL_NAME, namespace, labels: platformLabels("mysql") },
            spec: mysqlStatefulSetSpec(config, args.allowDataLoss),
          },
          // First boot initialises the data directory before the server listens.
          { parent: this, dependsOn: [...ready, service], customTimeouts: { create: "15m", update: "15m" } },
        ),
      );
    } else if (!config.external.adminSecret) {
      // Validation made sure the secret config key is set.
      ready.push(
        new k8s.core.v1.Secret(
          `${name}-admin`,
          {
            metadata: { name: ADMIN_SECRET, namespace, labels: platformLabels("mysql") },
            type: "Opaque",
            stringData: {
              username: config.external.username,
              password: secretConfigValue(MYSQL_SECRET_CONFIG_KEYS.adminPassword),
            },
          },
          { parent: this },
        ),
      );
    }

    const connections: Record<string, MySqlConnection> = {};
    const passwords: Record<string, pulumi.Output<string>> = {};
    for (const request of args.databases) {
      const problem = databaseRequestProblem(request);
      if (problem) {
        throw new Error(`MySQL database request: ${problem}`);
      }
      const password = new random.RandomPassword(
        `${name}-${request.consumer}-password`,
        { length: 32, special: false },
        { parent: this },
      );
      const secret = new k8s.core.v1.Secret(
        `${name}-${request.consumer}`,
        {
          metadata: {
            name: userSecretName(request.consumer),
            namespace,
            labels: platformLabels("mysql", request.consumer),
          },
          type: "Opaque",
          stringData: {
            host: this.host,
            port: String(this.port),
            database: request.database,
            username: request.user,
            password: password.result,
          },
        },
        { parent: this },
      );
      new k8s.batch.v1.Job(
        `${name}-${request.consumer}-database`,
        databaseJob({ namespace, image: config.image, host: this.host, port: this.port, admin, request }),
        { parent: this, dependsOn: [...ready, secret], customTimeouts: { create: "15m", update: "15m" } },
      );
      connections[request.consumer] = {
        host: this.host,
        port: this.port,
        database: request.database,
        user: request.user,
        passwordSecret: { name: userSecretName(request.consumer), key: "password" },
      };
      passwords[request.consumer] = pulumi.secret(password.result);
    }
    this.connections = connections;
    this.passwords = passwords;
    this.registerOutputs({ host: this.host, port: this.port });
  }
}
