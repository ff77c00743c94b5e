/**
 * StreamPark's pod. The upstream image lacks three things, which init containers supply:
 *  - the MySQL JDBC driver (not Apache-licensed): fetched by the platform's jar fetcher from
 *    `platform.artifacts.mavenRepository` and checked against a pinned SHA-256, then mounted as one file into
 *    /streampark/lib, which the start script puts on the classpath;
 *  - a Flink distribution: StreamPark builds and submits jobs with a local "Flink home". Each Flink version the
 *    session clusters run gets one, copied from that cluster's own image into a shared emptyDir, so the client
 *    always matches the cluster (same patch, same extra jars) without a private image;
 *  - its database schema (schema.ts).
 *
 * The database password reaches StreamPark as SPRING_DATASOURCE_PASSWORD from the MySQL user's Secret: config.yaml
 * (mounted from a ConfigMap) carries the datasource without it, and StreamPark's Spring Boot fills the missing
 * `spring.datasource.password` from that variable, so the password lives in one Secret only.
 */
import * as crypto from "crypto";
import YAML from "yaml";
import { kubernetesCpuCores, kubernetesMemoryBytes, MIB } from "../config/quantities";
import type { FlinkCluster } from "../flink/clusterSchema";
import { jarFetcherInitContainer, jarFileName } from "../kube/artifacts";
import { platformLabels } from "../kube/labels";
import type { ArtifactSettings } from "../kube/podAdditions";
import { secretEnv } from "../kube/secrets";
import { nonRootPodSecurityContext, restrictedContainerSecurityContext } from "../kube/securityContext";
import { CLIENT_CONFIG_DIR } from "../mysql/clientScripts";
import type { MySqlConnection } from "../mysql/connection";
import { MYSQL_CONNECTOR_J } from "../mysql/driver";
import type { StreamParkConfig } from "./config";
import {
  ADMIN_SECRET,
  APP_HOME,
  FLINK_HOMES_DIR,
  SCHEMA_DIR,
  SELECTOR,
  STREAMPARK_NAME,
  STREAMPARK_PORT,
  STREAMPARK_UID,
  WORKSPACE,
} from "./names";
import { schemaFilesScript, schemaLoadScript } from "./schema";

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
export function flinkHomes(clusters: readonly FlinkCluster[]): FlinkHome[] {
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

const INIT_RESOURCES = { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "1", memory: "256Mi" } };

export interface StreamParkPodArgs {
  /** The `streampark` area (image, resources). */
  readonly config: StreamParkConfig;
  /** StreamPark's MySQL database and user. */
  readonly database: MySqlConnection;
  /** The Flink homes to copy in, one per Flink version of the session clusters (`flinkHomes`). */
  readonly homes: readonly FlinkHome[];
  /** Image with the `mysql` client, for the schema load (`mysql.image`, default mysql:8.4.10). */
  readonly mysqlClientImage: string;
  /** Where the JDBC driver is fetched from (`platform.artifacts`). */
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
        { name: "config", configMap: { name: `${STREAMPARK_NAME}-config` } },
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
