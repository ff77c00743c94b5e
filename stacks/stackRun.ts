/**
 * One stack's run through its steps: each step timed and recorded into the stack's report, another update holding
 * the stack waited out with exponential backoff (never cancelled), and every failure turned into a `Stop` that says
 * where, how and why.
 */
import { describeAbort } from "./abort";
import type { GateFinding } from "./gates";
import type { ChangeSection, StackReport, StepName, StepStatus } from "./report/model";
import { DriverError, OperationOptions, OperationResult, ResourceChange, StackDriver } from "./stackDriver";

export interface RetryPolicy {
  /** Retries after the first try while another update holds the stack. */
  readonly retries: number;
  /** Wait before the first retry; doubled for each further retry. */
  readonly initialDelayMs: number;
  /** Longest single wait. */
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 5, initialDelayMs: 15_000, maxDelayMs: 300_000 };

export interface RunContext {
  readonly driver: StackDriver;
  /** Aborting it interrupts the operation in flight and stops the run. */
  readonly signal: AbortSignal;
  readonly retry: RetryPolicy;
  /** Waits between retries; rejects when the signal aborts. */
  readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly clock: () => Date;
  readonly log: (line: string) => void;
  /** The commit being previewed or released, for the report. */
  readonly revision?: string;
}

/** Wait before retry `attempt` (1-based). */
export function retryDelay(policy: RetryPolicy, attempt: number): number {
  return Math.min(policy.initialDelayMs * 2 ** (attempt - 1), policy.maxDelayMs);
}

/** Ends a stack's run: where, how and why. */
export class Stop extends Error {
  constructor(
    readonly stackName: string,
    readonly step: StepName,
    readonly status: Exclude<StepStatus, "ok" | "skipped">,
    readonly reason: string,
  ) {
    super(reason);
  }
}

export function section(result: OperationResult): ChangeSection {
  return { counts: result.counts, changes: result.changes };
}

export function listChanges(changes: readonly (ResourceChange | GateFinding)[], limit = 5): string {
  const shown = changes.slice(0, limit).map((c) => `${c.op} ${c.urn}`);
  return changes.length > limit ? `${shown.join(", ")} and ${changes.length - limit} more` : shown.join(", ");
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** One stack's steps, with timing, retries and diagnostics recorded into its report. */
export class StackRun {
  readonly report: StackReport;
  private readonly seen = new Set<string>();

  constructor(
    readonly name: string,
    private readonly ctx: RunContext,
  ) {
    this.report = { stack: name, status: "skipped", steps: [], diagnostics: [], retries: [] };
  }

  get opts(): OperationOptions {
    return { signal: this.ctx.signal };
  }

  /** Run one step: waits out concurrent updates, records the outcome, turns failures into a Stop. */
  async step<T>(step: StepName, fn: () => Promise<T>): Promise<T> {
    const started = this.ctx.clock().getTime();
    let attempts = 0;
    const finish = (status: StepStatus) =>
      this.report.steps.push({ step, status, durationMs: this.ctx.clock().getTime() - started, attempts });
    try {
      if (this.ctx.signal.aborted) {
        throw new DriverError("aborted", "aborted before it started");
      }
      this.ctx.log(`[${this.name}] ${step}`);
      for (;;) {
        attempts++;
        try {
          const value = await fn();
          finish("ok");
          return value;
        } catch (err) {
          if (
            !(err instanceof DriverError && err.kind === "concurrent-update") ||
            attempts > this.ctx.retry.retries
          ) {
            throw err;
          }
          const delayMs = retryDelay(this.ctx.retry, attempts);
          this.report.retries.push({ step, attempt: attempts, delayMs, reason: err.message });
          this.ctx.log(
            `[${this.name}] another update holds the stack; retry ${attempts}/${this.ctx.retry.retries} in ${Math.round(delayMs / 1000)}s`,
          );
          try {
            await this.ctx.sleep(delayMs, this.ctx.signal);
          } catch {
            throw new DriverError("aborted", "aborted while waiting for another update");
          }
        }
      }
    } catch (err) {
      const stop = this.toStop(step, err, attempts);
      finish(stop.status);
      this.ctx.log(`[${this.name}] ${step} ${stop.status}: ${stop.reason}`);
      throw stop;
    }
  }

  /** Record a step that does not apply to this stack. */
  skip(step: StepName, note: string): void {
    this.ctx.log(`[${this.name}] ${step} skipped: ${note}`);
    this.report.steps.push({ step, status: "skipped", durationMs: 0, attempts: 0, note });
  }

  /** A step that runs an engine operation: its warnings and errors go into the report. */
  async operation(step: StepName, fn: () => Promise<OperationResult>): Promise<OperationResult> {
    const result = await this.step(step, fn);
    this.note(step, result);
    return result;
  }

  note(step: StepName, result: Pick<OperationResult, "diagnostics"> | undefined): void {
    for (const d of result?.diagnostics ?? []) {
      const key = `${d.severity}\u0000${d.urn ?? ""}\u0000${d.message}`;
      if (!this.seen.has(key)) {
        this.seen.add(key);
        this.report.diagnostics.push({ ...d, step });
      }
    }
  }

  private toStop(step: StepName, err: unknown, attempts: number): Stop {
    if (err instanceof Stop) {
      return err;
    }
    if (err instanceof DriverError) {
      this.note(step, err.partial);
    }
    if (this.ctx.signal.aborted || (err instanceof DriverError && err.kind === "aborted")) {
      return new Stop(this.name, step, "aborted", `aborted by ${describeAbort(this.ctx.signal)}`);
    }
    if (!(err instanceof DriverError)) {
      const message = err instanceof Error ? err.message : String(err);
      return new Stop(this.name, step, "failed", message);
    }
    switch (err.kind) {
      case "concurrent-update": {
        const waited = this.report.retries
          .filter((r) => r.step === step)
          .reduce((sum, r) => sum + r.delayMs, 0);
        return new Stop(
          this.name,
          step,
          "failed",
          `another update still holds stack ${this.name} after ${plural(attempts, "attempt")} over ${Math.round(waited / 1000)}s. ` +
            `It was not cancelled: let it finish, or if you know its process is gone, run \`pulumi cancel --stack ${this.name}\` yourself`,
        );
      }
      case "stack-not-found":
        return new Stop(
          this.name,
          step,
          "failed",
          `no stack '${this.name}' in the backend. The bot never creates stacks; create it with \`npm run stacks -- init ${this.name}\``,
        );
      default: {
        const firstError = err.partial?.diagnostics.find((d) => d.severity === "error");
        return new Stop(this.name, step, "failed", firstError?.message ?? err.message);
      }
    }
  }
}
