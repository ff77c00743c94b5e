/**
 * The Kubernetes provider the platform deploys with: from stack config (kubeconfig, context), the ambient
 * configuration, or render mode, which writes manifests to a directory instead of contacting a cluster.
 */
import type * as k8s from "@pulumi/kubernetes";
import type { KubernetesSettings } from "./config/platformSchema";

/** Provider args for the `kubernetes` config area. */
export function kubernetesProviderArgs(settings: KubernetesSettings): k8s.ProviderArgs {
  const { kubeconfig, context, renderYamlToDirectory } = settings;
  if (renderYamlToDirectory) {
    // Render mode must not read a kubeconfig (the provider refuses both together).
    return { renderYamlToDirectory };
  }
  return {
    ...(kubeconfig ? { kubeconfig } : {}),
    ...(context ? { context } : {}),
  };
}
