/**
 * What the preview, release and stacks commands check before they touch a stack, in this order: the environment
 * variables make sense, there is a Pulumi CLI and it is new enough, every stack that encrypts its secrets with a
 * passphrase can get it, and the backend can be reached and logged in to (a `file://` directory is created first):
 * PULUMI_BACKEND_URL, else the one the CLI is logged in to, so that the commands and `pulumi up` see the same stacks.
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
  NOT_LOGGED_IN,
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
  /** The environment, with the backend known. */
  readonly environment: BotEnvironment & { readonly backendUrl: string };
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

/** Whether `pulumi whoami` failed because the CLI has no login, rather than a backend that does not answer. */
export function isNotLoggedIn(cliError: string): boolean {
  return /requires logging in|not logged in|PULUMI_ACCESS_TOKEN must be set/i.test(cliError);
}

/** The backend URL in the output of `pulumi whoami --json`, if it has one. */
export function whoamiUrl(stdout: string): string | undefined {
  try {
    const url = (JSON.parse(stdout) as { url?: unknown }).url;
    return typeof url === "string" && url !== "" ? url : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `pulumi whoami` against the backend: it opens a file or bucket backend and logs in to a cloud one. Returns the
 * backend's URL: `given` (PULUMI_BACKEND_URL), else the one the CLI is logged in to.
 */
function checkLogin(cli: PulumiCli, given: string | undefined, env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      cli.command,
      ["whoami", "--json", "--non-interactive"],
      { env, timeout: 120_000, encoding: "utf8" },
      (error, stdout, stderr) => {
        const url = given ?? whoamiUrl(stdout);
        if (!error && url) {
          resolve(url);
          return;
        }
        const reason = error
          ? error.killed
            ? "no answer within 120s"
            : cliError(stderr, error.message)
          : `\`pulumi whoami\` named no backend (${stdout.trim().slice(0, 80)})`;
        if (given) {
          reject(new EnvironmentError(backendProblem(given, reason)));
        } else if (isNotLoggedIn(reason)) {
          reject(new EnvironmentError(NOT_LOGGED_IN));
        } else {
          reject(
            new EnvironmentError(
              `cannot use the backend the Pulumi CLI is logged in to: ${reason.replace(/^error:\s*/, "")}. Fix: ` +
                "`pulumi login` again (or `pulumi login --local`), or set PULUMI_BACKEND_URL",
            ),
          );
        }
      },
    );
  });
}

function checkPassphrase(stacks: readonly string[], env: NodeJS.ProcessEnv, creating: boolean): void {
  const problem = passphraseProblem(stacks, env, unreadable(env.PULUMI_CONFIG_PASSPHRASE_FILE), creating);
  if (problem) {
    throw new EnvironmentError(problem);
  }
}

/**
 * Check the environment for a command on `stacks` (see the top of this file); returns the CLI, the backend and the
 * environment for every `pulumi` command, with the backend fixed to the one checked.
 */
export async function preflight(options: PreflightOptions): Promise<PreflightResult> {
  const environment = resolveEnvironment(options.env, options.projectRoot);
  const cli = await resolvePulumiCli(options.projectRoot, options.env);
  const creates = options.creates === true;
  if (!creates) {
    // Before the backend is asked: the stack files say which stacks need the passphrase.
    checkPassphrase(passphraseStacks(options.stacks, options.projectRoot), options.env, false);
  }
  if (environment.fileBackendDir) {
    try {
      fs.mkdirSync(environment.fileBackendDir, { recursive: true });
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      throw new EnvironmentError(backendDirProblem(environment.fileBackendDir, e.code ?? e.message));
    }
  }
  // The language host and bundled plugins sit next to the CLI.
  const pathValue = `${path.dirname(cli.command)}${path.delimiter}${options.env.PATH ?? ""}`;
  const backendUrl = await checkLogin(cli, environment.backendUrl, {
    ...options.env,
    ...environment.envVars,
    PATH: pathValue,
  });
  if (creates) {
    // New stacks get the passphrase provider unless a KMS key is named, and outside Pulumi Cloud.
    const secretsProvider = environment.secretsProvider;
    const passphrase = initUsesPassphrase({ backendUrl, ...(secretsProvider ? { secretsProvider } : {}) });
    checkPassphrase(passphrase ? options.stacks : [], options.env, true);
  }
  const notes = environment.backendUrl
    ? environment.notes
    : [
        ...environment.notes,
        `PULUMI_BACKEND_URL is not set: using the backend of \`pulumi login\`, ${backendUrl}`,
      ];
  return {
    environment: { ...environment, backendUrl, notes },
    cli,
    // Every later command on the backend checked, even if the CLI's login changes during the run.
    envVars: { ...environment.envVars, PULUMI_BACKEND_URL: backendUrl, PATH: pathValue },
  };
}
