/**
 * Apache StreamPark 2.1.7 on the platform, ready on first start with no default password left: its pod (pod.ts)
 * with the schema loaded once (schema.ts), its storage and exposure, and the bootstrap Job (bootstrapJob.ts).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { FlinkCluster } from "../flink/clusterSchema";
import { ingressObject, ingressUrl } from "../kube/ingress";
import { platformLabels } from "../kube/labels";
import { created, SecretPolicy } from "../kube/secrets";
import type { ArtifactSettings } from "../kube/podAdditions";
import { dataResourceOptions, volumeClaimSpec } from "../kube/volumes";
import type { MySqlConnection } from "../mysql/connection";
import { bootstrapObjects, bootstrapPlan, bootstrapScriptSource } from "./bootstrapJob";
import type { StreamParkConfig } from "./config";
import { ADMIN_SECRET, ADMIN_USER, SELECTOR, STREAMPARK_NAME, STREAMPARK_PORT, streamParkUrl } from "./names";
import { flinkHomes, streamParkConfigYaml, streamParkPodTemplate } from "./pod";

export interface StreamParkArgs {
  /** Namespace of StreamPark (the platform namespace, where the MySQL Secrets are). */
  readonly namespace: string;
  /** The `streampark` area: image, resources, workspace, ingress (defaults in components/streampark/config.ts). */
  readonly config: StreamParkConfig;
  /** The session clusters to register, in config order; each Flink version among them gets a Flink home. */
  readonly clusters: readonly FlinkCluster[];
  /** StreamPark's MySQL database and user. */
  readonly database: MySqlConnection;
  /** Image with the `mysql` client, for the schema load (`mysql.image`, default mysql:8.4.10). */
  readonly mysqlClientImage: string;
  /** Where the JDBC driver comes from (`platform.artifacts`). */
  readonly artifacts: ArtifactSettings;
  /** Let deleting StreamPark delete its workspace volume too (`platform.allowDataLoss`, default false). */
  readonly allowDataLoss: boolean;
  /** Whether the admin password Secret is created, or left to the user of a rendered stack. */
  readonly secrets: SecretPolicy;
}

/** StreamPark, its storage and exposure, and the bootstrap that secures and wires it. */
export class StreamPark extends pulumi.ComponentResource {
  /** In-cluster URL of the UI and API. */
  public readonly url: string;
  public readonly ingressUrl: string | undefined;
  public readonly adminUser = ADMIN_USER;
  /** The generated admin password (secret); undefined when the Secret is left to the user of a rendered stack. */
  public readonly adminPassword?: pulumi.Output<string>;

  constructor(name: string, args: StreamParkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("flink-platform:streampark:StreamPark", name, {}, opts);
    const { config, namespace } = args;
    const labels = platformLabels("streampark");

    this.adminPassword = args.secrets.generatedPassword(`${name}-admin-password`, 24, { parent: this });
    const adminSecret = args.secrets.secret(
      `${name}-admin`,
      { name: ADMIN_SECRET, namespace, labels },
      { username: ADMIN_USER, password: this.adminPassword },
      { parent: this },
    );
    // config.yaml holds no password (SPRING_DATASOURCE_PASSWORD brings it), so a ConfigMap will do.
    const configYaml = new k8s.core.v1.ConfigMap(
      `${name}-config`,
      {
        metadata: { name: `${STREAMPARK_NAME}-config`, namespace, labels },
        data: { "config.yaml": streamParkConfigYaml(args.database) },
      },
      { parent: this },
    );
    const workspace = new k8s.core.v1.PersistentVolumeClaim(
      `${name}-workspace`,
      {
        metadata: { name: `${STREAMPARK_NAME}-workspace`, namespace, labels },
        spec: volumeClaimSpec(config.workspace),
      },
      dataResourceOptions(args.allowDataLoss, { parent: this }),
    );
    const homes = flinkHomes(args.clusters);
    const deployment = new k8s.apps.v1.Deployment(
      `${name}-server`,
      {
        metadata: { name: STREAMPARK_NAME, namespace, labels },
        spec: {
          replicas: 1,
          // One writer of the workspace volume and of the job state; StreamPark 2.1 is not made for two replicas.
          strategy: { type: "Recreate" },
          selector: { matchLabels: SELECTOR },
          template: streamParkPodTemplate({
            config,
            database: args.database,
            homes,
            mysqlClientImage: args.mysqlClientImage,
            artifacts: args.artifacts,
          }),
        },
      },
      // First start pulls StreamPark and Flink images and copies the Flink homes before StreamPark starts.
      {
        parent: this,
        dependsOn: [configYaml, workspace],
        customTimeouts: { create: "20m", update: "20m" },
      },
    );
    const service = new k8s.core.v1.Service(
      `${name}-service`,
      {
        metadata: { name: STREAMPARK_NAME, namespace, labels },
        spec: {
          selector: SELECTOR,
          ports: [{ name: "http", port: STREAMPARK_PORT, targetPort: "http", protocol: "TCP" }],
        },
      },
      { parent: this },
    );
    const ingress = ingressObject(config.ingress, { name: STREAMPARK_NAME, port: "http" });
    if (ingress) {
      new k8s.networking.v1.Ingress(
        `${name}-ingress`,
        {
          metadata: {
            name: STREAMPARK_NAME,
            namespace,
            labels,
            ...(ingress.annotations ? { annotations: ingress.annotations } : {}),
          },
          spec: ingress.spec,
        },
        { parent: this },
      );
    }

    const { configMap, job } = bootstrapObjects({
      namespace,
      image: config.bootstrapImage,
      plan: bootstrapPlan(args.clusters),
      script: bootstrapScriptSource(),
    });
    const bootstrapConfig = new k8s.core.v1.ConfigMap(`${name}-bootstrap`, configMap, { parent: this });
    new k8s.batch.v1.Job(`${name}-bootstrap`, job, {
      parent: this,
      dependsOn: [deployment, service, ...created(adminSecret), bootstrapConfig],
      customTimeouts: { create: "20m", update: "20m" },
    });

    this.url = streamParkUrl(namespace);
    this.ingressUrl = ingressUrl(config.ingress);
    this.registerOutputs({ url: this.url, ingressUrl: this.ingressUrl });
  }
}
