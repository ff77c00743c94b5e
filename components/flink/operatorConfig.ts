/** The `operator` config area: whether and how the Flink Kubernetes operator is installed. */
import { z } from "zod";
import { doc, flag, pinnedImage, url } from "../config/primitives";
import type { ConfigProblem } from "../config/problems";
import { containerResources } from "../config/resourceSchemas";

export const operatorSchema = doc(
  z
    .strictObject({
      install: doc(
        flag,
        "install the operator; false uses one already in the cluster (it must watch the platform's namespaces)",
      ).prefault(true),
      chart: doc(
        z
          .strictObject({
            repository: doc(
              url(/^(https?|oci)$/),
              "Helm repository holding chart 1.15.0 (the Apache archive keeps old releases at a stable URL)",
            ).prefault("https://archive.apache.org/dist/flink/flink-kubernetes-operator-1.15.0/"),
            path: doc(
              z.string().min(1),
              "a local chart directory or .tgz, used instead of the repository (air-gapped installs)",
              ["charts/flink-kubernetes-operator-1.15.0.tgz"],
            ).optional(),
          })
          .prefault({}),
        "where the operator chart comes from",
      ),
      image: doc(pinnedImage, "operator image, exact tag or digest").prefault(
        "apache/flink-kubernetes-operator:1.15.0",
      ),
      webhook: doc(flag, "install the admission webhook; needs certManager: true").prefault(false),
      certManager: doc(flag, "cert-manager is installed (the webhook's certificate comes from it)").prefault(
        false,
      ),
      resources: containerResources({ cpu: "250m", memory: "512Mi" }, { cpu: "1", memory: "1Gi" }),
    })
    .prefault({}),
  "the Flink Kubernetes operator 1.15.0: install it or use an existing one, chart source, image, webhook, resources",
);

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
