/**
 * The `streampark` config area: Apache StreamPark, the web platform where users develop and run Flink jobs on the
 * session clusters.
 */
import { z } from "zod";
import { doc, flag, pinnedImage } from "../config/primitives";
import {
  containerResources,
  ingressHostProblems,
  ingressSchema,
  volumeSchema,
} from "../config/resourceSchemas";
import type { ConfigProblem } from "../config/problems";
import { GIB, kubernetesMemoryBytes } from "../config/quantities";
import { flinkRelease } from "../flink/versions";

/** The StreamPark release the platform is built against; its Flink shims stop at 1.20. */
export const STREAMPARK_VERSION = "2.1.7";
/** Newest Flink minor version StreamPark 2.1.7 can drive. */
export const STREAMPARK_MAX_FLINK = "1.20";

const sqlName = z.string().regex(/^[a-z][a-z0-9_]{0,31}$/, {
  error: "must be a plain SQL name ([a-z][a-z0-9_]*, 32 at most)",
});

export const streamParkConfigSchema = doc(
  z
    .strictObject({
      enabled: doc(flag, "run StreamPark").prefault(true),
      image: doc(pinnedImage, "StreamPark image").prefault(`apache/streampark:${STREAMPARK_VERSION}`),
      resources: doc(
        containerResources({ cpu: "500m", memory: "2Gi" }, { cpu: "2", memory: "2Gi" }),
        "requests and limits; the JVM heap is half the memory limit (at least 1Gi), the rest is metaspace, buffers and the processes StreamPark starts",
      ),
      workspace: doc(volumeSchema("10Gi"), "volume for uploaded jars, cloned projects and builds"),
      database: z
        .strictObject({
          name: doc(sqlName, "MySQL database of StreamPark").prefault("streampark"),
          user: doc(sqlName, "MySQL user of StreamPark").prefault("streampark"),
        })
        .prefault({}),
      ingress: doc(
        ingressSchema,
        "an Ingress to StreamPark, which must be served at the root path of its host",
      ),
      bootstrapImage: doc(
        pinnedImage,
        "image of the bootstrap Job (registers Flink homes and clusters, replaces the admin password); Node 22.18+",
      ).prefault("node:22.23.2-alpine3.24"),
    })
    .prefault({}),
  "Apache StreamPark 2.1.7, the web platform where users develop and run Flink jobs on the session clusters",
);

export type StreamParkConfig = z.output<typeof streamParkConfigSchema>;

/** Cross-field checks of the `streampark` area. */
export function streamParkChecks(
  parsed: {
    readonly streampark: StreamParkConfig;
    readonly flink: { readonly clusters: Readonly<Record<string, { readonly version?: string }>> };
  },
  clusters: ReadonlyArray<{ readonly name: string; readonly version: string }>,
): ConfigProblem[] {
  const streampark = parsed.streampark;
  if (!streampark.enabled) {
    return [];
  }
  const problems: ConfigProblem[] = [];
  const tooNew = clusters
    .filter((cluster) => flinkRelease(cluster.version)?.major === 2)
    .map((cluster) =>
      parsed.flink.clusters[cluster.name].version !== undefined
        ? `flink.clusters.${cluster.name}.version is ${cluster.version}`
        : `cluster '${cluster.name}' inherits flink.version ${cluster.version}`,
    );
  if (tooNew.length > 0) {
    problems.push({
      path: "streampark.enabled",
      message:
        `StreamPark ${STREAMPARK_VERSION} supports Flink up to ${STREAMPARK_MAX_FLINK}, but ${tooNew.join(", ")}; ` +
        "set streampark.enabled: false, or run every session cluster on Flink 1.19 or 1.20",
    });
  }
  problems.push(...ingressHostProblems(streampark.ingress, "streampark.ingress"));
  const limit = kubernetesMemoryBytes(streampark.resources.limits.memory);
  if (limit !== undefined && limit < GIB) {
    problems.push({
      path: "streampark.resources.limits.memory",
      message: "StreamPark's JVM needs at least 1Gi (its heap is half the limit)",
    });
  }
  return problems;
}
