/**
 * Durable state and HA for the session clusters: runs the managed stores (MinIO, HDFS, ZooKeeper) that the config
 * asks for, and hands every cluster namespace what its pods reference (a credentials Secret, a Hadoop
 * configuration ConfigMap). Consumers see connection objects only, never which kind of store is behind them.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { platformLabels } from "../kube/labels";
import { created, SecretPolicy } from "../kube/secrets";
import { HaConfig, StorageConfig } from "./config";
import { DurableStore, HaSettings } from "./connections";
import { hadoopConfigurationXml } from "./hadoopXml";
import { Hdfs, hdfsClientProperties } from "./hdfs";
import { Minio } from "./minio";
import { s3Grants } from "./minioAccess";
import { ZooKeeper } from "./zookeeper";

/** Name of the per-namespace Secret with S3 credentials, and of the Hadoop configuration ConfigMap. */
export const S3_CREDENTIALS_SECRET = "flink-s3-credentials";
export const HADOOP_CONF_CONFIGMAP = "flink-hadoop-conf";

/** S3 credentials handed over as secrets (undefined when the Secret is left to the user of a rendered stack). */
export interface S3Credentials {
  readonly accessKey: pulumi.Input<string> | undefined;
  readonly secretKey: pulumi.Input<string> | undefined;
}

export interface DurableStateArgs {
  /** Namespace of the managed stores (the platform namespace). */
  readonly namespace: string;
  /**
   * Namespaces whose pods read the store's credentials or Hadoop configuration, each of which gets a copy: every
   * cluster's, and the platform's for the Hive metastore when its warehouse is on S3.
   */
  readonly consumerNamespaces: readonly string[];
  /**
   * Paths below `storage.pathPrefix` that every consumer namespace may use besides its own `<namespace>/` (the Hive
   * warehouse); on the managed MinIO they are part of each namespace's grant. Default none.
   */
  readonly sharedPaths?: readonly string[];
  /**
   * Paths below `storage.pathPrefix` that one consumer namespace may use besides its own, by namespace (the history
   * server's archive folders of every cluster); on the managed MinIO they are part of that namespace's grant.
   * Default none.
   */
  readonly namespacePaths?: Readonly<Record<string, readonly string[]>>;
  /** Where durable state lives (the `storage` area; default `type: none`). */
  readonly storage: StorageConfig;
  /** JobManager HA (the `ha` area; default `type: off`). */
  readonly ha: HaConfig;
  /**
   * Credentials of an external S3 store from the secret config keys `s3AccessKey`/`s3SecretKey`; read only for an
   * external store without `credentialsSecret` (validation requires them there). Default none.
   */
  readonly s3Credentials?: S3Credentials;
  /** Let destroy and turning a store off delete its volumes (`platform.allowDataLoss`, default false). */
  readonly allowDataLoss: boolean;
  /** Whether the credentials Secrets are created, or left to the user of a rendered stack. */
  readonly secrets: SecretPolicy;
}

export class DurableState extends pulumi.ComponentResource {
  /** Where checkpoints, savepoints and HA data go; undefined without durable storage. */
  public readonly store?: DurableStore;
  public readonly ha: HaSettings;
  /** Resources that must be ready before Flink uses the store (bucket, base directory, per-namespace objects). */
  public readonly ready: pulumi.Resource[] = [];
  public readonly minio?: Minio;
  public readonly hdfs?: Hdfs;
  public readonly zookeeper?: ZooKeeper;

  constructor(name: string, args: DurableStateArgs, opts?: pulumi.ComponentResourceOptions) {
    super("flink-platform:state:DurableState", name, {}, opts);
    const { storage, ha, namespace, allowDataLoss } = args;
    const consumerNamespaces = [...new Set(args.consumerNamespaces)];

    if (storage.type === "s3") {
      const s3 = storage.s3;
      // Credentials per consumer namespace: on the managed MinIO each namespace has its own user; an external
      // store has one identity, from secret config, for all of them.
      let credentialsOf: ((ns: string) => S3Credentials) | undefined;
      let endpoint: string;
      let pathStyleAccess: boolean;
      if (s3.mode === "managed") {
        const grants = s3Grants(
          consumerNamespaces,
          storage.pathPrefix,
          args.sharedPaths,
          args.namespacePaths,
        );
        const minio = new Minio(
          "minio",
          { namespace, bucket: s3.bucket, allowDataLoss, grants, secrets: args.secrets, ...s3.managed },
          { parent: this },
        );
        this.minio = minio;
        this.ready.push(minio.setupJob);
        credentialsOf = (ns) => minio.grantCredentials[ns];
        endpoint = minio.endpoint;
        pathStyleAccess = true;
      } else {
        endpoint = s3.external.endpoint ?? "";
        pathStyleAccess = s3.external.pathStyleAccess;
        if (!s3.external.credentialsSecret) {
          const shared = args.s3Credentials ?? { accessKey: undefined, secretKey: undefined };
          credentialsOf = () => shared;
        }
      }
      const existing = s3.mode === "external" ? s3.external.credentialsSecret : undefined;
      const secretName = existing?.name ?? S3_CREDENTIALS_SECRET;
      if (credentialsOf) {
        for (const ns of consumerNamespaces) {
          const credentials = credentialsOf(ns);
          this.ready.push(
            ...created(
              args.secrets.secret(
                `${name}-s3-credentials-${ns}`,
                {
                  name: S3_CREDENTIALS_SECRET,
                  namespace: ns,
                  labels: platformLabels("flink-s3-credentials"),
                },
                { accessKey: credentials.accessKey, secretKey: credentials.secretKey },
                { parent: this },
              ),
            ),
          );
        }
      }
      this.store = {
        kind: "s3",
        endpoint,
        bucket: s3.bucket,
        pathStyleAccess,
        accessKey: { name: secretName, key: existing?.accessKeyKey ?? "accessKey" },
        secretKey: { name: secretName, key: existing?.secretKeyKey ?? "secretKey" },
      };
    } else if (storage.type === "hdfs") {
      const hdfs = storage.hdfs;
      let defaultFS = hdfs.external.defaultFS ?? "";
      let replication = 3;
      if (hdfs.mode === "managed") {
        this.hdfs = new Hdfs(
          "hdfs",
          { namespace, baseDirectory: `/${storage.pathPrefix}`, allowDataLoss, ...hdfs.managed },
          { parent: this },
        );
        this.ready.push(this.hdfs.baseDirectoryJob);
        defaultFS = this.hdfs.defaultFS;
        replication = hdfs.managed.replication;
      }
      const existingConfigMap = hdfs.mode === "external" ? hdfs.external.configMap : undefined;
      if (!existingConfigMap) {
        const properties = hdfsClientProperties(defaultFS, replication);
        for (const ns of consumerNamespaces) {
          this.ready.push(
            new k8s.core.v1.ConfigMap(
              `${name}-hadoop-conf-${ns}`,
              {
                metadata: {
                  name: HADOOP_CONF_CONFIGMAP,
                  namespace: ns,
                  labels: platformLabels("flink-hadoop-conf"),
                },
                data: {
                  "core-site.xml": hadoopConfigurationXml(properties.core),
                  "hdfs-site.xml": hadoopConfigurationXml(properties.hdfs),
                },
              },
              { parent: this },
            ),
          );
        }
      }
      this.store = { kind: "hdfs", defaultFS, configMap: existingConfigMap ?? HADOOP_CONF_CONFIGMAP };
    }

    if (ha.type === "zookeeper") {
      let quorum = ha.zookeeper.external.quorum ?? "";
      if (ha.zookeeper.mode === "managed") {
        this.zookeeper = new ZooKeeper(
          "zookeeper",
          { namespace, allowDataLoss, ...ha.zookeeper.managed },
          { parent: this },
        );
        quorum = this.zookeeper.quorum;
      }
      this.ha = { type: "zookeeper", quorum, rootPath: ha.zookeeper.rootPath };
    } else {
      this.ha = { type: ha.type };
    }
    this.registerOutputs({});
  }
}
