/**
 * Smoke checks on a stack's outputs after an update: the contract docs/architecture.md documents (`namespace`,
 * `operatorVersion`, and per cluster an in-cluster `restUrl` and an `ingressUrl` when an ingress is set) holds for
 * the configuration that was just deployed.
 */
import { PlatformConfig } from "../components/config/schema";
import { StackOutputs } from "./stackDriver";

export interface SmokeCheck {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

/** Port of the Flink REST service (`<cluster>-rest`). */
const REST_PORT = "8081";

function show(output: { value: unknown; secret: boolean } | undefined): string {
  if (output === undefined) {
    return "missing";
  }
  return output.secret ? "[secret]" : JSON.stringify(output.value);
}

function parseUrl(value: unknown): URL | undefined {
  if (typeof value !== "string") {
    return undefined;
  }
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

function check(name: string, ok: boolean, good: string, bad: string): SmokeCheck {
  return { name, ok, detail: ok ? good : bad };
}

/** Why a cluster's restUrl is not `http://<name>-rest.<namespace>.svc:8081`, or undefined when it is. */
function restUrlProblem(value: unknown, name: string, namespace: string): string | undefined {
  const url = parseUrl(value);
  if (!url) {
    return `restUrl is ${value === undefined ? "missing" : `not a URL: ${JSON.stringify(value)}`}`;
  }
  const host = `${name}-rest.${namespace}.svc`;
  if (url.protocol !== "http:" || url.hostname !== host || url.port !== REST_PORT || url.pathname !== "/") {
    return `restUrl ${JSON.stringify(value)} is not http://${host}:${REST_PORT}`;
  }
  return undefined;
}

/** Why a cluster's ingressUrl does not match its ingress config, or undefined when it does. */
function ingressUrlProblem(
  value: unknown,
  ingress: PlatformConfig["flink"]["clusters"][number]["ingress"],
): string | undefined {
  if (!ingress.enabled) {
    return value === undefined ? undefined : `ingressUrl ${JSON.stringify(value)} without an ingress`;
  }
  const url = parseUrl(value);
  const scheme = ingress.tlsSecretName ? "https:" : "http:";
  if (!url || url.protocol !== scheme || url.hostname !== ingress.host) {
    return `ingressUrl is ${value === undefined ? "missing" : JSON.stringify(value)}, expected ${scheme}//${ingress.host}/`;
  }
  return undefined;
}

/** Check the outputs against the configuration the stack was deployed with and the operator release expected. */
export function smokeChecks(
  outputs: StackOutputs,
  config: PlatformConfig,
  expectedOperatorVersion: string,
): SmokeCheck[] {
  const checks: SmokeCheck[] = [];
  const operatorVersion = outputs.operatorVersion;
  checks.push(
    check(
      "operatorVersion",
      operatorVersion?.value === expectedOperatorVersion,
      expectedOperatorVersion,
      `expected ${expectedOperatorVersion}, got ${show(operatorVersion)}`,
    ),
  );
  const namespace = outputs.namespace;
  checks.push(
    check(
      "namespace",
      namespace?.value === config.platform.namespace,
      config.platform.namespace,
      `expected ${config.platform.namespace}, got ${show(namespace)}`,
    ),
  );

  const exported = outputs.clusters?.value;
  const clusters =
    exported !== null && typeof exported === "object" && !Array.isArray(exported)
      ? (exported as Record<string, Record<string, unknown> | undefined>)
      : undefined;
  const configured = config.flink.clusters.map((c) => c.name).sort();
  const names = Object.keys(clusters ?? {}).sort();
  checks.push(
    check(
      "clusters",
      clusters !== undefined && JSON.stringify(names) === JSON.stringify(configured),
      configured.join(", "),
      clusters === undefined
        ? `clusters output is ${show(outputs.clusters)}`
        : `exported [${names.join(", ")}], configured [${configured.join(", ")}]`,
    ),
  );
  for (const cluster of config.flink.clusters) {
    const exportedCluster = clusters?.[cluster.name];
    const problems = exportedCluster
      ? [
          restUrlProblem(exportedCluster.restUrl, cluster.name, cluster.namespace),
          ingressUrlProblem(exportedCluster.ingressUrl, cluster.ingress),
        ].filter((p): p is string => p !== undefined)
      : ["not exported"];
    checks.push(
      check(
        `cluster ${cluster.name}`,
        problems.length === 0,
        [exportedCluster?.restUrl, exportedCluster?.ingressUrl]
          .filter((u) => typeof u === "string")
          .join(" "),
        problems.join("; "),
      ),
    );
  }
  return checks;
}
