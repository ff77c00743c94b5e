/**
 * The Pulumi CLI the commands run: which one, which version, and whether that version is new enough. Checked before
 * anything else runs, so that a missing or old CLI is one line that says what to install, not an Automation API
 * stack trace.
 *
 * The minimum is 3.270.0, for two reasons. The bot needs `pulumi config set --path --type` (release --set keeps a
 * value's type), which appeared in CLI 3.148.0; everything else it runs (`preview --diff --expect-no-changes`,
 * `stack output --show-secrets`, the file backend, `runtime.options.tsconfig`) is older. And `@pulumi/pulumi` and the
 * CLI are released together under one version number, the SDK built against the engine of its own version: an
 * engine older than the SDK driving it (3.270.0 here) is a combination Pulumi does not test, while the SDK's own
 * Automation API floor (3.2.0-alpha) only stops CLIs that cannot run it at all. The project builds and tests with
 * 3.274.1 (scripts/build-toolchain.sh). Raise the minimum together with `@pulumi/pulumi`.
 */
import { execFile } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { EnvironmentError } from "./environment";

/** The oldest Pulumi CLI the commands accept (see above). */
export const MINIMUM_PULUMI_CLI = "3.270.0";

/** Where a CLI comes from, for the messages. */
const GET_CLI =
  "(https://www.pulumi.com/docs/install/) or build the project's own with scripts/build-toolchain.sh";

/** A version as `pulumi version` prints it: `v3.274.1`, `v3.275.0-alpha.x1234` (a dev build). */
export interface CliVersion {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  /** The pre-release part (`alpha.x1234`), which sorts before the release. */
  readonly prerelease?: string;
  /** As printed, without the leading `v`. */
  readonly text: string;
}

/** Parse the output of `pulumi version`; undefined when it is no version. */
export function parseCliVersion(output: string): CliVersion | undefined {
  const match = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/.exec(output.trim());
  if (!match) {
    return undefined;
  }
  return {
    major: Number(match[1]),
    minor: Number(match[2]),
    patch: Number(match[3]),
    ...(match[4] !== undefined ? { prerelease: match[4] } : {}),
    text: output.trim().replace(/^v/, ""),
  };
}

/** Negative when a is older than b, 0 when equal, positive when newer (pre-releases before their release). */
export function compareCliVersions(a: CliVersion, b: CliVersion): number {
  const parts = (v: CliVersion) => [v.major, v.minor, v.patch];
  for (const [x, y] of parts(a).map((n, i) => [n, parts(b)[i]])) {
    if (x !== y) {
      return x - y;
    }
  }
  if (a.prerelease === b.prerelease) {
    return 0;
  }
  if (a.prerelease === undefined || b.prerelease === undefined) {
    return a.prerelease === undefined ? 1 : -1;
  }
  return a.prerelease < b.prerelease ? -1 : 1;
}

/**
 * Why this CLI version cannot be used, or undefined when it can. `command` names the binary in the message.
 * Major versions other than 3 are refused as well: the Automation API of `@pulumi/pulumi` 3.x drives 3.x CLIs.
 */
export function cliVersionProblem(
  output: string,
  command: string,
  minimum: string = MINIMUM_PULUMI_CLI,
): string | undefined {
  const version = parseCliVersion(output);
  const floor = parseCliVersion(minimum);
  if (!floor) {
    throw new Error(`minimum Pulumi CLI version '${minimum}' is not a version`);
  }
  if (!version) {
    const shown = output.trim().split("\n")[0]?.slice(0, 80) ?? "";
    return `cannot tell the version of ${command}: \`pulumi version\` printed '${shown}'; install Pulumi CLI ${minimum} or newer ${GET_CLI}`;
  }
  if (version.major !== floor.major) {
    return `${command} is Pulumi CLI ${version.text}, but the Automation API of @pulumi/pulumi ${floor.major}.x drives ${floor.major}.x CLIs: install CLI ${minimum} or a newer ${floor.major}.x`;
  }
  if (compareCliVersions(version, floor) < 0) {
    return `${command} is Pulumi CLI ${version.text}, older than ${minimum}, the oldest this project supports: upgrade it ${GET_CLI}`;
  }
  return undefined;
}

/** The project's own CLI build, when scripts/build-toolchain.sh made one. */
export function toolchainPulumi(projectRoot: string): string {
  return path.join(projectRoot, ".toolchain", "bin", "pulumi");
}

function isExecutableFile(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The first executable `pulumi` on a PATH value, as an absolute path. */
export function findOnPath(pathValue: string | undefined, name = "pulumi"): string | undefined {
  for (const dir of (pathValue ?? "").split(path.delimiter)) {
    if (dir && path.isAbsolute(dir) && isExecutableFile(path.join(dir, name))) {
      return path.join(dir, name);
    }
  }
  return undefined;
}

/** A usable CLI: its absolute path and version. */
export interface PulumiCli {
  readonly command: string;
  readonly version: CliVersion;
}

function runVersion(command: string, env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      ["version"],
      { env: { ...env, PULUMI_SKIP_UPDATE_CHECK: "true" }, timeout: 60_000, encoding: "utf8" },
      (error, stdout, stderr) => {
        if (!error) {
          resolve(stdout);
          return;
        }
        const code = (error as NodeJS.ErrnoException).code;
        const reason =
          code === "EACCES"
            ? "it is not executable"
            : error.killed
              ? "it did not answer within 60s"
              : stderr.trim().split("\n").pop() || error.message;
        reject(
          new EnvironmentError(
            `\`${command} version\` failed (${reason}): install Pulumi CLI ${MINIMUM_PULUMI_CLI} or newer ${GET_CLI}`,
          ),
        );
      },
    );
  });
}

/**
 * Find the CLI (the project's own build under .toolchain/bin, else the first `pulumi` on `env.PATH`) and check its
 * version. Throws EnvironmentError, with the fix, when there is none or it is too old.
 */
export async function resolvePulumiCli(projectRoot: string, env: NodeJS.ProcessEnv): Promise<PulumiCli> {
  const own = toolchainPulumi(projectRoot);
  const command = isExecutableFile(own) ? own : findOnPath(env.PATH);
  if (!command) {
    throw new EnvironmentError(
      `no Pulumi CLI: there is no \`pulumi\` on PATH and no .toolchain/bin/pulumi; install Pulumi CLI ${MINIMUM_PULUMI_CLI} or newer ${GET_CLI}`,
    );
  }
  const output = await runVersion(command, env);
  const problem = cliVersionProblem(output, command);
  if (problem) {
    throw new EnvironmentError(problem);
  }
  return { command, version: parseCliVersion(output)! };
}
