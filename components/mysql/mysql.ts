/**
 * The platform's MySQL: a single-instance StatefulSet the platform runs (managed), or a server that already exists
 * (external). Each consumer gets its own database, user and password Secret, created by an idempotent Job
 * (`CREATE DATABASE IF NOT EXISTS`, `CREATE USER IF NOT EXISTS`, and an `ALTER USER` that re-asserts the password).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { platformLabels } from "../kube/labels";
import { created, SecretPolicy } from "../kube/secrets";
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
  ADMIN_ACCOUNT,
  managedHost,
  MYSQL_NAME,
  MYSQL_PORT,
  mysqlStatefulSetSpec,
  SELECTOR,
  SERVER_SECRET_KEYS,
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
  /** Whether the Secrets are created, or left to the user of a rendered stack. */
  readonly secrets: SecretPolicy;
  /** Let deleting the StatefulSet delete its data volume too (`platform.allowDataLoss`, default false). */
  readonly allowDataLoss: boolean;
}

/** MySQL for the platform's consumers, managed or external. */
export class MySql extends pulumi.ComponentResource {
  public readonly host: string;
  public readonly port: number;
  /** Connection of each consumer, by consumer name. */
  public readonly connections: Readonly<Record<string, MySqlConnection>>;

  constructor(name: string, args: MySqlArgs, opts?: pulumi.ComponentResourceOptions) {
    super("flink-platform:mysql:MySql", name, {}, opts);
    const { config, namespace, secrets } = args;
    const managed = config.mode === "managed";
    this.host = managed ? managedHost(namespace) : (config.external.host ?? "");
    this.port = managed ? MYSQL_PORT : config.external.port;
    const admin = adminAccount(config);
    const ready: pulumi.Resource[] = [];
    const adminMetadata = { name: ADMIN_SECRET, namespace, labels: platformLabels("mysql") };

    if (managed) {
      ready.push(
        ...created(
          secrets.secret(
            `${name}-admin`,
            adminMetadata,
            {
              [SERVER_SECRET_KEYS.username]: ADMIN_ACCOUNT,
              [SERVER_SECRET_KEYS.password]: secrets.generatedPassword(`${name}-admin-password`, 32, {
                parent: this,
              }),
              [SERVER_SECRET_KEYS.rootPassword]: secrets.generatedPassword(`${name}-root-password`, 32, {
                parent: this,
              }),
            },
            { parent: this },
          ),
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
      const databases = args.databases.map((request) => request.database);
      ready.push(
        new k8s.apps.v1.StatefulSet(
          `${name}-server`,
          {
            metadata: { name: MYSQL_NAME, namespace, labels: platformLabels("mysql") },
            spec: mysqlStatefulSetSpec(config, databases, args.allowDataLoss),
          },
          // First boot initialises the data directory before the server listens.
          { parent: this, dependsOn: [...ready, service], customTimeouts: { create: "15m", update: "15m" } },
        ),
      );
    } else if (!config.external.adminSecret) {
      ready.push(
        ...created(
          secrets.secret(
            `${name}-admin`,
            adminMetadata,
            { username: config.external.username, password: args.adminPassword },
            { parent: this },
          ),
        ),
      );
    }

    const connections: Record<string, MySqlConnection> = {};
    for (const request of args.databases) {
      const problem = databaseRequestProblem(request);
      if (problem) {
        throw new Error(`MySQL database request: ${problem}`);
      }
      const secret = secrets.secret(
        `${name}-${request.consumer}`,
        {
          name: userSecretName(request.consumer),
          namespace,
          labels: platformLabels("mysql", request.consumer),
        },
        {
          host: this.host,
          port: String(this.port),
          database: request.database,
          username: request.user,
          password: secrets.generatedPassword(`${name}-${request.consumer}-password`, 32, { parent: this }),
        },
        { parent: this },
      );
      new k8s.batch.v1.Job(
        `${name}-${request.consumer}-database`,
        databaseJob({ namespace, image: config.image, host: this.host, port: this.port, admin, request }),
        {
          parent: this,
          dependsOn: [...ready, ...created(secret)],
          customTimeouts: { create: "15m", update: "15m" },
        },
      );
      connections[request.consumer] = {
        host: this.host,
        port: this.port,
        database: request.database,
        user: request.user,
        passwordSecret: { name: userSecretName(request.consumer), key: "password" },
      };
    }
    this.connections = connections;
    this.registerOutputs({ host: this.host, port: this.port });
  }
}
