/**
 * Turning the engine's event stream (Automation API `onEvent`) into an OperationResult: the resources that change,
 * the replacements folded per URN (with the old and new inputs of Flink job resources, which the gate reads), and
 * the warnings and errors worth showing to a reviewer.
 */
import type { EngineEvent, OpMap } from "@pulumi/pulumi/automation";
import { isJobType } from "./gates";
import { ChangeCounts, Diagnostic, OperationResult, ResourceChange } from "./stackDriver";

/** Engine ops that are part of replacing a resource (create-before-delete or delete-before-create). */
const REPLACE_OPS = new Set([
  "replace",
  "create-replacement",
  "delete-replaced",
  "discard-replaced",
  "import-replacement",
  "read-replacement",
]);

/** Colour codes the CLI may leave in messages: ANSI escapes and its own `<{%fg 1%}>` tags. */
// eslint-disable-next-line no-control-regex -- ANSI escapes start with the ESC control character
const COLOUR_CODES = /\u001b\[[0-9;]*m|<\{%[^%]*%\}>/g;

export function plainText(message: string): string {
  return message.replace(COLOUR_CODES, "").trim();
}

interface Step {
  urn: string;
  type: string;
  ops: Set<string>;
  replaceKeys: Set<string>;
  diffs: Set<string>;
  retainOnDelete: boolean;
  oldInputs?: Record<string, unknown>;
  newInputs?: Record<string, unknown>;
}

/** Collects one operation's events; `result()` may be called at any time, also after a failure. */
export class EngineEventCollector {
  private readonly steps = new Map<string, Step>();
  private readonly diagnostics: Diagnostic[] = [];
  private readonly seen = new Set<string>();
  private summary: OpMap | undefined;

  readonly add = (event: EngineEvent): void => {
    const pre = event.resourcePreEvent?.metadata;
    if (pre) {
      const step = this.steps.get(pre.urn) ?? {
        urn: pre.urn,
        type: pre.type,
        ops: new Set<string>(),
        replaceKeys: new Set<string>(),
        diffs: new Set<string>(),
        retainOnDelete: false,
      };
      step.ops.add(pre.op);
      pre.keys?.forEach((k) => step.replaceKeys.add(k));
      pre.diffs?.forEach((k) => step.diffs.add(k));
      step.retainOnDelete ||= pre.old?.retainOnDelete === true;
      if (isJobType(pre.type)) {
        // The steps of a replacement all carry the same old state; the new state is on all but delete-replaced.
        step.oldInputs ??= pre.old?.inputs;
        step.newInputs = pre.new?.inputs ?? step.newInputs;
      }
      this.steps.set(pre.urn, step);
    }
    const diag = event.diagnosticEvent;
    if (diag && !diag.ephemeral && (diag.severity === "error" || diag.severity === "warning")) {
      this.note({ severity: diag.severity, message: plainText(diag.message), urn: diag.urn });
    }
    const policy = event.policyEvent;
    if (policy) {
      this.note({
        severity: policy.enforcementLevel === "mandatory" ? "error" : "warning",
        message: `policy ${policy.policyPackName}/${policy.policyName}: ${plainText(policy.message)}`,
        urn: policy.resourceUrn,
      });
    }
    const failed = event.resOpFailedEvent?.metadata;
    if (failed) {
      this.note({ severity: "error", message: `${failed.op} failed`, urn: failed.urn });
    }
    if (event.summaryEvent) {
      this.summary = event.summaryEvent.resourceChanges;
    }
  };

  private note(diagnostic: Diagnostic): void {
    if (!diagnostic.message) {
      return;
    }
    const key = `${diagnostic.severity}\u0000${diagnostic.urn ?? ""}\u0000${diagnostic.message}`;
    if (!this.seen.has(key)) {
      this.seen.add(key);
      this.diagnostics.push(
        diagnostic.urn ? diagnostic : { severity: diagnostic.severity, message: diagnostic.message },
      );
    }
  }

  /** The result so far; `opMap` (the command's own change summary) wins over counts derived from events. */
  result(opMap?: OpMap): OperationResult {
    const changes = [...this.steps.values()].map(toChange).filter((c) => c.op !== "same");
    return {
      counts: countChanges(opMap ?? this.summary, changes, this.sameCount()),
      changes,
      diagnostics: [...this.diagnostics],
    };
  }

  private sameCount(): number {
    return [...this.steps.values()].filter((s) => s.ops.size === 1 && s.ops.has("same")).length;
  }
}

function toChange(step: Step): ResourceChange {
  const replaced = [...step.ops].some((op) => REPLACE_OPS.has(op));
  const op = replaced ? "replace" : ([...step.ops].find((o) => o !== "same") ?? "same");
  return {
    urn: step.urn,
    type: step.type,
    op,
    ...(replaced && step.replaceKeys.size > 0 ? { replaceKeys: [...step.replaceKeys].sort() } : {}),
    ...(step.diffs.size > 0 ? { diffs: [...step.diffs].sort() } : {}),
    ...(step.retainOnDelete ? { retainOnDelete: true } : {}),
    ...(step.oldInputs ? { oldInputs: step.oldInputs } : {}),
    ...(step.newInputs ? { newInputs: step.newInputs } : {}),
  };
}

/** Counts from the engine's summary when there is one, otherwise from the collected steps. */
export function countChanges(
  opMap: OpMap | undefined,
  changes: readonly ResourceChange[],
  same: number,
): ChangeCounts {
  const derived = (op: string) => changes.filter((c) => c.op === op).length;
  if (opMap && Object.keys(opMap).length > 0) {
    return {
      create: opMap.create ?? 0,
      update: opMap.update ?? 0,
      replace: opMap.replace ?? derived("replace"),
      delete: opMap.delete ?? 0,
      same: opMap.same ?? 0,
    };
  }
  return {
    create: derived("create"),
    update: derived("update"),
    replace: derived("replace"),
    delete: derived("delete"),
    same,
  };
}
