/**
 * The Kubernetes provider the platform deploys with: from stack config (kubeconfig, context), the ambient
 * configuration, or render mode, which writes manifests to a directory instead of contacting a cluster.
 */
import type * as k8s from "@pulumi/kubernetes";
import { PlatformConfig } from "./config";

export function kubernetesProviderArgs(config: PlatformConfig): k8s.ProviderArgs {
  const { kubeconfig, context, renderYamlToDirectory } = config.kubernetes;
  if (renderYamlToDirectory) {
    // Render mode must not read a kubeconfig (the provider refuses both together).
    return { renderYamlToDirectory };
  }
  return {
    ...(kubeconfig ? { kubeconfig } : {}),
    ...(context ? { context } : {}),
  };
}
