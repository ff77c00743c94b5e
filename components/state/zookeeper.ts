/**
 * A managed ZooKeeper ensemble (official image) for JobManager HA: a StatefulSet of 1 or 3 servers whose ids come
 * from the pod ordinal, a headless Service that publishes not-ready addresses (servers must find each other
 * before any of them is ready), a client Service, and a PodDisruptionBudget that keeps the quorum.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { platformLabels, selectorLabels } from "../kube/labels";
import type { ContainerResources } from "../kube/resources";
import { nonRootPodSecurityContext, restrictedContainerSecurityContext } from "../kube/securityContext";
import { claimRetentionPolicy, dataVolumeClaimTemplate, VolumeSettings } from "../kube/volumes";
import { podScrapeTarget, ScrapeTarget } from "../monitoring/scrapeTargets";

export const ZOOKEEPER_CLIENT_PORT = 2181;
export const ZOOKEEPER_METRICS_PORT = 7000;

export interface ZooKeeperArgs {
  /** Namespace of the ensemble (the platform namespace). */
  readonly namespace: string;
  /** Exact ZooKeeper image (`ha.zookeeper.managed.image`, default zookeeper:3.9.4). */
  readonly image: string;
  /** Servers in the ensemble: 1 (no fault tolerance, the default) or 3. */
  readonly replicas: number;
  /** Each server's data volume (`ha.zookeeper.managed.volume`, default 5Gi in the default storage class). */
  readonly volume: VolumeSettings;
  /** Requests and limits of each server (default 100m/512Mi requested, 500m/1Gi limit). */
  readonly resources: ContainerResources;
  /** Let deleting the StatefulSet delete its data volumes too (`platform.allowDataLoss`, default false). */
  readonly allowDataLoss: boolean;
}

/** `ZOO_SERVERS` for an ensemble: `server.<id>=<pod>.<headless>...:2888:3888;2181`, ids from 1. */
/** ZooKeeper's Prometheus metrics provider, in zookeeper-prometheus-metrics of the image's lib/. */
export const ZOOKEEPER_METRICS_PROVIDER = "org.apache.zookeeper.metrics.prometheus.PrometheusMetricsProvider";

export function zooServers(name: string, namespace: string, replicas: number): string {
  return Array.from(
    { length: replicas },
    (_, i) =>
      `server.${i + 1}=${name}-${i}.${name}-headless.${namespace}.svc:2888:3888;${ZOOKEEPER_CLIENT_PORT}`,
  ).join(" ");
}

/** Client connection string of the ensemble, through the client Service. */
export function zooQuorum(name: string, namespace: string): string {
  return `${name}.${namespace}.svc:${ZOOKEEPER_CLIENT_PORT}`;
}

/** The image's entrypoint writes ZOO_MY_ID to /data/myid; the id is the pod ordinal plus one. */
const START_COMMAND =
  "export ZOO_MY_ID=$(( ${HOSTNAME##*-} + 1 )); exec /docker-entrypoint.sh zkServer.sh start-foreground";

const fourLetterProbe = (command: string, expect: string, initialDelaySeconds: number) => ({
  exec: {
    command: ["sh", "-c", `echo ${command} | nc -w 2 127.0.0.1 ${ZOOKEEPER_CLIENT_PORT} | grep -q ${expect}`],
  },
  initialDelaySeconds,
  periodSeconds: 10,
  timeoutSeconds: 5,
  failureThreshold: 3,
});

export class ZooKeeper extends pulumi.ComponentResource {
  /** Client connection string. */
  public readonly quorum: string;
  /** What Prometheus scrapes: the metrics provider's port. */
  public readonly scrapeTarget: ScrapeTarget;

  constructor(name: string, args: ZooKeeperArgs, opts?: pulumi.ComponentResourceOptions) {
    super("flink-platform:state:ZooKeeper", name, {}, opts);
    const labels = platformLabels("zookeeper", name);
    const selector = selectorLabels("zookeeper", name);
    const ports = [
      { name: "client", port: ZOOKEEPER_CLIENT_PORT },
      { name: "follower", port: 2888 },
      { name: "election", port: 3888 },
    ];
    const headless = new k8s.core.v1.Service(
      `${name}-headless`,
      {
        metadata: { name: `${name}-headless`, namespace: args.namespace, labels },
        spec: {
          clusterIP: "None",
          publishNotReadyAddresses: true,
          selector,
          ports: ports.map((p) => ({ ...p, targetPort: p.name })),
        },
      },
      { parent: this },
    );
    new k8s.core.v1.Service(
      name,
      {
        metadata: { name, namespace: args.namespace, labels },
        spec: { selector, ports: [{ name: "client", port: ZOOKEEPER_CLIENT_PORT, targetPort: "client" }] },
      },
      { parent: this },
    );
    const template = {
      metadata: { labels },
      spec: {
        // ZooKeeper never calls the Kubernetes API.
        automountServiceAccountToken: false,
        securityContext: nonRootPodSecurityContext(1000),
        containers: [
          {
            name: "zookeeper",
            image: args.image,
            command: ["bash", "-c", START_COMMAND],
            env: [
              { name: "ZOO_SERVERS", value: zooServers(name, args.namespace, args.replicas) },
              { name: "ZOO_STANDALONE_ENABLED", value: String(args.replicas === 1) },
              { name: "ZOO_4LW_COMMANDS_WHITELIST", value: "ruok,srvr,mntr" },
              { name: "ZOO_AUTOPURGE_PURGEINTERVAL", value: "24" },
              {
                name: "ZOO_CFG_EXTRA",
                value: [
                  "quorumListenOnAllIPs=true",
                  // The provider class of zookeeper-prometheus-metrics (ZooKeeper's admin guide); 3.9.4 exits with
                  // "metrics provider class was not found" on any other name.
                  `metricsProvider.className=${ZOOKEEPER_METRICS_PROVIDER}`,
                  `metricsProvider.httpPort=${ZOOKEEPER_METRICS_PORT}`,
                ].join(" "),
              },
              { name: "JVMFLAGS", value: "-XX:MaxRAMPercentage=60" },
            ],
            ports: [
              ...ports.map((p) => ({ name: p.name, containerPort: p.port })),
              { name: "metrics", containerPort: ZOOKEEPER_METRICS_PORT },
            ],
            livenessProbe: fourLetterProbe("ruok", "imok", 20),
            readinessProbe: fourLetterProbe("srvr", "Mode", 10),
            resources: args.resources,
            securityContext: restrictedContainerSecurityContext(),
            volumeMounts: [
              { name: "data", mountPath: "/data", subPath: "data" },
              { name: "data", mountPath: "/datalog", subPath: "datalog" },
            ],
          },
        ],
      },
    };
    this.scrapeTarget = podScrapeTarget({
      name,
      namespace: args.namespace,
      pod: template,
      selectBy: Object.keys(selector),
      port: "metrics",
      exporter: "zookeeper",
    });
    new k8s.apps.v1.StatefulSet(
      name,
      {
        metadata: { name, namespace: args.namespace, labels },
        spec: {
          serviceName: `${name}-headless`,
          replicas: args.replicas,
          // Servers of an ensemble start together; waiting for each in turn would never form a quorum.
          podManagementPolicy: "Parallel",
          selector: { matchLabels: selector },
          persistentVolumeClaimRetentionPolicy: claimRetentionPolicy(args.allowDataLoss),
          template,
          volumeClaimTemplates: [dataVolumeClaimTemplate(labels, args.volume)],
        },
      },
      { parent: this, dependsOn: [headless] },
    );
    // Voluntary disruptions (node drains) may take one server at a time, which keeps a 3-server quorum.
    new k8s.policy.v1.PodDisruptionBudget(
      name,
      {
        metadata: { name, namespace: args.namespace, labels },
        spec: { maxUnavailable: 1, selector: { matchLabels: selector } },
      },
      { parent: this },
    );
    this.quorum = zooQuorum(name, args.namespace);
    this.registerOutputs({ quorum: this.quorum });
  }
}
