/**
 * The foundation's config areas: `platform` (namespaces, data safety, where jars come from) and `kubernetes`
 * (which cluster, or render mode).
 */
import { z } from "zod";
import { doc, flag, namespaceName, pinnedImage, url } from "./primitives";

export const platformSchema = doc(
  z
    .strictObject({
      namespace: doc(
        namespaceName,
        "namespace of the operator and the default namespace of everything else",
      ).prefault("flink"),
      createNamespaces: doc(
        flag,
        "create the namespaces the platform uses; false expects them to exist",
      ).prefault(true),
      allowDataLoss: doc(
        flag,
        "let `pulumi destroy` and turning parts off delete data (namespaces, volume claims, the operator's CRDs), " +
          "and let session clusters delete a cancelled job's checkpoints; off, they are left in the cluster when " +
          "Pulumi forgets them, and checkpoints are retained on cancel",
      ).prefault(false),
      production: doc(
        flag,
        "a production stack: validation refuses what preview only warns about elsewhere (a UI behind an Ingress " +
          "without authentication)",
      ).prefault(false),
      artifacts: doc(
        z
          .strictObject({
            mavenRepository: doc(
              url(/^https?$/),
              "Maven repository the init containers fetch jars from; point it at a mirror in air-gapped clusters",
            ).prefault("https://repo1.maven.org/maven2"),
            fetcherImage: doc(
              pinnedImage,
              "image of the fetching init containers (needs sh, curl and sha256sum)",
            ).prefault("curlimages/curl:8.11.1"),
            fetchJars: doc(
              flag,
              "false when the Flink images already carry every jar a feature needs (in lib/); nothing is fetched",
            ).prefault(true),
          })
          .prefault({}),
        "where init containers fetch the jars the upstream images lack (each checked against a pinned SHA-256)",
      ),
    })
    .prefault({}),
  "platform namespace, whether to create namespaces, whether destroy may delete data, where jars come from",
);

export const kubernetesSchema = doc(
  z
    .strictObject({
      kubeconfig: doc(
        z.string(),
        "path to a kubeconfig file, or its contents; the ambient configuration when unset",
        ["~/.kube/config"],
      ).optional(),
      context: doc(z.string(), "kubeconfig context; the current context when unset", [
        "kind-flink",
      ]).optional(),
      renderYamlToDirectory: doc(
        z.string(),
        "write manifests to this directory instead of applying them (GitOps); no cluster is contacted",
        ["rendered/dev"],
      ).optional(),
      renderSecrets: doc(
        flag,
        "in render mode, write the platform's Secrets, generated passwords included, in plain text into the " +
          "manifests; off, they are left out and the stack output secretsToProvide lists them for you to provide",
      ).prefault(false),
    })
    .prefault({}),
  "the Kubernetes cluster (kubeconfig, context), or render mode; the ambient configuration when empty",
);

/** Which cluster the platform is deployed to (the `kubernetes` config area). */
export type KubernetesSettings = z.output<typeof kubernetesSchema>;
