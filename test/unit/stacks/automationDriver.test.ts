import * as assert from "assert";
import { CommandError, ConcurrentUpdateError, StackNotFoundError } from "@pulumi/pulumi/automation";
import { commandFailure, toDriverError } from "../../../stacks/automationDriver";
import { DriverError } from "../../../stacks/stackDriver";

describe("Automation API errors", () => {
  const signal = new AbortController().signal;
  // The SDK builds these from the CLI's result; its message is the result's text.
  const cliText = (stderr: string) => `code: 255\n stdout: \n stderr: ${stderr}\n err?: \n`;

  it("maps a held lock to a concurrent update, a missing stack to stack-not-found, the rest to failed", () => {
    const lockText =
      "error: the stack is currently locked by 1 lock(s). Either wait for the other process(es) to end or delete the lock file with `pulumi cancel`.";
    const busy = toDriverError(new ConcurrentUpdateError(cliText(lockText)), signal);
    assert.strictEqual(busy.kind, "concurrent-update");
    assert.match(busy.message, /^the stack is currently locked by 1 lock\(s\)/);
    assert.strictEqual(
      toDriverError(new StackNotFoundError(cliText("error: no stack named 'prod' found")), signal).kind,
      "stack-not-found",
    );
    const failed = toDriverError(
      new CommandError(
        cliText("Updating...\nerror: update failed\nerror: update failed\nerror: 1 resource failed"),
      ),
      signal,
    );
    assert.deepStrictEqual([failed.kind, failed.message], ["failed", "update failed; 1 resource failed"]);
  });

  it("calls anything that fails after the signal aborted an abort, keeping what was collected", () => {
    const controller = new AbortController();
    controller.abort();
    const partial = {
      counts: { create: 0, update: 0, replace: 0, delete: 0, same: 0 },
      changes: [],
      diagnostics: [],
    };
    const err = toDriverError(
      new CommandError(cliText("error: update canceled")),
      controller.signal,
      partial,
    );
    assert.deepStrictEqual([err.kind, err.partial], ["aborted", partial]);
    const own = new DriverError("stack-not-found", "x");
    assert.strictEqual(toDriverError(own, controller.signal), own);
  });

  it("summarises a failure without error lines by its tail", () => {
    assert.strictEqual(
      commandFailure(new Error("code: -2\n stdout: \n stderr: spawn pulumi ENOENT\n err?: \n")),
      "spawn pulumi ENOENT",
    );
  });
});
