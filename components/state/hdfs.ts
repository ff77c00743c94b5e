/**
 * A managed HDFS (apache/hadoop image): one NameNode and N DataNodes as StatefulSets on PVCs. The NameNode is
 * formatted only when its metadata directory is empty, never on a restart; a Job creates the platform's base
 * directory, owned by the `flink` user, once the file system answers.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { platformLabels, selectorLabels } from "../kube/labels";
import type { ContainerResources } from "../kube/resources";
import { nonRootPodSecurityContext, restrictedContainerSecurityContext } from "../kube/securityContext";
import { waitUntilLines, WaitBound } from "../kube/shell";
import { claimRetentionPolicy, dataVolumeClaimTemplate, VolumeSettings } from "../kube/volumes";

export const NAMENODE_RPC_PORT = 8020;
export const NAMENODE_HTTP_PORT = 9870;
/** uid of the `hadoop` user in the apache/hadoop image. */
const HADOOP_UID = 1000;
const NAME_DIR = "/data/nn";
const DATA_DIR = "/data/dn";

export interface HdfsArgs {
  /** Namespace of the NameNode, DataNodes and setup Job (the platform namespace). */
  readonly namespace: string;
  /** Exact Hadoop image (`storage.hdfs.managed.image`, default apache/hadoop:3.4.1). */
  readonly image: string;
  /** DataNodes (`storage.hdfs.managed.dataNodes`, default 1). */
  readonly dataNodes: number;
  /** Block replication, at most `dataNodes` (`storage.hdfs.managed.replication`, default 1). */
  readonly replication: number;
  /** The NameNode's metadata volume (default 10Gi in the default storage class). */
  readonly nameNodeVolume: VolumeSettings;
  /** Each DataNode's block volume (default 50Gi in the default storage class). */
  readonly dataNodeVolume: VolumeSettings;
  /** Requests and limits of every HDFS server (default 250m/1Gi requested, 1 CPU/2Gi limit). */
  readonly resources: ContainerResources;
  /** Directory created for Flink and owned by the `flink` user: `/<storage.pathPrefix>`, default /flink. */
  readonly baseDirectory: string;
  /** Let deleting the StatefulSets delete their volumes too (`platform.allowDataLoss`, default false). */
  readonly allowDataLoss: boolean;
}

/** `fs.defaultFS` of the managed HDFS. */
export function hdfsDefaultFS(name: string, namespace: string): string {
  return `hdfs://${name}-namenode.${namespace}.svc:${NAMENODE_RPC_PORT}`;
}

/** Client-side configuration of an HDFS (core-site.xml and hdfs-site.xml properties). */
export function hdfsClientProperties(defaultFS: string, replication: number) {
  return {
    core: { "fs.defaultFS": defaultFS },
    hdfs: { "dfs.replication": String(replication) },
  };
}

/**
 * The image's starter turns `<FILE>_<key>=value` variables into its XML configuration; this keeps the servers'
 * configuration in the pod spec, next to the values it derives from.
 */
export function serverEnv(defaultFS: string, replication: number): Array<{ name: string; value: string }> {
  const entries: Record<string, string> = {
    "CORE-SITE.XML_fs.defaultFS": defaultFS,
    "HDFS-SITE.XML_dfs.replication": String(replication),
    "HDFS-SITE.XML_dfs.namenode.name.dir": `file://${NAME_DIR}`,
    "HDFS-SITE.XML_dfs.datanode.data.dir": `file://${DATA_DIR}`,
    "HDFS-SITE.XML_dfs.namenode.rpc-bind-host": "0.0.0.0",
    "HDFS-SITE.XML_dfs.namenode.http-bind-host": "0.0.0.0",
    // DataNodes register by pod IP; the NameNode must not reject them for lacking reverse DNS.
    "HDFS-SITE.XML_dfs.namenode.datanode.registration.ip-hostname-check": "false",
  };
  return Object.entries(entries).map(([name, value]) => ({ name, value }));
}

/** Format only an empty NameNode directory (a formatted one has `current/`), then run the NameNode. */
export const NAMENODE_COMMAND = `if [ ! -d ${NAME_DIR}/current ]; then hdfs namenode -format -nonInteractive; fi; exec hdfs namenode`;

/** Create the base directory for Flink once HDFS answers; safe to run again. */
export function baseDirectoryScript(directory: string, bound?: WaitBound): string {
  return [
    "set -eu",
    ...waitUntilLines("hdfs dfs -ls /", "HDFS did not answer", bound),
    `hdfs dfs -mkdir -p ${directory}`,
    `hdfs dfs -chown flink ${directory}`,
    "",
  ].join("\n");
}

export class Hdfs extends pulumi.ComponentResource {
  public readonly defaultFS: string;
  /** Completes once the base directory exists. */
  public readonly baseDirectoryJob: k8s.batch.v1.Job;

  constructor(name: string, args: HdfsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("flink-platform:state:Hdfs", name, {}, opts);
    this.defaultFS = hdfsDefaultFS(name, args.namespace);
    const env = serverEnv(this.defaultFS, args.replication);
    // No HDFS pod calls the Kubernetes API, so none mounts a service-account token.
    const podSpecBase = {
      automountServiceAccountToken: false,
      securityContext: nonRootPodSecurityContext(HADOOP_UID),
    };
    const container = (role: string) => ({
      name: role,
      image: args.image,
      env,
      resources: args.resources,
      securityContext: restrictedContainerSecurityContext(),
      volumeMounts: [{ name: "data", mountPath: "/data" }],
    });

    const nnLabels = platformLabels("hdfs-namenode", name);
    const nnSelector = selectorLabels("hdfs-namenode", name);
    const nnService = new k8s.core.v1.Service(
      `${name}-namenode`,
      {
        metadata: { name: `${name}-namenode`, namespace: args.namespace, labels: nnLabels },
        spec: {
          selector: nnSelector,
          ports: [
            { name: "rpc", port: NAMENODE_RPC_PORT, targetPort: "rpc" },
            { name: "http", port: NAMENODE_HTTP_PORT, targetPort: "http" },
          ],
        },
      },
      { parent: this },
    );
    const nameNode = new k8s.apps.v1.StatefulSet(
      `${name}-namenode`,
      {
        metadata: { name: `${name}-namenode`, namespace: args.namespace, labels: nnLabels },
        spec: {
          serviceName: `${name}-namenode`,
          replicas: 1,
          selector: { matchLabels: nnSelector },
          persistentVolumeClaimRetentionPolicy: claimRetentionPolicy(args.allowDataLoss),
          template: {
            metadata: { labels: nnLabels },
            spec: {
              ...podSpecBase,
              containers: [
                {
                  ...container("namenode"),
                  // The image's entrypoint writes the configuration from `env`, then runs these arguments.
                  args: ["bash", "-c", NAMENODE_COMMAND],
                  ports: [
                    { name: "rpc", containerPort: NAMENODE_RPC_PORT },
                    { name: "http", containerPort: NAMENODE_HTTP_PORT },
                  ],
                  readinessProbe: { tcpSocket: { port: "rpc" }, initialDelaySeconds: 10, periodSeconds: 10 },
                  livenessProbe: {
                    httpGet: { path: "/", port: "http" },
                    initialDelaySeconds: 60,
                    periodSeconds: 20,
                  },
                },
              ],
            },
          },
          volumeClaimTemplates: [dataVolumeClaimTemplate(nnLabels, args.nameNodeVolume)],
        },
      },
      { parent: this },
    );

    const dnLabels = platformLabels("hdfs-datanode", name);
    const dnSelector = selectorLabels("hdfs-datanode", name);
    const dnService = new k8s.core.v1.Service(
      `${name}-datanode`,
      {
        metadata: { name: `${name}-datanode`, namespace: args.namespace, labels: dnLabels },
        spec: {
          clusterIP: "None",
          selector: dnSelector,
          ports: [
            { name: "data", port: 9866, targetPort: "data" },
            { name: "http", port: 9864, targetPort: "http" },
            { name: "ipc", port: 9867, targetPort: "ipc" },
          ],
        },
      },
      { parent: this },
    );
    new k8s.apps.v1.StatefulSet(
      `${name}-datanode`,
      {
        metadata: { name: `${name}-datanode`, namespace: args.namespace, labels: dnLabels },
        spec: {
          serviceName: `${name}-datanode`,
          replicas: args.dataNodes,
          podManagementPolicy: "Parallel",
          selector: { matchLabels: dnSelector },
          persistentVolumeClaimRetentionPolicy: claimRetentionPolicy(args.allowDataLoss),
          template: {
            metadata: { labels: dnLabels },
            spec: {
              ...podSpecBase,
              containers: [
                {
                  ...container("datanode"),
                  args: ["hdfs", "datanode"],
                  ports: [
                    { name: "data", containerPort: 9866 },
                    { name: "http", containerPort: 9864 },
                    { name: "ipc", containerPort: 9867 },
                  ],
                  readinessProbe: { tcpSocket: { port: "data" }, initialDelaySeconds: 10, periodSeconds: 10 },
                  livenessProbe: {
                    httpGet: { path: "/", port: "http" },
                    initialDelaySeconds: 60,
                    periodSeconds: 20,
                  },
                },
              ],
            },
          },
          volumeClaimTemplates: [dataVolumeClaimTemplate(dnLabels, args.dataNodeVolume)],
        },
      },
      { parent: this, dependsOn: [nnService] },
    );

    this.baseDirectoryJob = new k8s.batch.v1.Job(
      `${name}-base-directory`,
      {
        metadata: { name: `${name}-base-directory`, namespace: args.namespace, labels: nnLabels },
        spec: {
          backoffLimit: 6,
          template: {
            metadata: { labels: platformLabels("hdfs-setup", name) },
            spec: {
              ...podSpecBase,
              restartPolicy: "OnFailure",
              containers: [
                {
                  name: "create-base-directory",
                  image: args.image,
                  // Runs as the HDFS superuser (the image's `hadoop` user) to hand the directory to `flink`.
                  args: ["bash", "-c", baseDirectoryScript(args.baseDirectory)],
                  env: [{ name: "CORE-SITE.XML_fs.defaultFS", value: this.defaultFS }],
                  resources: {
                    requests: { cpu: "100m", memory: "256Mi" },
                    limits: { cpu: "500m", memory: "512Mi" },
                  },
                  securityContext: restrictedContainerSecurityContext(),
                },
              ],
            },
          },
        },
      },
      { parent: this, dependsOn: [nameNode, nnService, dnService] },
    );
    this.registerOutputs({ defaultFS: this.defaultFS });
  }
}
