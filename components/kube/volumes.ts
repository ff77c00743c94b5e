/**
 * Volume claims of the stateful parts (MySQL, MinIO, HDFS, ZooKeeper, StreamPark's workspace), with one data-safety
 * rule: what holds data stays in the cluster when Pulumi forgets it, unless the stack allows data loss.
 */
import * as pulumi from "@pulumi/pulumi";

/** A volume to claim: its size and, optionally, a storage class. */
export interface VolumeSettings {
  /** Size of the claim, a Kubernetes quantity such as "10Gi". */
  readonly size: string;
  /** Storage class of the claim; the cluster's default class when unset. */
  readonly storageClass?: string;
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

/** The spec of a ReadWriteOnce claim for `volume`. */
export function volumeClaimSpec(volume: VolumeSettings) {
  return {
    accessModes: ["ReadWriteOnce"],
    ...(volume.storageClass ? { storageClassName: volume.storageClass } : {}),
    resources: { requests: { storage: volume.size } },
  };
}

/** A ReadWriteOnce volume claim template named `data` for a StatefulSet. */
export function dataVolumeClaimTemplate(labels: Record<string, string>, volume: VolumeSettings) {
  return { metadata: { name: "data", labels }, spec: volumeClaimSpec(volume) };
}
