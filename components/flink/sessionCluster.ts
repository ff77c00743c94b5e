/**
 * A Flink session cluster: a `FlinkDeployment` without a job, plus the service account and Role its JobManager
 * needs in its own namespace (the operator chart only creates those in the namespaces it knows about).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ingressUrl } from "../kube/ingress";
import { platformLabels } from "../kube/labels";
import { ArtifactSettings, mergeAdditions, PodAdditions } from "../kube/podAdditions";
import { nonRootPodSecurityContext, restrictedContainerSecurityContext } from "../kube/securityContext";
import type { FlinkCluster, FlinkClusterSpecInput, ResolvedSessionCluster } from "./clusterSchema";
import { StateInputs, stateSettings } from "./clusterState";
import { FLINK_DEPLOYMENT_DELETION } from "./deletionPolicy";
import { PROMETHEUS_PORT, sessionFlinkConfiguration } from "./flinkConfiguration";
import { FLINK_RELEASES } from "./versions";

/** Port of the JobManager REST API and web UI (`<cluster>-rest` Service). */
export const REST_PORT = 8081;
/** Port of the TaskManager RPC endpoint in native Kubernetes mode. */
const TASKMANAGER_RPC_PORT = 6122;
/** uid/gid of the `flink` user in the official images. */
const FLINK_UID = 9999;

/** The name of the main container, which the operator requires in pod templates. */
export const MAIN_CONTAINER = "flink-main-container";

/** What the pods of any Flink cluster the platform runs are made from, besides the cluster's own config. */
export interface FlinkPodInputs {
  /** Checkpointing, durable store and HA of the platform. */
  readonly state: StateInputs;
  /** Where jars the image lacks come from (`platform.artifacts`). */
  readonly artifacts: ArtifactSettings;
  /** What other features (Hive, ...) add to the pods. Default none. */
  readonly additions?: readonly PodAdditions[];
}

export interface FlinkSessionClusterArgs extends FlinkPodInputs {
  /** The cluster's config (`flink.clusters.<name>`) with its namespace, version and image resolved. */
  readonly cluster: ResolvedSessionCluster;
}

/** What a cluster's pods get: its durable state first, then every other feature's additions. */
export function clusterPodAdditions(
  cluster: Pick<FlinkCluster, "name" | "namespace" | "version">,
  inputs: FlinkPodInputs,
): PodAdditions {
  return mergeAdditions(
    [stateSettings(cluster, inputs.state), ...(inputs.additions ?? [])],
    inputs.artifacts,
  );
}

/** Name of the service account, Role and RoleBinding of a cluster. */
export function serviceAccountName(cluster: Pick<FlinkCluster, "name">): string {
  return `flink-${cluster.name}`;
}

/** Labels Flink's native Kubernetes mode puts on JobManager pods. */
export function jobManagerPodLabels(cluster: Pick<FlinkCluster, "name">): Record<string, string> {
  return { app: cluster.name, component: "jobmanager", type: "flink-native-kubernetes" };
}

/** In-cluster URL of a cluster's REST API. */
export function restUrl(cluster: Pick<FlinkCluster, "name" | "namespace">): string {
  return `http://${cluster.name}-rest.${cluster.namespace}.svc:${REST_PORT}`;
}

/** Rules the JobManager needs: it creates TaskManager pods, HA ConfigMaps, and owner references on its Deployment. */
export const FLINK_JOB_RULES: k8s.types.input.rbac.v1.PolicyRule[] = [
  {
    apiGroups: [""],
    resources: ["pods", "configmaps"],
    verbs: ["get", "list", "watch", "create", "update", "patch", "delete"],
  },
  {
    apiGroups: ["apps"],
    resources: ["deployments", "deployments/finalizers"],
    verbs: ["get", "list", "watch", "create", "update", "patch", "delete"],
  },
];

const tcpProbe = (port: number, initialDelaySeconds: number) => ({
  tcpSocket: { port },
  initialDelaySeconds,
  periodSeconds: 10,
  failureThreshold: 3,
});

/**
 * The pod template shared by JobManager and TaskManager pods: non-root, no privilege escalation, and the Prometheus
 * reporter's port named `metrics` (Flink merges template ports with its own).
 */
function sharedPodTemplate(cluster: FlinkClusterSpecInput, state: PodAdditions, component: string) {
  const mainContainer: Record<string, unknown> = {
    name: MAIN_CONTAINER,
    ports: [{ name: "metrics", containerPort: PROMETHEUS_PORT, protocol: "TCP" }],
    securityContext: restrictedContainerSecurityContext(),
  };
  if (state.env.length > 0) {
    mainContainer.env = state.env;
  }
  if (state.volumeMounts.length > 0) {
    mainContainer.volumeMounts = state.volumeMounts;
  }
  return {
    metadata: { labels: platformLabels(component, cluster.name) },
    spec: {
      securityContext: nonRootPodSecurityContext(FLINK_UID),
      ...(state.initContainers.length > 0 ? { initContainers: state.initContainers } : {}),
      containers: [mainContainer],
      ...(state.volumes.length > 0 ? { volumes: state.volumes } : {}),
    },
  };
}

/**
 * The FlinkDeployment `spec` of a session cluster, or of an application before its job is added (`component` labels
 * the pods). Pure, so tests can pin the exact spec. Requests and limits of the Flink containers come from
 * `resource` (the operator sets both from it).
 */
export function flinkDeploymentSpec(
  cluster: FlinkClusterSpecInput,
  state: PodAdditions,
  component = "flink-session-cluster",
) {
  const release = FLINK_RELEASES[cluster.version];
  const spec: Record<string, unknown> = {
    image: cluster.image,
    imagePullPolicy: "IfNotPresent",
    flinkVersion: release.crdVersion,
    mode: "native",
    serviceAccount: serviceAccountName(cluster),
    flinkConfiguration: sessionFlinkConfiguration(cluster, state.flinkConfiguration),
    podTemplate: sharedPodTemplate(cluster, state, component),
    jobManager: {
      replicas: cluster.jobManager.replicas,
      resource: { cpu: cluster.jobManager.cpu, memory: cluster.jobManager.memory },
      podTemplate: {
        spec: {
          containers: [
            {
              name: MAIN_CONTAINER,
              livenessProbe: tcpProbe(REST_PORT, 60),
              readinessProbe: tcpProbe(REST_PORT, 10),
            },
          ],
        },
      },
    },
    taskManager: {
      resource: { cpu: cluster.taskManager.cpu, memory: cluster.taskManager.memory },
      podTemplate: {
        spec: { containers: [{ name: MAIN_CONTAINER, livenessProbe: tcpProbe(TASKMANAGER_RPC_PORT, 60) }] },
      },
    },
  };
  const ingress = cluster.ingress;
  if (ingress.enabled && ingress.host) {
    spec.ingress = {
      template: ingress.host,
      ...(ingress.className ? { className: ingress.className } : {}),
      ...(Object.keys(ingress.annotations).length > 0 ? { annotations: { ...ingress.annotations } } : {}),
      ...(ingress.tlsSecretName
        ? { tls: [{ hosts: [ingress.host], secretName: ingress.tlsSecretName }] }
        : {}),
    };
  }
  return spec;
}

/**
 * The service account, Role and RoleBinding a cluster's JobManager runs with, in the cluster's namespace (the
 * operator chart only creates those in the namespaces it knows about).
 */
export function jobManagerRbac(
  name: string,
  cluster: Pick<FlinkCluster, "name" | "namespace">,
  component: string,
  parent: pulumi.Resource,
): pulumi.Resource[] {
  const metadata = {
    name: serviceAccountName(cluster),
    namespace: cluster.namespace,
    labels: platformLabels(component, cluster.name),
  };
  const serviceAccount = new k8s.core.v1.ServiceAccount(`${name}-sa`, { metadata }, { parent });
  const role = new k8s.rbac.v1.Role(`${name}-role`, { metadata, rules: FLINK_JOB_RULES }, { parent });
  const roleBinding = new k8s.rbac.v1.RoleBinding(
    `${name}-rolebinding`,
    {
      metadata,
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: metadata.name },
      subjects: [{ kind: "ServiceAccount", name: metadata.name, namespace: cluster.namespace }],
    },
    { parent },
  );
  return [serviceAccount, role, roleBinding];
}

/** Standby JobManagers only help if a drain cannot take all of them at once. */
export function jobManagerDisruptionBudget(
  name: string,
  cluster: Pick<FlinkCluster, "name" | "namespace">,
  labels: Record<string, string>,
  parent: pulumi.Resource,
): k8s.policy.v1.PodDisruptionBudget {
  return new k8s.policy.v1.PodDisruptionBudget(
    `${name}-jobmanager`,
    {
      metadata: { name: `${cluster.name}-jobmanager`, namespace: cluster.namespace, labels },
      spec: { minAvailable: 1, selector: { matchLabels: jobManagerPodLabels(cluster) } },
    },
    { parent },
  );
}

/** A Flink session cluster and the RBAC it runs with. */
export class FlinkSessionCluster extends pulumi.ComponentResource {
  public readonly deployment: k8s.apiextensions.CustomResource;
  /** In-cluster URL of the REST API. */
  public readonly restUrl: string;
  /** URL through the ingress, when one is configured. */
  public readonly ingressUrl: string | undefined;

  constructor(name: string, args: FlinkSessionClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("flink-platform:flink:FlinkSessionCluster", name, {}, opts);
    const cluster = args.cluster;
    const labels = platformLabels("flink-session-cluster", cluster.name);
    const rbac = jobManagerRbac(name, cluster, "flink-session-cluster", this);
    this.deployment = new k8s.apiextensions.CustomResource(
      name,
      {
        apiVersion: "flink.apache.org/v1beta1",
        kind: "FlinkDeployment",
        metadata: {
          name: cluster.name,
          namespace: cluster.namespace,
          labels,
          // Ready means the JobManager deployment is up; the operator reports it in the status. pulumi-kubernetes
          // also waits for status.observedGeneration to reach the new generation, so an update waits for the
          // operator to have seen it.
          annotations: {
            "pulumi.com/waitFor": "jsonpath={.status.jobManagerDeploymentStatus}=READY",
            ...FLINK_DEPLOYMENT_DELETION,
          },
        },
        spec: flinkDeploymentSpec(cluster, clusterPodAdditions(cluster, args)),
      },
      // The RBAC must exist before the JobManager starts, and outlive it on delete. A first start pulls the Flink
      // image on every node that runs a JobManager: allow more than the provider's default 10 minutes.
      {
        parent: this,
        dependsOn: rbac,
        customTimeouts: { create: "20m", update: "20m" },
      },
    );
    if (cluster.jobManager.replicas > 1) {
      jobManagerDisruptionBudget(name, cluster, labels, this);
    }
    this.restUrl = restUrl(cluster);
    this.ingressUrl = ingressUrl(cluster.ingress);
    this.registerOutputs({ restUrl: this.restUrl, ingressUrl: this.ingressUrl });
  }
}
