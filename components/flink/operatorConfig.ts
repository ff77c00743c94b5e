/** The `operator` config area: whether and how the Flink Kubernetes operator is installed. */
import { z } from "zod";
import { containerResources, pinnedImage } from "../config/primitives";
import type { ConfigProblem } from "../config/problems";

export const operatorSchema = z
  .strictObject({
    /** Install the operator; false uses one that is already installed (it must watch the platform's namespaces). */
    install: z.boolean().prefault(true),
    /** Where the chart comes from: a Helm repository URL (default: the Apache archive) or a local chart. */
    chart: z
      .strictObject({
        /** Helm repository holding chart version 1.15.0; the archive keeps old releases at a stable URL. */
        repository: z
          .url({ protocol: /^(https?|oci)$/ })
          .prefault("https://archive.apache.org/dist/flink/flink-kubernetes-operator-1.15.0/"),
        /** A local chart directory or .tgz; wins over `repository` (air-gapped installs, tests). */
        path: z.string().min(1).optional(),
      })
      .prefault({}),
    image: pinnedImage.prefault("apache/flink-kubernetes-operator:1.15.0"),
    /** The validating/mutating admission webhook; needs cert-manager in the cluster. */
    webhook: z.boolean().prefault(false),
    /** Whether cert-manager is installed (the webhook's certificates come from it). */
    certManager: z.boolean().prefault(false),
    resources: containerResources({ cpu: "250m", memory: "512Mi" }, { cpu: "1", memory: "1Gi" }),
  })
  .prefault({});

/** The `operator` area as parsed. */
export type OperatorConfig = z.output<typeof operatorSchema>;

/** Cross-field checks of the operator area. */
export function operatorProblems(parsed: { readonly operator: OperatorConfig }): ConfigProblem[] {
  if (parsed.operator.webhook && !parsed.operator.certManager) {
    return [
      {
        path: "operator.webhook",
        message:
          "the admission webhook needs cert-manager for its certificate; install cert-manager and set operator.certManager: true, or set operator.webhook: false",
      },
    ];
  }
  return [];
}
