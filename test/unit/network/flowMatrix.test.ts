/**
 * The whole flow matrix of the dev, staging and prod stacks: every pod the platform runs, the peers it does not run
 * (DNS, Prometheus, the ingress controller, the API server, an address on the internet, the cloud metadata
 * address) and a stranger pod in each namespace, against every port each destination takes. What the rendered
 * NetworkPolicies allow must be exactly the flows listed here, written by hand from the platform's design; every
 * other pair and port must be denied. Beyond the stacks: session clusters with a SQL Gateway next to one without,
 * an application deployment, and the history server, behind the ingress controller and behind oauth2-proxies.
 */
import * as assert from "assert";
import type { Endpoint, PodEndpoint } from "../../../components/network/evaluator";
import { mayConnect } from "../../../components/network/evaluator";
import { readStackConfig } from "../../../stacks/shared/stackFiles";
import { renderRaw } from "../../support/mocks";
import { platformPods, renderedPolicies } from "../../support/podInventory";

/** Ports tried on addresses outside the cluster: HTTPS, the API server's, MySQL, ZooKeeper, Kafka, HTTP, SSH. */
const ADDRESS_PORTS = [22, 80, 443, 2181, 3306, 6443, 9092];

/** Short names of the platform's pods in the flow lists: `flink/session-jobmanager` is `session-jm`. */
function shortName(pod: PodEndpoint): string {
  const name = pod.name
    .slice(pod.name.indexOf("/") + 1)
    .replace(/-[0-9a-f]{10}$/, "")
    .replace(/-jobmanager$/, "-jm")
    .replace(/-taskmanager$/, "-tm")
    .replace(/^mysql-database-/, "db-")
    .replace(/^hdfs-base-directory$/, "hdfs-setup")
    .replace(/^hive-metastore$/, "hive")
    .replace(/^hdfs-(namenode|datanode)$/, "$1")
    .replace(/^flink-kubernetes-operator$/, "operator")
    .replace(/-sql-gateway$/, "-gateway")
    .replace(/^(oauth2-proxy-)?(flink-)?history-server$/, "$1history");
  return name;
}

/** The peers every stack has around the platform, and a stranger pod in each namespace. */
function surroundings(namespaces: readonly string[]): Endpoint[] {
  const pod = (
    name: string,
    namespace: string,
    labels: Record<string, string>,
    ports: PodEndpoint["ports"] = [],
  ) => ({ kind: "pod", name, namespace, labels, ports }) as PodEndpoint;
  return [
    pod("dns", "kube-system", { "k8s-app": "kube-dns" }, [
      { name: "dns", containerPort: 53, protocol: "UDP" },
      { name: "dns-tcp", containerPort: 53, protocol: "TCP" },
    ]),
    pod("prometheus", "monitoring", { "app.kubernetes.io/name": "prometheus" }),
    pod("ingress", "ingress-nginx", { "app.kubernetes.io/name": "ingress-nginx" }),
    // Pods the platform does not run: one in each of its namespaces, one in a namespace without policies.
    ...namespaces.map((ns) => pod(`stranger@${ns}`, ns, { app: "stranger" }, [{ containerPort: 8080 }])),
    pod("stranger@default", "default", { app: "stranger" }, [{ containerPort: 8080 }]),
    { kind: "address", name: "api-server", ip: "172.18.0.2" },
    { kind: "address", name: "internet", ip: "52.95.110.1" },
    { kind: "address", name: "metadata", ip: "169.254.169.254" },
  ];
}

/** `a,b -> c,d:1,2/UDP` or `a -> c:*` (every port tried on c) into `a -> c:1/TCP` lines. */
function expand(lines: readonly string[], portsOf: (name: string) => string[]): Set<string> {
  const flows = new Set<string>();
  for (const line of lines) {
    const [sources, rest] = line.split(" -> ");
    const [targets, portList] = rest.split(":");
    for (const from of sources.split(",")) {
      for (const to of targets.split(",")) {
        const list =
          portList === "*" ? portsOf(to) : portList.split(",").map((p) => (p.includes("/") ? p : `${p}/TCP`));
        for (const port of list) {
          flows.add(`${from} -> ${to}:${port}`);
        }
      }
    }
  }
  return flows;
}

/** Every pair and port the evaluator allows. */
async function allowedFlows(
  raw: Record<string, unknown>,
): Promise<{ allowed: Set<string>; portsOf: (name: string) => string[] }> {
  const { resources } = await renderRaw(raw);
  const policies = renderedPolicies(resources);
  const namespaces = [...new Set(policies.map((p) => p.metadata.namespace))].sort();
  const own = platformPods(resources, "flink").map((p) => ({ ...p, name: shortName(p) }));
  const endpoints = [...own, ...surroundings(namespaces)];
  const portsOf = (name: string): string[] => {
    const endpoint = endpoints.find((e) => e.name === name);
    assert.ok(endpoint, `no endpoint ${name}`);
    return endpoint.kind === "pod"
      ? endpoint.ports.map((p) => `${p.containerPort}/${p.protocol ?? "TCP"}`)
      : ADDRESS_PORTS.map((p) => `${p}/TCP`);
  };
  // Pairs with no end in a platform namespace are the cluster's business, not the platform's.
  const ours = (e: Endpoint) => e.kind === "pod" && namespaces.includes(e.namespace);
  const allowed = new Set<string>();
  for (const from of endpoints) {
    for (const to of endpoints.filter((to) => ours(from) || ours(to))) {
      for (const port of portsOf(to.name)) {
        const [number, protocol] = port.split("/");
        if (mayConnect({ policies }, from, to, Number(number), protocol as "TCP" | "UDP").allowed) {
          allowed.add(`${from.name} -> ${to.name}:${port}`);
        }
      }
    }
  }
  return { allowed, portsOf };
}

/** The flows every stack has: DNS for every pod in a platform namespace, and the flows outside the cluster. */
const OUTSIDE = "api-server,internet";

function dns(pods: readonly string[]): string {
  return `${pods.join(",")} -> dns:53/UDP,53/TCP`;
}

/** The operator, one session cluster without HA, MySQL and StreamPark, as every stack has them. */
function sessionFlows(cluster: string, clients: readonly string[]): string[] {
  const jm = `${cluster}-jm`;
  const tm = `${cluster}-tm`;
  return [
    // The operator, StreamPark (and the UI's clients) call the REST API; Flink's pods talk on the fixed ports.
    `${clients.join(",")} -> ${jm}:8081`,
    `${jm},${tm} -> ${tm}:6122,6121,6170`,
    `${jm},${tm} -> ${jm}:6123,6124,6170`,
    `prometheus -> ${jm},${tm}:9249`,
    // The jobs' sources and sinks are unknown, so Flink may reach any address outside but the metadata service.
    `${jm},${tm} -> ${OUTSIDE}:*`,
  ];
}

const DEV = [
  dns([
    "operator",
    "session-jm",
    "session-tm",
    "mysql",
    "db-streampark",
    "streampark",
    "streampark-bootstrap",
  ]),
  dns(["stranger@flink"]),
  ...sessionFlows("session", ["operator", "streampark"]),
  `operator -> ${OUTSIDE}:443,6443`,
  "prometheus -> operator:9999",
  "db-streampark,streampark -> mysql:3306",
  "streampark-bootstrap -> streampark:10000",
  // StreamPark fetches the JDBC driver and builds users' projects from the Maven repository.
  `streampark -> ${OUTSIDE}:443`,
];

/**
 * Staging, with its jobs: a session job (no pods of its own), the session cluster's SQL Gateway, an application
 * and the history server, none of them exposed.
 */
const STAGING = [
  ...DEV.filter((line) => !line.includes("dns:") && !line.includes("mysql:")),
  dns([
    ...["operator", "session-jm", "session-tm", "mysql", "db-streampark", "db-hive", "streampark"],
    ...["streampark-bootstrap", "zookeeper", "namenode", "datanode", "hdfs-setup", "hive"],
    ...["session-gateway", "state-machine-jm", "state-machine-tm", "history"],
  ]),
  dns(["stranger@flink"]),
  "db-streampark,db-hive,streampark,hive -> mysql:3306",
  // The application: the operator alone calls its REST API; it reaches what the session cluster reaches.
  ...sessionFlows("state-machine", ["operator"]),
  // ZooKeeper HA: the Flink pods and the operator (HA metadata); the ensemble's peers among themselves.
  "session-jm,session-tm,state-machine-jm,state-machine-tm,operator -> zookeeper:2181",
  "zookeeper -> zookeeper:2888,3888",
  "prometheus -> zookeeper:7000",
  // HDFS: checkpoints and archives from Flink, the warehouse from the metastore and the gateway, the archives for
  // the history server; DataNodes register and pipeline writes.
  "session-jm,session-tm,state-machine-jm,state-machine-tm,session-gateway,history -> namenode:8020",
  "hive,datanode,hdfs-setup -> namenode:8020",
  "session-jm,session-tm,state-machine-jm,state-machine-tm,session-gateway,history -> datanode:9866,9867",
  "hive,datanode -> datanode:9866,9867",
  "session-jm,session-tm,state-machine-jm,state-machine-tm,session-gateway -> hive:9083",
  // The metastore fetches its JDBC driver, the gateway and the history server the JMX exporter (and the Hive and
  // Hadoop jars) from the Maven repository.
  `hive,session-gateway,history -> ${OUTSIDE}:443`,
  // The gateway submits its statements' jobs to its own cluster; Prometheus scrapes both JMX exporters.
  "session-gateway -> session-jm:8081",
  "prometheus -> session-gateway,history:9249",
];

const PROD = [
  ...DEV.filter((line) => !line.includes("session") && !line.includes("dns:")),
  dns([
    ...[
      "operator",
      "analytics-jm",
      "analytics-tm",
      "etl-jm",
      "etl-tm",
      "mysql",
      "db-streampark",
      "streampark",
    ],
    "streampark-bootstrap",
  ]),
  dns(["stranger@flink", "stranger@flink-etl"]),
  // analytics is exposed through the ingress controller and its oauth2-proxy; etl is not exposed.
  ...sessionFlows("analytics", ["operator", "streampark", "oauth2-proxy-analytics"]),
  "ingress -> oauth2-proxy-analytics:4180",
  dns(["oauth2-proxy-analytics"]),
  // The identity provider (discovery, tokens, keys) on its HTTPS port.
  `oauth2-proxy-analytics -> ${OUTSIDE}:443`,
  ...sessionFlows("etl", ["operator", "streampark"]),
  // The webhook: the API server's address is configured as 0.0.0.0/0, so any address outside may call it.
  `${OUTSIDE} -> operator:9443`,
];

/** Managed MinIO, an external ZooKeeper, no StreamPark, and the jobs' outside ports listed. */
const MINIO_EXTERNAL_ZOOKEEPER = {
  config: {
    storage: { type: "s3", s3: { mode: "managed" } },
    ha: {
      type: "zookeeper",
      zookeeper: { mode: "external", external: { quorum: "zk1.corp:2181,zk2.corp:2181" } },
    },
    streampark: { enabled: false },
    network: { egress: { flinkJobPorts: [9092] } },
  },
  flows: [
    dns(["operator", "session-jm", "session-tm", "minio", "minio-setup"]),
    dns(["stranger@flink"]),
    "operator -> session-jm:8081",
    "session-jm,session-tm -> session-tm:6122,6121,6170",
    "session-jm,session-tm -> session-jm:6123,6124,6170",
    "prometheus -> session-jm,session-tm:9249",
    "prometheus -> operator:9999",
    // Only the listed job port and the external ZooKeeper's outside; the JobManagers call the API server too.
    `session-jm -> ${OUTSIDE}:443,6443,2181,9092`,
    `session-tm -> ${OUTSIDE}:2181,9092`,
    `operator -> ${OUTSIDE}:443,6443,2181`,
    "session-jm,session-tm,minio-setup -> minio:9000",
    // MinIO serves its metrics on the S3 port; the console port takes nobody.
    "prometheus -> minio:9000",
  ],
};

/** A cluster's flows to the staging stack's HDFS, ZooKeeper and Hive metastore (checkpoints, HA, catalog). */
function stagingBackingFlows(cluster: string): string[] {
  const pods = `${cluster}-jm,${cluster}-tm`;
  return [
    `${pods} -> zookeeper:2181`,
    `${pods} -> namenode:8020`,
    `${pods} -> datanode:9866,9867`,
    `${pods} -> hive:9083`,
  ];
}

const staging = readStackConfig("staging") as { flink: { clusters: { session: object } } };

/**
 * Staging (managed HDFS and ZooKeeper, Hive, StreamPark) with the jobs' services: `session` runs a SQL Gateway
 * (with the Hive catalog) exposed through the ingress controller, `adhoc` in its own namespace runs none, the
 * application `orders` in a third namespace has its UI exposed, and the history server too.
 */
const JOB_SERVICES = {
  config: {
    ...staging,
    flink: {
      ...staging.flink,
      clusters: {
        session: {
          ...staging.flink.clusters.session,
          sqlGateway: { enabled: true, ingress: { enabled: true, host: "sql.example.com" } },
        },
        adhoc: { namespace: "flink-adhoc" },
      },
      applications: {
        orders: {
          namespace: "flink-apps",
          job: { jarURI: "local:///opt/flink/usrlib/orders.jar" },
          ingress: { enabled: true, host: "orders.example.com" },
        },
      },
      historyServer: { enabled: true, ingress: { enabled: true, host: "history.example.com" } },
    },
  },
  flows: [
    dns([
      ...["operator", "session-jm", "session-tm", "session-gateway", "history", "mysql", "db-streampark"],
      ...["db-hive", "streampark", "streampark-bootstrap", "zookeeper", "namenode", "datanode", "hdfs-setup"],
      "hive",
    ]),
    dns(["stranger@flink", "adhoc-jm", "adhoc-tm", "stranger@flink-adhoc"]),
    dns(["orders-jm", "orders-tm", "stranger@flink-apps"]),
    // StreamPark submits to both session clusters, the gateway to its own only; nothing but the operator and the
    // UI's clients calls the application.
    ...sessionFlows("session", ["operator", "streampark", "session-gateway"]),
    ...sessionFlows("adhoc", ["operator", "streampark"]),
    ...sessionFlows("orders", ["operator", "ingress"]),
    ...["session", "adhoc", "orders"].flatMap(stagingBackingFlows),
    `operator -> ${OUTSIDE}:443,6443`,
    "prometheus -> operator:9999",
    "db-streampark,db-hive,streampark,hive -> mysql:3306",
    "streampark-bootstrap -> streampark:10000",
    `streampark -> ${OUTSIDE}:443`,
    "operator -> zookeeper:2181",
    "zookeeper -> zookeeper:2888,3888",
    "prometheus -> zookeeper:7000",
    "hive,datanode,hdfs-setup -> namenode:8020",
    "hive,datanode -> datanode:9866,9867",
    `hive -> ${OUTSIDE}:443`,
    // The SQL Gateway: SQL from the ingress controller, the Hive catalog over the warehouse on HDFS, and the JMX
    // exporter and Hive jars from the Maven repository.
    "ingress -> session-gateway:8083",
    "prometheus -> session-gateway:9249",
    "session-gateway -> hive:9083",
    "session-gateway -> namenode:8020",
    "session-gateway -> datanode:9866,9867",
    `session-gateway -> ${OUTSIDE}:443`,
    // The history server reads the archives on HDFS, fetches the JMX exporter and the Hadoop client, and calls
    // nobody else.
    "ingress -> history:8082",
    "prometheus -> history:9249",
    "history -> namenode:8020",
    "history -> datanode:9866,9867",
    `history -> ${OUTSIDE}:443`,
  ],
};

const prod = readStackConfig("prod") as { flink: { clusters: { analytics: object } } };

/**
 * Prod (external S3, Kubernetes HA, oauth2-proxy) with the jobs' services behind oauth2-proxies: the SQL Gateway
 * of `analytics`, the application `reports` and the history server.
 */
const PROXIED_JOB_SERVICES = {
  config: {
    ...prod,
    flink: {
      ...prod.flink,
      clusters: {
        ...prod.flink.clusters,
        analytics: {
          ...prod.flink.clusters.analytics,
          sqlGateway: { enabled: true, ingress: { enabled: true, host: "sql.prod.example.com" } },
        },
      },
      applications: {
        reports: {
          job: { jarURI: "local:///opt/flink/usrlib/reports.jar" },
          ingress: { enabled: true, host: "reports.prod.example.com" },
        },
      },
      historyServer: { enabled: true, ingress: { enabled: true, host: "history.prod.example.com" } },
    },
  },
  flows: [
    ...PROD.filter((line) => !line.includes("dns:")),
    dns([
      ...["operator", "analytics-jm", "analytics-tm", "analytics-gateway", "reports-jm", "reports-tm"],
      ...[
        "history",
        "mysql",
        "db-streampark",
        "streampark",
        "streampark-bootstrap",
        "oauth2-proxy-analytics",
      ],
      ...["oauth2-proxy-analytics-gateway", "oauth2-proxy-reports", "oauth2-proxy-history"],
    ]),
    dns(["etl-jm", "etl-tm", "stranger@flink", "stranger@flink-etl"]),
    ...sessionFlows("analytics", ["analytics-gateway"]),
    ...sessionFlows("reports", ["operator", "oauth2-proxy-reports"]),
    // Each proxy takes the ingress controller, reaches its UI and the identity provider on its HTTPS port.
    "ingress -> oauth2-proxy-analytics-gateway,oauth2-proxy-reports,oauth2-proxy-history:4180",
    `oauth2-proxy-analytics-gateway,oauth2-proxy-reports,oauth2-proxy-history -> ${OUTSIDE}:443`,
    "oauth2-proxy-analytics-gateway -> analytics-gateway:8083",
    "oauth2-proxy-history -> history:8082",
    "prometheus -> analytics-gateway,history:9249",
    // The external S3 endpoint and the Maven repository are both on 443; no other port outside.
    `analytics-gateway,history -> ${OUTSIDE}:443`,
  ],
};

describe("network flow matrix", () => {
  const cases = {
    "the dev stack": { config: readStackConfig("dev"), flows: DEV },
    "the staging stack": { config: readStackConfig("staging"), flows: STAGING },
    "the prod stack": { config: readStackConfig("prod"), flows: PROD },
    "managed MinIO with an external ZooKeeper": MINIO_EXTERNAL_ZOOKEEPER,
    "a SQL Gateway, an application and the history server": JOB_SERVICES,
    "a SQL Gateway, an application and the history server behind oauth2-proxies": PROXIED_JOB_SERVICES,
  };
  it("keeps the jobs' services to their own cluster and their own store", async () => {
    const { allowed } = await allowedFlows(JOB_SERVICES.config);
    // Spelled out, though the matrix above already holds each: what the design forbids by name.
    const forbidden = [
      "session-gateway -> adhoc-jm:8081/TCP",
      "session-gateway -> orders-jm:8081/TCP",
      "session-gateway -> session-tm:6122/TCP",
      "session-gateway -> zookeeper:2181/TCP",
      "session-gateway -> mysql:3306/TCP",
      "history -> mysql:3306/TCP",
      "history -> hive:9083/TCP",
      "history -> session-jm:8081/TCP",
      "orders-tm -> session-jm:6123/TCP",
      "orders-tm -> adhoc-jm:6123/TCP",
      "streampark -> orders-jm:8081/TCP",
      "stranger@flink -> session-gateway:8083/TCP",
      "stranger@flink -> history:8082/TCP",
    ];
    assert.deepStrictEqual(
      forbidden.filter((flow) => allowed.has(flow)),
      [],
    );
    assert.ok(allowed.has("orders-tm -> orders-jm:6123/TCP"));
  });

  for (const [stack, { config, flows: lines }] of Object.entries(cases)) {
    it(`allows exactly the platform's flows of ${stack}`, async () => {
      const { allowed, portsOf } = await allowedFlows(config);
      const expected = expand(lines, portsOf);
      assert.deepStrictEqual(
        [...allowed].filter((f) => !expected.has(f)).sort(),
        [],
        `${stack}: allowed, but not a flow of the platform`,
      );
      assert.deepStrictEqual(
        [...expected].filter((f) => !allowed.has(f)).sort(),
        [],
        `${stack}: a flow of the platform, but denied`,
      );
    });
  }
});
