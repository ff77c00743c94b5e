/**
 * The preview/release tool: `npm run preview -- dev staging`, `npm run release -- --stacks dev,staging,prod`.
 * Wires the real Automation API driver, the environment and the process signals to the orchestration, and writes
 * the reports.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { OPERATOR_VERSION } from "../components/flink/operator";
import { abortableSleep, abortOnSignals } from "./abort";
import { AutomationStackDriver, findPulumiCommand } from "./automationDriver";
import { CliCommand, parseCommandLine, ReportPaths, USAGE, UsageError } from "./cliArgs";
import { EnvironmentError, resolveEnvironment } from "./environment";
import { runPreview, runRelease } from "./orchestrator";
import { renderJson, RunReport } from "./report/model";
import { renderMarkdown } from "./report/markdown";
import { PROJECT_ROOT } from "./shared/stackFiles";

const log = (line: string) => process.stderr.write(`${line}\n`);

/** The commit being run: CI's, or the checkout's. */
function revision(): string | undefined {
  if (process.env.GITHUB_SHA) {
    return process.env.GITHUB_SHA.slice(0, 12);
  }
  try {
    return execFileSync("git", ["rev-parse", "--short=12", "HEAD"], {
      cwd: PROJECT_ROOT,
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

async function run(command: Exclude<CliCommand, { kind: "help" }>): Promise<number> {
  const environment = resolveEnvironment(process.env, PROJECT_ROOT);
  environment.notes.forEach((note) => log(`note: ${note}`));
  if (environment.localStateDir) {
    fs.mkdirSync(environment.localStateDir, { recursive: true });
  }
  const pulumiCommand = await findPulumiCommand(PROJECT_ROOT, fs.existsSync);
  const envVars: Record<string, string> = { ...environment.envVars };
  if (pulumiCommand) {
    // The language host and bundled plugins sit next to the project's own CLI build.
    envVars.PATH = `${path.dirname(pulumiCommand.command)}${path.delimiter}${process.env.PATH ?? ""}`;
    log(`using ${pulumiCommand.command}`);
  }
  const quiet = command.kind === "init" || command.quiet;
  const driver = new AutomationStackDriver({
    workDir: PROJECT_ROOT,
    envVars,
    ...(pulumiCommand ? { pulumiCommand } : {}),
    ...(quiet ? {} : { onOutput: (text: string) => process.stdout.write(text) }),
  });

  if (command.kind === "init") {
    for (const stack of command.stacks) {
      await driver.create(stack, environment.secretsProvider);
      log(`created stack ${stack} in ${environment.backendUrl}`);
    }
    return 0;
  }

  const controller = new AbortController();
  const removeHandlers = abortOnSignals(controller, process.stdin.isTTY === true, log);
  try {
    const rev = revision();
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

export async function main(argv: readonly string[]): Promise<number> {
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
    return await run(command);
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
