/**
 * The narrow view of a Pulumi stack that the preview and release orchestration needs. One adapter implements it
 * with the Automation API (automationDriver.ts); the unit suites implement it with a scripted fake.
 *
 * There is deliberately no `cancel`: cancelling another process's update deletes its lock and can corrupt the
 * stack. The only way to stop an operation is the caller's own AbortSignal, which interrupts the bot's own
 * `pulumi` process and lets it wind down.
 */

/** A value `--set` writes into the stack configuration. */
export type ConfigScalar = string | number | boolean;

/** Resource counts of one operation, by what happens to them. */
export interface ChangeCounts {
  readonly create: number;
  readonly update: number;
  readonly replace: number;
  readonly delete: number;
  readonly same: number;
}

/** What an operation does (or would do) to one resource. Replacement steps of one URN are folded into one. */
export interface ResourceChange {
  readonly urn: string;
  readonly type: string;
  /** create, update, replace, delete, or another engine op (read, import, discard, refresh). */
  readonly op: string;
  /** Properties whose change forces the replacement. */
  readonly replaceKeys?: readonly string[];
  /** Properties that change. */
  readonly diffs?: readonly string[];
  /** The resource is only forgotten by Pulumi on delete; the object stays in the cluster. */
  readonly retainOnDelete?: boolean;
  /**
   * The resource's input properties before the change (the engine's `old.inputs`; absent for a create), kept only for
   * the kinds the gate reads (the Flink operator's job kinds, gates.isJobType). Secrets show as "[secret]".
   */
  readonly oldInputs?: Readonly<Record<string, unknown>>;
  /** The input properties after the change (`new.inputs`; absent for a delete); unknown values show as the engine's placeholder. */
  readonly newInputs?: Readonly<Record<string, unknown>>;
}

/** A warning or error the engine, the program or a policy reported. */
export interface Diagnostic {
  readonly severity: "error" | "warning";
  readonly message: string;
  readonly urn?: string;
}

/** What one refresh, preview or update did (or would do). */
export interface OperationResult {
  readonly counts: ChangeCounts;
  /** Every resource that is not unchanged. */
  readonly changes: readonly ResourceChange[];
  readonly diagnostics: readonly Diagnostic[];
}

/** Stack outputs by name; `secret` outputs carry their plaintext value, never to be printed. */
export type StackOutputs = Readonly<Record<string, { readonly value: unknown; readonly secret: boolean }>>;

export interface OperationOptions {
  /** Aborting it interrupts the operation in flight (the bot's own `pulumi` process). */
  readonly signal: AbortSignal;
  /** Message recorded with an update. */
  readonly message?: string;
}

export interface PreviewOptions extends OperationOptions {
  /** Fail if the preview proposes any change (the idempotency check after an update). */
  readonly expectNoChanges?: boolean;
}

/** One stack, selected in the backend. */
export interface StackHandle {
  readonly name: string;
  /** This project's config areas as the stack file holds them now (area name to value; secure values opaque). */
  readConfig(): Promise<Record<string, unknown>>;
  /** Set one value inside an area, `pulumi config set --path` style: `path` is e.g. `flink.version`. */
  setConfig(path: string, value: ConfigScalar, opts: OperationOptions): Promise<void>;
  refresh(opts: OperationOptions): Promise<OperationResult>;
  preview(opts: PreviewOptions): Promise<OperationResult>;
  up(opts: OperationOptions): Promise<OperationResult>;
  outputs(opts: OperationOptions): Promise<StackOutputs>;
}

export interface StackDriver {
  /** Select an existing stack; never creates one, so a mistyped name cannot start an empty environment. */
  open(stack: string, opts: OperationOptions): Promise<StackHandle>;
}

/** Why a driver operation failed. */
export type DriverErrorKind =
  /** Another update holds the stack's lock: worth waiting for, never to be cancelled. */
  | "concurrent-update"
  /** The backend has no such stack. */
  | "stack-not-found"
  /** The caller's signal interrupted the operation. */
  | "aborted"
  /** Anything else: program errors, failed resource operations, unexpected changes. */
  | "failed";

export class DriverError extends Error {
  constructor(
    public readonly kind: DriverErrorKind,
    message: string,
    /** What the operation had reported before it failed (diagnostics, proposed changes), when known. */
    public readonly partial?: OperationResult,
  ) {
    super(message);
    this.name = "DriverError";
  }
}

export const NO_CHANGES: ChangeCounts = Object.freeze({
  create: 0,
  update: 0,
  replace: 0,
  delete: 0,
  same: 0,
});
