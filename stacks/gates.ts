/**
 * The release gate: replacing or deleting a resource that holds data (or, for the CRDs and namespaces, takes data
 * with it), and any change that loses a Flink job's state, stop the release unless someone said so explicitly with
 * `--allow-replace`.
 */
import { ResourceChange } from "./stackDriver";
import { isObject } from "./shared/values";

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

/**
 * A change the gate stops on: a replace or delete of a stateful resource, or a change that loses a job's state
 * (which may also be an update). With the pattern that allowed it, if any.
 */
export interface GateFinding {
  readonly urn: string;
  readonly type: string;
  readonly op: "replace" | "delete" | "update";
  /** Job findings: what happens to the job's state, in plain words. */
  readonly reason?: string;
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

/**
 * The Flink operator's kinds that run jobs, on any API version: session jobs, and FlinkDeployments (application
 * deployments when they have `spec.job`, session clusters otherwise).
 */
const JOB_TYPE = /^kubernetes:flink\.apache\.org\/[^:]+:(FlinkSessionJob|FlinkDeployment)$/;

/**
 * Whether the gate reads a resource's inputs (the old and new `spec.job`): the engine-event collector keeps inputs
 * only for these, so that reports do not carry every resource's inputs.
 */
export function isJobType(type: string): boolean {
  return JOB_TYPE.test(type);
}

/** Upgrade modes that carry a job's state across an upgrade. */
const STATEFUL_MODES = new Set(["savepoint", "last-state"]);

/** What the engine puts in the place of a value that is not known until the update. */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/**
 * `spec` paths whose change alone does not make the operator upgrade a job: the upgrade mode (used at the next
 * upgrade) and the savepoint a first start restores from. Every other change of the spec is an upgrade.
 */
const NO_UPGRADE_PATHS = new Set(["spec.job.upgradeMode", "spec.job.initialSavepointPath"]);

type Inputs = Readonly<Record<string, unknown>>;

/** A job as its inputs show it: its label for messages and its upgrade mode. */
interface JobView {
  readonly label: string;
  /** The upgrade mode as written; the operator's default (stateless) when unset. */
  readonly mode: string;
}

/** The job a Flink resource runs, or undefined for a FlinkDeployment without `spec.job` (a session cluster). */
function jobView(change: ResourceChange, inputs: Inputs): JobView | undefined {
  const spec = isObject(inputs.spec) ? inputs.spec : {};
  const session = change.type.endsWith(":FlinkSessionJob");
  if (!session && !isObject(spec.job)) {
    return undefined;
  }
  const job = isObject(spec.job) ? spec.job : {};
  const metadata = isObject(inputs.metadata) ? inputs.metadata : {};
  const name =
    typeof metadata.name === "string" ? metadata.name : change.urn.slice(change.urn.lastIndexOf("::") + 2);
  const namespace = typeof metadata.namespace === "string" ? `${metadata.namespace}/` : "";
  const mode =
    job.upgradeMode === undefined
      ? "stateless"
      : job.upgradeMode === UNKNOWN
        ? "(not known until the update)"
        : JSON.stringify(job.upgradeMode).replace(/^"(.*)"$/, "$1");
  return { label: `${session ? "session" : "application"} job ${namespace}${name}`, mode };
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The paths under `prefix` where two input trees differ (objects key by key, anything else as a whole). */
function changedPaths(a: unknown, b: unknown, prefix: string): string[] {
  if (isObject(a) && isObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((k) => changedPaths(a[k], b[k], `${prefix}.${k}`));
  }
  return sameValue(a, b) ? [] : [prefix];
}

function someOf(paths: readonly string[], limit = 3): string {
  const shown = paths.slice(0, limit).join(", ");
  return paths.length > limit ? `${shown} and ${paths.length - limit} more` : shown;
}

/** Why a change loses a job's state, or undefined when it does not. */
function jobStateLoss(change: ResourceChange): string | undefined {
  const unknownInputs = (label: string) =>
    `${label} ${change.type.slice(change.type.lastIndexOf(":") + 1)} ${change.urn.slice(change.urn.lastIndexOf("::") + 2)}: ` +
    "the preview does not show its inputs, so whether it loses a job's state cannot be told";
  if (!change.oldInputs) {
    return unknownInputs(
      change.op === "update" ? "updated" : change.op === "replace" ? "replaced" : "deleted",
    );
  }
  const old = jobView(change, change.oldInputs);
  if (!old || !STATEFUL_MODES.has(old.mode)) {
    return undefined;
  }
  switch (change.op) {
    case "delete":
      return change.retainOnDelete
        ? undefined
        : `${old.label} (upgradeMode ${old.mode}) is deleted: its state goes with it (the operator takes no savepoint on deletion)`;
    case "replace":
      return `${old.label} (upgradeMode ${old.mode}) is replaced, deleted and created again: its state goes with the old one and the new one starts without it`;
    default: {
      if (!change.newInputs) {
        return unknownInputs("updated");
      }
      const now = jobView(change, change.newInputs);
      if (!now || STATEFUL_MODES.has(now.mode)) {
        // Losing spec.job makes an application a session cluster, which the operator refuses.
        return undefined;
      }
      const upgrade = changedPaths(change.oldInputs.spec, change.newInputs.spec, "spec").filter(
        (p) => !NO_UPGRADE_PATHS.has(p),
      );
      const modes = `${old.label}: upgradeMode ${old.mode} → ${now.mode}`;
      return upgrade.length === 0
        ? `${modes}; its next upgrade starts without state`
        : `${modes} together with ${someOf(upgrade)}; the operator upgrades it now in the new mode and it restarts without state`;
    }
  }
}

/**
 * Every change that loses a Flink job's state, each with why and the first allow pattern that covers it: deleting or
 * replacing a session job or an application's job whose upgrade mode is savepoint or last-state, and an update that
 * turns such a job stateless (the operator upgrades with the new mode, so with other spec changes the state is lost
 * at once, otherwise at the next upgrade). A job whose inputs the preview does not show counts as losing its state.
 */
export function jobStateFindings(
  changes: readonly ResourceChange[],
  allowPatterns: readonly string[] = [],
): GateFinding[] {
  return changes
    .filter((c) => (c.op === "replace" || c.op === "delete" || c.op === "update") && isJobType(c.type))
    .flatMap((c) => {
      const reason = jobStateLoss(c);
      if (reason === undefined) {
        return [];
      }
      const allowedBy = allowPatterns.find((p) => patternMatches(p, c));
      return [
        {
          urn: c.urn,
          type: c.type,
          op: c.op as GateFinding["op"],
          reason,
          ...(c.replaceKeys?.length ? { replaceKeys: c.replaceKeys } : {}),
          ...(allowedBy !== undefined ? { allowedBy } : {}),
        },
      ];
    });
}

/** The findings that stop the release. */
export function blockingFindings(findings: readonly GateFinding[]): GateFinding[] {
  return findings.filter((f) => f.allowedBy === undefined);
}
