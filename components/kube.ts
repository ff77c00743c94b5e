/**
 * Building blocks for the pods and stateful objects the platform runs itself, so every component gets the same
 * security context and the same data-safety rules.
 */
import * as pulumi from "@pulumi/pulumi";

/** Requests and limits of a container. */
export interface ContainerResources {
  readonly requests: { readonly cpu: string; readonly memory: string };
  readonly limits: { readonly cpu: string; readonly memory: string };
}

/** Container security context: no privilege escalation, every capability dropped, RuntimeDefault seccomp. */
export function restrictedContainerSecurityContext(
  options: { readOnlyRootFilesystem?: boolean; runAsNonRoot?: boolean } = {},
) {
  return {
    allowPrivilegeEscalation: false,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
    ...(options.readOnlyRootFilesystem ? { readOnlyRootFilesystem: true } : {}),
    ...(options.runAsNonRoot ? { runAsNonRoot: true } : {}),
  };
}

/** Pod security context running as a fixed non-root uid/gid, with volumes group-owned by `fsGroup`. */
export function nonRootPodSecurityContext(uid: number, gid = uid, fsGroup = gid) {
  return {
    runAsNonRoot: true,
    runAsUser: uid,
    runAsGroup: gid,
    fsGroup,
    seccompProfile: { type: "RuntimeDefault" },
  };
}

/**
 * What happens to a StatefulSet's volume claims when the StatefulSet is deleted (destroy, or the part turned off):
 * they stay unless the stack allows data loss. Scaling down never deletes them.
 */
export function claimRetentionPolicy(allowDataLoss: boolean) {
  return { whenDeleted: allowDataLoss ? "Delete" : "Retain", whenScaled: "Retain" };
}

/** Options for objects that hold data (standalone PVCs): left in the cluster on delete unless data loss is allowed. */
export function dataResourceOptions(
  allowDataLoss: boolean,
  opts: pulumi.CustomResourceOptions,
): pulumi.CustomResourceOptions {
  return pulumi.mergeOptions(opts, { retainOnDelete: !allowDataLoss });
}

/** A volume to claim: size and, optionally, a storage class (the cluster default otherwise). */
export interface VolumeSettings {
  readonly size: string;
  readonly storageClass?: string;
}

/** A ReadWriteOnce volume claim template named `data` for a StatefulSet. */
export function dataVolumeClaimTemplate(labels: Record<string, string>, volume: VolumeSettings) {
  return {
    metadata: { name: "data", labels },
    spec: {
      accessModes: ["ReadWriteOnce"],
      ...(volume.storageClass ? { storageClassName: volume.storageClass } : {}),
      resources: { requests: { storage: volume.size } },
    },
  };
}
