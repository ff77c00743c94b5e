/**
 * A Flink process the operator does not run, as a plain Deployment from a cluster's own Flink image: the SQL
 * Gateway and the history server. Pure pieces: what the durable store adds to such a pod (no native Kubernetes
 * mode here, so the Hadoop configuration is mounted by the pod itself), the JMX exporter that gives Prometheus its
 * JVM metrics, and the configuration directory written from a map of Flink keys.
 *
 * The configuration goes to its own directory (`FLINK_CONF_DIR`, which Flink's scripts honour), not over the image's
 * conf/: the image's entrypoint edits that folder at start, which fails on a read-only ConfigMap mount.
 */
import type * as k8s from "@pulumi/kubernetes";
import { jarFileName } from "../kube/artifacts";
import { EXTRA_LIB_DIR, emptyAdditions, PodAdditions } from "../kube/podAdditions";
import type { DurableStore } from "../state/connections";
import { HADOOP_CLIENT_JARS } from "../state/hadoopJars";
import { s3ClientEnv } from "./clusterState";
import { JMX_EXPORTER_JAR, JMX_EXPORTER_PORT } from "./jobServices";
import type { FlinkRelease } from "./versions";

/** Where the process's configuration ConfigMap is mounted (`FLINK_CONF_DIR`). */
export const PROCESS_CONF_DIR = "/opt/flink-process-conf";
/** Where the pod mounts the HDFS client configuration (Flink's own convention in native mode). */
const HADOOP_CONF_DIR = "/opt/hadoop/conf";
/** Key of the JMX exporter's configuration in the process's ConfigMap. */
export const JMX_EXPORTER_CONFIG = "jmx-exporter.yaml";

/** What a plain Flink process needs to read and write the durable store. */
export function storeClientAdditions(store: DurableStore | undefined, release: FlinkRelease): PodAdditions {
  const additions = emptyAdditions();
  if (store?.kind === "s3") {
    additions.flinkConfiguration["s3.endpoint"] = store.endpoint;
    additions.flinkConfiguration["s3.path.style.access"] = String(store.pathStyleAccess);
    additions.env.push(...s3ClientEnv(store, release));
  } else if (store?.kind === "hdfs") {
    additions.classpathJars.push(...HADOOP_CLIENT_JARS);
    additions.env.push(
      { name: "HADOOP_USER_NAME", value: "flink" },
      { name: "HADOOP_CONF_DIR", value: HADOOP_CONF_DIR },
    );
    additions.volumes.push({ name: "hadoop-conf", configMap: { name: store.configMap } });
    additions.volumeMounts.push({ name: "hadoop-conf", mountPath: HADOOP_CONF_DIR, readOnly: true });
  }
  return additions;
}

/**
 * The Prometheus JMX exporter as a Java agent on the `metrics` port: neither the SQL Gateway nor the history server
 * starts Flink's metric reporters. `fetchJars` false expects the jar in the image's lib/.
 */
export function jmxExporterAdditions(fetchJars: boolean): { additions: PodAdditions; jvmArgs: string } {
  const additions = emptyAdditions();
  additions.classpathJars.push(JMX_EXPORTER_JAR);
  const jar = `${fetchJars ? EXTRA_LIB_DIR : "/opt/flink/lib"}/${jarFileName(JMX_EXPORTER_JAR)}`;
  return {
    additions,
    jvmArgs: `-javaagent:${jar}=${JMX_EXPORTER_PORT}:${PROCESS_CONF_DIR}/${JMX_EXPORTER_CONFIG}`,
  };
}

/** The JMX exporter's configuration: JVM metrics with lower-case names (the agent adds them without rules). */
export const JMX_EXPORTER_CONFIG_TEXT = "lowercaseOutputName: true\nlowercaseOutputLabelNames: true\n";

/** Console logging for the process (the image's file is in the folder this one replaces). */
export const LOG4J_CONSOLE = [
  "rootLogger.level = INFO",
  "rootLogger.appenderRef.console.ref = ConsoleAppender",
  "appender.console.name = ConsoleAppender",
  "appender.console.type = CONSOLE",
  "appender.console.layout.type = PatternLayout",
  "appender.console.layout.pattern = %d{yyyy-MM-dd HH:mm:ss,SSS} %-5p %-60c %x - %m%n",
  "",
].join("\n");

/**
 * The Java 17 module options Flink needs (its serializers and RPC reflect into java.base and a few JDK internals), as
 * the operator chart 1.15.0 gives every FlinkDeployment of 1.19 and later in its default configuration
 * (`kubernetes.operator.default-configuration.flink-version.v1_19+.env.java.default-opts.all`, conf/flink-conf.yaml).
 * A process the platform runs itself reads its own configuration folder, not the image's conf/ (whose config.yaml
 * carries Flink's own list), so it gets them here; real runs on Java 17 needed them to submit a jar.
 */
export const JAVA_17_MODULE_OPTIONS: readonly string[] = [
  "--add-exports=java.base/sun.net.util=ALL-UNNAMED",
  "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
  "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
  ...[
    "java.lang",
    "java.net",
    "java.io",
    "java.nio",
    "sun.nio.ch",
    "java.lang.reflect",
    "java.text",
    "java.time",
    "java.util",
    "java.util.concurrent",
    "java.util.concurrent.atomic",
    "java.util.concurrent.locks",
  ].map((pkg) => `--add-opens=java.base/${pkg}=ALL-UNNAMED`),
];

/**
 * Where the options go: Flink's bin/config.sh reads `env.java.default-opts.all` from the configuration file and puts
 * it before `env.java.opts.all` on every process's command line, alike on 1.19.3, 1.20.4, 2.0.2, 2.1.2 and 2.2.1 (the
 * PyPI apache-flink wheels' bin/config.sh). JVM_ARGS stays free for the JMX exporter's agent.
 */
export const JAVA_DEFAULT_OPTS_KEY = "env.java.default-opts.all";

/** File name of Flink's configuration: standard YAML `config.yaml` on 2.x, `flink-conf.yaml` before. */
export function flinkConfFileName(release: FlinkRelease): string {
  return release.major === 2 ? "config.yaml" : "flink-conf.yaml";
}

/**
 * A Flink configuration file of flat `key: value` lines, sorted: the form both the 1.x parser and 2.x's standard
 * YAML read alike. Values are the platform's own (addresses, URIs, numbers), never free text.
 */
export function flinkConfFile(conf: Readonly<Record<string, string>>): string {
  return (
    Object.keys(conf)
      .sort()
      .map((key) => `${key}: ${conf[key]}`)
      .join("\n") + "\n"
  );
}

/**
 * The ConfigMap data of a process: its Flink configuration with the Java 17 module options, console logging and the
 * JMX exporter's settings.
 */
export function processConfigData(
  release: FlinkRelease,
  conf: Readonly<Record<string, string>>,
): Record<string, string> {
  return {
    [flinkConfFileName(release)]: flinkConfFile({
      [JAVA_DEFAULT_OPTS_KEY]: JAVA_17_MODULE_OPTIONS.join(" "),
      ...conf,
    }),
    "log4j-console.properties": LOG4J_CONSOLE,
    [JMX_EXPORTER_CONFIG]: JMX_EXPORTER_CONFIG_TEXT,
  };
}

/** Volume and mount of a process's configuration ConfigMap. */
export function processConfVolume(configMap: string): {
  volume: k8s.types.input.core.v1.Volume;
  mount: k8s.types.input.core.v1.VolumeMount;
} {
  return {
    volume: { name: "process-conf", configMap: { name: configMap } },
    mount: { name: "process-conf", mountPath: PROCESS_CONF_DIR, readOnly: true },
  };
}

/** A probe of an HTTP path on the process's named `http` port. */
export function httpProbe(path: string, initialDelaySeconds: number) {
  return { httpGet: { path, port: "http" }, initialDelaySeconds, periodSeconds: 10, failureThreshold: 3 };
}
