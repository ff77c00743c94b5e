/**
 * The release gate: replacing or deleting a resource that holds data (or, for the CRDs and namespaces, takes data
 * with it) stops the release unless someone said so explicitly with `--allow-replace`.
 */
import { ResourceChange } from "./stackDriver";

/**
 * Kubernetes kinds whose replacement or deletion loses data: PVCs and StatefulSets (their claims), the operator's
 * CRDs (deleting one deletes every FlinkDeployment of that kind) and namespaces (deleting one deletes every PVC in
 * it). Matched on any API version.
 */
export const STATEFUL_KINDS = [
  "PersistentVolumeClaim",
  "StatefulSet",
  "CustomResourceDefinition",
  "Namespace",
];

const STATEFUL_TYPE = new RegExp(`^kubernetes:[^:]+:(${STATEFUL_KINDS.join("|")})$`);

export function isStatefulType(type: string): boolean {
  return STATEFUL_TYPE.test(type);
}

/** A replace or delete of a stateful resource, and the pattern that allowed it, if any. */
export interface GateFinding {
  readonly urn: string;
  readonly type: string;
  readonly op: "replace" | "delete";
  readonly retainOnDelete?: boolean;
  readonly replaceKeys?: readonly string[];
  readonly allowedBy?: string;
}

/**
 * Whether a `--allow-replace` pattern covers a resource: the pattern is compared with the resource's type token
 * and with its URN; `*` matches any run of characters, everything else is literal.
 */
export function patternMatches(pattern: string, change: Pick<ResourceChange, "urn" | "type">): boolean {
  const regex = new RegExp(
    `^${pattern
      .split("*")
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
      .join(".*")}$`,
  );
  return regex.test(change.type) || regex.test(change.urn);
}

/** Every stateful replace or delete among the changes, each with the first allow pattern that covers it. */
export function statefulFindings(
  changes: readonly ResourceChange[],
  allowPatterns: readonly string[] = [],
): GateFinding[] {
  return changes
    .filter((c) => (c.op === "replace" || c.op === "delete") && isStatefulType(c.type))
    .map((c) => {
      const allowedBy = allowPatterns.find((p) => patternMatches(p, c));
      return {
        urn: c.urn,
        type: c.type,
        op: c.op as "replace" | "delete",
        ...(c.retainOnDelete ? { retainOnDelete: true } : {}),
        ...(c.replaceKeys?.length ? { replaceKeys: c.replaceKeys } : {}),
        ...(allowedBy !== undefined ? { allowedBy } : {}),
      };
    });
}

/** The findings that stop the release. */
export function blockingFindings(findings: readonly GateFinding[]): GateFinding[] {
  return findings.filter((f) => f.allowedBy === undefined);
}
