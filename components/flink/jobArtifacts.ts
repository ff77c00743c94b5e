/**
 * Which Flink line a job's jar is built for, where its URI says so: a jar of Flink's own (group `org.apache.flink`)
 * in a Maven repository layout names its release in its path. Such a jar runs only on that line: Flink's own modules
 * are released with each Flink version and use its internals (the 1.20 streaming examples fail on 2.2 with
 * NoClassDefFoundError). Pure.
 */

/** What a jar URI's Maven path says: the artifact, its version and the Flink line (major.minor) it is built for. */
export interface FlinkArtifact {
  readonly artifact: string;
  readonly version: string;
  readonly line: string;
}

/** `.../org/apache/flink/<artifact>/<version>/<artifact>-<version>[-<classifier>].jar`, query and fragment aside. */
const MAVEN_FLINK_JAR = /\/org\/apache\/flink\/([^/]+)\/([^/]+)\/([^/]+\.jar)$/i;

/**
 * Sub-projects of Apache Flink in the same Maven group with release numbers of their own, which say nothing of the
 * Flink line (the operator's 1.15.0 is not Flink 1.15).
 */
const OWN_VERSIONED = /^flink-(ml|kubernetes-operator|autoscaler|statefun|shaded|cdc|table-store)/;

/** A Flink line of a version: "1.20.0" (Flink's own modules) or "3.0.0-1.20" (connectors released apart). */
function flinkLine(version: string): string | undefined {
  const line =
    /^\d+(?:\.\d+)*-(\d+\.\d+)$/.exec(version)?.[1] ??
    /^(\d+\.\d+)(?:\.\d+)*(?:-SNAPSHOT)?$/.exec(version)?.[1];
  // Flink's lines are 1.x and 2.x; a connector's own major (3.0.0) never stands alone as one.
  return line !== undefined && /^[12]\./.test(line) ? line : undefined;
}

/**
 * The Flink artifact a jar URI names, or undefined when the URI says nothing of a Flink line: a jar inside the image
 * (`local://`, built with it), a host path that is not a Maven layout of `org.apache.flink`, a sub-project with its
 * own versions.
 */
export function flinkArtifactOf(jarURI: string): FlinkArtifact | undefined {
  const match = /^https?:\/\/[^/?#]*([^?#]*)/i.exec(jarURI);
  const layout = match ? MAVEN_FLINK_JAR.exec(match[1]) : null;
  if (!layout) {
    return undefined;
  }
  const [, artifact, version, file] = layout;
  if (!file.startsWith(`${artifact}-${version}`) || OWN_VERSIONED.test(artifact)) {
    return undefined;
  }
  const line = flinkLine(version);
  return line ? { artifact, version, line } : undefined;
}
