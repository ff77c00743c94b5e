/**
 * Jars the upstream images lack (Hadoop client, JDBC drivers, connectors) are fetched at pod start by an init
 * container from a Maven repository, and each is checked against a pinned SHA-256 before anything uses it.
 * The repository URL is configurable, so air-gapped clusters point it at their own mirror.
 */
import type * as k8s from "@pulumi/kubernetes";
import { restrictedContainerSecurityContext } from "./securityContext";

export interface MavenJar {
  readonly groupId: string;
  readonly artifactId: string;
  readonly version: string;
  /** SHA-256 of the jar, hex. */
  readonly sha256: string;
}

/** Path of a jar inside a Maven repository layout. */
export function mavenPath(jar: MavenJar): string {
  return `${jar.groupId.replace(/\./g, "/")}/${jar.artifactId}/${jar.version}/${jarFileName(jar)}`;
}

export function jarFileName(jar: MavenJar): string {
  return `${jar.artifactId}-${jar.version}.jar`;
}

/** Where the fetcher writes the jars inside its own container. */
const TARGET_DIR = "/artifacts";

/**
 * A POSIX shell script that downloads each jar and refuses any whose SHA-256 differs. The repository URL comes
 * from the environment so that the script text does not change when only the mirror does.
 */
export function jarFetchScript(jars: readonly MavenJar[], targetDir = TARGET_DIR): string {
  const lines = [
    "set -eu",
    'repo="${MAVEN_REPOSITORY%/}"',
    "fetch() {",
    `  target="${targetDir}/$2"`,
    '  curl -fsSL --retry "${FETCH_RETRIES:-5}" --retry-delay 3 --retry-all-errors -o "$target.part" "$repo/$1"',
    '  if ! echo "$3  $target.part" | sha256sum -c - >/dev/null; then',
    '    echo "checksum mismatch for $repo/$1 (expected sha256 $3)" >&2',
    "    exit 1",
    "  fi",
    '  mv "$target.part" "$target"',
    '  echo "fetched $2"',
    "}",
    ...jars.map((jar) => `fetch ${mavenPath(jar)} ${jarFileName(jar)} ${jar.sha256}`),
  ];
  return lines.join("\n") + "\n";
}

/** An init container that fills `volumeName` with verified jars. */
export function jarFetcherInitContainer(
  name: string,
  image: string,
  repository: string,
  jars: readonly MavenJar[],
  volumeName: string,
): k8s.types.input.core.v1.Container {
  return {
    name,
    image,
    imagePullPolicy: "IfNotPresent",
    command: ["sh", "-c", jarFetchScript(jars)],
    env: [{ name: "MAVEN_REPOSITORY", value: repository }],
    volumeMounts: [{ name: volumeName, mountPath: TARGET_DIR }],
    resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "500m", memory: "128Mi" } },
    securityContext: {
      ...restrictedContainerSecurityContext({ readOnlyRootFilesystem: true }),
      runAsNonRoot: true,
    },
  };
}
