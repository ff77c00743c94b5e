/**
 * A Flink process as a Deployment with its Service, configuration ConfigMap and optional Ingress: what the SQL
 * Gateway and the history server have in common. The pod runs the image's entrypoint with `args`, reads its
 * configuration from its own ConfigMap, and exports JVM metrics on the `metrics` port.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { inputsHash } from "../kube/hash";
import { ingressObject, IngressSettings, ingressUrl } from "../kube/ingress";
import { platformLabels, selectorLabels } from "../kube/labels";
import { ArtifactSettings, mergeAdditions, PodAdditions } from "../kube/podAdditions";
import type { ContainerResources } from "../kube/resources";
import { nonRootPodSecurityContext, restrictedContainerSecurityContext } from "../kube/securityContext";
import {
  httpProbe,
  jmxExporterAdditions,
  PROCESS_CONF_DIR,
  processConfigData,
  processConfVolume,
} from "./flinkProcess";
import { JMX_EXPORTER_PORT } from "./jobServices";
import type { FlinkRelease } from "./versions";

/** uid/gid of the `flink` user in the official images. */
const FLINK_UID = 9999;

export interface FlinkProcessArgs {
  /** Name of the Deployment, Service, ConfigMap and Ingress. */
  readonly objectName: string;
  /** Namespace of all of them. */
  readonly namespace: string;
  /** `app.kubernetes.io/component` of its objects and the selector of its pods. */
  readonly component: string;
  /** `app.kubernetes.io/instance` of its objects and the selector of its pods. */
  readonly instance: string;
  /** The Flink release of `image` (which configuration file it reads). */
  readonly release: FlinkRelease;
  /** Exact Flink image. */
  readonly image: string;
  /** Arguments to the image's entrypoint. */
  readonly args: readonly string[];
  /** Port of its HTTP endpoint (container and Service port `http`). */
  readonly port: number;
  /** Path that answers 200 once the process serves (readiness and liveness). */
  readonly probePath: string;
  /** Flink configuration of the process (merged over what `additions` bring). */
  readonly configuration: Readonly<Record<string, string>>;
  /** What the store, Hive, ... add to the pod. Default none. */
  readonly additions?: readonly PodAdditions[];
  /** Requests and limits of the process's container. */
  readonly resources: ContainerResources;
  /** Its optional Ingress (disabled when an oauth2-proxy stands in front). */
  readonly ingress: IngressSettings;
  /** Where jars come from (`platform.artifacts`). */
  readonly artifacts: ArtifactSettings;
}

export class FlinkProcess extends pulumi.ComponentResource {
  /** In-cluster URL of its HTTP endpoint. */
  public readonly url: string;
  /** URL through its Ingress, when one is configured. */
  public readonly ingressUrl: string | undefined;

  constructor(name: string, args: FlinkProcessArgs, opts?: pulumi.ComponentResourceOptions) {
    super("flink-platform:flink:FlinkProcess", name, {}, opts);
    const labels = platformLabels(args.component, args.instance);
    const selector = selectorLabels(args.component, args.instance);
    const metadata = { name: args.objectName, namespace: args.namespace, labels };
    const jmx = jmxExporterAdditions(args.artifacts.fetchJars);
    const pod = mergeAdditions([...(args.additions ?? []), jmx.additions], args.artifacts);
    const data = processConfigData(args.release, { ...pod.flinkConfiguration, ...args.configuration });
    const configMap = new k8s.core.v1.ConfigMap(`${name}-conf`, { metadata, data }, { parent: this });
    const conf = processConfVolume(args.objectName);
    const service = new k8s.core.v1.Service(
      name,
      {
        metadata,
        spec: {
          selector,
          ports: [{ name: "http", port: args.port, targetPort: "http" }],
        },
      },
      { parent: this },
    );
    new k8s.apps.v1.Deployment(
      name,
      {
        metadata,
        spec: {
          replicas: 1,
          selector: { matchLabels: selector },
          template: {
            // A new configuration rolls the pod.
            metadata: { labels, annotations: { "flink-platform/conf-hash": inputsHash(data) } },
            spec: {
              // Neither process calls the Kubernetes API.
              automountServiceAccountToken: false,
              securityContext: nonRootPodSecurityContext(FLINK_UID),
              ...(pod.initContainers.length > 0 ? { initContainers: pod.initContainers } : {}),
              containers: [
                {
                  name: "flink",
                  image: args.image,
                  imagePullPolicy: "IfNotPresent",
                  args: [...args.args],
                  env: [
                    { name: "FLINK_CONF_DIR", value: PROCESS_CONF_DIR },
                    { name: "JVM_ARGS", value: jmx.jvmArgs },
                    ...pod.env,
                  ],
                  ports: [
                    { name: "http", containerPort: args.port, protocol: "TCP" },
                    { name: "metrics", containerPort: JMX_EXPORTER_PORT, protocol: "TCP" },
                  ],
                  readinessProbe: httpProbe(args.probePath, 10),
                  livenessProbe: httpProbe(args.probePath, 60),
                  resources: args.resources,
                  securityContext: restrictedContainerSecurityContext(),
                  volumeMounts: [conf.mount, ...pod.volumeMounts, { name: "tmp", mountPath: "/tmp" }],
                },
              ],
              volumes: [conf.volume, ...pod.volumes, { name: "tmp", emptyDir: {} }],
            },
          },
        },
      },
      { parent: this, dependsOn: [configMap, service] },
    );
    const ingress = ingressObject(args.ingress, { name: args.objectName, port: "http" });
    if (ingress) {
      new k8s.networking.v1.Ingress(
        name,
        {
          metadata: { ...metadata, ...(ingress.annotations ? { annotations: ingress.annotations } : {}) },
          spec: ingress.spec,
        },
        { parent: this },
      );
    }
    this.url = `http://${args.objectName}.${args.namespace}.svc:${args.port}`;
    this.ingressUrl = ingressUrl(args.ingress);
    this.registerOutputs({ url: this.url, ingressUrl: this.ingressUrl });
  }
}
