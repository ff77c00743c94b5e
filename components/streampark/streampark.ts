/**
 * Apache StreamPark 2.1.7 on the platform: ready on first start, with no default password left.
 *
 * The upstream image lacks three things, which init containers of the pod supply:
 *  - the MySQL JDBC driver (not Apache-licensed): fetched by the platform's jar fetcher from
 *    `platform.artifacts.mavenRepository` and checked against a pinned SHA-256, then mounted as one file into
 *    /streampark/lib, which the start script puts on the classpath;
 *  - a Flink distribution: StreamPark builds and submits jobs with a local "Flink home". Each Flink version the
 *    session clusters run gets one, copied from that cluster's own image into a shared emptyDir, so the client
 *    always matches the cluster (same patch, same extra jars) without a private image;
 *  - its database schema: the SQL files the image ships under /streampark/script are loaded once by a `mysql`
 *    client, which records the load in a marker table and never runs it over existing tables.
 *
 * The database password reaches StreamPark as SPRING_DATASOURCE_PASSWORD from the MySQL user's Secret: config.yaml
 * (mounted from a Secret) carries the datasource without it, and StreamPark's Spring Boot fills the missing
 * `spring.datasource.password` from that variable, so the password lives in one Secret only.
 *
 * After the Deployment is ready, a Job runs bootstrap.ts against StreamPark's REST API: it replaces the default admin
 * password with a generated one and registers the Flink homes and session clusters.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import YAML from "yaml";
import type { ResolvedSessionCluster } from "../config";
import { dataResourceOptions, nonRootPodSecurityContext, restrictedContainerSecurityContext } from "../kube";
import { platformLabels } from "../labels";
import { jarFetcherInitContainer, jarFileName } from "../artifacts";
import { MYSQL_CONNECTOR_J } from "../mysql/driver";
import { clientOptionFileLines, inputsHash, MySqlConnection, waitForServerLines } from "../mysql/mysql";
import { kubernetesCpuCores, kubernetesMemoryBytes, MIB } from "../quantities";
import type { ArtifactSettings } from "../podAdditions";
import { restUrl } from "../sessionCluster";
import type { BootstrapPlan } from "./bootstrap";
import { MANAGED_MARKER } from "./bootstrap";
import { STREAMPARK_VERSION, StreamParkConfig } from "./config";

/** StreamPark's HTTP port (`server.port`): the UI and the REST API. */
export const STREAMPARK_PORT = 10000;
/** Name of the Deployment, Service and other objects. */
export const STREAMPARK_NAME = "streampark";
/** The user in StreamPark's seed data that the bootstrap secures. */
export const ADMIN_USER = "admin";
/** Secret holding the admin password. */
export const ADMIN_SECRET = "streampark-admin";
/** The image's application home. */
const APP_HOME = "/streampark";
/** Workspace volume (uploads, projects, builds, Maven repository); outside APP_HOME as StreamPark asks. */
export const WORKSPACE = "/var/lib/streampark";
/** Where the Flink homes are copied to. */
export const FLINK_HOMES_DIR = "/opt/flink-homes";
/** Where the schema files are handed from one init container to the next. */
const SCHEMA_DIR = "/schema";
/** In-memory directory for the MySQL client's option file (it holds the password). */
const CLIENT_CONFIG_DIR = "/run/mysql-client";
/** The image runs as root; nothing it needs is root-only once logs, temp and the workspace are volumes. */
const STREAMPARK_UID = 10000;
/** uid of the `node` user in the official Node images. */
const NODE_UID = 1000;

/** One Flink home: a Flink version, the image its files come from, and its directory in the pod. */
export interface FlinkHome {
  /** Name in StreamPark, e.g. "flink-1.20". */
  readonly name: string;
  readonly version: string;
  readonly image: string;
  readonly path: string;
}

/**
 * The Flink homes for a set of clusters: one per Flink minor version, copied from the image of the first cluster
 * (in config order) that runs it. Named and placed by minor version, so a patch upgrade keeps StreamPark's entry
 * (and the jobs bound to it) while the files underneath follow the new image.
 */
export function flinkHomes(clusters: readonly ResolvedSessionCluster[]): FlinkHome[] {
  const homes = new Map<string, FlinkHome>();
  for (const cluster of clusters) {
    if (!homes.has(cluster.version)) {
      const name = `flink-${cluster.version}`;
      homes.set(cluster.version, {
        name,
        version: cluster.version,
        image: cluster.image,
        path: `${FLINK_HOMES_DIR}/${name}`,
      });
    }
  }
  return [...homes.values()];
}

/** Name of a session cluster in StreamPark: namespace and name, as two clusters may share a name. */
export function streamParkClusterName(cluster: Pick<ResolvedSessionCluster, "name" | "namespace">): string {
  return `${cluster.namespace}/${cluster.name}`;
}

/** What the bootstrap Job makes StreamPark hold. Pure, and free of secrets (it goes into a ConfigMap). */
export function bootstrapPlan(clusters: readonly ResolvedSessionCluster[]): BootstrapPlan {
  const homes = flinkHomes(clusters);
  return {
    adminUser: ADMIN_USER,
    flinkHomes: homes.map((home) => ({
      name: home.name,
      home: home.path,
      description: `${MANAGED_MARKER}: Flink ${home.version} from ${home.image}`,
    })),
    clusters: clusters.map((cluster) => ({
      name: streamParkClusterName(cluster),
      address: restUrl(cluster),
      flinkHome: `flink-${cluster.version}`,
      description: `${MANAGED_MARKER}: session cluster ${cluster.name} in namespace ${cluster.namespace}`,
    })),
  };
}

/**
 * JDBC URL of StreamPark's database. TLS when the server offers it (MySQL 8.4 does by default), public key retrieval
 * as the fallback caching_sha2_password needs without TLS, and timestamps in the server's own time zone.
 */
export function jdbcUrl(connection: Pick<MySqlConnection, "host" | "port" | "database">): string {
  const options = [
    "sslMode=PREFERRED",
    "allowPublicKeyRetrieval=true",
    "useUnicode=true",
    "characterEncoding=UTF-8",
    "connectionTimeZone=SERVER",
  ];
  return `jdbc:mysql://${connection.host}:${connection.port}/${connection.database}?${options.join("&")}`;
}

/**
 * StreamPark's conf/config.yaml. It holds no password: `datasource.password` is left out on purpose, and Spring
 * Boot takes `spring.datasource.password` from the SPRING_DATASOURCE_PASSWORD variable instead.
 */
export function streamParkConfigYaml(
  connection: Pick<MySqlConnection, "host" | "port" | "database" | "user">,
): string {
  const config = {
    logging: { level: { root: "info" } },
    server: { port: STREAMPARK_PORT, session: { ttl: "2h" } },
    datasource: { dialect: "mysql", username: connection.user, url: jdbcUrl(connection) },
    streampark: {
      workspace: { local: WORKSPACE, remote: "hdfs:///streampark/" },
      "hadoop-user-name": "hdfs",
      yarn: { "http-auth": "simple" },
      project: { "max-build": 16 },
    },
    security: { kerberos: { login: { enable: false, debug: false } } },
  };
  return (
    "# Rendered by flink-platform. The database password comes from SPRING_DATASOURCE_PASSWORD.\n" +
    YAML.stringify(config)
  );
}

/**
 * JAVA_OPTS of StreamPark. Setting it replaces the image's bin/jvm_opts.sh (a fixed 1 GiB heap), and the start script
 * adds -XX:-UseContainerSupport, which makes the JVM size itself from the node rather than the container, so heap
 * and processor count are given explicitly: half the memory limit as heap, the rest for metaspace, direct buffers and
 * the short-lived JVMs StreamPark starts (Flink version checks, Maven builds).
 */
export function javaOpts(limits: { readonly cpu: string; readonly memory: string }): string {
  const heapMiB = Math.floor((kubernetesMemoryBytes(limits.memory) ?? 2 ** 31) / MIB / 2);
  const processors = Math.max(1, Math.ceil(kubernetesCpuCores(limits.cpu) ?? 1));
  return [
    "-server",
    `-Xms${heapMiB}m`,
    `-Xmx${heapMiB}m`,
    "-XX:MaxMetaspaceSize=256m",
    `-XX:ActiveProcessorCount=${processors}`,
    "-XX:+ExitOnOutOfMemoryError",
    "-XX:+HeapDumpOnOutOfMemoryError",
    // user.home holds ~/.m2 (Maven wrapper and settings); keep it on the workspace volume.
    `-Duser.home=${WORKSPACE}/home`,
  ].join(" ");
}

/** Copies the parts of a Flink distribution StreamPark reads (conf, lib, opt for the SQL planner, plugins). */
export function flinkHomeCopyScript(home: FlinkHome): string {
  return [
    "set -eu",
    `target='${home.path}'`,
    'rm -rf "$target"',
    'mkdir -p "$target"',
    'for dir in conf lib opt plugins; do cp -R "/opt/flink/$dir" "$target/"; done',
    'ls "$target"/lib/flink-dist*.jar',
    "",
  ].join("\n");
}

/**
 * Takes the MySQL schema and seed data from the StreamPark image (so they always match its version), minus the
 * statements that create and select a database named `streampark`: the connection names the database.
 */
export function schemaFilesScript(dirs: { appHome?: string; schemaDir?: string } = {}): string {
  const { appHome = APP_HOME, schemaDir = SCHEMA_DIR } = dirs;
  return [
    "set -eu",
    "for file in schema/mysql-schema.sql data/mysql-data.sql; do",
    `  sed -e '/^[[:space:]]*create[[:space:]]\\+database/Id' -e '/^[[:space:]]*use[[:space:]]/Id' "${appHome}/script/$file" > "${schemaDir}/$(basename "$file")"`,
    "done",
    "",
  ].join("\n");
}

/** Table in StreamPark's database that records the platform's schema load. */
export const SCHEMA_MARKER_TABLE = "flink_platform_schema";

/**
 * Loads StreamPark's schema and seed data exactly once. The upstream schema drops each table before creating it, so
 * it must never run over a database in use. A marker row says 'loading' while the load runs and 'loaded' after it:
 *  - marker 'loaded': nothing to load;
 *  - marker 'loading': an earlier load stopped half-way (StreamPark never started on it), so load again;
 *  - no marker but StreamPark's t_user table: a schema made elsewhere (e.g. a migrated database): leave it alone;
 *  - no marker and other tables: not StreamPark's database; stop rather than drop anything;
 *  - empty database: load.
 *
 * The marker also keeps the SHA-256 of the admin password Secret. When that Secret was generated anew while the
 * database was kept (StreamPark turned off and on again, or a new stack on a kept volume), nobody knows the admin
 * password in the database any more; the admin row is then restored from the seed data (upstream default password),
 * which the bootstrap replaces with the new generated password right after StreamPark starts.
 *
 * Reads MYSQL_HOST, MYSQL_PORT, DATABASE, DATABASE_USER, DATABASE_PASSWORD and ADMIN_PASSWORD; the SQL files come
 * from the schema directory.
 */
export function schemaLoadScript(dirs: { clientConfigDir?: string; schemaDir?: string } = {}): string {
  const { clientConfigDir = CLIENT_CONFIG_DIR, schemaDir = SCHEMA_DIR } = dirs;
  const file = `${clientConfigDir}/streampark.cnf`;
  const marker = SCHEMA_MARKER_TABLE;
  return [
    "set -eu",
    ...clientOptionFileLines(file, "DATABASE_USER", "DATABASE_PASSWORD"),
    ...waitForServerLines(file),
    `sql() { mysql --defaults-extra-file=${file} --protocol=TCP --host="$MYSQL_HOST" --port="$MYSQL_PORT" --database="$DATABASE" --batch --skip-column-names "$@"; }`,
    `count_tables() { sql --execute="SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE()$1"; }`,
    `load=yes`,
    `if [ "$(count_tables " AND table_name = '${marker}'")" = 1 ]; then`,
    `  state="$(sql --execute="SELECT state FROM ${marker} WHERE id = 1")"`,
    `  if [ "$state" = loaded ]; then echo "StreamPark schema already loaded"; load=no`,
    `  else echo "an earlier schema load did not finish ($state); loading again"; fi`,
    `elif [ "$(count_tables " AND table_name = 't_user'")" = 1 ]; then`,
    `  echo "database $DATABASE already holds a StreamPark schema made elsewhere; leaving it as it is"`,
    `  exit 0`,
    `elif [ "$(count_tables "")" != 0 ]; then`,
    `  echo "database $DATABASE holds tables but no StreamPark schema; refusing to load over them" >&2`,
    `  exit 1`,
    `fi`,
    `if [ "$load" = yes ]; then`,
    `  sql --execute="CREATE TABLE IF NOT EXISTS ${marker} (id INT PRIMARY KEY, state VARCHAR(16) NOT NULL, streampark VARCHAR(16) NOT NULL, admin_password_sha256 CHAR(64) NULL, updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP)"`,
    `  sql --execute="REPLACE INTO ${marker} (id, state, streampark) VALUES (1, 'loading', '${STREAMPARK_VERSION}')"`,
    `  sql < ${schemaDir}/mysql-schema.sql`,
    `  sql < ${schemaDir}/mysql-data.sql`,
    `  sql --execute="UPDATE ${marker} SET state = 'loaded' WHERE id = 1"`,
    `  echo "StreamPark ${STREAMPARK_VERSION} schema and seed data loaded into $DATABASE"`,
    `fi`,
    `fingerprint="$(printf '%s' "$ADMIN_PASSWORD" | sha256sum | cut -d ' ' -f 1)"`,
    `recorded="$(sql --execute="SELECT COALESCE(admin_password_sha256, '') FROM ${marker} WHERE id = 1")"`,
    `if [ -n "$recorded" ] && [ "$recorded" != "$fingerprint" ]; then`,
    `  seed="$(sed -n 's/^insert into \`t_user\`/replace into \`t_user\`/Ip' ${schemaDir}/mysql-data.sql)"`,
    `  if [ -z "$seed" ]; then echo "no admin account in the seed data" >&2; exit 1; fi`,
    `  printf '%s\n' "$seed" | sql`,
    `  echo "the admin password Secret is new: admin account restored from the seed data for the bootstrap to secure"`,
    `fi`,
    `sql --execute="UPDATE ${marker} SET admin_password_sha256 = '$fingerprint' WHERE id = 1"`,
    "",
  ].join("\n");
}

const secretEnv = (name: string, ref: { name: string; key: string }) => ({
  name,
  valueFrom: { secretKeyRef: { name: ref.name, key: ref.key } },
});

const INIT_RESOURCES = { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "1", memory: "256Mi" } };

/** Labels that select StreamPark's pod; never change them (a Deployment's selector is immutable). */
const SELECTOR = {
  "app.kubernetes.io/part-of": "flink-platform",
  "app.kubernetes.io/component": "streampark",
};

export interface StreamParkPodArgs {
  readonly config: StreamParkConfig;
  readonly database: MySqlConnection;
  readonly homes: readonly FlinkHome[];
  /** Image with the `mysql` client, for the schema load. */
  readonly mysqlClientImage: string;
  /** Where the JDBC driver is fetched from (the platform's artifact settings). */
  readonly artifacts: ArtifactSettings;
}

/** Name of the init container that copies a Flink home. */
const homeContainerName = (home: FlinkHome) => `flink-home-${home.version.replace(/\./g, "-")}`;

/** StreamPark's pod template. Pure: tests pin the containers, probes, mounts and the absence of secrets. */
export function streamParkPodTemplate(args: StreamParkPodArgs) {
  const { config, database } = args;
  const driverJar = jarFileName(MYSQL_CONNECTOR_J);
  const configYaml = streamParkConfigYaml(database);
  const httpProbe = { httpGet: { path: "/", port: "http" }, timeoutSeconds: 5 };
  return {
    metadata: {
      labels: { ...platformLabels("streampark"), ...SELECTOR },
      // config.yaml is mounted by subPath, which does not follow Secret updates: roll the pod when it changes.
      annotations: {
        "flink-platform/config-sha256": crypto.createHash("sha256").update(configYaml).digest("hex"),
      },
    },
    spec: {
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      securityContext: nonRootPodSecurityContext(STREAMPARK_UID),
      initContainers: [
        // StreamPark's image never carries the driver: fetched whatever platform.artifacts.fetchJars says.
        jarFetcherInitContainer(
          "mysql-driver",
          args.artifacts.fetcherImage,
          args.artifacts.mavenRepository,
          [MYSQL_CONNECTOR_J],
          "driver",
        ),
        ...args.homes.map((home) => ({
          name: homeContainerName(home),
          image: home.image,
          command: ["sh", "-c", flinkHomeCopyScript(home)],
          resources: INIT_RESOURCES,
          securityContext: restrictedContainerSecurityContext(),
          volumeMounts: [{ name: "flink-homes", mountPath: FLINK_HOMES_DIR }],
        })),
        {
          name: "schema-files",
          image: config.image,
          command: ["bash", "-c", schemaFilesScript()],
          resources: INIT_RESOURCES,
          securityContext: restrictedContainerSecurityContext(),
          volumeMounts: [{ name: "schema", mountPath: SCHEMA_DIR }],
        },
        {
          name: "schema",
          image: args.mysqlClientImage,
          command: ["sh", "-c", schemaLoadScript()],
          env: [
            { name: "MYSQL_HOST", value: database.host },
            { name: "MYSQL_PORT", value: String(database.port) },
            { name: "DATABASE", value: database.database },
            { name: "DATABASE_USER", value: database.user },
            secretEnv("DATABASE_PASSWORD", database.passwordSecret),
            secretEnv("ADMIN_PASSWORD", { name: ADMIN_SECRET, key: "password" }),
          ],
          resources: INIT_RESOURCES,
          securityContext: restrictedContainerSecurityContext(),
          volumeMounts: [
            { name: "schema", mountPath: SCHEMA_DIR, readOnly: true },
            { name: "mysql-client", mountPath: CLIENT_CONFIG_DIR },
          ],
        },
      ],
      containers: [
        {
          name: "streampark",
          image: config.image,
          ports: [{ name: "http", containerPort: STREAMPARK_PORT, protocol: "TCP" }],
          env: [
            secretEnv("SPRING_DATASOURCE_PASSWORD", database.passwordSecret),
            { name: "JAVA_OPTS", value: javaOpts(config.resources.limits) },
            { name: "HOME", value: `${WORKSPACE}/home` },
          ],
          resources: config.resources,
          securityContext: restrictedContainerSecurityContext(),
          // The image has no actuator (2.1.7 disables the endpoints); "/" serves the UI without a login. Spring Boot
          // and the schema check take a minute or more on first start: the startup probe allows 6 minutes.
          startupProbe: { ...httpProbe, periodSeconds: 10, failureThreshold: 36 },
          readinessProbe: { ...httpProbe, periodSeconds: 10, failureThreshold: 3 },
          livenessProbe: { ...httpProbe, periodSeconds: 20, failureThreshold: 6 },
          volumeMounts: [
            {
              name: "config",
              mountPath: `${APP_HOME}/conf/config.yaml`,
              subPath: "config.yaml",
              readOnly: true,
            },
            // One file into lib/, which the start script lists onto the classpath.
            { name: "driver", mountPath: `${APP_HOME}/lib/${driverJar}`, subPath: driverJar, readOnly: true },
            { name: "flink-homes", mountPath: FLINK_HOMES_DIR, readOnly: true },
            { name: "workspace", mountPath: WORKSPACE },
            { name: "logs", mountPath: `${APP_HOME}/logs` },
            { name: "temp", mountPath: `${APP_HOME}/temp` },
          ],
        },
      ],
      volumes: [
        { name: "config", secret: { secretName: `${STREAMPARK_NAME}-config`, defaultMode: 0o440 } },
        { name: "driver", emptyDir: { sizeLimit: "64Mi" } },
        { name: "flink-homes", emptyDir: {} },
        { name: "schema", emptyDir: { sizeLimit: "64Mi" } },
        { name: "mysql-client", emptyDir: { medium: "Memory", sizeLimit: "1Mi" } },
        { name: "workspace", persistentVolumeClaim: { claimName: `${STREAMPARK_NAME}-workspace` } },
        { name: "logs", emptyDir: {} },
        { name: "temp", emptyDir: {} },
      ],
    },
  };
}

/** In-cluster URL of StreamPark. */
export function streamParkUrl(namespace: string): string {
  return `http://${STREAMPARK_NAME}.${namespace}.svc:${STREAMPARK_PORT}`;
}

/** URL through the ingress, or undefined without one. */
export function streamParkIngressUrl(config: StreamParkConfig): string | undefined {
  const ingress = config.ingress;
  if (!ingress.enabled || !ingress.host) {
    return undefined;
  }
  return `${ingress.tlsSecretName ? "https" : "http"}://${ingress.host}/`;
}

/** The bootstrap script, as the Job runs it. */
export function bootstrapScriptSource(): string {
  return fs.readFileSync(path.join(__dirname, "bootstrap.ts"), "utf8");
}

/**
 * The bootstrap Job and its ConfigMap (script and plan). Both are named after a hash of everything the run depends
 * on, so an unchanged stack keeps the finished Job (nothing runs), and any change replaces it with a new run.
 */
export function bootstrapObjects(args: {
  namespace: string;
  image: string;
  plan: BootstrapPlan;
  script: string;
}) {
  const url = streamParkUrl(args.namespace);
  const hash = inputsHash({ image: args.image, plan: args.plan, script: args.script, url });
  const name = `${STREAMPARK_NAME}-bootstrap-${hash}`;
  const labels = platformLabels("streampark-bootstrap");
  const configMap = {
    metadata: { name, namespace: args.namespace, labels },
    data: { "bootstrap.mts": args.script, "plan.json": `${JSON.stringify(args.plan, undefined, 2)}\n` },
  };
  const job = {
    metadata: { name, namespace: args.namespace, labels },
    spec: {
      backoffLimit: 3,
      activeDeadlineSeconds: 1800,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: "Never",
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          securityContext: nonRootPodSecurityContext(NODE_UID),
          containers: [
            {
              name: "bootstrap",
              image: args.image,
              // Node 22.18+ runs TypeScript that only needs its types stripped; .mts makes it an ES module.
              command: ["node", "/bootstrap/bootstrap.mts"],
              env: [
                { name: "STREAMPARK_BOOTSTRAP", value: "run" },
                { name: "STREAMPARK_URL", value: url },
                { name: "BOOTSTRAP_PLAN", value: "/bootstrap/plan.json" },
                secretEnv("ADMIN_PASSWORD", { name: ADMIN_SECRET, key: "password" }),
              ],
              resources: {
                requests: { cpu: "50m", memory: "64Mi" },
                limits: { cpu: "500m", memory: "256Mi" },
              },
              securityContext: restrictedContainerSecurityContext({ readOnlyRootFilesystem: true }),
              volumeMounts: [{ name: "bootstrap", mountPath: "/bootstrap", readOnly: true }],
            },
          ],
          volumes: [{ name: "bootstrap", configMap: { name } }],
        },
      },
    },
  };
  return { configMap, job };
}

export interface StreamParkArgs {
  /** Namespace of StreamPark (the platform namespace, where the MySQL Secrets are). */
  readonly namespace: string;
  readonly config: StreamParkConfig;
  /** The session clusters to register. */
  readonly clusters: readonly ResolvedSessionCluster[];
  readonly database: MySqlConnection;
  readonly mysqlClientImage: string;
  readonly artifacts: ArtifactSettings;
  /** Let deleting StreamPark delete its workspace volume too. */
  readonly allowDataLoss: boolean;
}

/** StreamPark, its storage and exposure, and the bootstrap that secures and wires it. */
export class StreamPark extends pulumi.ComponentResource {
  /** In-cluster URL of the UI and API. */
  public readonly url: string;
  public readonly ingressUrl: string | undefined;
  public readonly adminUser = ADMIN_USER;
  /** The generated admin password (secret). */
  public readonly adminPassword: pulumi.Output<string>;

  constructor(name: string, args: StreamParkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("flink-platform:streampark:StreamPark", name, {}, opts);
    const { config, namespace } = args;
    const labels = platformLabels("streampark");

    const password = new random.RandomPassword(
      `${name}-admin-password`,
      { length: 24, special: false },
      { parent: this },
    );
    const adminSecret = new k8s.core.v1.Secret(
      `${name}-admin`,
      {
        metadata: { name: ADMIN_SECRET, namespace, labels },
        type: "Opaque",
        stringData: { username: ADMIN_USER, password: password.result },
      },
      { parent: this },
    );
    const configSecret = new k8s.core.v1.Secret(
      `${name}-config`,
      {
        metadata: { name: `${STREAMPARK_NAME}-config`, namespace, labels },
        type: "Opaque",
        stringData: { "config.yaml": streamParkConfigYaml(args.database) },
      },
      { parent: this },
    );
    const workspace = new k8s.core.v1.PersistentVolumeClaim(
      `${name}-workspace`,
      {
        metadata: { name: `${STREAMPARK_NAME}-workspace`, namespace, labels },
        spec: {
          accessModes: ["ReadWriteOnce"],
          ...(config.workspace.storageClass ? { storageClassName: config.workspace.storageClass } : {}),
          resources: { requests: { storage: config.workspace.size } },
        },
      },
      dataResourceOptions(args.allowDataLoss, { parent: this }),
    );
    const homes = flinkHomes(args.clusters);
    const deployment = new k8s.apps.v1.Deployment(
      `${name}-server`,
      {
        metadata: { name: STREAMPARK_NAME, namespace, labels },
        spec: {
          replicas: 1,
          // One writer of the workspace volume and of the job state; StreamPark 2.1 is not made for two replicas.
          strategy: { type: "Recreate" },
          selector: { matchLabels: SELECTOR },
          template: streamParkPodTemplate({
            config,
            database: args.database,
            homes,
            mysqlClientImage: args.mysqlClientImage,
            artifacts: args.artifacts,
          }),
        },
      },
      // First start pulls StreamPark and Flink images and copies the Flink homes before StreamPark starts.
      {
        parent: this,
        dependsOn: [configSecret, workspace],
        customTimeouts: { create: "20m", update: "20m" },
      },
    );
    const service = new k8s.core.v1.Service(
      `${name}-service`,
      {
        metadata: { name: STREAMPARK_NAME, namespace, labels },
        spec: {
          selector: SELECTOR,
          ports: [{ name: "http", port: STREAMPARK_PORT, targetPort: "http", protocol: "TCP" }],
        },
      },
      { parent: this },
    );
    const ingress = config.ingress;
    if (ingress.enabled && ingress.host) {
      new k8s.networking.v1.Ingress(
        `${name}-ingress`,
        {
          metadata: {
            name: STREAMPARK_NAME,
            namespace,
            labels,
            ...(Object.keys(ingress.annotations).length > 0
              ? { annotations: { ...ingress.annotations } }
              : {}),
          },
          spec: {
            ...(ingress.className ? { ingressClassName: ingress.className } : {}),
            rules: [
              {
                host: ingress.host,
                http: {
                  paths: [
                    {
                      path: "/",
                      pathType: "Prefix",
                      backend: { service: { name: STREAMPARK_NAME, port: { name: "http" } } },
                    },
                  ],
                },
              },
            ],
            ...(ingress.tlsSecretName
              ? { tls: [{ hosts: [ingress.host], secretName: ingress.tlsSecretName }] }
              : {}),
          },
        },
        { parent: this },
      );
    }

    const { configMap, job } = bootstrapObjects({
      namespace,
      image: config.bootstrapImage,
      plan: bootstrapPlan(args.clusters),
      script: bootstrapScriptSource(),
    });
    const bootstrapConfig = new k8s.core.v1.ConfigMap(`${name}-bootstrap`, configMap, { parent: this });
    new k8s.batch.v1.Job(`${name}-bootstrap`, job, {
      parent: this,
      dependsOn: [deployment, service, adminSecret, bootstrapConfig],
      customTimeouts: { create: "20m", update: "20m" },
    });

    this.url = streamParkUrl(namespace);
    this.ingressUrl = streamParkIngressUrl(config);
    this.adminPassword = pulumi.secret(password.result);
    this.registerOutputs({ url: this.url, ingressUrl: this.ingressUrl });
  }
}
