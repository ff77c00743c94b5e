/**
 * The NetworkPolicies object by object: the exact specs of the dev stack's, of the SQL Gateway's and the history
 * server's, and what the switches change.
 */
import * as assert from "assert";
import { parseConfig } from "../../../components/config/parse";
import { networkPlan, hdfsPorts, quorumPorts, urlPort } from "../../../components/network/plan";
import { platformNetworkPolicies } from "../../../components/network/policies";
import type { NetworkPolicyObject } from "../../../components/network/model";
import { readStackConfig } from "../../../stacks/shared/stackFiles";
import { ofType, renderRaw } from "../../support/mocks";

const NETWORK_POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy";
const LABELS = {
  "app.kubernetes.io/part-of": "flink-platform",
  "app.kubernetes.io/managed-by": "pulumi",
  "app.kubernetes.io/component": "network-policy",
};
const OUTSIDE = { ipBlock: { cidr: "0.0.0.0/0", except: ["169.254.169.254/32"] } };
const API_SERVER_PORTS = [
  { protocol: "TCP", port: 443 },
  { protocol: "TCP", port: 6443 },
];
const tcp = (...list: Array<number | string>) => list.map((port) => ({ protocol: "TCP", port }));
const own = (component: string) => ({
  podSelector: {
    matchLabels: { "app.kubernetes.io/part-of": "flink-platform", "app.kubernetes.io/component": component },
  },
});
const ingressController = {
  namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "ingress-nginx" } },
  podSelector: {},
};
const jobManagers = (cluster: string) => ({
  podSelector: { matchLabels: { type: "flink-native-kubernetes", app: cluster, component: "jobmanager" } },
});
const gateway = (cluster: string) => ({
  podSelector: {
    matchLabels: {
      "app.kubernetes.io/component": "flink-sql-gateway",
      "app.kubernetes.io/instance": cluster,
    },
  },
});
const historyServer = {
  podSelector: {
    matchLabels: {
      "app.kubernetes.io/component": "flink-history-server",
      "app.kubernetes.io/instance": "flink-history-server",
    },
  },
};
const proxy = (ui: string) => ({
  podSelector: {
    matchLabels: {
      "app.kubernetes.io/part-of": "flink-platform",
      "app.kubernetes.io/component": "oauth2-proxy",
      "app.kubernetes.io/instance": ui,
    },
  },
});
const prometheus = {
  namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } },
  podSelector: { matchLabels: { "app.kubernetes.io/name": "prometheus" } },
};

function policiesOf(raw: Record<string, unknown>): NetworkPolicyObject[] {
  return platformNetworkPolicies(networkPlan(parseConfig(raw)));
}
function byName(
  policies: readonly NetworkPolicyObject[],
  name: string,
  namespace = "flink",
): NetworkPolicyObject {
  const found = policies.find((p) => p.metadata.name === name && p.metadata.namespace === namespace);
  assert.ok(found, `no policy ${namespace}/${name}`);
  return found;
}

describe("network policies", () => {
  const dev = policiesOf(readStackConfig("dev"));

  it("deny everything in each platform namespace and let every pod ask DNS", () => {
    assert.deepStrictEqual(byName(dev, "flink-platform-default-deny"), {
      metadata: { name: "flink-platform-default-deny", namespace: "flink", labels: LABELS },
      spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
    });
    assert.deepStrictEqual(byName(dev, "flink-platform-dns").spec, {
      podSelector: {},
      policyTypes: ["Egress"],
      egress: [
        {
          to: [
            {
              namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } },
              podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
            },
          ],
          ports: [
            { protocol: "UDP", port: 53 },
            { protocol: "TCP", port: 53 },
          ],
        },
      ],
    });
  });

  it("let the JobManagers take REST calls, their cluster's RPC and Prometheus, and reach what Flink uses", () => {
    const cluster = { podSelector: { matchLabels: { type: "flink-native-kubernetes", app: "session" } } };
    assert.deepStrictEqual(byName(dev, "session-jobmanager").spec, {
      podSelector: {
        matchLabels: { type: "flink-native-kubernetes", app: "session", component: "jobmanager" },
      },
      policyTypes: ["Ingress", "Egress"],
      ingress: [
        {
          from: [
            { podSelector: { matchLabels: { "app.kubernetes.io/name": "flink-kubernetes-operator" } } },
            own("streampark"),
          ],
          ports: tcp(8081),
        },
        { from: [cluster], ports: tcp(6123, 6124, 6170) },
        { from: [prometheus], ports: tcp("metrics") },
      ],
      egress: [
        { to: [OUTSIDE], ports: API_SERVER_PORTS },
        { to: [cluster], ports: tcp(6123, 6124, 6170, 6122, 6121) },
        { to: [OUTSIDE] },
      ],
    });
  });

  it("let MySQL take only its clients, and send nothing", () => {
    assert.deepStrictEqual(byName(dev, "mysql").spec, {
      podSelector: own("mysql").podSelector,
      policyTypes: ["Ingress", "Egress"],
      ingress: [{ from: [own("mysql-database"), own("streampark")], ports: tcp("mysql") }],
    });
  });

  it("let the API server call the operator's webhook, on its addresses", () => {
    const raw = readStackConfig("prod") as { network: Record<string, unknown> };
    const prod = policiesOf({
      ...raw,
      network: { ...raw.network, apiServer: { cidrs: ["172.18.0.0/24"], ports: [6443] } },
    });
    const operator = byName(prod, "flink-operator").spec;
    assert.deepStrictEqual(operator.ingress?.[0], {
      from: [{ ipBlock: { cidr: "172.18.0.0/24" } }],
      ports: tcp(9443),
    });
    assert.deepStrictEqual(operator.egress?.[0], {
      to: [{ ipBlock: { cidr: "172.18.0.0/24" } }],
      ports: tcp(6443),
    });
    // The JobManagers of both namespaces, the one of etl through its namespace's name.
    assert.deepStrictEqual(operator.egress?.[1].to?.[1], {
      namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "flink-etl" } },
      podSelector: { matchLabels: { type: "flink-native-kubernetes", app: "etl", component: "jobmanager" } },
    });
  });

  it("restrict only ingress when egress is left open", () => {
    const open = policiesOf({ ...readStackConfig("dev"), network: { egress: { restrict: false } } });
    assert.deepStrictEqual(byName(open, "flink-platform-default-deny").spec.policyTypes, ["Ingress"]);
    assert.ok(!open.some((p) => p.metadata.name === "flink-platform-dns"));
    assert.ok(!open.some((p) => p.spec.egress !== undefined || p.spec.policyTypes?.includes("Egress")));
    // Jobs that take no connections need no policy of their own then.
    assert.ok(!open.some((p) => p.metadata.name === "mysql-database"));
  });

  it("narrow egress outside to the configured blocks and the jobs' ports", () => {
    const narrow = policiesOf({
      ...readStackConfig("dev"),
      network: {
        egress: {
          externalCidrs: ["10.20.0.0/16"],
          exceptCidrs: ["10.20.5.0/24", "169.254.169.254/32"],
          flinkJobPorts: [9092],
        },
      },
    });
    assert.deepStrictEqual(byName(narrow, "session-taskmanager").spec.egress?.at(-1), {
      // The exception outside every block is left out: the API server would refuse it.
      to: [{ ipBlock: { cidr: "10.20.0.0/16", except: ["10.20.5.0/24"] } }],
      ports: tcp(9092),
    });
  });

  it("are registered as they are built, and not at all when network.enabled is false", async () => {
    const { resources } = await renderRaw(readStackConfig("dev"));
    // The SDK adds apiVersion and kind; the rest is the built object.
    const registered = ofType(resources, NETWORK_POLICY).map(({ inputs: { apiVersion, kind, ...rest } }) => {
      assert.deepStrictEqual([apiVersion, kind], ["networking.k8s.io/v1", "NetworkPolicy"]);
      return rest;
    });
    assert.deepStrictEqual(
      registered.sort((a, b) => a.metadata.name.localeCompare(b.metadata.name)),
      [...dev].sort((a, b) => a.metadata.name.localeCompare(b.metadata.name)),
    );
    const off = await renderRaw({ ...readStackConfig("dev"), network: { enabled: false } });
    assert.deepStrictEqual(ofType(off.resources, NETWORK_POLICY), []);
  });

  describe("of the jobs' services", () => {
    const staging = readStackConfig("staging") as { flink: { clusters: { session: object } } };
    /** Staging (HDFS, ZooKeeper, Hive) with session's SQL Gateway exposed, a second cluster, an application. */
    const withGateway = (fetchJars = true) =>
      policiesOf({
        ...staging,
        platform: { artifacts: { fetchJars } },
        flink: {
          ...staging.flink,
          clusters: {
            session: {
              ...staging.flink.clusters.session,
              sqlGateway: { enabled: true, ingress: { enabled: true, host: "sql.example.com" } },
            },
            adhoc: {},
          },
          applications: { orders: { job: { jarURI: "local:///opt/flink/usrlib/orders.jar" } } },
        },
      });

    it("let the SQL Gateway take SQL and Prometheus, and reach its own JobManagers, Hive, the store, Maven", () => {
      assert.deepStrictEqual(byName(withGateway(), "session-sql-gateway").spec, {
        podSelector: gateway("session").podSelector,
        policyTypes: ["Ingress", "Egress"],
        ingress: [
          { from: [ingressController], ports: tcp(8083) },
          { from: [prometheus], ports: tcp("metrics") },
        ],
        egress: [
          { to: [jobManagers("session")], ports: tcp(8081) },
          { to: [own("hive-metastore")], ports: tcp("thrift") },
          { to: [own("hdfs-namenode")], ports: tcp("rpc") },
          { to: [own("hdfs-datanode")], ports: tcp("data", "ipc") },
          { to: [OUTSIDE], ports: tcp(443) },
        ],
      });
      // Nothing outside when no jar is fetched and the store is the platform's: a rule without ports would open all.
      assert.deepStrictEqual(
        byName(withGateway(false), "session-sql-gateway").spec.egress?.map((rule) => rule.to),
        [[jobManagers("session")], [own("hive-metastore")], [own("hdfs-namenode")], [own("hdfs-datanode")]],
      );
    });

    it("let the JobManagers take their own gateway, and StreamPark only on session clusters", () => {
      const policies = withGateway();
      const restClients = (name: string) => byName(policies, name).spec.ingress?.[0];
      assert.deepStrictEqual(restClients("session-jobmanager"), {
        from: [
          { podSelector: { matchLabels: { "app.kubernetes.io/name": "flink-kubernetes-operator" } } },
          own("streampark"),
          gateway("session"),
        ],
        ports: tcp(8081),
      });
      assert.deepStrictEqual(restClients("adhoc-jobmanager"), {
        from: [
          { podSelector: { matchLabels: { "app.kubernetes.io/name": "flink-kubernetes-operator" } } },
          own("streampark"),
        ],
        ports: tcp(8081),
      });
      assert.deepStrictEqual(restClients("orders-jobmanager"), {
        from: [{ podSelector: { matchLabels: { "app.kubernetes.io/name": "flink-kubernetes-operator" } } }],
        ports: tcp(8081),
      });
      const streampark = byName(policies, "streampark").spec.egress ?? [];
      assert.deepStrictEqual(
        streampark.find((rule) => rule.ports?.[0]?.port === 8081),
        { to: [jobManagers("session"), jobManagers("adhoc")], ports: tcp(8081) },
      );
      // The operator runs the application, so it reaches every JobManager.
      assert.deepStrictEqual(byName(policies, "flink-operator").spec.egress?.[1], {
        to: [jobManagers("session"), jobManagers("adhoc"), jobManagers("orders")],
        ports: tcp(8081),
      });
      // The metastore takes the Flink pods of every cluster and the gateway.
      assert.deepStrictEqual(byName(policies, "hive-metastore").spec.ingress, [
        {
          from: [
            ...["session", "adhoc", "orders"].map((app) => ({
              podSelector: { matchLabels: { type: "flink-native-kubernetes", app } },
            })),
            gateway("session"),
          ],
          ports: tcp("thrift"),
        },
      ]);
    });

    /** Prod (external S3 on 443, oauth2-proxy) with the history server behind its proxy. */
    const prodHistory = (fetchJars: boolean) => {
      const prod = readStackConfig("prod") as { flink: object };
      return policiesOf({
        ...prod,
        platform: { production: true, artifacts: { fetchJars } },
        flink: {
          ...prod.flink,
          historyServer: { enabled: true, ingress: { enabled: true, host: "history.example.com" } },
        },
      });
    };

    it("let the history server take its proxy and Prometheus, and reach only the store (and Maven)", () => {
      const policies = prodHistory(false);
      assert.deepStrictEqual(byName(policies, "flink-history-server").spec, {
        podSelector: historyServer.podSelector,
        policyTypes: ["Ingress", "Egress"],
        ingress: [
          { from: [proxy("history-server")], ports: tcp(8082) },
          { from: [prometheus], ports: tcp("metrics") },
        ],
        // The external S3 endpoint's port, and nothing else.
        egress: [{ to: [OUTSIDE], ports: tcp(443) }],
      });
      assert.deepStrictEqual(byName(policies, "oauth2-proxy-history-server").spec, {
        podSelector: proxy("history-server").podSelector,
        policyTypes: ["Ingress", "Egress"],
        ingress: [{ from: [ingressController], ports: tcp("http") }],
        egress: [
          { to: [historyServer], ports: tcp(8082) },
          { to: [OUTSIDE], ports: tcp(443) },
        ],
      });
    });

    it("let the history server and the gateways read a managed MinIO", () => {
      const policies = policiesOf({
        storage: { type: "s3", s3: { mode: "managed" } },
        flink: {
          clusters: { session: { sqlGateway: { enabled: true } } },
          historyServer: { enabled: true },
        },
        monitoring: { enabled: false },
        network: { egress: { externalCidrs: ["10.20.0.0/16"] } },
      });
      assert.deepStrictEqual(byName(policies, "minio").spec.ingress, [
        {
          from: [
            { podSelector: { matchLabels: { type: "flink-native-kubernetes", app: "session" } } },
            gateway("session"),
            historyServer,
            own("minio-setup"),
          ],
          ports: tcp("s3"),
        },
      ]);
      // No UI exposed and no monitoring: the history server takes nothing; it fetches the JMX exporter.
      assert.deepStrictEqual(byName(policies, "flink-history-server").spec, {
        podSelector: historyServer.podSelector,
        policyTypes: ["Ingress", "Egress"],
        egress: [
          { to: [own("minio")], ports: tcp("s3") },
          { to: [{ ipBlock: { cidr: "10.20.0.0/16" } }], ports: tcp(443) },
        ],
      });
    });
  });

  it("find the ports of endpoints outside the cluster", () => {
    assert.strictEqual(urlPort("https://s3.eu-west-1.amazonaws.com"), 443);
    assert.strictEqual(urlPort("http://minio.corp:9000"), 9000);
    assert.deepStrictEqual(hdfsPorts("hdfs://namenode.corp"), [8020, 9866, 9867]);
    assert.deepStrictEqual(hdfsPorts("hdfs://namenode.corp:9000/"), [9000, 9866, 9867]);
    assert.deepStrictEqual(quorumPorts("zk1:2181,zk2:2181,zk3:2182"), [2181, 2182]);
  });
});
