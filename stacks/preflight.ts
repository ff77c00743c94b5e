/**
 * What the preview, release and stacks commands check before they touch a stack, in this order: the environment
 * variables make sense, there is a Pulumi CLI and it is new enough, every stack that encrypts its secrets with a
 * passphrase can get it, and the backend can be reached and logged in to (a `file://` directory is created first).
 * Each problem is an EnvironmentError with one line that names the fix; the commands exit 2 on it.
 */
import { execFile } from "child_process";
import * as fs from "fs";
import * as path from "path";
import YAML from "yaml";
import {
  backendDirProblem,
  backendProblem,
  BotEnvironment,
  EnvironmentError,
  initUsesPassphrase,
  passphraseProblem,
  resolveEnvironment,
  usesPassphrase,
} from "./environment";
import { PulumiCli, resolvePulumiCli } from "./pulumiCli";

export interface PreflightOptions {
  /** The project root: Pulumi.yaml, the stack files, and .toolchain/ when the CLI was built there. */
  readonly projectRoot: string;
  /** The environment the commands run in (the CLI's PATH, the backend, the passphrase). */
  readonly env: NodeJS.ProcessEnv;
  /** Stacks the command opens; those whose stack file has an `encryptionsalt` need the passphrase. */
  readonly stacks: readonly string[];
  /** The command creates these stacks (`init`): they need the passphrase when they get the passphrase provider. */
  readonly creates?: boolean;
}

export interface PreflightResult {
  readonly environment: BotEnvironment;
  readonly cli: PulumiCli;
  /** Environment for every `pulumi` command: the backend, and the CLI's own folder first on PATH. */
  readonly envVars: Readonly<Record<string, string>>;
}

/** The stack file of a stack named `name` or `org/project/name`. */
export function stackFileOf(stack: string, projectRoot: string): string {
  return path.join(projectRoot, `Pulumi.${stack.slice(stack.lastIndexOf("/") + 1)}.yaml`);
}

/** The stacks among `stacks` whose stack file says they use the passphrase secrets provider. */
export function passphraseStacks(stacks: readonly string[], projectRoot: string): string[] {
  return stacks.filter((stack) => {
    try {
      return usesPassphrase(YAML.parse(fs.readFileSync(stackFileOf(stack, projectRoot), "utf8")));
    } catch {
      // No stack file (or not YAML): nothing says the stack needs a passphrase; opening it reports the rest.
      return false;
    }
  });
}

function unreadable(file: string | undefined): string | undefined {
  if (file === undefined) {
    return undefined;
  }
  try {
    fs.readFileSync(file);
    return undefined;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code ?? (err as Error).message;
  }
}

/** The last `error:` line of a CLI failure, else its last line. */
function cliError(stderr: string, fallback: string): string {
  const lines = stderr
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "");
  return [...lines].reverse().find((l) => l.startsWith("error:")) ?? lines.pop() ?? fallback;
}

/** `pulumi whoami` against the backend: it opens a file or bucket backend and logs in to a cloud one. */
function checkLogin(cli: PulumiCli, backendUrl: string, env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(
      cli.command,
      ["whoami", "--non-interactive"],
      { env, timeout: 120_000, encoding: "utf8" },
      (error, _stdout, stderr) => {
        if (!error) {
          resolve();
          return;
        }
        const reason = error.killed ? "no answer within 120s" : cliError(stderr, error.message);
        reject(new EnvironmentError(backendProblem(backendUrl, reason)));
      },
    );
  });
}

export async function preflight(options: PreflightOptions): Promise<PreflightResult> {
  const environment = resolveEnvironment(options.env, options.projectRoot);
  const cli = await resolvePulumiCli(options.projectRoot, options.env);
  const needPassphrase =
    options.creates === true
      ? initUsesPassphrase(environment)
        ? [...options.stacks]
        : []
      : passphraseStacks(options.stacks, options.projectRoot);
  const passphrase = passphraseProblem(
    needPassphrase,
    options.env,
    unreadable(options.env.PULUMI_CONFIG_PASSPHRASE_FILE),
    options.creates === true,
  );
  if (passphrase) {
    throw new EnvironmentError(passphrase);
  }
  if (environment.fileBackendDir) {
    try {
      fs.mkdirSync(environment.fileBackendDir, { recursive: true });
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      throw new EnvironmentError(backendDirProblem(environment.fileBackendDir, e.code ?? e.message));
    }
  }
  const envVars = {
    ...environment.envVars,
    // The language host and bundled plugins sit next to the CLI.
    PATH: `${path.dirname(cli.command)}${path.delimiter}${options.env.PATH ?? ""}`,
  };
  await checkLogin(cli, environment.backendUrl, { ...options.env, ...envVars });
  return { environment, cli, envVars };
}
