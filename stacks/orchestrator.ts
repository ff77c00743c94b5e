/**
 * The PR preview and the release, over the StackDriver interface.
 *
 * Release, per stack in the given order: apply the `--set` values, refresh (not for stacks that only render
 * manifests), preview, gate on stateful replaces and deletes, update, preview again expecting no changes,
 * smoke-check the outputs. The first stack that fails stops the
 * release; the report says where and why. Before any of that, every stack is selected and every `--set` checked
 * against every stack's configuration, so a misspelt stack or key stops the release before dev is touched.
 *
 * Another update holding a stack is waited for with exponential backoff, never cancelled. The run's AbortSignal
 * interrupts the operation in flight and stops the run.
 */
import { ConfigProblem, parseConfig, PROJECT } from "../components/config";
import { describeAbort } from "./abort";
import {
  ConfigSetting,
  resolveSetting,
  ResolvedSetting,
  settingProblems,
  withOpaqueSecrets,
} from "./configSettings";
import { blockingFindings, GateFinding, statefulFindings } from "./gates";
import { ChangeSection, Command, RunReport, StackReport, StepName, StepStatus } from "./report";
import { smokeChecks } from "./smokeChecks";
import {
  DriverError,
  OperationOptions,
  OperationResult,
  ResourceChange,
  StackDriver,
  StackHandle,
} from "./stackDriver";

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

export interface ReleasePlan {
  /** In promotion order. */
  readonly stacks: readonly string[];
  readonly settings: readonly ConfigSetting[];
  /** `--allow-replace` patterns (type tokens or URNs, `*` wildcards). */
  readonly allowReplace: readonly string[];
  /** Message recorded with each update. */
  readonly message?: string;
  /** The operator release the program installs; the stacks' `operatorVersion` output must say the same. */
  readonly expectedOperatorVersion: string;
}

/** Wait before retry `attempt` (1-based). */
export function retryDelay(policy: RetryPolicy, attempt: number): number {
  return Math.min(policy.initialDelayMs * 2 ** (attempt - 1), policy.maxDelayMs);
}

/** Ends a stack's run: where, how and why. */
class Stop extends Error {
  constructor(
    readonly stackName: string,
    readonly step: StepName,
    readonly status: Exclude<StepStatus, "ok" | "skipped">,
    readonly reason: string,
  ) {
    super(reason);
  }
}

function section(result: OperationResult): ChangeSection {
  return { counts: result.counts, changes: result.changes };
}

function listChanges(changes: readonly (ResourceChange | GateFinding)[], limit = 5): string {
  const shown = changes.slice(0, limit).map((c) => `${c.op} ${c.urn}`);
  return changes.length > limit ? `${shown.join(", ")} and ${changes.length - limit} more` : shown.join(", ");
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** One stack's steps, with timing, retries and diagnostics recorded into its report. */
class StackRun {
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

function newReport(
  command: Command,
  ctx: RunContext,
  runs: readonly StackRun[],
  extra: Pick<RunReport, "settings" | "allowReplace">,
): RunReport {
  const now = ctx.clock().toISOString();
  return {
    command,
    status: "succeeded",
    startedAt: now,
    finishedAt: now,
    ...(ctx.revision ? { revision: ctx.revision } : {}),
    ...extra,
    stacks: runs.map((r) => r.report),
  };
}

function finishReport(report: RunReport, ctx: RunContext): RunReport {
  const statuses = report.stacks.map((s) => s.status);
  report.status = statuses.includes("aborted")
    ? "aborted"
    : statuses.some((s) => s === "failed" || s === "blocked")
      ? "failed"
      : "succeeded";
  if (report.status === "aborted" || ctx.signal.aborted) {
    report.abortedBy = describeAbort(ctx.signal);
    if (report.status === "succeeded") {
      report.status = "aborted";
    }
  }
  report.finishedAt = ctx.clock().toISOString();
  return report;
}

function applyStop(run: StackRun, stop: Stop): void {
  run.report.status =
    stop.status === "blocked" ? "blocked" : stop.status === "aborted" ? "aborted" : "failed";
  run.report.failure = { step: stop.step, reason: stop.reason };
}

function describeProblems(problems: readonly ConfigProblem[]): string {
  return problems.map((p) => `${PROJECT}:${p.path}: ${p.message}`).join("; ");
}

/** Preview every stack (all of them, even after one fails) for a pull-request comment. */
export async function runPreview(stacks: readonly string[], ctx: RunContext): Promise<RunReport> {
  const runs = stacks.map((s) => new StackRun(s, ctx));
  const report = newReport("preview", ctx, runs, { settings: [], allowReplace: [] });
  for (const run of runs) {
    if (ctx.signal.aborted) {
      break;
    }
    try {
      const handle = await run.step("open", () => ctx.driver.open(run.name, run.opts));
      const result = await run.operation("preview", () => handle.preview(run.opts));
      run.report.preview = section(result);
      run.report.stateful = statefulFindings(result.changes);
      const firstError = result.diagnostics.find((d) => d.severity === "error");
      if (firstError) {
        applyStop(run, new Stop(run.name, "preview", "failed", firstError.message));
      } else {
        run.report.status = "ok";
      }
    } catch (err) {
      if (!(err instanceof Stop)) {
        throw err;
      }
      applyStop(run, err);
    }
  }
  return finishReport(report, ctx);
}

/** The directory a stack renders its manifests to (kubernetes.renderYamlToDirectory), if it does. */
function renderDirectory(raw: Record<string, unknown>): string | undefined {
  try {
    return parseConfig(withOpaqueSecrets(raw) as Record<string, unknown>).kubernetes.renderYamlToDirectory;
  } catch {
    // Invalid config: the preview reports it.
    return undefined;
  }
}

async function releaseStack(
  run: StackRun,
  handle: StackHandle,
  settings: readonly ResolvedSetting[],
  plan: ReleasePlan,
): Promise<void> {
  const opts = run.opts;
  if (settings.length > 0) {
    await run.step("config", async () => {
      for (const setting of settings) {
        await handle.setConfig(setting.path, setting.value, opts);
      }
    });
  }
  const renderTo = renderDirectory(await handle.readConfig());
  if (renderTo !== undefined) {
    // Render mode writes manifests instead of applying them: there is no cluster state to read, and the
    // provider fails every read ("unreachable cluster").
    run.skip("refresh", `the stack renders manifests to ${renderTo} instead of applying them to a cluster`);
  } else {
    await run.operation("refresh", () => handle.refresh(opts));
  }

  const preview = await run.operation("preview", () => handle.preview(opts));
  run.report.preview = section(preview);
  const findings = statefulFindings(preview.changes, plan.allowReplace);
  run.report.stateful = findings;
  await run.step("gate", () => {
    const blocked = blockingFindings(findings);
    if (blocked.length > 0) {
      throw new Stop(
        run.name,
        "gate",
        "blocked",
        `${plural(blocked.length, "stateful resource")} would be replaced or deleted: ${listChanges(blocked)}. ` +
          "Re-run with --allow-replace <type or URN pattern> if this is intended",
      );
    }
    return Promise.resolve();
  });

  const update = await run.operation("up", () => handle.up({ ...opts, message: plan.message }));
  run.report.update = section(update);

  await run.step("verify", async () => {
    let leftover: OperationResult;
    try {
      leftover = await handle.preview({ ...opts, expectNoChanges: true });
    } catch (err) {
      // The CLI fails an expect-no-changes preview that finds changes; what it proposed is in the partial result.
      if (!(err instanceof DriverError && err.kind === "failed" && err.partial?.changes.length)) {
        throw err;
      }
      leftover = err.partial;
    }
    run.note("verify", leftover);
    if (leftover.changes.length > 0) {
      run.report.leftover = section(leftover);
      throw new Stop(
        run.name,
        "verify",
        "failed",
        `the preview after the update still proposes ${plural(leftover.changes.length, "change")} ` +
          `(${listChanges(leftover.changes)}): the update does not converge`,
      );
    }
  });

  await run.step("smoke", async () => {
    const outputs = await handle.outputs(opts);
    const config = parseConfig(withOpaqueSecrets(await handle.readConfig()) as Record<string, unknown>);
    const checks = smokeChecks(outputs, config, plan.expectedOperatorVersion);
    run.report.smoke = checks;
    const failed = checks.filter((c) => !c.ok);
    if (failed.length > 0) {
      throw new Stop(
        run.name,
        "smoke",
        "failed",
        `${plural(failed.length, "smoke check")} failed: ${failed.map((c) => `${c.name}: ${c.detail}`).join("; ")}`,
      );
    }
  });
  run.report.status = "ok";
}

/** Promote through the stacks in order, stopping at the first that fails. */
export async function runRelease(plan: ReleasePlan, ctx: RunContext): Promise<RunReport> {
  const runs = plan.stacks.map((s) => new StackRun(s, ctx));
  const report = newReport("release", ctx, runs, {
    settings: plan.settings.map((s) => ({ path: s.path, value: s.raw })),
    allowReplace: plan.allowReplace,
  });
  try {
    const handles: StackHandle[] = [];
    for (const run of runs) {
      handles.push(await run.step("open", () => ctx.driver.open(run.name, run.opts)));
    }
    const settings = plan.settings.map(resolveSetting);
    if (settings.length > 0) {
      for (const [i, run] of runs.entries()) {
        await run.step("check", async () => {
          const problems = settingProblems(await handles[i].readConfig(), settings);
          if (problems.length > 0) {
            throw new Stop(
              run.name,
              "check",
              "failed",
              `the --set values do not validate: ${describeProblems(problems)}`,
            );
          }
        });
      }
    }
    for (const [i, run] of runs.entries()) {
      await releaseStack(run, handles[i], settings, plan);
    }
  } catch (err) {
    const run = err instanceof Stop ? runs.find((r) => r.name === err.stackName) : undefined;
    if (!(err instanceof Stop) || !run) {
      throw err;
    }
    applyStop(run, err);
    report.stoppedAt = { stack: err.stackName, step: err.step, reason: err.reason };
  }
  return finishReport(report, ctx);
}
