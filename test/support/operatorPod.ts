/**
 * The operator chart's pod, run as processes on this machine. The throw-away cluster's nodes are kwok's: the pod the
 * chart's Deployment makes is scheduled and reported Running, but no container starts. This module reads that
 * Deployment and its pod from the API server and turns each container the suite runs into a host process, doing what
 * the kubelet and the image would do, and nothing else:
 *
 * - the command: the image's entrypoint (`/docker-entrypoint.sh operator|webhook`) is `java -cp <the image's jars>
 *   <main class>` with `$LOG_CONFIG $JVM_ARGS`; the jars are scripts/build-operator.sh's, laid out as the image
 *   lays them out (tools/operator/README.md);
 * - the environment: the container's `env` (literal values, `fieldRef`s from the live pod, `secretKeyRef`s and
 *   `configMapKeyRef`s read from the API server), the image's own ENV, HOSTNAME = the pod's name, and the pod's
 *   service account identity as KUBECONFIG (operatorIdentity.ts) instead of a mounted token;
 * - the volumes: each mount of a configMap, secret or emptyDir volume is a directory under the run's work directory,
 *   filled from the API server; paths in env values are rewritten to those directories;
 * - the pod's network: a pod has its own network namespace, processes on this machine share one, so each port a
 *   container listens on gets a free host port: the webhook's WEBHOOK_SERVER_PORT, and the operator's health probe and
 *   metrics ports, which live in the chart's config and are overridden through the operator's CONF_OVERRIDE_DIR
 *   (the chart's files are left as they are);
 * - the container's resources: the JVM sizes itself from a container's cgroup limits; here it is told them
 *   (-XX:MaxRAM, -XX:ActiveProcessorCount) so that it sizes itself as in the pod; and its own /tmp (the operator
 *   writes generated pod templates there), a directory of the run instead of this machine's;
 * - the pod's DNS: where the caller gives a hosts file, the JVM resolves names from it alone
 *   (-Djdk.net.hosts.file), as a pod would resolve them through the cluster's DNS.
 *
 * Anything else in the pod spec (envFrom, subPath mounts, other volume types, another entrypoint) is refused with an
 * error, so that a chart change cannot be half translated without anyone noticing.
 */
import * as fs from "fs";
import * as path from "path";
import { kubernetesCpuCores, kubernetesMemoryBytes } from "../../components/config/quantities";
import { KubeApi, KubeObject } from "./kubeApi";

/** Where scripts/build-operator.sh puts what the operator image holds. */
export interface OperatorImage {
  /** `.toolchain/operator`: lib/ (the jars), log/ (logging bindings), plugins/ (metrics reporters). */
  readonly root: string;
  readonly version: string;
}

/** A container of the chart's pod, ready to be spawned on this machine. */
export interface HostProcessSpec {
  /** The container's name (`flink-kubernetes-operator`, `flink-webhook`). */
  readonly container: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
  /** Host ports it listens on, by what they are (`health`, `metrics`, `webhook`). */
  readonly ports: Readonly<Record<string, number>>;
  /** The container port each host port stands for (what a Service's targetPort names). */
  readonly portMap: Readonly<Record<number, number>>;
}

/** What the entrypoint runs for each of its commands. */
const ENTRYPOINT = "/docker-entrypoint.sh";
const MAIN_CLASS: Readonly<Record<string, string>> = {
  operator: "org.apache.flink.kubernetes.operator.FlinkOperator",
  webhook: "org.apache.flink.kubernetes.operator.admission.FlinkOperatorWebhook",
};

/** The image's filesystem (its Dockerfile) on this machine, and its ENV. */
function imagePaths(image: OperatorImage): Record<string, string> {
  return {
    "/flink-kubernetes-operator": path.join(image.root, "lib"),
    "/opt/flink/plugins": path.join(image.root, "plugins"),
    "/opt/flink/log": path.join(image.root, "log"),
    "/opt/flink/operator-lib": path.join(image.root, "operator-lib"),
  };
}
function imageEnv(image: OperatorImage): Record<string, string> {
  return {
    FLINK_HOME: "/opt/flink",
    FLINK_PLUGINS_DIR: "/opt/flink/plugins",
    OPERATOR_VERSION: image.version,
    OPERATOR_LIB: "/opt/flink/operator-lib",
    OPERATOR_LOG: "/opt/flink/log",
  };
}

/** The classpath the entrypoint builds for a command (webhook: the operator's jar and its own). */
function classpath(image: OperatorImage, command: string, loggingFramework: string): string {
  const lib = path.join(image.root, "lib");
  const jars = [
    path.join(lib, `flink-kubernetes-standalone-${image.version}.jar`),
    path.join(lib, `flink-kubernetes-operator-${image.version}-shaded.jar`),
    ...(command === "webhook"
      ? [path.join(lib, `flink-kubernetes-webhook-${image.version}-shaded.jar`)]
      : []),
    path.join(image.root, "log", loggingFramework === "logback" ? "logback" : "log4j", "*"),
    path.join(image.root, "operator-lib", "*"),
  ];
  for (const jar of jars.filter((j) => !j.endsWith("*"))) {
    if (!fs.existsSync(jar)) {
      throw new Error(`${jar} is missing: run scripts/build-operator.sh`);
    }
  }
  return jars.join(":");
}

/** The live pod of a Deployment (the one kwok runs), for fieldRefs. */
export async function deploymentPod(api: KubeApi, deployment: KubeObject): Promise<KubeObject> {
  const labels = (deployment.spec as any).selector.matchLabels as Record<string, string>;
  const selector = Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(",");
  const pods = await api.list("v1", "Pod", deployment.metadata.namespace, selector);
  const running = pods.filter((p) => (p.status as any)?.phase === "Running" && !p.metadata.deletionTimestamp);
  if (running.length !== 1) {
    throw new Error(
      `Deployment ${deployment.metadata.namespace}/${deployment.metadata.name}: ${running.length} running pods`,
    );
  }
  return running[0];
}

function fieldRef(pod: KubeObject, fieldPath: string): string {
  const values: Record<string, unknown> = {
    "metadata.name": pod.metadata.name,
    "metadata.namespace": pod.metadata.namespace,
    "status.hostIP": (pod.status as any)?.hostIP,
    "status.podIP": (pod.status as any)?.podIP,
    "spec.serviceAccountName": (pod.spec as any)?.serviceAccountName,
  };
  const value = values[fieldPath];
  if (typeof value !== "string") {
    throw new Error(`fieldRef ${fieldPath} is not translated (or empty on pod ${pod.metadata.name})`);
  }
  return value;
}

async function keyOf(
  api: KubeApi,
  kind: "Secret" | "ConfigMap",
  namespace: string,
  name: string,
  key: string,
) {
  const object = await api.get("v1", kind, name, namespace);
  const data = (object?.data ?? {}) as Record<string, string>;
  if (!(key in data)) {
    throw new Error(`${kind} ${namespace}/${name} has no key ${key}`);
  }
  return kind === "Secret" ? Buffer.from(data[key], "base64") : Buffer.from(data[key], "utf8");
}

/** Fills `dir` with a configMap or secret volume's items (all keys without items), as the kubelet would. */
async function materialize(api: KubeApi, namespace: string, volume: any, dir: string): Promise<void> {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (volume.emptyDir) {
    return;
  }
  const kind = volume.configMap ? "ConfigMap" : volume.secret ? "Secret" : undefined;
  if (!kind) {
    throw new Error(`volume ${volume.name}: only configMap, secret and emptyDir volumes are translated`);
  }
  const source = volume.configMap ?? volume.secret;
  const name = source.name ?? source.secretName;
  const object = await api.get("v1", kind, name, namespace);
  if (!object) {
    throw new Error(`volume ${volume.name}: ${kind} ${namespace}/${name} does not exist`);
  }
  const data = (object.data ?? {}) as Record<string, string>;
  const items: Array<{ key: string; path: string }> =
    source.items ?? Object.keys(data).map((key) => ({ key, path: key }));
  for (const item of items) {
    if (!(item.key in data)) {
      throw new Error(`volume ${volume.name}: ${kind} ${namespace}/${name} has no key ${item.key}`);
    }
    const bytes = kind === "Secret" ? Buffer.from(data[item.key], "base64") : Buffer.from(data[item.key]);
    const file = path.join(dir, item.path);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, bytes, { mode: kind === "Secret" ? 0o600 : 0o644 });
  }
}

/** Rewrites every path of `paths` (container path → host path) found in `value`, longest first. */
export function rewritePaths(value: string, paths: Readonly<Record<string, string>>): string {
  let result = value;
  for (const from of Object.keys(paths).sort((a, b) => b.length - a.length)) {
    const escaped = from.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    result = result.replace(new RegExp(`(^|[=:,\\s])${escaped}(?=/|$|[:,\\s])`, "g"), `$1${paths[from]}`);
  }
  return result;
}

/** The JVM flags that give it the view of the container's limits it would have in the pod. */
function containerView(resources: any): string[] {
  const flags: string[] = [];
  const memory = resources?.limits?.memory
    ? kubernetesMemoryBytes(String(resources.limits.memory))
    : undefined;
  if (memory) {
    flags.push(`-XX:MaxRAM=${memory}`);
  }
  const cpu = resources?.limits?.cpu ? kubernetesCpuCores(String(resources.limits.cpu)) : undefined;
  if (cpu) {
    flags.push(`-XX:ActiveProcessorCount=${Math.max(1, Math.ceil(cpu))}`);
  }
  return flags;
}

/** Chart config keys of the ports the operator container listens on, by what they are. */
const OPERATOR_PORT_KEYS: Readonly<Record<string, string>> = {
  health: "kubernetes.operator.health.probe.port",
  metrics: "kubernetes.operator.metrics.reporter.prom.port",
};

export interface TranslateOptions {
  readonly image: OperatorImage;
  /** The run's work directory (volumes, the override config, HOME); removed by the caller. */
  readonly dir: string;
  /** Kubeconfig of the pod's service account. */
  readonly kubeconfig: string;
  /** A port nothing listens on. */
  readonly freePort: () => Promise<number>;
  /**
   * A hosts file for the JVM's name lookups (`-Djdk.net.hosts.file`), instead of this machine's resolver: in the
   * suite's network namespace there is no DNS, where a pod would have the cluster's.
   */
  readonly hostsFile?: string;
}

/** One container of the chart's operator Deployment as a host process. */
export async function hostProcess(
  api: KubeApi,
  deployment: KubeObject,
  containerName: string,
  options: TranslateOptions,
): Promise<HostProcessSpec> {
  const namespace = deployment.metadata.namespace as string;
  const podSpec = (deployment.spec as any).template.spec;
  const container = (podSpec.containers as any[]).find((c) => c.name === containerName);
  if (!container) {
    throw new Error(`Deployment ${namespace}/${deployment.metadata.name} has no container ${containerName}`);
  }
  const [entrypoint, command, ...rest] = container.command ?? [];
  if (entrypoint !== ENTRYPOINT || !MAIN_CLASS[command] || rest.length > 0 || container.args?.length) {
    throw new Error(`${containerName}: command ${JSON.stringify(container.command)} is not translated`);
  }
  if (container.envFrom?.length) {
    throw new Error(`${containerName}: envFrom is not translated`);
  }
  const pod = await deploymentPod(api, deployment);

  // Volumes: one directory per volume, shared by the containers that mount it.
  const paths: Record<string, string> = { ...imagePaths(options.image) };
  for (const mount of container.volumeMounts ?? []) {
    if (mount.subPath || mount.subPathExpr) {
      throw new Error(`${containerName}: subPath mounts are not translated (${mount.mountPath})`);
    }
    const volume = (podSpec.volumes as any[]).find((v) => v.name === mount.name);
    const dir = path.join(options.dir, "volumes", mount.name);
    await materialize(api, namespace, volume, dir);
    paths[mount.mountPath] = dir;
  }

  const env: Record<string, string> = { ...imageEnv(options.image) };
  for (const entry of container.env ?? []) {
    const from = entry.valueFrom;
    if (!from) {
      env[entry.name] = String(entry.value ?? "");
    } else if (from.fieldRef) {
      env[entry.name] = fieldRef(pod, from.fieldRef.fieldPath);
    } else if (from.secretKeyRef || from.configMapKeyRef) {
      const ref = from.secretKeyRef ?? from.configMapKeyRef;
      const kind = from.secretKeyRef ? "Secret" : "ConfigMap";
      env[entry.name] = (await keyOf(api, kind, namespace, ref.name, ref.key)).toString("utf8");
    } else {
      throw new Error(`${containerName}: env ${entry.name} has a valueFrom that is not translated`);
    }
  }
  for (const [name, value] of Object.entries(env)) {
    env[name] = rewritePaths(value, paths);
  }

  // The pod's ports on the host.
  const ports: Record<string, number> = {};
  const portMap: Record<number, number> = {};
  if (command === "webhook") {
    ports.webhook = await options.freePort();
    portMap[Number(env.WEBHOOK_SERVER_PORT)] = ports.webhook;
    env.WEBHOOK_SERVER_PORT = String(ports.webhook);
  } else {
    const overrides: string[] = [
      "# Written by the cluster suite: the pod's ports on this machine, and the image's artifacts path on its emptyDir.",
    ];
    for (const [what, key] of Object.entries(OPERATOR_PORT_KEYS)) {
      ports[what] = await options.freePort();
      overrides.push(`${key}: ${ports[what]}`);
    }
    // The operator's default for fetched session-job jars is the emptyDir the chart mounts there.
    if (paths["/opt/flink/artifacts"]) {
      overrides.push(`kubernetes.operator.user.artifacts.base.dir: ${paths["/opt/flink/artifacts"]}`);
    }
    const overrideDir = path.join(options.dir, "conf-override", containerName);
    fs.mkdirSync(overrideDir, { recursive: true });
    fs.writeFileSync(path.join(overrideDir, "flink-conf.yaml"), `${overrides.join("\n")}\n`);
    env.CONF_OVERRIDE_DIR = overrideDir;
  }

  const home = path.join(options.dir, "home", containerName);
  const tmp = path.join(options.dir, "tmp", containerName);
  fs.mkdirSync(home, { recursive: true });
  fs.mkdirSync(tmp, { recursive: true });
  const split = (value: string | undefined) => (value ?? "").split(/\s+/).filter(Boolean);
  return {
    container: containerName,
    command: "java",
    args: [
      ...containerView(container.resources),
      `-Djava.io.tmpdir=${tmp}`,
      ...(options.hostsFile ? [`-Djdk.net.hosts.file=${options.hostsFile}`] : []),
      "-cp",
      classpath(options.image, command, env.LOGGING_FRAMEWORK ?? "log4j2"),
      ...split(env.LOG_CONFIG),
      ...split(env.JVM_ARGS),
      MAIN_CLASS[command],
    ],
    env: {
      ...env,
      HOSTNAME: pod.metadata.name,
      HOME: home,
      KUBECONFIG: options.kubeconfig,
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      ...(process.env.JAVA_HOME ? { JAVA_HOME: process.env.JAVA_HOME } : {}),
    },
    cwd: path.join(options.image.root, "lib"),
    ports,
    portMap,
  };
}
