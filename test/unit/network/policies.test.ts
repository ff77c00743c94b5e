/** The NetworkPolicies object by object: the exact specs of the dev stack's, and what the switches change. */
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

  it("find the ports of endpoints outside the cluster", () => {
    assert.strictEqual(urlPort("https://s3.eu-west-1.amazonaws.com"), 443);
    assert.strictEqual(urlPort("http://minio.corp:9000"), 9000);
    assert.deepStrictEqual(hdfsPorts("hdfs://namenode.corp"), [8020, 9866, 9867]);
    assert.deepStrictEqual(hdfsPorts("hdfs://namenode.corp:9000/"), [9000, 9866, 9867]);
    assert.deepStrictEqual(quorumPorts("zk1:2181,zk2:2181,zk3:2182"), [2181, 2182]);
  });
});
