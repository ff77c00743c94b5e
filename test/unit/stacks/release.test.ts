import * as assert from "assert";
import { parseSetting } from "../../../stacks/configSettings";
import { runRelease } from "../../../stacks/orchestrator";
import { retryDelay } from "../../../stacks/stackRun";
import {
  change,
  FakeStackDriver,
  fakeContext,
  FLINK_DEPLOYMENT,
  flinkChange,
  jobSpecOf,
  locked,
  result,
  urn,
  releasePlan,
  SESSION_JOB,
  STACKS,
  threeStacks,
} from "../../support/fakeStackDriver";

const PVC = "kubernetes:core/v1:PersistentVolumeClaim";
const STATEFULSET = "kubernetes:apps/v1:StatefulSet";
const CRD = "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition";
const NAMESPACE = "kubernetes:core/v1:Namespace";
const DEPLOYMENT = "kubernetes:apps/v1:Deployment";

/** The calls one stack gets in a release without settings. */
const released = (stack: string) => [
  `${stack} refresh`,
  `${stack} preview`,
  `${stack} up`,
  `${stack} verify`,
  `${stack} outputs`,
];

describe("release orchestration", () => {
  it("selects every stack first, then releases each in order: config, refresh, preview, up, verify, smoke", async () => {
    const driver = threeStacks();
    const { ctx } = fakeContext(driver);
    const report = await runRelease(releasePlan({ settings: [parseSetting("flink.version=1.19")] }), ctx);
    assert.deepStrictEqual(driver.calls, [
      "dev open",
      "staging open",
      "prod open",
      ...STACKS.flatMap((s) => [`${s} config flink.version="1.19"`, ...released(s)]),
    ]);
    assert.strictEqual(report.status, "succeeded");
    assert.deepStrictEqual(
      report.stacks.map((s) => [s.stack, s.status]),
      STACKS.map((s) => [s, "ok"]),
    );
    assert.deepStrictEqual(
      report.stacks[0].steps.map((s) => `${s.step}:${s.status}`),
      [
        "open:ok",
        "check:ok",
        "config:ok",
        "refresh:ok",
        "preview:ok",
        "gate:ok",
        "up:ok",
        "verify:ok",
        "smoke:ok",
      ],
    );
    assert.strictEqual(report.stoppedAt, undefined);
    assert.ok(report.stacks.every((s) => s.smoke?.every((c) => c.ok)));
  });

  it("passes the update message and the run's signal to the driver", async () => {
    const seen: { message?: string; signal: AbortSignal }[] = [];
    const driver = new FakeStackDriver({ dev: {} });
    const open = driver.open.bind(driver);
    driver.open = async (stack, opts) => {
      const handle = await open(stack, opts);
      const up = handle.up.bind(handle);
      handle.up = (o) => {
        seen.push(o);
        return up(o);
      };
      return handle;
    };
    const { ctx } = fakeContext(driver);
    await runRelease(releasePlan({ stacks: ["dev"], message: "release flink.version=2.2 at abc" }), ctx);
    assert.strictEqual(seen.length, 1);
    assert.strictEqual(seen[0].message, "release flink.version=2.2 at abc");
    assert.strictEqual(seen[0].signal, ctx.signal);
  });

  it("skips the refresh of a stack that renders manifests instead of applying them", async () => {
    const driver = threeStacks({
      dev: { config: { kubernetes: { renderYamlToDirectory: "rendered/dev" } } },
    });
    const report = await runRelease(
      releasePlan({ settings: [parseSetting("kubernetes.renderYamlToDirectory=rendered/gitops")] }),
      fakeContext(driver).ctx,
    );
    assert.strictEqual(report.status, "succeeded");
    // Every stack renders once the value is set.
    assert.deepStrictEqual(
      driver.calls.filter((c) => c.endsWith(" refresh")),
      [],
    );
    assert.deepStrictEqual(report.stacks[0].steps[3], {
      step: "refresh",
      status: "skipped",
      durationMs: 0,
      attempts: 0,
      note: "the stack renders manifests to rendered/gitops instead of applying them to a cluster",
    });
    const plain = threeStacks({
      prod: { config: { kubernetes: { renderYamlToDirectory: "rendered/prod" } } },
    });
    await runRelease(releasePlan(), fakeContext(plain).ctx);
    assert.deepStrictEqual(
      plain.calls.filter((c) => c.endsWith(" refresh")),
      ["dev refresh", "staging refresh"],
    );
  });

  describe("gate", () => {
    const replacePvc = () => ({
      script: { preview: [result([change("staging", "replace", PVC, "flink-mysql-data")])] },
    });

    it("stops before the update when a stateful resource would be replaced", async () => {
      const driver = threeStacks({ staging: replacePvc() });
      const { ctx } = fakeContext(driver);
      const report = await runRelease(releasePlan(), ctx);
      assert.deepStrictEqual(driver.calls, [
        "dev open",
        "staging open",
        "prod open",
        ...released("dev"),
        "staging refresh",
        "staging preview",
      ]);
      assert.strictEqual(report.status, "failed");
      assert.deepStrictEqual(
        report.stacks.map((s) => s.status),
        ["ok", "blocked", "skipped"],
      );
      const staging = report.stacks[1];
      assert.deepStrictEqual(staging.failure?.step, "gate");
      assert.match(
        staging.failure?.reason ?? "",
        /1 stateful resource would be replaced or deleted: replace urn:.*flink-mysql-data/,
      );
      assert.match(staging.failure?.reason ?? "", /--allow-replace/);
      assert.deepStrictEqual(report.stoppedAt, {
        stack: "staging",
        step: "gate",
        reason: staging.failure?.reason,
      });
      assert.deepStrictEqual(staging.stateful, [
        { urn: urn("staging", PVC, "flink-mysql-data"), type: PVC, op: "replace" },
      ]);
    });

    for (const [kind, type, op] of [
      ["StatefulSet replace", STATEFULSET, "replace"],
      ["CRD delete", CRD, "delete"],
      ["Namespace delete", NAMESPACE, "delete"],
      ["PVC delete", PVC, "delete"],
    ] as const) {
      it(`blocks a ${kind}`, async () => {
        const driver = new FakeStackDriver({
          dev: { script: { preview: [result([change("dev", op, type, "x")])] } },
        });
        const report = await runRelease(releasePlan({ stacks: ["dev"] }), fakeContext(driver).ctx);
        assert.strictEqual(report.stacks[0].status, "blocked");
        assert.ok(!driver.calls.includes("dev up"));
      });
    }

    it("lets updates of stateful resources and replaces of stateless ones through", async () => {
      const driver = new FakeStackDriver({
        dev: {
          script: {
            preview: [
              result([
                change("dev", "update", STATEFULSET, "zookeeper"),
                change("dev", "update", PVC, "data"),
                change("dev", "replace", DEPLOYMENT, "streampark"),
                change("dev", "delete", "kubernetes:core/v1:ConfigMap", "dashboards"),
                change("dev", "create", NAMESPACE, "etl"),
              ]),
            ],
          },
        },
      });
      const report = await runRelease(releasePlan({ stacks: ["dev"] }), fakeContext(driver).ctx);
      assert.strictEqual(report.status, "succeeded");
      assert.deepStrictEqual(report.stacks[0].stateful, []);
    });

    it("releases through an allowed replace and reports which pattern allowed it", async () => {
      const driver = threeStacks({ staging: replacePvc() });
      const report = await runRelease(releasePlan({ allowReplace: [PVC] }), fakeContext(driver).ctx);
      assert.strictEqual(report.status, "succeeded");
      assert.deepStrictEqual(report.stacks[1].stateful, [
        { urn: urn("staging", PVC, "flink-mysql-data"), type: PVC, op: "replace", allowedBy: PVC },
      ]);
      assert.deepStrictEqual(report.allowReplace, [PVC]);
    });

    it("allows by URN pattern, and only what the pattern matches", async () => {
      const preview = () =>
        result([
          change("dev", "replace", PVC, "flink-mysql-data"),
          change("dev", "replace", PVC, "flink-minio-data"),
        ]);
      const only = new FakeStackDriver({ dev: { script: { preview: [preview()] } } });
      const partial = await runRelease(
        releasePlan({ stacks: ["dev"], allowReplace: ["*::flink-mysql-*"] }),
        fakeContext(only).ctx,
      );
      assert.strictEqual(partial.stacks[0].status, "blocked");
      assert.match(partial.stacks[0].failure?.reason ?? "", /^1 stateful resource .*flink-minio-data/);
      const both = new FakeStackDriver({ dev: { script: { preview: [preview()] } } });
      const all = await runRelease(
        releasePlan({ stacks: ["dev"], allowReplace: ["*::flink-mysql-*", "*::flink-minio-data"] }),
        fakeContext(both).ctx,
      );
      assert.strictEqual(all.status, "succeeded");
    });
  });

  describe("job state gate", () => {
    const sessionJob = (job: Record<string, unknown> = {}) => ({
      deploymentName: "session",
      job: jobSpecOf(job),
    });
    const toStateless = () => ({
      script: {
        preview: [
          result([
            flinkChange("staging", "update", SESSION_JOB, "etl-orders", {
              old: sessionJob(),
              new: sessionJob({ upgradeMode: "stateless" }),
            }),
            // Harmless next to it: a stateful job pointed at a savepoint.
            flinkChange("staging", "update", SESSION_JOB, "etl-users", {
              old: sessionJob(),
              new: sessionJob({ initialSavepointPath: "s3p://flink/savepoints/sp-1" }),
            }),
          ]),
        ],
      },
    });
    const REASON =
      "session job flink/etl-orders: upgradeMode savepoint → stateless; its next upgrade starts without state";

    it("stops before the update when a change loses a job's state", async () => {
      const driver = threeStacks({ staging: toStateless() });
      const report = await runRelease(releasePlan(), fakeContext(driver).ctx);
      assert.deepStrictEqual(driver.calls, [
        "dev open",
        "staging open",
        "prod open",
        ...released("dev"),
        "staging refresh",
        "staging preview",
      ]);
      assert.deepStrictEqual(
        report.stacks.map((s) => s.status),
        ["ok", "blocked", "skipped"],
      );
      const reason =
        `1 job would lose its state: ${REASON}. ` +
        "Re-run with --allow-replace <type or URN pattern> if this is intended";
      assert.deepStrictEqual(report.stoppedAt, { stack: "staging", step: "gate", reason });
      assert.deepStrictEqual(report.stacks[1].jobState, [
        { urn: urn("staging", SESSION_JOB, "etl-orders"), type: SESSION_JOB, op: "update", reason: REASON },
      ]);
      assert.deepStrictEqual(report.stacks[1].stateful, []);
    });

    it("names stateful resources and jobs alike when both stop it", async () => {
      const driver = new FakeStackDriver({
        dev: {
          script: {
            preview: [
              result([
                change("dev", "delete", PVC, "flink-mysql-data"),
                flinkChange("dev", "delete", FLINK_DEPLOYMENT, "orders", {
                  old: { image: "flink:1.20", job: jobSpecOf({ upgradeMode: "last-state" }) },
                }),
                flinkChange("dev", "delete", SESSION_JOB, "etl-orders", { old: sessionJob() }),
              ]),
            ],
          },
        },
      });
      const report = await runRelease(releasePlan({ stacks: ["dev"] }), fakeContext(driver).ctx);
      assert.strictEqual(
        report.stacks[0].failure?.reason,
        `1 stateful resource would be replaced or deleted: delete ${urn("dev", PVC, "flink-mysql-data")}. ` +
          "2 jobs would lose their state: application job flink/orders (upgradeMode last-state) is deleted: its " +
          "state goes with it (the operator takes no savepoint on deletion); session job flink/etl-orders " +
          "(upgradeMode savepoint) is deleted: its state goes with it (the operator takes no savepoint on " +
          "deletion). Re-run with --allow-replace <type or URN pattern> if this is intended",
      );
      assert.ok(!driver.calls.includes("dev up"));
    });

    it("releases through when an --allow-replace pattern covers the job, and says which", async () => {
      for (const pattern of [SESSION_JOB, "urn:pulumi:staging::*::etl-orders"]) {
        const driver = threeStacks({ staging: toStateless() });
        const report = await runRelease(releasePlan({ allowReplace: [pattern] }), fakeContext(driver).ctx);
        assert.strictEqual(report.status, "succeeded", pattern);
        assert.ok(driver.calls.includes("staging up"));
        assert.deepStrictEqual(report.stacks[1].jobState, [
          {
            urn: urn("staging", SESSION_JOB, "etl-orders"),
            type: SESSION_JOB,
            op: "update",
            reason: REASON,
            allowedBy: pattern,
          },
        ]);
      }
    });

    it("does not let a pattern for another job through", async () => {
      const driver = threeStacks({ staging: toStateless() });
      const report = await runRelease(
        releasePlan({ allowReplace: ["*::etl-users", PVC] }),
        fakeContext(driver).ctx,
      );
      assert.strictEqual(report.stoppedAt?.step, "gate");
      assert.ok(!driver.calls.includes("staging up"));
    });
  });

  describe("concurrent updates", () => {
    it("waits for another update with exponential backoff, then carries on", async () => {
      const driver = threeStacks({ dev: { script: { refresh: [locked(), locked(), locked()] } } });
      const { ctx, sleeps } = fakeContext(driver);
      const report = await runRelease(releasePlan(), ctx);
      assert.strictEqual(report.status, "succeeded");
      // 10s doubled, capped at 25s.
      assert.deepStrictEqual(sleeps, [10_000, 20_000, 25_000]);
      assert.deepStrictEqual(
        driver.calls.filter((c) => c === "dev refresh"),
        ["dev refresh", "dev refresh", "dev refresh", "dev refresh"],
      );
      const dev = report.stacks[0];
      assert.deepStrictEqual(
        dev.retries.map((r) => [r.step, r.attempt, r.delayMs]),
        [
          ["refresh", 1, 10_000],
          ["refresh", 2, 20_000],
          ["refresh", 3, 25_000],
        ],
      );
      assert.match(dev.retries[0].reason, /currently locked/);
      assert.strictEqual(dev.steps.find((s) => s.step === "refresh")?.attempts, 4);
    });

    it("gives up after the configured retries, without cancelling, and stops the release", async () => {
      const driver = threeStacks({
        staging: { script: { up: [locked(), locked(), locked(), locked(), locked()] } },
      });
      const { ctx, sleeps } = fakeContext(driver);
      const report = await runRelease(releasePlan(), ctx);
      assert.deepStrictEqual(sleeps, [10_000, 20_000, 25_000]);
      assert.strictEqual(driver.calls.filter((c) => c === "staging up").length, 4);
      assert.ok(!driver.calls.some((c) => c.startsWith("prod ") && c !== "prod open"));
      assert.deepStrictEqual(
        report.stacks.map((s) => s.status),
        ["ok", "failed", "skipped"],
      );
      assert.strictEqual(report.stoppedAt?.step, "up");
      assert.match(
        report.stoppedAt?.reason ?? "",
        /another update still holds stack staging after 4 attempts over 55s\. It was not cancelled/,
      );
    });

    it("retries with no waiting at all when retries are set to 0", async () => {
      const driver = new FakeStackDriver({ dev: { script: { preview: [locked()] } } });
      const { ctx, sleeps } = fakeContext(driver);
      const report = await runRelease(releasePlan({ stacks: ["dev"] }), {
        ...ctx,
        retry: { ...ctx.retry, retries: 0 },
      });
      assert.deepStrictEqual(sleeps, []);
      assert.strictEqual(report.stacks[0].failure?.step, "preview");
    });

    it("computes bounded delays", () => {
      const policy = { retries: 5, initialDelayMs: 15_000, maxDelayMs: 300_000 };
      assert.deepStrictEqual(
        [1, 2, 3, 4, 5, 6, 7].map((a) => retryDelay(policy, a)),
        [15_000, 30_000, 60_000, 120_000, 240_000, 300_000, 300_000],
      );
    });
  });
});
