/**
 * The Flink REST calls the real-Flink suite makes, the same ones the operator makes for a FlinkSessionJob (upload
 * the jar, run it, stop it with a savepoint) plus what the tests read (job state, checkpoint statistics). Every
 * call fails with the method, URL, status and body, and every wait names what it waited for and what it saw last.
 */
import * as fs from "fs";
import * as path from "path";

/**
 * One JSON request to a Flink REST endpoint (the JobManager's, the SQL Gateway's): the parsed answer, `{}` for an
 * empty one; any other status than 2xx fails with the method, URL, status and the start of the body.
 */
export async function jsonRequest<T>(method: string, url: string, body?: unknown): Promise<T> {
  const response = await fetch(url, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) {
    throw new Error(`${method} ${url}: ${response.status} ${text.slice(0, 3000)}`);
  }
  return (text ? JSON.parse(text) : {}) as T;
}

export interface CheckpointCounts {
  readonly completed: number;
  readonly failed: number;
  readonly in_progress: number;
  readonly restored: number;
}

export interface CheckpointStats {
  readonly counts: CheckpointCounts;
  readonly latest: {
    readonly completed: { readonly id: number; readonly external_path: string } | null;
    readonly restored: {
      readonly id: number;
      readonly external_path: string;
      readonly is_savepoint: boolean;
    } | null;
    readonly savepoint: { readonly id: number; readonly external_path: string } | null;
  };
}

export interface CheckpointConfig {
  readonly mode: string;
  /** Milliseconds; Long.MAX_VALUE when checkpointing is off. */
  readonly interval: number;
  readonly externalization: { readonly enabled: boolean; readonly delete_on_cancellation: boolean };
  readonly state_backend: string;
  readonly checkpoint_storage: string;
}

export interface JobOverview {
  readonly jid: string;
  readonly name: string;
  readonly state: string;
}

export class FlinkRest {
  constructor(readonly baseUrl: string) {}

  async call<T>(method: string, route: string, body?: unknown): Promise<T> {
    return jsonRequest<T>(method, `${this.baseUrl}${route}`, body);
  }

  get<T>(route: string): Promise<T> {
    return this.call<T>("GET", route);
  }

  /** POST /jars/upload; returns the jar id the run call takes. */
  async uploadJar(file: string): Promise<string> {
    const form = new FormData();
    form.append(
      "jarfile",
      new Blob([fs.readFileSync(file)], { type: "application/x-java-archive" }),
      path.basename(file),
    );
    const url = `${this.baseUrl}/jars/upload`;
    const response = await fetch(url, { method: "POST", body: form });
    const text = await response.text();
    if (!response.ok) {
      throw new Error(`POST ${url}: ${response.status} ${text.slice(0, 2000)}`);
    }
    const filename = (JSON.parse(text) as { filename: string }).filename;
    return path.basename(filename);
  }

  /** POST /jars/<id>/run; returns the job id. */
  async runJar(
    jarId: string,
    run: {
      entryClass?: string;
      programArgsList?: readonly string[];
      parallelism?: number;
      savepointPath?: string;
      allowNonRestoredState?: boolean;
      flinkConfiguration?: Readonly<Record<string, string>>;
    },
  ): Promise<string> {
    const { flinkConfiguration, ...rest } = run;
    const body: Record<string, unknown> = { ...rest };
    if (flinkConfiguration && Object.keys(flinkConfiguration).length > 0) {
      // The job-level configuration (FLINK-29542), as the operator passes a FlinkSessionJob's flinkConfiguration.
      body.flinkConfiguration = flinkConfiguration;
    }
    const result = await this.call<{ jobid: string }>("POST", `/jars/${encodeURIComponent(jarId)}/run`, body);
    return result.jobid;
  }

  async jobs(): Promise<JobOverview[]> {
    return (await this.get<{ jobs: JobOverview[] }>("/jobs/overview")).jobs;
  }

  async job(jobId: string): Promise<{ state: string; name: string }> {
    return this.get(`/jobs/${jobId}`);
  }

  async checkpoints(jobId: string): Promise<CheckpointStats> {
    return this.get(`/jobs/${jobId}/checkpoints`);
  }

  /** GET /jobs/<id>/checkpoints/config: the checkpointing a job really runs with. */
  async checkpointConfig(jobId: string): Promise<CheckpointConfig> {
    return this.get(`/jobs/${jobId}/checkpoints/config`);
  }

  async exceptions(jobId: string): Promise<string> {
    const result = await this.get<{
      "root-exception"?: string;
      exceptionHistory?: { entries?: { stacktrace?: string }[] };
    }>(`/jobs/${jobId}/exceptions`);
    return result["root-exception"] ?? result.exceptionHistory?.entries?.[0]?.stacktrace ?? "(none)";
  }

  /** Stop with a savepoint (POST /jobs/<id>/stop), as the operator does for a savepoint upgrade; returns its path. */
  async stopWithSavepoint(jobId: string, targetDirectory?: string, timeoutMs = 180_000): Promise<string> {
    const { "request-id": trigger } = await this.call<{ "request-id": string }>(
      "POST",
      `/jobs/${jobId}/stop`,
      {
        drain: false,
        ...(targetDirectory ? { targetDirectory } : {}),
      },
    );
    return this.savepointResult(jobId, trigger, timeoutMs);
  }

  /** Trigger a savepoint and keep the job running; returns its path. */
  async savepoint(jobId: string, timeoutMs = 180_000): Promise<string> {
    const { "request-id": trigger } = await this.call<{ "request-id": string }>(
      "POST",
      `/jobs/${jobId}/savepoints`,
      {
        "cancel-job": false,
      },
    );
    return this.savepointResult(jobId, trigger, timeoutMs);
  }

  private async savepointResult(jobId: string, trigger: string, timeoutMs: number): Promise<string> {
    return waitFor(`the savepoint of job ${jobId}`, timeoutMs, async () => {
      const result = await this.get<{
        status: { id: string };
        operation?: { location?: string; "failure-cause"?: { "stack-trace"?: string } };
      }>(`/jobs/${jobId}/savepoints/${trigger}`);
      if (result.status.id !== "COMPLETED") {
        return { done: false, seen: result.status.id };
      }
      if (!result.operation?.location) {
        throw new Error(
          `savepoint of job ${jobId} failed: ${result.operation?.["failure-cause"]?.["stack-trace"] ?? "?"}`,
        );
      }
      return { done: true, value: result.operation.location };
    });
  }

  async cancel(jobId: string): Promise<void> {
    await this.call("PATCH", `/jobs/${jobId}?mode=cancel`);
  }

  /** Wait until the job is in `state` (failing at once if it reaches a terminal state that is not the one asked). */
  async waitForState(jobId: string, state: string, timeoutMs = 180_000): Promise<void> {
    await waitFor(`job ${jobId} ${state}`, timeoutMs, async () => {
      const job = await this.job(jobId);
      if (job.state === state) {
        return { done: true, value: undefined };
      }
      if (["FAILED", "CANCELED", "FINISHED"].includes(job.state)) {
        throw new Error(`job ${jobId} is ${job.state}, not ${state}: ${await this.exceptions(jobId)}`);
      }
      return { done: false, seen: job.state };
    });
  }

  /** Wait until the job has completed more than `after` checkpoints; returns the statistics then. */
  async waitForCheckpoints(jobId: string, after = 0, timeoutMs = 240_000): Promise<CheckpointStats> {
    return waitFor(`a completed checkpoint of job ${jobId} (more than ${after})`, timeoutMs, async () => {
      const stats = await this.checkpoints(jobId);
      const job = await this.job(jobId);
      if (["FAILED", "CANCELED", "FINISHED"].includes(job.state)) {
        throw new Error(`job ${jobId} is ${job.state}: ${await this.exceptions(jobId)}`);
      }
      return stats.counts.completed > after
        ? { done: true, value: stats }
        : { done: false, seen: JSON.stringify(stats.counts) };
    });
  }
}

export type Poll<T> = { done: true; value: T } | { done: false; seen: string };

/** Poll every second until `check` is done; errors from `check` other than fetch failures end the wait at once. */
export async function waitFor<T>(what: string, timeoutMs: number, check: () => Promise<Poll<T>>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let seen = "nothing yet";
  for (;;) {
    try {
      const result = await check();
      if (result.done) {
        return result.value;
      }
      seen = result.seen;
    } catch (err) {
      if (!(err instanceof TypeError)) {
        throw err;
      }
      // fetch failed: the server is not (or no longer) listening; keep waiting.
      const cause = (err as Error & { cause?: Error }).cause;
      seen = cause ? cause.message : err.message;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last seen: ${seen}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}
