/**
 * What the Flink operator reports, played on the throw-away cluster whenever the real operator does not run there.
 * kwok's pods never start a JobManager, so the real operator (operatorRun.ts) can bring a FlinkDeployment only as far
 * as "JobManager is being deployed"; the platform awaits more: a session cluster's FlinkDeployment with
 * `pulumi.com/waitFor: jsonpath={.status.jobManagerDeploymentStatus}=READY`, and a job's resource (a FlinkSessionJob,
 * or an application's FlinkDeployment) on `{.status.lifecycleState}` STABLE, or SUSPENDED for a suspended job;
 * pulumi-kubernetes also waits for `status.observedGeneration` to reach the object's generation. The stand-in
 * writes exactly that status, as the operator does once the JobManager is up and the job running (or stopped), for
 * every generation it sees, after `delayMs`: so `pulumi up` runs its real await, and a test can make the
 * "operator" slow. When an object is deleted, it removes the operator's finalizer, as the operator does once it has
 * cleaned up (what the operator made is owned by the object, and the garbage collector takes it).
 *
 * The stand-in and the real operator never run at the same time: before the real one starts, `withdraw()` removes
 * the status the stand-in wrote, so the operator meets every object as `pulumi up` left it.
 */
import { KubeApi, KubeObject } from "./kubeApi";

const FLINK_API = "flink.apache.org/v1beta1";
const KINDS = ["FlinkDeployment", "FlinkSessionJob"];
/** The finalizers the operator's controllers put on their objects (`<plural>.flink.apache.org/finalizer`). */
const OPERATOR_FINALIZER = /^flink(deployments|sessionjobs)\.flink\.apache\.org\/finalizer$/;

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
    for (const kind of KINDS) {
      await this.reconcileKind(kind);
    }
  }

  /** Removes the status of every Flink object (call it stopped): the real operator takes over from here. */
  async withdraw(): Promise<string[]> {
    const withdrawn: string[] = [];
    for (const kind of KINDS) {
      for (const object of await this.api.list(FLINK_API, kind)) {
        if (object.status) {
          const response = await this.api.patchStatus(object, null);
          if (response.status !== 200) {
            throw new Error(`withdraw ${kind} ${object.metadata.name}: ${response.status}`);
          }
          withdrawn.push(`${kind} ${object.metadata.namespace}/${object.metadata.name}`);
        }
      }
    }
    this.seen.clear();
    return withdrawn;
  }

  /** Plays the operator's cleanup of a deleted object: its finalizer goes. */
  private async finalize(object: KubeObject): Promise<void> {
    const finalizers = (object.metadata.finalizers ?? []) as string[];
    const kept = finalizers.filter((f) => !OPERATOR_FINALIZER.test(f));
    if (kept.length !== finalizers.length) {
      const path = await this.api.path(
        object.apiVersion,
        object.kind,
        object.metadata.namespace,
        object.metadata.name,
      );
      await this.api.request(
        "PATCH",
        path,
        { metadata: { finalizers: kept, resourceVersion: object.metadata.resourceVersion } },
        "application/merge-patch+json",
      );
    }
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
      if (deployment.metadata.deletionTimestamp) {
        await this.finalize(deployment);
        continue;
      }
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
