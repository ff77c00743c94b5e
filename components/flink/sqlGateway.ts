/**
 * Flink's SQL Gateway for one session cluster: its REST endpoint submits every statement's job to that cluster
 * (`execution.target: remote` at the cluster's REST Service), with the Hive catalog in its catalog store when Hive
 * is on. The gateway compiles each statement's job itself, so its configuration carries what the cluster's jobs run
 * with (jobConfiguration.ts). Pure: the configuration and the process args; `FlinkProcess` runs it.
 */
import type { ArtifactSettings, PodAdditions } from "../kube/podAdditions";
import type { ResolvedSessionCluster } from "./clusterSchema";
import type { StateInputs } from "./clusterState";
import type { FlinkProcessArgs } from "./flinkProcessDeployment";
import { clusterJobConfiguration } from "./jobConfiguration";
import { SQL_GATEWAY_PORT, sqlGatewayName } from "./jobServices";
import { REST_PORT } from "./sessionCluster";
import { FLINK_RELEASES } from "./versions";

/**
 * The gateway's Flink configuration: what the cluster's jobs run with (checkpointing, state backend, checkpoint
 * directories, retention, restart strategy and the cluster's other job keys), then where the gateway listens and
 * which cluster runs its jobs.
 */
export function sqlGatewayConfiguration(
  cluster: Pick<ResolvedSessionCluster, "name" | "namespace" | "version" | "flinkConfiguration">,
  state: StateInputs,
): Record<string, string> {
  return {
    ...clusterJobConfiguration(cluster, state),
    "sql-gateway.endpoint.type": "rest",
    "sql-gateway.endpoint.rest.address": "0.0.0.0",
    "sql-gateway.endpoint.rest.bind-address": "0.0.0.0",
    "sql-gateway.endpoint.rest.port": String(SQL_GATEWAY_PORT),
    "execution.target": "remote",
    "rest.address": `${cluster.name}-rest.${cluster.namespace}.svc`,
    "rest.port": String(REST_PORT),
  };
}

/**
 * What `FlinkProcess` needs to run the gateway of a cluster; `state` is what the cluster's own state settings are
 * made from.
 */
export function sqlGatewayProcessArgs(
  cluster: ResolvedSessionCluster,
  state: StateInputs,
  additions: readonly PodAdditions[],
  artifacts: ArtifactSettings,
): FlinkProcessArgs {
  const gateway = cluster.sqlGateway;
  return {
    objectName: sqlGatewayName(cluster),
    namespace: cluster.namespace,
    component: "flink-sql-gateway",
    instance: cluster.name,
    release: FLINK_RELEASES[cluster.version],
    image: cluster.image,
    // The image's entrypoint runs any other command as given, after enabling the built-in plugins.
    args: ["/opt/flink/bin/sql-gateway.sh", "start-foreground"],
    port: SQL_GATEWAY_PORT,
    // GET /v1/info answers with the product name and version once the REST endpoint is up.
    probePath: "/v1/info",
    configuration: sqlGatewayConfiguration(cluster, state),
    additions,
    resources: gateway.resources,
    ingress: gateway.ingress,
    artifacts,
  };
}
