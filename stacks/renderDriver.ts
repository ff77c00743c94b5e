/**
 * The engine side of the render command: a throw-away stack, run with the real engine, that leaves nothing behind.
 *
 * Each render gets one temporary directory (`<tmp>/flink-platform-render-XXXXXX`) holding a project whose
 * Pulumi.yaml is the project's own with `main` pointing back at the project's program, the stack file with the
 * render directory set, a file backend, and a Pulumi home of its own (so that no workspace file, update log or
 * credential lands in ~/.pulumi; only the user's plugin cache is shared, linked in). The stack's secrets are
 * encrypted in that backend with a passphrase generated for the run, which lives only in this process and the
 * environment of its `pulumi` processes, never on disk or a command line. The directory is removed when the render
 * ends, also when it fails; the passphrase dies with the process, so whatever a crash leaves cannot be decrypted.
 */
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { LocalWorkspace, PulumiCommand } from "@pulumi/pulumi/automation";
import YAML from "yaml";
import { forwardedSignal } from "./abort";
import { toDriverError } from "./automationDriver";
import { EnvironmentError } from "./environment";
import type { StackOutputs } from "./stackDriver";

/** The prefix of a render's temporary directory, under the OS temp directory. */
export const RENDER_TEMP_PREFIX = "flink-platform-render-";

export interface RenderRequest {
  /** The stack name, as in `Pulumi.<stack>.yaml` (the throw-away stack gets the same name, hence the same URNs). */
  readonly stack: string;
  /** The stack's configuration, render directory included (renderPlan.renderConfig). */
  readonly config: Record<string, unknown>;
  /** Aborting it interrupts `pulumi up`, which winds down before the staging directory is removed. */
  readonly signal: AbortSignal;
}

/** Runs a render; the fake in the unit suites only records what it was given. */
export interface RenderDriver {
  /**
   * `pulumi up` of a throw-away stack with `config`; returns its outputs (secret ones flagged). Throws
   * DriverError when the engine fails, EnvironmentError when the staging directory cannot be made.
   */
  render(request: RenderRequest): Promise<StackOutputs>;
}

export interface AutomationRenderDriverOptions {
  /** The project root: Pulumi.yaml and the program. */
  readonly projectRoot: string;
  /** The CLI to run (checked by preflight). */
  readonly pulumiCommand: PulumiCommand;
  /**
   * The environment the commands run in (process.env for the CLI): PATH, with the CLI's folder first, and where the
   * user's plugins are (PULUMI_HOME). The backend, the passphrase and the Pulumi home are the render's own.
   */
  readonly env: NodeJS.ProcessEnv;
  /** Where the temporary directory goes (default the OS temp directory). */
  readonly tempRoot?: string;
  /** Receives the engine's display output as it is produced (default: dropped). */
  readonly onOutput?: (text: string) => void;
}

/** The project file of the staging directory: the project's own, with `main` pointing back at its program. */
export function stagingProjectFile(projectFile: string, projectRoot: string): string {
  const project = YAML.parse(projectFile) as Record<string, unknown>;
  const main = typeof project.main === "string" ? project.main : ".";
  return YAML.stringify({ ...project, main: path.resolve(projectRoot, main) });
}

/** A passphrase for one run: 256 random bits, never written anywhere. */
export function generatedPassphrase(): string {
  return randomBytes(32).toString("base64url");
}

/**
 * The plugin cache the user's CLI uses, to share with the render's own Pulumi home: providers found there need no
 * download (the project's own CLI build has them beside it on PATH instead).
 */
export function userPluginDir(env: NodeJS.ProcessEnv, home = os.homedir()): string {
  return path.join(env.PULUMI_HOME?.trim() || path.join(home, ".pulumi"), "plugins");
}

/**
 * The environment of the render's `pulumi` processes: the caller's, with the render's backend, Pulumi home and
 * passphrase. The CLI reads PULUMI_CONFIG_PASSPHRASE before PULUMI_CONFIG_PASSPHRASE_FILE, so a passphrase file of
 * the user's is never read; the Automation API adds the rest of process.env itself.
 */
export function renderEnv(env: NodeJS.ProcessEnv, dir: string, passphrase: string): Record<string, string> {
  const defined = Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined);
  return {
    ...Object.fromEntries(defined),
    PULUMI_BACKEND_URL: `file://${path.join(dir, "state")}`,
    PULUMI_HOME: path.join(dir, "home"),
    PULUMI_CONFIG_PASSPHRASE: passphrase,
    PULUMI_SKIP_UPDATE_CHECK: "true",
  };
}

export class AutomationRenderDriver implements RenderDriver {
  constructor(private readonly options: AutomationRenderDriverOptions) {}

  /** The render's temporary directory, with the project, backend and home folders in it. */
  private makeTempDir(stack: string): string {
    const root = this.options.tempRoot ?? os.tmpdir();
    try {
      const dir = fs.mkdtempSync(path.join(root, `${RENDER_TEMP_PREFIX}${stack}-`));
      for (const sub of ["project", "state", "home"]) {
        fs.mkdirSync(path.join(dir, sub));
      }
      const plugins = userPluginDir(this.options.env);
      if (fs.existsSync(plugins)) {
        fs.symlinkSync(plugins, path.join(dir, "home", "plugins"), "dir");
      }
      return dir;
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      throw new EnvironmentError(
        `cannot create the render's temporary directory under ${root} (${e.code ?? e.message}): set TMPDIR to a writable directory`,
      );
    }
  }

  async render(request: RenderRequest): Promise<StackOutputs> {
    const dir = this.makeTempDir(request.stack);
    try {
      const project = path.join(dir, "project");
      const projectFile = fs.readFileSync(path.join(this.options.projectRoot, "Pulumi.yaml"), "utf8");
      fs.writeFileSync(
        path.join(project, "Pulumi.yaml"),
        stagingProjectFile(projectFile, this.options.projectRoot),
      );
      fs.writeFileSync(
        path.join(project, `Pulumi.${request.stack}.yaml`),
        YAML.stringify({ config: request.config }),
      );
      const env = renderEnv(this.options.env, dir, generatedPassphrase());
      const stack = await LocalWorkspace.createStack(
        { stackName: request.stack, workDir: project },
        { envVars: env, pulumiCommand: this.options.pulumiCommand, secretsProvider: "passphrase" },
      );
      const result = await stack.up({
        color: "never",
        signal: forwardedSignal(request.signal),
        ...(this.options.onOutput ? { onOutput: this.options.onOutput } : {}),
      });
      // Secret outputs keep their flag; the command prints none of them.
      return Object.fromEntries(
        Object.entries(result.outputs).map(([k, v]) => [k, { value: v.value as unknown, secret: v.secret }]),
      );
    } catch (err) {
      if (err instanceof EnvironmentError) {
        throw err;
      }
      throw toDriverError(err, request.signal);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
}
