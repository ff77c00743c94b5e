/**
 * The config of one session cluster (`flink.clusters.<name>`), and the cluster as the program sees it once every
 * inherited value is resolved.
 */
import { z } from "zod";
import { doc, flag, integer, namespaceName, pinnedImage } from "../config/primitives";
import { containerResources, cpuCores, flinkMemory, ingressSchema } from "../config/resourceSchemas";
import { jobSchema, ResolvedJob } from "./jobSchema";

/** Flink configuration as users write it: flat keys, scalar values (the operator stringifies them anyway). */
export const flinkConfigurationMap = doc(
  z.record(z.string().min(1), z.union([z.string(), z.number(), z.boolean()])),
  "extra Flink configuration, merged last (keys the platform manages and credentials are refused)",
  [{ "pipeline.max-parallelism": 256 }],
).prefault({});

/** A version written as the CLI stores it ("1.20" stays a string, 2 becomes a number). */
export const flinkVersion = z.preprocess((v) => (typeof v === "number" ? String(v) : v), z.string());

/** The optional SQL Gateway of a session cluster (`flink.clusters.<name>.sqlGateway`). */
export const sqlGatewaySchema = doc(
  z
    .strictObject({
      enabled: doc(
        flag,
        "run Flink's SQL Gateway (REST endpoint, port 8083) against this cluster, with the Hive catalog when Hive is on",
      ).prefault(false),
      resources: containerResources({ cpu: "250m", memory: "1Gi" }, { cpu: "1", memory: "1Gi" }),
      ingress: ingressSchema,
    })
    .prefault({}),
  "Flink's SQL Gateway for this session cluster",
);

/** What every Flink cluster the platform runs is configured with: image, resources, Flink configuration, UI. */
const clusterFields = {
  namespace: doc(namespaceName, "namespace of the cluster; the platform namespace when unset", [
    "flink-etl",
  ]).optional(),
  version: doc(flinkVersion, "Flink minor version of this cluster; flink.version when unset", [
    "1.20",
  ]).optional(),
  image: doc(
    pinnedImage,
    "exact Flink image of this cluster; flink.image or the pinned official image when unset",
    ["flink:1.20.3-scala_2.12-java17"],
  ).optional(),
  jobManager: z
    .strictObject({
      replicas: doc(integer(1, 3), "JobManagers; more than one needs HA (standbys)").prefault(1),
      cpu: doc(cpuCores(0.1, 64), "CPU of each JobManager: cores (0.5) or a quantity ('500m')").prefault(1),
      memory: doc(flinkMemory, "memory of each JobManager pod ('2048m', '2g', '2Gi')").prefault("2048m"),
    })
    .prefault({}),
  taskManager: z
    .strictObject({
      cpu: doc(cpuCores(0.1, 64), "CPU of each TaskManager: cores (2) or a quantity ('1500m')").prefault(1),
      memory: doc(flinkMemory, "memory of each TaskManager pod").prefault("2048m"),
      slots: doc(integer(1, 64), "task slots per TaskManager (taskmanager.numberOfTaskSlots)").prefault(2),
    })
    .prefault({}),
  warmSlots: doc(
    integer(0, 1024),
    "slots kept warm even without jobs (slotmanager.number-of-slots.min); 0 starts TaskManagers on demand",
  ).prefault(0),
  flinkConfiguration: flinkConfigurationMap,
  ingress: ingressSchema,
};

export const sessionClusterSchema = z.strictObject({
  ...clusterFields,
  jobs: doc(
    z.record(z.string(), jobSchema),
    "session jobs by name (FlinkSessionJobs the operator submits to this cluster)",
  ).prefault({}),
  sqlGateway: sqlGatewaySchema,
});

/** An application deployment (`flink.applications.<name>`): a Flink cluster of its own that runs one job. */
export const applicationSchema = z.strictObject({
  ...clusterFields,
  job: doc(jobSchema, "the job the application runs"),
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

/** An application deployment's config as parsed. */
export type ApplicationConfig = z.output<typeof applicationSchema>;

/** A session cluster with every inherited value resolved. */
export interface ResolvedSessionCluster
  extends Omit<SessionClusterConfig, "namespace" | "version" | "image" | "jobs">, FlinkCluster {
  /** Its session jobs by name, upgrade modes resolved. */
  readonly jobs: Readonly<Record<string, ResolvedJob>>;
}

/** An application deployment with every inherited value resolved. */
export interface ResolvedApplication
  extends Omit<ApplicationConfig, "namespace" | "version" | "image" | "job">, FlinkCluster {
  readonly job: ResolvedJob;
}

/** What the pods of any Flink cluster are made from: session cluster or application. */
export type FlinkClusterSpecInput = Omit<ResolvedSessionCluster, "jobs" | "sqlGateway">;
