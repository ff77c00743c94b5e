/**
 * The `network` config area: NetworkPolicies (on by default), where the peers the platform does not run are (DNS,
 * the API server, Prometheus, the ingress controller), which addresses outside the cluster the pods may reach, and
 * how the UIs exposed through an Ingress authenticate their users.
 */
import { z } from "zod";
import { doc, flag, labelKey, labelValue, namespaceName, port } from "../config/primitives";
import type { ConfigContext, ConfigProblem } from "../config/problems";
import { AuthConfig, authProblems, authSchema } from "./authConfig";
import { isCanonicalCidr, parseCidr } from "./cidr";

export { NETWORK_SECRET_CONFIG_KEYS, OAUTH2_PROXY_IMAGE } from "./authConfig";

/** An IPv4 or IPv6 CIDR block in canonical form, as the API server accepts it in an ipBlock. */
export const cidr = z.string().superRefine((text, ctx) => {
  if (!parseCidr(text)) {
    ctx.addIssue({ code: "custom", message: "must be a CIDR block such as 10.0.0.0/8 or 0.0.0.0/0" });
  } else if (!isCanonicalCidr(text)) {
    ctx.addIssue({ code: "custom", message: "must have no host bits set (10.0.0.0/8, not 10.0.0.1/8)" });
  }
});

const podLabels = z.record(labelKey, labelValue);

/** Where pods the platform does not run live: a namespace, and the labels of the pods in it ({} is every pod). */
const peerSchema = (
  what: string,
  namespace: string,
  labels: Record<string, string>,
  example: Record<string, string>,
) =>
  doc(
    z
      .strictObject({
        namespace: doc(namespaceName, `namespace of ${what}`).prefault(namespace),
        podLabels: doc(podLabels, `labels of ${what}'s pods; {} means every pod of the namespace`, [
          example,
        ]).prefault(labels),
      })
      .prefault({}),
    `where ${what} runs`,
  );

export const networkSchema = doc(
  z
    .strictObject({
      enabled: doc(
        flag,
        "NetworkPolicies: deny by default in every namespace with platform pods, allow the platform's own flows",
      ).prefault(true),
      egress: doc(
        z
          .strictObject({
            restrict: doc(
              flag,
              "deny egress except DNS and the platform's flows; false leaves egress open (ingress stays restricted)",
            ).prefault(true),
            externalCidrs: doc(
              z.array(cidr).min(1, { error: "needs at least one CIDR block" }),
              "addresses outside the cluster's pods that pods may reach on the ports their configuration names " +
                "(Maven repository, external S3, HDFS, MySQL, ZooKeeper, identity provider)",
              [["10.20.0.0/16", "0.0.0.0/0"]],
            ).prefault(["0.0.0.0/0"]),
            exceptCidrs: doc(
              z.array(cidr),
              "never reachable through externalCidrs or apiServer.cidrs (an exception outside every block is " +
                "left out: it is unreachable anyway); the default is the cloud instance metadata address, which " +
                "hands out node credentials",
            ).prefault(["169.254.169.254/32"]),
            flinkJobPorts: doc(
              z.array(port),
              "ports Flink pods may reach on externalCidrs for the jobs' sources and sinks (Kafka, databases); " +
                "empty allows every port",
              [[9092, 5432]],
            ).prefault([]),
          })
          .prefault({}),
        "what pods may reach outside the platform",
      ),
      apiServer: doc(
        z
          .strictObject({
            cidrs: doc(
              z.array(cidr).min(1, { error: "needs at least one CIDR block" }),
              "addresses of the Kubernetes API server as pods reach it (`kubectl get endpoints kubernetes`)",
              [["172.18.0.2/32"]],
            ).prefault(["0.0.0.0/0"]),
            ports: doc(
              z.array(port).min(1, { error: "needs at least one port" }),
              "its ports: the Service port and the endpoints' port (policies see either, by network plugin)",
            ).prefault([443, 6443]),
          })
          .prefault({}),
        "the API server, which the operator and the JobManagers call and which calls the operator's webhook",
      ),
      dns: peerSchema(
        "the cluster DNS",
        "kube-system",
        { "k8s-app": "kube-dns" },
        { "k8s-app": "node-local-dns" },
      ),
      prometheus: peerSchema(
        "Prometheus",
        "monitoring",
        { "app.kubernetes.io/name": "prometheus" },
        { prometheus: "kube-prometheus-stack-prometheus" },
      ),
      ingressController: peerSchema(
        "the ingress controller",
        "ingress-nginx",
        {},
        { "app.kubernetes.io/name": "ingress-nginx", "app.kubernetes.io/component": "controller" },
      ),
      existingOperator: doc(
        z
          .strictObject({
            namespace: doc(namespaceName, "namespace of the operator; the platform namespace when unset", [
              "flink-operator",
            ]).optional(),
            podLabels: doc(podLabels, "labels of the operator's pod").prefault({
              "app.kubernetes.io/name": "flink-kubernetes-operator",
            }),
          })
          .prefault({}),
        "where an operator the platform does not install runs (operator.install: false), so it may reach the JobManagers",
      ),
      auth: authSchema,
    })
    .prefault({}),
  "NetworkPolicies (default deny, the platform's flows allowed), egress, and authentication of exposed UIs",
);

export type NetworkConfig = z.output<typeof networkSchema>;
export type { AuthConfig };
export type OAuth2ProxyConfig = AuthConfig["oauth2Proxy"];

/** A UI behind an Ingress: its config path and what it is. */
export interface ExposedUi {
  /**
   * The config key that exposes it: `flink.clusters.<name>`, `flink.clusters.<name>.sqlGateway`,
   * `flink.applications.<name>`, `flink.historyServer` or `streampark`.
   */
  readonly owner: string;
  /** What it is, for messages: "the Flink UI of cluster 'session'". */
  readonly title: string;
  /** What anyone who reaches it without authenticating can do, for messages. */
  readonly risk: string;
}

/** What decides which UIs are exposed, beside the clusters and applications. */
export interface ExposureSource {
  readonly streampark: { readonly enabled: boolean; readonly ingress: { readonly enabled: boolean } };
  readonly flink: {
    readonly historyServer: { readonly enabled: boolean; readonly ingress: { readonly enabled: boolean } };
  };
}

/** A Flink cluster as far as its UI goes (`flink.clusters.<name>`, `flink.applications.<name>`). */
export interface ExposedCluster {
  readonly name: string;
  readonly ingress: { readonly enabled: boolean };
}

/** A session cluster: its Flink UI, and its SQL Gateway's REST endpoint when the gateway runs. */
export interface ExposedSessionCluster extends ExposedCluster {
  readonly sqlGateway: { readonly enabled: boolean; readonly ingress: { readonly enabled: boolean } };
}

/** Why an open Flink UI is dangerous. */
const FLINK_UI_RISK = "the Flink UI accepts and runs uploaded jars";

/** The UIs the config puts behind an Ingress. */
export function exposedUis(
  parsed: ExposureSource,
  clusters: readonly ExposedSessionCluster[],
  applications: readonly ExposedCluster[] = [],
): ExposedUi[] {
  const uis: ExposedUi[] = [];
  for (const c of clusters) {
    if (c.ingress.enabled) {
      uis.push({
        owner: `flink.clusters.${c.name}`,
        title: `the Flink UI of cluster '${c.name}'`,
        risk: FLINK_UI_RISK,
      });
    }
    if (c.sqlGateway.enabled && c.sqlGateway.ingress.enabled) {
      uis.push({
        owner: `flink.clusters.${c.name}.sqlGateway`,
        title: `the SQL Gateway of cluster '${c.name}'`,
        risk: "the SQL Gateway runs any statement it is sent as a job of the cluster",
      });
    }
  }
  for (const a of applications.filter((a) => a.ingress.enabled)) {
    uis.push({
      owner: `flink.applications.${a.name}`,
      title: `the Flink UI of application '${a.name}'`,
      risk: FLINK_UI_RISK,
    });
  }
  if (parsed.streampark.enabled && parsed.streampark.ingress.enabled) {
    uis.push({ owner: "streampark", title: "StreamPark's UI", risk: FLINK_UI_RISK });
  }
  const history = parsed.flink.historyServer;
  if (history.enabled && history.ingress.enabled) {
    uis.push({
      owner: "flink.historyServer",
      title: "the Flink history server",
      risk: "the history server shows every finished job's configuration, plan and exceptions",
    });
  }
  return uis;
}

/** Why an exposed UI is open; the warning of a preview, the error of a production stack. */
export function unauthenticatedUiMessage(ui: ExposedUi): string {
  return (
    `${ui.owner}.ingress exposes ${ui.title} through an Ingress without authentication (${ui.risk}); set ` +
    "network.auth.mode to oauth2-proxy or external"
  );
}

/** Cross-field checks of the `network` area, and the production rule: no UI behind an Ingress without auth. */
export function networkProblems(
  parsed: ExposureSource & {
    readonly network: NetworkConfig;
    readonly platform: { readonly production: boolean };
  },
  clusters: readonly ExposedSessionCluster[],
  { secretConfigKeys }: ConfigContext,
  applications: readonly ExposedCluster[] = [],
): ConfigProblem[] {
  const { network } = parsed;
  const problems = authProblems(network.auth, secretConfigKeys);
  if (parsed.platform.production && network.auth.mode === "none") {
    for (const ui of exposedUis(parsed, clusters, applications)) {
      problems.push({
        path: `${ui.owner}.ingress.enabled`,
        message: `${unauthenticatedUiMessage(ui)} (platform.production is true)`,
      });
    }
  }
  return problems;
}
