/**
 * Validation of raw configuration into a `PlatformConfig`: the schema pass, then every area's cross-field checks,
 * and one `ConfigError` that lists everything by config path. Pure: it never registers anything.
 */
import { flinkProblems, resolveClusters } from "../flink/config";
import { operatorProblems } from "../flink/operatorConfig";
import { hiveProblems } from "../hive/config";
import { mysqlChecks } from "../mysql/config";
import { stateProblems } from "../state/config";
import { streamParkChecks } from "../streampark/config";
import { ConfigContext, ConfigError, ConfigProblem, schemaProblems } from "./problems";
import { configSchema, ParsedConfig, PlatformConfig } from "./schema";
import type { ResolvedSessionCluster } from "../flink/clusterSchema";

/** Checks that need more than one key; each returns problems by path. */
function crossFieldProblems(
  parsed: ParsedConfig,
  clusters: readonly ResolvedSessionCluster[],
  context: ConfigContext,
): ConfigProblem[] {
  const problems: ConfigProblem[] = [
    ...stateProblems(parsed, clusters, context),
    ...mysqlChecks(parsed, context),
    ...streamParkChecks(parsed, clusters),
    ...hiveProblems(parsed, clusters),
  ];
  for (const key of context.plainSecretConfigKeys ?? []) {
    problems.push({
      path: key,
      message: `holds a credential; set it with \`pulumi config set --secret ${key} ...\``,
    });
  }
  problems.push(...flinkProblems(parsed, clusters), ...operatorProblems(parsed));
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
  const clusters = resolveClusters(parsed.flink, parsed.platform.namespace);
  const problems = crossFieldProblems(parsed, clusters, context);
  if (problems.length > 0) {
    throw new ConfigError(problems);
  }
  const namespaces = [...new Set([parsed.platform.namespace, ...clusters.map((c) => c.namespace)])];
  return deepFreeze({ ...parsed, flink: { ...parsed.flink, clusters }, namespaces });
}
