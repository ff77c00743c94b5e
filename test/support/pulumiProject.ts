/**
 * The project under the real Pulumi engine, for the integration suites: `pulumi` from PATH, else the one that
 * scripts/build-toolchain.sh builds into .toolchain/bin, with its providers and Node.js language host beside it; a
 * copy of the project (so stack files can change freely), a local file backend, a passphrase, a home of its own (no
 * ~/.kube/config, no ~/.pulumi), and the operator chart: the released chart when it is there (CI), else the stand-in
 * under test/fixtures/operator-chart.
 */
import * as assert from "assert";
import { execFileSync, spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PROJECT_ROOT } from "../../stacks/shared/stackFiles";

const TOOLCHAIN_BIN = path.join(PROJECT_ROOT, ".toolchain", "bin");

/** The released operator chart, where CI provides it (FLINK_OPERATOR_CHART or ../shared/charts). */
export const RELEASED_CHART =
  process.env.FLINK_OPERATOR_CHART ??
  path.join(PROJECT_ROOT, "..", "shared", "charts", "flink-kubernetes-operator-1.15.0");
/** The released operator CRDs, where CI provides them (FLINK_OPERATOR_CRDS or ../shared/crds). */
export const RELEASED_CRDS =
  process.env.FLINK_OPERATOR_CRDS ??
  path.join(PROJECT_ROOT, "..", "shared", "crds", "flink-kubernetes-operator-1.15.0");

/** Directory of the `pulumi` to use: the user's on PATH, else the built one. */
function pulumiBinDir(): string {
  const onPath = spawnSync("sh", ["-c", "command -v pulumi"], { encoding: "utf8" }).stdout.trim();
  if (onPath) {
    return path.dirname(fs.realpathSync(onPath));
  }
  if (fs.existsSync(path.join(TOOLCHAIN_BIN, "pulumi"))) {
    return TOOLCHAIN_BIN;
  }
  throw new Error("no pulumi CLI: put one on PATH, or build it with scripts/build-toolchain.sh");
}

/** Copy the project (without dependencies, state or build output) so that stack files can change freely. */
function copyProject(target: string) {
  const skip = new Set([
    "node_modules",
    ".git",
    ".toolchain",
    "tools",
    ".pulumi-state",
    ".pulumi-home",
    ".release-bot",
    ".ci",
  ]);
  fs.cpSync(PROJECT_ROOT, target, {
    recursive: true,
    filter: (source) => !skip.has(path.basename(source)) || path.dirname(source) !== PROJECT_ROOT,
  });
  fs.symlinkSync(path.join(PROJECT_ROOT, "node_modules"), path.join(target, "node_modules"), "dir");
}

/** The stand-in operator chart, with the released CRDs when they are available. */
function assembleStandInChart(target: string): string {
  fs.cpSync(path.join(PROJECT_ROOT, "test", "fixtures", "operator-chart"), target, { recursive: true });
  if (fs.existsSync(RELEASED_CRDS)) {
    fs.rmSync(path.join(target, "crds"), { recursive: true, force: true });
    fs.cpSync(RELEASED_CRDS, path.join(target, "crds"), { recursive: true });
  }
  return target;
}

export interface PulumiProjectOptions {
  /** The cluster's kubeconfig; without one, no kubeconfig is visible at all (render mode). */
  readonly kubeconfig?: string;
}

/** A throw-away copy of the project with its own backend, run the way users run it. */
export class PulumiProject {
  readonly work: string;
  readonly dir: string;
  readonly env: NodeJS.ProcessEnv;
  /** The operator chart the stacks install, and which one it is. */
  readonly chart: { readonly path: string; readonly released: boolean };

  constructor(options: PulumiProjectOptions = {}) {
    const bin = pulumiBinDir();
    this.work = fs.mkdtempSync(path.join(os.tmpdir(), "flink-platform-engine-"));
    this.dir = path.join(this.work, "project");
    copyProject(this.dir);
    this.chart = fs.existsSync(RELEASED_CHART)
      ? { path: RELEASED_CHART, released: true }
      : { path: assembleStandInChart(path.join(this.work, "operator-chart")), released: false };
    fs.mkdirSync(path.join(this.work, "home"));
    fs.mkdirSync(path.join(this.work, "state"));
    this.env = {
      ...process.env,
      PATH: `${bin}${path.delimiter}${TOOLCHAIN_BIN}${path.delimiter}${process.env.PATH ?? ""}`,
      HOME: path.join(this.work, "home"),
      PULUMI_HOME: path.join(this.work, "pulumi-home"),
      PULUMI_BACKEND_URL: `file://${path.join(this.work, "state")}`,
      PULUMI_CONFIG_PASSPHRASE: "integration-test",
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
    };
    delete this.env.KUBECONFIG;
    if (options.kubeconfig) {
      this.env.KUBECONFIG = options.kubeconfig;
    }
  }

  /** The engine's version and where it comes from, for the suite's log. */
  describe(): string {
    const version = execFileSync("pulumi", ["version"], { env: this.env, encoding: "utf8" }).trim();
    const chart = this.chart.released
      ? `released chart ${this.chart.path}`
      : "stand-in chart (test/fixtures)";
    return `engine ${version}; ${chart}`;
  }

  /**
   * Run a command in the project copy without blocking the test process (the operator stand-in runs in it while
   * `pulumi up` waits for it).
   */
  exec(command: string, args: readonly string[]): Promise<{ status: number | null; output: string }> {
    return this.execIn(this.dir, command, args);
  }

  /** Run a command in another directory with the project's environment (the preview benchmark's empty program). */
  execIn(
    cwd: string,
    command: string,
    args: readonly string[],
  ): Promise<{ status: number | null; output: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(command, args, { cwd, env: this.env, stdio: ["ignore", "pipe", "pipe"] });
      const chunks: Buffer[] = [];
      child.stdout.on("data", (chunk: Buffer) => chunks.push(chunk));
      child.stderr.on("data", (chunk: Buffer) => chunks.push(chunk));
      child.on("error", reject);
      child.on("close", (status) => resolve({ status, output: Buffer.concat(chunks).toString("utf8") }));
    });
  }

  /** Run `pulumi ARGS --non-interactive`; fails the test unless it exits 0 (or `expectFailure`). */
  async run(args: readonly string[], options: { expectFailure?: boolean } = {}): Promise<string> {
    const { status, output } = await this.exec("pulumi", [...args, "--non-interactive"]);
    if (!options.expectFailure) {
      assert.strictEqual(status, 0, `pulumi ${args.join(" ")} failed:\n${output.slice(-6000)}`);
    }
    return output;
  }

  /** Run `npm run --silent ARGS` in the project copy (the preview and release commands). */
  npm(args: readonly string[]): Promise<{ status: number | null; output: string }> {
    return this.exec("npm", ["run", "--silent", ...args]);
  }

  /** Create a stack from its stack file, installing the suite's operator chart, then apply `settings`. */
  async initStack(stack: string, settings: Readonly<Record<string, string>> = {}): Promise<void> {
    await this.run(["stack", "init", stack]);
    await this.set(stack, { "operator.chart.path": this.chart.path, ...settings });
  }

  /** `pulumi config set --path` each setting (values as the CLI stores them). */
  async set(stack: string, settings: Readonly<Record<string, string>>): Promise<void> {
    for (const [key, value] of Object.entries(settings)) {
      await this.run(["config", "set", "--stack", stack, "--path", key, value]);
    }
  }

  /** Remove the work directory (unless KEEP_ENGINE_WORKDIR is set, for debugging). */
  dispose(): void {
    if (!process.env.KEEP_ENGINE_WORKDIR) {
      fs.rmSync(this.work, { recursive: true, force: true });
    } else {
      console.log(`      kept ${this.work}`);
    }
  }
}
