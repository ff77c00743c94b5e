/** Small checks on values read from outside the program (stack files, engine events). */

/** Whether a value is a plain object (not null, not an array): a map of keys to read further. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
