/**
 * Config of durable state (`storage`) and JobManager HA (`ha`), with the checks that tie them together. Storage and
 * HA are independent: checkpoints go to durable storage whether or not HA is on; HA needs durable storage for its
 * metadata.
 */
import { z } from "zod";
import { hostPortProblem } from "../config/endpoints";
import {
  checkedString,
  dnsSubdomain,
  doc,
  flag,
  integer,
  pinnedImage,
  secretKey,
  url,
} from "../config/primitives";
import type { ConfigContext, ConfigProblem } from "../config/problems";
import { containerResources, volumeSchema } from "../config/resourceSchemas";

const mode = (managed: string, external: string) =>
  doc(z.enum(["managed", "external"]), `managed: ${managed}; external: ${external}`).prefault("managed");

const s3CredentialsSecret = doc(
  z.strictObject({
    name: doc(dnsSubdomain, "name of the Secret; it must exist in every namespace with a session cluster", [
      "flink-s3-credentials",
    ]),
    accessKeyKey: doc(secretKey, "key of the access key in the Secret").prefault("accessKey"),
    secretKeyKey: doc(secretKey, "key of the secret key in the Secret").prefault("secretKey"),
  }),
  "an existing Secret with the credentials; otherwise the secret config keys s3AccessKey and s3SecretKey",
);

/**
 * Why `name` is not an S3 bucket name, or undefined when it is one (the first rule it breaks). The rules are AWS's
 * for general purpose buckets (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html), so
 * that the name works on AWS as on the managed MinIO, and '.' next to '-', which MinIO refuses (minio-go
 * s3utils.CheckValidBucketName), as AWS's older DNS-style rule did. A refused name would otherwise reach the
 * cluster and fail there: in MinIO's setup Job, or in Flink's first checkpoint.
 */
export function bucketNameProblem(name: string): string | undefined {
  const prefix = ["xn--", "sthree-", "amzn-s3-demo-"].find((reserved) => name.startsWith(reserved));
  const suffix = ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"].find((reserved) =>
    name.endsWith(reserved),
  );
  if (name.length < 3 || name.length > 63) {
    return `it has ${name.length} characters, not 3 to 63`;
  }
  if (!/^[a-z0-9.-]+$/.test(name)) {
    return "it holds characters other than lower-case letters, digits, '.' and '-'";
  }
  if (!/^[a-z0-9].*[a-z0-9]$/.test(name)) {
    return "it starts or ends with '.' or '-'";
  }
  if (/\.\.|\.-|-\./.test(name)) {
    return "it has '..', '.-' or '-.' (each dot-separated part starts and ends with a letter or digit)";
  }
  if (/^\d+\.\d+\.\d+\.\d+$/.test(name)) {
    return "it is formatted as an IP address";
  }
  if (prefix) {
    return `it starts with '${prefix}', a prefix S3 reserves`;
  }
  if (suffix) {
    return `it ends with '${suffix}', a suffix S3 reserves`;
  }
  return undefined;
}

/** Why `text` is not an HDFS `fs.defaultFS` of the form `hdfs://<namenode>[:port]`, or undefined when it is one. */
export function defaultFSProblem(text: string): string | undefined {
  if (!text.startsWith("hdfs://")) {
    return "the scheme is not hdfs://";
  }
  const [authority, ...path] = text.slice("hdfs://".length).split("/");
  // The platform appends its own paths (storage.pathPrefix) to the NameNode's address.
  return path.length > 0
    ? "it has a path after the NameNode"
    : hostPortProblem(authority, { portRequired: false });
}

/** Why `text` is not a ZooKeeper quorum `host:port[,host:port...]`, or undefined when it is one. */
export function quorumProblem(text: string): string | undefined {
  const problems = text.split(",").flatMap((member) => hostPortProblem(member, { portRequired: true }) ?? []);
  return problems.length > 0 ? problems.join("; ") : undefined;
}

export const s3Schema = z
  .strictObject({
    mode: mode("the platform runs MinIO in the platform namespace", "any S3 endpoint"),
    bucket: doc(
      checkedString((name) => {
        const problem = bucketNameProblem(name);
        return problem && `must be an S3 bucket name such as 'flink-state': ${problem}`;
      }),
      "bucket of checkpoints, savepoints and HA data; created when managed",
    ).prefault("flink"),
    managed: z
      .strictObject({
        image: doc(pinnedImage, "MinIO image (community MinIO publishes pinned release tags only)").prefault(
          "quay.io/minio/minio:RELEASE.2025-09-07T16-13-09Z",
        ),
        volume: volumeSchema("20Gi"),
        resources: containerResources({ cpu: "250m", memory: "512Mi" }, { cpu: "1", memory: "2Gi" }),
        console: doc(
          flag,
          "serve MinIO's web console (port 9001, reach it with kubectl port-forward; it takes the root " +
            "credentials); off, MinIO serves the S3 API only",
        ).prefault(false),
      })
      .prefault({}),
    external: z
      .strictObject({
        endpoint: doc(url(/^https?$/), "S3 endpoint URL", ["https://s3.eu-west-1.amazonaws.com"]).optional(),
        pathStyleAccess: doc(
          flag,
          "path-style access (most S3-compatible stores); false for virtual-hosted AWS buckets",
        ).prefault(false),
        credentialsSecret: s3CredentialsSecret.optional(),
      })
      .prefault({}),
  })
  .prefault({});

export const hdfsSchema = z
  .strictObject({
    mode: mode("the platform runs a NameNode and DataNodes", "an existing HDFS"),
    managed: z
      .strictObject({
        image: doc(pinnedImage, "Hadoop image").prefault("apache/hadoop:3.4.1"),
        dataNodes: doc(integer(1, 16), "DataNodes").prefault(1),
        replication: doc(integer(1, 5), "block replication; at most the number of DataNodes").prefault(1),
        nameNodeVolume: volumeSchema("10Gi"),
        dataNodeVolume: volumeSchema("50Gi"),
        resources: containerResources({ cpu: "250m", memory: "1Gi" }, { cpu: "1", memory: "2Gi" }),
      })
      .prefault({}),
    external: z
      .strictObject({
        defaultFS: doc(
          checkedString((text) => {
            const problem = defaultFSProblem(text);
            return (
              problem &&
              `must look like hdfs://<namenode>[:port], e.g. hdfs://namenode.example:8020: ${problem}`
            );
          }),
          "fs.defaultFS of the external HDFS",
          ["hdfs://namenode.example:8020"],
        ).optional(),
        configMap: doc(
          dnsSubdomain,
          "an existing ConfigMap with core-site.xml and hdfs-site.xml, in every cluster namespace",
          ["hadoop-conf"],
        ).optional(),
      })
      .prefault({}),
  })
  .prefault({});

export const storageSchema = doc(
  z
    .strictObject({
      type: doc(
        z.enum(["none", "s3", "hdfs"]),
        "durable store of checkpoints, savepoints and HA data; none keeps no durable state (dev only)",
      ).prefault("none"),
      pathPrefix: doc(
        z
          .string()
          .regex(/^[a-z0-9]([a-z0-9._/-]*[a-z0-9])?$/, { error: "must be a relative path such as 'flink'" }),
        "path prefix inside the bucket or file system; each cluster gets <prefix>/<namespace>/<cluster>/...",
      ).prefault("flink"),
      s3: s3Schema,
      hdfs: hdfsSchema,
    })
    .prefault({}),
  "durable store of checkpoints, savepoints and HA data: none, s3 (managed MinIO or external S3), hdfs (managed or external)",
);

export const zookeeperSchema = z
  .strictObject({
    mode: mode("the platform runs a ZooKeeper ensemble", "an existing quorum"),
    rootPath: doc(
      z.string().regex(/^(\/[a-zA-Z0-9._-]+)+$/, { error: "must be an absolute znode path such as /flink" }),
      "root znode; each cluster uses <rootPath>/<namespace>/<cluster>",
    ).prefault("/flink"),
    managed: z
      .strictObject({
        image: doc(pinnedImage, "ZooKeeper image").prefault("zookeeper:3.9.4"),
        replicas: doc(
          integer(1, 3).refine((n) => n !== 2, { error: "must be 1 (no fault tolerance) or 3" }),
          "ensemble size: 1 (no fault tolerance) or 3",
        ).prefault(1),
        volume: volumeSchema("5Gi"),
        resources: containerResources({ cpu: "100m", memory: "512Mi" }, { cpu: "500m", memory: "1Gi" }),
      })
      .prefault({}),
    external: z
      .strictObject({
        quorum: doc(
          checkedString((text) => {
            const problem = quorumProblem(text);
            return problem && `must be host:port[,host:port...], e.g. zk-0.zk:2181,zk-1.zk:2181: ${problem}`;
          }),
          "connection string",
          ["zk-0.zk:2181,zk-1.zk:2181,zk-2.zk:2181"],
        ).optional(),
      })
      .prefault({}),
  })
  .prefault({});

export const haSchema = doc(
  z
    .strictObject({
      type: doc(
        // YAML 1.1 readers turn a bare `off` into false; accept it as "off".
        z.preprocess((v) => (v === false ? "off" : v), z.enum(["off", "kubernetes", "zookeeper"])),
        "JobManager high availability: off, kubernetes (ConfigMap leader election) or zookeeper",
      ).prefault("off"),
      zookeeper: zookeeperSchema,
    })
    .prefault({}),
  "JobManager high availability: off, kubernetes, or zookeeper (managed ensemble or external quorum)",
);

/** Secret config keys (set with `pulumi config set --secret`) that hold external S3 credentials. */
export const S3_SECRET_CONFIG_KEYS = { accessKey: "s3AccessKey", secretKey: "s3SecretKey" } as const;

/** The storage and HA areas as parsed. */
export type StorageConfig = z.output<typeof storageSchema>;
export type HaConfig = z.output<typeof haSchema>;

/** Why the S3 secret config keys would go unread, and the other fix; undefined where they are read. */
function whyS3KeysUnused(storage: StorageConfig): { reason: string; otherwise: string } | undefined {
  if (storage.type !== "s3") {
    return {
      reason: `storage.type is ${storage.type}`,
      otherwise: "set storage.type: s3 with storage.s3.mode: external",
    };
  }
  if (storage.s3.mode === "managed") {
    return {
      reason: "storage.s3.mode is managed, and the managed MinIO makes its own credentials",
      otherwise: "set storage.s3.mode: external",
    };
  }
  if (storage.s3.external.credentialsSecret) {
    return {
      reason: "storage.s3.external.credentialsSecret names the Secret with the credentials",
      otherwise: "remove storage.s3.external.credentialsSecret",
    };
  }
  return undefined;
}

/**
 * The S3 secret config keys that are set but that nothing would read (only an external S3 store without
 * `credentialsSecret` reads them). An error rather than a preview warning: a credential kept in config for nothing
 * misleads (rotating it changes nothing), a warning scrolls by in the release bot's previews, and the fix is one
 * command.
 */
export function unusedS3KeyProblems(
  storage: StorageConfig,
  secretConfigKeys: ReadonlySet<string>,
): ConfigProblem[] {
  const unused = whyS3KeysUnused(storage);
  if (!unused) {
    return [];
  }
  return Object.values(S3_SECRET_CONFIG_KEYS)
    .filter((key) => secretConfigKeys.has(key))
    .map((key) => ({
      path: key,
      message: `is set but unused: ${unused.reason}; remove it (pulumi config rm ${key}), or ${unused.otherwise}`,
    }));
}

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
  problems.push(...unusedS3KeyProblems(storage, secretConfigKeys));
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
