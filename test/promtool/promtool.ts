/**
 * Running Prometheus' own `promtool` (built by scripts/build-promtool.sh) on rule files and rule unit tests
 * (https://prometheus.io/docs/prometheus/latest/configuration/unit_testing_rules/), and writing those files.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { PROJECT_ROOT } from "../../stacks/shared/stackFiles";

export const PROMTOOL = path.join(PROJECT_ROOT, ".toolchain", "promtool", "bin", "promtool");

/** Whether scripts/build-promtool.sh has built promtool. */
export function promtoolBuilt(): boolean {
  try {
    fs.accessSync(PROMTOOL, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

const NOT_BUILT = `promtool is not built (${path.relative(PROJECT_ROOT, PROMTOOL)} missing): run scripts/build-promtool.sh`;

/**
 * For a suite's `before` hook: skips the suite, saying why, when promtool is not built; with PROMTOOL_REQUIRED=1
 * (CI, after building it) a missing promtool fails the suite instead.
 */
export function requirePromtool(context: Mocha.Context): void {
  if (promtoolBuilt()) {
    return;
  }
  if (process.env.PROMTOOL_REQUIRED === "1") {
    const error = new Error(`${NOT_BUILT} (PROMTOOL_REQUIRED=1)`);
    error.stack = error.message;
    throw error;
  }
  console.log(`      skipped: ${NOT_BUILT}`);
  context.skip();
}

/** The path of the built promtool; throws a one-line error (no stack) saying how to build it when it is missing. */
export function promtoolBinary(): string {
  if (!promtoolBuilt()) {
    const error = new Error(NOT_BUILT);
    error.stack = error.message;
    throw error;
  }
  return PROMTOOL;
}

export interface PromtoolResult {
  readonly status: number | null;
  /** stdout and stderr together (promtool prints its results to both), whole. */
  readonly output: string;
}

export function runPromtool(args: readonly string[], cwd: string): PromtoolResult {
  const result = spawnSync(promtoolBinary(), args, { cwd, encoding: "utf8", timeout: 60_000 });
  if (result.error) {
    throw result.error;
  }
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/**
 * promtool's output for an assertion message: without blank lines and `Processing test file` lines, and only its
 * first lines (a near miss that fires fails at every evaluation after).
 */
export function outputSummary(output: string, lines = 60): string {
  const kept = output
    .split("\n")
    .filter((line) => line.trim() !== "" && !line.startsWith("Processing test file:"));
  return kept.length <= lines
    ? kept.join("\n")
    : [...kept.slice(0, lines), `... (${kept.length - lines} more lines)`].join("\n");
}

/** A scratch directory for rule and test files, removed by `remove()`. */
export function scratchDir(): { dir: string; write(name: string, content: unknown): string; remove(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "flink-platform-promtool-"));
  return {
    dir,
    write(name, content) {
      const file = path.join(dir, name);
      fs.writeFileSync(file, typeof content === "string" ? content : YAML.stringify(content));
      return file;
    },
    remove() {
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

// --- promtool's rule unit-test file format ---------------------------------------------------------------------

export interface InputSeries {
  /** `metric{label="value",...}` */
  readonly series: string;
  /** promtool's expanding notation: `1x9 0x20` is ten 1s then twenty-one 0s, one per `interval`. */
  readonly values: string;
}

export interface ExpectedAlert {
  /** Without `alertname` (promtool adds it). */
  readonly exp_labels: Readonly<Record<string, string>>;
  readonly exp_annotations: Readonly<Record<string, string>>;
}

export interface AlertRuleTest {
  readonly eval_time: string;
  readonly alertname: string;
  /** The alerts of that name that are firing (not pending) at eval_time; empty: none. */
  readonly exp_alerts: readonly ExpectedAlert[];
}

export interface PromqlExprTest {
  readonly expr: string;
  readonly eval_time: string;
  /** Every sample the query returns then; empty: none. */
  readonly exp_samples: ReadonlyArray<{ readonly labels: string; readonly value: number }>;
}

export interface TestGroup {
  readonly name: string;
  readonly interval: string;
  readonly input_series: readonly InputSeries[];
  readonly alert_rule_test: readonly AlertRuleTest[];
  readonly promql_expr_test?: readonly PromqlExprTest[];
}

export interface RuleTestFile {
  readonly rule_files: readonly string[];
  readonly evaluation_interval: string;
  readonly tests: readonly TestGroup[];
}

/**
 * A scraped value; `null`: no sample (not scraped yet, or after a failed scrape); `"stale"`: the staleness marker
 * Prometheus writes when a target's scrape fails or the target is gone.
 */
export type Sample = number | null | "stale";

/**
 * promtool's `values` for samples one `interval` apart, the first at 0: `_` for none, `stale`, and a run of one value
 * as `vxN` (N+1 samples). Recorded scrapes, once on the interval's grid, fit it as they are.
 */
export function sampleValues(samples: readonly Sample[]): string {
  const words: string[] = [];
  for (let i = 0; i < samples.length;) {
    let end = i;
    while (end + 1 < samples.length && samples[end + 1] === samples[i]) {
      end++;
    }
    const sample = samples[i];
    // Go's float syntax, which promtool reads: ±Inf, not JavaScript's Infinity.
    const value =
      sample === null ? "_" : sample === Infinity ? "+Inf" : sample === -Infinity ? "-Inf" : String(sample);
    // promtool reads `_xN` as N missing samples but `vxN` as N+1 values.
    words.push(
      ...(value === "_" || value === "stale"
        ? Array<string>(end - i + 1).fill(value)
        : [end > i ? `${value}x${end - i}` : value]),
    );
    i = end + 1;
  }
  return words.join(" ");
}

/** `name{a="x",b="y"}` with the label values escaped as PromQL strings. */
export function seriesName(name: string, labels: Readonly<Record<string, string>>): string {
  const pairs = Object.entries(labels).map(([key, value]) => `${key}=${JSON.stringify(value)}`);
  return `${name}{${pairs.join(",")}}`;
}
