/**
 * What the operator made of a FlinkDeployment, checked against the FlinkDeployment: the operator merges the
 * platform's pod templates (`spec.podTemplate`, then `jobManager.podTemplate` / `taskManager.podTemplate`) with
 * Flink's own decorations into the JobManager Deployment and the TaskManagers' pod template, and writes the Flink
 * configuration into the `flink-config-<name>` ConfigMap. Everything the platform put into a template must be found
 * in the result (Flink may add to it, never drop or change it), and every Flink key of `spec.flinkConfiguration` must
 * reach the configuration with its value. Pure: the suite passes the objects it read from the API server.
 */
import YAML from "yaml";
import {
  flinkMemoryBytes,
  kubernetesCpuCores,
  kubernetesMemoryBytes,
} from "../../components/config/quantities";
import type { KubeObject } from "./kubeApi";

type Json = unknown;
const isObject = (v: Json): v is Record<string, Json> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Where `expected` is not contained in `actual`: every field of an object must be there and contain the expected
 * value; every object element of an array must be contained in some element of the actual array; arrays of plain
 * values and plain values must be equal. Returns one line per difference, with its path.
 */
export function notContained(expected: Json, actual: Json, path = ""): string[] {
  if (isObject(expected)) {
    if (!isObject(actual)) {
      return [`${path}: expected an object, found ${JSON.stringify(actual)}`];
    }
    return Object.entries(expected).flatMap(([key, value]) =>
      notContained(value, actual[key], `${path}.${key}`),
    );
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) {
      return [`${path}: expected a list, found ${JSON.stringify(actual)}`];
    }
    if (!expected.some(isObject)) {
      return JSON.stringify(expected) === JSON.stringify(actual)
        ? []
        : [`${path}: expected ${JSON.stringify(expected)}, found ${JSON.stringify(actual)}`];
    }
    return expected.flatMap((element, i) => {
      // A named element (container, env var, volume, port) is compared with the one of its name, so that the path
      // says which field differs; unnamed ones must be contained in some element.
      const name = isObject(element) && typeof element.name === "string" ? element.name : undefined;
      const same = name === undefined ? [] : actual.filter((a) => isObject(a) && a.name === name);
      if (same.length === 1) {
        return notContained(element, same[0], `${path}[${name}]`);
      }
      return actual.some((candidate) => notContained(element, candidate).length === 0)
        ? []
        : [`${path}[${name ?? i}]: ${JSON.stringify(element)} not found in ${JSON.stringify(actual)}`];
    });
  }
  return expected === actual
    ? []
    : [`${path}: expected ${JSON.stringify(expected)}, found ${JSON.stringify(actual)}`];
}

/** The `key: value` lines of a flink-conf.yaml the operator wrote (Flink's flat legacy format). */
export function parseFlinkConf(text: string): Map<string, string> {
  const conf = new Map<string, string>();
  for (const line of text.split("\n")) {
    const at = line.indexOf(": ");
    if (at > 0 && !line.startsWith("#")) {
      conf.set(line.slice(0, at).trim(), line.slice(at + 2).trim());
    }
  }
  return conf;
}

const MAIN_CONTAINER = "flink-main-container";

/** The main container of a pod spec. */
function mainContainer(podSpec: any): any {
  return (podSpec?.containers ?? []).find((c: any) => c.name === MAIN_CONTAINER);
}

/** What of the platform's two templates for a component (`jobManager` or `taskManager`) is not in `pod`. */
function templateProblems(
  spec: any,
  component: "jobManager" | "taskManager",
  pod: any,
  where: string,
): string[] {
  return [
    ...notContained(spec.podTemplate?.metadata?.labels ?? {}, pod.metadata?.labels, `${where} labels`),
    ...notContained(spec.podTemplate?.spec ?? {}, pod.spec, `${where} (spec.podTemplate)`),
    ...notContained(
      spec[component]?.podTemplate?.spec ?? {},
      pod.spec,
      `${where} (spec.${component}.podTemplate)`,
    ),
  ];
}

/** What the operator's JobManager Deployment lost or changed of a FlinkDeployment's spec. */
export function jobManagerProblems(flinkDeployment: KubeObject, deployment: KubeObject): string[] {
  const spec = flinkDeployment.spec as any;
  const pod = (deployment.spec as any).template;
  const where = `Deployment ${deployment.metadata.namespace}/${deployment.metadata.name}`;
  const problems = templateProblems(spec, "jobManager", pod, where);
  const owners = (deployment.metadata.ownerReferences ?? []) as Array<{ kind: string; uid: string }>;
  if (!owners.some((o) => o.kind === "FlinkDeployment" && o.uid === flinkDeployment.metadata.uid)) {
    problems.push(`${where}: not owned by its FlinkDeployment (${JSON.stringify(owners)})`);
  }
  if ((deployment.spec as any).replicas !== spec.jobManager.replicas) {
    problems.push(
      `${where}: ${(deployment.spec as any).replicas} replicas, spec ${spec.jobManager.replicas}`,
    );
  }
  if (pod.spec.serviceAccountName !== spec.serviceAccount) {
    problems.push(`${where}: service account ${pod.spec.serviceAccountName}, spec ${spec.serviceAccount}`);
  }
  const main = mainContainer(pod.spec);
  if (!main) {
    return [...problems, `${where}: no ${MAIN_CONTAINER}`];
  }
  if (main.image !== spec.image || main.imagePullPolicy !== spec.imagePullPolicy) {
    problems.push(
      `${where}: image ${main.image} (${main.imagePullPolicy}), spec ${spec.image} (${spec.imagePullPolicy})`,
    );
  }
  // The operator sets requests and limits from `jobManager.resource` (Flink memory units: 1024m = 1 GiB).
  for (const side of ["requests", "limits"]) {
    const resources = main.resources?.[side] ?? {};
    if (
      kubernetesMemoryBytes(String(resources.memory)) !==
      flinkMemoryBytes(String(spec.jobManager.resource.memory))
    ) {
      problems.push(`${where}: ${side}.memory ${resources.memory}, spec ${spec.jobManager.resource.memory}`);
    }
    if (kubernetesCpuCores(String(resources.cpu)) !== Number(spec.jobManager.resource.cpu)) {
      problems.push(`${where}: ${side}.cpu ${resources.cpu}, spec ${spec.jobManager.resource.cpu}`);
    }
  }
  return problems;
}

/** What the TaskManagers' pod template (the `pod-template-<name>` ConfigMap) lost of the spec. */
export function taskManagerProblems(flinkDeployment: KubeObject, podTemplateConfigMap: KubeObject): string[] {
  const where = `ConfigMap ${podTemplateConfigMap.metadata.namespace}/${podTemplateConfigMap.metadata.name}`;
  const text = (podTemplateConfigMap.data as Record<string, string> | undefined)?.[
    "taskmanager-pod-template.yaml"
  ];
  if (!text) {
    return [`${where}: no taskmanager-pod-template.yaml`];
  }
  return templateProblems(flinkDeployment.spec, "taskManager", YAML.parse(text), where);
}

/** What the `flink-config-<name>` ConfigMap lost or changed of `spec.flinkConfiguration`, and the keys the operator owns. */
export function flinkConfigProblems(flinkDeployment: KubeObject, configMap: KubeObject): string[] {
  const where = `ConfigMap ${configMap.metadata.namespace}/${configMap.metadata.name}`;
  const text = (configMap.data as Record<string, string> | undefined)?.["flink-conf.yaml"];
  if (!text) {
    return [`${where}: no flink-conf.yaml`];
  }
  const conf = parseFlinkConf(text);
  const spec = flinkDeployment.spec as any;
  const { name, namespace } = flinkDeployment.metadata;
  // `kubernetes.operator.*` keys configure the operator for this object (e.g. how it merges pod templates); it
  // keeps them out of the cluster's configuration.
  const flinkKeys = Object.entries(spec.flinkConfiguration as Record<string, string>).filter(
    ([key]) => !key.startsWith("kubernetes.operator."),
  );
  const expected: Record<string, string> = {
    ...Object.fromEntries(flinkKeys),
    // What the operator sets from the object itself (the validator forbids setting them).
    "kubernetes.cluster-id": name,
    "kubernetes.namespace": namespace as string,
    "kubernetes.service-account": spec.serviceAccount,
    "kubernetes.jobmanager.replicas": String(spec.jobManager.replicas),
    ...(spec.flinkConfiguration["high-availability.type"] ? { "high-availability.cluster-id": name } : {}),
  };
  return Object.entries(expected).flatMap(([key, value]) =>
    conf.get(key) === String(value)
      ? []
      : [`${where}: ${key} is ${JSON.stringify(conf.get(key))}, expected ${JSON.stringify(value)}`],
  );
}
