/**
 * The real operator of one stack, running beside the throw-away cluster: the containers of the chart's operator
 * Deployment (operatorPod.ts) as processes (operatorProcess.ts), under the chart's ServiceAccount
 * (operatorIdentity.ts), with the chart's configuration as the API server holds it. The webhook container is made
 * reachable to the API server through the suite's egress proxy (operatorEgress.ts).
 */
import * as fs from "fs";
import * as http from "http";
import * as path from "path";
import { OPERATOR_CHART, OPERATOR_VERSION } from "../../components/flink/operator";
import { KubeApi, KubeObject } from "./kubeApi";
import { OperatorEgress } from "./operatorEgress";
import { Identity, serviceAccountKubeconfig, whoAmI } from "./operatorIdentity";
import { deploymentPod, hostProcess, OperatorImage } from "./operatorPod";
import { freePort, OperatorProcess } from "./operatorProcess";
import { PROJECT_ROOT } from "../../stacks/shared/stackFiles";

/** The chart's containers: the operator, and (with the webhook) the admission webhook. */
export const OPERATOR_CONTAINER = OPERATOR_CHART;
export const WEBHOOK_CONTAINER = "flink-webhook";

/** What scripts/build-operator.sh builds. */
export const OPERATOR_IMAGE: OperatorImage = {
  root: path.join(PROJECT_ROOT, ".toolchain", "operator"),
  version: OPERATOR_VERSION,
};

/** Whether scripts/build-operator.sh has run. */
export function operatorBuilt(): boolean {
  return fs.existsSync(path.join(OPERATOR_IMAGE.root, "stamp"));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** GET http://127.0.0.1:port/ answers 200: the chart's liveness and startup probes. */
function probe(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const request = http.get({ host: "127.0.0.1", port, path: "/", timeout: 2000 }, (response) => {
      response.resume();
      resolve(response.statusCode === 200);
    });
    request.on("error", () => resolve(false));
    request.on("timeout", () => request.destroy());
  });
}

/** Why the pod of a stack's operator Deployment cannot start yet, or undefined when it can. */
async function notStartable(api: KubeApi, namespace: string): Promise<string | undefined> {
  const deployment = await api.get("apps/v1", "Deployment", OPERATOR_CHART, namespace);
  if (!deployment) {
    return "no operator Deployment";
  }
  const spec = (deployment.spec as any).template.spec;
  if (!(await api.get("v1", "ServiceAccount", spec.serviceAccountName, namespace))) {
    return `no ServiceAccount ${spec.serviceAccountName}`;
  }
  for (const volume of spec.volumes ?? []) {
    const [kind, name] = volume.configMap
      ? ["ConfigMap", volume.configMap.name]
      : volume.secret
        ? ["Secret", volume.secret.secretName]
        : [undefined, undefined];
    if (kind && !(await api.get("v1", kind, name, namespace))) {
      return `no ${kind} ${name}`; // The kubelet would not start the pod either.
    }
  }
  try {
    await deploymentPod(api, deployment);
  } catch (err) {
    return String(err);
  }
  return undefined;
}

export interface OperatorRunOptions {
  /** Which of the pod's containers to run. */
  readonly containers: readonly string[];
  /** A directory for this run (kubeconfig, volumes, logs); the caller removes it. */
  readonly workDir: string;
  /** The egress proxy, to make a webhook container reachable. */
  readonly egress?: OperatorEgress;
  /**
   * Names the containers resolve, beside this machine's /etc/hosts, and nothing else (name → address): the run's
   * hosts file (operatorPod.ts). Without it, the JVM uses this machine's resolver.
   */
  readonly hosts?: Readonly<Record<string, string>>;
}

/** This machine's /etc/hosts and `hosts`, as a hosts file in `dir`. */
function writeHostsFile(dir: string, hosts: Readonly<Record<string, string>>): string {
  const file = path.join(dir, "hosts");
  const system = fs.existsSync("/etc/hosts")
    ? fs.readFileSync("/etc/hosts", "utf8")
    : "127.0.0.1 localhost\n";
  const lines = Object.entries(hosts).map(([name, address]) => `${address} ${name}`);
  fs.writeFileSync(
    file,
    `${system.trimEnd()}\n# the cluster suite's names (OperatorRunOptions.hosts)\n${lines.join("\n")}\n`,
  );
  return file;
}

export class OperatorRun {
  private constructor(
    readonly namespace: string,
    readonly identity: Identity,
    readonly processes: ReadonlyMap<string, OperatorProcess>,
    private readonly egress: OperatorEgress | undefined,
    private readonly egressKey: string,
  ) {}

  /** Starts the containers of the operator pod of the platform namespace `namespace`. */
  static async start(api: KubeApi, namespace: string, options: OperatorRunOptions): Promise<OperatorRun> {
    const deployment = (await api.get("apps/v1", "Deployment", OPERATOR_CHART, namespace)) as KubeObject;
    const template = (deployment.spec as any).template;
    const dir = fs.mkdtempSync(path.join(options.workDir, `operator-${namespace}-`));
    const kubeconfig = await serviceAccountKubeconfig(
      api,
      namespace,
      template.spec.serviceAccountName,
      path.join(dir, "kubeconfig"),
    );
    const identity = await whoAmI(kubeconfig);
    const hostsFile = options.hosts ? writeHostsFile(dir, options.hosts) : undefined;
    const processes = new Map<string, OperatorProcess>();
    const portMap: Record<number, number> = {};
    for (const container of options.containers) {
      const spec = await hostProcess(api, deployment, container, {
        image: OPERATOR_IMAGE,
        dir,
        kubeconfig,
        freePort,
        hostsFile,
      });
      Object.assign(portMap, spec.portMap);
      processes.set(container, new OperatorProcess(spec, path.join(dir, "logs")));
    }
    // Registered by pod and containers: the webhook and the operator of one pod may run as two separate runs.
    const key = `${namespace}/${options.containers.join(",")}`;
    if (Object.keys(portMap).length > 0) {
      options.egress?.register(key, { namespace, labels: template.metadata.labels ?? {}, portMap });
    }
    return new OperatorRun(namespace, identity, processes, options.egress, key);
  }

  /** Starts the containers once the pod could start (its Deployment, account, volumes and kwok pod exist). */
  static async startWhenStartable(
    api: KubeApi,
    namespace: string,
    options: OperatorRunOptions,
    timeoutMs = 20 * 60_000,
  ): Promise<OperatorRun> {
    const started = Date.now();
    let why: string | undefined = "not checked";
    while ((why = await notStartable(api, namespace).catch((err) => String(err)))) {
      if (Date.now() - started > timeoutMs) {
        throw new Error(`the operator pod in ${namespace} never became startable: ${why}`);
      }
      await sleep(250);
    }
    return OperatorRun.start(api, namespace, options);
  }

  process(container: string): OperatorProcess {
    const p = this.processes.get(container);
    if (!p) {
      throw new Error(`${this.namespace}: container ${container} is not running here`);
    }
    return p;
  }

  /** Waits until every container answers as the chart's probes ask (the webhook: its port accepts TLS). */
  async ready(): Promise<Record<string, number>> {
    const took: Record<string, number> = {};
    for (const [container, p] of this.processes) {
      took[container] =
        container === WEBHOOK_CONTAINER
          ? await p.waitUntil("webhook listening", () =>
              Promise.resolve(/Webhook listening at/.test(p.log())),
            )
          : await p.waitUntil("health probe 200", () => probe(p.spec.ports.health));
    }
    return took;
  }

  /** Stops every container by PID. */
  async stop(): Promise<void> {
    this.egress?.unregister(this.egressKey);
    await Promise.all([...this.processes.values()].map((p) => p.stop()));
  }
}
