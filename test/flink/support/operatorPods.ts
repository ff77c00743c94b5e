/**
 * The JobManager and TaskManager pods of a FlinkDeployment, as operator 1.15.0 and Flink's native Kubernetes mode
 * would make them from the platform's spec, for local pods (localPod.ts):
 * - the pod template is the deployment's common `podTemplate` merged with the role's own, the operator's way
 *   (`FlinkUtils.mergePodTemplates`: objects field by field, arrays of named items by name when
 *   `kubernetes.operator.pod-template.merge-arrays-by-name` is true, other arrays item by item);
 * - the main container `flink-main-container` gets the deployment's image, and what Flink's decorators add: the
 *   Flink configuration ConfigMap at /opt/flink/conf and, when `kubernetes.hadoop.conf.config-map.name` is set, that
 *   ConfigMap at /opt/hadoop/conf with HADOOP_CONF_DIR pointing there;
 * - its command is the image entrypoint with a standalone role (`jobmanager`, `standalone-job`, `taskmanager`)
 *   instead of native mode's `kubernetes-jobmanager.sh`/`kubernetes-taskmanager.sh`, which need the Kubernetes API.
 */
import { flinkConfFile, flinkConfFileName } from "../../../components/flink/flinkProcess";
import { FLINK_RELEASES } from "../../../components/flink/versions";
import type { ContainerSpec, PodSpec, Volume } from "./localPod";

export const MAIN_CONTAINER = "flink-main-container";
const FLINK_CONF_VOLUME = "flink-config-volume";
const HADOOP_CONF_VOLUME = "hadoop-config-volume";
const HADOOP_CONF_DIR = "/opt/hadoop/conf";

type Json = any;

function isObject(value: unknown): value is Record<string, Json> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function clone<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

function mergeInto(to: Record<string, Json>, from: Record<string, Json>, byName: boolean): void {
  for (const [field, fromChild] of Object.entries(from)) {
    const toChild = to[field];
    if (Array.isArray(toChild) && Array.isArray(fromChild)) {
      to[field] = mergeArray(toChild, fromChild, byName);
    } else if (isObject(toChild) && isObject(fromChild)) {
      mergeInto(toChild, fromChild, byName);
    } else {
      to[field] = clone(fromChild);
    }
  }
}

function mergeArray(to: Json[], from: Json[], byName: boolean): Json[] {
  const named = (items: Json[]) => items.every((item) => isObject(item) && "name" in item);
  if (byName && named(to) && named(from)) {
    const merged = new Map<string, Json>(to.map((item) => [item.name, item]));
    for (const item of from) {
      const existing = merged.get(item.name);
      if (existing) {
        mergeInto(existing, item, byName);
      } else {
        merged.set(item.name, clone(item));
      }
    }
    return [...merged.values()];
  }
  const result = [...to];
  from.forEach((item, i) => {
    if (i >= result.length) {
      result.push(clone(item));
    } else if (isObject(result[i]) && isObject(item)) {
      mergeInto(result[i], item, byName);
    } else {
      result[i] = clone(item);
    }
  });
  return result;
}

/** The operator's merge of a common pod template with a role's own. */
export function mergePodTemplates(common: Json, own: Json, byName: boolean): Json {
  if (!own) {
    return clone(common);
  }
  if (!common) {
    return clone(own);
  }
  const result = clone(common);
  mergeInto(result, own, byName);
  return result;
}

export type FlinkRole = "jobmanager" | "taskmanager";

/** A FlinkDeployment as rendered (the fields its pods are made from). */
export interface DeploymentPodInputs {
  readonly name: string;
  readonly spec: {
    readonly image: string;
    readonly flinkVersion: string;
    readonly podTemplate?: Json;
    readonly jobManager?: { readonly podTemplate?: Json };
    readonly taskManager?: { readonly podTemplate?: Json };
    readonly job?: { readonly entryClass?: string };
  };
}

/** Name of the ConfigMap that holds a pod's Flink configuration (native mode: `flink-config-<cluster>`). */
export function flinkConfigMapName(
  deployment: Pick<DeploymentPodInputs, "name">,
  role: FlinkRole,
  index = 0,
): string {
  return `flink-config-${deployment.name}-${role}-${index}`;
}

/** The ConfigMap data of a pod's Flink configuration: the config file for its version and console logging. */
export function flinkConfigData(
  flinkVersion: string,
  conf: Readonly<Record<string, string>>,
  log4jConsole: string,
): Record<string, string> {
  const minor = flinkVersion.replace(/^v/, "").replace("_", ".");
  const release = FLINK_RELEASES[minor];
  if (!release) {
    throw new Error(`no pinned Flink release for ${flinkVersion}`);
  }
  return { [flinkConfFileName(release)]: flinkConfFile(conf), "log4j-console.properties": log4jConsole };
}

/**
 * The pod of one JobManager or TaskManager. `conf` is the process's configuration (already through
 * localConfig.ts); `jobArgs` are the standalone application entrypoint's arguments (job class, savepoint).
 */
export function flinkPodSpec(
  deployment: DeploymentPodInputs,
  role: FlinkRole,
  conf: Readonly<Record<string, string>>,
  configMapName: string,
  jobArgs: readonly string[] = [],
): PodSpec {
  const byName = conf["kubernetes.operator.pod-template.merge-arrays-by-name"] === "true";
  const own =
    role === "jobmanager"
      ? deployment.spec.jobManager?.podTemplate
      : deployment.spec.taskManager?.podTemplate;
  const template = mergePodTemplates(deployment.spec.podTemplate, own, byName) ?? {};
  const spec: Json = template.spec ?? {};
  const containers: ContainerSpec[] = spec.containers ?? [];
  const main: Json = containers.find((c) => c.name === MAIN_CONTAINER) ?? { name: MAIN_CONTAINER };
  const volumes: Volume[] = [
    ...(spec.volumes ?? []),
    { name: FLINK_CONF_VOLUME, configMap: { name: configMapName } },
  ];
  const mounts = [...(main.volumeMounts ?? []), { name: FLINK_CONF_VOLUME, mountPath: "/opt/flink/conf" }];
  const env = [...(main.env ?? [])];
  return {
    securityContext: spec.securityContext,
    initContainers: spec.initContainers ?? [],
    volumes,
    containers: [
      {
        ...main,
        image: deployment.spec.image,
        args:
          role === "taskmanager"
            ? ["taskmanager"]
            : deployment.spec.job
              ? ["standalone-job", ...jobArgs]
              : ["jobmanager"],
        env,
        volumeMounts: mounts,
      },
    ],
  };
}

/** What Flink's Hadoop decorator adds when the configuration names a Hadoop ConfigMap (pure: returns a new spec). */
export function withHadoopConf(pod: PodSpec, hadoopConfigMap: string | undefined): PodSpec {
  if (!hadoopConfigMap) {
    return pod;
  }
  const [main, ...rest] = pod.containers;
  return {
    ...pod,
    volumes: [...(pod.volumes ?? []), { name: HADOOP_CONF_VOLUME, configMap: { name: hadoopConfigMap } }],
    containers: [
      {
        ...main,
        env: [...(main.env ?? []), { name: "HADOOP_CONF_DIR", value: HADOOP_CONF_DIR }],
        volumeMounts: [
          ...(main.volumeMounts ?? []),
          { name: HADOOP_CONF_VOLUME, mountPath: HADOOP_CONF_DIR },
        ],
      },
      ...rest,
    ],
  };
}
