/**
 * The PR preview and the release, over the StackDriver interface.
 *
 * Release, per stack in the given order: apply the `--set` values, refresh (not for stacks that only render
 * manifests), preview, gate on stateful replaces and deletes and on changes that lose a Flink job's state, update, preview again expecting no changes,
 * smoke-check the outputs. The first stack that fails stops the
 * release; the report says where and why. Before any of that, every stack is selected and every `--set` checked
 * against every stack's configuration, so a misspelt stack or key stops the release before dev is touched.
 *
 * Another update holding a stack is waited for with exponential backoff, never cancelled. The run's AbortSignal
 * interrupts the operation in flight and stops the run.
 */
import { ConfigProblem, PROJECT } from "../components/config/problems";
import { parseConfig } from "../components/config/parse";
import { describeAbort } from "./abort";
import {
  ConfigSetting,
  resolveSetting,
  ResolvedSetting,
  settingProblems,
  withOpaqueSecrets,
} from "./configSettings";
import { blockingFindings, GateFinding, jobStateFindings, statefulFindings } from "./gates";
import type { Command, RunReport } from "./report/model";
import { smokeChecks } from "./smokeChecks";
import { DriverError, OperationResult, StackHandle } from "./stackDriver";
import { listChanges, plural, RunContext, section, StackRun, Stop } from "./stackRun";

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
      run.report.jobState = jobStateFindings(result.changes);
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

/** What the gate stops on, one sentence per kind of finding. */
function gateReasons(stateful: readonly GateFinding[], jobs: readonly GateFinding[], limit = 5): string[] {
  const why: string[] = [];
  if (stateful.length > 0) {
    why.push(
      `${plural(stateful.length, "stateful resource")} would be replaced or deleted: ${listChanges(stateful, limit)}`,
    );
  }
  if (jobs.length > 0) {
    const shown = jobs.slice(0, limit).map((f) => f.reason ?? `${f.op} ${f.urn}`);
    const more = jobs.length > limit ? ` and ${jobs.length - limit} more` : "";
    why.push(
      `${plural(jobs.length, "job")} would lose ${jobs.length === 1 ? "its" : "their"} state: ${shown.join("; ")}${more}`,
    );
  }
  return why;
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
  const jobFindings = jobStateFindings(preview.changes, plan.allowReplace);
  run.report.stateful = findings;
  run.report.jobState = jobFindings;
  await run.step("gate", () => {
    const why = gateReasons(blockingFindings(findings), blockingFindings(jobFindings));
    if (why.length > 0) {
      throw new Stop(
        run.name,
        "gate",
        "blocked",
        `${why.join(". ")}. Re-run with --allow-replace <type or URN pattern> if this is intended`,
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
