/** The pod specs among recorded objects, and the rules tests check on them. */
import { kubernetesCpuCores, kubernetesMemoryBytes } from "../../components/config/quantities";
import { RecordedResource, unwrapSecrets } from "./mocks";

export interface Pod {
  readonly owner: string;
  readonly spec: Record<string, any>;
  /** A JobManager or TaskManager template, which the operator merges over the FlinkDeployment's own. */
  readonly partial?: boolean;
}

/** Every pod spec in the recorded objects: workloads, Jobs and the FlinkDeployments' pod templates. */
export function podsOf(resources: readonly RecordedResource[]): Pod[] {
  const pods: Pod[] = [];
  for (const r of resources) {
    const spec = unwrapSecrets(r.inputs)?.spec;
    const owner = `${r.type} ${r.name}`;
    if (spec?.template?.spec) {
      pods.push({ owner, spec: spec.template.spec });
    }
    for (const part of ["podTemplate", "jobManager", "taskManager"]) {
      const template = part === "podTemplate" ? spec?.podTemplate : spec?.[part]?.podTemplate;
      if (template?.spec) {
        pods.push({ owner: `${owner} ${part}`, spec: template.spec, partial: part !== "podTemplate" });
      }
    }
  }
  return pods;
}

export const containersOf = (pod: Pod): Record<string, any>[] => [
  ...(pod.spec.initContainers ?? []),
  ...(pod.spec.containers ?? []),
];

/**
 * The containers a pod spec defines completely: in a JobManager or TaskManager template the main container only
 * adds to the one of the FlinkDeployment's pod template (which the operator merges it with).
 */
export const ownContainersOf = (pod: Pod): Record<string, any>[] =>
  containersOf(pod).filter((c) => !(pod.partial && c.name === "flink-main-container"));

/** A container's requests that exceed its limits. */
export function requestAboveLimit(resources: Record<string, any> | undefined): string[] {
  const problems: string[] = [];
  const amount = { cpu: kubernetesCpuCores, memory: kubernetesMemoryBytes } as const;
  for (const kind of ["cpu", "memory"] as const) {
    const request = resources?.requests?.[kind];
    const limit = resources?.limits?.[kind];
    if (request !== undefined && limit !== undefined && amount[kind](request)! > amount[kind](limit)!) {
      problems.push(`${kind} request ${request} > limit ${limit}`);
    }
  }
  return problems;
}
