/**
 * Keys that no config map may hold: the names every JavaScript object inherits from `Object.prototype`
 * (`__proto__`, `constructor`, `toString`, ...) and `prototype`.
 *
 * Stack config reaches the program as JSON (`pulumi.Config.getObject` parses it), and `JSON.parse` turns a
 * `"__proto__"` key into an ordinary own key. Past that point such a key is trouble wherever it goes: zod's records
 * skip `__proto__` (the entry the user wrote vanishes without a word), assigning it to an object replaces that
 * object's prototype instead of adding an entry, and a map lookup by a name like `constructor` finds the inherited
 * function when the map lacks it. So these keys are refused by one pass over the raw config, before the schema sees
 * it, whichever map they are in (Flink configuration, labels, annotations, cluster and job names, and every map
 * added later).
 */
import type { ConfigProblem } from "./problems";

/** The names a plain object inherits, and `prototype` (which functions and classes own). */
export const PROTOTYPE_NAMES: ReadonlySet<string> = new Set([
  ...Object.getOwnPropertyNames(Object.prototype),
  "prototype",
]);

const isContainer = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null;

/** Every key of `raw`, at any depth, that is a prototype name, as a problem at its path. */
export function prototypeKeyProblems(raw: unknown, path: readonly string[] = []): ConfigProblem[] {
  if (!isContainer(raw)) {
    return [];
  }
  return Object.keys(raw).flatMap((key) =>
    PROTOTYPE_NAMES.has(key)
      ? [
          {
            path: [...path, key].join("."),
            message: `'${key}' is a name every JavaScript object inherits, so no config key may be called that; rename or remove it`,
          },
        ]
      : prototypeKeyProblems(raw[key], [...path, key]),
  );
}

/** A copy of `raw` without its prototype-name keys, at any depth (what the schema parses once they are reported). */
export function withoutPrototypeKeys(raw: unknown): unknown {
  if (Array.isArray(raw)) {
    return raw.map(withoutPrototypeKeys);
  }
  if (!isContainer(raw)) {
    return raw;
  }
  // Built entry by entry with defineProperty semantics (fromEntries), never by assignment.
  return Object.fromEntries(
    Object.keys(raw)
      .filter((key) => !PROTOTYPE_NAMES.has(key))
      .map((key) => [key, withoutPrototypeKeys(raw[key])]),
  );
}
