/**
 * The decisions of the render command, pure: the configuration a throw-away stack gets from `Pulumi.<stack>.yaml`,
 * whether the output directory may be written, and what the stack's `secretsToProvide` output says.
 */
import * as path from "path";
import { PROJECT } from "../components/config/problems";
import { EnvironmentError } from "./environment";
import { isObject } from "./shared/values";
import type { StackOutputs } from "./stackDriver";

/** The config key of the Kubernetes area, which carries `renderYamlToDirectory`. */
const KUBERNETES_KEY = `${PROJECT}:kubernetes`;

/** Config keys whose values the stack file holds encrypted (`{secure: …}`), at any depth. */
export function secureKeys(config: Record<string, unknown>): string[] {
  const found: string[] = [];
  const visit = (value: unknown, key: string) => {
    if (isObject(value)) {
      if ("secure" in value) {
        found.push(key);
        return;
      }
      Object.entries(value).forEach(([k, v]) => visit(v, `${key}.${k}`));
    } else if (Array.isArray(value)) {
      value.forEach((v, i) => visit(v, `${key}[${i}]`));
    }
  };
  Object.entries(config).forEach(([k, v]) => visit(v, k));
  return found;
}

/**
 * The configuration of the throw-away stack that renders `stack`: the stack file's own config (every namespace,
 * unchanged) with `kubernetes.renderYamlToDirectory` set to `outDir`, so that the provider writes manifests and never
 * contacts a cluster. Throws EnvironmentError (the command exits 2) for what an offline render cannot take:
 * encrypted values, which only the real stack's secrets provider decrypts, and a Kubernetes area that is no object.
 */
export function renderConfig(stack: string, stackFile: unknown, outDir: string): Record<string, unknown> {
  const file = `Pulumi.${stack}.yaml`;
  if (stackFile !== null && stackFile !== undefined && !isObject(stackFile)) {
    throw new EnvironmentError(`${file} is not a stack file (a YAML mapping with a config: section)`);
  }
  const config = (stackFile as { config?: unknown } | null | undefined)?.config ?? {};
  if (!isObject(config)) {
    throw new EnvironmentError(`${file}: config: must be a mapping of keys to values`);
  }
  const secure = secureKeys(config);
  if (secure.length > 0) {
    throw new EnvironmentError(
      `${file} holds encrypted values (${secure.join(", ")}), which a throw-away stack cannot decrypt: ` +
        "reference existing Secrets instead (e.g. storage.s3.external.credentialsSecret), or render the real stack " +
        "with `pulumi config set --path kubernetes.renderYamlToDirectory <dir>` and `pulumi up`",
    );
  }
  const kubernetes = config[KUBERNETES_KEY] ?? {};
  if (!isObject(kubernetes)) {
    throw new EnvironmentError(`${file}: ${KUBERNETES_KEY} must be an object, e.g. {} or {context: ...}`);
  }
  return { ...config, [KUBERNETES_KEY]: { ...kubernetes, renderYamlToDirectory: outDir } };
}

/**
 * Where a render writes: `dir` as the user typed it, relative to where they typed it (`cwd`), or by default
 * `rendered/<stack>` in the project root, wherever the command was run from.
 */
export function renderDir(
  stack: string,
  dir: string | undefined,
  where: { readonly projectRoot: string; readonly cwd: string },
): string {
  return dir === undefined ? path.join(where.projectRoot, "rendered", stack) : path.resolve(where.cwd, dir);
}

/** The subdirectories the provider renders into: CRDs first, then everything else. */
export const RENDER_SUBDIRS = ["0-crd", "1-manifest"] as const;

/**
 * Why `dir` (holding `entries`) must not be rendered into, or undefined. An earlier render's subdirectories are
 * replaced, so that objects the stack no longer has do not linger; dotfiles (.gitignore, .gitkeep) are kept; any
 * other file means the directory is someone else's.
 */
export function outputDirProblem(dir: string, entries: readonly string[]): string | undefined {
  const foreign = entries.filter(
    (e) => !e.startsWith(".") && !(RENDER_SUBDIRS as readonly string[]).includes(e),
  );
  if (foreign.length === 0) {
    return undefined;
  }
  const shown =
    foreign.slice(0, 3).join(", ") + (foreign.length > 3 ? `, and ${foreign.length - 3} more` : "");
  return `${dir} holds files a render did not write (${shown}): render into an empty directory or one an earlier render wrote`;
}

/** A Secret the rendered manifests refer to but do not contain: the user creates it in the cluster. */
export interface SecretToProvide {
  readonly namespace: string;
  readonly name: string;
  readonly keys: readonly string[];
}

/** What the `secretsToProvide` output says: nothing (not exported), a list, or something unreadable. */
export type SecretsToProvide =
  | { readonly kind: "absent" }
  | { readonly kind: "list"; readonly secrets: readonly SecretToProvide[] }
  | { readonly kind: "unreadable"; readonly reason: string };

function isSecretToProvide(value: unknown): value is SecretToProvide {
  return (
    isObject(value) &&
    typeof value.namespace === "string" &&
    typeof value.name === "string" &&
    Array.isArray(value.keys) &&
    value.keys.every((k) => typeof k === "string")
  );
}

/** Read the stack's `secretsToProvide` output (an array of `{namespace, name, keys}`), if it exports one. */
export function readSecretsToProvide(outputs: StackOutputs): SecretsToProvide {
  const output = outputs.secretsToProvide;
  if (output === undefined) {
    return { kind: "absent" };
  }
  if (output.secret) {
    return { kind: "unreadable", reason: "it is a secret output, and render prints no secrets" };
  }
  if (!Array.isArray(output.value) || !output.value.every(isSecretToProvide)) {
    return {
      kind: "unreadable",
      reason: `expected a list of {namespace, name, keys}, got ${JSON.stringify(output.value).slice(0, 200)}`,
    };
  }
  return { kind: "list", secrets: output.value };
}

/** The lines that tell the user which Secrets to create; none when the program does not export the list. */
export function secretsToProvideLines(secrets: SecretsToProvide): string[] {
  switch (secrets.kind) {
    case "absent":
      return [];
    case "unreadable":
      return [`The stack output secretsToProvide cannot be shown: ${secrets.reason}.`];
    case "list":
      if (secrets.secrets.length === 0) {
        return ["Secrets to provide: none (the manifests hold every Secret they use)."];
      }
      return [
        "Secrets to provide: the manifests use these Secrets but do not contain them; create them in the cluster first:",
        ...secrets.secrets.map(
          (s) => `  ${s.namespace}/${s.name}: ${s.keys.length > 0 ? s.keys.join(", ") : "(any keys)"}`,
        ),
      ];
  }
}

/** Whether a rendered file is a Secret: the provider names its files `<apiVersion>-<kind>-<namespace>-<name>.yaml`. */
export function isSecretManifest(file: string): boolean {
  return /^v1-secret-/.test(file);
}

/**
 * Where the manifests are, and what is in them. `counts` are the files per render subdirectory; `secrets` the
 * Secret manifests among them, which hold their values in plain text (the stack opted in with
 * kubernetes.renderSecrets, or a chart renders them).
 */
export function renderSummaryLines(
  stack: string,
  dir: string,
  counts: Readonly<Record<string, number>>,
  secrets: readonly string[],
): string[] {
  const parts = RENDER_SUBDIRS.map((sub) => `${counts[sub] ?? 0} in ${sub}/`);
  const lines = [`Rendered stack ${stack} to ${dir}: ${parts.join(", ")}.`];
  if (secrets.length === 0) {
    lines.push("No Secret is written: the manifests hold no password or key.");
  } else {
    const shown =
      secrets.slice(0, 3).join(", ") + (secrets.length > 3 ? `, and ${secrets.length - 3} more` : "");
    lines.push(
      `${secrets.length} Secret manifest${secrets.length === 1 ? " holds its" : "s hold their"} values in plain text (${shown}): ` +
        "keep them out of version control unless encrypted.",
    );
  }
  return lines;
}
