/**
 * The `flink` config area: the default Flink version and image, the named session clusters, and checkpointing;
 * and how each cluster inherits its namespace, version and image. Its cross-field checks are in checks.ts.
 */
import { z } from "zod";
import { doc, flag, integer, pinnedImage } from "../config/primitives";
import { containerResources, ingressSchema } from "../config/resourceSchemas";
import {
  applicationSchema,
  ApplicationConfig,
  flinkVersion,
  ResolvedApplication,
  ResolvedSessionCluster,
  SessionClusterConfig,
  sessionClusterSchema,
} from "./clusterSchema";
import { resolveJob } from "./jobSchema";
import { DEFAULT_FLINK_VERSION, defaultFlinkImage, flinkRelease } from "./versions";

/** Flink duration: a number with a unit, e.g. "60 s", "5 min", "500 ms". */
export const flinkDuration = z
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

export const historyServerSchema = doc(
  z
    .strictObject({
      enabled: doc(
        flag,
        "run Flink's HistoryServer (port 8082) over the archives of finished jobs; needs a durable store",
      ).prefault(false),
      retainedJobs: doc(
        integer(1, 100000),
        "finished jobs the history server keeps (historyserver.archive.retained-jobs); older archives are deleted",
      ).prefault(500),
      refreshInterval: doc(flinkDuration, "how often it looks for new archives").prefault("10 s"),
      resources: containerResources({ cpu: "100m", memory: "1Gi" }, { cpu: "1", memory: "1Gi" }),
      ingress: ingressSchema,
    })
    .prefault({}),
  "the history server: finished jobs of every cluster and application, archived on the durable store",
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
      applications: doc(
        z.record(z.string(), applicationSchema),
        "application deployments by name: each a Flink cluster of its own running one job",
      ).prefault({}),
      checkpoints: checkpointsSchema,
      historyServer: historyServerSchema,
    })
    .prefault({}),
  "Flink version, image, the named session clusters (with their jobs and SQL Gateways), application " +
    "deployments, checkpointing, and the history server",
);

/** The `flink` area as parsed. */
export type FlinkAreaConfig = z.output<typeof flinkSchema>;

/** A cluster's inherited values: namespace from the platform, version and image from the area. */
function inherited(
  flink: FlinkAreaConfig,
  platformNamespace: string,
  cluster: SessionClusterConfig | ApplicationConfig,
) {
  const version = cluster.version ?? flink.version;
  const release = flinkRelease(version);
  const image = cluster.image ?? (cluster.version === undefined ? flink.image : undefined);
  return {
    namespace: cluster.namespace ?? platformNamespace,
    version,
    image: image ?? (release ? defaultFlinkImage(release) : ""),
  };
}

/**
 * Resolve each session cluster's inherited values, and its jobs' upgrade modes (`durableStore`: whether the platform
 * has somewhere to keep savepoints).
 */
export function resolveClusters(
  flink: FlinkAreaConfig,
  platformNamespace: string,
  durableStore = false,
): ResolvedSessionCluster[] {
  return Object.entries(flink.clusters).map(([name, cluster]) => ({
    ...cluster,
    name,
    ...inherited(flink, platformNamespace, cluster),
    jobs: Object.fromEntries(
      Object.entries(cluster.jobs).map(([jobName, job]) => [jobName, resolveJob(job, durableStore)]),
    ),
  }));
}

/** Resolve each application deployment's inherited values and its job's upgrade mode. */
export function resolveApplications(
  flink: FlinkAreaConfig,
  platformNamespace: string,
  durableStore: boolean,
): ResolvedApplication[] {
  return Object.entries(flink.applications).map(([name, application]) => ({
    ...application,
    name,
    ...inherited(flink, platformNamespace, application),
    job: resolveJob(application.job, durableStore),
  }));
}
