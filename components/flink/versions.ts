/**
 * Flink versions the platform can run, and how each maps onto the operator's CRD and the upstream images.
 *
 * The operator (1.15.0) validates `spec.flinkVersion` against an enum in its CRD; the platform additionally needs a
 * pinned image per version, because the S3 plugin jar inside the image is named after the full patch version
 * (`flink-s3-fs-presto-1.20.4.jar`) and a floating tag would silently rename it.
 */

/** The `spec.flinkVersion` values that operator 1.15.0's released FlinkDeployment CRD accepts. */
export const OPERATOR_CRD_FLINK_VERSIONS = [
  "v1_13",
  "v1_14",
  "v1_15",
  "v1_16",
  "v1_17",
  "v1_18",
  "v1_19",
  "v1_20",
  "v2_0",
  "v2_1",
  "v2_2",
] as const;

export type CrdFlinkVersion = (typeof OPERATOR_CRD_FLINK_VERSIONS)[number];

export interface FlinkRelease {
  /** Minor version as users write it in config, e.g. "1.20". */
  readonly minor: string;
  /** Latest patch release with an official image. */
  readonly patch: string;
  /** Value of `spec.flinkVersion`. */
  readonly crdVersion: CrdFlinkVersion;
  readonly major: 1 | 2;
}

/**
 * Versions with a pinned image. These are the versions operator 1.15.0 documents as supported (1.19, 1.20, 2.0-2.2);
 * older ones are deprecated by the operator and are not offered.
 */
export const FLINK_RELEASES: Readonly<Record<string, FlinkRelease>> = Object.freeze({
  "1.19": { minor: "1.19", patch: "1.19.3", crdVersion: "v1_19", major: 1 },
  "1.20": { minor: "1.20", patch: "1.20.4", crdVersion: "v1_20", major: 1 },
  "2.0": { minor: "2.0", patch: "2.0.2", crdVersion: "v2_0", major: 2 },
  "2.1": { minor: "2.1", patch: "2.1.2", crdVersion: "v2_1", major: 2 },
  "2.2": { minor: "2.2", patch: "2.2.1", crdVersion: "v2_2", major: 2 },
});

export const DEFAULT_FLINK_VERSION = "1.20";

/** The official image for a release, by exact tag (Scala 2.12, Java 17). */
export function defaultFlinkImage(release: FlinkRelease): string {
  return `flink:${release.patch}-scala_2.12-java17`;
}

/** The release of a minor version, or undefined; a user-given key never reaches Object's prototype. */
export function flinkRelease(version: string): FlinkRelease | undefined {
  return Object.hasOwn(FLINK_RELEASES, version) ? FLINK_RELEASES[version] : undefined;
}

/** Why a version string is not usable, or undefined when it is. Used by config validation. */
export function flinkVersionProblem(version: string): string | undefined {
  if (flinkRelease(version)) {
    return undefined;
  }
  const supported = Object.keys(FLINK_RELEASES).join(", ");
  const asCrd = `v${version.replace(".", "_")}`;
  if ((OPERATOR_CRD_FLINK_VERSIONS as readonly string[]).includes(asCrd)) {
    return `Flink ${version} is deprecated by operator 1.15.0 and has no pinned image here; use one of ${supported}`;
  }
  return (
    `Flink '${version}' is not accepted by operator 1.15.0 (its CRD allows ${OPERATOR_CRD_FLINK_VERSIONS[0]}..` +
    `${OPERATOR_CRD_FLINK_VERSIONS[OPERATOR_CRD_FLINK_VERSIONS.length - 1]}); use one of ${supported}`
  );
}
