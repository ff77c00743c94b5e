/**
 * The Hive metastore (apache/hive 3.1.3) with its schema in MySQL. An init container creates the schema only when
 * `schematool -info` finds none, so it is safe on every start (the image's own start-up runs `-initSchema`, which
 * fails once the schema exists, so it is skipped with IS_RESUME). hive-site.xml is generated here with every value
 * escaped, as a ConfigMap template without the database password; a first init container puts the password in from
 * the database user's Secret, onto an in-memory volume, so the password lives in that Secret only.
 */
import * as crypto from "crypto";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { jarFetcherInitContainer, jarFileName, MavenJar } from "../kube/artifacts";
import { platformLabels, selectorLabels } from "../kube/labels";
import type { ArtifactSettings } from "../kube/podAdditions";
import type { ContainerResources } from "../kube/resources";
import { SecretKeyRef, secretEnv } from "../kube/secrets";
import { nonRootPodSecurityContext, restrictedContainerSecurityContext } from "../kube/securityContext";
import { MetastoreDatabase, metastoreSiteXml, renderSiteScript, S3Warehouse } from "./hiveSite";

export const METASTORE_PORT = 9083;
/** uid of the `hive` user in the apache/hive image. */
const HIVE_UID = 1000;
const HIVE_HOME = "/opt/hive";

/** Create the schema only when there is none; `-info` fails on an empty database (and on an unreachable one, when
 * `-initSchema` fails too and the pod retries). */
export const SCHEMA_INIT_COMMAND = `${HIVE_HOME}/bin/schematool -dbType mysql -info || ${HIVE_HOME}/bin/schematool -dbType mysql -initSchema`;

export interface HiveMetastoreArgs {
  /** Namespace of the metastore (the platform namespace). */
  readonly namespace: string;
  /** Exact Hive image (`hive.image`, default apache/hive:3.1.3). */
  readonly image: string;
  /** Requests and limits of the metastore and its schema init (default 250m/1Gi requested, 1 CPU/2Gi limit). */
  readonly resources: ContainerResources;
  /** Where the metastore schema lives in MySQL. */
  readonly db: MetastoreDatabase;
  /** The Secret key with the metastore user's database password (in the metastore's namespace). */
  readonly passwordSecret: SecretKeyRef;
  /** Fully qualified warehouse location, e.g. hdfs://hdfs-namenode.flink.svc:8020/flink/warehouse. */
  readonly warehouseUri: string;
  /** For an s3a warehouse: the endpoint and the credentials Secret in the metastore's namespace. Default none. */
  readonly s3?: S3Warehouse & { readonly accessKey: SecretKeyRef; readonly secretKey: SecretKeyRef };
  /** The JDBC driver jar, fetched and checked by an init container. */
  readonly jdbcDriver: MavenJar;
  /** Where the driver is fetched from (`platform.artifacts`). */
  readonly artifacts: Pick<ArtifactSettings, "mavenRepository" | "fetcherImage">;
}

/** Thrift URI of the metastore Service. */
export function metastoreUri(name: string, namespace: string): string {
  return `thrift://${name}.${namespace}.svc:${METASTORE_PORT}`;
}

export class HiveMetastore extends pulumi.ComponentResource {
  public readonly uri: string;

  constructor(name: string, args: HiveMetastoreArgs, opts?: pulumi.ComponentResourceOptions) {
    super("flink-platform:hive:HiveMetastore", name, {}, opts);
    const labels = platformLabels("hive-metastore", name);
    const selector = selectorLabels("hive-metastore", name);
    this.uri = metastoreUri(name, args.namespace);

    const template = metastoreSiteXml({ db: args.db, warehouseUri: args.warehouseUri, s3: args.s3 });
    const siteTemplate = new k8s.core.v1.ConfigMap(
      `${name}-site`,
      {
        metadata: { name: `${name}-site`, namespace: args.namespace, labels },
        data: { "hive-site.xml": template },
      },
      { parent: this },
    );

    const driverFile = jarFileName(args.jdbcDriver);
    const hiveMounts = [
      {
        name: "site",
        mountPath: `${HIVE_HOME}/conf/hive-site.xml`,
        subPath: "hive-site.xml",
        readOnly: true,
      },
      { name: "jdbc", mountPath: `${HIVE_HOME}/lib/${driverFile}`, subPath: driverFile, readOnly: true },
      { name: "tmp", mountPath: "/tmp" },
    ];
    const s3Env = args.s3
      ? [
          secretEnv("AWS_ACCESS_KEY_ID", args.s3.accessKey),
          secretEnv("AWS_SECRET_ACCESS_KEY", args.s3.secretKey),
          // The image's Hadoop ships hadoop-aws and the AWS SDK among its tools.
          { name: "HADOOP_CLASSPATH", value: "/opt/hadoop/share/hadoop/tools/lib/*" },
        ]
      : [];
    // Warehouse directories are written as `flink`, the same user Flink's Hive sinks write table files as.
    const env = [{ name: "HADOOP_USER_NAME", value: "flink" }, ...s3Env];

    const service = new k8s.core.v1.Service(
      name,
      {
        metadata: { name, namespace: args.namespace, labels },
        spec: { selector, ports: [{ name: "thrift", port: METASTORE_PORT, targetPort: "thrift" }] },
      },
      { parent: this },
    );
    new k8s.apps.v1.Deployment(
      name,
      {
        metadata: { name, namespace: args.namespace, labels },
        spec: {
          replicas: 1,
          selector: { matchLabels: selector },
          template: {
            metadata: {
              labels,
              // A new hive-site.xml (warehouse, database) rolls the pod.
              annotations: {
                "flink-platform/site-sha256": crypto.createHash("sha256").update(template).digest("hex"),
              },
            },
            spec: {
              // The metastore never calls the Kubernetes API.
              automountServiceAccountToken: false,
              securityContext: nonRootPodSecurityContext(HIVE_UID),
              initContainers: [
                {
                  name: "render-site",
                  image: args.artifacts.fetcherImage,
                  imagePullPolicy: "IfNotPresent",
                  command: ["sh", "-c", renderSiteScript("/template/hive-site.xml", "/site/hive-site.xml")],
                  env: [secretEnv("DB_PASSWORD", args.passwordSecret)],
                  volumeMounts: [
                    { name: "site-template", mountPath: "/template", readOnly: true },
                    { name: "site", mountPath: "/site" },
                  ],
                  resources: {
                    requests: { cpu: "10m", memory: "16Mi" },
                    limits: { cpu: "100m", memory: "64Mi" },
                  },
                  securityContext: restrictedContainerSecurityContext({
                    readOnlyRootFilesystem: true,
                    runAsNonRoot: true,
                  }),
                },
                jarFetcherInitContainer(
                  "fetch-jdbc-driver",
                  args.artifacts.fetcherImage,
                  args.artifacts.mavenRepository,
                  [args.jdbcDriver],
                  "jdbc",
                ),
                {
                  name: "init-schema",
                  image: args.image,
                  command: ["bash", "-c", SCHEMA_INIT_COMMAND],
                  env,
                  volumeMounts: hiveMounts,
                  resources: args.resources,
                  securityContext: restrictedContainerSecurityContext(),
                },
              ],
              containers: [
                {
                  name: "metastore",
                  image: args.image,
                  env: [
                    { name: "SERVICE_NAME", value: "metastore" },
                    { name: "DB_DRIVER", value: "mysql" },
                    // The schema is already there (init-schema); the image would otherwise run -initSchema again.
                    { name: "IS_RESUME", value: "true" },
                    ...env,
                  ],
                  ports: [{ name: "thrift", containerPort: METASTORE_PORT }],
                  readinessProbe: {
                    tcpSocket: { port: "thrift" },
                    initialDelaySeconds: 15,
                    periodSeconds: 10,
                  },
                  livenessProbe: {
                    tcpSocket: { port: "thrift" },
                    initialDelaySeconds: 60,
                    periodSeconds: 20,
                  },
                  resources: args.resources,
                  securityContext: restrictedContainerSecurityContext(),
                  volumeMounts: hiveMounts,
                },
              ],
              volumes: [
                { name: "site-template", configMap: { name: `${name}-site` } },
                { name: "site", emptyDir: { medium: "Memory", sizeLimit: "1Mi" } },
                { name: "jdbc", emptyDir: {} },
                { name: "tmp", emptyDir: {} },
              ],
            },
          },
        },
      },
      { parent: this, dependsOn: [siteTemplate, service] },
    );
    this.registerOutputs({ uri: this.uri });
  }
}
