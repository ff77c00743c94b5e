/**
 * The platform's pods as NetworkPolicies see them: groups of pods by namespace and labels (the labels each component
 * puts on its pods), and the peers and ports policies are made of. Pure.
 */
import { flinkNativePodLabels, FlinkComponent } from "../monitoring/podMonitors";
import { strictlyInside, parseCidr } from "./cidr";
import type { LabelSelector, PolicyPeer, PolicyPort, Protocol } from "./model";
import { NAMESPACE_NAME_LABEL } from "./model";

/** Pods by namespace and labels; no labels means every pod of the namespace. */
export interface PodGroup {
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
}

/** The labels every platform component's pods carry (`platformLabels`), minus those that are not stable. */
export function componentPods(namespace: string, component: string, instance?: string): PodGroup {
  return {
    namespace,
    labels: {
      "app.kubernetes.io/part-of": "flink-platform",
      "app.kubernetes.io/component": component,
      ...(instance ? { "app.kubernetes.io/instance": instance } : {}),
    },
  };
}

/** A session cluster's JobManagers, TaskManagers, or both, by the labels Flink's native mode gives them. */
export function flinkPods(
  cluster: { readonly name: string; readonly namespace: string },
  component?: FlinkComponent,
): PodGroup {
  const { type, app } = flinkNativePodLabels(cluster.name, "jobmanager");
  return {
    namespace: cluster.namespace,
    labels: { type, app, ...(component ? { component } : {}) },
  };
}

/** A selector for exactly these labels ({} selects everything). */
export function labelSelector(labels: Readonly<Record<string, string>>): LabelSelector {
  return Object.keys(labels).length > 0 ? { matchLabels: { ...labels } } : {};
}

/** A peer for pods of a group, as seen from a policy in `policyNamespace`. */
export function podPeer(group: PodGroup, policyNamespace: string): PolicyPeer {
  const podSelector = labelSelector(group.labels);
  return group.namespace === policyNamespace
    ? { podSelector }
    : { namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: group.namespace } }, podSelector };
}

/** Peers for address blocks, each with the exceptions that lie inside it (the API server refuses others). */
export function addressPeers(cidrs: readonly string[], except: readonly string[] = []): PolicyPeer[] {
  return cidrs.map((text) => {
    const block = parseCidr(text);
    const inside = except.filter((e) => {
      const candidate = parseCidr(e);
      return block !== undefined && candidate !== undefined && strictlyInside(candidate, block);
    });
    return { ipBlock: { cidr: text, ...(inside.length > 0 ? { except: inside } : {}) } };
  });
}

/** A port by number, or by the name of the destination's container port. */
export function tcp(port: number | string): PolicyPort {
  return { protocol: "TCP", port };
}

export function ports(list: ReadonlyArray<number | string>, protocol: Protocol = "TCP"): PolicyPort[] {
  return [...new Set(list)].map((port) => ({ protocol, port }));
}
