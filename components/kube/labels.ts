/** Labels every object of the platform carries, so `kubectl get -l app.kubernetes.io/part-of=flink-platform` finds them. */
export function platformLabels(component: string, instance?: string): Record<string, string> {
  return {
    "app.kubernetes.io/part-of": "flink-platform",
    "app.kubernetes.io/managed-by": "pulumi",
    "app.kubernetes.io/component": component,
    ...(instance ? { "app.kubernetes.io/instance": instance } : {}),
  };
}

/** The stable subset of `platformLabels` that Services and workloads select pods by (never change these). */
export function selectorLabels(component: string, instance: string): Record<string, string> {
  return { "app.kubernetes.io/component": component, "app.kubernetes.io/instance": instance };
}
