/**
 * The config of one session cluster (`flink.clusters.<name>`), and the cluster as the program sees it once every
 * inherited value is resolved.
 */
import { z } from "zod";
import { dnsLabel, flinkMemory, ingressSchema, pinnedImage } from "../config/primitives";

/** Flink configuration as users write it: flat keys, scalar values (the operator stringifies them anyway). */
const flinkConfigurationMap = z
  .record(z.string().min(1), z.union([z.string(), z.number(), z.boolean()]))
  .prefault({});

export const sessionClusterSchema = z.strictObject({
  /** Namespace of the cluster; the platform namespace when unset. */
  namespace: dnsLabel(63).optional(),
  /** Flink minor version of this cluster; `flink.version` when unset. */
  version: z.string().optional(),
  /** Exact Flink image of this cluster; `flink.image` or the pinned official image when unset. */
  image: pinnedImage.optional(),
  jobManager: z
    .strictObject({
      replicas: z.number().int().min(1).max(3).prefault(1),
      cpu: z.number().min(0.1).max(64).prefault(1),
      memory: flinkMemory.prefault("2048m"),
    })
    .prefault({}),
  taskManager: z
    .strictObject({
      cpu: z.number().min(0.1).max(64).prefault(1),
      memory: flinkMemory.prefault("2048m"),
      /** `taskmanager.numberOfTaskSlots`. */
      slots: z.number().int().min(1).max(64).prefault(2),
    })
    .prefault({}),
  /** Slots kept warm even without jobs (`slotmanager.number-of-slots.min`); 0 starts TaskManagers on demand. */
  warmSlots: z.number().int().min(0).max(1024).prefault(0),
  /** Extra Flink configuration, merged last. */
  flinkConfiguration: flinkConfigurationMap,
  ingress: ingressSchema,
});

/** A session cluster's config as parsed, before inherited values are resolved. */
export type SessionClusterConfig = z.output<typeof sessionClusterSchema>;

/** What every Flink cluster the platform runs is known by. */
export interface FlinkCluster {
  /** Name of the cluster (its FlinkDeployment), unique in its namespace. */
  readonly name: string;
  readonly namespace: string;
  /** Flink minor version, a key of FLINK_RELEASES once validated. */
  readonly version: string;
  /** Exact image. */
  readonly image: string;
}

/** A session cluster with every inherited value resolved. */
export interface ResolvedSessionCluster
  extends Omit<SessionClusterConfig, "namespace" | "version" | "image">, FlinkCluster {}
