/**
 * A scripted StackDriver for the orchestration suites: every call is recorded in order ("dev refresh"), each
 * operation returns the next scripted outcome (a result, a DriverError to throw, or "hang" until aborted), and
 * `--set` values land in an in-memory stack config that the smoke checks then read.
 */
import { parseConfig } from "../../components/config/parse";
import { parsePropertyPath, withOpaqueSecrets, withValue } from "../../stacks/configSettings";
import type { ReleasePlan } from "../../stacks/orchestrator";
import { RunContext } from "../../stacks/stackRun";
import {
  ChangeCounts,
  ConfigScalar,
  Diagnostic,
  DriverError,
  NO_CHANGES,
  OperationOptions,
  OperationResult,
  PreviewOptions,
  ResourceChange,
  StackDriver,
  StackHandle,
  StackOutputs,
} from "../../stacks/stackDriver";

export type FakeOp = "open" | "config" | "refresh" | "preview" | "up" | "verify" | "outputs";
export type Outcome = OperationResult | DriverError | "hang";

export interface FakeStackSpec {
  config?: Record<string, unknown>;
  /** Outcomes per operation, used in call order; once used up, the operation succeeds with no changes. */
  script?: Partial<Record<FakeOp, Outcome[]>>;
  /** Outputs; by default those the program exports for the stack's current config. */
  outputs?: StackOutputs;
}

export function result(
  changes: ResourceChange[] = [],
  diagnostics: Diagnostic[] = [],
  counts?: Partial<ChangeCounts>,
): OperationResult {
  const count = (op: string) => changes.filter((c) => c.op === op).length;
  return {
    counts: {
      ...NO_CHANGES,
      create: count("create"),
      update: count("update"),
      replace: count("replace"),
      delete: count("delete"),
      same: 10,
      ...counts,
    },
    changes,
    diagnostics,
  };
}

export const urn = (stack: string, type: string, name: string) =>
  `urn:pulumi:${stack}::flink-platform::flink-platform:index:FlinkPlatform$${type}::${name}`;

export function change(stack: string, op: string, type: string, name: string): ResourceChange {
  return { urn: urn(stack, type, name), type, op };
}

/** The Flink operator's job kinds, as Pulumi types them. */
export const SESSION_JOB = "kubernetes:flink.apache.org/v1beta1:FlinkSessionJob";
export const FLINK_DEPLOYMENT = "kubernetes:flink.apache.org/v1beta1:FlinkDeployment";

/** A Flink resource's inputs as the engine's step events carry them (`old.inputs`, `new.inputs`). */
export function flinkInputs(
  type: typeof SESSION_JOB | typeof FLINK_DEPLOYMENT,
  name: string,
  spec: Record<string, unknown>,
  namespace = "flink",
): Record<string, unknown> {
  return {
    apiVersion: "flink.apache.org/v1beta1",
    kind: type.slice(type.lastIndexOf(":") + 1),
    metadata: { name, namespace, labels: { "app.kubernetes.io/managed-by": "pulumi" } },
    spec,
  };
}

/** A `spec.job` as the program writes it (components/flink/jobSchema.ts jobSpec), with overrides. */
export function jobSpecOf(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    jarURI: "https://repo.example.com/etl/etl-orders-1.0.jar",
    args: [],
    parallelism: 2,
    upgradeMode: "savepoint",
    allowNonRestoredState: false,
    state: "running",
    ...overrides,
  };
}

/**
 * A change of a Flink resource with its old and new spec (old: not for creates, new: not for deletes), shaped as the
 * engine-event collector makes it: the inputs are ResourceChange's oldInputs and newInputs.
 */
export function flinkChange(
  stack: string,
  op: string,
  type: typeof SESSION_JOB | typeof FLINK_DEPLOYMENT,
  name: string,
  specs: { old?: Record<string, unknown>; new?: Record<string, unknown> },
): ResourceChange {
  return {
    ...change(stack, op, type, name),
    ...(specs.old ? { oldInputs: flinkInputs(type, name, specs.old) } : {}),
    ...(specs.new ? { newInputs: flinkInputs(type, name, specs.new) } : {}),
  };
}

export const locked = () =>
  new DriverError(
    "concurrent-update",
    "the stack is currently locked by 1 lock(s). Either wait for the other process(es) to end or delete the lock file with `pulumi cancel`.",
  );

/** The outputs index.ts exports for a raw config (secure values decrypted to some string). */
export function outputsFor(config: Record<string, unknown>): StackOutputs {
  const parsed = parseConfig(withOpaqueSecrets(config) as Record<string, unknown>);
  const clusters = Object.fromEntries(
    parsed.flink.clusters.map((c) => [
      c.name,
      {
        namespace: c.namespace,
        restUrl: `http://${c.name}-rest.${c.namespace}.svc:8081`,
        ...(c.ingress.enabled
          ? { ingressUrl: `${c.ingress.tlsSecretName ? "https" : "http"}://${c.ingress.host}/` }
          : {}),
      },
    ]),
  );
  return {
    namespace: { value: parsed.platform.namespace, secret: false },
    operatorVersion: { value: "1.15.0", secret: false },
    clusters: { value: clusters, secret: false },
  };
}

class FakeStack implements StackHandle {
  constructor(
    readonly name: string,
    private readonly driver: FakeStackDriver,
    private readonly spec: FakeStackSpec,
  ) {}

  readConfig(): Promise<Record<string, unknown>> {
    return Promise.resolve(structuredClone(this.spec.config ?? {}));
  }

  async setConfig(path: string, value: ConfigScalar, opts: OperationOptions): Promise<void> {
    await this.driver.perform(this.name, "config", opts, `${path}=${JSON.stringify(value)}`);
    this.spec.config = withValue(this.spec.config ?? {}, parsePropertyPath(path), value);
  }

  refresh(opts: OperationOptions): Promise<OperationResult> {
    return this.driver.perform(this.name, "refresh", opts);
  }

  async preview(opts: PreviewOptions): Promise<OperationResult> {
    if (!opts.expectNoChanges) {
      return this.driver.perform(this.name, "preview", opts);
    }
    const outcome = await this.driver.perform(this.name, "verify", opts);
    if (outcome.changes.length > 0) {
      // What the CLI does with --expect-no-changes.
      throw new DriverError("failed", "no changes were expected but changes were proposed", outcome);
    }
    return outcome;
  }

  up(opts: OperationOptions): Promise<OperationResult> {
    return this.driver.perform(this.name, "up", opts);
  }

  async outputs(opts: OperationOptions): Promise<StackOutputs> {
    await this.driver.perform(this.name, "outputs", opts);
    return this.spec.outputs ?? outputsFor(this.spec.config ?? {});
  }
}

export class FakeStackDriver implements StackDriver {
  readonly calls: string[] = [];
  /** Called with each call as it starts (e.g. to abort the run in the middle of one). */
  onCall: (call: string) => void = () => undefined;

  constructor(readonly specs: Record<string, FakeStackSpec>) {}

  async open(stack: string, opts: OperationOptions): Promise<StackHandle> {
    await this.perform(stack, "open", opts);
    const spec = this.specs[stack];
    if (!spec) {
      throw new DriverError("stack-not-found", `no stack named '${stack}' found`);
    }
    return new FakeStack(stack, this, spec);
  }

  /** Record the call and play the next scripted outcome. */
  perform(stack: string, op: FakeOp, opts: OperationOptions, detail?: string): Promise<OperationResult> {
    const call = `${stack} ${op}${detail ? ` ${detail}` : ""}`;
    this.calls.push(call);
    this.onCall(call);
    const outcome = this.specs[stack]?.script?.[op]?.shift() ?? result();
    if (outcome === "hang") {
      return new Promise((_, reject) => {
        const abort = () => reject(new DriverError("aborted", "interrupted"));
        if (opts.signal.aborted) {
          abort();
        }
        opts.signal.addEventListener("abort", abort, { once: true });
      });
    }
    return outcome instanceof DriverError ? Promise.reject(outcome) : Promise.resolve(outcome);
  }
}

/** A run context with a fake clock (one second per reading) and a sleep that only records its waits. */
export function fakeContext(driver: StackDriver, controller = new AbortController()) {
  let tick = 0;
  const sleeps: number[] = [];
  const lines: string[] = [];
  const ctx: RunContext = {
    driver,
    signal: controller.signal,
    retry: { retries: 3, initialDelayMs: 10_000, maxDelayMs: 25_000 },
    sleep: (ms, signal) => {
      sleeps.push(ms);
      return signal.aborted ? Promise.reject(new Error("aborted")) : Promise.resolve();
    },
    clock: () => new Date(Date.UTC(2026, 0, 1, 12, 0, 0) + 1000 * tick++),
    log: (line) => lines.push(line),
    revision: "abc123def456",
  };
  return { ctx, sleeps, lines, controller };
}

/** The stacks of the release suites, in promotion order. */
export const STACKS = ["dev", "staging", "prod"];

/** A release plan of the three stacks, with overrides. */
export function releasePlan(overrides: Partial<ReleasePlan> = {}): ReleasePlan {
  return {
    stacks: STACKS,
    settings: [],
    allowReplace: [],
    message: "release test",
    expectedOperatorVersion: "1.15.0",
    ...overrides,
  };
}

/** A fake driver of the three stacks, each as `specs` says (default: previews and updates succeed). */
export function threeStacks(
  specs: Partial<Record<string, ConstructorParameters<typeof FakeStackDriver>[0][string]>> = {},
) {
  return new FakeStackDriver({ dev: {}, staging: {}, prod: {}, ...specs });
}
