/**
 * Flink on Hive: the metastore, the client configuration in every cluster namespace, and what the session
 * clusters' pods get (pod additions), so each cluster has a ready Hive catalog.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { platformLabels } from "../kube/labels";
import type { ArtifactSettings, PodAdditions } from "../kube/podAdditions";
import type { MySqlConnection } from "../mysql/connection";
import { MYSQL_CONNECTOR_J } from "../mysql/driver";
import type { DurableStore } from "../state/connections";
import type { HiveConfig } from "./config";
import { FLINK_HADOOP_CONF_DIR, HIVE_CLIENT_CONFIGMAP, HIVE_CONF_DIR, hiveAdditions } from "./flinkHive";
import { catalogStoreEntry, clientSiteXml } from "./hiveSite";
import { HiveMetastore } from "./metastore";

/** Where the warehouse lives in the durable store. */
export function warehouseUri(store: DurableStore, pathPrefix: string, path: string): string {
  const root = store.kind === "s3" ? `s3a://${store.bucket}` : store.defaultFS;
  return `${root}/${pathPrefix}/${path}`;
}

export interface FlinkOnHiveArgs {
  /** Namespace of the metastore (the platform namespace). */
  readonly namespace: string;
  /** Namespaces of the session clusters; each gets the Hive client configuration. */
  readonly clusterNamespaces: readonly string[];
  /** The `hive` area: image, resources, warehouse and catalog (defaults in components/hive/config.ts). */
  readonly hive: HiveConfig;
  /** The durable store the warehouse lives in (validation makes sure it is the configured one). */
  readonly store: DurableStore;
  /** Path prefix inside the store (`storage.pathPrefix`, default "flink"); the warehouse is below it. */
  readonly pathPrefix: string;
  /** The metastore's MySQL database and user, with the Secret of its password. */
  readonly database: MySqlConnection;
  /** Where the JDBC driver and the connector jars come from (`platform.artifacts`). */
  readonly artifacts: ArtifactSettings;
}

export class FlinkOnHive extends pulumi.ComponentResource {
  /** What every session cluster's pods get. */
  public readonly additions: PodAdditions;
  /** Resources the session clusters wait for (metastore, client configuration). */
  public readonly ready: pulumi.Resource[] = [];
  public readonly metastoreUri: string;

  constructor(name: string, args: FlinkOnHiveArgs, opts?: pulumi.ComponentResourceOptions) {
    super("flink-platform:hive:FlinkOnHive", name, {}, opts);
    const { hive, store, database } = args;
    const metastore = new HiveMetastore(
      "hive-metastore",
      {
        namespace: args.namespace,
        image: hive.image,
        resources: hive.resources,
        db: database,
        passwordSecret: database.passwordSecret,
        warehouseUri: warehouseUri(store, args.pathPrefix, hive.warehouse.path),
        s3:
          store.kind === "s3"
            ? {
                endpoint: store.endpoint,
                pathStyleAccess: store.pathStyleAccess,
                accessKey: store.accessKey,
                secretKey: store.secretKey,
              }
            : undefined,
        jdbcDriver: MYSQL_CONNECTOR_J,
        artifacts: args.artifacts,
      },
      { parent: this },
    );
    this.metastoreUri = metastore.uri;
    this.ready.push(metastore);

    const data = {
      "hive-site.xml": clientSiteXml(metastore.uri),
      "catalog.yaml": catalogStoreEntry({
        hiveConfDir: HIVE_CONF_DIR,
        // Flink mounts the Hadoop configuration there when the store is HDFS.
        hadoopConfDir: store.kind === "hdfs" ? FLINK_HADOOP_CONF_DIR : undefined,
        defaultDatabase: hive.catalog.defaultDatabase,
      }),
    };
    for (const namespace of [...new Set(args.clusterNamespaces)]) {
      this.ready.push(
        new k8s.core.v1.ConfigMap(
          `${name}-client-${namespace}`,
          {
            metadata: { name: HIVE_CLIENT_CONFIGMAP, namespace, labels: platformLabels("flink-hive-conf") },
            data,
          },
          { parent: this },
        ),
      );
    }
    this.additions = hiveAdditions({
      catalogName: hive.catalog.name,
      fetcherImage: args.artifacts.fetcherImage,
    });
    this.registerOutputs({ metastoreUri: this.metastoreUri });
  }
}
