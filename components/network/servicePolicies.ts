/**
 * The policies of the backing services and of StreamPark: MinIO, HDFS and ZooKeeper take their clients (the Flink
 * pods, the SQL Gateways and the history server on the store, the metastore, the operator) and their setup Jobs;
 * MySQL takes StreamPark, the metastore and the database Jobs; the metastore takes the Flink pods and the SQL
 * Gateways; StreamPark takes its bootstrap Job and the UI's clients; each oauth2-proxy takes the ingress controller
 * and reaches its UI and the identity provider. Pure.
 */
import { FLINK_PORTS } from "../flink/flinkConfiguration";
import { HISTORY_SERVER_PORT, SQL_GATEWAY_PORT, sqlGatewayName } from "../flink/jobServices";
import {
  allFlinkPods,
  externalStorePorts,
  Flow,
  HISTORY_SERVER_UI,
  managedStoreFlows,
  mysqlFlow,
  oauth2ProxyName,
  outside,
  peersOf,
  podPolicy,
  Pods,
  sqlGateways,
  storeClients,
} from "./flows";
import type { NetworkPolicyObject, PolicyPort } from "./model";
import { flinkPods, PodGroup, podPeer, ports, tcp } from "./peers";
import type { NetworkPlan } from "./plan";

export function storePolicies(plan: NetworkPlan, pods: Pods): NetworkPolicyObject[] {
  const ns = plan.platformNamespace;
  const policies: NetworkPolicyObject[] = [];
  const prometheus = (port: string): Flow[] =>
    plan.monitoring ? [{ peers: peersOf(ns, pods.prometheus), ports: [tcp(port)] }] : [];
  const hiveOn = (kind: "s3" | "hdfs") => (plan.hive && plan[kind]?.kind === "managed" ? [pods.hive] : []);
  if (plan.s3?.kind === "managed") {
    // MinIO serves its metrics on the S3 port; the console, when on, is reached with kubectl port-forward.
    policies.push(
      ...podPolicy(
        plan,
        "minio",
        pods.minio,
        [
          {
            peers: [...storeClients(plan, ns, pods), ...peersOf(ns, pods.minioSetup, ...hiveOn("s3"))],
            ports: [tcp("s3")],
          },
          ...prometheus("s3"),
        ],
        [],
      ),
      ...podPolicy(
        plan,
        "minio-setup",
        pods.minioSetup,
        [],
        [{ peers: peersOf(ns, pods.minio), ports: [tcp("s3")] }],
      ),
    );
  }
  if (plan.hdfs?.kind === "managed") {
    const clients = [...storeClients(plan, ns, pods), ...peersOf(ns, ...hiveOn("hdfs"))];
    policies.push(
      ...podPolicy(
        plan,
        "hdfs-namenode",
        pods.nameNode,
        [{ peers: [...clients, ...peersOf(ns, pods.dataNode, pods.hdfsSetup)], ports: [tcp("rpc")] }],
        [],
      ),
      ...podPolicy(
        plan,
        "hdfs-datanode",
        pods.dataNode,
        // Writes go through a pipeline of DataNodes, so DataNodes are each other's clients.
        [{ peers: [...clients, ...peersOf(ns, pods.dataNode)], ports: [tcp("data"), tcp("ipc")] }],
        [
          { peers: peersOf(ns, pods.nameNode), ports: [tcp("rpc")] },
          { peers: peersOf(ns, pods.dataNode), ports: [tcp("data"), tcp("ipc")] },
        ],
      ),
      ...podPolicy(
        plan,
        "hdfs-setup",
        pods.hdfsSetup,
        [],
        [{ peers: peersOf(ns, pods.nameNode), ports: [tcp("rpc")] }],
      ),
    );
  }
  if (plan.zookeeper?.kind === "managed") {
    policies.push(
      ...podPolicy(
        plan,
        "zookeeper",
        pods.zookeeper,
        [
          { peers: [...allFlinkPods(plan, ns), ...peersOf(ns, pods.operator)], ports: [tcp("client")] },
          { peers: peersOf(ns, pods.zookeeper), ports: [tcp("follower"), tcp("election")] },
          ...prometheus("metrics"),
        ],
        [{ peers: peersOf(ns, pods.zookeeper), ports: [tcp("follower"), tcp("election")] }],
      ),
    );
  }
  return policies;
}

export function databasePolicies(plan: NetworkPlan, pods: Pods): NetworkPolicyObject[] {
  const ns = plan.platformNamespace;
  const policies: NetworkPolicyObject[] = [];
  if (!plan.mysql) {
    return policies;
  }
  if (plan.mysql.kind === "managed") {
    const clients = [
      pods.databaseJobs,
      ...(plan.streampark ? [pods.streampark] : []),
      ...(plan.hive ? [pods.hive] : []),
    ];
    policies.push(
      ...podPolicy(
        plan,
        "mysql",
        pods.mysql,
        [{ peers: peersOf(ns, ...clients), ports: [tcp("mysql")] }],
        [],
      ),
    );
  }
  policies.push(...podPolicy(plan, "mysql-database", pods.databaseJobs, [], mysqlFlow(plan, ns, pods)));
  if (plan.hive) {
    policies.push(
      ...podPolicy(
        plan,
        "hive-metastore",
        pods.hive,
        // The Flink pods' Hive catalogs, and the SQL Gateways' (which plan statements over Hive tables).
        [
          {
            peers: [...allFlinkPods(plan, ns), ...peersOf(ns, ...sqlGateways(plan, pods))],
            ports: [tcp("thrift")],
          },
        ],
        [
          ...mysqlFlow(plan, ns, pods),
          ...managedStoreFlows(plan, ns, pods),
          // The JDBC driver is fetched at start, and an external warehouse store is outside.
          { peers: outside(plan), ports: ports([plan.mavenPort, ...externalStorePorts(plan)]) },
        ],
      ),
    );
  }
  return policies;
}

export function streamParkPolicies(plan: NetworkPlan, pods: Pods): NetworkPolicyObject[] {
  if (!plan.streampark) {
    return [];
  }
  const ns = plan.platformNamespace;
  const ui = plan.streampark.ui;
  const clients = [
    pods.streamparkBootstrap,
    ...(ui === "ingress" ? [pods.ingressController] : []),
    ...(ui === "proxy" ? [pods.oauth2Proxy(ns, "streampark")] : []),
  ];
  return [
    ...podPolicy(
      plan,
      "streampark",
      pods.streampark,
      [{ peers: peersOf(ns, ...clients), ports: [tcp("http")] }],
      [
        ...mysqlFlow(plan, ns, pods),
        // Jobs are submitted to the session clusters through their REST API.
        {
          peers: plan.clusters
            .filter((c) => c.kind === "session")
            .map((c) => podPeer(flinkPods(c, "jobmanager"), ns)),
          ports: ports([FLINK_PORTS.rest]),
        },
        // The JDBC driver at start, and the Maven builds of users' projects.
        { peers: outside(plan), ports: ports([plan.mavenPort]) },
      ],
    ),
    ...podPolicy(
      plan,
      "streampark-bootstrap",
      pods.streamparkBootstrap,
      [],
      [{ peers: peersOf(ns, pods.streampark), ports: [tcp("http")] }],
    ),
  ];
}

export function proxyPolicies(plan: NetworkPlan, pods: Pods): NetworkPolicyObject[] {
  const proxies: Array<{ ui: string; namespace: string; upstream: PodGroup; port: PolicyPort }> = [
    ...plan.clusters
      .filter((c) => c.ui === "proxy")
      .map((c) => ({
        ui: c.name,
        namespace: c.namespace,
        upstream: flinkPods(c, "jobmanager"),
        port: tcp(FLINK_PORTS.rest),
      })),
    ...plan.clusters
      .filter((c) => c.sqlGateway?.ui === "proxy")
      .map((c) => ({
        ui: sqlGatewayName(c),
        namespace: c.namespace,
        upstream: pods.sqlGateway(c),
        port: tcp(SQL_GATEWAY_PORT),
      })),
    ...(plan.streampark?.ui === "proxy"
      ? [
          {
            ui: "streampark",
            namespace: plan.platformNamespace,
            upstream: pods.streampark,
            port: tcp("http"),
          },
        ]
      : []),
    ...(plan.historyServer?.ui === "proxy"
      ? [
          {
            ui: HISTORY_SERVER_UI,
            namespace: plan.platformNamespace,
            upstream: pods.historyServer,
            port: tcp(HISTORY_SERVER_PORT),
          },
        ]
      : []),
  ];
  return proxies.flatMap((proxy) =>
    podPolicy(
      plan,
      oauth2ProxyName(proxy.ui),
      pods.oauth2Proxy(proxy.namespace, proxy.ui),
      [{ peers: peersOf(proxy.namespace, pods.ingressController), ports: [tcp("http")] }],
      [
        { peers: peersOf(proxy.namespace, proxy.upstream), ports: [proxy.port] },
        // The identity provider: discovery, token redemption and key sets.
        { peers: outside(plan), ports: ports([plan.identityProviderPort ?? 443]) },
      ],
    ),
  );
}
