/**
 * The preview/release tool: `npm run preview -- dev staging`, `npm run release -- --stacks dev,staging,prod`,
 * `npm run stacks -- init dev`, `npm run render -- dev`. Checks the environment first (preflight.ts: the CLI, its
 * version, the passphrase, the backend), then wires the real Automation API driver and the process signals to the
 * orchestration, and writes the reports.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { OPERATOR_VERSION } from "../components/flink/operator";
import { abortableSleep, abortOnSignals } from "./abort";
import { automationCommand, AutomationStackDriver, commandFailure } from "./automationDriver";
import { CliCommand, parseCommandLine, ReportPaths, USAGE, UsageError } from "./cliArgs";
import { EnvironmentError } from "./environment";
import { runPreview, runRelease } from "./orchestrator";
import { preflight } from "./preflight";
import { resolvePulumiCli } from "./pulumiCli";
import { runRender } from "./render";
import { AutomationRenderDriver } from "./renderDriver";
import { renderJson, RunReport } from "./report/model";
import { renderMarkdown } from "./report/markdown";
import { PROJECT_ROOT } from "./shared/stackFiles";

const log = (line: string) => process.stderr.write(`${line}\n`);

/** Where the commands run; the unit suites point them at a scratch project and a made-up environment. */
export interface MainOptions {
  /** The project root: Pulumi.yaml, the stack files, .toolchain/ (default: this checkout). */
  readonly projectRoot?: string;
  /** The environment (default process.env). */
  readonly env?: NodeJS.ProcessEnv;
}

/** The commit being run: CI's, or the checkout's. */
function revision(projectRoot: string, env: NodeJS.ProcessEnv): string | undefined {
  if (env.GITHUB_SHA) {
    return env.GITHUB_SHA.slice(0, 12);
  }
  try {
    return execFileSync("git", ["rev-parse", "--short=12", "HEAD"], {
      cwd: projectRoot,
      stdio: ["ignore", "pipe", "ignore"],
    })
      .toString()
      .trim();
  } catch {
    return undefined;
  }
}

function writeReports(report: RunReport, paths: ReportPaths): void {
  for (const [file, text] of [
    [paths.markdown, renderMarkdown(report)],
    [paths.json, renderJson(report)],
  ] as const) {
    const target = path.resolve(file);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, text);
  }
  log(`report: ${paths.markdown}, ${paths.json}`);
}

function exitCode(report: RunReport): number {
  if (report.status === "aborted") {
    return report.abortedBy === "SIGTERM" ? 143 : 130;
  }
  return report.status === "succeeded" ? 0 : 1;
}

/** The exit code of a run stopped by a signal. */
function abortExitCode(signal: AbortSignal): number {
  const reason: unknown = signal.reason;
  return typeof reason === "object" && reason !== null && (reason as { signal?: string }).signal === "SIGTERM"
    ? 143
    : 130;
}

async function render(
  command: Extract<CliCommand, { kind: "render" }>,
  projectRoot: string,
  env: NodeJS.ProcessEnv,
): Promise<number> {
  // No backend and no passphrase to check: the render brings its own. Only the CLI must be there and new enough.
  const cli = await resolvePulumiCli(projectRoot, env);
  log(`using ${cli.command} (${cli.version.text})`);
  const driver = new AutomationRenderDriver({
    projectRoot,
    pulumiCommand: await automationCommand(cli.command),
    // The language host and bundled plugins sit next to the CLI.
    env: { ...env, PATH: `${path.dirname(cli.command)}${path.delimiter}${env.PATH ?? ""}` },
    tempRoot: env.TMPDIR?.trim() || os.tmpdir(),
    ...(command.quiet ? {} : { onOutput: (text: string) => process.stderr.write(text) }),
  });
  const controller = new AbortController();
  const removeHandlers = abortOnSignals(controller, process.stdin.isTTY === true, log);
  try {
    const code = await runRender(command, {
      driver,
      projectRoot,
      // npm runs scripts in the project root; a relative dir means where the user typed the command.
      cwd: env.INIT_CWD ?? process.cwd(),
      signal: controller.signal,
      print: (line) => process.stdout.write(`${line}\n`),
      log,
    });
    return controller.signal.aborted ? abortExitCode(controller.signal) : code;
  } finally {
    removeHandlers();
  }
}

async function run(
  command: Exclude<CliCommand, { kind: "help" | "render" }>,
  projectRoot: string,
  env: NodeJS.ProcessEnv,
): Promise<number> {
  const checked = await preflight({
    projectRoot,
    env,
    stacks: command.stacks,
    creates: command.kind === "init",
  });
  const { environment } = checked;
  environment.notes.forEach((note) => log(`note: ${note}`));
  log(`using ${checked.cli.command} (${checked.cli.version.text})`);
  const quiet = command.kind === "init" || command.quiet;
  const driver = new AutomationStackDriver({
    workDir: projectRoot,
    envVars: checked.envVars,
    pulumiCommand: await automationCommand(checked.cli.command),
    ...(quiet ? {} : { onOutput: (text: string) => process.stdout.write(text) }),
  });

  if (command.kind === "init") {
    for (const stack of command.stacks) {
      try {
        await driver.create(stack, environment.secretsProvider);
      } catch (err) {
        log(
          `error: cannot create stack ${stack}: ${commandFailure(err instanceof Error ? err : new Error(String(err)))}`,
        );
        return 1;
      }
      log(`created stack ${stack} in ${environment.backendUrl}`);
    }
    return 0;
  }

  const controller = new AbortController();
  const removeHandlers = abortOnSignals(controller, process.stdin.isTTY === true, log);
  try {
    const rev = revision(projectRoot, env);
    const ctx = {
      driver,
      signal: controller.signal,
      retry: command.retry,
      sleep: abortableSleep,
      clock: () => new Date(),
      log,
      ...(rev ? { revision: rev } : {}),
    };
    const report =
      command.kind === "preview"
        ? await runPreview(command.stacks, ctx)
        : await runRelease(
            {
              stacks: command.stacks,
              settings: command.settings,
              allowReplace: command.allowReplace,
              message:
                command.message ??
                `release${command.settings.map((s) => ` ${s.path}=${s.raw}`).join("")}${rev ? ` at ${rev}` : ""}`,
              expectedOperatorVersion: OPERATOR_VERSION,
            },
            ctx,
          );
    writeReports(report, command.reports);
    for (const stack of report.stacks) {
      log(
        `${stack.stack}: ${stack.status}${stack.failure ? ` at ${stack.failure.step}: ${stack.failure.reason}` : ""}`,
      );
    }
    return exitCode(report);
  } finally {
    removeHandlers();
  }
}

export async function main(argv: readonly string[], options: MainOptions = {}): Promise<number> {
  const projectRoot = options.projectRoot ?? PROJECT_ROOT;
  const env = options.env ?? process.env;
  let command: CliCommand;
  try {
    command = parseCommandLine(argv);
  } catch (err) {
    if (err instanceof UsageError) {
      log(`error: ${err.message}\n\n${USAGE}`);
      return 2;
    }
    throw err;
  }
  if (command.kind === "help") {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  try {
    return command.kind === "render"
      ? await render(command, projectRoot, env)
      : await run(command, projectRoot, env);
  } catch (err) {
    if (err instanceof EnvironmentError) {
      log(`error: ${err.message}`);
      return 2;
    }
    throw err;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      log(`error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      process.exitCode = 1;
    },
  );
}
