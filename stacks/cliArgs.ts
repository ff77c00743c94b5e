/**
 * Command-line arguments of the preview/release tool. Pure: returns a command or throws UsageError with a message
 * that says what to fix.
 */
import { parseArgs } from "util";
import { ConfigSetting, parseSetting, SettingError } from "./configSettings";
import { DEFAULT_RETRY, RetryPolicy } from "./stackRun";

export const USAGE = `Usage:
  npm run preview -- <stack...> [options]
  npm run release -- --stacks dev,staging,prod [--set path=value ...] [--allow-replace pattern ...] [options]
  npm run stacks -- init <stack...>
  npm run render -- <stack> [dir]

preview   previews each stack with the diff; writes a markdown summary for a pull-request comment and a JSON
          report; exits 1 if any stack fails to preview.
release   for each stack in order: apply the --set values, refresh, preview, stop on a stateful replace or
          delete or a change that loses a Flink job's state unless allowed, update, check that a second preview
          shows no changes, smoke-check the outputs.
          Stops at the first failing stack; exits 1 then.
init      creates stacks in the backend (the other commands never create stacks).
render    renders Pulumi.<stack>.yaml's manifests to dir (default rendered/<stack>) with the real engine, offline:
          a throw-away stack in a throw-away local backend, no cluster, no login; prints the Secrets to provide.

Options:
  --markdown <file>          markdown summary (default .release-bot/<command>.md)
  --json <file>              JSON report (default .release-bot/<command>.json)
  --lock-retries <n>         retries while another update holds a stack (default ${DEFAULT_RETRY.retries}, at most 20)
  --lock-retry-delay <s>     first wait in seconds, doubled per retry up to ${DEFAULT_RETRY.maxDelayMs / 1000}s (default ${DEFAULT_RETRY.initialDelayMs / 1000})
  --quiet                    do not stream the engine's output
  -h, --help                 this text

release only:
  --stacks <a,b,c>           stacks in promotion order (required)
  --set <path=value>         a value inside a config area, like \`pulumi config set --path\`, e.g.
                             flink.version=1.20 or 'flink.clusters.session.flinkConfiguration["state.backend.type"]=rocksdb'
  --allow-replace <pattern>  let the release replace or delete stateful resources, or lose a Flink job's state,
                             whose type or URN matches (\`*\` matches anything), e.g.
                             kubernetes:core/v1:PersistentVolumeClaim or '*::etl-orders'
  --message <text>           message recorded with each update

Environment: PULUMI_BACKEND_URL (default: the backend of 'pulumi login'), PULUMI_CONFIG_PASSPHRASE or
PULUMI_CONFIG_PASSPHRASE_FILE, FLINK_PLATFORM_SECRETS_PROVIDER (secrets provider for init, e.g. awskms://...).
Exit codes: 0 done, 1 a stack failed or was blocked (render: the render failed), 2 bad arguments or environment
(no Pulumi CLI or too old, backend unreachable, passphrase missing), 130/143 aborted by SIGINT/SIGTERM.`;

export class UsageError extends Error {}

export interface ReportPaths {
  readonly markdown: string;
  readonly json: string;
}

interface Common {
  readonly reports: ReportPaths;
  readonly retry: RetryPolicy;
  readonly quiet: boolean;
}

export type CliCommand =
  | { readonly kind: "help" }
  | { readonly kind: "init"; readonly stacks: readonly string[] }
  | {
      readonly kind: "render";
      /** The stack file to render, `Pulumi.<stack>.yaml`. */
      readonly stack: string;
      /** Where the manifests go, relative to the working directory; unset: `rendered/<stack>` in the project. */
      readonly dir?: string;
      /** Do not stream the engine's output (default false). */
      readonly quiet: boolean;
    }
  | (Common & { readonly kind: "preview"; readonly stacks: readonly string[] })
  | (Common & {
      readonly kind: "release";
      readonly stacks: readonly string[];
      readonly settings: readonly ConfigSetting[];
      readonly allowReplace: readonly string[];
      readonly message?: string;
    });

/** Pulumi stack names: `name` or `org/project/name`, letters, digits, `-`, `_`, `.`. */
const STACK_NAME = /^([A-Za-z0-9_.-]+\/){0,2}[A-Za-z0-9_.-]+$/;

function checkStacks(stacks: readonly string[], source: string): readonly string[] {
  if (stacks.length === 0) {
    throw new UsageError(`name at least one stack (${source})`);
  }
  for (const stack of stacks) {
    if (!STACK_NAME.test(stack) || stack.split("/").some((part) => /^\.+$/.test(part))) {
      throw new UsageError(`'${stack}' is not a stack name (${source})`);
    }
  }
  const duplicate = stacks.find((s, i) => stacks.indexOf(s) !== i);
  if (duplicate !== undefined) {
    throw new UsageError(`stack '${duplicate}' is named twice (${source})`);
  }
  return stacks;
}

function integer(value: string | undefined, flag: string, min: number, max: number): number | undefined {
  if (value === undefined) {
    return undefined;
  }
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new UsageError(`${flag} must be a whole number from ${min} to ${max}, got '${value}'`);
  }
  return Number(value);
}

const OPTIONS = {
  markdown: { type: "string" },
  json: { type: "string" },
  "lock-retries": { type: "string" },
  "lock-retry-delay": { type: "string" },
  quiet: { type: "boolean" },
  help: { type: "boolean", short: "h" },
  stacks: { type: "string", multiple: true },
  set: { type: "string", multiple: true },
  "allow-replace": { type: "string", multiple: true },
  message: { type: "string" },
} as const;

const RELEASE_ONLY = ["stacks", "set", "allow-replace", "message"] as const;

/** `render <stack> [dir] [--quiet]`. */
function parseRender(rest: readonly string[]): CliCommand {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...rest],
      options: { quiet: { type: "boolean" }, help: { type: "boolean", short: "h" } },
      allowPositionals: true,
      strict: true,
    });
  } catch (err) {
    throw new UsageError(`${(err as Error).message} (render takes <stack> [dir] and --quiet)`);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    return { kind: "help" };
  }
  const [stack, dir, ...extra] = positionals;
  if (stack === undefined) {
    throw new UsageError("render needs a stack: render <stack> [dir], e.g. render dev");
  }
  // A stack file name, not org/project/stack: render reads Pulumi.<stack>.yaml, not a backend.
  if (!/^[A-Za-z0-9_.-]+$/.test(stack) || /^\.+$/.test(stack)) {
    throw new UsageError(`'${stack}' is not a stack file name (render reads Pulumi.<stack>.yaml)`);
  }
  if (extra.length > 0) {
    throw new UsageError(`unexpected argument '${extra[0]}': render takes <stack> [dir]`);
  }
  if (dir !== undefined && !dir.trim()) {
    throw new UsageError("render needs a directory name, or none for rendered/<stack>");
  }
  return { kind: "render", stack, ...(dir !== undefined ? { dir } : {}), quiet: values.quiet === true };
}

export function parseCommandLine(argv: readonly string[]): CliCommand {
  const [command, ...rest] = argv;
  if (command === undefined || command === "help" || command === "--help" || command === "-h") {
    return { kind: "help" };
  }
  if (command !== "preview" && command !== "release" && command !== "init" && command !== "render") {
    throw new UsageError(`unknown command '${command}': use preview, release, init or render`);
  }
  if (command === "render") {
    return parseRender(rest);
  }
  let parsed;
  try {
    parsed = parseArgs({ args: [...rest], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    return { kind: "help" };
  }
  if (command !== "release") {
    const misplaced = RELEASE_ONLY.find((flag) => values[flag] !== undefined);
    if (misplaced) {
      throw new UsageError(
        `--${misplaced} belongs to release; ${command} takes the stacks as arguments: ${command} dev staging`,
      );
    }
  }
  if (command === "init") {
    return { kind: "init", stacks: checkStacks(positionals, "init <stack...>") };
  }
  const retries = integer(values["lock-retries"], "--lock-retries", 0, 20) ?? DEFAULT_RETRY.retries;
  const delay = integer(values["lock-retry-delay"], "--lock-retry-delay", 1, 600);
  const common: Common = {
    reports: {
      markdown: values.markdown ?? `.release-bot/${command}.md`,
      json: values.json ?? `.release-bot/${command}.json`,
    },
    retry: {
      ...DEFAULT_RETRY,
      retries,
      ...(delay !== undefined ? { initialDelayMs: delay * 1000 } : {}),
    },
    quiet: values.quiet === true,
  };
  for (const [flag, file] of Object.entries(common.reports) as [string, string][]) {
    if (!file.trim()) {
      throw new UsageError(`--${flag} needs a file name`);
    }
  }
  if (common.reports.markdown === common.reports.json) {
    throw new UsageError("--markdown and --json name the same file");
  }
  if (command === "preview") {
    return { ...common, kind: "preview", stacks: checkStacks(positionals, "preview <stack...>") };
  }
  if (positionals.length > 0) {
    throw new UsageError(
      `unexpected argument '${positionals[0]}': release takes its stacks as --stacks ${positionals.join(",")}`,
    );
  }
  if (!values.stacks) {
    throw new UsageError("release needs --stacks, e.g. --stacks dev,staging,prod");
  }
  const stacks = values.stacks.flatMap((s) => s.split(",")).map((s) => s.trim());
  if (stacks.some((s) => s === "")) {
    throw new UsageError(`--stacks has an empty name: '${values.stacks.join(",")}'`);
  }
  let settings: ConfigSetting[];
  try {
    settings = (values.set ?? []).map(parseSetting);
  } catch (err) {
    if (err instanceof SettingError) {
      throw new UsageError(err.message);
    }
    throw err;
  }
  const duplicate = settings.find((s, i) => settings.findIndex((t) => t.path === s.path) !== i);
  if (duplicate) {
    throw new UsageError(`--set ${duplicate.path} is given twice`);
  }
  const allowReplace = values["allow-replace"] ?? [];
  if (allowReplace.some((p) => p.trim() === "" || /^\*+$/.test(p.trim()))) {
    throw new UsageError(
      "--allow-replace needs a type token or URN pattern (a lone '*' would switch the gate off): e.g. kubernetes:core/v1:PersistentVolumeClaim",
    );
  }
  if (values.message !== undefined && !values.message.trim()) {
    throw new UsageError("--message is empty");
  }
  return {
    ...common,
    kind: "release",
    stacks: checkStacks(stacks, "--stacks"),
    settings,
    allowReplace,
    ...(values.message !== undefined ? { message: values.message } : {}),
  };
}
