/**
 * Config of durable state (`storage`) and JobManager HA (`ha`), with the checks that tie them together. Storage and
 * HA are independent: checkpoints go to durable storage whether or not HA is on; HA needs durable storage for its
 * metadata.
 */
import { z } from "zod";
import { containerResources, dnsLabel, pinnedImage, volumeSchema } from "../config/primitives";
import type { ConfigContext, ConfigProblem } from "../config/problems";

/** Where an existing Secret keeps S3 credentials. */
const s3CredentialsSecret = z.strictObject({
  /** Name of the Secret; it must exist in every namespace with a session cluster. */
  name: dnsLabel(253),
  accessKeyKey: z.string().min(1).prefault("accessKey"),
  secretKeyKey: z.string().min(1).prefault("secretKey"),
});

export const s3Schema = z
  .strictObject({
    /** `managed` runs MinIO in the platform namespace; `external` uses any S3 endpoint. */
    mode: z.enum(["managed", "external"]).prefault("managed"),
    /** Bucket of checkpoints, savepoints and HA data; created when managed. */
    bucket: z
      .string()
      .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { message: "must be a valid S3 bucket name" })
      .prefault("flink"),
    managed: z
      .strictObject({
        /** Community MinIO only publishes pinned release tags now. */
        image: pinnedImage.prefault("quay.io/minio/minio:RELEASE.2025-09-07T16-13-09Z"),
        volume: volumeSchema("20Gi"),
        resources: containerResources({ cpu: "250m", memory: "512Mi" }, { cpu: "1", memory: "2Gi" }),
      })
      .prefault({}),
    external: z
      .strictObject({
        /** S3 endpoint URL, e.g. https://s3.eu-west-1.amazonaws.com. */
        endpoint: z.url({ protocol: /^https?$/ }).optional(),
        /** Path-style access (most S3-compatible stores); false for virtual-hosted AWS buckets. */
        pathStyleAccess: z.boolean().prefault(false),
        /** An existing Secret with the credentials; otherwise the secret config keys s3AccessKey/s3SecretKey. */
        credentialsSecret: s3CredentialsSecret.optional(),
      })
      .prefault({}),
  })
  .prefault({});

export const hdfsSchema = z
  .strictObject({
    /** `managed` runs a NameNode and DataNodes; `external` uses an existing HDFS. */
    mode: z.enum(["managed", "external"]).prefault("managed"),
    managed: z
      .strictObject({
        image: pinnedImage.prefault("apache/hadoop:3.4.1"),
        dataNodes: z.number().int().min(1).max(16).prefault(1),
        /** Block replication; at most the number of DataNodes. */
        replication: z.number().int().min(1).max(5).prefault(1),
        nameNodeVolume: volumeSchema("10Gi"),
        dataNodeVolume: volumeSchema("50Gi"),
        resources: containerResources({ cpu: "250m", memory: "1Gi" }, { cpu: "1", memory: "2Gi" }),
      })
      .prefault({}),
    external: z
      .strictObject({
        /** `fs.defaultFS` of the external HDFS, e.g. hdfs://namenode.example:8020. */
        defaultFS: z
          .string()
          .regex(/^hdfs:\/\/[^/\s]+$/, { message: "must look like hdfs://<namenode>[:port]" })
          .optional(),
        /** An existing ConfigMap with core-site.xml and hdfs-site.xml, in every cluster namespace. */
        configMap: dnsLabel(253).optional(),
      })
      .prefault({}),
  })
  .prefault({});

export const storageSchema = z
  .strictObject({
    /** Durable store of checkpoints, savepoints and HA data; `none` keeps no durable state (dev only). */
    type: z.enum(["none", "s3", "hdfs"]).prefault("none"),
    /** Path prefix inside the bucket or file system; each cluster gets `<prefix>/<namespace>/<cluster>/...`. */
    pathPrefix: z
      .string()
      .regex(/^[a-z0-9][a-z0-9._/-]*[a-z0-9]$/, { message: "must be a relative path such as 'flink'" })
      .prefault("flink"),
    s3: s3Schema,
    hdfs: hdfsSchema,
  })
  .prefault({});

export const zookeeperSchema = z
  .strictObject({
    mode: z.enum(["managed", "external"]).prefault("managed"),
    /** Root znode; each cluster uses `<rootPath>/<namespace>/<cluster>`. */
    rootPath: z
      .string()
      .regex(/^(\/[a-zA-Z0-9._-]+)+$/, { message: "must be an absolute znode path such as /flink" })
      .prefault("/flink"),
    managed: z
      .strictObject({
        image: pinnedImage.prefault("zookeeper:3.9.4"),
        /** Ensemble size: 1 (no fault tolerance) or 3. */
        replicas: z.union([z.literal(1), z.literal(3)]).prefault(1),
        volume: volumeSchema("5Gi"),
        resources: containerResources({ cpu: "100m", memory: "512Mi" }, { cpu: "500m", memory: "1Gi" }),
      })
      .prefault({}),
    external: z
      .strictObject({
        /** Connection string, e.g. zk-0.zk:2181,zk-1.zk:2181,zk-2.zk:2181. */
        quorum: z
          .string()
          .regex(/^[^,\s:]+:\d+(,[^,\s:]+:\d+)*$/, { message: "must be host:port[,host:port...]" })
          .optional(),
      })
      .prefault({}),
  })
  .prefault({});

export const haSchema = z
  .strictObject({
    /** JobManager high availability: `off`, `kubernetes` (ConfigMap leader election) or `zookeeper`. */
    type: z
      // YAML 1.1 readers turn a bare `off` into false; accept it as "off".
      .preprocess((v) => (v === false ? "off" : v), z.enum(["off", "kubernetes", "zookeeper"]))
      .prefault("off"),
    zookeeper: zookeeperSchema,
  })
  .prefault({});

/** Secret config keys (set with `pulumi config set --secret`) that hold external S3 credentials. */
export const S3_SECRET_CONFIG_KEYS = { accessKey: "s3AccessKey", secretKey: "s3SecretKey" } as const;

/** The storage and HA areas as parsed. */
export type StorageConfig = z.output<typeof storageSchema>;
export type HaConfig = z.output<typeof haSchema>;

/** Cross-field checks of storage and HA. */
export function stateProblems(
  parsed: { readonly storage: StorageConfig; readonly ha: HaConfig },
  clusters: ReadonlyArray<{ readonly name: string; readonly jobManager: { readonly replicas: number } }>,
  { secretConfigKeys }: ConfigContext,
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const { storage, ha } = parsed;
  if (ha.type !== "off" && storage.type === "none") {
    problems.push({
      path: "ha.type",
      message: `HA keeps its metadata on durable storage; set storage.type to s3 or hdfs, or set ha.type to "off"`,
    });
  }
  if (storage.type === "s3" && storage.s3.mode === "external") {
    if (!storage.s3.external.endpoint) {
      problems.push({ path: "storage.s3.external.endpoint", message: "required for an external S3 store" });
    }
    const fromConfig = Object.values(S3_SECRET_CONFIG_KEYS).filter((k) => secretConfigKeys.has(k));
    if (!storage.s3.external.credentialsSecret && fromConfig.length !== 2) {
      problems.push({
        path: "storage.s3.external.credentialsSecret",
        message:
          "external S3 needs credentials: name an existing Secret here, or set both secret config keys " +
          "(pulumi config set --secret s3AccessKey ...; pulumi config set --secret s3SecretKey ...)",
      });
    }
  }
  if (storage.type === "hdfs" && storage.hdfs.mode === "external" && !storage.hdfs.external.defaultFS) {
    problems.push({ path: "storage.hdfs.external.defaultFS", message: "required for an external HDFS" });
  }
  if (storage.type === "hdfs" && storage.hdfs.mode === "managed") {
    const { replication, dataNodes } = storage.hdfs.managed;
    if (replication > dataNodes) {
      problems.push({
        path: "storage.hdfs.managed.replication",
        message: `${replication} replicas need at least as many DataNodes (dataNodes is ${dataNodes})`,
      });
    }
  }
  if (ha.type === "zookeeper" && ha.zookeeper.mode === "external" && !ha.zookeeper.external.quorum) {
    problems.push({ path: "ha.zookeeper.external.quorum", message: "required for an external ZooKeeper" });
  }
  for (const cluster of clusters) {
    if (cluster.jobManager.replicas > 1 && ha.type === "off") {
      problems.push({
        path: `flink.clusters.${cluster.name}.jobManager.replicas`,
        message: `${cluster.jobManager.replicas} JobManagers need HA (standby JobManagers find the leader through it); set ha.type to kubernetes or zookeeper, or set replicas to 1`,
      });
    }
  }
  return problems;
}
