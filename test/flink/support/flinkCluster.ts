/**
 * One FlinkDeployment of a stack, run for real as local pods: its JobManager and TaskManagers with the
 * configuration operator 1.15.0 would give them (operatorConfig.ts), through the suite's one set of local changes
 * (localConfig.ts), in pods made from the platform's pod templates (operatorPods.ts, localPod.ts): init containers
 * (the platform's jar fetcher, the catalog-store seed) run first, volumes and mounts are the rendered ones.
 */
import * as fs from "fs";
import * as path from "path";
import { FLINK_RELEASES } from "../../../components/flink/versions";
import { FlinkRest } from "./flinkRest";
import { applicationJar, localFlinkConfiguration, LocalSettings } from "./localConfig";
import { LocalImage, LocalPod, NamespaceObjects, startLocalPod } from "./localPod";
import { operatorEffectiveConfiguration } from "./operatorConfig";
import {
  flinkConfigData,
  flinkConfigMapName,
  flinkPodSpec,
  FlinkRole,
  MAIN_CONTAINER,
  withHadoopConf,
} from "./operatorPods";
import { BOUND_PORT_KEYS, PortAllocator, processPorts } from "./ports";
import type { ProcessGroup } from "./processes";
import type { RenderedObject, StackObjects } from "./renderStack";

export interface LocalFlinkClusterArgs {
  /** The rendered FlinkDeployment. */
  readonly deployment: RenderedObject;
  readonly stack: StackObjects;
  /** The operator's default configuration (chart file plus the platform's values). */
  readonly operatorConf: Readonly<Record<string, string>>;
  readonly workDir: string;
  readonly processes: ProcessGroup;
  readonly ports: PortAllocator;
  readonly images: (image: string) => LocalImage;
  /** /etc/hosts lines of every pod. */
  readonly hosts: Readonly<Record<string, string>>;
  /** localConfig.ts settings besides role and ports (ZooKeeper for Kubernetes HA, an S3 endpoint). */
  readonly local: Omit<LocalSettings, "role" | "ports">;
  /** `file://` Maven repository the platform's jar fetcher reads instead of Maven Central (no network here). */
  readonly mavenMirror: string;
  /** console logging of Flink's own distribution (what the operator's ConfigMap carries). */
  readonly log4jConsole: string;
}

export interface FlinkProcessPod {
  readonly role: FlinkRole;
  readonly pod: LocalPod;
  /** The configuration the process read. */
  readonly conf: Readonly<Record<string, string>>;
  /** Every change localConfig.ts made. */
  readonly changes: readonly string[];
  readonly ports: readonly number[];
  /** Milliseconds from start to ready (JobManager: REST answers; TaskManager: registered). */
  startMs: number;
}

export class LocalFlinkCluster {
  readonly name: string;
  readonly namespace: string;
  /** The configuration the operator would write for this deployment, before local changes. */
  readonly effective: Readonly<Record<string, string>>;
  readonly jobManagers: FlinkProcessPod[] = [];
  readonly taskManagers: FlinkProcessPod[] = [];
  private jobManagerOverrides: Record<string, number> = {};
  private counter = 0;

  constructor(private readonly args: LocalFlinkClusterArgs) {
    this.name = args.deployment.name;
    this.namespace = args.deployment.namespace;
    this.effective = operatorEffectiveConfiguration(args.operatorConf, {
      namespace: this.namespace,
      name: this.name,
      spec: args.deployment.inputs.spec,
    });
  }

  get release() {
    const minor = String(this.args.deployment.inputs.spec.flinkVersion).replace(/^v/, "").replace("_", ".");
    return FLINK_RELEASES[minor];
  }

  /** REST client of the running JobManager (the last one started). */
  get rest(): FlinkRest {
    const jm = this.jobManagers[this.jobManagers.length - 1];
    if (!jm) {
      throw new Error(`cluster ${this.name} has no JobManager`);
    }
    return new FlinkRest(`http://127.0.0.1:${jm.conf["rest.port"]}`);
  }

  /** The pod's objects: the namespace's rendered ConfigMaps and Secrets, plus the Flink configuration ConfigMap. */
  private objects(configMapName: string, data: Record<string, string>): NamespaceObjects {
    const base = this.args.stack.namespaceData(this.namespace);
    const configMaps = new Map(base.configMaps);
    configMaps.set(configMapName, data);
    return { configMaps, secrets: base.secrets };
  }

  private async startPod(
    role: FlinkRole,
    extraOverrides: Record<string, number>,
    jobArgs: string[],
  ): Promise<FlinkProcessPod> {
    const index = this.counter++;
    const { overrides, taken } = processPorts(this.args.ports, this.effective, BOUND_PORT_KEYS[role]);
    const { conf, changes } = localFlinkConfiguration(this.effective, {
      role,
      ports: { ...extraOverrides, ...overrides },
      ...this.args.local,
    });
    const configMapName = flinkConfigMapName(this.args.deployment, role, index);
    const data = flinkConfigData(this.args.deployment.inputs.spec.flinkVersion, conf, this.args.log4jConsole);
    const spec = withHadoopConf(
      flinkPodSpec(
        { name: this.name, spec: this.args.deployment.inputs.spec },
        role,
        this.effective,
        configMapName,
        jobArgs,
      ),
      this.effective["kubernetes.hadoop.conf.config-map.name"],
    );
    const started = Date.now();
    const pod = await startLocalPod({
      name: `${this.name}-${role}-${index}`,
      spec,
      objects: this.objects(configMapName, data),
      images: this.args.images,
      hosts: this.args.hosts,
      workDir: path.join(this.args.workDir, this.namespace),
      processes: this.args.processes,
      envOverrides: {
        // The jar fetcher reads the same files from a local mirror (localConfig.ts rule 5: no network here).
        "fetch-jars": { MAVEN_REPOSITORY: this.args.mavenMirror },
      },
    });
    return { role, pod, conf, changes, ports: taken, startMs: Date.now() - started };
  }

  /** Start a JobManager and wait until its REST endpoint answers. */
  async startJobManager(options: { fromSavepoint?: string } = {}): Promise<FlinkProcessPod> {
    const job = this.args.deployment.inputs.spec.job;
    const jobArgs: string[] = [];
    if (job) {
      // The operator's standalone application arguments (CmdStandaloneJobManagerDecorator), and the job jar of
      // localConfig.ts rule 6.
      const jar = applicationJar(this.effective);
      if (jar) {
        jobArgs.push("--jars", jar);
      }
      if (job.entryClass) {
        jobArgs.push("--job-classname", job.entryClass);
      }
      if (job.allowNonRestoredState) {
        jobArgs.push("--allowNonRestoredState");
      }
      if (options.fromSavepoint) {
        jobArgs.push("--fromSavepoint", options.fromSavepoint);
      }
      if (this.haEnabled) {
        jobArgs.push("--host", "127.0.0.1");
      }
      jobArgs.push(...(job.args ?? []));
    }
    const started = Date.now();
    const jm = await this.startPod("jobmanager", {}, jobArgs);
    for (const key of ["rest.port", "jobmanager.rpc.port", "blob.server.port"]) {
      if (jm.conf[key] !== this.effective[key]) {
        this.jobManagerOverrides[key] = Number(jm.conf[key]);
      }
    }
    this.jobManagers.push(jm);
    await waitForRest(jm, this.rest);
    jm.startMs = Date.now() - started;
    return jm;
  }

  get haEnabled(): boolean {
    const ha = this.effective["high-availability.type"];
    return ha !== undefined && ha.toLowerCase() !== "none";
  }

  /** Start `count` TaskManagers and wait until the JobManager sees them all. */
  async startTaskManagers(count: number): Promise<void> {
    const before = await this.registeredTaskManagers();
    const started = Date.now();
    const pods: FlinkProcessPod[] = [];
    for (let i = 0; i < count; i++) {
      pods.push(await this.startPod("taskmanager", this.jobManagerOverrides, []));
    }
    this.taskManagers.push(...pods);
    const deadline = Date.now() + 180_000;
    while ((await this.registeredTaskManagers()) < before + count) {
      for (const tm of pods) {
        const code = await Promise.race([
          tm.pod.main.exited,
          new Promise((r) => setTimeout(() => r("running"), 0)),
        ]);
        if (code !== "running") {
          throw new Error(
            `TaskManager ${tm.pod.name} exited (${String(code)}):\n${tailOf(tm.pod.main.logFile)}`,
          );
        }
      }
      if (Date.now() > deadline) {
        throw new Error(
          `TaskManagers of ${this.name} did not register:\n${tailOf(pods[0].pod.main.logFile)}`,
        );
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
    for (const tm of pods) {
      tm.startMs = Date.now() - started;
    }
  }

  private async registeredTaskManagers(): Promise<number> {
    if (this.jobManagers.length === 0) {
      return 0;
    }
    try {
      const overview = await this.rest.get<{ taskmanagers: number }>("/overview");
      return overview.taskmanagers;
    } catch {
      return 0;
    }
  }

  /** kill -9 the JobManager, as a node failure would. */
  async killJobManager(): Promise<void> {
    const jm = this.jobManagers.pop();
    if (!jm) {
      throw new Error(`cluster ${this.name} has no JobManager to kill`);
    }
    await jm.pod.main.kill9();
    this.args.ports.release(jm.ports);
  }

  /** Stop every process of the cluster (by PID) and give back its ports. */
  async stop(): Promise<void> {
    for (const p of [...this.taskManagers, ...this.jobManagers]) {
      await p.pod.main.stop();
      this.args.ports.release(p.ports);
    }
    this.taskManagers.length = 0;
    this.jobManagers.length = 0;
  }

  /** The main container's name in these pods (for logs). */
  static readonly container = MAIN_CONTAINER;
}

async function waitForRest(jm: FlinkProcessPod, rest: FlinkRest): Promise<void> {
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      await rest.get("/config");
      return;
    } catch {
      // not up yet
    }
    const code = await Promise.race([
      jm.pod.main.exited,
      new Promise((r) => setTimeout(() => r("running"), 1000)),
    ]);
    if (code !== "running") {
      throw new Error(`JobManager ${jm.pod.name} exited (${String(code)}):\n${tailOf(jm.pod.main.logFile)}`);
    }
    if (Date.now() > deadline) {
      throw new Error(
        `JobManager ${jm.pod.name} REST did not answer in 180 s:\n${tailOf(jm.pod.main.logFile)}`,
      );
    }
  }
}

export function tailOf(file: string, lines = 60): string {
  try {
    return fs.readFileSync(file, "utf8").split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}
