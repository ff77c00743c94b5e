/**
 * Parsing of the resource quantities users write in config, so that validation can enforce ranges and the benchmark
 * can add footprints up. Two dialects meet here: Kubernetes quantities ("512Mi", "250m" CPU) and Flink memory sizes
 * ("2048m" = 2048 MiB, "2g"), which the operator accepts in `jobManager.resource.memory`.
 */

const BINARY: Record<string, number> = { ki: 2 ** 10, mi: 2 ** 20, gi: 2 ** 30, ti: 2 ** 40 };
const DECIMAL: Record<string, number> = { k: 1e3, M: 1e6, G: 1e9, T: 1e12 };

/** Bytes of a Kubernetes memory quantity ("512Mi", "1G", "1073741824"), or undefined when malformed. */
export function kubernetesMemoryBytes(quantity: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(quantity);
  if (!match) {
    return undefined;
  }
  const unit = match[2];
  const factor = unit === undefined ? 1 : (BINARY[unit.toLowerCase()] ?? DECIMAL[unit]);
  return Number(match[1]) * factor;
}

/** Cores of a Kubernetes CPU quantity ("250m", "1", "0.5"), or undefined when malformed. */
export function kubernetesCpuCores(quantity: string | number): number | undefined {
  if (typeof quantity === "number") {
    return quantity;
  }
  const match = /^(\d+(?:\.\d+)?)(m)?$/.exec(quantity);
  if (!match) {
    return undefined;
  }
  return match[2] ? Number(match[1]) / 1000 : Number(match[1]);
}

/**
 * Bytes of a Flink memory size as the operator reads `resource.memory`: Flink units ("1024m", "2g", "2048mb") where
 * "m" means mebibytes, or Kubernetes binary units ("2Gi").
 */
export function flinkMemoryBytes(size: string): number | undefined {
  const flink = /^(\d+)\s*(b|k|kb|m|mb|g|gb)$/i.exec(size);
  if (flink) {
    const unit = flink[2].toLowerCase()[0];
    const factor = { b: 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30 }[unit] ?? 1;
    return Number(flink[1]) * factor;
  }
  if (/^\d+(\.\d+)?(Ki|Mi|Gi|Ti)$/.test(size)) {
    return kubernetesMemoryBytes(size);
  }
  return undefined;
}

export const MIB = 2 ** 20;
export const GIB = 2 ** 30;
