/**
 * What the NetworkPolicies follow from: which parts run and where, which UIs are exposed and how, and the ports of
 * the endpoints outside the cluster (an address cannot be named by host in a NetworkPolicy, so only their ports and
 * `network.egress.externalCidrs` narrow them). Pure; derived from the slice of the configuration it reads.
 */
import { OPERATOR_POD_LABELS } from "../monitoring/podMonitors";
import type { NetworkConfig } from "./config";

/** How a UI is reached from outside: not at all, through the ingress controller, or through an oauth2-proxy. */
export type UiExposure = "none" | "ingress" | "proxy";

export interface ClusterPlan {
  readonly name: string;
  readonly namespace: string;
  /** Kubernetes HA: TaskManagers find the leader through ConfigMaps, so they call the API server too. */
  readonly kubernetesHa: boolean;
  readonly ui: UiExposure;
}

/** Where a backing service is: run by the platform (pods in the platform namespace), or outside, on these ports. */
export type ServicePlan =
  { readonly kind: "managed" } | { readonly kind: "external"; readonly ports: number[] };

export interface NetworkPlan {
  readonly settings: NetworkConfig;
  readonly platformNamespace: string;
  /** Every namespace the platform puts pods in. */
  readonly namespaces: readonly string[];
  /** The operator: installed here (its pod gets a policy), or an existing one that only appears as a peer. */
  readonly operator: {
    readonly installed: boolean;
    readonly namespace: string;
    readonly labels: Readonly<Record<string, string>>;
    readonly webhook: boolean;
  };
  readonly clusters: readonly ClusterPlan[];
  /** Whether the Flink pods fetch jars at start (Hadoop client, Hive connector) from the Maven repository. */
  readonly flinkFetchesJars: boolean;
  readonly mavenPort: number;
  readonly zookeeper?: ServicePlan;
  readonly s3?: ServicePlan;
  readonly hdfs?: ServicePlan;
  readonly mysql?: ServicePlan;
  readonly hive: boolean;
  readonly streampark?: { readonly ui: UiExposure };
  readonly monitoring: boolean;
  /** Port of the identity provider, when oauth2-proxy runs. */
  readonly identityProviderPort?: number;
}

/** The slice of the configuration the plan reads. */
export interface NetworkPlanSource {
  readonly platform: {
    readonly namespace: string;
    readonly artifacts: { readonly mavenRepository: string; readonly fetchJars: boolean };
  };
  readonly namespaces: readonly string[];
  readonly operator: { readonly install: boolean; readonly webhook: boolean };
  readonly storage: {
    readonly type: string;
    readonly s3: { readonly mode: string; readonly external: { readonly endpoint?: string } };
    readonly hdfs: { readonly mode: string; readonly external: { readonly defaultFS?: string } };
  };
  readonly ha: {
    readonly type: string;
    readonly zookeeper: { readonly mode: string; readonly external: { readonly quorum?: string } };
  };
  readonly hive: { readonly enabled: boolean };
  readonly mysql: { readonly mode: string; readonly external: { readonly port: number } };
  readonly streampark: {
    readonly enabled: boolean;
    readonly ingress: { readonly enabled: boolean; readonly host?: string };
  };
  readonly monitoring: { readonly enabled: boolean };
  readonly network: NetworkConfig;
  readonly flink: {
    readonly clusters: ReadonlyArray<{
      readonly name: string;
      readonly namespace: string;
      readonly ingress: { readonly enabled: boolean; readonly host?: string };
    }>;
  };
}

/** The port of a URL, its scheme's default when it names none. */
export function urlPort(text: string): number {
  const parsed = new URL(text);
  if (parsed.port) {
    return Number(parsed.port);
  }
  return parsed.protocol === "https:" ? 443 : 80;
}

/** HDFS clients talk to the NameNode (the port of `fs.defaultFS`, 8020 by default) and to every DataNode's data
 * transfer and IPC ports (9866 and 9867, Hadoop 3's defaults). */
export function hdfsPorts(defaultFS: string): number[] {
  const match = /^hdfs:\/\/[^/:]+(?::(\d+))?/.exec(defaultFS);
  return [match?.[1] ? Number(match[1]) : 8020, 9866, 9867];
}

/** The ports of a `host:port[,host:port...]` quorum. */
export function quorumPorts(quorum: string): number[] {
  return [...new Set(quorum.split(",").map((member) => Number(member.slice(member.lastIndexOf(":") + 1))))];
}

function exposure(
  ingress: { readonly enabled: boolean; readonly host?: string },
  auth: NetworkConfig["auth"],
): UiExposure {
  if (!ingress.enabled || !ingress.host) {
    return "none";
  }
  return auth.mode === "oauth2-proxy" ? "proxy" : "ingress";
}

/** The network plan of a validated configuration. */
export function networkPlan(config: NetworkPlanSource): NetworkPlan {
  const { network, storage, ha } = config;
  const namespace = config.platform.namespace;
  const hdfsStore = storage.type === "hdfs";
  const mysqlNeeded = config.streampark.enabled || config.hive.enabled;
  const clusters = config.flink.clusters.map((c) => ({
    name: c.name,
    namespace: c.namespace,
    kubernetesHa: ha.type === "kubernetes",
    ui: exposure(c.ingress, network.auth),
  }));
  const streampark = config.streampark.enabled
    ? { ui: exposure(config.streampark.ingress, network.auth) }
    : undefined;
  const proxied = clusters.some((c) => c.ui === "proxy") || streampark?.ui === "proxy";
  const issuer = network.auth.oauth2Proxy.issuerUrl;
  return {
    settings: network,
    platformNamespace: namespace,
    namespaces: config.namespaces,
    operator: {
      installed: config.operator.install,
      namespace: config.operator.install ? namespace : (network.existingOperator.namespace ?? namespace),
      // The chart's selector labels for the operator it installs; the config's for one installed otherwise.
      labels: config.operator.install ? OPERATOR_POD_LABELS : network.existingOperator.podLabels,
      webhook: config.operator.install && config.operator.webhook,
    },
    clusters,
    flinkFetchesJars: config.platform.artifacts.fetchJars && (hdfsStore || config.hive.enabled),
    mavenPort: urlPort(config.platform.artifacts.mavenRepository),
    ...(ha.type === "zookeeper"
      ? {
          zookeeper:
            ha.zookeeper.mode === "managed"
              ? { kind: "managed" as const }
              : { kind: "external" as const, ports: quorumPorts(ha.zookeeper.external.quorum ?? "") },
        }
      : {}),
    ...(storage.type === "s3"
      ? {
          s3:
            storage.s3.mode === "managed"
              ? { kind: "managed" as const }
              : { kind: "external" as const, ports: [urlPort(storage.s3.external.endpoint ?? "https://s3")] },
        }
      : {}),
    ...(hdfsStore
      ? {
          hdfs:
            storage.hdfs.mode === "managed"
              ? { kind: "managed" as const }
              : { kind: "external" as const, ports: hdfsPorts(storage.hdfs.external.defaultFS ?? "") },
        }
      : {}),
    ...(mysqlNeeded
      ? {
          mysql:
            config.mysql.mode === "managed"
              ? { kind: "managed" as const }
              : { kind: "external" as const, ports: [config.mysql.external.port] },
        }
      : {}),
    hive: config.hive.enabled,
    ...(streampark ? { streampark } : {}),
    monitoring: config.monitoring.enabled,
    ...(proxied ? { identityProviderPort: issuer ? urlPort(issuer) : 443 } : {}),
  };
}
