/**
 * What the NetworkPolicies follow from: which parts run and where, which UIs are exposed and how, and the ports of
 * the endpoints outside the cluster (an address cannot be named by host in a NetworkPolicy, so only their ports and
 * `network.egress.externalCidrs` narrow them). Pure; derived from the slice of the configuration it reads.
 */
import { OPERATOR_POD_LABELS } from "../monitoring/podMonitors";
import type { NetworkConfig } from "./config";

/** How a UI is reached from outside: not at all, through the ingress controller, or through an oauth2-proxy. */
export type UiExposure = "none" | "ingress" | "proxy";

/**
 * A Flink cluster in native mode, session cluster or application: the operator runs its JobManagers, which create its
 * TaskManagers, all labelled by Flink (`flinkPods`) and taking the same ports and flows.
 */
export interface ClusterPlan {
  /** Name of the FlinkDeployment, which Flink's labels carry (`app`). */
  readonly name: string;
  /** Where the FlinkDeployment, its pods and its SQL Gateway run. */
  readonly namespace: string;
  /**
   * A session cluster takes jobs over REST from StreamPark (and its SQL Gateway); an application runs the one job it
   * was deployed with, so nothing but the operator and the UI's clients call its REST API.
   */
  readonly kind: "session" | "application";
  /** Kubernetes HA: TaskManagers find the leader through ConfigMaps, so they call the API server too. */
  readonly kubernetesHa: boolean;
  /** How the Flink UI (the REST API) is exposed. */
  readonly ui: UiExposure;
  /** The cluster's SQL Gateway, when it runs (session clusters with `sqlGateway.enabled`): how it is exposed. */
  readonly sqlGateway?: { readonly ui: UiExposure };
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
  /** The session clusters, then the applications. */
  readonly clusters: readonly ClusterPlan[];
  /**
   * Whether init containers fetch jars at all (`platform.artifacts.fetchJars`): the SQL Gateways and the history
   * server then always fetch one (the JMX exporter), whatever the store and Hive.
   */
  readonly fetchJars: boolean;
  /** Whether the Flink pods fetch jars at start (Hadoop client, Hive connector) from the Maven repository. */
  readonly flinkFetchesJars: boolean;
  readonly mavenPort: number;
  readonly zookeeper?: ServicePlan;
  readonly s3?: ServicePlan;
  readonly hdfs?: ServicePlan;
  readonly mysql?: ServicePlan;
  readonly hive: boolean;
  readonly streampark?: { readonly ui: UiExposure };
  /**
   * The history server, when it runs (`flink.historyServer.enabled`; validation requires a durable store for it):
   * how its UI is exposed.
   */
  readonly historyServer?: { readonly ui: UiExposure };
  readonly monitoring: boolean;
  /** Port of the identity provider, when oauth2-proxy runs. */
  readonly identityProviderPort?: number;
}

/** An Ingress as far as the plan reads it: whether it serves a host. */
interface IngressSource {
  readonly enabled: boolean;
  readonly host?: string;
}

/** A Flink cluster as far as the plan reads it (`flink.clusters.<name>`, `flink.applications.<name>`). */
interface FlinkClusterSource {
  readonly name: string;
  readonly namespace: string;
  readonly ingress: IngressSource;
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
    readonly clusters: ReadonlyArray<
      FlinkClusterSource & {
        readonly sqlGateway: { readonly enabled: boolean; readonly ingress: IngressSource };
      }
    >;
    readonly applications: readonly FlinkClusterSource[];
    readonly historyServer: { readonly enabled: boolean; readonly ingress: IngressSource };
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

function exposure(ingress: IngressSource, auth: NetworkConfig["auth"]): UiExposure {
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
  const cluster = (c: FlinkClusterSource, kind: ClusterPlan["kind"]) => ({
    name: c.name,
    namespace: c.namespace,
    kind,
    kubernetesHa: ha.type === "kubernetes",
    ui: exposure(c.ingress, network.auth),
  });
  const clusters: ClusterPlan[] = [
    ...config.flink.clusters.map((c) => ({
      ...cluster(c, "session"),
      ...(c.sqlGateway.enabled ? { sqlGateway: { ui: exposure(c.sqlGateway.ingress, network.auth) } } : {}),
    })),
    ...config.flink.applications.map((a) => cluster(a, "application")),
  ];
  const streampark = config.streampark.enabled
    ? { ui: exposure(config.streampark.ingress, network.auth) }
    : undefined;
  const historyServer = config.flink.historyServer.enabled
    ? { ui: exposure(config.flink.historyServer.ingress, network.auth) }
    : undefined;
  const proxied = [
    ...clusters.flatMap((c) => [c.ui, c.sqlGateway?.ui]),
    streampark?.ui,
    historyServer?.ui,
  ].includes("proxy");
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
    fetchJars: config.platform.artifacts.fetchJars,
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
    ...(historyServer ? { historyServer } : {}),
    monitoring: config.monitoring.enabled,
    ...(proxied ? { identityProviderPort: issuer ? urlPort(issuer) : 443 } : {}),
  };
}
