/**
 * A scratch project and a stand-in `pulumi` for the environment suites: the commands find the stand-in on PATH
 * exactly as they find a real CLI, run it with the real code paths, and get what the script is told to answer.
 * `version` prints FAKE_PULUMI_VERSION (or the given version); `whoami` fails with FAKE_WHOAMI_ERROR when set;
 * anything else fails, so a test notices when a command got further than the check it is about.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export interface Scratch {
  /** A project root with Pulumi.yaml and no .toolchain/ (so the commands look on PATH). */
  readonly root: string;
  /** A folder with only the stand-in `pulumi` in it; empty when made `withoutCli`. */
  readonly bin: string;
  readonly remove: () => void;
}

export function scratchProject(options: { version?: string; withoutCli?: boolean } = {}): Scratch {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), "flink-platform-env-"));
  const root = path.join(base, "project");
  const bin = path.join(base, "bin");
  fs.mkdirSync(root);
  fs.mkdirSync(bin);
  fs.writeFileSync(path.join(root, "Pulumi.yaml"), "name: flink-platform\nruntime: nodejs\n");
  if (!options.withoutCli) {
    const script = [
      "#!/bin/sh",
      'case "$1" in',
      `  version) echo "\${FAKE_PULUMI_VERSION:-${options.version ?? "v3.274.1"}}" ;;`,
      '  whoami) if [ -n "$FAKE_WHOAMI_ERROR" ]; then echo "error: $FAKE_WHOAMI_ERROR" >&2; exit 1; fi; echo tester ;;',
      '  *) echo "error: the stand-in pulumi does not do $*" >&2; exit 1 ;;',
      "esac",
      "",
    ].join("\n");
    fs.writeFileSync(path.join(bin, "pulumi"), script, { mode: 0o755 });
  }
  return { root, bin, remove: () => fs.rmSync(base, { recursive: true, force: true }) };
}

/** Run `fn` with stdout and stderr captured; returns its result and what it wrote, split into lines. */
export async function captured<T>(
  fn: () => Promise<T>,
): Promise<{ result: T; stderr: string[]; stdout: string[] }> {
  const err: string[] = [];
  const out: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  const writeOut = process.stdout.write.bind(process.stdout);
  process.stderr.write = (chunk: string | Uint8Array) => err.push(String(chunk)) > 0;
  process.stdout.write = (chunk: string | Uint8Array) => out.push(String(chunk)) > 0;
  try {
    const result = await fn();
    const lines = (chunks: string[]) =>
      chunks
        .join("")
        .split("\n")
        .filter((l) => l !== "");
    return { result, stderr: lines(err), stdout: lines(out) };
  } finally {
    process.stderr.write = write;
    process.stdout.write = writeOut;
  }
}
