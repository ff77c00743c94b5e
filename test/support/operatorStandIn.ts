/**
 * What the Flink operator reports, played on the throw-away cluster, where the operator itself cannot run (its jar
 * is in no registry these machines reach). The platform awaits a session cluster's FlinkDeployment with
 * `pulumi.com/waitFor: jsonpath={.status.jobManagerDeploymentStatus}=READY`, and a job's resource (a FlinkSessionJob,
 * or an application's FlinkDeployment) on `{.status.lifecycleState}` STABLE, or SUSPENDED for a suspended job;
 * pulumi-kubernetes also waits for `status.observedGeneration` to reach the object's generation. The stand-in
 * writes exactly that status, as the operator does once the JobManager is up and the job running (or stopped), for
 * every generation it sees, after `delayMs`: so `pulumi up` runs its real await, and a test can make the
 * "operator" slow.
 */
import { KubeApi, KubeObject } from "./kubeApi";

const FLINK_API = "flink.apache.org/v1beta1";

export class OperatorStandIn {
  /** How long the stand-in lets a new generation wait before it reports it ready. */
  delayMs = 0;
  /** Generations it reported ready, as "namespace/name@generation" (session jobs: "FlinkSessionJob namespace/name@generation"). */
  readonly reported: string[] = [];
  private readonly seen = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly api: KubeApi,
    private readonly pollMs = 500,
  ) {}

  start(): void {
    const tick = () => {
      this.running = this.reconcile()
        .catch((err: unknown) => console.error(`operator stand-in: ${String(err)}`))
        .finally(() => {
          if (this.timer) {
            this.timer = setTimeout(tick, this.pollMs);
          }
        });
    };
    this.timer = setTimeout(tick, 0);
  }

  async stop(): Promise<void> {
    const timer = this.timer;
    this.timer = undefined;
    clearTimeout(timer);
    await this.running;
  }

  private async reconcile(): Promise<void> {
    await this.reconcileKind("FlinkDeployment");
    await this.reconcileKind("FlinkSessionJob");
  }

  private async reconcileKind(kind: string): Promise<void> {
    let deployments: KubeObject[];
    try {
      deployments = await this.api.list(FLINK_API, kind);
    } catch (err) {
      if (/does not serve|knows no kind|: 429 /.test(String(err))) {
        return; // The CRD is not installed (or its storage not ready) yet.
      }
      throw err;
    }
    for (const deployment of deployments) {
      const generation = deployment.metadata.generation as number;
      const status = (deployment.status ?? {}) as { observedGeneration?: number };
      if (status.observedGeneration === generation) {
        continue;
      }
      const prefix = kind === "FlinkDeployment" ? "" : `${kind} `;
      const key = `${prefix}${deployment.metadata.namespace}/${deployment.metadata.name}@${generation}`;
      const firstSeen = this.seen.get(key) ?? Date.now();
      this.seen.set(key, firstSeen);
      if (Date.now() - firstSeen < this.delayMs) {
        continue;
      }
      const job = (deployment.spec as { job?: { state?: string } } | undefined)?.job;
      const suspended = job?.state === "suspended";
      const response = await this.api.patchStatus(deployment, {
        ...(kind === "FlinkDeployment"
          ? { jobManagerDeploymentStatus: suspended ? "MISSING" : "READY" }
          : {}),
        ...(job ? { jobStatus: { state: suspended ? "SUSPENDED" : "RUNNING" } } : {}),
        lifecycleState: suspended ? "SUSPENDED" : "STABLE",
        observedGeneration: generation,
      });
      if (response.status === 200) {
        this.reported.push(key);
      }
    }
  }
}
