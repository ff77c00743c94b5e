/**
 * A managed MinIO: one-node S3 store for checkpoints, savepoints and HA data, with generated root credentials and
 * the bucket created by an idempotent Job.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { platformLabels, selectorLabels } from "../kube/labels";
import type { ContainerResources } from "../kube/resources";
import { created, SecretPolicy, secretEnv } from "../kube/secrets";
import { nonRootPodSecurityContext, restrictedContainerSecurityContext } from "../kube/securityContext";
import { waitUntilLines, WaitBound } from "../kube/shell";
import { claimRetentionPolicy, dataVolumeClaimTemplate, VolumeSettings } from "../kube/volumes";
import { podScrapeTarget, ScrapeTarget } from "../monitoring/scrapeTargets";

export const MINIO_API_PORT = 9000;
export const MINIO_CONSOLE_PORT = 9001;
/** Keys of the root credentials Secret. */
export const MINIO_SECRET_KEYS = { user: "rootUser", password: "rootPassword" } as const;

export interface MinioArgs {
  /** Namespace of the server, its Secret and the bucket Job (the platform namespace). */
  readonly namespace: string;
  /** Exact MinIO image (`storage.s3.managed.image`, default quay.io/minio/minio:RELEASE.2025-09-07T16-13-09Z). */
  readonly image: string;
  /** Bucket the Job creates (`storage.s3.bucket`, default "flink"). */
  readonly bucket: string;
  /** The data volume (`storage.s3.managed.volume`, default 20Gi in the default storage class). */
  readonly volume: VolumeSettings;
  /** Requests and limits of the server (default 250m/512Mi requested, 1 CPU/2Gi limit). */
  readonly resources: ContainerResources;
  /** Let deleting the StatefulSet delete its data volume too (`platform.allowDataLoss`, default false). */
  readonly allowDataLoss: boolean;
  /** Whether the root credentials Secret is created, or left to the user of a rendered stack. */
  readonly secrets: SecretPolicy;
}

const httpProbe = (path: string, initialDelaySeconds: number) => ({
  httpGet: { path, port: MINIO_API_PORT },
  initialDelaySeconds,
  periodSeconds: 10,
  timeoutSeconds: 5,
  failureThreshold: 3,
});

/**
 * The bucket Job's script: wait until MinIO answers, then create the bucket if it is missing. Credentials come
 * from the environment (a Secret), never from the script text.
 */
export function bucketScript(endpoint: string, bucket: string, bound?: WaitBound): string {
  return [
    "set -eu",
    "export MC_CONFIG_DIR=/tmp/mc",
    ...waitUntilLines(
      `mc alias set platform ${endpoint} "$MINIO_ROOT_USER" "$MINIO_ROOT_PASSWORD"`,
      "MinIO did not answer",
      bound,
    ),
    `mc mb --ignore-existing platform/${bucket}`,
    "",
  ].join("\n");
}

export class Minio extends pulumi.ComponentResource {
  /** In-cluster endpoint of the S3 API. */
  public readonly endpoint: string;
  /** Secret with the root credentials (keys MINIO_SECRET_KEYS), in the MinIO namespace. */
  public readonly secretName: string;
  /** The generated root credentials (secret); undefined when the Secret is left to the user. */
  public readonly rootUser?: pulumi.Output<string>;
  public readonly rootPassword?: pulumi.Output<string>;
  /** Completes once the bucket exists; depend on it before Flink writes there. */
  public readonly bucketJob: k8s.batch.v1.Job;
  /** What Prometheus scrapes: cluster metrics on the S3 port (public, MINIO_PROMETHEUS_AUTH_TYPE). */
  public readonly scrapeTarget: ScrapeTarget;

  constructor(name: string, args: MinioArgs, opts?: pulumi.ComponentResourceOptions) {
    super("flink-platform:state:Minio", name, {}, opts);
    const labels = platformLabels("minio", name);
    const selector = selectorLabels("minio", name);
    this.endpoint = `http://${name}.${args.namespace}.svc:${MINIO_API_PORT}`;
    this.secretName = `${name}-root`;

    this.rootUser = args.secrets.generatedPassword(`${name}-root-user`, 16, { parent: this });
    this.rootPassword = args.secrets.generatedPassword(`${name}-root-password`, 32, { parent: this });
    const secret = args.secrets.secret(
      `${name}-root`,
      { name: this.secretName, namespace: args.namespace, labels },
      { [MINIO_SECRET_KEYS.user]: this.rootUser, [MINIO_SECRET_KEYS.password]: this.rootPassword },
      { parent: this },
    );
    const credentialsEnv = [
      secretEnv("MINIO_ROOT_USER", { name: this.secretName, key: MINIO_SECRET_KEYS.user }),
      secretEnv("MINIO_ROOT_PASSWORD", { name: this.secretName, key: MINIO_SECRET_KEYS.password }),
    ];

    const service = new k8s.core.v1.Service(
      name,
      {
        metadata: { name, namespace: args.namespace, labels },
        spec: {
          selector,
          ports: [
            { name: "s3", port: MINIO_API_PORT, targetPort: "s3" },
            { name: "console", port: MINIO_CONSOLE_PORT, targetPort: "console" },
          ],
        },
      },
      { parent: this },
    );

    const template = {
      metadata: { labels },
      spec: {
        securityContext: nonRootPodSecurityContext(1000),
        containers: [
          {
            name: "minio",
            image: args.image,
            args: ["server", "/data", "--console-address", `:${MINIO_CONSOLE_PORT}`],
            env: [...credentialsEnv, { name: "MINIO_PROMETHEUS_AUTH_TYPE", value: "public" }],
            ports: [
              { name: "s3", containerPort: MINIO_API_PORT },
              { name: "console", containerPort: MINIO_CONSOLE_PORT },
            ],
            livenessProbe: httpProbe("/minio/health/live", 10),
            readinessProbe: httpProbe("/minio/health/ready", 5),
            resources: args.resources,
            securityContext: restrictedContainerSecurityContext(),
            volumeMounts: [{ name: "data", mountPath: "/data" }],
          },
        ],
      },
    };
    this.scrapeTarget = podScrapeTarget({
      name,
      namespace: args.namespace,
      pod: template,
      selectBy: Object.keys(selector),
      port: "s3",
      exporter: "minio",
    });

    const statefulSet = new k8s.apps.v1.StatefulSet(
      name,
      {
        metadata: { name, namespace: args.namespace, labels },
        spec: {
          serviceName: name,
          replicas: 1,
          selector: { matchLabels: selector },
          persistentVolumeClaimRetentionPolicy: claimRetentionPolicy(args.allowDataLoss),
          template,
          volumeClaimTemplates: [dataVolumeClaimTemplate(labels, args.volume)],
        },
      },
      { parent: this, dependsOn: created(secret) },
    );

    // The image ships the mc client; the Job is idempotent (mb --ignore-existing) and named after its bucket, so
    // it only runs again when the bucket changes.
    this.bucketJob = new k8s.batch.v1.Job(
      `${name}-bucket`,
      {
        metadata: { name: `${name}-bucket-${args.bucket}`.slice(0, 63), namespace: args.namespace, labels },
        spec: {
          backoffLimit: 6,
          template: {
            metadata: { labels: platformLabels("minio-bucket", name) },
            spec: {
              restartPolicy: "OnFailure",
              securityContext: nonRootPodSecurityContext(1000),
              containers: [
                {
                  name: "create-bucket",
                  image: args.image,
                  command: ["sh", "-c", bucketScript(`http://${name}:${MINIO_API_PORT}`, args.bucket)],
                  env: credentialsEnv,
                  resources: {
                    requests: { cpu: "50m", memory: "64Mi" },
                    limits: { cpu: "250m", memory: "256Mi" },
                  },
                  securityContext: restrictedContainerSecurityContext({ readOnlyRootFilesystem: true }),
                  volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
                },
              ],
              volumes: [{ name: "tmp", emptyDir: {} }],
            },
          },
        },
      },
      { parent: this, dependsOn: [service, statefulSet] },
    );
    this.registerOutputs({ endpoint: this.endpoint, secretName: this.secretName });
  }
}
