/**
 * Flink's SQL Gateway for one session cluster: its REST endpoint submits every statement's job to that cluster
 * (`execution.target: remote` at the cluster's REST Service), with the Hive catalog in its catalog store when Hive
 * is on. Pure: the configuration and the process args; `FlinkProcess` runs it.
 */
import type { ArtifactSettings, PodAdditions } from "../kube/podAdditions";
import type { ResolvedSessionCluster } from "./clusterSchema";
import type { FlinkProcessArgs } from "./flinkProcessDeployment";
import { SQL_GATEWAY_PORT, sqlGatewayName } from "./jobServices";
import { REST_PORT } from "./sessionCluster";
import { FLINK_RELEASES } from "./versions";

/** The gateway's own Flink configuration: where it listens and which cluster runs its jobs. */
export function sqlGatewayConfiguration(
  cluster: Pick<ResolvedSessionCluster, "name" | "namespace">,
): Record<string, string> {
  return {
    "sql-gateway.endpoint.type": "rest",
    "sql-gateway.endpoint.rest.address": "0.0.0.0",
    "sql-gateway.endpoint.rest.bind-address": "0.0.0.0",
    "sql-gateway.endpoint.rest.port": String(SQL_GATEWAY_PORT),
    "execution.target": "remote",
    "rest.address": `${cluster.name}-rest.${cluster.namespace}.svc`,
    "rest.port": String(REST_PORT),
  };
}

/** What `FlinkProcess` needs to run the gateway of a cluster. */
export function sqlGatewayProcessArgs(
  cluster: ResolvedSessionCluster,
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
    configuration: sqlGatewayConfiguration(cluster),
    additions,
    resources: gateway.resources,
    ingress: gateway.ingress,
    artifacts,
  };
}
