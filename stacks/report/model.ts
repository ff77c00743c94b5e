/**
 * What a preview or release run reports, as data: the JSON document holds all of it; markdown.ts summarises it for
 * a pull-request comment.
 */
import type { GateFinding } from "../gates";
import type { SmokeCheck } from "../smokeChecks";
import type { ChangeCounts, Diagnostic, ResourceChange } from "../stackDriver";

export type Command = "preview" | "release";

export type StepName =
  /** Select the stack in the backend. */
  | "open"
  /** Check the `--set` values against every stack's configuration. */
  | "check"
  | "config"
  | "refresh"
  | "preview"
  /** Stateful replaces and deletes, and changes that lose a job's state. */
  | "gate"
  | "up"
  /** The preview after the update, which must propose nothing. */
  | "verify"
  | "smoke";

export type StepStatus = "ok" | "failed" | "blocked" | "aborted" | "skipped";

export interface StepRecord {
  readonly step: StepName;
  readonly status: StepStatus;
  readonly durationMs: number;
  /** Tries, counting the first; more than 1 when another update held the stack. */
  readonly attempts: number;
  /** Why a step was skipped. */
  readonly note?: string;
}

/** A wait for another update to release the stack. */
export interface RetryRecord {
  readonly step: StepName;
  readonly attempt: number;
  readonly delayMs: number;
  readonly reason: string;
}

export interface ChangeSection {
  readonly counts: ChangeCounts;
  readonly changes: readonly ResourceChange[];
}

export type StackStatus =
  /** preview: previewed; release: released and checked. */
  | "ok"
  | "failed"
  /** Stopped by the gate. */
  | "blocked"
  | "aborted"
  /** Not reached: an earlier stack stopped the release, or the run was aborted first. */
  | "skipped";

export interface StackReport {
  readonly stack: string;
  status: StackStatus;
  readonly steps: StepRecord[];
  /** The preview before the update (release) or the preview itself (preview). */
  preview?: ChangeSection;
  /** Stateful replaces and deletes in that preview. */
  stateful?: GateFinding[];
  /** Changes in that preview that lose a Flink job's state, each with its reason. */
  jobState?: GateFinding[];
  /** What the update did. */
  update?: ChangeSection;
  /** What the post-update preview still proposed, when it proposed anything. */
  leftover?: ChangeSection;
  readonly diagnostics: (Diagnostic & { readonly step: StepName })[];
  readonly retries: RetryRecord[];
  smoke?: SmokeCheck[];
  failure?: { readonly step: StepName; readonly reason: string };
}

export interface RunReport {
  readonly command: Command;
  status: "succeeded" | "failed" | "aborted";
  readonly startedAt: string;
  finishedAt: string;
  /** The commit the program ran from, when known. */
  readonly revision?: string;
  /** release: the `--set` values, as written. */
  readonly settings: readonly { readonly path: string; readonly value: string }[];
  /** release: the `--allow-replace` patterns (they cover stateful replaces and deletes and job state losses alike). */
  readonly allowReplace: readonly string[];
  readonly stacks: StackReport[];
  /** release: the stack and step where it stopped, and why. */
  stoppedAt?: { readonly stack: string; readonly step: StepName; readonly reason: string };
  /** The signal that aborted the run. */
  abortedBy?: string;
}

/** The whole report as JSON. */
export function renderJson(report: RunReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
