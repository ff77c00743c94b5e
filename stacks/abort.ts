/**
 * Stopping a run on SIGINT/SIGTERM without harming the stack.
 *
 * The Automation API stops an operation by sending its `pulumi` process one SIGINT, on which the CLI cancels
 * gracefully (in-flight resource operations finish, the lock is released). A second SIGINT makes the CLI terminate
 * at once, which can leave pending operations in the state. Ctrl-C in a terminal already delivers SIGINT to the
 * whole foreground process group, `pulumi` included; forwarding it again would be that second SIGINT. So an
 * interrupt that came from a terminal is recorded (the run stops after the current operation winds down) but not
 * forwarded; SIGTERM, or SIGINT without a terminal (CI cancelling a job), is forwarded.
 */

/** Why the run was aborted, carried as the AbortSignal's reason. */
export interface AbortReason {
  readonly signal: NodeJS.Signals;
  /** The operation's own `pulumi` process got the signal directly (terminal Ctrl-C). */
  readonly reachedChildren: boolean;
}

export function abortReason(signal: NodeJS.Signals, fromTerminal: boolean): AbortReason {
  return { signal, reachedChildren: signal === "SIGINT" && fromTerminal };
}

function isAbortReason(value: unknown): value is AbortReason {
  return typeof value === "object" && value !== null && "signal" in value && "reachedChildren" in value;
}

/** A name for what aborted the run, for the report. */
export function describeAbort(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  if (isAbortReason(reason)) {
    return reason.signal;
  }
  return reason instanceof Error ? reason.message : "abort";
}

/**
 * The signal to hand to the Automation API: it aborts with `signal` unless the operation's process already got
 * the interrupt itself.
 */
export function forwardedSignal(signal: AbortSignal): AbortSignal {
  const forwarded = new AbortController();
  const follow = () => {
    const reason: unknown = signal.reason;
    if (!(isAbortReason(reason) && reason.reachedChildren)) {
      forwarded.abort(reason);
    }
  };
  if (signal.aborted) {
    follow();
  } else {
    signal.addEventListener("abort", follow, { once: true });
  }
  return forwarded.signal;
}

/** Resolve after `ms`, or reject as soon as `signal` aborts. */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(new Error("aborted"));
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(new Error("aborted"));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * Abort `controller` on the first SIGINT or SIGTERM; later signals only say that the run is stopping. Returns a
 * function that removes the handlers.
 */
export function abortOnSignals(
  controller: AbortController,
  fromTerminal: boolean,
  log: (line: string) => void,
  target: Pick<NodeJS.Process, "on" | "off"> = process,
): () => void {
  const handler = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      log(`${signal}: already stopping; waiting for the current operation to wind down`);
      return;
    }
    const reason = abortReason(signal, fromTerminal);
    log(
      reason.reachedChildren
        ? `${signal}: stopping after the current operation, which pulumi is cancelling`
        : `${signal}: interrupting the current operation and stopping`,
    );
    controller.abort(reason);
  };
  target.on("SIGINT", handler);
  target.on("SIGTERM", handler);
  return () => {
    target.off("SIGINT", handler);
    target.off("SIGTERM", handler);
  };
}
