/**
 * The `streampark` config area: Apache StreamPark, the web platform where users develop and run Flink jobs on the
 * session clusters.
 */
import { z } from "zod";
import { containerResources, ingressSchema, pinnedImage, volumeSchema } from "../config/primitives";
import type { ConfigProblem } from "../config/problems";
import { GIB, kubernetesMemoryBytes } from "../config/quantities";
import { FLINK_RELEASES } from "../flink/versions";

/** The StreamPark release the platform is built against; its Flink shims stop at 1.20. */
export const STREAMPARK_VERSION = "2.1.7";
/** Newest Flink minor version StreamPark 2.1.7 can drive. */
export const STREAMPARK_MAX_FLINK = "1.20";

export const streamParkConfigSchema = z
  .strictObject({
    enabled: z.boolean().prefault(true),
    image: pinnedImage.prefault(`apache/streampark:${STREAMPARK_VERSION}`),
    /** The JVM heap is half the memory limit; the rest is metaspace, buffers and the processes StreamPark starts. */
    resources: containerResources({ cpu: "500m", memory: "2Gi" }, { cpu: "2", memory: "2Gi" }),
    /** Volume for uploaded jars, cloned projects and builds. */
    workspace: volumeSchema("10Gi"),
    /** MySQL database and user StreamPark gets. */
    database: z
      .strictObject({
        name: z
          .string()
          .regex(/^[a-z][a-z0-9_]{0,31}$/, {
            message: "must be a plain SQL name ([a-z][a-z0-9_]*, 32 at most)",
          })
          .prefault("streampark"),
        user: z
          .string()
          .regex(/^[a-z][a-z0-9_]{0,31}$/, {
            message: "must be a plain SQL name ([a-z][a-z0-9_]*, 32 at most)",
          })
          .prefault("streampark"),
      })
      .prefault({}),
    /** StreamPark must be served at the root path of its host. */
    ingress: ingressSchema,
    /** Image of the bootstrap Job (registers Flink homes and clusters, replaces the admin password). Node 22.18+. */
    bootstrapImage: pinnedImage.prefault("node:22.23.2-alpine3.24"),
  })
  .prefault({});

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
    .filter((cluster) => FLINK_RELEASES[cluster.version]?.major === 2)
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
  if (streampark.ingress.enabled && !streampark.ingress.host) {
    problems.push({ path: "streampark.ingress.host", message: "required when the ingress is enabled" });
  }
  const limit = kubernetesMemoryBytes(streampark.resources.limits.memory);
  if (limit !== undefined && limit < GIB) {
    problems.push({
      path: "streampark.resources.limits.memory",
      message: "StreamPark's JVM needs at least 1Gi (its heap is half the limit)",
    });
  }
  return problems;
}
