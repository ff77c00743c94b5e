/**
 * Cross-field checks of the flink area: versions, cluster names and what they derive, ingresses, and the user's
 * Flink configuration (keys the operator or the platform sets, credentials, line breaks, Flink 2.x key prefixes).
 */
import { clusterName } from "../config/primitives";
import type { ConfigProblem } from "../config/problems";
import { ingressHostProblems } from "../config/resourceSchemas";
import type { FlinkClusterSpecInput, ResolvedApplication, ResolvedSessionCluster } from "./clusterSchema";
import { retainsCheckpoints, stateFlinkKeys, StateShape } from "./clusterState";
import type { FlinkAreaConfig } from "./config";
import {
  forbiddenFlinkKeyProblem,
  overlappingKeyPrefixes,
  platformFlinkConfiguration,
} from "./flinkConfiguration";
import { flinkRelease, flinkVersionProblem } from "./versions";

/** What the checks of the flink area read beyond it: the kinds of store and HA, whether data loss is allowed. */
export interface FlinkChecksInput {
  readonly flink: FlinkAreaConfig;
  readonly storage: { readonly type: StateShape["store"] };
  readonly ha: { readonly type: StateShape["ha"] };
  readonly platform: { readonly allowDataLoss: boolean };
}

/** Cross-field checks of the flink area. */
export function flinkProblems(
  parsed: FlinkChecksInput,
  clusters: readonly ResolvedSessionCluster[],
  applications: readonly ResolvedApplication[] = [],
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const versionProblem = flinkVersionProblem(parsed.flink.version);
  if (versionProblem) {
    problems.push({ path: "flink.version", message: versionProblem });
  }
  if (Object.keys(parsed.flink.clusters).length === 0) {
    problems.push({ path: "flink.clusters", message: "declare at least one session cluster" });
  }
  const checkpoints = parsed.flink.checkpoints;
  if (checkpoints.incremental && checkpoints.stateBackend !== "rocksdb") {
    problems.push({
      path: "flink.checkpoints.incremental",
      message: "incremental checkpoints need stateBackend: rocksdb",
    });
  }
  for (const cluster of clusters) {
    const explicitVersion = parsed.flink.clusters[cluster.name].version !== undefined;
    problems.push(...clusterProblems(parsed, cluster, `flink.clusters.${cluster.name}`, explicitVersion));
  }
  for (const application of applications) {
    const explicitVersion = parsed.flink.applications[application.name].version !== undefined;
    problems.push(
      ...clusterProblems(parsed, application, `flink.applications.${application.name}`, explicitVersion),
    );
  }
  return problems;
}

/**
 * The problems of one session cluster or application (`at`, its config key); each is reported under that key, valid
 * name or not.
 */
function clusterProblems(
  parsed: FlinkChecksInput,
  cluster: FlinkClusterSpecInput,
  at: string,
  explicitVersion: boolean,
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const name = clusterName.safeParse(cluster.name);
  if (!name.success) {
    problems.push({
      path: at,
      message: `invalid cluster name: ${name.error.issues.map((i) => i.message).join("; ")}`,
    });
  }
  if (explicitVersion) {
    const problem = flinkVersionProblem(cluster.version);
    if (problem) {
      problems.push({ path: `${at}.version`, message: problem });
    }
  }
  problems.push(...ingressHostProblems(cluster.ingress, `${at}.ingress`));
  for (const [key, value] of Object.entries(cluster.flinkConfiguration)) {
    const forbidden = forbiddenFlinkKeyProblem(key);
    if (forbidden) {
      problems.push({ path: `${at}.flinkConfiguration.${key}`, message: forbidden });
    } else if (typeof value === "string" && /[\r\n]/.test(value)) {
      problems.push({ path: `${at}.flinkConfiguration.${key}`, message: "must not contain line breaks" });
    }
  }
  problems.push(...overlappingPrefixProblems(parsed, cluster, at));
  return problems;
}

/**
 * Flink 2.x reads standard YAML and rejects a key that is also the prefix of another key. The platform's and durable
 * state's keys follow from config alone, so the check needs no store or connection.
 */
function overlappingPrefixProblems(
  parsed: FlinkChecksInput,
  cluster: FlinkClusterSpecInput,
  at: string,
): ConfigProblem[] {
  const release = flinkRelease(cluster.version);
  if (release?.major !== 2) {
    return [];
  }
  const shape: StateShape = {
    store: parsed.storage.type,
    ha: parsed.ha.type,
    incremental: parsed.flink.checkpoints.incremental,
    retainCheckpoints: retainsCheckpoints(parsed.storage.type, parsed.platform.allowDataLoss),
  };
  const keys = [
    ...Object.keys(platformFlinkConfiguration(cluster)),
    ...Object.values(stateFlinkKeys(release, shape)),
    ...Object.keys(cluster.flinkConfiguration),
  ];
  return overlappingKeyPrefixes(keys).map(([shorter, longer]) => {
    const userKey = cluster.flinkConfiguration[shorter] !== undefined ? shorter : longer;
    return {
      path: `${at}.flinkConfiguration.${userKey}`,
      message: `Flink ${cluster.version} rejects '${shorter}' next to '${longer}' (overlapping key prefixes); use the non-deprecated key`,
    };
  });
}
