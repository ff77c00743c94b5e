/**
 * The Flink configuration of a session cluster, as pure functions: what the platform sets, which user keys it
 * refuses, and the Flink 2.x overlapping-prefix rule.
 */
import type { ResolvedSessionCluster } from "./clusterSchema";

/** Port of Flink's Prometheus reporter; the pods expose it as the container port named `metrics`. */
export const PROMETHEUS_PORT = 9249;

/**
 * Flink's own ports, fixed so that NetworkPolicies can name them: Flink binds the data port and the metric query
 * service to a random free port unless told otherwise. The RPC, blob and REST ports are Flink's usual ones.
 */
export const FLINK_PORTS = {
  rest: 8081,
  jobManagerRpc: 6123,
  blob: 6124,
  taskManagerRpc: 6122,
  /** Netty shuffle: TaskManagers exchange records on it. */
  data: 6121,
  /** Where the JobManager asks each process for the metrics the web UI shows. */
  metricsQuery: 6170,
} as const;

/** The Flink keys of `FLINK_PORTS`. */
const PORT_KEYS: Readonly<Record<keyof typeof FLINK_PORTS, string>> = {
  rest: "rest.port",
  jobManagerRpc: "jobmanager.rpc.port",
  blob: "blob.server.port",
  taskManagerRpc: "taskmanager.rpc.port",
  data: "taskmanager.data.port",
  metricsQuery: "metrics.internal.query-service.port",
};

/** Keys the operator sets itself and rejects in `flinkConfiguration` (operator `DefaultValidator`). */
const OPERATOR_FORBIDDEN_KEYS = [
  "kubernetes.namespace",
  "kubernetes.cluster-id",
  "high-availability.cluster-id",
];

/** Flink options that reference Kubernetes Secrets by name: they carry no secret value, so they are allowed. */
const SECRET_REFERENCE_KEYS = ["kubernetes.secrets", "kubernetes.env.secretKeyRef"];

/** Words that name a secret value, whatever the provider (password, token, secret, credentials...). */
const SECRET_WORDS = new Set([
  "password",
  "passwd",
  "pwd",
  "passphrase",
  "secret",
  "token",
  "credential",
  "credentials",
  "apikey",
  "jaas",
]);
/** Words that, before "key", name a secret key (access key, account key, private key...). */
const KEY_QUALIFIERS = new Set([
  "access",
  "account",
  "secret",
  "private",
  "api",
  "client",
  "master",
  "sas",
  "signing",
]);

/** The words of a key segment: split at '-', '_' and camelCase boundaries, lower-cased. */
function words(segment: string): string[] {
  return segment
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .split(/[-_\s]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
}

/**
 * Whether a Flink configuration key holds a credential: its last segment names one (`*.password`,
 * `*.secret-key`, `*.session.token`, `*.key-password`, `*.accessKeySecret`), or it carries an account key the
 * Azure way (`fs.azure.account.key.<account>...`), or JAAS configuration (which embeds passwords).
 */
export function isCredentialKey(key: string): boolean {
  if (SECRET_REFERENCE_KEYS.includes(key)) {
    return false;
  }
  const segments = key.split(".");
  const all = segments.flatMap(words);
  for (let i = 0; i + 1 < all.length; i++) {
    if (all[i] === "account" && all[i + 1] === "key") {
      return true;
    }
  }
  if (all.includes("jaas")) {
    return true;
  }
  // The leaf: the last segment, and the one before it when the last is a plain "key" (s3.access.key).
  const leaf = words(segments[segments.length - 1]);
  const previous = segments.length > 1 ? words(segments[segments.length - 2]) : [];
  const tail = leaf.length === 1 && leaf[0] === "key" ? [...previous, ...leaf] : leaf;
  if (tail.some((w) => SECRET_WORDS.has(w))) {
    return true;
  }
  for (let i = 0; i + 1 < tail.length; i++) {
    if (tail[i + 1] === "key" && KEY_QUALIFIERS.has(tail[i])) {
      return true;
    }
  }
  return false;
}

/** A key the platform sets itself, and the config key that decides its value. */
interface ManagedKey {
  readonly key: RegExp;
  readonly use: string;
}

/** Keys the platform manages, each with the config key to set instead (cluster-level keys name `<cluster>`). */
const MANAGED_KEYS: readonly ManagedKey[] = [
  { key: /^taskmanager\.numberOfTaskSlots$/, use: "flink.clusters.<cluster>.taskManager.slots" },
  { key: /^slotmanager\.number-of-slots\.min$/, use: "flink.clusters.<cluster>.warmSlots" },
  {
    key: /^kubernetes\.operator\.pod-template\./,
    use: "nothing: the platform merges pod templates by container name",
  },
  {
    key: /^metrics\.reporters?$|^metrics\.reporter\.prom\./,
    use: "monitoring.* (the platform's PodMonitors scrape the Prometheus reporter on port 9249)",
  },
  {
    key: /^(rest|jobmanager\.rpc|blob\.server|taskmanager\.rpc|taskmanager\.data|metrics\.internal\.query-service)\.port$/,
    use: "nothing: the platform fixes Flink's ports so that its NetworkPolicies can name them",
  },
  {
    key: /^execution\.checkpointing\.(interval|mode)$/,
    use: "flink.checkpoints.interval / flink.checkpoints.mode",
  },
  { key: /^(execution\.checkpointing|state\.checkpoints)\.num-retained$/, use: "flink.checkpoints.retained" },
  { key: /^state\.backend(\.type)?$/, use: "flink.checkpoints.stateBackend" },
  { key: /^(execution\.checkpointing|state\.backend)\.incremental$/, use: "flink.checkpoints.incremental" },
  {
    key: /^(execution\.checkpointing\.(dir|savepoint-dir|storage)|state\.(checkpoints\.dir|savepoints\.dir|checkpoint-storage))$/,
    use: "storage.type and storage.pathPrefix (each cluster keeps its state under <store>/<prefix>/<namespace>/<cluster>)",
  },
  {
    key: /^jobmanager\.archive\.fs\.dir$/,
    use: "storage.type (finished jobs are archived under <store>/<prefix>/<namespace>/<cluster>/completed-jobs)",
  },
  { key: /^high-availability(\.|$)/, use: "ha.type and ha.zookeeper.* (HA data goes to the durable store)" },
  { key: /^s3\.(endpoint|path\.style\.access)$/, use: "storage.s3.*" },
  { key: /^kubernetes\.hadoop\.conf\.config-map\.name$/, use: "storage.hdfs.external.configMap" },
  {
    key: /^table\.catalog-store\./,
    use: "hive.catalog.* (the platform's catalog store holds the Hive catalog)",
  },
];

/** Why a user-supplied Flink key is refused, or undefined when it is allowed. */
export function forbiddenFlinkKeyProblem(key: string): string | undefined {
  if (OPERATOR_FORBIDDEN_KEYS.includes(key)) {
    return "is set by the operator (to the namespace or the cluster name) and it rejects the deployment if you set it";
  }
  if (/[\r\n]/.test(key)) {
    return "must not contain line breaks";
  }
  if (isCredentialKey(key)) {
    return "carries a credential, and flinkConfiguration is stored in plain text (FlinkDeployment, ConfigMap); credentials come from Kubernetes Secrets";
  }
  const managed = MANAGED_KEYS.find((m) => m.key.test(key));
  if (managed) {
    return `is managed by the platform; set ${managed.use}`;
  }
  return undefined;
}

/** Pairs [shorter, longer] where `shorter` is a dotted prefix of `longer`, which Flink 2.x refuses. */
export function overlappingKeyPrefixes(keys: readonly string[]): Array<[string, string]> {
  const sorted = [...new Set(keys)].sort();
  const pairs: Array<[string, string]> = [];
  for (const shorter of sorted) {
    for (const longer of sorted) {
      if (longer.startsWith(`${shorter}.`)) {
        pairs.push([shorter, longer]);
      }
    }
  }
  return pairs;
}

/** Sort keys so that the rendered map, and with it every preview diff, is stable. */
export function sortedRecord<T>(record: Readonly<Record<string, T>>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The keys the platform sets on every session cluster itself: slots, warm pool, the Prometheus reporter, ports. */
export function platformFlinkConfiguration(
  cluster: Pick<ResolvedSessionCluster, "taskManager" | "warmSlots">,
): Record<string, string> {
  const conf: Record<string, string> = {
    "taskmanager.numberOfTaskSlots": String(cluster.taskManager.slots),
    // Merge the JobManager/TaskManager pod templates into the shared one by container name, not list position.
    "kubernetes.operator.pod-template.merge-arrays-by-name": "true",
    "metrics.reporter.prom.factory.class": "org.apache.flink.metrics.prometheus.PrometheusReporterFactory",
    "metrics.reporter.prom.port": String(PROMETHEUS_PORT),
  };
  for (const [name, key] of Object.entries(PORT_KEYS)) {
    conf[key] = String(FLINK_PORTS[name as keyof typeof FLINK_PORTS]);
  }
  if (cluster.warmSlots > 0) {
    // Native session clusters start TaskManagers on demand; this keeps enough of them for the warm slots.
    conf["slotmanager.number-of-slots.min"] = String(cluster.warmSlots);
  }
  return conf;
}

/**
 * The `flinkConfiguration` of a session cluster: the platform's own keys, then what durable state, HA and other
 * features need (`featureConfiguration`), then the user's own keys merged last. Values are strings, as the operator
 * writes them to the Flink config file anyway.
 */
export function sessionFlinkConfiguration(
  cluster: Pick<ResolvedSessionCluster, "taskManager" | "warmSlots" | "flinkConfiguration">,
  featureConfiguration: Readonly<Record<string, string>> = {},
): Record<string, string> {
  const conf = { ...platformFlinkConfiguration(cluster), ...featureConfiguration };
  for (const [key, value] of Object.entries(cluster.flinkConfiguration)) {
    conf[key] = String(value);
  }
  return sortedRecord(conf);
}
