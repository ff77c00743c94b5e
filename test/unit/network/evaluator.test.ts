/** The NetworkPolicy evaluator against the semantics of networking.k8s.io/v1, one rule of the API at a time. */
import * as assert from "assert";
import {
  effectivePolicyTypes,
  Endpoint,
  mayConnect,
  PodEndpoint,
  selects,
} from "../../../components/network/evaluator";
import type { NetworkPolicyObject, NetworkPolicySpec } from "../../../components/network/model";

const pod = (name: string, namespace: string, labels: Record<string, string>, ip?: string): PodEndpoint => ({
  kind: "pod",
  name,
  namespace,
  labels,
  ports: [
    { name: "http", containerPort: 8080 },
    { name: "dns", containerPort: 53, protocol: "UDP" },
  ],
  ...(ip ? { ip } : {}),
});
const policy = (namespace: string, name: string, spec: NetworkPolicySpec): NetworkPolicyObject => ({
  metadata: { name, namespace },
  spec,
});
const web = pod("web", "a", { app: "web" }, "10.0.0.5");
const client = pod("client", "a", { app: "client" }, "10.0.0.6");
const remote = pod("remote", "b", { app: "client" }, "10.0.1.6");
const outside: Endpoint = { kind: "address", name: "outside", ip: "52.0.0.1" };
const allowed = (
  policies: NetworkPolicyObject[],
  from: Endpoint,
  to: Endpoint,
  port = 8080,
  protocol?: "UDP",
) => mayConnect({ policies }, from, to, port, protocol).allowed;

describe("network policy evaluator", () => {
  it("leaves pods no policy selects open, and isolates selected pods by policy type", () => {
    assert.ok(allowed([], client, web));
    const denyIngress = policy("a", "deny", {
      podSelector: { matchLabels: { app: "web" } },
      policyTypes: ["Ingress"],
    });
    assert.ok(!allowed([denyIngress], client, web));
    // Egress of the client is not isolated by an ingress-only policy, and the policy selects only web.
    assert.ok(allowed([denyIngress], web, client));
  });

  it("defaults policyTypes to Ingress, plus Egress when the policy has egress rules", () => {
    assert.deepStrictEqual(effectivePolicyTypes(policy("a", "p", { podSelector: {} })), ["Ingress"]);
    assert.deepStrictEqual(effectivePolicyTypes(policy("a", "p", { podSelector: {}, egress: [{}] })), [
      "Ingress",
      "Egress",
    ]);
  });

  it("needs both the source's egress and the destination's ingress", () => {
    const denyAll = policy("a", "deny", { podSelector: {}, policyTypes: ["Ingress", "Egress"] });
    const webIn = policy("a", "web", {
      podSelector: { matchLabels: { app: "web" } },
      ingress: [{ from: [{ podSelector: { matchLabels: { app: "client" } } }] }],
    });
    assert.ok(!allowed([denyAll, webIn], client, web), "the client's egress is denied");
    const clientOut = policy("a", "client", {
      podSelector: { matchLabels: { app: "client" } },
      policyTypes: ["Egress"],
      egress: [{ to: [{ podSelector: { matchLabels: { app: "web" } } }] }],
    });
    const verdict = mayConnect({ policies: [denyAll, webIn, clientOut] }, client, web, 8080);
    assert.ok(verdict.allowed);
    assert.deepStrictEqual(verdict.egress.allowedBy, ["a/client"]);
    assert.deepStrictEqual(verdict.ingress.allowedBy, ["a/web"]);
  });

  it("reads a podSelector alone as the policy's namespace, and a namespaceSelector by namespace labels", () => {
    const sameNs = policy("a", "p", { podSelector: {}, ingress: [{ from: [{ podSelector: {} }] }] });
    assert.ok(allowed([sameNs], client, web));
    assert.ok(!allowed([sameNs], remote, web));
    const fromB = policy("a", "p", {
      podSelector: {},
      ingress: [
        {
          from: [
            {
              namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "b" } },
              podSelector: { matchLabels: { app: "client" } },
            },
          ],
        },
      ],
    });
    assert.ok(allowed([fromB], remote, web));
    assert.ok(!allowed([fromB], client, web));
    const byTeam = policy("a", "p", {
      podSelector: {},
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: "data" } } }] }],
    });
    assert.ok(!allowed([byTeam], remote, web));
    assert.ok(
      mayConnect({ policies: [byTeam], namespaceLabels: { b: { team: "data" } } }, remote, web, 8080).allowed,
    );
  });

  it("matches ports by number, range and the destination's named container port, with the protocol", () => {
    const by = (ports: NetworkPolicySpec["ingress"]) => [
      policy("a", "p", { podSelector: {}, ingress: ports }),
    ];
    assert.ok(allowed(by([{ ports: [{ port: 8080 }] }]), client, web));
    assert.ok(!allowed(by([{ ports: [{ port: 8081 }] }]), client, web));
    assert.ok(allowed(by([{ ports: [{ port: 8000, endPort: 8100 }] }]), client, web));
    assert.ok(allowed(by([{ ports: [{ port: "http" }] }]), client, web));
    assert.ok(!allowed(by([{ ports: [{ port: "http" }] }]), client, web, 9090), "a name is one port");
    assert.ok(!allowed(by([{ ports: [{ port: 53 }] }]), client, web, 53, "UDP"), "TCP unless told");
    assert.ok(allowed(by([{ ports: [{ port: "dns", protocol: "UDP" }] }]), client, web, 53, "UDP"));
  });

  it("matches addresses by ipBlock without its exceptions, and pods by ipBlock only when asked", () => {
    const egress = policy("a", "p", {
      podSelector: {},
      policyTypes: ["Egress"],
      egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["52.0.0.0/24"] } }] }],
    });
    assert.ok(!allowed([egress], client, outside), "inside an exception");
    assert.ok(allowed([egress], client, { kind: "address", name: "x", ip: "52.0.1.1" }));
    assert.ok(!allowed([egress], client, web), "pods are not addresses by default");
    assert.ok(
      mayConnect({ policies: [egress] }, client, web, 8080, "TCP", { ipBlockMatchesPods: true }).allowed,
    );
  });

  it("evaluates label selector expressions", () => {
    const labels = { app: "web", tier: "front" };
    assert.ok(selects({}, labels));
    assert.ok(
      selects({ matchExpressions: [{ key: "app", operator: "In", values: ["web", "api"] }] }, labels),
    );
    assert.ok(!selects({ matchExpressions: [{ key: "app", operator: "NotIn", values: ["web"] }] }, labels));
    assert.ok(selects({ matchExpressions: [{ key: "zone", operator: "DoesNotExist" }] }, labels));
    assert.ok(
      !selects(
        { matchLabels: { app: "web" }, matchExpressions: [{ key: "zone", operator: "Exists" }] },
        labels,
      ),
    );
  });
});
