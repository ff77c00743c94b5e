/**
 * What a feature adds to a session cluster's pods (durable state, Hive, ...): Flink configuration, environment,
 * volumes, init containers, and jars for the classpath. Features return additions; the session cluster merges
 * them, so no feature needs to know about the others.
 */
import type * as k8s from "@pulumi/kubernetes";
import { jarFetcherInitContainer, jarFileName, MavenJar } from "./artifacts";

export interface PodAdditions {
  readonly flinkConfiguration: Record<string, string>;
  readonly env: k8s.types.input.core.v1.EnvVar[];
  readonly volumes: k8s.types.input.core.v1.Volume[];
  readonly volumeMounts: k8s.types.input.core.v1.VolumeMount[];
  readonly initContainers: k8s.types.input.core.v1.Container[];
  /** Jars the image lacks, put on the JobManager and TaskManager classpath. */
  readonly classpathJars: MavenJar[];
}

export function emptyAdditions(): PodAdditions {
  return {
    flinkConfiguration: {},
    env: [],
    volumes: [],
    volumeMounts: [],
    initContainers: [],
    classpathJars: [],
  };
}

/** Where jars for the classpath come from (the `platform.artifacts` config key). */
export interface ArtifactSettings {
  /** Maven repository the jars are fetched from; default https://repo1.maven.org/maven2. */
  readonly mavenRepository: string;
  /** Image of the fetching init containers (sh, curl, sha256sum); default curlimages/curl:8.11.1. */
  readonly fetcherImage: string;
  /** False when the Flink image already carries every jar (in lib/); nothing is fetched then. Default true. */
  readonly fetchJars: boolean;
}

/** Folder in Flink pods where fetched jars are placed (on HADOOP_CLASSPATH). */
export const EXTRA_LIB_DIR = "/opt/flink/extra-lib";

/**
 * Add a variable unless the list has it already: two features may need the same one (HDFS and Hive both set
 * HADOOP_USER_NAME), and the API server refuses a container with two entries of one name. Two features asking for
 * different values of one variable is a bug of the platform, not of the config.
 */
function addEnv(env: k8s.types.input.core.v1.EnvVar[], variable: k8s.types.input.core.v1.EnvVar): void {
  const existing = env.find((e) => e.name === variable.name);
  if (!existing) {
    env.push(variable);
  } else if (JSON.stringify(existing) !== JSON.stringify(variable)) {
    throw new Error(`two features set ${JSON.stringify(variable.name)} differently`);
  }
}

/**
 * Merge additions in order. Jars are de-duplicated by coordinates; when they are fetched, one init container fills
 * a shared folder that Flink's start scripts put on the classpath (they append HADOOP_CLASSPATH).
 */
export function mergeAdditions(parts: readonly PodAdditions[], artifacts: ArtifactSettings): PodAdditions {
  const merged = emptyAdditions();
  const jars = new Map<string, MavenJar>();
  for (const part of parts) {
    Object.assign(merged.flinkConfiguration, part.flinkConfiguration);
    for (const variable of part.env) {
      addEnv(merged.env, variable);
    }
    merged.volumes.push(...part.volumes);
    merged.volumeMounts.push(...part.volumeMounts);
    merged.initContainers.push(...part.initContainers);
    for (const jar of part.classpathJars) {
      jars.set(`${jar.groupId}:${jar.artifactId}:${jar.version}`, jar);
    }
  }
  if (jars.size > 0 && artifacts.fetchJars) {
    const list = [...jars.values()];
    merged.classpathJars.push(...list);
    merged.volumes.push({ name: "extra-lib", emptyDir: {} });
    merged.volumeMounts.push({ name: "extra-lib", mountPath: EXTRA_LIB_DIR, readOnly: true });
    merged.initContainers.unshift(
      jarFetcherInitContainer(
        "fetch-jars",
        artifacts.fetcherImage,
        artifacts.mavenRepository,
        list,
        "extra-lib",
      ),
    );
    merged.env.push({
      name: "HADOOP_CLASSPATH",
      value: list.map((jar) => `${EXTRA_LIB_DIR}/${jarFileName(jar)}`).join(":"),
    });
  }
  return merged;
}
