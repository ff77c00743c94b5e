/**
 * One stack of the platform, rendered and run for real on this machine: the objects its code renders, the local
 * pods made from them, and what they share (processes stopped by PID at the end, ports on the shared loopback,
 * every in-cluster name resolving to loopback in each pod's /etc/hosts, a local mirror the platform's jar fetcher
 * reads instead of Maven Central).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { jarFileName, MavenJar, mavenPath } from "../../../components/kube/artifacts";
import { HIVE_CONNECTOR_JARS } from "../../../components/hive/jars";
import { HADOOP_CLIENT_JARS } from "../../../components/state/hadoopJars";
import { JMX_EXPORTER_JAR } from "../../../components/flink/jobServices";
import { MYSQL_CONNECTOR_J } from "../../../components/mysql/driver";
import { PROJECT_ROOT } from "../../../stacks/shared/stackFiles";
import { LocalFlinkCluster } from "./flinkCluster";
import type { LocalSettings } from "./localConfig";
import { FLINK_BUILD, flinkHome, localImages } from "./localImages";
import { LocalPod, startLocalPod } from "./localPod";
import { parseFlatFlinkConf } from "./operatorConfig";
import { PortAllocator } from "./ports";
import { ProcessGroup } from "./processes";
import { renderStack, StackObjects } from "./renderStack";

/** The operator chart 1.15.0 (CI: ../shared/charts; elsewhere FLINK_OPERATOR_CHART). */
export const OPERATOR_CHART =
  process.env.FLINK_OPERATOR_CHART ??
  path.join(PROJECT_ROOT, "..", "shared", "charts", "flink-kubernetes-operator-1.15.0");

/**
 * The operator's default configuration as the chart's ConfigMap holds it: the chart's conf/flink-conf.yaml, then
 * the platform's `defaultConfiguration["flink-conf.yaml"]` appended (the platform sets `append: true`).
 */
export function operatorConfiguration(objects: StackObjects): Record<string, string> {
  const file = path.join(OPERATOR_CHART, "conf", "flink-conf.yaml");
  if (!fs.existsSync(file)) {
    throw new Error(
      `no operator chart at ${OPERATOR_CHART}: set FLINK_OPERATOR_CHART to the chart 1.15.0 folder`,
    );
  }
  const chart = objects.all("Chart")[0];
  const defaults = chart?.inputs.values?.defaultConfiguration ?? {};
  const appended = defaults.append === false ? "" : fs.readFileSync(file, "utf8");
  return parseFlatFlinkConf(`${appended}\n${defaults["flink-conf.yaml"] ?? ""}`);
}

/** Every jar the platform's pods fetch (the lists its code pins). */
export const PLATFORM_JARS: readonly MavenJar[] = [
  ...HIVE_CONNECTOR_JARS,
  ...HADOOP_CLIENT_JARS,
  JMX_EXPORTER_JAR,
  MYSQL_CONNECTOR_J,
];

/** A Maven-layout folder of links to the jars scripts/build-flink.sh fetched; returns its file:// URL. */
export function mavenMirror(workDir: string): string {
  const root = path.join(workDir, "maven-mirror");
  for (const jar of PLATFORM_JARS) {
    const source = path.join(FLINK_BUILD, "platform-jars", jarFileName(jar));
    if (!fs.existsSync(source)) {
      throw new Error(`${source} is missing: run scripts/build-flink.sh (the platform's jar list changed?)`);
    }
    const target = path.join(root, mavenPath(jar));
    fs.mkdirSync(path.dirname(target), { recursive: true });
    if (!fs.existsSync(target)) {
      fs.symlinkSync(source, target);
    }
  }
  return `file://${root}`;
}

export class PlatformRun {
  readonly processes = new ProcessGroup();
  readonly ports = new PortAllocator();
  readonly images: ReturnType<typeof localImages>;
  readonly hosts: Record<string, string>;
  readonly mirror: string;
  readonly operatorConf: Record<string, string>;
  private readonly clusters: LocalFlinkCluster[] = [];

  private constructor(
    readonly stack: string,
    readonly objects: StackObjects,
    readonly workDir: string,
  ) {
    this.images = localImages(workDir);
    this.mirror = mavenMirror(workDir);
    this.operatorConf = operatorConfiguration(objects);
    const names = [...objects.serviceNames()];
    // The Services Flink's native mode creates for each deployment: `<name>` (RPC) and `<name>-rest`.
    for (const deployment of objects.all("FlinkDeployment")) {
      for (const service of [deployment.name, `${deployment.name}-rest`]) {
        names.push(`${service}.${deployment.namespace}.svc`, `${service}.${deployment.namespace}`, service);
      }
    }
    this.hosts = Object.fromEntries(names.map((n) => [n, "127.0.0.1"]));
  }

  /** Render a stack file (with `overrides` over its areas) and prepare a work folder for its pods. */
  static async create(stack: string, overrides: Record<string, unknown> = {}): Promise<PlatformRun> {
    const objects = new StackObjects(await renderStack(stack, overrides));
    const workDir = fs.mkdtempSync(path.join(os.tmpdir(), `real-flink-${stack}-`));
    fs.chmodSync(workDir, 0o755);
    return new PlatformRun(stack, objects, workDir);
  }

  /** The distribution's console logging (what the operator's ConfigMap gives every Flink pod). */
  log4jConsole(flinkPatch: string): string {
    const release = { patch: flinkPatch } as Parameters<typeof flinkHome>[0];
    return fs.readFileSync(path.join(flinkHome(release), "conf", "log4j-console.properties"), "utf8");
  }

  /** A FlinkDeployment of the stack as a local cluster (not started). */
  cluster(
    namespace: string,
    name: string,
    local: Omit<LocalSettings, "role" | "ports"> = {},
  ): LocalFlinkCluster {
    const deployment = this.objects.get("FlinkDeployment", namespace, name);
    const patch = String(deployment.inputs.spec.image).replace(/^flink:([^-]+)-.*$/, "$1");
    const cluster = new LocalFlinkCluster({
      deployment,
      stack: this.objects,
      operatorConf: this.operatorConf,
      workDir: this.workDir,
      processes: this.processes,
      ports: this.ports,
      images: this.images,
      hosts: this.hosts,
      local,
      mavenMirror: this.mirror,
      log4jConsole: this.log4jConsole(patch),
    });
    this.clusters.push(cluster);
    return cluster;
  }

  /**
   * A Deployment or Job the platform renders (the SQL Gateway, the history server, MinIO's setup Job), as a local
   * pod from its pod template. `envOverrides` are the documented local changes for its containers.
   */
  async pod(
    kind: "Deployment" | "Job",
    namespace: string,
    name: string,
    envOverrides: Record<string, Record<string, string>> = {},
  ): Promise<LocalPod> {
    const object = this.objects.get(kind, namespace, name);
    return startLocalPod({
      name,
      spec: object.inputs.spec.template.spec,
      objects: this.objects.namespaceData(namespace),
      images: this.images,
      hosts: this.hosts,
      workDir: path.join(this.workDir, namespace),
      processes: this.processes,
      envOverrides: { "fetch-jars": { MAVEN_REPOSITORY: this.mirror }, ...envOverrides },
    });
  }

  /**
   * A Flink process the platform runs itself (the SQL Gateway, the history server) from its rendered Deployment.
   * Its JMX exporter's port (the `metrics` container port, in JVM_ARGS) is the one port such a pod shares with
   * every Flink pod (9249): it gets its own on the shared loopback when taken (localConfig.ts rule 4).
   */
  async flinkProcess(
    namespace: string,
    name: string,
  ): Promise<{ pod: LocalPod; httpPort: number; metricsPort: number }> {
    const object = this.objects.get("Deployment", namespace, name);
    const container = object.inputs.spec.template.spec.containers[0];
    const portOf = (portName: string) => {
      const port = (container.ports ?? []).find((p: { name: string }) => p.name === portName)?.containerPort;
      if (!port) {
        throw new Error(`Deployment ${name} has no container port ${portName}`);
      }
      return Number(port);
    };
    const httpPort = this.ports.take(portOf("http"));
    if (httpPort !== portOf("http")) {
      throw new Error(`port ${portOf("http")} of ${name} is taken by another pod`);
    }
    const rendered = portOf("metrics");
    const metricsPort = this.ports.take(rendered);
    const jvmArgs = (container.env ?? []).find((e: { name: string }) => e.name === "JVM_ARGS")?.value as
      string | undefined;
    const overrides: Record<string, string> =
      jvmArgs && metricsPort !== rendered
        ? { JVM_ARGS: jvmArgs.replace(`=${rendered}:`, `=${metricsPort}:`) }
        : {};
    const pod = await this.pod("Deployment", namespace, name, { [String(container.name)]: overrides });
    return { pod, httpPort, metricsPort };
  }

  /** Stop every process this run started, by PID, and remove the work folder unless KEEP_REAL_FLINK_RUNS is set. */
  async stop(): Promise<void> {
    await this.processes.stopAll();
    if (!process.env.KEEP_REAL_FLINK_RUNS) {
      fs.rmSync(this.workDir, { recursive: true, force: true });
    }
  }
}
