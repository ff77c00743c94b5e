import * as assert from "assert";
import { abortReason } from "../../../stacks/abort";
import { runPreview } from "../../../stacks/orchestrator";
import { DriverError } from "../../../stacks/stackDriver";
import {
  change,
  FakeStackDriver,
  fakeContext,
  flinkChange,
  jobSpecOf,
  result,
  SESSION_JOB,
  urn,
} from "../../support/fakeStackDriver";

const STATEFULSET = "kubernetes:apps/v1:StatefulSet";
const DEPLOYMENT = "kubernetes:apps/v1:Deployment";

const STACKS = ["dev", "staging", "prod"];

function threeStacks(
  specs: Partial<Record<string, ConstructorParameters<typeof FakeStackDriver>[0][string]>> = {},
) {
  return new FakeStackDriver({ dev: {}, staging: {}, prod: {}, ...specs });
}

describe("preview orchestration", () => {
  it("previews every stack, even after one fails, and reports errors, warnings and stateful changes", async () => {
    const driver = threeStacks({
      dev: {
        script: {
          preview: [
            result(
              [
                change("dev", "create", DEPLOYMENT, "streampark"),
                change("dev", "replace", STATEFULSET, "zookeeper"),
              ],
              [
                {
                  severity: "warning",
                  message: "Input properties have unknown values. Preview is incomplete.",
                },
              ],
            ),
          ],
        },
      },
      staging: {
        script: {
          preview: [
            new DriverError(
              "failed",
              "preview failed",
              result([], [{ severity: "error", message: "configured Kubernetes cluster is unreachable" }]),
            ),
          ],
        },
      },
    });
    const report = await runPreview(STACKS, fakeContext(driver).ctx);
    assert.deepStrictEqual(driver.calls, [
      "dev open",
      "dev preview",
      "staging open",
      "staging preview",
      "prod open",
      "prod preview",
    ]);
    assert.strictEqual(report.status, "failed");
    assert.deepStrictEqual(
      report.stacks.map((s) => s.status),
      ["ok", "failed", "ok"],
    );
    assert.deepStrictEqual(report.stacks[0].stateful, [
      { urn: urn("dev", STATEFULSET, "zookeeper"), type: STATEFULSET, op: "replace" },
    ]);
    assert.deepStrictEqual(report.stacks[1].failure, {
      step: "preview",
      reason: "configured Kubernetes cluster is unreachable",
    });
    assert.strictEqual(report.stacks[0].diagnostics[0].severity, "warning");
  });

  it("reports the changes that lose a job's state, without allowing any", async () => {
    const driver = new FakeStackDriver({
      dev: {
        script: {
          preview: [
            result([
              flinkChange("dev", "replace", SESSION_JOB, "etl-orders", {
                old: { deploymentName: "session", job: jobSpecOf() },
                new: { deploymentName: "session-2", job: jobSpecOf() },
              }),
            ]),
          ],
        },
      },
    });
    const report = await runPreview(["dev"], fakeContext(driver).ctx);
    assert.strictEqual(report.stacks[0].status, "ok");
    assert.deepStrictEqual(report.stacks[0].jobState, [
      {
        urn: urn("dev", SESSION_JOB, "etl-orders"),
        type: SESSION_JOB,
        op: "replace",
        reason:
          "session job flink/etl-orders (upgradeMode savepoint) is replaced, deleted and created again: its state " +
          "goes with the old one and the new one starts without it",
      },
    ]);
  });

  it("succeeds when every stack previews", async () => {
    const report = await runPreview(["dev"], fakeContext(new FakeStackDriver({ dev: {} })).ctx);
    assert.strictEqual(report.status, "succeeded");
    assert.deepStrictEqual(report.stacks[0].preview?.counts, {
      create: 0,
      update: 0,
      replace: 0,
      delete: 0,
      same: 10,
    });
  });

  it("stops previewing on abort and marks the rest not run", async () => {
    const driver = threeStacks({ dev: { script: { preview: ["hang"] } } });
    const { ctx, controller } = fakeContext(driver);
    driver.onCall = (call) => {
      if (call === "dev preview") {
        setImmediate(() => controller.abort(abortReason("SIGINT", false)));
      }
    };
    const report = await runPreview(STACKS, ctx);
    assert.strictEqual(report.status, "aborted");
    assert.deepStrictEqual(
      report.stacks.map((s) => s.status),
      ["aborted", "skipped", "skipped"],
    );
    assert.deepStrictEqual(driver.calls, ["dev open", "dev preview"]);
  });
});
