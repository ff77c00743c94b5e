/**
 * The StackDriver on the Pulumi Automation API: a local program (this project's own index.ts, workDir = the
 * project root), stacks selected, never created, in the backend the environment names.
 */
import { execFile } from "child_process";
import * as path from "path";
import {
  ConcurrentUpdateError,
  EngineEvent,
  LocalWorkspace,
  PulumiCommand,
  Stack,
  StackNotFoundError,
} from "@pulumi/pulumi/automation";
import { PROJECT } from "../components/config/problems";
import { forwardedSignal } from "./abort";
import { cliPathValue, cliType } from "./configSettings";
import { EngineEventCollector } from "./engineEvents";
import {
  ConfigScalar,
  DriverError,
  OperationOptions,
  OperationResult,
  PreviewOptions,
  StackDriver,
  StackHandle,
  StackOutputs,
} from "./stackDriver";
import { readStackConfig } from "./shared/stackFiles";

export interface AutomationDriverOptions {
  /** The project root: Pulumi.yaml, the stack files and index.ts. */
  readonly workDir: string;
  /** Environment for every `pulumi` command (backend URL and the like). */
  readonly envVars: Readonly<Record<string, string>>;
  /** The CLI to run; `pulumi` on PATH when unset. */
  readonly pulumiCommand?: PulumiCommand;
  /** Receives the engine's display output as it is produced. */
  readonly onOutput?: (text: string) => void;
}

/** The lines of a CLI failure that say what went wrong (`error: …`), or its tail. */
export function commandFailure(err: Error): string {
  // The SDK's message is "code: N\n stdout: …\n stderr: …\n err?: …"; the labels share a line with the first text.
  const lines = err.message
    .split("\n")
    .map((l) => l.trim().replace(/^(code: -?\d+|stdout:|stderr:|err\?:)\s*/, ""));
  const errors = [...new Set(lines.filter((l) => l.startsWith("error: ")).map((l) => l.slice(7)))];
  if (errors.length > 0) {
    return errors.join("; ");
  }
  const tail = lines.filter((l) => l !== "").slice(-5);
  return tail.join(" ").slice(0, 500) || "pulumi failed without a message";
}

export function toDriverError(err: unknown, signal: AbortSignal, partial?: OperationResult): DriverError {
  if (err instanceof DriverError) {
    return err;
  }
  if (signal.aborted) {
    return new DriverError("aborted", "interrupted", partial);
  }
  if (err instanceof ConcurrentUpdateError) {
    return new DriverError("concurrent-update", commandFailure(err), partial);
  }
  if (err instanceof StackNotFoundError) {
    return new DriverError("stack-not-found", commandFailure(err), partial);
  }
  if (err instanceof Error) {
    return new DriverError("failed", commandFailure(err), partial);
  }
  return new DriverError("failed", String(err), partial);
}

/** The stack file of a stack named `name` or `org/project/name`. */
function stackFileName(stack: string): string {
  return stack.slice(stack.lastIndexOf("/") + 1);
}

class AutomationStackHandle implements StackHandle {
  constructor(
    private readonly stack: Stack,
    private readonly options: AutomationDriverOptions,
  ) {}

  get name(): string {
    return this.stack.name;
  }

  readConfig(): Promise<Record<string, unknown>> {
    try {
      return Promise.resolve(readStackConfig(stackFileName(this.name), this.options.workDir));
    } catch (err) {
      // No stack file: the CLI reads that as empty configuration, so do we.
      if ((err as NodeJS.ErrnoException).code === "ENOENT") {
        return Promise.resolve({});
      }
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }

  async setConfig(keyPath: string, value: ConfigScalar, opts: OperationOptions): Promise<void> {
    const key = `${PROJECT}:${keyPath}`;
    try {
      if (cliPathValue(String(value)) === value) {
        await this.stack.setConfig(key, { value: String(value) }, true);
        return;
      }
      // `pulumi config set --path` would store this value as another type (a fraction as a string, a numeric
      // string as a number); the Automation API has no --type, so run that one command directly.
      await this.runCli(
        [
          "config",
          "set",
          "--path",
          "--type",
          cliType(value),
          // --type excludes --plaintext/--secret; a typed value is stored in plaintext.
          "--non-interactive",
          "--stack",
          this.name,
          key,
          "--",
          String(value),
        ],
        opts.signal,
      );
    } catch (err) {
      throw toDriverError(err, opts.signal);
    }
  }

  private runCli(args: string[], signal: AbortSignal): Promise<void> {
    const command = this.options.pulumiCommand?.command ?? "pulumi";
    return new Promise((resolve, reject) => {
      execFile(
        command,
        args,
        {
          cwd: this.options.workDir,
          env: { ...process.env, ...this.options.envVars },
          signal: forwardedSignal(signal),
          killSignal: "SIGINT",
        },
        (error, _stdout, stderr) => {
          if (error) {
            reject(new Error(`${error.message}\n${stderr}`));
          } else {
            resolve();
          }
        },
      );
    });
  }

  private async run<T>(
    opts: OperationOptions,
    operation: (common: {
      color: "never";
      message?: string;
      signal: AbortSignal;
      onEvent: (e: EngineEvent) => void;
      onOutput?: (text: string) => void;
    }) => Promise<T>,
    summary: (result: T) => Parameters<EngineEventCollector["result"]>[0],
  ): Promise<OperationResult> {
    const events = new EngineEventCollector();
    try {
      const result = await operation({
        color: "never",
        ...(opts.message ? { message: opts.message } : {}),
        signal: forwardedSignal(opts.signal),
        onEvent: events.add,
        ...(this.options.onOutput ? { onOutput: this.options.onOutput } : {}),
      });
      return events.result(summary(result));
    } catch (err) {
      throw toDriverError(err, opts.signal, events.result());
    }
  }

  refresh(opts: OperationOptions): Promise<OperationResult> {
    return this.run(
      opts,
      (common) => this.stack.refresh(common),
      (r) => r.summary.resourceChanges,
    );
  }

  preview(opts: PreviewOptions): Promise<OperationResult> {
    return this.run(
      opts,
      (common) =>
        this.stack.preview({ ...common, diff: true, expectNoChanges: opts.expectNoChanges === true }),
      (r) => r.changeSummary,
    );
  }

  up(opts: OperationOptions): Promise<OperationResult> {
    return this.run(
      opts,
      (common) => this.stack.up(common),
      (r) => r.summary.resourceChanges,
    );
  }

  async outputs(opts: OperationOptions): Promise<StackOutputs> {
    try {
      const outputs = await this.stack.outputs();
      return Object.fromEntries(
        Object.entries(outputs).map(([k, v]) => [k, { value: v.value as unknown, secret: v.secret }]),
      );
    } catch (err) {
      throw toDriverError(err, opts.signal);
    }
  }
}

export class AutomationStackDriver implements StackDriver {
  constructor(private readonly options: AutomationDriverOptions) {}

  private workspaceOptions(secretsProvider?: string) {
    return {
      envVars: { ...this.options.envVars },
      ...(this.options.pulumiCommand ? { pulumiCommand: this.options.pulumiCommand } : {}),
      ...(secretsProvider ? { secretsProvider } : {}),
    };
  }

  async open(stack: string, opts: OperationOptions): Promise<StackHandle> {
    try {
      const selected = await LocalWorkspace.selectStack(
        { stackName: stack, workDir: this.options.workDir },
        this.workspaceOptions(),
      );
      return new AutomationStackHandle(selected, this.options);
    } catch (err) {
      throw toDriverError(err, opts.signal);
    }
  }

  /** Create a stack in the backend (the `init` command; preview and release only ever select). */
  async create(stack: string, secretsProvider: string | undefined): Promise<void> {
    await LocalWorkspace.createStack(
      { stackName: stack, workDir: this.options.workDir },
      this.workspaceOptions(secretsProvider),
    );
  }
}

/**
 * The Automation API's handle on a CLI that preflight found and checked (its own version check, whose floor is far
 * older than this project's, is skipped). An absolute `command` in a `bin` folder is used as is; anything else is
 * looked up as `pulumi` on PATH, which is where preflight found it.
 */
export function automationCommand(command: string): Promise<PulumiCommand> {
  const bin = path.dirname(command);
  return path.isAbsolute(command) && path.basename(bin) === "bin" && path.basename(command) === "pulumi"
    ? PulumiCommand.get({ root: path.dirname(bin), skipVersionCheck: true })
    : PulumiCommand.get({ skipVersionCheck: true });
}
