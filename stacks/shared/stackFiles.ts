/**
 * Reading `Pulumi.<stack>.yaml` files the way the program sees them: this project's keys, by area. Used by the
 * tests, the benchmark and the release tooling, which evaluate stacks without the Pulumi CLI.
 */
import * as fs from "fs";
import * as path from "path";
import YAML from "yaml";
import { PROJECT } from "../../components/config/problems";

/** The project's root folder (where Pulumi.yaml lives). */
export const PROJECT_ROOT = path.resolve(__dirname, "..", "..");

/** Stack names that have a `Pulumi.<stack>.yaml` in the project root, sorted. */
export function stackNames(root = PROJECT_ROOT): string[] {
  return fs
    .readdirSync(root)
    .map((file) => /^Pulumi\.(.+)\.yaml$/.exec(file)?.[1])
    .filter((name): name is string => name !== undefined)
    .sort();
}

/** This project's config of a stack, area name to value (secure values are left out: they need the CLI). */
export function readStackConfig(stack: string, root = PROJECT_ROOT): Record<string, unknown> {
  const file = path.join(root, `Pulumi.${stack}.yaml`);
  const doc = (YAML.parse(fs.readFileSync(file, "utf8")) ?? {}) as { config?: Record<string, unknown> };
  const raw: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(doc.config ?? {})) {
    const [namespace, area] = key.split(":", 2);
    if (namespace === PROJECT && area) {
      raw[area] = value;
    }
  }
  return raw;
}

/** The defaults Pulumi.yaml declares for this project's config, area name to value. */
export function readProjectDefaults(root = PROJECT_ROOT): Record<string, unknown> {
  const doc = YAML.parse(fs.readFileSync(path.join(root, "Pulumi.yaml"), "utf8")) as {
    config?: Record<string, { default?: unknown }>;
  };
  return Object.fromEntries(Object.entries(doc.config ?? {}).map(([key, decl]) => [key, decl.default]));
}
