/**
 * The pods a rendered platform runs, as the NetworkPolicy evaluator sees them: namespace, labels and the container
 * ports they declare. Taken from the recorded workloads (Deployments, StatefulSets, Jobs) and, for what the
 * operator and Flink create themselves, from the FlinkDeployments and the operator chart's known pod.
 */
import { FLINK_PORTS } from "../../components/flink/flinkConfiguration";
import { flinkNativePodLabels, OPERATOR_POD_LABELS } from "../../components/monitoring/podMonitors";
import type { ContainerPort, PodEndpoint } from "../../components/network/evaluator";
import type { NetworkPolicyObject } from "../../components/network/model";
import { RecordedResource } from "./mocks";

const WORKLOADS = ["apps/v1:Deployment", "apps/v1:StatefulSet", "batch/v1:Job"].map((t) => `kubernetes:${t}`);

/** The container ports of a pod spec (init containers too: they make connections but take none). */
function containerPorts(spec: any): ContainerPort[] {
  return ((spec?.containers ?? []) as any[]).flatMap((c) => (c.ports ?? []) as ContainerPort[]);
}

/** Flink's own ports, which its pods take whether or not the pod template declares them. */
const FLINK_POD_PORTS: Record<"jobmanager" | "taskmanager", ContainerPort[]> = {
  jobmanager: [
    { name: "rest", containerPort: FLINK_PORTS.rest },
    { name: "jobmanager-rpc", containerPort: FLINK_PORTS.jobManagerRpc },
    { name: "blobserver", containerPort: FLINK_PORTS.blob },
    { containerPort: FLINK_PORTS.metricsQuery },
  ],
  taskmanager: [
    { name: "taskmanager-rpc", containerPort: FLINK_PORTS.taskManagerRpc },
    { containerPort: FLINK_PORTS.data },
    { containerPort: FLINK_PORTS.metricsQuery },
  ],
};

/** Every pod of a rendered platform, named `<namespace>/<what>`. */
export function platformPods(
  resources: readonly RecordedResource[],
  operatorNamespace?: string,
): PodEndpoint[] {
  const pods: PodEndpoint[] = [];
  for (const r of resources.filter((r) => WORKLOADS.includes(r.type))) {
    const template = r.inputs.spec.template;
    pods.push({
      kind: "pod",
      name: `${r.inputs.metadata.namespace}/${r.inputs.metadata.name}`,
      namespace: r.inputs.metadata.namespace,
      labels: template.metadata.labels,
      ports: containerPorts(template.spec),
    });
  }
  for (const r of resources.filter((r) => r.type === "kubernetes:flink.apache.org/v1beta1:FlinkDeployment")) {
    const { name, namespace } = r.inputs.metadata;
    for (const component of ["jobmanager", "taskmanager"] as const) {
      // The operator merges the shared pod template with the component's, and Flink adds its own labels.
      const shared = r.inputs.spec.podTemplate;
      const own = r.inputs.spec[component === "jobmanager" ? "jobManager" : "taskManager"].podTemplate;
      pods.push({
        kind: "pod",
        name: `${namespace}/${name}-${component}`,
        namespace,
        labels: {
          ...shared?.metadata?.labels,
          ...own?.metadata?.labels,
          ...flinkNativePodLabels(name, component),
        },
        ports: [...FLINK_POD_PORTS[component], ...containerPorts(shared?.spec), ...containerPorts(own?.spec)],
      });
    }
  }
  if (operatorNamespace) {
    // The chart's operator pod: its metrics and health ports, and the webhook container's port.
    pods.push({
      kind: "pod",
      name: `${operatorNamespace}/flink-kubernetes-operator`,
      namespace: operatorNamespace,
      labels: { ...OPERATOR_POD_LABELS, "pod-template-hash": "abc" },
      ports: [
        { name: "metrics", containerPort: 9999 },
        { name: "health-port", containerPort: 8085 },
        { containerPort: 9443 },
      ],
    });
  }
  return pods;
}

/** The NetworkPolicies a rendered platform registers, as the API server receives them. */
export function renderedPolicies(resources: readonly RecordedResource[]): NetworkPolicyObject[] {
  return resources
    .filter((r) => r.type === "kubernetes:networking.k8s.io/v1:NetworkPolicy")
    .map((r) => r.inputs as NetworkPolicyObject);
}
