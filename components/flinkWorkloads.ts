/**
 * What runs on the operator: the session clusters with their session jobs and SQL Gateways, the application
 * deployments, and the history server over all of their archives. Registered as children of the platform (not of a
 * component of their own), so their URNs stay those of the first releases.
 *
 * Order on `up` and `destroy`: a cluster after the operator, the store and Hive; its session jobs after the cluster
 * (so destroy deletes them first, as the operator requires before it lets a session cluster go); the SQL Gateway
 * after the cluster it submits to.
 */
import * as pulumi from "@pulumi/pulumi";
import type { PlatformConfig } from "./config/schema";
import { FlinkApplication } from "./flink/application";
import { archiveUri, StateInputs } from "./flink/clusterState";
import { storeClientAdditions } from "./flink/flinkProcess";
import { FlinkProcess } from "./flink/flinkProcessDeployment";
import { historyServerProcessArgs } from "./flink/historyServer";
import { FlinkSessionCluster } from "./flink/sessionCluster";
import { FlinkSessionJob } from "./flink/sessionJob";
import { sqlGatewayName } from "./flink/jobServices";
import { sqlGatewayProcessArgs } from "./flink/sqlGateway";
import { defaultFlinkImage, FLINK_RELEASES } from "./flink/versions";
import { ingressUrl, IngressSettings } from "./kube/ingress";
import type { PodAdditions } from "./kube/podAdditions";
import { HISTORY_SERVER_UI } from "./network/policies";
import { uiIngress } from "./network/uiAuth";
import { flinkClusters } from "./platformArgs";

/** What the stack exports for one session cluster or application. */
export interface FlinkClusterOutputs {
  readonly namespace: string;
  readonly restUrl: string;
  readonly ingressUrl?: string;
  /** In-cluster URL of the cluster's SQL Gateway, when it runs one. */
  readonly sqlGatewayUrl?: string;
}

/** What the workloads are built from besides the config. */
export interface FlinkWorkloadsInputs {
  readonly config: PlatformConfig;
  readonly state: StateInputs;
  /** What Hive adds to every Flink pod; undefined without Hive. */
  readonly hive?: PodAdditions;
  /** What the clusters wait for: namespaces, operator chart, store and Hive readiness. */
  readonly dependsOn: pulumi.Input<pulumi.Resource>[];
  /**
   * Puts a UI behind an oauth2-proxy when `network.auth` asks for one (`ui` names the proxy); true when it did, so
   * the URL to export is the ingress's own.
   */
  readonly guard: (ui: string, namespace: string, ingress: IngressSettings, upstream: string) => boolean;
}

/** What the workloads export. */
export interface FlinkWorkloadsOutputs {
  readonly clusters: Record<string, FlinkClusterOutputs>;
  readonly applications: Record<string, FlinkClusterOutputs>;
  /** In-cluster and ingress URL of the history server, when it runs. */
  readonly historyServer?: { readonly url: string; readonly ingressUrl?: string };
}

/** The URL to export for a UI: through its ingress (or its proxy's), when it has one. */
function exportedUrl(proxied: boolean, ingress: IngressSettings, direct: string | undefined) {
  const url = proxied ? ingressUrl(ingress) : direct;
  return url ? { ingressUrl: url } : {};
}

/** Register the session clusters, their jobs and gateways, the applications and the history server. */
export function flinkWorkloads(
  name: string,
  inputs: FlinkWorkloadsInputs,
  parent: pulumi.Resource,
): FlinkWorkloadsOutputs {
  const { config, guard } = inputs;
  const auth = config.network.auth;
  const artifacts = config.platform.artifacts;
  const additions = inputs.hive ? [inputs.hive] : [];
  const allowDataLoss = config.platform.allowDataLoss;
  // Whether cancelled jobs keep their checkpoints follows from platform.allowDataLoss, like every other data.
  const state: StateInputs = { ...inputs.state, allowDataLoss };
  const opts = { parent, dependsOn: inputs.dependsOn };

  const clusters: Record<string, FlinkClusterOutputs> = {};
  for (const cluster of config.flink.clusters) {
    const session = new FlinkSessionCluster(
      `${name}-${cluster.name}`,
      { cluster: { ...cluster, ingress: uiIngress(cluster.ingress, auth) }, state, artifacts, additions },
      opts,
    );
    for (const [jobName, job] of Object.entries(cluster.jobs)) {
      new FlinkSessionJob(
        `${name}-${cluster.name}-job-${jobName}`,
        { cluster, jobName, job, allowDataLoss },
        { parent, dependsOn: [session] },
      );
    }
    let sqlGatewayUrl: string | undefined;
    if (cluster.sqlGateway.enabled) {
      const release = FLINK_RELEASES[cluster.version];
      const gatewayArgs = sqlGatewayProcessArgs(
        {
          ...cluster,
          sqlGateway: { ...cluster.sqlGateway, ingress: uiIngress(cluster.sqlGateway.ingress, auth) },
        },
        state,
        [storeClientAdditions(state.store, release), ...additions],
        artifacts,
      );
      const gateway = new FlinkProcess(`${name}-${cluster.name}-sql-gateway`, gatewayArgs, {
        parent,
        dependsOn: [session],
      });
      guard(sqlGatewayName(cluster), cluster.namespace, cluster.sqlGateway.ingress, gateway.url);
      sqlGatewayUrl = gateway.url;
    }
    const proxied = guard(cluster.name, cluster.namespace, cluster.ingress, session.restUrl);
    clusters[cluster.name] = {
      namespace: cluster.namespace,
      restUrl: session.restUrl,
      ...exportedUrl(proxied, cluster.ingress, session.ingressUrl),
      ...(sqlGatewayUrl ? { sqlGatewayUrl } : {}),
    };
  }

  const applications: Record<string, FlinkClusterOutputs> = {};
  for (const application of config.flink.applications) {
    const deployment = new FlinkApplication(
      `${name}-app-${application.name}`,
      {
        application: { ...application, ingress: uiIngress(application.ingress, auth) },
        state,
        artifacts,
        additions,
        allowDataLoss,
      },
      opts,
    );
    const proxied = guard(application.name, application.namespace, application.ingress, deployment.restUrl);
    applications[application.name] = {
      namespace: application.namespace,
      restUrl: deployment.restUrl,
      ...exportedUrl(proxied, application.ingress, deployment.ingressUrl),
    };
  }

  const history = config.flink.historyServer;
  let historyServer: FlinkWorkloadsOutputs["historyServer"];
  // Validation requires a durable store for the history server; the test only narrows the type.
  if (history.enabled && state.store) {
    // The history server runs the default Flink release: archives are JSON files it reads from every version alike.
    const release = FLINK_RELEASES[config.flink.version];
    const store = state.store;
    const server = new FlinkProcess(
      `${name}-history-server`,
      historyServerProcessArgs({
        namespace: config.platform.namespace,
        release,
        image: config.flink.image ?? defaultFlinkImage(release),
        archiveDirs: flinkClusters(config).map((c) => archiveUri(store, state.pathPrefix, c)),
        settings: { ...history, ingress: uiIngress(history.ingress, auth) },
        additions: [storeClientAdditions(store, release)],
        artifacts,
      }),
      opts,
    );
    const proxied = guard(HISTORY_SERVER_UI, config.platform.namespace, history.ingress, server.url);
    historyServer = { url: server.url, ...exportedUrl(proxied, history.ingress, server.ingressUrl) };
  }
  return { clusters, applications, ...(historyServer ? { historyServer } : {}) };
}
