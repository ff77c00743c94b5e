import * as assert from "assert";
import { abortReason } from "../../stacks/abort";
import { parseSetting } from "../../stacks/configSettings";
import { ReleasePlan, retryDelay, runPreview, runRelease } from "../../stacks/orchestrator";
import { DriverError } from "../../stacks/stackDriver";
import {
  change,
  FakeStackDriver,
  fakeContext,
  locked,
  result,
  outputsFor,
  urn,
} from "../support/fakeStackDriver";

const PVC = "kubernetes:core/v1:PersistentVolumeClaim";
const STATEFULSET = "kubernetes:apps/v1:StatefulSet";
const CRD = "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition";
const NAMESPACE = "kubernetes:core/v1:Namespace";
const DEPLOYMENT = "kubernetes:apps/v1:Deployment";

const STACKS = ["dev", "staging", "prod"];

function plan(overrides: Partial<ReleasePlan> = {}): ReleasePlan {
  return {
    stacks: STACKS,
    settings: [],
    allowReplace: [],
    message: "release test",
    expectedOperatorVersion: "1.15.0",
    ...overrides,
  };
}

function threeStacks(
  specs: Partial<Record<string, ConstructorParameters<typeof FakeStackDriver>[0][string]>> = {},
) {
  return new FakeStackDriver({ dev: {}, staging: {}, prod: {}, ...specs });
}

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
    const report = await runRelease(plan({ settings: [parseSetting("flink.version=1.19")] }), ctx);
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
    await runRelease(plan({ stacks: ["dev"], message: "release flink.version=2.2 at abc" }), ctx);
    assert.strictEqual(seen.length, 1);
    assert.strictEqual(seen[0].message, "release flink.version=2.2 at abc");
    assert.strictEqual(seen[0].signal, ctx.signal);
  });

  it("skips the refresh of a stack that renders manifests instead of applying them", async () => {
    const driver = threeStacks({
      dev: { config: { kubernetes: { renderYamlToDirectory: "rendered/dev" } } },
    });
    const report = await runRelease(
      plan({ settings: [parseSetting("kubernetes.renderYamlToDirectory=rendered/gitops")] }),
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
    await runRelease(plan(), fakeContext(plain).ctx);
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
      const report = await runRelease(plan(), ctx);
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
        const report = await runRelease(plan({ stacks: ["dev"] }), fakeContext(driver).ctx);
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
      const report = await runRelease(plan({ stacks: ["dev"] }), fakeContext(driver).ctx);
      assert.strictEqual(report.status, "succeeded");
      assert.deepStrictEqual(report.stacks[0].stateful, []);
    });

    it("releases through an allowed replace and reports which pattern allowed it", async () => {
      const driver = threeStacks({ staging: replacePvc() });
      const report = await runRelease(plan({ allowReplace: [PVC] }), fakeContext(driver).ctx);
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
        plan({ stacks: ["dev"], allowReplace: ["*::flink-mysql-*"] }),
        fakeContext(only).ctx,
      );
      assert.strictEqual(partial.stacks[0].status, "blocked");
      assert.match(partial.stacks[0].failure?.reason ?? "", /^1 stateful resource .*flink-minio-data/);
      const both = new FakeStackDriver({ dev: { script: { preview: [preview()] } } });
      const all = await runRelease(
        plan({ stacks: ["dev"], allowReplace: ["*::flink-mysql-*", "*::flink-minio-data"] }),
        fakeContext(both).ctx,
      );
      assert.strictEqual(all.status, "succeeded");
    });
  });

  describe("concurrent updates", () => {
    it("waits for another update with exponential backoff, then carries on", async () => {
      const driver = threeStacks({ dev: { script: { refresh: [locked(), locked(), locked()] } } });
      const { ctx, sleeps } = fakeContext(driver);
      const report = await runRelease(plan(), ctx);
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
      const report = await runRelease(plan(), ctx);
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
      const report = await runRelease(plan({ stacks: ["dev"] }), {
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
      const report = await runRelease(plan(), fakeContext(driver).ctx);
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
      const report = await runRelease(plan(), fakeContext(driver).ctx);
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
      const report = await runRelease(plan(), fakeContext(driver).ctx);
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
        plan({ settings: [parseSetting("flink.version=1.19")] }),
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
      const report = await runRelease(plan({ stacks: ["dev"] }), fakeContext(driver).ctx);
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
        'flink.clusters.session.flinkConfiguration["state.backend.type"]=rocksdb',
      ].map(parseSetting);
      const report = await runRelease(plan({ stacks: ["dev"], settings }), fakeContext(driver).ctx);
      assert.strictEqual(report.status, "succeeded");
      assert.deepStrictEqual(
        driver.calls.filter((c) => c.startsWith("dev config")),
        [
          "dev config flink.clusters.session.taskManager.slots=4",
          "dev config flink.clusters.session.jobManager.cpu=0.5",
          'dev config operator.resources.requests.cpu="1"',
          'dev config flink.version="1.19"',
          "dev config platform.allowDataLoss=true",
          'dev config flink.clusters.session.flinkConfiguration["state.backend.type"]="rocksdb"',
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
        plan({ settings: [parseSetting("flink.clusters.session.jobManager.replicas=2")] }),
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
        plan({
          settings: [
            parseSetting('flink.clusters.session.flinkConfiguration["state.backend"]=rocksdb'),
            parseSetting('flink.clusters.session.flinkConfiguration["state.backend.type"]=rocksdb'),
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
      assert.match(report.stoppedAt?.reason ?? "", /rejects 'state\.backend' next to 'state\.backend\.type'/);
    });

    it("reports a value the schema refuses in every reading", async () => {
      const report = await runRelease(
        plan({ settings: [parseSetting("flink.clusters.session.warmSlots=-1")] }),
        fakeContext(threeStacks()).ctx,
      );
      assert.strictEqual(report.stoppedAt?.stack, "dev");
      assert.match(
        report.stoppedAt?.reason ?? "",
        /flink-platform:flink\.clusters\.session\.warmSlots: Too small/,
      );
    });

    it("puts the values into the stack config the smoke checks read", async () => {
      const driver = new FakeStackDriver({ dev: {} });
      const report = await runRelease(
        plan({ stacks: ["dev"], settings: [parseSetting("platform.namespace=analytics")] }),
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
        plan({ stacks: ["dev"], settings: [parseSetting("kubernetes.context=prod-eu")] }),
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
      const report = await runRelease(plan(), ctx);
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
      const report = await runRelease(plan({ stacks: ["dev"] }), {
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
      const report = await runRelease(plan(), ctx);
      assert.deepStrictEqual(driver.calls, []);
      assert.strictEqual(report.status, "aborted");
      assert.deepStrictEqual(report.stoppedAt?.stack, "dev");
    });
  });
});

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
