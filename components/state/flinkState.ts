/**
 * How a session cluster uses durable state and HA: Flink configuration keys for its version, and what its pods
 * need (credentials from Secrets, filesystem plugins, Hadoop classes and configuration). Pure functions.
 */
import type { ResolvedSessionCluster } from "../config";
import { FLINK_RELEASES, FlinkRelease } from "../flinkVersions";
import { DurableStore, HaSettings } from "./connections";
import { emptyAdditions, PodAdditions } from "../podAdditions";
import { HADOOP_CLIENT_JARS } from "./hadoopJars";

export interface CheckpointSettings {
  readonly interval: string;
  readonly mode: "EXACTLY_ONCE" | "AT_LEAST_ONCE";
  readonly retained: number;
  readonly stateBackend: "hashmap" | "rocksdb";
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

/** Where one cluster keeps its state: `<store>/<prefix>/<namespace>/<cluster>`. */
export function clusterStateUri(
  store: DurableStore,
  pathPrefix: string,
  cluster: Pick<ResolvedSessionCluster, "name" | "namespace">,
): string {
  // The presto S3 filesystem (s3p://) is the one Flink recommends for checkpoints.
  const root = store.kind === "s3" ? `s3p://${store.bucket}` : store.defaultFS;
  return `${root}/${pathPrefix}/${cluster.namespace}/${cluster.name}`;
}

/** The S3 filesystem plugins shipped in the official image's opt/ folder, named after the exact Flink version. */
export function s3PluginJars(release: FlinkRelease): string[] {
  return [`flink-s3-fs-presto-${release.patch}.jar`, `flink-s3-fs-hadoop-${release.patch}.jar`];
}

export interface StateInputs {
  readonly checkpoints: CheckpointSettings;
  readonly store?: DurableStore;
  readonly pathPrefix: string;
  readonly ha: HaSettings;
}

/**
 * Flink configuration and pod additions for checkpoints, savepoints and HA of one cluster. Credentials are only
 * referenced (secretKeyRef), never copied into the configuration.
 */
export function stateSettings(cluster: ResolvedSessionCluster, inputs: StateInputs): PodAdditions {
  const release = FLINK_RELEASES[cluster.version];
  const keys = checkpointKeys(release);
  const { checkpoints, store, ha } = inputs;
  const settings = emptyAdditions();
  const conf = settings.flinkConfiguration;
  Object.assign(conf, {
    "execution.checkpointing.interval": checkpoints.interval,
    "execution.checkpointing.mode": checkpoints.mode,
    [keys.retained]: String(checkpoints.retained),
    "state.backend.type": checkpoints.stateBackend,
  });
  if (checkpoints.incremental) {
    conf[keys.incremental] = "true";
  }
  if (!store) {
    return settings;
  }

  const base = clusterStateUri(store, inputs.pathPrefix, cluster);
  conf[keys.storage] = "filesystem";
  conf[keys.dir] = `${base}/checkpoints`;
  conf[keys.savepointDir] = `${base}/savepoints`;
  if (ha.type !== "off") {
    conf["high-availability.type"] = ha.type;
    conf["high-availability.storageDir"] = `${base}/ha`;
  }
  if (ha.type === "zookeeper") {
    conf["high-availability.zookeeper.quorum"] = ha.quorum;
    conf["high-availability.zookeeper.path.root"] = `${ha.rootPath}/${cluster.namespace}/${cluster.name}`;
  }

  if (store.kind === "s3") {
    conf["s3.endpoint"] = store.endpoint;
    conf["s3.path.style.access"] = String(store.pathStyleAccess);
    // No keys in the configuration: both plugins then use the AWS default credential chain, which reads
    // AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY (presto 0.272's chain and S3A's EnvironmentVariableCredentialsProvider).
    settings.env.push(
      { name: "ENABLE_BUILT_IN_PLUGINS", value: s3PluginJars(release).join(";") },
      { name: "AWS_ACCESS_KEY_ID", valueFrom: { secretKeyRef: { ...store.accessKey } } },
      { name: "AWS_SECRET_ACCESS_KEY", valueFrom: { secretKeyRef: { ...store.secretKey } } },
    );
  } else {
    // Flink mounts this ConfigMap at /opt/hadoop/conf and points HADOOP_CONF_DIR at it.
    conf["kubernetes.hadoop.conf.config-map.name"] = store.configMap;
    // The images ship no Hadoop classes; HDFS as user `flink`, which owns the managed base directory.
    settings.classpathJars.push(...HADOOP_CLIENT_JARS);
    settings.env.push({ name: "HADOOP_USER_NAME", value: "flink" });
  }
  return settings;
}

/**
 * State inputs with placeholder endpoints, for validation: the keys a cluster will get depend only on the kinds of
 * store and HA, which the config already says.
 */
export function placeholderStateInputs(parsed: {
  storage: { type: "none" | "s3" | "hdfs"; pathPrefix: string };
  ha: { type: "off" | "kubernetes" | "zookeeper" };
  flink: { checkpoints: CheckpointSettings };
}): StateInputs {
  const secretRef = { name: "placeholder", key: "placeholder" };
  const store: DurableStore | undefined =
    parsed.storage.type === "s3"
      ? {
          kind: "s3",
          endpoint: "http://s3",
          bucket: "b",
          pathStyleAccess: true,
          accessKey: secretRef,
          secretKey: secretRef,
        }
      : parsed.storage.type === "hdfs"
        ? { kind: "hdfs", defaultFS: "hdfs://nn:8020", configMap: "placeholder" }
        : undefined;
  const ha: HaSettings =
    parsed.ha.type === "zookeeper"
      ? { type: "zookeeper", quorum: "zk:2181", rootPath: "/flink" }
      : { type: parsed.ha.type };
  return {
    checkpoints: parsed.flink.checkpoints,
    store,
    pathPrefix: parsed.storage.pathPrefix,
    ha,
  };
}
