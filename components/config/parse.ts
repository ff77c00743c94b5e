/**
 * Validation of raw configuration into a `PlatformConfig`: the schema, every area's cross-field checks, and one
 * `ConfigError` that lists every problem by config path. Pure: it never registers anything.
 *
 * One broken key never hides another. A key the schema refuses is reported and left out, so that the rest parses
 * with its default in its place, and the cross-field checks run on that (object name clashes among them); a
 * cross-field problem that concerns a refused key (its path, or a mention of it or of a key under it) is dropped,
 * since it would speak of the default. Keys named like `Object.prototype`'s members are refused before the schema
 * runs (prototypeKeys.ts), and left out the same way.
 */
import { flinkProblems } from "../flink/checks";
import type { ResolvedApplication, ResolvedSessionCluster } from "../flink/clusterSchema";
import { resolveApplications, resolveClusters } from "../flink/config";
import { jobProblems } from "../flink/jobChecks";
import { operatorProblems } from "../flink/operatorConfig";
import { hiveProblems } from "../hive/config";
import { mysqlChecks } from "../mysql/config";
import { networkProblems } from "../network/config";
import { stateProblems } from "../state/config";
import { streamParkChecks } from "../streampark/config";
import { objectNameProblems } from "./objectNames";
import { prototypeKeyProblems, withoutPrototypeKeys } from "./prototypeKeys";
import { kubernetesCpuCores, kubernetesMemoryBytes } from "./quantities";
import { ConfigContext, ConfigError, ConfigProblem, schemaProblems } from "./problems";
import { configSchema, ParsedConfig, PlatformConfig } from "./schema";

/** Checks that need more than one key; each returns problems by path. */
function crossFieldProblems(
  parsed: ParsedConfig,
  clusters: readonly ResolvedSessionCluster[],
  applications: readonly ResolvedApplication[],
  context: ConfigContext,
): ConfigProblem[] {
  const problems: ConfigProblem[] = [
    ...stateProblems(parsed, clusters, context),
    ...mysqlChecks(parsed, context),
    ...streamParkChecks(parsed, clusters),
    ...hiveProblems(parsed, clusters),
    ...networkProblems(parsed, clusters, context, applications),
  ];
  for (const key of context.plainSecretConfigKeys ?? []) {
    problems.push({
      path: key,
      message: `holds a credential; set it with \`pulumi config set --secret ${key} ...\``,
    });
  }
  problems.push(
    ...flinkProblems(parsed, clusters, applications),
    ...jobProblems(parsed, clusters, applications),
    ...operatorProblems(parsed),
    ...objectNameProblems(parsed, clusters, applications),
    ...resourceProblems(parsed),
  );
  return problems;
}

interface Resources {
  readonly requests: { readonly cpu: string; readonly memory: string };
  readonly limits: { readonly cpu: string; readonly memory: string };
}

function isResources(value: unknown): value is Resources {
  const r = value as Partial<Resources> | undefined;
  return typeof r?.requests?.cpu === "string" && typeof r?.limits?.memory === "string";
}

/** Every container's requests against its limits, wherever the config holds container resources. */
function resourceProblems(value: unknown, path: readonly string[] = []): ConfigProblem[] {
  if (isResources(value)) {
    const at = path.join(".");
    const problems: ConfigProblem[] = [];
    const cpu = [kubernetesCpuCores(value.requests.cpu), kubernetesCpuCores(value.limits.cpu)];
    if (cpu[0] !== undefined && cpu[1] !== undefined && cpu[0] > cpu[1]) {
      problems.push({
        path: `${at}.requests.cpu`,
        message: `${value.requests.cpu} is more than ${at}.limits.cpu (${value.limits.cpu}); raise the limit or lower the request`,
      });
    }
    const memory = [kubernetesMemoryBytes(value.requests.memory), kubernetesMemoryBytes(value.limits.memory)];
    if (memory[0] !== undefined && memory[1] !== undefined && memory[0] > memory[1]) {
      problems.push({
        path: `${at}.requests.memory`,
        message: `${value.requests.memory} is more than ${at}.limits.memory (${value.limits.memory}); raise the limit or lower the request`,
      });
    }
    return problems;
  }
  if (value && typeof value === "object") {
    return Object.entries(value).flatMap(([key, child]) => resourceProblems(child, [...path, key]));
  }
  return [];
}

/** A URL with a user and password in it, wherever it appears. */
const URL_CREDENTIALS = /[a-z][a-z0-9+.-]*:\/\/[^/\s@:]+:[^/\s@]*@/i;

/** Every string value that carries credentials in a URL, by path: they belong in Secrets, never in config. */
function urlCredentialProblems(value: unknown, path: readonly string[] = []): ConfigProblem[] {
  if (typeof value === "string") {
    return URL_CREDENTIALS.test(value)
      ? [
          {
            path: path.join("."),
            message: "holds credentials in a URL (user:password@); keep them in a Secret",
          },
        ]
      : [];
  }
  if (value && typeof value === "object") {
    return Object.entries(value).flatMap(([key, child]) => urlCredentialProblems(child, [...path, key]));
  }
  return [];
}

/** A copy of `raw` without the value at `path` (so that its default applies), or undefined when there is none. */
function without(raw: unknown, path: readonly PropertyKey[]): unknown {
  if (path.length === 0 || !raw || typeof raw !== "object") {
    return undefined;
  }
  const [head, ...rest] = path;
  const copy = (Array.isArray(raw) ? [...(raw as unknown[])] : { ...raw }) as Record<PropertyKey, unknown>;
  if (rest.length === 0) {
    delete copy[head];
  } else {
    copy[head] = without(copy[head], rest);
  }
  return copy;
}

/** The schema's problems, and the config parsed with every refused key left out. */
function salvage(raw: Readonly<Record<string, unknown>>): {
  parsed?: ParsedConfig;
  problems: ConfigProblem[];
} {
  const problems: ConfigProblem[] = [];
  let input: unknown = raw;
  // Each round leaves out at least one key; a config has far fewer broken keys than this.
  for (let round = 0; round < 50; round++) {
    const result = configSchema.safeParse(input);
    if (result.success) {
      return { parsed: result.data, problems };
    }
    // A key reported once stays reported: a later round would only speak of the hole its removal left (an array
    // element removed reads as undefined).
    const reported = new Set(problems.map((p) => p.path));
    problems.push(...schemaProblems(result.error.issues).filter((p) => !reported.has(p.path)));
    for (const issue of result.error.issues) {
      const paths =
        issue.code === "unrecognized_keys" ? issue.keys.map((k) => [...issue.path, k]) : [issue.path];
      for (const path of paths) {
        // An issue about a value the input does not hold (a default) is left out with its parent.
        for (let cut = path.length; cut > 0; cut--) {
          const next = without(input, path.slice(0, cut));
          if (JSON.stringify(next) !== JSON.stringify(input)) {
            input = next;
            break;
          }
        }
      }
    }
  }
  return { problems };
}

/**
 * Whether `text` names the config key `path` or a key under it, as a whole key: `ha` is named in "set ha.type" but
 * not in "change", `flink.clusters.et` not in "flink.clusters.etl's".
 */
export function mentionsKey(text: string, path: string): boolean {
  const escaped = path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`(^|[^\\w.-])${escaped}($|[^\\w-])`).test(text);
}

/** Whether a cross-field problem is about a key the schema refused (and so about its default). */
function concernsRefused(problem: ConfigProblem, refused: readonly string[]): boolean {
  return refused.some(
    (path) =>
      path === problem.path || problem.path.startsWith(`${path}.`) || mentionsKey(problem.message, path),
  );
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

/** Unique problems, in order. */
function unique(problems: readonly ConfigProblem[]): ConfigProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.path}\u0000${p.message}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
}

/**
 * Validate raw configuration (area name to value) into a `PlatformConfig`. Pure: throws `ConfigError` listing every
 * problem, never registers anything.
 */
export function parseConfig(
  raw: Readonly<Record<string, unknown>>,
  context: ConfigContext = { secretConfigKeys: new Set() },
): PlatformConfig {
  const prototypeKeys = prototypeKeyProblems(raw);
  const { parsed, problems: schema } = salvage(withoutPrototypeKeys(raw) as Record<string, unknown>);
  const refused = [...prototypeKeys, ...schema].map((p) => p.path);
  const problems = [...prototypeKeys, ...schema, ...urlCredentialProblems(raw)];
  if (parsed) {
    const durableStore = parsed.storage.type !== "none";
    const clusters = resolveClusters(parsed.flink, parsed.platform.namespace, durableStore);
    const applications = resolveApplications(parsed.flink, parsed.platform.namespace, durableStore);
    problems.push(
      ...crossFieldProblems(parsed, clusters, applications, context).filter(
        (p) => !concernsRefused(p, refused),
      ),
    );
    if (problems.length === 0) {
      const namespaces = [
        ...new Set([parsed.platform.namespace, ...[...clusters, ...applications].map((c) => c.namespace)]),
      ];
      return deepFreeze({ ...parsed, flink: { ...parsed.flink, clusters, applications }, namespaces });
    }
  }
  throw new ConfigError(unique(problems));
}
