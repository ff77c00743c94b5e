/**
 * Names StreamPark's objects, pods and the bootstrap agree on: ports, object names, directories in the image, and
 * where StreamPark is reached.
 */
import type { FlinkCluster } from "../flink/clusterSchema";

/** StreamPark's HTTP port (`server.port`): the UI and the REST API. */
export const STREAMPARK_PORT = 10000;
/** Name of the Deployment, Service and other objects. */
export const STREAMPARK_NAME = "streampark";
/** The user in StreamPark's seed data that the bootstrap secures. */
export const ADMIN_USER = "admin";
/** Secret holding the admin password. */
export const ADMIN_SECRET = "streampark-admin";
/** The image's application home. */
export const APP_HOME = "/streampark";
/** Workspace volume (uploads, projects, builds, Maven repository); outside APP_HOME as StreamPark asks. */
export const WORKSPACE = "/var/lib/streampark";
/** Where the Flink homes are copied to. */
export const FLINK_HOMES_DIR = "/opt/flink-homes";
/** Where the schema files are handed from one init container to the next. */
export const SCHEMA_DIR = "/schema";
/** The image runs as root; nothing it needs is root-only once logs, temp and the workspace are volumes. */
export const STREAMPARK_UID = 10000;
/** uid of the `node` user in the official Node images (the bootstrap Job). */
export const NODE_UID = 1000;

/** Labels that select StreamPark's pod; never change them (a Deployment's selector is immutable). */
export const SELECTOR = {
  "app.kubernetes.io/part-of": "flink-platform",
  "app.kubernetes.io/component": "streampark",
};

/** Name of a session cluster in StreamPark: namespace and name, as two clusters may share a name. */
export function streamParkClusterName(cluster: Pick<FlinkCluster, "name" | "namespace">): string {
  return `${cluster.namespace}/${cluster.name}`;
}

/** In-cluster URL of StreamPark. */
export function streamParkUrl(namespace: string): string {
  return `http://${STREAMPARK_NAME}.${namespace}.svc:${STREAMPARK_PORT}`;
}
