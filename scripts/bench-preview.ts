/**
 * Benchmark (not a test): how long a real-engine `pulumi preview` of the prod stack takes next to the preview of an
 * empty Pulumi TypeScript program on the same engine, in one run, so that both see the same machine and load.
 *
 *   npm run bench:preview [-- --runs 5]
 *
 * The prod stack previews in render mode (no cluster) from a copy of the project with a local file backend, a
 * throw-away passphrase and a Pulumi home of its own, all in one temporary directory removed at the end
 * (test/support/pulumiProject.ts, the integration suites' harness; KEEP_ENGINE_WORKDIR keeps it). The empty program
 * is what `pulumi new typescript` writes, minus the resource: `@pulumi/pulumi` imported, nothing registered,
 * type-checked by ts-node as the template is. One warm-up preview of each is not counted; then the two alternate,
 * so that a change in load hits both. Wall time of the whole `pulumi preview` process, CLI start to exit.
 *
 * The target (issue 13) is prod at most 2x empty. Needs a Pulumi CLI with its providers on PATH, or the project's
 * own build in .toolchain/bin (scripts/build-toolchain.sh).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { performance } from "perf_hooks";
import { parseArgs } from "util";
import { PROJECT_ROOT } from "../stacks/shared/stackFiles";
import { PulumiProject } from "../test/support/pulumiProject";

/** The target of issue 13: the prod preview takes at most this many times the empty program's. */
export const TARGET_RATIO = 2;

/** The median of some samples (the mean of the middle two for an even count). */
export function median(samples: readonly number[]): number {
  if (samples.length === 0) {
    throw new Error("median of no samples");
  }
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The result lines: each series with its samples and median, then the ratio against the target. */
export function summaryLines(series: Readonly<Record<"prod" | "empty", readonly number[]>>): string[] {
  const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const line = (name: string, samples: readonly number[]) =>
    `${name.padEnd(6)} median ${seconds(median(samples))}  (${samples.map(seconds).join(", ")})`;
  const ratio = median(series.prod) / median(series.empty);
  return [
    line("prod", series.prod),
    line("empty", series.empty),
    `ratio  ${ratio.toFixed(2)}x (target at most ${TARGET_RATIO}x: ${ratio <= TARGET_RATIO ? "met" : "NOT met"})`,
  ];
}

/** The empty program, as `pulumi new typescript` lays it out, sharing the project's node_modules. */
function writeEmptyProgram(dir: string): void {
  fs.mkdirSync(dir);
  const files: Record<string, string> = {
    "Pulumi.yaml": "name: empty\nruntime:\n  name: nodejs\n  options:\n    packagemanager: npm\n",
    "index.ts": 'import * as pulumi from "@pulumi/pulumi";\n\nexport const stack = pulumi.getStack();\n',
    "package.json": JSON.stringify({
      name: "empty",
      main: "index.ts",
      devDependencies: {},
      dependencies: {},
    }),
    "tsconfig.json": JSON.stringify({
      compilerOptions: {
        strict: true,
        outDir: "bin",
        target: "es2020",
        module: "commonjs",
        moduleResolution: "node",
        sourceMap: true,
        experimentalDecorators: true,
        pretty: true,
        noFallthroughCasesInSwitch: true,
        noImplicitReturns: true,
        forceConsistentCasingInFileNames: true,
      },
      files: ["index.ts"],
    }),
  };
  for (const [name, content] of Object.entries(files)) {
    fs.writeFileSync(path.join(dir, name), content);
  }
  fs.symlinkSync(path.join(PROJECT_ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
}

/** Wall time of one `pulumi preview` in `cwd`; fails on a failed preview. */
async function timePreview(project: PulumiProject, cwd: string, stack: string): Promise<number> {
  const start = performance.now();
  const { status, output } = await project.execIn(cwd, "pulumi", [
    "preview",
    "--stack",
    stack,
    "--non-interactive",
  ]);
  const elapsed = performance.now() - start;
  if (status !== 0) {
    throw new Error(`pulumi preview of ${stack} in ${cwd} failed:\n${output.slice(-4000)}`);
  }
  return elapsed;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { runs: { type: "string", default: "5" } } });
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1 || runs > 50) {
    throw new Error(`--runs must be a whole number from 1 to 50, not '${values.runs}'`);
  }
  const project = new PulumiProject();
  try {
    console.log(project.describe());
    // Wall times move with the machine's load; the load average tells how much to trust one run.
    const load = () =>
      os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(" ");
    console.log(`${os.cpus().length} CPUs, load average ${load()}`);
    await project.initStack("prod", {
      "kubernetes.renderYamlToDirectory": path.join(project.work, "rendered", "prod"),
    });
    const empty = path.join(project.work, "empty");
    writeEmptyProgram(empty);
    const init = await project.execIn(empty, "pulumi", ["stack", "init", "bench", "--non-interactive"]);
    if (init.status !== 0) {
      throw new Error(`pulumi stack init of the empty program failed:\n${init.output}`);
    }
    const series = { prod: [] as number[], empty: [] as number[] };
    console.log("warm-up: one preview of each, not counted");
    await timePreview(project, empty, "bench");
    await timePreview(project, project.dir, "prod");
    for (let i = 1; i <= runs; i++) {
      series.empty.push(await timePreview(project, empty, "bench"));
      series.prod.push(await timePreview(project, project.dir, "prod"));
      console.log(
        `run ${i}/${runs}: empty ${(series.empty.at(-1)! / 1000).toFixed(2)} s, prod ${(series.prod.at(-1)! / 1000).toFixed(2)} s`,
      );
    }
    summaryLines(series).forEach((line) => console.log(line));
    console.log(`load average at the end ${load()}`);
  } finally {
    project.dispose();
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
