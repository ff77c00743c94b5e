/** The setup Jobs' wait loop, run by a real POSIX shell. */
import * as assert from "assert";
import { spawnSync } from "child_process";
import { waitUntilLines } from "../../../components/kube/shell";

/** Runs the wait loop, then a marker line, in `sh`; returns the exit status, stdout and stderr. */
function runLoop(command: string, attempts: number) {
  const script = [
    ...waitUntilLines(command, "the server did not answer", { attempts, intervalSeconds: 0 }),
    "echo after",
  ];
  // A loop that never ends is cut off after 10 s (and fails the test).
  return spawnSync("sh", ["-c", script.join("\n")], { encoding: "utf8", timeout: 10000 });
}

describe("wait loop", () => {
  it("goes on once the command succeeds", () => {
    const run = runLoop("true", 3);
    assert.strictEqual(run.status, 0);
    assert.strictEqual(run.stdout, "after\n");
  });

  it("keeps trying until the command succeeds", () => {
    // Succeeds on the third try: a counter file in a temp dir of the shell's own.
    const dir = spawnSync("mktemp", ["-d"], { encoding: "utf8" }).stdout.trim();
    const run = runLoop(`{ echo x >> ${dir}/tries; [ "$(wc -l < ${dir}/tries)" -ge 3 ]; }`, 5);
    assert.strictEqual(run.status, 0, run.stderr);
    assert.strictEqual(
      spawnSync("wc", ["-l", `${dir}/tries`], { encoding: "utf8" })
        .stdout.trim()
        .split(" ")[0],
      "3",
    );
    spawnSync("rm", ["-rf", dir]);
  });

  it("stops with exit 1 and the message once the bound is spent, running nothing after it", () => {
    const run = runLoop("false", 2);
    assert.strictEqual(run.status, 1);
    assert.strictEqual(run.stdout, "");
    assert.strictEqual(run.stderr, "the server did not answer\n");
  });
});
