/**
 * The `flink` config area: the default Flink version and image, the named session clusters, and checkpointing;
 * how each cluster inherits its namespace, version and image; and the checks across those keys.
 */
import { z } from "zod";
import { pinnedImage } from "../config/primitives";
import type { ConfigProblem } from "../config/problems";
import { clusterName } from "../config/primitives";
import { sessionClusterSchema, ResolvedSessionCluster } from "./clusterSchema";
import { stateFlinkKeys, StateShape } from "./clusterState";
import {
  forbiddenFlinkKeyProblem,
  overlappingKeyPrefixes,
  platformFlinkConfiguration,
} from "./flinkConfiguration";
import { DEFAULT_FLINK_VERSION, defaultFlinkImage, FLINK_RELEASES, flinkVersionProblem } from "./versions";

/** Flink duration: a number with a unit, e.g. "60 s", "5 min", "500 ms". */
const flinkDuration = z
  .string()
  .regex(/^\d+\s*(ms|s|min|h|d)$/, { message: "must be a duration such as '60 s', '5 min' or '500 ms'" });

export const checkpointsSchema = z
  .strictObject({
    /** Checkpoint interval; checkpointing only runs when it is set. */
    interval: flinkDuration.prefault("60 s"),
    mode: z.enum(["EXACTLY_ONCE", "AT_LEAST_ONCE"]).prefault("EXACTLY_ONCE"),
    /** Completed checkpoints kept. */
    retained: z.number().int().min(1).max(100).prefault(3),
    /** `hashmap` keeps state on the heap; `rocksdb` on local disk. */
    stateBackend: z.enum(["hashmap", "rocksdb"]).prefault("hashmap"),
    /** Incremental checkpoints (RocksDB only). */
    incremental: z.boolean().prefault(false),
  })
  .prefault({});

export const flinkSchema = z
  .strictObject({
    /** Default Flink minor version of the session clusters. */
    version: z.string().prefault(DEFAULT_FLINK_VERSION),
    /** Default exact image of the session clusters; the pinned official image of `version` when unset. */
    image: pinnedImage.optional(),
    /** Session clusters by name. */
    clusters: z.record(clusterName, sessionClusterSchema).prefault({ session: {} }),
    /** Checkpointing and state backend of every session cluster. */
    checkpoints: checkpointsSchema,
  })
  .prefault({});

/** The `flink` area as parsed. */
export type FlinkAreaConfig = z.output<typeof flinkSchema>;

/** Resolve each cluster's inherited values: namespace from the platform, version and image from the area. */
export function resolveClusters(flink: FlinkAreaConfig, platformNamespace: string): ResolvedSessionCluster[] {
  return Object.entries(flink.clusters).map(([name, cluster]) => {
    const version = cluster.version ?? flink.version;
    const release = Object.hasOwn(FLINK_RELEASES, version) ? FLINK_RELEASES[version] : undefined;
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

/** What the checks of the flink area read beyond it: the kinds of store and HA. */
export interface FlinkChecksInput {
  readonly flink: FlinkAreaConfig;
  readonly storage: { readonly type: StateShape["store"] };
  readonly ha: { readonly type: StateShape["ha"] };
}

/** Cross-field checks of the flink area. */
export function flinkProblems(
  parsed: FlinkChecksInput,
  clusters: readonly ResolvedSessionCluster[],
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const versionProblem = flinkVersionProblem(parsed.flink.version);
  if (versionProblem) {
    problems.push({ path: "flink.version", message: versionProblem });
  }
  if (Object.keys(parsed.flink.clusters).length === 0) {
    problems.push({ path: "flink.clusters", message: "declare at least one session cluster" });
  }
  const checkpoints = parsed.flink.checkpoints;
  if (checkpoints.incremental && checkpoints.stateBackend !== "rocksdb") {
    problems.push({
      path: "flink.checkpoints.incremental",
      message: "incremental checkpoints need stateBackend: rocksdb",
    });
  }
  const seen = new Map<string, string>();
  for (const cluster of clusters) {
    const at = `flink.clusters.${cluster.name}`;
    if (parsed.flink.clusters[cluster.name].version !== undefined) {
      const problem = flinkVersionProblem(cluster.version);
      if (problem) {
        problems.push({ path: `${at}.version`, message: problem });
      }
    }
    const key = `${cluster.namespace}/${cluster.name}`;
    if (seen.has(key)) {
      problems.push({
        path: at,
        message: `clashes with cluster '${seen.get(key)}' in namespace ${cluster.namespace}`,
      });
    }
    seen.set(key, cluster.name);
    if (cluster.ingress.enabled && !cluster.ingress.host) {
      problems.push({ path: `${at}.ingress.host`, message: "required when the ingress is enabled" });
    }
    for (const userKey of Object.keys(cluster.flinkConfiguration)) {
      const forbidden = forbiddenFlinkKeyProblem(userKey);
      if (forbidden) {
        problems.push({ path: `${at}.flinkConfiguration.${userKey}`, message: forbidden });
      }
    }
    problems.push(...overlappingPrefixProblems(parsed, cluster));
  }
  return problems;
}

/**
 * Flink 2.x reads standard YAML and rejects a key that is also the prefix of another key. The platform's and durable
 * state's keys follow from config alone, so the check needs no store or connection.
 */
function overlappingPrefixProblems(
  parsed: FlinkChecksInput,
  cluster: ResolvedSessionCluster,
): ConfigProblem[] {
  const release = Object.hasOwn(FLINK_RELEASES, cluster.version)
    ? FLINK_RELEASES[cluster.version]
    : undefined;
  if (release?.major !== 2) {
    return [];
  }
  const shape: StateShape = {
    store: parsed.storage.type,
    ha: parsed.ha.type,
    incremental: parsed.flink.checkpoints.incremental,
  };
  const keys = [
    ...Object.keys(platformFlinkConfiguration(cluster)),
    ...Object.values(stateFlinkKeys(release, shape)),
    ...Object.keys(cluster.flinkConfiguration),
  ];
  return overlappingKeyPrefixes(keys).map(([shorter, longer]) => {
    const userKey = cluster.flinkConfiguration[shorter] !== undefined ? shorter : longer;
    return {
      path: `flink.clusters.${cluster.name}.flinkConfiguration.${userKey}`,
      message: `Flink ${cluster.version} rejects '${shorter}' next to '${longer}' (overlapping key prefixes); use the non-deprecated key`,
    };
  });
}
