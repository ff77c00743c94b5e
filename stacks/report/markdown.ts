/**
 * The markdown summary of a run, sized for a pull-request comment (GitHub refuses comments over 65,536
 * characters); the JSON report (model.ts) has everything in full.
 */
import type { GateFinding } from "../gates";
import type { ResourceChange } from "../stackDriver";
import type { ChangeSection, Command, RunReport, StackReport, StackStatus } from "./model";

/** Hidden first line of the markdown: the PR workflow finds its own comment by it and edits it in place. */
export const COMMENT_MARKERS: Readonly<Record<Command, string>> = {
  preview: "<!-- flink-platform:preview -->",
  release: "<!-- flink-platform:release -->",
};

/** Room left for the markdown, under GitHub's 65,536-character comment limit. */
export const MARKDOWN_LIMIT = 60_000;
/** Longest message quoted in the markdown; the JSON report has them whole. */
const MESSAGE_LIMIT = 600;
/** Most rows of one list in the markdown. */
const LIST_LIMIT = 25;

/** Text safe inside a markdown paragraph or table cell: no HTML, no table breaks, no runaway length. */
export function inline(text: string, limit = MESSAGE_LIMIT): string {
  const flat = text.replace(/\s*\n\s*/g, " ").trim();
  const clipped = flat.length > limit ? `${flat.slice(0, limit - 1)}…` : flat;
  return clipped.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/\|/g, "\\|");
}

/** Inline code that survives backticks in the text (code spans show `<` literally, so no HTML escaping). */
export function code(text: string): string {
  const flat = text.replace(/\s*\n\s*/g, " ").trim();
  const clipped = (flat.length > 300 ? `${flat.slice(0, 299)}…` : flat).replace(/\|/g, "\\|");
  const fence = clipped.includes("`") ? "``" : "`";
  const pad = fence.length > 1 ? " " : "";
  return `${fence}${pad}${clipped}${pad}${fence}`;
}

function capped<T>(items: readonly T[], render: (item: T) => string, limit = LIST_LIMIT): string[] {
  const lines = items.slice(0, limit).map(render);
  if (items.length > limit) {
    lines.push(`- … and ${items.length - limit} more (see the JSON report)`);
  }
  return lines;
}

const STATUS_LABEL: Record<StackStatus, string> = {
  ok: "✅ ok",
  failed: "❌ failed",
  blocked: "⛔ blocked",
  aborted: "⏹ aborted",
  skipped: "➖ not run",
};

function resourceName(urn: string): string {
  return urn.slice(urn.lastIndexOf("::") + 2);
}

function changeLine(change: ResourceChange | GateFinding, withOp = false): string {
  const op = withOp ? `**${change.op}** ` : "";
  const why = change.replaceKeys?.length
    ? ` (replaced because ${change.replaceKeys.map(code).join(", ")} changed)`
    : "";
  const kept = change.retainOnDelete ? " (kept in the cluster: retainOnDelete)" : "";
  return `- ${op}${code(change.type)} ${code(resourceName(change.urn))}${why}${kept}<br>${code(change.urn)}`;
}

function countsCells(section: ChangeSection | undefined): string {
  if (!section) {
    return "| | | | | ";
  }
  const c = section.counts;
  return `| ${c.create} | ${c.update} | ${c.replace} | ${c.delete} | ${c.same} `;
}

/** A finding that loses a job's state: what happens, the reason in plain words, the URN. */
function jobLine(finding: GateFinding): string {
  const why = finding.replaceKeys?.length
    ? ` (replaced because ${finding.replaceKeys.map(code).join(", ")} changed)`
    : "";
  return `- **${finding.op}** ${inline(finding.reason ?? "")}${why}<br>${code(finding.urn)}`;
}

function resultCell(report: RunReport, stack: StackReport): string {
  const blocked = stack.stateful?.filter((f) => f.allowedBy === undefined).length ?? 0;
  const jobs = stack.jobState?.filter((f) => f.allowedBy === undefined).length ?? 0;
  if (report.command === "preview" && stack.status === "ok" && blocked + jobs > 0) {
    const what = [
      blocked > 0 ? `${blocked} stateful replace/delete` : undefined,
      jobs > 0 ? `${jobs} job${jobs === 1 ? "" : "s"} losing state` : undefined,
    ].filter((w): w is string => w !== undefined);
    return `⚠️ ${what.join(", ")}: a release stops here unless allowed`;
  }
  const at = stack.failure ? ` at ${stack.failure.step}` : "";
  const label =
    report.command === "release" && stack.status === "ok" ? "✅ released" : STATUS_LABEL[stack.status];
  return `${label}${at}`;
}

function headline(report: RunReport): string {
  const failed = report.stacks.filter((s) => s.status === "failed" || s.status === "blocked");
  if (report.command === "preview") {
    const title = "### Pulumi preview: flink-platform";
    if (report.status === "aborted") {
      return `${title}\n\n**Aborted** (${report.abortedBy ?? "signal"}) before every stack was previewed.`;
    }
    return failed.length === 0
      ? `${title}\n\nEvery stack previewed without errors.`
      : `${title}\n\n**${failed.length} of ${report.stacks.length} stacks failed to preview:** ${failed.map((s) => s.stack).join(", ")}.`;
  }
  const title = "### Release: flink-platform";
  const where = report.stoppedAt;
  if (report.status === "succeeded") {
    return `${title}\n\nReleased ${report.stacks.map((s) => s.stack).join(" → ")}.`;
  }
  const verb = report.status === "aborted" ? `Aborted (${report.abortedBy ?? "signal"})` : "Stopped";
  return where
    ? `${title}\n\n**${verb} at ${where.stack}, step ${where.step}:** ${inline(where.reason)}`
    : `${title}\n\n**${verb}.**`;
}

function runFacts(report: RunReport): string {
  const facts = [
    report.revision ? `revision ${code(report.revision)}` : undefined,
    report.command === "release"
      ? `settings: ${report.settings.length ? report.settings.map((s) => code(`${s.path}=${s.value}`)).join(", ") : "none"}`
      : undefined,
    report.command === "release" && report.allowReplace.length
      ? `allowed replaces: ${report.allowReplace.map(code).join(", ")}`
      : undefined,
  ].filter((f): f is string => f !== undefined);
  return facts.join(" · ");
}

function stackSection(report: RunReport, stack: StackReport, withDetails: boolean): string[] {
  const lines: string[] = [`#### ${stack.stack}`, ""];
  if (stack.status === "skipped") {
    return [...lines, "Not run.", ""];
  }
  if (stack.failure) {
    lines.push(
      `**${STATUS_LABEL[stack.status]} at ${stack.failure.step}:** ${inline(stack.failure.reason)}`,
      "",
    );
  }
  for (const skipped of stack.steps.filter((s) => s.status === "skipped")) {
    lines.push(`Skipped ${skipped.step}: ${inline(skipped.note ?? "")}`, "");
  }
  const findings = stack.stateful ?? [];
  const blocked = findings.filter((f) => f.allowedBy === undefined);
  const allowed = findings.filter((f) => f.allowedBy !== undefined);
  if (blocked.length) {
    const note =
      report.command === "preview"
        ? "a release stops on these unless run with `--allow-replace <type or URN pattern>`"
        : "re-run with `--allow-replace <type or URN pattern>` if this is intended";
    lines.push(
      `**Stateful resources replaced or deleted** (${note}):`,
      ...capped(blocked, (f) => changeLine(f, true)),
      "",
    );
  }
  if (allowed.length) {
    lines.push(
      "**Stateful replaces and deletes allowed:**",
      ...capped(allowed, (f) => `${changeLine(f, true)}<br>allowed by ${code(f.allowedBy ?? "")}`),
      "",
    );
  }
  const jobFindings = stack.jobState ?? [];
  const jobsBlocked = jobFindings.filter((f) => f.allowedBy === undefined);
  const jobsAllowed = jobFindings.filter((f) => f.allowedBy !== undefined);
  if (jobsBlocked.length) {
    const note =
      report.command === "preview"
        ? "a release stops on these unless run with `--allow-replace <type or URN pattern>`"
        : "re-run with `--allow-replace <type or URN pattern>` if this is intended";
    lines.push(`**Jobs that lose their state** (${note}):`, ...capped(jobsBlocked, jobLine), "");
  }
  if (jobsAllowed.length) {
    lines.push(
      "**Job state losses allowed:**",
      ...capped(jobsAllowed, (f) => `${jobLine(f)}<br>allowed by ${code(f.allowedBy ?? "")}`),
      "",
    );
  }
  const changes = stack.preview?.changes ?? [];
  const stateful = new Set([...findings, ...jobFindings].map((f) => f.urn));
  const replaced = changes.filter((c) => c.op === "replace" && !stateful.has(c.urn));
  const deleted = changes.filter((c) => c.op === "delete" && !stateful.has(c.urn));
  if (replaced.length) {
    lines.push("**Replaced:**", ...capped(replaced, (c) => changeLine(c)), "");
  }
  if (deleted.length) {
    lines.push("**Deleted:**", ...capped(deleted, (c) => changeLine(c)), "");
  }
  if (stack.leftover?.changes.length) {
    lines.push(
      "**Still proposed after the update:**",
      ...capped(stack.leftover.changes, (c) => `- ${c.op} ${code(c.type)} ${code(resourceName(c.urn))}`),
      "",
    );
  }
  const failedSmoke = (stack.smoke ?? []).filter((s) => !s.ok);
  if (failedSmoke.length) {
    lines.push(
      "**Smoke checks failed:**",
      ...capped(failedSmoke, (s) => `- ${s.name}: ${inline(s.detail)}`),
      "",
    );
  } else if (stack.smoke?.length) {
    lines.push(`Smoke checks: ${stack.smoke.length} passed.`, "");
  }
  for (const severity of ["error", "warning"] as const) {
    const found = stack.diagnostics.filter((d) => d.severity === severity);
    if (found.length) {
      lines.push(
        `**${severity === "error" ? "Errors" : "Warnings"}:**`,
        ...capped(
          found,
          (d) => `- ${d.urn ? `${code(resourceName(d.urn))}: ` : ""}${inline(d.message)} (${d.step})`,
        ),
        "",
      );
    }
  }
  if (stack.retries.length) {
    lines.push(
      "**Waited for another update holding the stack:**",
      ...capped(
        stack.retries,
        (r) =>
          `- ${r.step}, retry ${r.attempt}: waited ${Math.round(r.delayMs / 1000)}s (${inline(r.reason, 200)})`,
      ),
      "",
    );
  }
  if (withDetails && changes.length) {
    lines.push(
      `<details><summary>All ${changes.length} changes</summary>`,
      "",
      "| op | type | name |",
      "|---|---|---|",
      ...changes.slice(0, 200).map((c) => `| ${c.op} | ${code(c.type)} | ${code(resourceName(c.urn))} |`),
      ...(changes.length > 200 ? [`| … | ${changes.length - 200} more | |`] : []),
      "",
      "</details>",
      "",
    );
  }
  if (changes.length === 0 && stack.preview && !stack.failure) {
    lines.push("No changes.", "");
  }
  return lines;
}

function renderMarkdownOnce(report: RunReport, withDetails: boolean): string {
  const lines = [COMMENT_MARKERS[report.command], headline(report), ""];
  const facts = runFacts(report);
  if (facts) {
    lines.push(facts, "");
  }
  lines.push(
    "| stack | create | update | replace | delete | unchanged | result |",
    "|---|---:|---:|---:|---:|---:|---|",
    ...report.stacks.map((s) => `| ${s.stack} ${countsCells(s.preview)}| ${resultCell(report, s)} |`),
    "",
  );
  for (const stack of report.stacks) {
    lines.push(...stackSection(report, stack, withDetails));
  }
  return `${lines.join("\n").trimEnd()}\n`;
}

/** The markdown summary; drops the per-change tables, then clips, to stay under MARKDOWN_LIMIT. */
export function renderMarkdown(report: RunReport): string {
  const full = renderMarkdownOnce(report, true);
  if (full.length <= MARKDOWN_LIMIT) {
    return full;
  }
  const compact = renderMarkdownOnce(report, false);
  if (compact.length <= MARKDOWN_LIMIT) {
    return compact;
  }
  const cut = compact.lastIndexOf("\n", MARKDOWN_LIMIT - 100);
  return `${compact.slice(0, cut)}\n\n… clipped to fit a comment; the JSON report has everything.\n`;
}
