/**
 * How a Flink cluster uses durable state and HA: the Flink configuration keys for its version, and what its pods
 * need (credentials from Secrets, filesystem plugins, Hadoop classes and configuration). Pure functions.
 *
 * Which keys a cluster gets follows from the kinds of store and HA alone (`stateFlinkKeys`), so validation can check
 * them before any store exists; their values follow from the connections the state component hands over.
 */
import { emptyAdditions, PodAdditions } from "../kube/podAdditions";
import { secretEnv } from "../kube/secrets";
import type { DurableStore, HaSettings, S3Connection } from "../state/connections";
import { HADOOP_CLIENT_JARS } from "../state/hadoopJars";
import type { FlinkCluster } from "./clusterSchema";
import { FLINK_RELEASES, FlinkRelease } from "./versions";

/** Checkpointing of every cluster (the `flink.checkpoints` config key). */
export interface CheckpointSettings {
  /** Interval between checkpoints, a Flink duration such as "60 s". */
  readonly interval: string;
  readonly mode: "EXACTLY_ONCE" | "AT_LEAST_ONCE";
  /** Completed checkpoints kept. */
  readonly retained: number;
  readonly stateBackend: "hashmap" | "rocksdb";
  /** Incremental checkpoints (RocksDB only). */
  readonly incremental: boolean;
}

/** The checkpoint keys of a Flink version: 1.20 renamed them (FLINK-34482); 2.x only knows the new names. */
export function checkpointKeys(release: FlinkRelease) {
  const renamed = release.major === 2 || release.minor === "1.20";
  return renamed
    ? {
        dir: "execution.checkpointing.dir",
        savepointDir: "execution.checkpointing.savepoint-dir",
        storage: "execution.checkpointing.storage",
        retained: "execution.checkpointing.num-retained",
        incremental: "execution.checkpointing.incremental",
      }
    : {
        dir: "state.checkpoints.dir",
        savepointDir: "state.savepoints.dir",
        storage: "state.checkpoint-storage",
        retained: "state.checkpoints.num-retained",
        incremental: "state.backend.incremental",
      };
}

/**
 * What happens to a job's checkpoints when it is cancelled: one key on every supported version (by reflection:
 * `ExecutionCheckpointingOptions.EXTERNALIZED_CHECKPOINT` on 1.19.3, `CheckpointingOptions
 * .EXTERNALIZED_CHECKPOINT_RETENTION` on 1.20.4, 2.0.2, 2.1.2 and 2.2.1). Its default, NO_EXTERNALIZED_CHECKPOINTS,
 * deletes them with the job. The operator sets RETAIN_ON_CANCELLATION for the jobs it submits (applications and
 * FlinkSessionJobs, FlinkConfigBuilder.applyJobConfig), not as a session cluster's default for other jobs.
 */
export const CHECKPOINT_RETENTION_KEY = "execution.checkpointing.externalized-checkpoint-retention";

/** What decides which keys durable state sets: the kinds of store and HA, incremental checkpoints, retention. */
export interface StateShape {
  readonly store: "none" | DurableStore["kind"];
  readonly ha: HaSettings["type"];
  readonly incremental: boolean;
  /** Whether cancelled jobs keep their checkpoints: with a durable store, unless the stack allows data loss. */
  readonly retainCheckpoints: boolean;
}

/** Whether cancelled jobs keep their checkpoints: only a durable store can keep them, and only data loss drops them. */
export function retainsCheckpoints(store: StateShape["store"], allowDataLoss: boolean): boolean {
  return store !== "none" && !allowDataLoss;
}

/** The settings durable state puts into a cluster's Flink configuration. */
type StateSetting =
  | "interval"
  | "mode"
  | "retained"
  | "backend"
  | "incremental"
  | "storage"
  | "checkpointDir"
  | "savepointDir"
  | "retention"
  | "archiveDir"
  | "haType"
  | "haStorageDir"
  | "zookeeperQuorum"
  | "zookeeperRoot"
  | "s3Endpoint"
  | "s3PathStyleAccess"
  | "hadoopConfigMap";

/**
 * The settings a job is compiled with: its checkpointing, state backend, checkpoint storage and directories, and what
 * happens to its checkpoints on cancel. A process that builds job graphs itself (the SQL Gateway) must carry them for
 * its jobs to run like the cluster's own; the rest (archive, HA, S3 endpoint, Hadoop configuration) configure the
 * cluster's processes.
 */
const JOB_SETTINGS: ReadonlySet<StateSetting> = new Set<StateSetting>([
  "interval",
  "mode",
  "retained",
  "backend",
  "incremental",
  "storage",
  "checkpointDir",
  "savepointDir",
  "retention",
]);

/** The Flink keys durable state sets for a release and shape, by the setting each one holds. */
export function stateFlinkKeys(
  release: FlinkRelease,
  shape: StateShape,
): Partial<Record<StateSetting, string>> {
  const keys = checkpointKeys(release);
  const result: Partial<Record<StateSetting, string>> = {
    interval: "execution.checkpointing.interval",
    mode: "execution.checkpointing.mode",
    retained: keys.retained,
    backend: "state.backend.type",
    ...(shape.incremental ? { incremental: keys.incremental } : {}),
  };
  if (shape.store === "none") {
    return result;
  }
  Object.assign(result, {
    storage: keys.storage,
    checkpointDir: keys.dir,
    savepointDir: keys.savepointDir,
    ...(shape.retainCheckpoints ? { retention: CHECKPOINT_RETENTION_KEY } : {}),
    archiveDir: ARCHIVE_DIR_KEY,
  });
  if (shape.ha !== "off") {
    Object.assign(result, { haType: "high-availability.type", haStorageDir: "high-availability.storageDir" });
  }
  if (shape.ha === "zookeeper") {
    Object.assign(result, {
      zookeeperQuorum: "high-availability.zookeeper.quorum",
      zookeeperRoot: "high-availability.zookeeper.path.root",
    });
  }
  if (shape.store === "s3") {
    Object.assign(result, { s3Endpoint: "s3.endpoint", s3PathStyleAccess: "s3.path.style.access" });
  } else {
    // Flink mounts this ConfigMap at /opt/hadoop/conf and points HADOOP_CONF_DIR at it.
    result.hadoopConfigMap = "kubernetes.hadoop.conf.config-map.name";
  }
  return result;
}

/** Where a JobManager archives each finished job, for the history server. */
export const ARCHIVE_DIR_KEY = "jobmanager.archive.fs.dir";

/** Where one cluster archives its finished jobs: `completed-jobs` in its state folder. */
export function archiveUri(
  store: DurableStore,
  pathPrefix: string,
  cluster: Pick<FlinkCluster, "name" | "namespace">,
): string {
  return `${clusterStateUri(store, pathPrefix, cluster)}/completed-jobs`;
}

/** Where one cluster keeps its state: `<store>/<prefix>/<namespace>/<cluster>`. */
export function clusterStateUri(
  store: DurableStore,
  pathPrefix: string,
  cluster: Pick<FlinkCluster, "name" | "namespace">,
): string {
  // The presto S3 filesystem (s3p://) is the one Flink recommends for checkpoints.
  const root = store.kind === "s3" ? `s3p://${store.bucket}` : store.defaultFS;
  return `${root}/${pathPrefix}/${cluster.namespace}/${cluster.name}`;
}

/**
 * The one S3 filesystem plugin of every Flink process the platform runs (clusters, applications, SQL Gateway, history
 * server), from the official image's opt/ folder by its exact jar name: presto alone.
 * - Every path the platform gives Flink is s3p:// (checkpoints, savepoints, HA data, archives, and so the state
 *   running stacks already have), and only the presto plugin serves s3p://.
 * - Two plugins both claim s3://, and each brings an S3 delegation token provider: the JobManager then warns
 *   "Multiple providers loaded with the same prefix: s3" (seen on a real 1.20.4 JobManager; presto alone: silent).
 * - The Hive warehouse's s3a:// is read and written by Hive's own Hadoop classes on the classpath (the connector's
 *   HadoopFileSystemFactory, the MapReduce writer by default, hadoop-aws from the image), which never see Flink's
 *   plugins. The history server only reads archives, at s3p://.
 * What goes: Flink's own s3a://, and s3:// with a recoverable writer (FileSink, the filesystem SQL connector in
 * streaming mode), which only the hadoop plugin has; such jobs need an image with it in plugins/.
 */
export function s3PluginJar(release: FlinkRelease): string {
  return `flink-s3-fs-presto-${release.patch}.jar`;
}

/**
 * What a Flink process needs in its environment to use an S3 store: the S3 filesystem plugin enabled by its exact
 * jar name, and the credentials from their Secret. No keys in the configuration: the plugin then uses the AWS default
 * credential chain (presto 0.272's), which reads AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY.
 */
export function s3ClientEnv(store: S3Connection, release: FlinkRelease) {
  return [
    { name: "ENABLE_BUILT_IN_PLUGINS", value: s3PluginJar(release) },
    secretEnv("AWS_ACCESS_KEY_ID", store.accessKey),
    secretEnv("AWS_SECRET_ACCESS_KEY", store.secretKey),
  ];
}

/** What a cluster's state settings are made from: checkpointing, and the store and HA the platform provides. */
export interface StateInputs {
  readonly checkpoints: CheckpointSettings;
  /** The durable store; undefined without durable state. */
  readonly store?: DurableStore;
  /** Path prefix inside the store (`storage.pathPrefix`). */
  readonly pathPrefix: string;
  readonly ha: HaSettings;
  /**
   * `platform.allowDataLoss`: cancelled jobs then lose their checkpoints, as is Flink's default. Default false:
   * with a durable store, every job keeps its last checkpoints when it is cancelled.
   */
  readonly allowDataLoss?: boolean;
}

/** The shape of some state inputs. */
export function stateShape(inputs: StateInputs): StateShape {
  const store = inputs.store?.kind ?? "none";
  return {
    store,
    ha: inputs.ha.type,
    incremental: inputs.checkpoints.incremental,
    retainCheckpoints: retainsCheckpoints(store, inputs.allowDataLoss ?? false),
  };
}

/** The value of every setting the inputs can fill. */
function stateValues(
  cluster: Pick<FlinkCluster, "name" | "namespace">,
  inputs: StateInputs,
): Partial<Record<StateSetting, string>> {
  const { checkpoints, store, ha } = inputs;
  const values: Partial<Record<StateSetting, string>> = {
    interval: checkpoints.interval,
    mode: checkpoints.mode,
    retained: String(checkpoints.retained),
    backend: checkpoints.stateBackend,
    incremental: "true",
    haType: ha.type,
  };
  if (store) {
    const base = clusterStateUri(store, inputs.pathPrefix, cluster);
    Object.assign(values, {
      storage: "filesystem",
      checkpointDir: `${base}/checkpoints`,
      savepointDir: `${base}/savepoints`,
      retention: "RETAIN_ON_CANCELLATION",
      archiveDir: archiveUri(store, inputs.pathPrefix, cluster),
      haStorageDir: `${base}/ha`,
    });
    if (store.kind === "s3") {
      Object.assign(values, { s3Endpoint: store.endpoint, s3PathStyleAccess: String(store.pathStyleAccess) });
    } else {
      values.hadoopConfigMap = store.configMap;
    }
  }
  if (ha.type === "zookeeper") {
    values.zookeeperQuorum = ha.quorum;
    values.zookeeperRoot = `${ha.rootPath}/${cluster.namespace}/${cluster.name}`;
  }
  return values;
}

/** The Flink configuration of the settings `wanted` takes, keys as the cluster's version names them. */
function stateConfiguration(
  cluster: Pick<FlinkCluster, "name" | "namespace" | "version">,
  inputs: StateInputs,
  wanted: (setting: StateSetting) => boolean,
): Record<string, string> {
  const release = FLINK_RELEASES[cluster.version];
  const values = stateValues(cluster, inputs);
  const conf: Record<string, string> = {};
  for (const [setting, key] of Object.entries(stateFlinkKeys(release, stateShape(inputs)))) {
    if (!wanted(setting as StateSetting)) {
      continue;
    }
    const value = values[setting as StateSetting];
    if (value === undefined) {
      throw new Error(`no value for the Flink key ${key} of cluster ${cluster.namespace}/${cluster.name}`);
    }
    conf[key] = value;
  }
  return conf;
}

/** The part of a cluster's state configuration that its jobs are compiled with (JOB_SETTINGS). */
export function jobStateConfiguration(
  cluster: Pick<FlinkCluster, "name" | "namespace" | "version">,
  inputs: StateInputs,
): Record<string, string> {
  return stateConfiguration(cluster, inputs, (setting) => JOB_SETTINGS.has(setting));
}

/**
 * Flink configuration and pod additions for checkpoints, savepoints and HA of one cluster. Credentials are only
 * referenced (secretKeyRef), never copied into the configuration.
 */
export function stateSettings(
  cluster: Pick<FlinkCluster, "name" | "namespace" | "version">,
  inputs: StateInputs,
): PodAdditions {
  const release = FLINK_RELEASES[cluster.version];
  const settings = emptyAdditions();
  Object.assign(
    settings.flinkConfiguration,
    stateConfiguration(cluster, inputs, () => true),
  );
  const store = inputs.store;
  if (store?.kind === "s3") {
    settings.env.push(...s3ClientEnv(store, release));
  } else if (store?.kind === "hdfs") {
    // The images ship no Hadoop classes; HDFS as user `flink`, which owns the managed base directory.
    settings.classpathJars.push(...HADOOP_CLIENT_JARS);
    settings.env.push({ name: "HADOOP_USER_NAME", value: "flink" });
  }
  return settings;
}
