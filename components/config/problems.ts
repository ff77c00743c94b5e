/**
 * Config problems and the one error that lists them. Validation never stops at the first problem: every check
 * returns its problems by config path, and one `ConfigError` reports them all before anything is registered.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";

/** The Pulumi project name; config keys are `flink-platform:<area>`. */
export const PROJECT = "flink-platform";

/** One problem with the configuration, by the path of the offending key. */
export interface ConfigProblem {
  readonly path: string;
  readonly message: string;
}

/** What validation may know beyond the config objects: which secret config keys are set (never their values). */
export interface ConfigContext {
  readonly secretConfigKeys: ReadonlySet<string>;
  /** Secret config keys that are set but stored in plain text. */
  readonly plainSecretConfigKeys?: ReadonlySet<string>;
}

/** Raised for invalid configuration; the message lists every problem. */
export class ConfigError extends pulumi.RunError {
  constructor(public readonly problems: readonly ConfigProblem[]) {
    super(
      `Invalid stack configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
        problems.map((p) => `  - ${PROJECT}:${p.path}: ${p.message}`).join("\n"),
    );
  }
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.map(String).join(".");
}

/** Flatten zod's issues into config problems, naming unknown keys one by one. */
export function schemaProblems(issues: readonly z.core.$ZodIssue[]): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const issue of issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        problems.push({
          path: formatPath([...issue.path, key]),
          message: "unknown key (check its spelling and place)",
        });
      }
    } else if (issue.code === "invalid_key") {
      const reasons = issue.issues.map((i) => i.message).join("; ");
      problems.push({ path: formatPath(issue.path), message: `invalid name: ${reasons}` });
    } else {
      problems.push({ path: formatPath(issue.path), message: issue.message });
    }
  }
  return problems;
}
