/**
 * What Flink needs to know of a backing store, whichever kind it is (managed by the platform or external).
 * Consumers see only these objects.
 */
import type { SecretKeyRef } from "../kube/secrets";

export interface S3Connection {
  readonly kind: "s3";
  /** Endpoint URL, e.g. http://minio.flink.svc:9000. */
  readonly endpoint: string;
  readonly bucket: string;
  readonly pathStyleAccess: boolean;
  /** The access key, in a Secret present in every namespace that uses the store. */
  readonly accessKey: SecretKeyRef;
  readonly secretKey: SecretKeyRef;
}

export interface HdfsConnection {
  readonly kind: "hdfs";
  /** `fs.defaultFS`, e.g. hdfs://hdfs-namenode.flink.svc:8020. */
  readonly defaultFS: string;
  /** ConfigMap with core-site.xml and hdfs-site.xml, present in every namespace that uses it. */
  readonly configMap: string;
}

export type DurableStore = S3Connection | HdfsConnection;

export interface ZooKeeperConnection {
  /** host:port[,host:port...] */
  readonly quorum: string;
  /** Root znode; each cluster uses `<rootPath>/<namespace>/<cluster>`. */
  readonly rootPath: string;
}

/** JobManager HA as a session cluster sees it. */
export type HaSettings =
  | { readonly type: "off" }
  | { readonly type: "kubernetes" }
  | ({ readonly type: "zookeeper" } & ZooKeeperConnection);
