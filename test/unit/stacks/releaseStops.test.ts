import * as assert from "assert";
import { abortReason } from "../../../stacks/abort";
import { parseSetting } from "../../../stacks/configSettings";
import { runRelease } from "../../../stacks/orchestrator";
import { DriverError } from "../../../stacks/stackDriver";
import {
  change,
  FakeStackDriver,
  fakeContext,
  locked,
  result,
  outputsFor,
  urn,
  releasePlan,
  threeStacks,
} from "../../support/fakeStackDriver";

const DEPLOYMENT = "kubernetes:apps/v1:Deployment";

describe("release orchestration", () => {
  describe("stopping at the first failure", () => {
    it("stops when an update fails and reports its errors", async () => {
      const failure = new DriverError(
        "failed",
        "update failed",
        result(
          [],
          [
            {
              severity: "error",
              urn: urn("staging", DEPLOYMENT, "streampark"),
              message: "timed out waiting for the condition",
            },
            { severity: "warning", message: "chart values are deprecated" },
          ],
        ),
      );
      const driver = threeStacks({ staging: { script: { up: [failure] } } });
      const report = await runRelease(releasePlan(), fakeContext(driver).ctx);
      assert.deepStrictEqual(
        report.stacks.map((s) => s.status),
        ["ok", "failed", "skipped"],
      );
      assert.deepStrictEqual(report.stoppedAt, {
        stack: "staging",
        step: "up",
        reason: "timed out waiting for the condition",
      });
      assert.deepStrictEqual(
        report.stacks[1].diagnostics.map((d) => [d.severity, d.step]),
        [
          ["error", "up"],
          ["warning", "up"],
        ],
      );
      assert.ok(!driver.calls.includes("staging verify"));
      assert.deepStrictEqual(
        report.stacks[2].steps.map((s) => s.step),
        ["open"],
      );
    });

    it("stops when the preview after the update still proposes changes", async () => {
      const perpetual = result([change("dev", "update", "kubernetes:core/v1:ConfigMap", "flink-config")]);
      const driver = threeStacks({ dev: { script: { verify: [perpetual] } } });
      const report = await runRelease(releasePlan(), fakeContext(driver).ctx);
      assert.strictEqual(report.stoppedAt?.stack, "dev");
      assert.strictEqual(report.stoppedAt?.step, "verify");
      assert.match(report.stoppedAt?.reason ?? "", /still proposes 1 change \(update urn:.*flink-config\)/);
      assert.deepStrictEqual(report.stacks[0].leftover?.changes, perpetual.changes);
      assert.ok(!driver.calls.includes("dev outputs"));
      assert.ok(!driver.calls.includes("staging refresh"));
    });

    it("stops when the smoke checks fail", async () => {
      const outputs = outputsFor({});
      const driver = threeStacks({
        dev: {
          outputs: {
            ...outputs,
            operatorVersion: { value: "1.14.0", secret: false },
            clusters: {
              value: { session: { namespace: "flink", restUrl: "session-rest:8081" } },
              secret: false,
            },
          },
        },
      });
      const report = await runRelease(releasePlan(), fakeContext(driver).ctx);
      assert.strictEqual(report.stoppedAt?.step, "smoke");
      assert.strictEqual(
        report.stoppedAt?.reason,
        '2 smoke checks failed: operatorVersion: expected 1.15.0, got "1.14.0"; ' +
          'cluster session: restUrl "session-rest:8081" is not http://session-rest.flink.svc:8081',
      );
      assert.deepStrictEqual(
        report.stacks[0].smoke?.map((c) => [c.name, c.ok]),
        [
          ["operatorVersion", false],
          ["namespace", true],
          ["clusters", true],
          ["cluster session", false],
        ],
      );
    });

    it("stops before anything changes when a stack does not exist", async () => {
      const driver = new FakeStackDriver({ dev: {}, staging: {} });
      const report = await runRelease(
        releasePlan({ settings: [parseSetting("flink.version=1.19")] }),
        fakeContext(driver).ctx,
      );
      assert.deepStrictEqual(driver.calls, ["dev open", "staging open", "prod open"]);
      assert.deepStrictEqual(report.stoppedAt?.stack, "prod");
      assert.deepStrictEqual(report.stoppedAt?.step, "open");
      assert.match(
        report.stoppedAt?.reason ?? "",
        /no stack 'prod' in the backend\. The bot never creates stacks/,
      );
      assert.deepStrictEqual(
        report.stacks.map((s) => s.status),
        ["skipped", "skipped", "failed"],
      );
    });

    it("reports a program error from the preview by its first error message", async () => {
      const programError = new DriverError(
        "failed",
        "preview failed",
        result(
          [],
          [
            {
              severity: "error",
              message:
                "Invalid stack configuration (1 problem):\n  - flink-platform:flink.version: Flink '3.0' is not accepted",
            },
          ],
        ),
      );
      const driver = new FakeStackDriver({ dev: { script: { preview: [programError] } } });
      const report = await runRelease(releasePlan({ stacks: ["dev"] }), fakeContext(driver).ctx);
      assert.match(report.stoppedAt?.reason ?? "", /^Invalid stack configuration/);
    });
  });

  describe("--set values", () => {
    it("writes each value with the type the schema wants", async () => {
      const driver = new FakeStackDriver({ dev: {} });
      const settings = [
        "flink.clusters.session.taskManager.slots=4",
        "flink.clusters.session.jobManager.cpu=0.5",
        "operator.resources.requests.cpu=1",
        "flink.version=1.19",
        "platform.allowDataLoss=true",
        'flink.clusters.session.flinkConfiguration["pipeline.object-reuse"]=true',
      ].map(parseSetting);
      const report = await runRelease(releasePlan({ stacks: ["dev"], settings }), fakeContext(driver).ctx);
      assert.strictEqual(report.status, "succeeded");
      assert.deepStrictEqual(
        driver.calls.filter((c) => c.startsWith("dev config")),
        [
          "dev config flink.clusters.session.taskManager.slots=4",
          'dev config flink.clusters.session.jobManager.cpu="0.5"',
          "dev config operator.resources.requests.cpu=1",
          'dev config flink.version="1.19"',
          "dev config platform.allowDataLoss=true",
          'dev config flink.clusters.session.flinkConfiguration["pipeline.object-reuse"]=true',
        ],
      );
      assert.deepStrictEqual(report.settings[1], {
        path: "flink.clusters.session.jobManager.cpu",
        value: "0.5",
      });
    });

    it("checks the values against every stack before touching any", async () => {
      const driver = threeStacks({
        prod: {
          config: { flink: { clusters: { session: { jobManager: { replicas: 1 } } } }, ha: { type: "off" } },
        },
      });
      const report = await runRelease(
        releasePlan({ settings: [parseSetting("flink.clusters.session.jobManager.replicas=2")] }),
        fakeContext(driver).ctx,
      );
      assert.deepStrictEqual(driver.calls, ["dev open", "staging open", "prod open"]);
      assert.deepStrictEqual(report.stoppedAt?.stack, "dev");
      assert.deepStrictEqual(report.stoppedAt?.step, "check");
      assert.match(
        report.stoppedAt?.reason ?? "",
        /^the --set values do not validate: flink-platform:flink\.clusters\.session\.jobManager\.replicas: 2 JobManagers need HA/,
      );
    });

    it("names the stack whose config the values break", async () => {
      // Flink 2.x rejects a key next to a longer key it prefixes; prod runs 2.2, dev and staging 1.20.
      const driver = threeStacks({
        prod: { config: { flink: { version: "2.2" }, streampark: { enabled: false } } },
      });
      const report = await runRelease(
        releasePlan({
          settings: [
            parseSetting('flink.clusters.session.flinkConfiguration["pipeline.operator-chaining"]=true'),
            parseSetting(
              'flink.clusters.session.flinkConfiguration["pipeline.operator-chaining.enabled"]=true',
            ),
          ],
        }),
        fakeContext(driver).ctx,
      );
      assert.deepStrictEqual(driver.calls, ["dev open", "staging open", "prod open"]);
      assert.deepStrictEqual(
        report.stacks.map((s) => s.steps.map((step) => `${step.step}:${step.status}`).join(" ")),
        ["open:ok check:ok", "open:ok check:ok", "open:ok check:failed"],
      );
      assert.strictEqual(report.stoppedAt?.stack, "prod");
      assert.match(
        report.stoppedAt?.reason ?? "",
        /rejects 'pipeline\.operator-chaining' next to 'pipeline\.operator-chaining\.enabled'/,
      );
    });

    it("reports a value the schema refuses in every reading", async () => {
      const report = await runRelease(
        releasePlan({ settings: [parseSetting("flink.clusters.session.warmSlots=-1")] }),
        fakeContext(threeStacks()).ctx,
      );
      assert.strictEqual(report.stoppedAt?.stack, "dev");
      assert.match(
        report.stoppedAt?.reason ?? "",
        /flink-platform:flink\.clusters\.session\.warmSlots: must be at least 0/,
      );
    });

    it("puts the values into the stack config the smoke checks read", async () => {
      const driver = new FakeStackDriver({ dev: {} });
      const report = await runRelease(
        releasePlan({ stacks: ["dev"], settings: [parseSetting("platform.namespace=analytics")] }),
        fakeContext(driver).ctx,
      );
      assert.strictEqual(report.status, "succeeded");
      assert.deepStrictEqual(
        report.stacks[0].smoke?.find((c) => c.name === "namespace"),
        { name: "namespace", ok: true, detail: "analytics" },
      );
    });

    it("reads secure values in the stack file as the program would: as strings", async () => {
      const secure = { secure: "v1:cipher==" };
      const driver = new FakeStackDriver({ dev: { config: { kubernetes: { kubeconfig: secure } } } });
      const report = await runRelease(
        releasePlan({ stacks: ["dev"], settings: [parseSetting("kubernetes.context=prod-eu")] }),
        fakeContext(driver).ctx,
      );
      assert.strictEqual(report.status, "succeeded");
      assert.ok(report.stacks[0].smoke?.every((c) => c.ok));
    });
  });

  describe("abort", () => {
    it("interrupts the operation in flight, reports where, and runs nothing after it", async () => {
      const driver = threeStacks({ staging: { script: { up: ["hang"] } } });
      const { ctx, controller } = fakeContext(driver);
      driver.onCall = (call) => {
        if (call === "staging up") {
          setImmediate(() => controller.abort(abortReason("SIGTERM", false)));
        }
      };
      const report = await runRelease(releasePlan(), ctx);
      assert.strictEqual(report.status, "aborted");
      assert.strictEqual(report.abortedBy, "SIGTERM");
      assert.deepStrictEqual(report.stoppedAt, {
        stack: "staging",
        step: "up",
        reason: "aborted by SIGTERM",
      });
      assert.deepStrictEqual(
        report.stacks.map((s) => s.status),
        ["ok", "aborted", "skipped"],
      );
      assert.strictEqual(driver.calls.at(-1), "staging up");
    });

    it("stops while waiting for another update", async () => {
      const driver = new FakeStackDriver({ dev: { script: { refresh: [locked(), locked()] } } });
      const { ctx, controller } = fakeContext(driver);
      const sleep = ctx.sleep;
      const report = await runRelease(releasePlan({ stacks: ["dev"] }), {
        ...ctx,
        sleep: (ms, signal) => {
          controller.abort(abortReason("SIGINT", true));
          return sleep(ms, signal);
        },
      });
      assert.strictEqual(report.status, "aborted");
      assert.strictEqual(report.abortedBy, "SIGINT");
      assert.strictEqual(report.stoppedAt?.step, "refresh");
      assert.deepStrictEqual(driver.calls, ["dev open", "dev refresh"]);
    });

    it("starts nothing when aborted before the run", async () => {
      const driver = threeStacks();
      const { ctx, controller } = fakeContext(driver);
      controller.abort(abortReason("SIGINT", false));
      const report = await runRelease(releasePlan(), ctx);
      assert.deepStrictEqual(driver.calls, []);
      assert.strictEqual(report.status, "aborted");
      assert.deepStrictEqual(report.stoppedAt?.stack, "dev");
    });
  });
});
