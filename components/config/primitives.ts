/**
 * Schema building blocks shared by every config area: names, quantities, images, container resources, volumes and
 * ingresses. Kept apart from the assembled schema so that area modules can use them without importing every area.
 */
import { z } from "zod";
import { flinkMemoryBytes, GIB, kubernetesCpuCores, kubernetesMemoryBytes, MIB } from "./quantities";

/** Name of a Kubernetes object that must be a DNS-1123 label. */
export const dnsLabel = (max: number) =>
  z
    .string()
    .max(max, { message: `must be at most ${max} characters` })
    .regex(/^[a-z]([-a-z0-9]*[a-z0-9])?$/, {
      message: "must be DNS-safe: lower-case letters, digits and '-', starting with a letter",
    });

/** Name of a Kubernetes object that may be a DNS-1123 subdomain (Secrets, storage classes). */
export const dnsSubdomain = z
  .string()
  .max(253, { message: "must be at most 253 characters" })
  .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, {
    message: "must be a DNS subdomain: lower-case letters, digits, '-' and '.'",
  });

/** A session cluster name: the operator's validator allows `[a-z]([-a-z\d]{0,43}[a-z\d])?`, i.e. 45 characters. */
export const clusterName = dnsLabel(45);

export const cpuQuantity = z.string().refine((q) => kubernetesCpuCores(q) !== undefined, {
  message: "must be a Kubernetes CPU quantity such as '250m' or '1'",
});
export const memoryQuantity = z.string().refine((q) => kubernetesMemoryBytes(q) !== undefined, {
  message: "must be a Kubernetes memory quantity such as '512Mi' or '2Gi'",
});

/** Size of a persistent volume. */
export const storageSize = z.string().refine((q) => (kubernetesMemoryBytes(q) ?? 0) > 0, {
  message: "must be a storage size such as '10Gi'",
});

/** Requests and limits of a container the platform runs itself. */
export const containerResources = (
  requests: { cpu: string; memory: string },
  limits: { cpu: string; memory: string },
) =>
  z
    .strictObject({
      requests: z
        .strictObject({
          cpu: cpuQuantity.prefault(requests.cpu),
          memory: memoryQuantity.prefault(requests.memory),
        })
        .prefault({}),
      limits: z
        .strictObject({
          cpu: cpuQuantity.prefault(limits.cpu),
          memory: memoryQuantity.prefault(limits.memory),
        })
        .prefault({}),
    })
    .prefault({});

/** An exact image reference; floating tags defeat reproducible deployments. */
export const pinnedImage = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._\-/:]*(:[\w][\w.-]{0,127}|@sha256:[a-f0-9]{64})$/, {
    message:
      "must be an image reference with an explicit tag or digest, e.g. 'flink:1.20.4-scala_2.12-java17'",
  })
  .refine((image) => !/:latest$/.test(image), { message: "must not use the floating 'latest' tag" });

/** A Flink memory size for JobManager/TaskManager pods, between 512 MiB and 256 GiB. */
export const flinkMemory = z.string().superRefine((size, ctx) => {
  const bytes = flinkMemoryBytes(size);
  if (bytes === undefined) {
    ctx.addIssue({ code: "custom", message: "must be a memory size such as '1024m', '2g' or '2Gi'" });
  } else if (bytes < 512 * MIB || bytes > 256 * GIB) {
    ctx.addIssue({ code: "custom", message: "must be between 512m and 256g" });
  }
});

/** A volume claim: size and storage class (`VolumeSettings` of components/kube/volumes.ts), with the size's default. */
export const volumeSchema = (size: string) =>
  z
    .strictObject({
      size: storageSize.prefault(size),
      /** Storage class of the claim; the cluster default when unset. */
      storageClass: dnsSubdomain.optional(),
    })
    .prefault({});

/** An optional Ingress to a web UI served at the root path of a host (`IngressSettings` of components/kube/ingress.ts). */
export const ingressSchema = z
  .strictObject({
    enabled: z.boolean().prefault(false),
    /** Ingress class, e.g. "nginx"; the cluster default when unset. */
    className: z.string().optional(),
    /** Host name of the UI. Required when enabled. */
    host: z
      .string()
      .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, { message: "must be a DNS host name" })
      .optional(),
    /** Secret holding the TLS certificate for the host; plain HTTP when unset. */
    tlsSecretName: dnsSubdomain.optional(),
    annotations: z.record(z.string(), z.string()).prefault({}),
  })
  .prefault({});
