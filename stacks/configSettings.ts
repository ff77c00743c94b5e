/**
 * `--set path=value`: a value inside one of this project's config areas, written the way
 * `pulumi config set --path` writes it, and checked against the program's own validation before any stack is
 * touched.
 *
 * `pulumi config set --path` stores "true"/"false" as booleans, integers as numbers and everything else as a
 * string, so `jobManager.cpu=0.5` would become the string "0.5" and `operator.resources.requests.cpu=1` the number
 * 1, both of which the schema rejects. Each value therefore gets the first of its readings (the CLI's own first)
 * that the schema accepts at that path; the adapter writes the other readings with an explicit `--type`.
 */
import { ConfigError, ConfigProblem, PROJECT } from "../components/config/problems";
import { configSchema } from "../components/config/schema";
import { parseConfig } from "../components/config/parse";
import { ConfigScalar } from "./stackDriver";

export type PathSegment = string | number;

/** One `--set`, parsed. */
export interface ConfigSetting {
  /** The path as written, without the project prefix (what `pulumi config set --path` receives after it). */
  readonly path: string;
  readonly segments: readonly PathSegment[];
  /** The value as written. */
  readonly raw: string;
}

/** A setting with the value it will be written as. */
export interface ResolvedSetting extends ConfigSetting {
  readonly value: ConfigScalar;
}

export class SettingError extends Error {}

/** This project's config areas (`platform`, `flink`, ...). */
export const CONFIG_AREAS: readonly string[] = Object.keys(configSchema.shape);

/**
 * Parse a Pulumi property path: `a.b`, `a[0]`, `a["key.with.dots"]`. Same syntax as `pulumi config set --path`.
 */
export function parsePropertyPath(path: string): PathSegment[] {
  const segments: PathSegment[] = [];
  let i = 0;
  const fail = (why: string): never => {
    throw new SettingError(`invalid key path '${path}': ${why}`);
  };
  while (i < path.length) {
    if (path[i] === "[") {
      if (path[i + 1] === '"') {
        const end = path.indexOf('"]', i + 2);
        if (end < 0) {
          fail('unclosed ["...');
        }
        segments.push(path.slice(i + 2, end));
        i = end + 2;
      } else {
        const end = path.indexOf("]", i);
        const index = end < 0 ? "" : path.slice(i + 1, end);
        if (!/^\d+$/.test(index)) {
          fail('brackets hold a list index or a quoted key, e.g. [0] or ["a.b"]');
        }
        segments.push(Number(index));
        i = end + 1;
      }
    } else {
      let end = i;
      while (end < path.length && path[end] !== "." && path[end] !== "[") {
        end++;
      }
      if (end === i) {
        fail("empty segment");
      }
      segments.push(path.slice(i, end));
      i = end;
    }
    if (path[i] === ".") {
      i++;
      if (i === path.length) {
        fail("ends with '.'");
      }
    } else if (i < path.length && path[i] !== "[") {
      fail(`unexpected '${path[i]}' after ']'`);
    }
  }
  if (segments.length === 0) {
    fail("empty");
  }
  return segments;
}

/** The dotted form the config validation reports problems under. */
export function dottedPath(segments: readonly PathSegment[]): string {
  return segments.map(String).join(".");
}

/** Parse `path=value` (the path may carry the `flink-platform:` prefix). */
export function parseSetting(arg: string): ConfigSetting {
  const eq = arg.indexOf("=");
  if (eq < 0) {
    throw new SettingError(`--set '${arg}': expected path=value, e.g. flink.version=1.20`);
  }
  let path = arg.slice(0, eq).trim();
  const raw = arg.slice(eq + 1);
  if (path.startsWith(`${PROJECT}:`)) {
    path = path.slice(PROJECT.length + 1);
  } else if (/^[a-z][\w-]*:/i.test(path)) {
    throw new SettingError(
      `--set '${arg}': only ${PROJECT} keys can be set; set other namespaces with \`pulumi config set\``,
    );
  }
  const segments = parsePropertyPath(path);
  const [area] = segments;
  if (typeof area !== "string" || !CONFIG_AREAS.includes(area)) {
    throw new SettingError(
      `--set '${arg}': '${String(area)}' is not a config area; the areas are ${CONFIG_AREAS.join(", ")}`,
    );
  }
  if (segments.length < 2) {
    throw new SettingError(
      `--set '${arg}': name a key inside the area, e.g. ${area}.<key>=value (areas are objects)`,
    );
  }
  return { path, segments, raw };
}

/** How `pulumi config set --path` stores a value: booleans, integers without a leading zero, else strings. */
export function cliPathValue(raw: string): ConfigScalar {
  if (raw === "true" || raw === "false") {
    return raw === "true";
  }
  if (raw.length > 1 && raw.startsWith("0")) {
    return raw;
  }
  if (/^[+-]?\d+$/.test(raw) && Number.isSafeInteger(Number(raw))) {
    return Number(raw);
  }
  return raw;
}

/** The readings of a value, the CLI's first: then as a string, then as a number with a fraction. */
export function candidateValues(raw: string): ConfigScalar[] {
  const readings: ConfigScalar[] = [cliPathValue(raw), raw];
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(raw) && Number.isFinite(Number(raw))) {
    readings.push(Number(raw));
  }
  return readings.filter((v, i) => readings.findIndex((w) => w === v) === i);
}

/** A copy of the raw config (area name to value) with one value set, creating maps on the way. */
export function withValue(
  config: Readonly<Record<string, unknown>>,
  segments: readonly PathSegment[],
  value: ConfigScalar,
): Record<string, unknown> {
  const root = structuredClone(config) as Record<string, unknown>;
  let node: Record<string | number, unknown> = root;
  segments.forEach((segment, i) => {
    if (i === segments.length - 1) {
      node[segment] = value;
      return;
    }
    const next = node[segment];
    if (next === undefined || next === null) {
      node[segment] = typeof segments[i + 1] === "number" ? [] : {};
    } else if (typeof next !== "object") {
      throw new SettingError(
        `cannot set ${dottedPath(segments)}: ${dottedPath(segments.slice(0, i + 1))} holds ${JSON.stringify(next)}, not an object`,
      );
    }
    node = node[segment] as Record<string | number, unknown>;
  });
  return root;
}

/** A secure value in a stack file: ciphertext only the CLI can read. */
function isSecureValue(value: unknown): boolean {
  return (
    typeof value === "object" &&
    value !== null &&
    Object.keys(value).length === 1 &&
    typeof (value as { secure?: unknown }).secure === "string"
  );
}

/**
 * Stack-file config with every `{secure: …}` value replaced by a placeholder string, which is what the program sees
 * in its place (a decrypted string), so the config validates as it does under `pulumi up`.
 */
export function withOpaqueSecrets(value: unknown): unknown {
  if (isSecureValue(value)) {
    return "[secret]";
  }
  if (Array.isArray(value)) {
    return value.map(withOpaqueSecrets);
  }
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withOpaqueSecrets(v)]));
  }
  return value;
}

function problemsOf(config: Readonly<Record<string, unknown>>): ConfigProblem[] {
  try {
    parseConfig(config);
    return [];
  } catch (err) {
    if (err instanceof ConfigError) {
      return [...err.problems];
    }
    throw err;
  }
}

function concerns(problem: ConfigProblem, path: string): boolean {
  return problem.path === path || problem.path.startsWith(`${path}.`);
}

/** Give each setting the first reading the schema accepts at its path (the CLI's reading if none does). */
export function resolveSetting(setting: ConfigSetting): ResolvedSetting {
  const path = dottedPath(setting.segments);
  const readings = candidateValues(setting.raw);
  const accepted = readings.find((value) =>
    problemsOf(withValue({}, setting.segments, value)).every((p) => !concerns(p, path)),
  );
  return { ...setting, value: accepted ?? readings[0] };
}

/** Apply resolved settings to a stack's raw config. */
export function applySettings(
  config: Readonly<Record<string, unknown>>,
  settings: readonly ResolvedSetting[],
): Record<string, unknown> {
  return settings.reduce((acc, s) => withValue(acc, s.segments, s.value), { ...config });
}

/**
 * The problems the settings would introduce into a stack's configuration (problems the stack already had are not
 * theirs: the preview reports those).
 */
export function settingProblems(
  config: Readonly<Record<string, unknown>>,
  settings: readonly ResolvedSetting[],
): ConfigProblem[] {
  if (settings.length === 0) {
    return [];
  }
  const readable = withOpaqueSecrets(config) as Record<string, unknown>;
  let after: Record<string, unknown>;
  try {
    after = applySettings(readable, settings);
  } catch (err) {
    if (err instanceof SettingError) {
      return [{ path: settings.map((s) => s.path).join(", "), message: err.message }];
    }
    throw err;
  }
  const before = new Set(problemsOf(readable).map((p) => `${p.path}\u0000${p.message}`));
  return problemsOf(after).filter((p) => !before.has(`${p.path}\u0000${p.message}`));
}

/** The `--type` of `pulumi config set` that stores this value as it is. */
export function cliType(value: ConfigScalar): "string" | "bool" | "int" | "float" {
  if (typeof value === "string") {
    return "string";
  }
  if (typeof value === "boolean") {
    return "bool";
  }
  return Number.isInteger(value) ? "int" : "float";
}
