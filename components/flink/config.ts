/**
 * The `flink` config area: the default Flink version and image, the named session clusters, and checkpointing;
 * and how each cluster inherits its namespace, version and image. Its cross-field checks are in checks.ts.
 */
import { z } from "zod";
import { doc, flag, integer, pinnedImage } from "../config/primitives";
import { flinkVersion, sessionClusterSchema, ResolvedSessionCluster } from "./clusterSchema";
import { DEFAULT_FLINK_VERSION, defaultFlinkImage, flinkRelease } from "./versions";

/** Flink duration: a number with a unit, e.g. "60 s", "5 min", "500 ms". */
const flinkDuration = z
  .string()
  .regex(/^\d+\s*(ms|s|min|h|d)$/, { error: "must be a duration such as '60 s', '5 min' or '500 ms'" });

export const checkpointsSchema = doc(
  z
    .strictObject({
      interval: doc(flinkDuration, "checkpoint interval", ["30 s", "5 min"]).prefault("60 s"),
      mode: doc(z.enum(["EXACTLY_ONCE", "AT_LEAST_ONCE"]), "checkpointing guarantee").prefault(
        "EXACTLY_ONCE",
      ),
      retained: doc(integer(1, 100), "completed checkpoints kept").prefault(3),
      stateBackend: doc(
        z.enum(["hashmap", "rocksdb"]),
        "state backend: hashmap keeps state on the heap, rocksdb on local disk",
      ).prefault("hashmap"),
      incremental: doc(flag, "incremental checkpoints (rocksdb only)").prefault(false),
    })
    .prefault({}),
  "checkpointing and state backend of every session cluster",
);

export const flinkSchema = doc(
  z
    .strictObject({
      version: doc(flinkVersion, "default Flink minor version of the session clusters", [
        "1.20",
        "2.2",
      ]).prefault(DEFAULT_FLINK_VERSION),
      image: doc(
        pinnedImage,
        "default exact image of the session clusters; the pinned official image of the version when unset",
        ["registry.example.com/flink:1.20.4-scala_2.12-java17-acme1"],
      ).optional(),
      // Names are checked with the other cross-field rules (flink/checks.ts), so a bad name never hides the
      // cluster's other problems.
      clusters: doc(z.record(z.string(), sessionClusterSchema), "session clusters by name").prefault({
        session: {},
      }),
      checkpoints: checkpointsSchema,
    })
    .prefault({}),
  "Flink version, image, and the named session clusters with their resources, slots, configuration and ingress",
);

/** The `flink` area as parsed. */
export type FlinkAreaConfig = z.output<typeof flinkSchema>;

/** Resolve each cluster's inherited values: namespace from the platform, version and image from the area. */
export function resolveClusters(flink: FlinkAreaConfig, platformNamespace: string): ResolvedSessionCluster[] {
  return Object.entries(flink.clusters).map(([name, cluster]) => {
    const version = cluster.version ?? flink.version;
    const release = flinkRelease(version);
    const image = cluster.image ?? (cluster.version === undefined ? flink.image : undefined);
    return {
      ...cluster,
      name,
      namespace: cluster.namespace ?? platformNamespace,
      version,
      image: image ?? (release ? defaultFlinkImage(release) : ""),
    };
  });
}
