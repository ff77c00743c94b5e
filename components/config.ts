/**
 * Stack configuration: one structured object per area, validated once into a typed, frozen value.
 *
 * Every key has its default here (mocks and the Automation API do not apply Pulumi.yaml defaults); Pulumi.yaml
 * repeats them for `pulumi config` users and a unit test keeps the two equal. Validation never stops at the first
 * problem: the schema pass and the cross-field checks both run, and one `pulumi.RunError` lists everything by its
 * config path, before any resource is registered.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import {
  DEFAULT_FLINK_VERSION,
  defaultFlinkImage,
  FLINK_RELEASES,
  flinkVersionProblem,
} from "./flinkVersions";
import {
  forbiddenFlinkKeyProblem,
  overlappingKeyPrefixes,
  sessionFlinkConfiguration,
} from "./flinkConfiguration";
import {
  clusterName,
  ConfigProblem,
  containerResources,
  dnsLabel,
  flinkMemory,
  ingressSchema,
  pinnedImage,
} from "./configPrimitives";
import {
  checkpointsSchema,
  haSchema,
  S3_SECRET_CONFIG_KEYS,
  stateProblems,
  storageSchema,
} from "./state/config";
import { placeholderStateInputs, stateSettings } from "./state/flinkState";
import { hiveProblems, hiveSchema } from "./hive/config";
import { monitoringSchema } from "./monitoring/config";
import { MYSQL_SECRET_CONFIG_KEYS, mysqlChecks, mysqlConfigSchema } from "./mysql/config";
import { streamParkChecks, streamParkConfigSchema } from "./streampark/config";

/** The Pulumi project name; config keys are `flink-platform:<area>`. */
export const PROJECT = "flink-platform";

/** Flink configuration as users write it: flat keys, scalar values (the operator stringifies them anyway). */
const flinkConfigurationMap = z
  .record(z.string().min(1), z.union([z.string(), z.number(), z.boolean()]))
  .prefault({});

const sessionClusterSchema = z.strictObject({
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

export const configSchema = z.strictObject({
  platform: z
    .strictObject({
      /** Namespace of the operator and the default namespace of everything else. */
      namespace: dnsLabel(63).prefault("flink"),
      /** Create the namespaces the platform uses; false expects them to exist. */
      createNamespaces: z.boolean().prefault(true),
      /**
       * Allow `pulumi destroy` and turning parts off to delete data (namespaces, PVCs, CRDs). Off, they are left in
       * the cluster when Pulumi forgets them.
       */
      allowDataLoss: z.boolean().prefault(false),
      /** Where init containers fetch the jars the upstream images lack (each checked against a pinned SHA-256). */
      artifacts: z
        .strictObject({
          /** Maven repository URL; point it at a mirror in air-gapped clusters. */
          mavenRepository: z.url({ protocol: /^https?$/ }).prefault("https://repo1.maven.org/maven2"),
          /** Image of the fetching init containers (needs sh, curl and sha256sum). */
          fetcherImage: pinnedImage.prefault("curlimages/curl:8.11.1"),
          /** False when the Flink images already carry every jar a feature needs (in lib/); nothing is fetched. */
          fetchJars: z.boolean().prefault(true),
        })
        .prefault({}),
    })
    .prefault({}),
  kubernetes: z
    .strictObject({
      /** Path to a kubeconfig file, or its contents; the ambient configuration when unset. */
      kubeconfig: z.string().optional(),
      /** kubeconfig context; the current context when unset. */
      context: z.string().optional(),
      /** Write manifests to this directory instead of applying them (GitOps); no cluster is contacted. */
      renderYamlToDirectory: z.string().optional(),
    })
    .prefault({}),
  operator: z
    .strictObject({
      /** Install the operator; false uses one that is already installed (it must watch the platform's namespaces). */
      install: z.boolean().prefault(true),
      /** Where the chart comes from: a Helm repository URL (default: the Apache archive) or a local chart. */
      chart: z
        .strictObject({
          /** Helm repository holding chart version 1.15.0; the archive keeps old releases at a stable URL. */
          repository: z
            .url({ protocol: /^(https?|oci)$/ })
            .prefault("https://archive.apache.org/dist/flink/flink-kubernetes-operator-1.15.0/"),
          /** A local chart directory or .tgz; wins over `repository` (air-gapped installs, tests). */
          path: z.string().min(1).optional(),
        })
        .prefault({}),
      image: pinnedImage.prefault("apache/flink-kubernetes-operator:1.15.0"),
      /** The validating/mutating admission webhook; needs cert-manager in the cluster. */
      webhook: z.boolean().prefault(false),
      /** Whether cert-manager is installed (the webhook's certificates come from it). */
      certManager: z.boolean().prefault(false),
      resources: containerResources({ cpu: "250m", memory: "512Mi" }, { cpu: "1", memory: "1Gi" }),
    })
    .prefault({}),
  flink: z
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
    .prefault({}),
  storage: storageSchema,
  ha: haSchema,
  /** Flink on Hive: metastore, warehouse, catalog (components/hive). */
  hive: hiveSchema,
  /** PodMonitors, alert rules and Grafana dashboards (components/monitoring). */
  monitoring: monitoringSchema.prefault({}),
  mysql: mysqlConfigSchema,
  streampark: streamParkConfigSchema,
});

/** The raw, parsed configuration (defaults applied, before cross-field checks). */
export type PlatformConfigInput = z.input<typeof configSchema>;
type Parsed = z.output<typeof configSchema>;
/** The parsed configuration with defaults applied, before cross-field checks. */
export type ParsedConfig = Parsed;
export type SessionClusterConfig = Parsed["flink"]["clusters"][string];

/** A session cluster with every inherited value resolved. */
export interface ResolvedSessionCluster extends Omit<
  SessionClusterConfig,
  "namespace" | "version" | "image"
> {
  readonly name: string;
  readonly namespace: string;
  readonly version: string;
  readonly image: string;
}

/** The validated configuration the program builds from. Deeply frozen. */
export type PlatformConfig = Readonly<Omit<Parsed, "flink">> & {
  readonly flink: Readonly<Omit<Parsed["flink"], "clusters">> & {
    readonly clusters: readonly ResolvedSessionCluster[];
  };
  /** Every namespace the platform places something in, platform namespace first. */
  readonly namespaces: readonly string[];
};

export type { ConfigProblem };

/** Raised for invalid configuration; the message lists every problem. */
export class ConfigError extends pulumi.RunError {
  constructor(public readonly problems: readonly ConfigProblem[]) {
    super(
      `Invalid stack configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
        problems.map((p) => `  - ${PROJECT}:${p.path}: ${p.message}`).join("\n"),
    );
  }
}

const AREAS = Object.keys(configSchema.shape);

function formatPath(path: readonly PropertyKey[]): string {
  return path.map(String).join(".");
}

/** Flatten zod's issues into config problems, naming unknown keys one by one. */
function schemaProblems(issues: readonly z.core.$ZodIssue[]): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const issue of issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        problems.push({
          path: formatPath([...issue.path, key]),
          message: "unknown key (check its spelling and place)",
        });
      }
    } else if (issue.code === "invalid_key") {
      const reasons = issue.issues.map((i) => i.message).join("; ");
      problems.push({ path: formatPath(issue.path), message: `invalid name: ${reasons}` });
    } else {
      problems.push({ path: formatPath(issue.path), message: issue.message });
    }
  }
  return problems;
}

/** Resolve each cluster's inherited values. */
function resolveClusters(parsed: Parsed): ResolvedSessionCluster[] {
  return Object.entries(parsed.flink.clusters).map(([name, cluster]) => {
    const version = cluster.version ?? parsed.flink.version;
    const release = FLINK_RELEASES[version];
    const image = cluster.image ?? (cluster.version === undefined ? parsed.flink.image : undefined);
    return {
      ...cluster,
      name,
      namespace: cluster.namespace ?? parsed.platform.namespace,
      version,
      image: image ?? (release ? defaultFlinkImage(release) : ""),
    };
  });
}

/** A check across keys of one or more areas; returns its problems by path. */
export type CrossCheck = (
  parsed: ParsedConfig,
  clusters: readonly ResolvedSessionCluster[],
  context: ConfigContext,
) => ConfigProblem[];

/** What validation may know beyond the config objects: which secret config keys are set (never their values). */
export interface ConfigContext {
  readonly secretConfigKeys: ReadonlySet<string>;
  /** Secret config keys that are set but stored in plain text. */
  readonly plainSecretConfigKeys?: ReadonlySet<string>;
}

/** Top-level config keys that hold credentials; they must be set with `pulumi config set --secret`. */
export const SECRET_CONFIG_KEYS: readonly string[] = [
  ...Object.values(S3_SECRET_CONFIG_KEYS),
  ...Object.values(MYSQL_SECRET_CONFIG_KEYS),
];

/**
 * Checks that areas beyond the foundation contribute (each area module exports its own). They run with the
 * foundation's checks, so one error still lists everything.
 */
const AREA_CHECKS: readonly CrossCheck[] = [stateProblems, mysqlChecks, streamParkChecks, hiveProblems];

/** Checks that need more than one key; each returns problems by path. */
function crossFieldProblems(
  parsed: Parsed,
  clusters: readonly ResolvedSessionCluster[],
  context: ConfigContext,
): ConfigProblem[] {
  const problems: ConfigProblem[] = AREA_CHECKS.flatMap((check) => check(parsed, clusters, context));
  for (const key of context.plainSecretConfigKeys ?? []) {
    problems.push({
      path: key,
      message: `holds a credential; set it with \`pulumi config set --secret ${key} ...\``,
    });
  }
  const versionProblem = flinkVersionProblem(parsed.flink.version);
  if (versionProblem) {
    problems.push({ path: "flink.version", message: versionProblem });
  }
  if (parsed.operator.webhook && !parsed.operator.certManager) {
    problems.push({
      path: "operator.webhook",
      message:
        "the admission webhook needs cert-manager for its certificate; install cert-manager and set operator.certManager: true, or set operator.webhook: false",
    });
  }
  if (Object.keys(parsed.flink.clusters).length === 0) {
    problems.push({ path: "flink.clusters", message: "declare at least one session cluster" });
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
    const release = FLINK_RELEASES[cluster.version];
    if (release?.major === 2) {
      // Flink 2.x reads standard YAML and rejects a key that is also the prefix of another key.
      const stateConf = stateSettings(cluster, placeholderStateInputs(parsed)).flinkConfiguration;
      const keys = Object.keys(sessionFlinkConfiguration(cluster, stateConf));
      for (const [shorter, longer] of overlappingKeyPrefixes(keys)) {
        const userKey = cluster.flinkConfiguration[shorter] !== undefined ? shorter : longer;
        problems.push({
          path: `${at}.flinkConfiguration.${userKey}`,
          message: `Flink ${cluster.version} rejects '${shorter}' next to '${longer}' (overlapping key prefixes); use the non-deprecated key`,
        });
      }
    }
  }
  return problems;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) {
      deepFreeze(child);
    }
  }
  return value;
}

/**
 * Validate raw configuration (area name to value) into a `PlatformConfig`. Pure: throws `ConfigError` listing every
 * problem, never registers anything.
 */
export function parseConfig(
  raw: Readonly<Record<string, unknown>>,
  context: ConfigContext = { secretConfigKeys: new Set() },
): PlatformConfig {
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    throw new ConfigError(schemaProblems(result.error.issues));
  }
  const parsed = result.data;
  const clusters = resolveClusters(parsed);
  const problems = crossFieldProblems(parsed, clusters, context);
  if (problems.length > 0) {
    throw new ConfigError(problems);
  }
  const namespaces = [...new Set([parsed.platform.namespace, ...clusters.map((c) => c.namespace)])];
  return deepFreeze({ ...parsed, flink: { ...parsed.flink, clusters }, namespaces });
}

/** The defaults of every area, as `parseConfig({})` sees them (also written to Pulumi.yaml). */
export function defaultConfig(): Parsed {
  return configSchema.parse({});
}

/**
 * Read this project's stack configuration and validate it. Unknown top-level keys are reported with the rest.
 */
export function loadConfig(): PlatformConfig {
  const raw: Record<string, unknown> = {};
  const unknown: ConfigProblem[] = [];
  const secretConfigKeys = new Set<string>();
  const plainSecretConfigKeys = new Set<string>();
  const storedAsSecret = configSecretKeys();
  const config = new pulumi.Config(PROJECT);
  for (const fullKey of Object.keys(pulumi.runtime.allConfig())) {
    const [namespace, key] = fullKey.split(":", 2);
    if (namespace !== PROJECT) {
      continue;
    }
    if (SECRET_CONFIG_KEYS.includes(key)) {
      secretConfigKeys.add(key);
      if (!storedAsSecret.has(fullKey)) {
        plainSecretConfigKeys.add(key);
      }
      continue;
    }
    if (!AREAS.includes(key)) {
      unknown.push({ path: key, message: `unknown key; the areas are ${AREAS.join(", ")}` });
      continue;
    }
    try {
      raw[key] = config.getObject(key);
    } catch {
      unknown.push({ path: key, message: "must be an object (set it with `pulumi config set --path`)" });
    }
  }
  let problems = unknown;
  try {
    const parsed = parseConfig(raw, { secretConfigKeys, plainSecretConfigKeys });
    if (problems.length === 0) {
      return parsed;
    }
  } catch (err) {
    if (!(err instanceof ConfigError)) {
      throw err;
    }
    problems = [...unknown, ...err.problems];
  }
  throw new ConfigError(problems);
}

/** Full keys of the config values stored as secrets (the engine passes their names, never mixed with values). */
function configSecretKeys(): Set<string> {
  try {
    const keys = JSON.parse(process.env.PULUMI_CONFIG_SECRET_KEYS ?? "[]") as unknown;
    return new Set(Array.isArray(keys) ? keys.filter((k): k is string => typeof k === "string") : []);
  } catch {
    return new Set();
  }
}

/** The value of a secret config key (see SECRET_CONFIG_KEYS), as a secret output. */
export function secretConfigValue(key: string): pulumi.Output<string> {
  return new pulumi.Config(PROJECT).requireSecret(key);
}
