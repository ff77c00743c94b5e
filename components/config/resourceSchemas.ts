/**
 * Schema building blocks for what the platform's pods ask of the cluster and how they are reached: CPU and memory,
 * container resources (requests never above limits), volume claims, ingresses. One form per concept, wherever it
 * appears: a CPU is a number of cores or a Kubernetes quantity ("250m"), a memory or storage size a quantity.
 */
import { z } from "zod";
import { annotations, dnsSubdomain, doc, flag, hostName, toNumber } from "./primitives";
import type { ConfigProblem } from "./problems";
import { flinkMemoryBytes, GIB, kubernetesCpuCores, kubernetesMemoryBytes, MIB } from "./quantities";

const cpuForms = z.union([z.number(), z.string()], {
  error: "must be a CPU amount: a number of cores (0.5, 2) or a Kubernetes quantity ('250m')",
});

/** A CPU amount in cores, for Flink's JobManager and TaskManager resources. */
export const cpuCores = (min: number, max: number) =>
  cpuForms.transform((value, ctx) => {
    const cores = kubernetesCpuCores(typeof value === "number" ? value : value.trim());
    if (cores === undefined || !Number.isFinite(cores)) {
      ctx.addIssue({
        code: "custom",
        message: "must be a CPU amount: a number of cores (0.5, 2) or a quantity ('250m')",
      });
      return z.NEVER;
    }
    if (cores < min || cores > max) {
      ctx.addIssue({ code: "custom", message: `must be between ${min} and ${max} cores` });
      return z.NEVER;
    }
    return cores;
  });

/** A CPU quantity for a container the platform runs, as Kubernetes writes it ("250m", "1"). */
export const cpuQuantity = cpuForms.transform((value, ctx) => {
  const text = String(toNumber(value));
  const cores = kubernetesCpuCores(text);
  if (cores === undefined || cores <= 0) {
    ctx.addIssue({
      code: "custom",
      message: "must be a CPU quantity greater than zero, such as '250m' or '1'",
    });
    return z.NEVER;
  }
  return text;
});

const sizeForms = z.union([z.number(), z.string()], {
  error: "must be a Kubernetes quantity such as '512Mi' or '10Gi'",
});

/** A memory quantity greater than zero ("512Mi", "2Gi"); a bare number counts bytes, as Kubernetes reads it. */
export const memoryQuantity = sizeForms.transform((value, ctx) => {
  const text = String(value).trim();
  if ((kubernetesMemoryBytes(text) ?? 0) <= 0) {
    ctx.addIssue({
      code: "custom",
      message: "must be a memory quantity greater than zero, such as '512Mi' or '2Gi'",
    });
    return z.NEVER;
  }
  return text;
});

/** Size of a persistent volume, greater than zero ("10Gi"). */
export const storageSize = sizeForms.transform((value, ctx) => {
  const text = String(value).trim();
  if ((kubernetesMemoryBytes(text) ?? 0) <= 0) {
    ctx.addIssue({ code: "custom", message: "must be a storage size greater than zero, such as '10Gi'" });
    return z.NEVER;
  }
  return text;
});

/** A Flink memory size for JobManager/TaskManager pods, between 512 MiB and 256 GiB. */
export const flinkMemory = z
  .string({ error: "must be a memory size such as '1024m', '2g' or '2Gi'" })
  .superRefine((size, ctx) => {
    const bytes = flinkMemoryBytes(size);
    if (bytes === undefined) {
      ctx.addIssue({ code: "custom", message: "must be a memory size such as '1024m', '2g' or '2Gi'" });
    } else if (bytes < 512 * MIB || bytes > 256 * GIB) {
      ctx.addIssue({ code: "custom", message: "must be between 512m and 256g" });
    }
  });

/** Requests and limits of a container the platform runs itself (parse.ts refuses a request above its limit). */
export const containerResources = (
  requests: { cpu: string; memory: string },
  limits: { cpu: string; memory: string },
) =>
  doc(
    z.strictObject({
      requests: z
        .strictObject({
          cpu: doc(cpuQuantity, "CPU the container is guaranteed").prefault(requests.cpu),
          memory: doc(memoryQuantity, "memory the container is guaranteed").prefault(requests.memory),
        })
        .prefault({}),
      limits: z
        .strictObject({
          cpu: doc(cpuQuantity, "most CPU the container may use").prefault(limits.cpu),
          memory: doc(memoryQuantity, "most memory the container may use").prefault(limits.memory),
        })
        .prefault({}),
    }),
    "requests and limits of the container",
  ).prefault({});

/** A volume claim: size and storage class (`VolumeSettings` of components/kube/volumes.ts), with the size's default. */
export const volumeSchema = (size: string) =>
  z
    .strictObject({
      size: doc(storageSize, "size of the volume claim").prefault(size),
      storageClass: doc(dnsSubdomain, "storage class of the claim; the cluster's default class when unset", [
        "fast-ssd",
      ]).optional(),
    })
    .prefault({});

/** An optional Ingress to a web UI served at the root path of a host (`IngressSettings` of components/kube/ingress.ts). */
export const ingressSchema = doc(
  z
    .strictObject({
      enabled: doc(flag, "create the Ingress").prefault(false),
      className: doc(dnsSubdomain, "ingress class, e.g. 'nginx'; the cluster's default class when unset", [
        "nginx",
      ]).optional(),
      host: doc(hostName, "host name of the UI; required when the Ingress is enabled", [
        "flink.example.com",
      ]).optional(),
      tlsSecretName: doc(dnsSubdomain, "Secret with the TLS certificate of the host; plain HTTP when unset", [
        "flink-example-com-tls",
      ]).optional(),
      annotations: doc(annotations, "annotations of the Ingress, for the ingress controller", [
        { "cert-manager.io/cluster-issuer": "letsencrypt" },
      ]).prefault({}),
    })
    .prefault({}),
  "an Ingress to the UI",
);

/**
 * The problem of an Ingress turned on without a host (`at`: the key of the `ingress` object). The schema cannot
 * say it: `host` is optional while the Ingress is off.
 */
export function ingressHostProblems(
  ingress: { readonly enabled: boolean; readonly host?: string },
  at: string,
): ConfigProblem[] {
  return ingress.enabled && !ingress.host
    ? [{ path: `${at}.host`, message: "required when the ingress is enabled" }]
    : [];
}
