/** Shell building blocks of the platform's setup Jobs and init containers (POSIX sh). */

/** How long a wait loop keeps trying: `attempts` tries, `intervalSeconds` apart. */
export interface WaitBound {
  /** Tries before giving up. Default 60. */
  readonly attempts?: number;
  /** Seconds between tries. Default 5. */
  readonly intervalSeconds?: number;
}

/**
 * Shell lines that run `command` until it succeeds (a server still starting, an endpoint briefly unreachable), and
 * exit 1 with `failure` on stderr once the bound is spent. `command` is a shell command line whose output is
 * discarded; `failure` is printed in double quotes, so it may name shell variables.
 */
export function waitUntilLines(command: string, failure: string, bound: WaitBound = {}): string[] {
  const { attempts = 60, intervalSeconds = 5 } = bound;
  return [
    "attempt=0",
    `until ${command} >/dev/null 2>&1; do`,
    "  attempt=$((attempt + 1))",
    `  if [ "$attempt" -ge ${attempts} ]; then echo "${failure}" >&2; exit 1; fi`,
    `  sleep ${intervalSeconds}`,
    "done",
  ];
}
