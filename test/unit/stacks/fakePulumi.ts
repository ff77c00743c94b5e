/**
 * A scratch project and a stand-in `pulumi` for the environment suites: the commands find the stand-in on PATH
 * exactly as they find a real CLI, run it with the real code paths, and get what the script is told to answer.
 * `version` prints FAKE_PULUMI_VERSION (or the given version); `whoami --json` fails with FAKE_WHOAMI_ERROR when
 * set, else names PULUMI_BACKEND_URL or the login FAKE_LOGIN (default file://~);
 * anything else fails, so a test notices when a command got further than the check it is about. Made `renders`, it
 * also plays the engine of a render: `stack init` succeeds, `up` writes a CRD and a Deployment (and a Secret when
 * FAKE_RENDER_SECRET is set) into the stack file's renderYamlToDirectory, or fails with FAKE_UP_ERROR, and `stack
 * output` prints FAKE_OUTPUTS. FAKE_RECORD names a file where `up` notes where it ran (never the passphrase, only
 * whether there was one).
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

/** The render commands of the stand-in (see above), as `case` branches. */
const RENDER_BRANCHES = [
  '  stack) case "$2" in',
  "      init) ;;",
  '      output) if [ -n "$FAKE_OUTPUTS" ]; then printf "%s\\n" "$FAKE_OUTPUTS"; else echo "{}"; fi ;;',
  "      history) echo '[]' ;;",
  '      *) echo "error: the stand-in pulumi does not do $*" >&2; exit 1 ;;',
  "    esac ;;",
  "  up)",
  '    if [ -n "$FAKE_RECORD" ]; then',
  '      printf \'%s\\n\' "cwd=$PWD" "home=$PULUMI_HOME" "backend=$PULUMI_BACKEND_URL" >> "$FAKE_RECORD"',
  '      [ -n "$PULUMI_CONFIG_PASSPHRASE" ] && echo "passphrase=set" >> "$FAKE_RECORD"',
  "    fi",
  '    if [ -n "$FAKE_UP_ERROR" ]; then echo "error: $FAKE_UP_ERROR" >&2; exit 1; fi',
  "    dir=$(sed -n 's/^ *renderYamlToDirectory: *//p' Pulumi.*.yaml | head -n 1)",
  '    mkdir -p "$dir/0-crd" "$dir/1-manifest"',
  '    echo "kind: CustomResourceDefinition" > "$dir/0-crd/apiextensions.k8s.io_v1-customresourcedefinition-x.yaml"',
  '    echo "kind: Deployment" > "$dir/1-manifest/apps_v1-deployment-flink-x.yaml"',
  '    if [ -n "$FAKE_RENDER_SECRET" ]; then echo "kind: Secret" > "$dir/1-manifest/v1-secret-flink-x.yaml"; fi',
  '    echo "Resources: 3 created" ;;',
];

export function scratchProject(
  options: { version?: string; withoutCli?: boolean; renders?: boolean } = {},
): Scratch {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), "flink-platform-env-"));
  const root = path.join(base, "project");
  const bin = path.join(base, "bin");
  fs.mkdirSync(root);
  fs.mkdirSync(bin);
  fs.writeFileSync(path.join(root, "Pulumi.yaml"), "name: flink-platform\nruntime: nodejs\n");
  if (!options.withoutCli) {
    const script = [
      "#!/bin/sh",
      // The tests' PATH holds only this folder; the script's own tools are where the system keeps them.
      "PATH=$PATH:/usr/bin:/bin",
      'case "$1" in',
      `  version) echo "\${FAKE_PULUMI_VERSION:-${options.version ?? "v3.274.1"}}" ;;`,
      '  whoami) if [ -n "$FAKE_WHOAMI_ERROR" ]; then echo "error: $FAKE_WHOAMI_ERROR" >&2; exit 1; fi',
      '    echo "{\\"user\\": \\"tester\\", \\"url\\": \\"${PULUMI_BACKEND_URL:-${FAKE_LOGIN:-file://~}}\\"}" ;;',
      ...(options.renders ? RENDER_BRANCHES : []),
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
