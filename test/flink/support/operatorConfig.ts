/**
 * The Flink configuration operator 1.15.0 hands a FlinkDeployment's JobManager and TaskManagers, computed as the
 * operator computes it (read in its release source: `FlinkConfigManager.getDefaultConfig` and
 * `FlinkConfigBuilder.buildFrom`), so the real-Flink suite runs what the operator would write into the cluster's
 * `flink-config-<name>` ConfigMap, not a configuration of its own:
 * 1. the operator's default configuration (the chart's conf/flink-conf.yaml, with the platform's
 *    `defaultConfiguration` appended, as the chart's ConfigMap template does);
 * 2. over it, `kubernetes.operator.default-configuration.namespace.<ns>.*`, then every
 *    `...flink-version.vX_Y+.*` at or below the deployment's version in ascending order, then `...flink-version.vX_Y.*`
 *    of exactly that version, each with the prefix taken off (the chart's Java 17 `env.java.default-opts.all` arrives
 *    this way);
 * 3. the deployment's `flinkConfiguration`;
 * 4. what the builder derives from the spec: total process memory of JobManager and TaskManager, the defaults it sets
 *    when a key is absent (`web.cancel.enable: false`), and for an application its job settings (default
 *    parallelism, `pipeline.name`, externalized checkpoint retention, the checkpoint interval default of last-state);
 * 5. the cluster id and namespace, and the HA cluster id when HA is on.
 * Kubernetes-only keys stay in; `localConfig.ts` decides what a local process cannot use.
 */

/** A FlinkDeployment as the platform renders it (the fields that shape its configuration). */
export interface FlinkDeploymentObject {
  readonly namespace: string;
  readonly name: string;
  readonly spec: {
    readonly flinkVersion: string;
    readonly flinkConfiguration?: Readonly<Record<string, string>>;
    readonly jobManager?: {
      readonly resource?: { readonly memory?: string; readonly cpu?: number };
      readonly replicas?: number;
    };
    readonly taskManager?: {
      readonly resource?: { readonly memory?: string; readonly cpu?: number };
      readonly replicas?: number;
    };
    readonly job?: {
      readonly jarURI?: string;
      readonly entryClass?: string;
      readonly args?: readonly string[];
      readonly parallelism?: number;
      readonly upgradeMode?: string;
      readonly allowNonRestoredState?: boolean;
    };
  };
}

const DEFAULT_CONF_PREFIX = "kubernetes.operator.default-configuration.";
const VERSION_PREFIX = `${DEFAULT_CONF_PREFIX}flink-version.`;

/** Flat `key: value` lines of a flink-conf.yaml (comments and blank lines skipped), later keys winning. */
export function parseFlatFlinkConf(text: string): Record<string, string> {
  const conf: Record<string, string> = {};
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) {
      continue;
    }
    const colon = line.indexOf(": ");
    if (colon < 0) {
      throw new Error(`not a flat flink-conf line: ${line}`);
    }
    conf[line.slice(0, colon).trim()] = line.slice(colon + 2).trim();
  }
  return conf;
}

/** "v1_20" to [1, 20]. */
function versionNumbers(version: string): [number, number] {
  const match = /^v(\d+)_(\d+)$/.exec(version);
  if (!match) {
    throw new Error(`not an operator Flink version: ${version}`);
  }
  return [Number(match[1]), Number(match[2])];
}

function atOrBelow(a: [number, number], b: [number, number]): boolean {
  return a[0] < b[0] || (a[0] === b[0] && a[1] <= b[1]);
}

/** Step 2: the operator's defaults for one namespace and Flink version. */
export function operatorDefaults(
  operatorConf: Readonly<Record<string, string>>,
  namespace: string,
  flinkVersion: string,
): Record<string, string> {
  const conf: Record<string, string> = { ...operatorConf };
  const applyPrefix = (prefix: string) => {
    for (const [key, value] of Object.entries(operatorConf)) {
      if (key.startsWith(prefix)) {
        conf[key.slice(prefix.length)] = value;
      }
    }
  };
  applyPrefix(`${DEFAULT_CONF_PREFIX}namespace.${namespace}.`);
  const own = versionNumbers(flinkVersion);
  const plusVersions = new Map<string, [number, number]>();
  for (const key of Object.keys(operatorConf)) {
    const match = /^kubernetes\.operator\.default-configuration\.flink-version\.(v\d+_\d+)\+\./.exec(key);
    if (match && atOrBelow(versionNumbers(match[1]), own)) {
      plusVersions.set(match[1], versionNumbers(match[1]));
    }
  }
  const ascending = [...plusVersions.entries()].sort(([, a], [, b]) => (atOrBelow(a, b) ? -1 : 1));
  for (const [version] of ascending) {
    applyPrefix(`${VERSION_PREFIX}${version}+.`);
  }
  applyPrefix(`${VERSION_PREFIX}${flinkVersion}.`);
  return conf;
}

const MEMORY_UNITS: ReadonlyArray<[string, number]> = [
  ["tb", 1024 ** 4],
  ["gb", 1024 ** 3],
  ["mb", 1024 ** 2],
  ["kb", 1024],
];

/**
 * A memory size as the operator writes it: Flink's `MemorySize.parse(...).toString()` (the largest unit that divides
 * the size, "2048m" is "2 gb"), or a Kubernetes quantity ("2Gi") in bytes when Flink's parser refuses it.
 */
export function operatorMemory(memory: string): string {
  const flink = /^(\d+)\s*(b|bytes|k|kb|kibibytes|m|mb|mebibytes|g|gb|gibibytes|t|tb|tebibytes)?$/i.exec(
    memory.trim(),
  );
  let bytes: number;
  if (flink) {
    const unit = (flink[2] ?? "b").toLowerCase()[0];
    const factor = { b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 }[unit]!;
    bytes = Number(flink[1]) * factor;
  } else {
    const k8s = /^(\d+)(Ki|Mi|Gi|Ti|K|M|G|T)$/.exec(memory.replace(/\s/g, ""));
    if (!k8s) {
      throw new Error(`memory the operator would refuse: ${memory}`);
    }
    const factors: Record<string, number> = {
      Ki: 1024,
      Mi: 1024 ** 2,
      Gi: 1024 ** 3,
      Ti: 1024 ** 4,
      K: 1e3,
      M: 1e6,
      G: 1e9,
      T: 1e12,
    };
    return String(Number(k8s[1]) * factors[k8s[2]]);
  }
  for (const [unit, factor] of MEMORY_UNITS) {
    if (bytes % factor === 0) {
      return `${bytes / factor} ${unit}`;
    }
  }
  return `${bytes} bytes`;
}

/** Steps 1-5 for one deployment. */
export function operatorEffectiveConfiguration(
  operatorConf: Readonly<Record<string, string>>,
  deployment: FlinkDeploymentObject,
): Record<string, string> {
  const { spec } = deployment;
  const conf = operatorDefaults(operatorConf, deployment.namespace, spec.flinkVersion);
  Object.assign(conf, spec.flinkConfiguration ?? {});
  const setDefault = (key: string, value: string) => {
    if (!(key in conf)) {
      conf[key] = value;
    }
  };
  setDefault("kubernetes.rest-service.exposed.type", "ClusterIP");
  setDefault("web.cancel.enable", "false");
  if (spec.jobManager?.resource?.memory) {
    conf["jobmanager.memory.process.size"] = operatorMemory(spec.jobManager.resource.memory);
  }
  if (spec.taskManager?.resource?.memory) {
    conf["taskmanager.memory.process.size"] = operatorMemory(spec.taskManager.resource.memory);
  }
  const job = spec.job;
  if (job) {
    conf["execution.target"] = "kubernetes-application";
    if (job.jarURI) {
      conf["pipeline.jars"] = job.jarURI;
    }
    const slots = Number(conf["taskmanager.numberOfTaskSlots"] ?? "1");
    conf["parallelism.default"] = String(
      spec.taskManager?.replicas ? spec.taskManager.replicas * slots : (job.parallelism ?? 1),
    );
    conf["execution.shutdown-on-application-finish"] = "false";
    setDefault("execution.submit-failed-job-on-application-error", "true");
    setDefault("pipeline.name", deployment.name);
    if (job.upgradeMode === "last-state") {
      setDefault("execution.checkpointing.interval", "5 min");
    }
    setDefault("execution.checkpointing.externalized-checkpoint-retention", "RETAIN_ON_CANCELLATION");
    if (job.allowNonRestoredState !== undefined) {
      conf["execution.savepoint.ignore-unclaimed-state"] = String(job.allowNonRestoredState);
    }
    if (job.entryClass) {
      conf["$internal.application.main"] = job.entryClass;
    }
    if (job.args && job.args.length > 0) {
      conf["$internal.application.program-args"] = job.args.join(";");
    }
  } else {
    conf["execution.target"] = "kubernetes-session";
  }
  conf["kubernetes.namespace"] = deployment.namespace;
  conf["kubernetes.cluster-id"] = deployment.name;
  const ha = conf["high-availability.type"] ?? conf["high-availability"];
  if (ha && ha.toUpperCase() !== "NONE") {
    conf["high-availability.cluster-id"] = deployment.name;
  }
  return conf;
}
