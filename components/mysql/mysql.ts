/**
 * The platform's MySQL: a single-instance StatefulSet the platform runs (managed), or a server that already exists
 * (external). Each consumer gets its own database, user and password Secret, created by an idempotent Job
 * (`CREATE DATABASE IF NOT EXISTS`, `CREATE USER IF NOT EXISTS`, and an `ALTER USER` that re-asserts the password).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { platformLabels } from "../kube/labels";
import type { MySqlConfig } from "./config";
import {
  ADMIN_SECRET,
  adminAccount,
  databaseRequestProblem,
  MySqlConnection,
  userSecretName,
} from "./connection";
import { MySqlDatabaseRequest } from "./databases";
import { databaseJob } from "./databaseJob";
import {
  managedHost,
  MYSQL_NAME,
  MYSQL_PORT,
  mysqlStatefulSetSpec,
  rootPasswordSql,
  SELECTOR,
} from "./server";

export interface MySqlArgs {
  /** Namespace of the server, its Secrets and Jobs (the platform namespace). */
  readonly namespace: string;
  /** The `mysql` area: managed or external, image, storage, resources (defaults in components/mysql/config.ts). */
  readonly config: MySqlConfig;
  /** The databases of the parts that need one; one database, user and Secret each. */
  readonly databases: readonly MySqlDatabaseRequest[];
  /**
   * The external server's admin password (secret config key `mysqlAdminPassword`); read only in external mode
   * without `mysql.external.adminSecret`, where validation requires it. Default none.
   */
  readonly adminPassword?: pulumi.Input<string>;
  /** Let deleting the StatefulSet delete its data volume too (`platform.allowDataLoss`, default false). */
  readonly allowDataLoss: boolean;
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
              password: externalAdminPassword(args),
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

/** The external server's admin password, which validation made sure is set when it is read. */
function externalAdminPassword(args: MySqlArgs): pulumi.Input<string> {
  if (args.adminPassword === undefined) {
    throw new Error("external MySQL without mysql.external.adminSecret needs adminPassword");
  }
  return args.adminPassword;
}
