/**
 * The foundation's config areas: `platform` (namespaces, data safety, where jars come from) and `kubernetes`
 * (which cluster, or render mode).
 */
import { z } from "zod";
import { dnsLabel, pinnedImage } from "./primitives";

export const platformSchema = z
  .strictObject({
    /** Namespace of the operator and the default namespace of everything else. */
    namespace: dnsLabel(63).prefault("flink"),
    /** Create the namespaces the platform uses; false expects them to exist. */
    createNamespaces: z.boolean().prefault(true),
    /**
     * Allow `pulumi destroy` and turning parts off to delete data (namespaces, PVCs, CRDs). Off, they are left in
     * the cluster when Pulumi forgets them.
     */
    allowDataLoss: z.boolean().prefault(false),
    /** Where init containers fetch the jars the upstream images lack (each checked against a pinned SHA-256). */
    artifacts: z
      .strictObject({
        /** Maven repository URL; point it at a mirror in air-gapped clusters. */
        mavenRepository: z.url({ protocol: /^https?$/ }).prefault("https://repo1.maven.org/maven2"),
        /** Image of the fetching init containers (needs sh, curl and sha256sum). */
        fetcherImage: pinnedImage.prefault("curlimages/curl:8.11.1"),
        /** False when the Flink images already carry every jar a feature needs (in lib/); nothing is fetched. */
        fetchJars: z.boolean().prefault(true),
      })
      .prefault({}),
  })
  .prefault({});

export const kubernetesSchema = z
  .strictObject({
    /** Path to a kubeconfig file, or its contents; the ambient configuration when unset. */
    kubeconfig: z.string().optional(),
    /** kubeconfig context; the current context when unset. */
    context: z.string().optional(),
    /** Write manifests to this directory instead of applying them (GitOps); no cluster is contacted. */
    renderYamlToDirectory: z.string().optional(),
  })
  .prefault({});

/** Which cluster the platform is deployed to (the `kubernetes` config area). */
export type KubernetesSettings = z.output<typeof kubernetesSchema>;
