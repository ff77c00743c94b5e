/**
 * A managed MinIO: one-node S3 store for checkpoints, savepoints and HA data, with generated root credentials, and
 * an idempotent setup Job that creates the bucket and one least-privilege user per consumer namespace
 * (`minioAccess.ts`). The root credentials stay in the MinIO namespace: only the server and the setup Job read them.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { platformLabels, selectorLabels } from "../kube/labels";
import type { ContainerResources } from "../kube/resources";
import { created, SecretPolicy, secretEnv } from "../kube/secrets";
import { nonRootPodSecurityContext, restrictedContainerSecurityContext } from "../kube/securityContext";
import { inputsHash } from "../kube/hash";
import { claimRetentionPolicy, dataVolumeClaimTemplate, VolumeSettings } from "../kube/volumes";
import { podScrapeTarget, ScrapeTarget } from "../monitoring/scrapeTargets";
import { grantSecretEnv, MC_ALIAS, minioSetupScript, S3Grant } from "./minioAccess";

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
  /**
   * Serve MinIO's web console on port 9001 (`storage.s3.managed.console`, default false): it is a second way in
   * with the root credentials, so it stays off unless asked for.
   */
  readonly console: boolean;
  /** Let deleting the StatefulSet delete its data volume too (`platform.allowDataLoss`, default false). */
  readonly allowDataLoss: boolean;
  /** One MinIO user per consumer namespace, with the prefixes it may use (`s3Grants`). */
  readonly grants: readonly S3Grant[];
  /** Whether the credentials Secrets are created, or left to the user of a rendered stack. */
  readonly secrets: SecretPolicy;
}

/** S3 credentials of one consumer namespace's MinIO user (the secret key is undefined in a rendered stack). */
export interface GrantCredentials {
  readonly accessKey: string;
  readonly secretKey: pulumi.Output<string> | undefined;
}

const httpProbe = (path: string, initialDelaySeconds: number) => ({
  httpGet: { path, port: MINIO_API_PORT },
  initialDelaySeconds,
  periodSeconds: 10,
  timeoutSeconds: 5,
  failureThreshold: 3,
});

export class Minio extends pulumi.ComponentResource {
  /** In-cluster endpoint of the S3 API. */
  public readonly endpoint: string;
  /** Secret with the root credentials (keys MINIO_SECRET_KEYS), in the MinIO namespace. */
  public readonly secretName: string;
  /** Secret in the MinIO namespace with each grant's secret key, keyed by its namespace (read by the setup Job). */
  public readonly usersSecretName: string;
  /** Each consumer namespace's credentials, by namespace. */
  public readonly grantCredentials: Readonly<Record<string, GrantCredentials>>;
  /** Completes once the bucket and every user exist; depend on it before Flink writes there. */
  public readonly setupJob: k8s.batch.v1.Job;
  /** What Prometheus scrapes: cluster metrics on the S3 port (public, MINIO_PROMETHEUS_AUTH_TYPE). */
  public readonly scrapeTarget: ScrapeTarget;

  constructor(name: string, args: MinioArgs, opts?: pulumi.ComponentResourceOptions) {
    super("flink-platform:state:Minio", name, {}, opts);
    const labels = platformLabels("minio", name);
    const selector = selectorLabels("minio", name);
    this.endpoint = `http://${name}.${args.namespace}.svc:${MINIO_API_PORT}`;
    this.secretName = `${name}-root`;

    const rootUser = args.secrets.generatedPassword(`${name}-root-user`, 16, { parent: this });
    const rootPassword = args.secrets.generatedPassword(`${name}-root-password`, 32, { parent: this });
    const secret = args.secrets.secret(
      `${name}-root`,
      { name: this.secretName, namespace: args.namespace, labels },
      { [MINIO_SECRET_KEYS.user]: rootUser, [MINIO_SECRET_KEYS.password]: rootPassword },
      { parent: this },
    );
    const credentialsEnv = [
      secretEnv("MINIO_ROOT_USER", { name: this.secretName, key: MINIO_SECRET_KEYS.user }),
      secretEnv("MINIO_ROOT_PASSWORD", { name: this.secretName, key: MINIO_SECRET_KEYS.password }),
    ];

    this.usersSecretName = `${name}-users`;
    const credentials: Record<string, GrantCredentials> = {};
    for (const grant of args.grants) {
      credentials[grant.namespace] = {
        accessKey: grant.user,
        secretKey: args.secrets.generatedPassword(`${name}-user-${grant.namespace}`, 32, { parent: this }),
      };
    }
    this.grantCredentials = credentials;
    const usersSecret = args.secrets.secret(
      `${name}-users`,
      { name: this.usersSecretName, namespace: args.namespace, labels },
      Object.fromEntries(args.grants.map((g) => [g.namespace, credentials[g.namespace].secretKey])),
      { parent: this },
    );

    const service = new k8s.core.v1.Service(
      name,
      {
        metadata: { name, namespace: args.namespace, labels },
        spec: {
          selector,
          ports: [
            { name: "s3", port: MINIO_API_PORT, targetPort: "s3" },
            ...(args.console ? [{ name: "console", port: MINIO_CONSOLE_PORT, targetPort: "console" }] : []),
          ],
        },
      },
      { parent: this },
    );

    const template = {
      metadata: { labels },
      spec: {
        // MinIO never calls the Kubernetes API.
        automountServiceAccountToken: false,
        securityContext: nonRootPodSecurityContext(1000),
        containers: [
          {
            name: "minio",
            image: args.image,
            args: [
              "server",
              "/data",
              ...(args.console ? ["--console-address", `:${MINIO_CONSOLE_PORT}`] : []),
            ],
            env: [
              ...credentialsEnv,
              { name: "MINIO_PROMETHEUS_AUTH_TYPE", value: "public" },
              // Without the console, the server serves no browser UI at all.
              ...(args.console ? [] : [{ name: "MINIO_BROWSER", value: "off" }]),
            ],
            ports: [
              { name: "s3", containerPort: MINIO_API_PORT },
              ...(args.console ? [{ name: "console", containerPort: MINIO_CONSOLE_PORT }] : []),
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

    // The image ships the mc client. mc takes the server's URL with the root credentials from MC_HOST_<alias>,
    // assembled by Kubernetes from the Secret's variables ($(VAR) expansion), so no credential is on a command line.
    // The Job is named after its inputs: it runs again exactly when the bucket or a grant changes.
    this.setupJob = new k8s.batch.v1.Job(
      `${name}-setup`,
      {
        metadata: {
          name: `${name}-setup-${inputsHash({ bucket: args.bucket, grants: args.grants })}`,
          namespace: args.namespace,
          labels,
        },
        spec: {
          backoffLimit: 6,
          template: {
            metadata: { labels: platformLabels("minio-setup", name) },
            spec: {
              restartPolicy: "OnFailure",
              automountServiceAccountToken: false,
              securityContext: nonRootPodSecurityContext(1000),
              containers: [
                {
                  name: "setup",
                  image: args.image,
                  command: ["sh", "-c", minioSetupScript(args.bucket, args.grants)],
                  env: [
                    ...credentialsEnv,
                    {
                      name: `MC_HOST_${MC_ALIAS}`,
                      value: `http://$(MINIO_ROOT_USER):$(MINIO_ROOT_PASSWORD)@${name}:${MINIO_API_PORT}`,
                    },
                    ...args.grants.map((grant, index) =>
                      secretEnv(grantSecretEnv(index), { name: this.usersSecretName, key: grant.namespace }),
                    ),
                  ],
                  resources: {
                    requests: { cpu: "50m", memory: "64Mi" },
                    limits: { cpu: "250m", memory: "256Mi" },
                  },
                  securityContext: restrictedContainerSecurityContext({ readOnlyRootFilesystem: true }),
                  volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
                },
              ],
              volumes: [{ name: "tmp", emptyDir: { medium: "Memory" } }],
            },
          },
        },
      },
      { parent: this, dependsOn: [service, statefulSet, ...created(usersSecret)] },
    );
    this.registerOutputs({ endpoint: this.endpoint, secretName: this.secretName });
  }
}
