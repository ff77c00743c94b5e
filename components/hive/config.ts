/**
 * Config of Flink on Hive (`hive`): the metastore, where its warehouse lives, and the catalog every session cluster
 * gets. Hive needs Flink 1.x (there is no Hive connector for Flink 2.x) and a warehouse store.
 */
import { z } from "zod";
import { doc, flag, pinnedImage } from "../config/primitives";
import type { ConfigProblem } from "../config/problems";
import { containerResources } from "../config/resourceSchemas";
import { flinkRelease } from "../flink/versions";

const sqlName = z.string().regex(/^[a-z][a-z0-9_]{0,31}$/, {
  error: "must be a plain SQL name: lower-case letters, digits and '_', starting with a letter",
});

export const hiveSchema = doc(
  z
    .strictObject({
      enabled: doc(flag, "run the Hive metastore and give every session cluster a Hive catalog").prefault(
        false,
      ),
      image: doc(
        pinnedImage,
        "Hive image; 3.1.3 is the metastore version Flink's Hive connector for 1.20 is built against",
      ).prefault("apache/hive:3.1.3"),
      resources: containerResources({ cpu: "250m", memory: "1Gi" }, { cpu: "1", memory: "2Gi" }),
      database: doc(sqlName, "MySQL database of the metastore schema").prefault("metastore"),
      user: doc(sqlName, "MySQL user of the metastore").prefault("hive"),
      warehouse: z
        .strictObject({
          store: doc(
            z.enum(["hdfs", "s3"]),
            "hdfs (storage.type hdfs), or s3 through s3a (storage.type s3; the Flink image must carry hadoop-aws)",
          ).prefault("hdfs"),
          path: doc(
            z
              .string()
              .regex(/^[a-z0-9][a-z0-9._/-]*$/, { error: "must be a relative path such as 'warehouse'" }),
            "path of the warehouse inside the store, under storage.pathPrefix",
          ).prefault("warehouse"),
        })
        .prefault({}),
      catalog: z
        .strictObject({
          name: doc(sqlName, "name of the catalog registered in every session cluster").prefault("hive"),
          defaultDatabase: doc(sqlName, "default database of the catalog").prefault("default"),
        })
        .prefault({}),
    })
    .prefault({}),
  "Flink on Hive: a Hive 3.1.3 metastore (schema in MySQL, warehouse in the durable store) and a catalog in every cluster",
);

/** The `hive` area as parsed. */
export type HiveConfig = z.output<typeof hiveSchema>;

/** Cross-field checks of Hive. */
export function hiveProblems(
  parsed: {
    readonly hive: HiveConfig;
    readonly storage: { readonly type: string };
    readonly platform: { readonly artifacts: { readonly fetchJars: boolean } };
    readonly flink: { readonly clusters: Readonly<Record<string, { readonly version?: string }>> };
  },
  clusters: ReadonlyArray<{ readonly name: string; readonly version: string }>,
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const hive = parsed.hive;
  if (!hive.enabled) {
    return problems;
  }
  for (const cluster of clusters) {
    if (flinkRelease(cluster.version)?.major === 2) {
      const key =
        parsed.flink.clusters[cluster.name].version !== undefined
          ? `flink.clusters.${cluster.name}.version`
          : "flink.version";
      problems.push({
        path: key,
        message: `Flink ${cluster.version} has no Hive connector (it exists for Flink 1.x only); use 1.20 for cluster '${cluster.name}', or set hive.enabled: false`,
      });
    }
  }
  if (hive.warehouse.store !== parsed.storage.type) {
    problems.push({
      path: "hive.warehouse.store",
      message: `the Hive warehouse is on ${hive.warehouse.store}, but storage.type is ${parsed.storage.type}; set storage.type: ${hive.warehouse.store} (managed or external), or change hive.warehouse.store`,
    });
  }
  if (hive.warehouse.store === "s3" && parsed.platform.artifacts.fetchJars) {
    problems.push({
      path: "hive.warehouse.store",
      message:
        "an s3a warehouse needs hadoop-aws and the AWS SDK on Flink's classpath, which the platform does not fetch; use a Flink image that has them and set platform.artifacts.fetchJars: false, or use an hdfs warehouse",
    });
  }
  return problems;
}
