/**
 * The names of the objects the platform puts in each namespace, known from config alone, so validation can refuse a
 * session cluster whose objects (or Flink's, named after the cluster) would take the name of another part's, or of
 * another cluster's, before anything is registered. A unit test holds these lists against what the program
 * registers.
 */
import type { ResolvedApplication, ResolvedSessionCluster } from "../flink/clusterSchema";
import { HISTORY_SERVER_NAME, sqlGatewayName } from "../flink/jobServices";
import { HISTORY_SERVER_UI } from "../network/flows";
import { flinkPodMonitorName } from "../monitoring/podMonitors";
import { clusterName } from "./primitives";
import type { ConfigProblem } from "./problems";

/** An object by namespace, kind and name, and the part of the config it comes from. */
export interface NamedObject {
  readonly namespace: string;
  readonly kind: string;
  readonly name: string;
  /** The config key of the part (`streampark`, `flink.clusters.etl`, ...). */
  readonly owner: string;
}

/** The slice of the parsed config that decides which parts run. */
export interface PartsConfig {
  readonly platform: { readonly namespace: string };
  readonly operator: { readonly install: boolean; readonly webhook: boolean };
  readonly storage: {
    readonly type: string;
    readonly s3: { readonly mode: string };
    readonly hdfs: { readonly mode: string };
  };
  readonly ha: { readonly type: string; readonly zookeeper: { readonly mode: string } };
  readonly hive: { readonly enabled: boolean };
  readonly streampark: { readonly enabled: boolean };
  readonly mysql: { readonly mode: string };
  readonly monitoring: { readonly enabled: boolean; readonly prometheusOperator: boolean };
  readonly flink: { readonly historyServer: { readonly enabled: boolean } };
}

type Objects = Array<[kind: string, name: string]>;

/** The objects of the oauth2-proxy in front of a UI, all named `oauth2-proxy-<ui>`. */
const proxyObjects = (ui: string): Objects =>
  ["Deployment", "Service", "Secret", "Ingress"].map((kind) => [kind, `oauth2-proxy-${ui}`]);

/**
 * The objects of one session cluster: the FlinkDeployment, what Flink's native mode creates from its name (the
 * JobManager Deployment and Services, its configuration ConfigMaps), and what the platform adds (service account,
 * Role, disruption budget, PodMonitor).
 */
export function clusterObjects(cluster: Pick<ResolvedSessionCluster, "name" | "namespace">): NamedObject[] {
  return flinkClusterObjects(cluster, `flink.clusters.${cluster.name}`);
}

/** The objects of an application deployment: those of any Flink cluster. */
export function applicationObjects(
  application: Pick<ResolvedApplication, "name" | "namespace">,
): NamedObject[] {
  return flinkClusterObjects(application, `flink.applications.${application.name}`);
}

/** The objects of a Flink cluster (`owner`: its config key). */
function flinkClusterObjects(
  cluster: Pick<ResolvedSessionCluster, "name" | "namespace">,
  owner: string,
): NamedObject[] {
  const n = cluster.name;
  const objects: Objects = [
    ["FlinkDeployment", n],
    ["Deployment", n],
    ["Service", n],
    ["Service", `${n}-rest`],
    ["ConfigMap", `flink-config-${n}`],
    ["ConfigMap", `pod-template-${n}`],
    ["ServiceAccount", `flink-${n}`],
    ["Role", `flink-${n}`],
    ["RoleBinding", `flink-${n}`],
    ["PodDisruptionBudget", `${n}-jobmanager`],
    ["Ingress", n],
    ["PodMonitor", flinkPodMonitorName(n)],
    // The oauth2-proxy in front of the UI (network.auth.mode: oauth2-proxy); listed whether or not it runs.
    ...proxyObjects(n),
  ];
  return objects.map(([kind, name]) => ({ namespace: cluster.namespace, kind, name, owner }));
}

/**
 * The objects of a session cluster's jobs and, when it runs, its SQL Gateway (with its oauth2-proxy, listed whether
 * or not that runs): a gateway is opt-in, so its longer names never refuse a cluster name that runs none.
 */
export function clusterExtraObjects(
  cluster: Pick<ResolvedSessionCluster, "name" | "namespace" | "jobs" | "sqlGateway">,
): NamedObject[] {
  const owner = `flink.clusters.${cluster.name}`;
  const gateway = sqlGatewayName(cluster);
  return [
    // An invalid job name is reported by flink/jobChecks.ts.
    ...Object.keys(cluster.jobs)
      .filter((job) => clusterName.safeParse(job).success)
      .map((job) => ({
        namespace: cluster.namespace,
        kind: "FlinkSessionJob",
        name: job,
        owner: `${owner}.jobs.${job}`,
      })),
    ...(cluster.sqlGateway.enabled
      ? [
          ...(["Deployment", "Service", "Ingress", "PodMonitor", "ConfigMap"] as const).map(
            (kind): [string, string] => [kind, gateway],
          ),
          ...proxyObjects(gateway),
        ]
      : []
    ).map(([kind, name]) => ({ namespace: cluster.namespace, kind, name, owner: `${owner}.sqlGateway` })),
  ];
}

/** The objects of the platform's own parts, by the config that turns each on. */
export function platformObjects(config: PartsConfig, clusterNamespaces: readonly string[]): NamedObject[] {
  const ns = config.platform.namespace;
  const objects: NamedObject[] = [];
  const add = (owner: string, namespace: string, list: Objects) =>
    objects.push(...list.map(([kind, name]) => ({ namespace, kind, name, owner })));
  if (config.operator.install) {
    // The chart's names (release 1.15.0); its Role and RoleBinding go to every namespace it watches.
    add("operator", ns, [
      ["Deployment", "flink-kubernetes-operator"],
      ["ServiceAccount", "flink-operator"],
      ["ConfigMap", "flink-operator-config"],
    ]);
    for (const watched of new Set([ns, ...clusterNamespaces])) {
      add("operator", watched, [
        ["Role", "flink-operator"],
        ["RoleBinding", "flink-operator-role-binding"],
      ]);
    }
    if (config.operator.webhook) {
      add("operator.webhook", ns, [
        ["Service", "flink-operator-webhook-service"],
        ["Secret", "flink-operator-webhook-keystore"],
      ]);
    }
  }
  const { storage, ha } = config;
  if (storage.type === "s3" && storage.s3.mode === "managed") {
    add("storage.s3", ns, [
      ["Service", "minio"],
      ["StatefulSet", "minio"],
      ["Secret", "minio-root"],
      ["Secret", "minio-users"],
    ]);
  }
  if (storage.type === "hdfs" && storage.hdfs.mode === "managed") {
    add("storage.hdfs", ns, [
      ["Service", "hdfs-namenode"],
      ["Service", "hdfs-datanode"],
      ["StatefulSet", "hdfs-namenode"],
      ["StatefulSet", "hdfs-datanode"],
      ["Job", "hdfs-base-directory"],
    ]);
  }
  if (ha.type === "zookeeper" && ha.zookeeper.mode === "managed") {
    add("ha.zookeeper", ns, [
      ["Service", "zookeeper"],
      ["Service", "zookeeper-headless"],
      ["StatefulSet", "zookeeper"],
      ["PodDisruptionBudget", "zookeeper"],
    ]);
  }
  const mysql = config.streampark.enabled || config.hive.enabled;
  if (mysql && config.mysql.mode === "managed") {
    add("mysql", ns, [
      ["Service", "mysql"],
      ["StatefulSet", "mysql"],
    ]);
  }
  if (config.hive.enabled) {
    add("hive", ns, [
      ["Service", "hive-metastore"],
      ["Deployment", "hive-metastore"],
      ["Secret", "hive-metastore-site"],
    ]);
  }
  if (config.streampark.enabled) {
    add("streampark", ns, [
      ["Service", "streampark"],
      ["Deployment", "streampark"],
      ["Secret", "streampark-admin"],
      ["Secret", "streampark-config"],
      ["PersistentVolumeClaim", "streampark-workspace"],
      ...proxyObjects("streampark"),
    ]);
  }
  if (config.flink.historyServer.enabled) {
    add("flink.historyServer", ns, [
      ...["Deployment", "Service", "Ingress", "ConfigMap", "PodMonitor"].map((kind): [string, string] => [
        kind,
        HISTORY_SERVER_NAME,
      ]),
      ...proxyObjects(HISTORY_SERVER_UI),
    ]);
  }
  if (config.monitoring.enabled && config.monitoring.prometheusOperator) {
    add("monitoring", ns, [["PrometheusRule", "flink-platform"]]);
    if (config.operator.install) {
      add("monitoring", ns, [["PodMonitor", "flink-operator"]]);
    }
    // The backing services' scrape targets are named after them.
    if (storage.type === "s3" && storage.s3.mode === "managed") {
      add("monitoring", ns, [["PodMonitor", "minio"]]);
    }
    if (ha.type === "zookeeper" && ha.zookeeper.mode === "managed") {
      add("monitoring", ns, [["PodMonitor", "zookeeper"]]);
    }
  }
  return objects;
}

/** Kinds whose names must be DNS-1123 labels (at most 63 characters, alphanumeric at both ends). */
const LABEL_NAMED_KINDS = new Set(["Service", "Deployment", "FlinkDeployment", "StatefulSet"]);

/**
 * Problems of the clusters' objects: a name another part or cluster already uses for the same kind in the same
 * namespace, and names Kubernetes would refuse. Reported under each cluster's key.
 */
export function objectNameProblems(
  config: PartsConfig,
  clusters: ReadonlyArray<Pick<ResolvedSessionCluster, "name" | "namespace" | "jobs" | "sqlGateway">>,
  applications: ReadonlyArray<Pick<ResolvedApplication, "name" | "namespace">> = [],
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const taken = new Map<string, NamedObject>();
  const key = (o: NamedObject) => `${o.namespace}\u0000${o.kind}\u0000${o.name}`;
  for (const object of platformObjects(
    config,
    [...clusters, ...applications].map((c) => c.namespace),
  )) {
    taken.set(key(object), object);
  }
  const owners = [
    ...clusters.map((c) => ({
      at: `flink.clusters.${c.name}`,
      name: c.name,
      objects: () => [...clusterObjects(c), ...clusterExtraObjects(c)],
    })),
    ...applications.map((a) => ({
      at: `flink.applications.${a.name}`,
      name: a.name,
      objects: () => applicationObjects(a),
    })),
  ];
  for (const { at, name, objects } of owners) {
    if (!clusterName.safeParse(name).success) {
      continue; // flink/checks.ts reports the name; its derived names say nothing more.
    }
    const clashes = new Set<string>();
    for (const object of objects()) {
      if (object.name.length > 63 || !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(object.name)) {
        problems.push({
          path: at,
          message: `its ${object.kind} would be named '${object.name}', which Kubernetes refuses`,
        });
      } else if (LABEL_NAMED_KINDS.has(object.kind) && object.name.includes(".")) {
        problems.push({ path: at, message: `its ${object.kind} '${object.name}' must not contain '.'` });
      }
      const other = taken.get(key(object));
      if (other && other.owner !== object.owner) {
        clashes.add(
          `its ${object.kind} '${object.name}' clashes with ${other.owner}'s in namespace ${object.namespace}`,
        );
      }
      taken.set(key(object), object);
    }
    for (const clash of clashes) {
      problems.push({ path: at, message: `${clash}; rename the cluster or move it to another namespace` });
    }
  }
  return problems;
}
