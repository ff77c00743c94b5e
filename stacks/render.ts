/**
 * The render command: `npm run render -- <stack> [dir]` writes the manifests of `Pulumi.<stack>.yaml` to `dir`
 * with the real engine and no cluster, no login and no Pulumi Cloud (renderDriver.ts), then says where they are and
 * which Secrets the user must create (the program's `secretsToProvide` output).
 *
 * Exit codes: 0 rendered; 1 the render failed (the program refused the config, the chart could not be fetched, …);
 * 2 the stack file or the directory cannot be rendered (thrown as EnvironmentError, one line), like the other
 * commands' environment problems.
 */
import * as fs from "fs";
import * as path from "path";
import YAML from "yaml";
import { EnvironmentError } from "./environment";
import type { RenderDriver } from "./renderDriver";
import {
  isSecretManifest,
  outputDirProblem,
  readSecretsToProvide,
  RENDER_SUBDIRS,
  renderConfig,
  renderDir,
  renderSummaryLines,
  secretsToProvideLines,
} from "./renderPlan";
import { DriverError } from "./stackDriver";

export interface RenderOptions {
  /** The stack file to render, `Pulumi.<stack>.yaml` in the project root. */
  readonly stack: string;
  /** Where the manifests go, relative to `cwd`; unset: `rendered/<stack>` in the project root. */
  readonly dir?: string;
}

export interface RenderContext {
  readonly driver: RenderDriver;
  /** Where the stack files are. */
  readonly projectRoot: string;
  /** What a relative `dir` is relative to (the command's working directory). */
  readonly cwd: string;
  /** Aborting it interrupts the render. */
  readonly signal: AbortSignal;
  /** The command's result lines (stdout). */
  readonly print: (line: string) => void;
  /** Progress and errors (stderr). */
  readonly log: (line: string) => void;
}

function readStackFile(stack: string, projectRoot: string): unknown {
  const file = path.join(projectRoot, `Pulumi.${stack}.yaml`);
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") {
      const known = fs
        .readdirSync(projectRoot)
        .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
        .filter((s): s is string => s !== undefined);
      throw new EnvironmentError(
        `there is no Pulumi.${stack}.yaml in ${projectRoot}: render renders a stack file of the project (${known.join(", ") || "none found"})`,
      );
    }
    throw err;
  }
  try {
    return YAML.parse(text) as unknown;
  } catch (err) {
    throw new EnvironmentError(
      `Pulumi.${stack}.yaml is not valid YAML: ${(err as Error).message.split("\n")[0]}`,
    );
  }
}

/** Make `dir` ready: created, an earlier render's subdirectories removed; refuses a directory with other files. */
function prepareOutputDir(dir: string): void {
  let entries: string[] = [];
  try {
    entries = fs.readdirSync(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== "ENOENT") {
      throw new EnvironmentError(`cannot use ${dir} for the manifests (${code}): name a directory`);
    }
  }
  const problem = outputDirProblem(dir, entries);
  if (problem) {
    throw new EnvironmentError(problem);
  }
  try {
    for (const sub of RENDER_SUBDIRS) {
      fs.rmSync(path.join(dir, sub), { recursive: true, force: true });
    }
    fs.mkdirSync(dir, { recursive: true });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new EnvironmentError(
      `cannot write the manifests to ${dir} (${e.code ?? e.message}): name a writable directory`,
    );
  }
}

/** The files the provider wrote, per render subdirectory. */
function listFiles(dir: string): Record<string, string[]> {
  return Object.fromEntries(
    RENDER_SUBDIRS.map((sub) => {
      try {
        return [sub, fs.readdirSync(path.join(dir, sub)).sort()];
      } catch {
        return [sub, []];
      }
    }),
  );
}

/** Render one stack; returns the exit code (0 or 1). Throws EnvironmentError for exit 2. */
export async function runRender(options: RenderOptions, ctx: RenderContext): Promise<number> {
  const dir = renderDir(options.stack, options.dir, ctx);
  const config = renderConfig(options.stack, readStackFile(options.stack, ctx.projectRoot), dir);
  prepareOutputDir(dir);
  ctx.log(`[${options.stack}] rendering to ${dir} with a throw-away stack and local backend`);
  let outputs;
  try {
    outputs = await ctx.driver.render({ stack: options.stack, config, signal: ctx.signal });
  } catch (err) {
    if (!(err instanceof DriverError)) {
      throw err;
    }
    ctx.log(
      err.kind === "aborted"
        ? `[${options.stack}] render interrupted; ${dir} may hold part of the manifests`
        : `error: render of ${options.stack} failed: ${err.message}`,
    );
    return 1;
  }
  const files = listFiles(dir);
  [
    ...renderSummaryLines(
      options.stack,
      dir,
      Object.fromEntries(Object.entries(files).map(([sub, names]) => [sub, names.length])),
      Object.values(files).flat().filter(isSecretManifest),
    ),
    ...secretsToProvideLines(readSecretsToProvide(outputs)),
  ].forEach((line) => ctx.print(line));
  return 0;
}
