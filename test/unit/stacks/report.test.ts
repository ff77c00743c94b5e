import * as assert from "assert";
import { parseSetting } from "../../../stacks/configSettings";
import { runPreview, runRelease } from "../../../stacks/orchestrator";
import {
  code,
  COMMENT_MARKERS,
  inline,
  MARKDOWN_LIMIT,
  renderMarkdown,
} from "../../../stacks/report/markdown";
import { renderJson, RunReport, StackReport } from "../../../stacks/report/model";
import {
  change,
  FakeStackDriver,
  fakeContext,
  flinkChange,
  jobSpecOf,
  locked,
  result,
  SESSION_JOB,
  urn,
} from "../../support/fakeStackDriver";

const STS = "kubernetes:apps/v1:StatefulSet";
const PVC = "kubernetes:core/v1:PersistentVolumeClaim";
const FLINK = "kubernetes:flink.apache.org/v1beta1:FlinkDeployment";

function stack(overrides: Partial<StackReport> & Pick<StackReport, "stack">): StackReport {
  return { status: "ok", steps: [], diagnostics: [], retries: [], ...overrides };
}

const previewReport = (): RunReport => ({
  command: "preview",
  status: "failed",
  startedAt: "2026-01-01T12:00:00.000Z",
  finishedAt: "2026-01-01T12:01:00.000Z",
  revision: "abc123def456",
  settings: [],
  allowReplace: [],
  stacks: [
    stack({
      stack: "dev",
      preview: {
        counts: { create: 1, update: 1, replace: 1, delete: 0, same: 12 },
        changes: [
          change("dev", "create", "kubernetes:core/v1:ConfigMap", "dashboards"),
          change("dev", "update", FLINK, "session"),
          { ...change("dev", "replace", STS, "zookeeper"), replaceKeys: ["spec.volumeClaimTemplates"] },
        ],
      },
      stateful: [
        {
          urn: urn("dev", STS, "zookeeper"),
          type: STS,
          op: "replace",
          replaceKeys: ["spec.volumeClaimTemplates"],
        },
      ],
      diagnostics: [{ severity: "warning", message: "chart values are deprecated", step: "preview" }],
    }),
    stack({
      stack: "staging",
      status: "failed",
      failure: { step: "preview", reason: "configured Kubernetes cluster is unreachable" },
      diagnostics: [
        { severity: "error", message: "configured Kubernetes cluster is unreachable", step: "preview" },
      ],
    }),
  ],
});

describe("report rendering", () => {
  it("renders a preview as a PR comment", () => {
    assert.strictEqual(
      renderMarkdown(previewReport()),
      `<!-- flink-platform:preview -->
### Pulumi preview: flink-platform

**1 of 2 stacks failed to preview:** staging.

revision \`abc123def456\`

| stack | create | update | replace | delete | unchanged | result |
|---|---:|---:|---:|---:|---:|---|
| dev | 1 | 1 | 1 | 0 | 12 | ⚠️ 1 stateful replace/delete: a release stops here unless allowed |
| staging | | | | | | ❌ failed at preview |

#### dev

**Stateful resources replaced or deleted** (a release stops on these unless run with \`--allow-replace <type or URN pattern>\`):
- **replace** \`kubernetes:apps/v1:StatefulSet\` \`zookeeper\` (replaced because \`spec.volumeClaimTemplates\` changed)<br>\`${urn("dev", STS, "zookeeper")}\`

**Warnings:**
- chart values are deprecated (preview)

<details><summary>All 3 changes</summary>

| op | type | name |
|---|---|---|
| create | \`kubernetes:core/v1:ConfigMap\` | \`dashboards\` |
| update | \`kubernetes:flink.apache.org/v1beta1:FlinkDeployment\` | \`session\` |
| replace | \`kubernetes:apps/v1:StatefulSet\` | \`zookeeper\` |

</details>

#### staging

**❌ failed at preview:** configured Kubernetes cluster is unreachable

**Errors:**
- configured Kubernetes cluster is unreachable (preview)
`,
    );
  });

  it("shows the changes that lose a job's state, plainly, in the preview comment", async () => {
    const sessionJob = (job: Record<string, unknown> = {}) => ({
      deploymentName: "session",
      job: jobSpecOf(job),
    });
    const driver = new FakeStackDriver({
      dev: {
        script: {
          preview: [
            result([
              flinkChange("dev", "update", SESSION_JOB, "etl-orders", {
                old: sessionJob(),
                new: sessionJob({ upgradeMode: "stateless" }),
              }),
              flinkChange("dev", "delete", SESSION_JOB, "etl-old", {
                old: sessionJob({ upgradeMode: "last-state" }),
              }),
              flinkChange("dev", "delete", FLINK, "orders", {
                old: { image: "flink:1.20", job: jobSpecOf({ upgradeMode: "stateless" }) },
              }),
            ]),
          ],
        },
      },
    });
    const report = await runPreview(["dev"], fakeContext(driver).ctx);
    const markdown = renderMarkdown(report);
    assert.ok(
      markdown.includes(
        "| dev | 0 | 1 | 0 | 2 | 10 | ⚠️ 2 jobs losing state: a release stops here unless allowed |",
      ),
      markdown,
    );
    assert.ok(
      markdown.includes(
        "**Jobs that lose their state** (a release stops on these unless run with `--allow-replace <type or URN pattern>`):\n" +
          "- **update** session job flink/etl-orders: upgradeMode savepoint → stateless; its next upgrade starts " +
          `without state<br>\`${urn("dev", SESSION_JOB, "etl-orders")}\`\n` +
          "- **delete** session job flink/etl-old (upgradeMode last-state) is deleted: its state goes with it (the " +
          `operator takes no savepoint on deletion)<br>\`${urn("dev", SESSION_JOB, "etl-old")}\`\n\n` +
          // The stateless application's delete is an ordinary delete.
          `**Deleted:**\n- \`${FLINK}\` \`orders\`<br>\`${urn("dev", FLINK, "orders")}\`\n`,
      ),
      markdown,
    );
  });

  it("shows allowed job state losses and the job the gate stopped a release on", async () => {
    const driver = new FakeStackDriver({
      dev: {
        script: {
          preview: [
            result([
              flinkChange("dev", "delete", SESSION_JOB, "etl-old", {
                old: { deploymentName: "session", job: jobSpecOf() },
              }),
              flinkChange("dev", "delete", FLINK, "orders", {
                old: { image: "flink:1.20", job: jobSpecOf({ upgradeMode: "last-state" }) },
              }),
            ]),
          ],
        },
      },
    });
    const report = await runRelease(
      {
        stacks: ["dev"],
        settings: [],
        allowReplace: ["*::etl-old"],
        message: "m",
        expectedOperatorVersion: "1.15.0",
      },
      fakeContext(driver).ctx,
    );
    const markdown = renderMarkdown(report);
    assert.ok(
      markdown.includes(
        "**Stopped at dev, step gate:** 1 job would lose its state: application job flink/orders (upgradeMode " +
          "last-state) is deleted: its state goes with it (the operator takes no savepoint on deletion). Re-run " +
          "with --allow-replace &lt;type or URN pattern&gt; if this is intended",
      ),
      markdown,
    );
    assert.ok(markdown.includes("| dev | 0 | 0 | 0 | 2 | 10 | ⛔ blocked at gate |"), markdown);
    assert.ok(
      markdown.includes(
        "**Jobs that lose their state** (re-run with `--allow-replace <type or URN pattern>` if this is intended):\n" +
          "- **delete** application job flink/orders (upgradeMode last-state) is deleted: its state goes with it " +
          `(the operator takes no savepoint on deletion)<br>\`${urn("dev", FLINK, "orders")}\`\n\n` +
          "**Job state losses allowed:**\n" +
          "- **delete** session job flink/etl-old (upgradeMode savepoint) is deleted: its state goes with it (the " +
          `operator takes no savepoint on deletion)<br>\`${urn("dev", SESSION_JOB, "etl-old")}\`<br>allowed by \`*::etl-old\`\n\n`,
      ),
      markdown,
    );
    assert.ok(!markdown.includes("**Deleted:**"), markdown);
  });

  it("lists replaced and deleted resources alike, one line each", () => {
    const deployment = "kubernetes:apps/v1:Deployment";
    const report: RunReport = {
      ...previewReport(),
      stacks: [
        stack({
          stack: "dev",
          preview: {
            counts: { create: 0, update: 0, replace: 2, delete: 2, same: 0 },
            changes: [
              change("dev", "replace", deployment, "a"),
              change("dev", "replace", deployment, "b"),
              change("dev", "delete", deployment, "c"),
              change("dev", "delete", deployment, "d"),
            ],
          },
        }),
      ],
    };
    const markdown = renderMarkdown(report);
    const line = (name: string) => `- \`${deployment}\` \`${name}\`<br>\`${urn("dev", deployment, name)}\``;
    assert.ok(markdown.includes(`**Replaced:**\n${line("a")}\n${line("b")}\n`), markdown);
    assert.ok(markdown.includes(`**Deleted:**\n${line("c")}\n${line("d")}\n`), markdown);
  });

  it("says so when every stack previews cleanly", () => {
    const report: RunReport = {
      ...previewReport(),
      status: "succeeded",
      stacks: [
        stack({
          stack: "dev",
          preview: { counts: { create: 0, update: 0, replace: 0, delete: 0, same: 9 }, changes: [] },
        }),
      ],
    };
    const markdown = renderMarkdown(report);
    assert.match(
      markdown,
      /^<!-- flink-platform:preview -->\n### Pulumi preview: flink-platform\n\nEvery stack previewed without errors\./,
    );
    assert.match(markdown, /\| dev \| 0 \| 0 \| 0 \| 0 \| 9 \| ✅ ok \|/);
    assert.match(markdown, /#### dev\n\nNo changes\.\n$/);
  });

  it("renders a stopped release: where, why, what was allowed, the waits, and what never ran", async () => {
    const driver = new FakeStackDriver({
      dev: {
        script: {
          refresh: [locked()],
          preview: [result([change("dev", "replace", PVC, "flink-mysql-data")])],
        },
      },
      staging: {
        script: {
          verify: [result([change("staging", "update", "kubernetes:core/v1:ConfigMap", "flink-config")])],
        },
      },
      prod: {},
    });
    const report = await runRelease(
      {
        stacks: ["dev", "staging", "prod"],
        settings: [parseSetting("flink.version=1.19")],
        allowReplace: [PVC],
        message: "m",
        expectedOperatorVersion: "1.15.0",
      },
      fakeContext(driver).ctx,
    );
    const markdown = renderMarkdown(report);
    assert.ok(
      markdown.startsWith(
        `${COMMENT_MARKERS.release}\n### Release: flink-platform\n\n**Stopped at staging, step verify:**`,
      ),
    );
    assert.ok(
      markdown.includes(
        "revision `abc123def456` · settings: `flink.version=1.19` · allowed replaces: `kubernetes:core/v1:PersistentVolumeClaim`",
      ),
    );
    assert.ok(markdown.includes("| dev | 0 | 0 | 1 | 0 | 10 | ✅ released |"));
    assert.ok(markdown.includes("| staging | 0 | 0 | 0 | 0 | 10 | ❌ failed at verify |"));
    assert.ok(markdown.includes("| prod | | | | | | ➖ not run |"));
    assert.ok(
      markdown.includes(
        "**Stateful replaces and deletes allowed:**\n- **replace** `kubernetes:core/v1:PersistentVolumeClaim` `flink-mysql-data`",
      ),
    );
    assert.ok(markdown.includes("<br>allowed by `kubernetes:core/v1:PersistentVolumeClaim`"));
    assert.ok(
      markdown.includes(
        "**Waited for another update holding the stack:**\n- refresh, retry 1: waited 10s (the stack is currently locked",
      ),
    );
    assert.ok(
      markdown.includes(
        "**Still proposed after the update:**\n- update `kubernetes:core/v1:ConfigMap` `flink-config`",
      ),
    );
    assert.ok(markdown.includes("Smoke checks: 4 passed."));
    assert.ok(markdown.endsWith("#### prod\n\nNot run.\n"));
    assert.ok(!markdown.includes("Skipped"));
  });

  it("says which steps were skipped and why", () => {
    const report: RunReport = {
      ...previewReport(),
      command: "release",
      status: "succeeded",
      stacks: [
        stack({
          stack: "gitops",
          steps: [
            { step: "refresh", status: "skipped", durationMs: 0, attempts: 0, note: "renders to out/" },
          ],
          preview: { counts: { create: 0, update: 0, replace: 0, delete: 0, same: 3 }, changes: [] },
        }),
      ],
    };
    assert.ok(
      renderMarkdown(report).includes("#### gitops\n\nSkipped refresh: renders to out/\n\nNo changes.\n"),
    );
  });

  it("writes the whole run as JSON", async () => {
    const driver = new FakeStackDriver({
      dev: { script: { preview: [result([change("dev", "delete", PVC, "old")])] } },
    });
    const report = await runRelease(
      { stacks: ["dev"], settings: [], allowReplace: [], message: "m", expectedOperatorVersion: "1.15.0" },
      fakeContext(driver).ctx,
    );
    const json = JSON.parse(renderJson(report));
    assert.deepStrictEqual(Object.keys(json), [
      "command",
      "status",
      "startedAt",
      "finishedAt",
      "revision",
      "settings",
      "allowReplace",
      "stacks",
      "stoppedAt",
    ]);
    assert.strictEqual(json.status, "failed");
    assert.strictEqual(json.startedAt, "2026-01-01T12:00:00.000Z");
    assert.deepStrictEqual(json.stoppedAt.step, "gate");
    const dev = json.stacks[0];
    assert.strictEqual(dev.status, "blocked");
    assert.deepStrictEqual(
      dev.steps.map((s: any) => [s.step, s.status, s.attempts, s.durationMs]),
      [
        ["open", "ok", 1, 1000],
        ["refresh", "ok", 1, 1000],
        ["preview", "ok", 1, 1000],
        ["gate", "blocked", 1, 1000],
      ],
    );
    assert.deepStrictEqual(dev.stateful, [{ urn: urn("dev", PVC, "old"), type: PVC, op: "delete" }]);
    assert.deepStrictEqual(dev.preview.counts, { create: 0, update: 0, replace: 0, delete: 1, same: 10 });
  });

  it("keeps engine text from breaking the comment: no HTML, no forged marker, no broken tables", () => {
    assert.strictEqual(
      inline("<!-- flink-platform:preview -->\nx | y & z"),
      "&lt;!-- flink-platform:preview --&gt; x \\| y &amp; z",
    );
    assert.strictEqual(inline("a".repeat(700)).length, 600);
    assert.strictEqual(code("a`b"), "`` a`b ``");
    assert.strictEqual(code("a|b"), "`a\\|b`");
    const report = previewReport();
    report.stacks[1].failure = { step: "preview", reason: "<!-- flink-platform:preview --> <script>" };
    const markdown = renderMarkdown(report);
    assert.strictEqual(markdown.split(COMMENT_MARKERS.preview).length, 2);
    assert.ok(!markdown.includes("<script>"));
  });

  it("stays under GitHub's comment limit however much changes", () => {
    const changes = Array.from({ length: 3000 }, (_, i) =>
      change("dev", i % 2 ? "replace" : "delete", PVC, `claim-${i}-${"x".repeat(40)}`),
    );
    const report: RunReport = {
      ...previewReport(),
      stacks: Array.from({ length: 6 }, (_, i) =>
        stack({
          stack: `stack${i}`,
          preview: { counts: { create: 0, update: 0, replace: 1500, delete: 1500, same: 0 }, changes },
          stateful: changes.map((c) => ({ urn: c.urn, type: c.type, op: c.op as "replace" | "delete" })),
          diagnostics: Array.from({ length: 100 }, (_, j) => ({
            severity: "warning" as const,
            message: `warning ${j} ${"y".repeat(500)}`,
            step: "preview" as const,
          })),
        }),
      ),
    };
    const markdown = renderMarkdown(report);
    assert.ok(markdown.length <= MARKDOWN_LIMIT, `${markdown.length}`);
    assert.ok(markdown.includes("- … and 2975 more (see the JSON report)"));
    assert.ok(markdown.startsWith(COMMENT_MARKERS.preview));
  });
});
