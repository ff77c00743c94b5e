import * as assert from "assert";
import { EventEmitter } from "events";
import {
  abortableSleep,
  abortOnSignals,
  abortReason,
  describeAbort,
  forwardedSignal,
} from "../../../stacks/abort";
import { main } from "../../../stacks/cli";
import { parseCommandLine, UsageError } from "../../../stacks/cliArgs";
import { EnvironmentError, resolveEnvironment } from "../../../stacks/environment";

describe("command line", () => {
  it("parses preview with its stacks and defaults", () => {
    assert.deepStrictEqual(parseCommandLine(["preview", "dev", "staging"]), {
      kind: "preview",
      stacks: ["dev", "staging"],
      reports: { markdown: ".release-bot/preview.md", json: ".release-bot/preview.json" },
      retry: { retries: 5, initialDelayMs: 15_000, maxDelayMs: 300_000 },
      quiet: false,
    });
  });

  it("parses release with stacks, settings, allow patterns and options", () => {
    const command = parseCommandLine([
      "release",
      "--stacks",
      "dev,staging",
      "--stacks",
      "prod",
      "--set",
      "flink.version=1.20",
      "--set",
      'flink-platform:flink.clusters.session.flinkConfiguration["state.backend.type"]=rocksdb',
      "--allow-replace",
      "kubernetes:core/v1:PersistentVolumeClaim",
      "--message",
      "bump Flink",
      "--lock-retries",
      "2",
      "--lock-retry-delay",
      "30",
      "--markdown",
      "out/release.md",
      "--json",
      "out/release.json",
      "--quiet",
    ]);
    assert.deepStrictEqual(command, {
      kind: "release",
      stacks: ["dev", "staging", "prod"],
      settings: [
        { path: "flink.version", segments: ["flink", "version"], raw: "1.20" },
        {
          path: 'flink.clusters.session.flinkConfiguration["state.backend.type"]',
          segments: ["flink", "clusters", "session", "flinkConfiguration", "state.backend.type"],
          raw: "rocksdb",
        },
      ],
      allowReplace: ["kubernetes:core/v1:PersistentVolumeClaim"],
      message: "bump Flink",
      reports: { markdown: "out/release.md", json: "out/release.json" },
      retry: { retries: 2, initialDelayMs: 30_000, maxDelayMs: 300_000 },
      quiet: true,
    });
  });

  it("parses init and help", () => {
    assert.deepStrictEqual(parseCommandLine(["init", "dev"]), { kind: "init", stacks: ["dev"] });
    for (const argv of [[], ["help"], ["--help"], ["preview", "-h"], ["release", "--help"]]) {
      assert.deepStrictEqual(parseCommandLine(argv), { kind: "help" }, argv.join(" "));
    }
  });

  const errors: [string[], RegExp][] = [
    [["deploy", "dev"], /unknown command 'deploy': use preview, release, init or render/],
    [["preview"], /name at least one stack \(preview <stack\.\.\.>\)/],
    [["preview", "dev", "dev"], /stack 'dev' is named twice/],
    [["preview", "dev/../prod"], /'dev\/\.\.\/prod' is not a stack name/],
    [
      ["preview", "dev", "--stacks", "prod"],
      /--stacks belongs to release; preview takes the stacks as arguments/,
    ],
    [["preview", "dev", "--verbose"], /Unknown option '--verbose'/],
    [["preview", "dev", "--json", "a.md", "--markdown", "a.md"], /--markdown and --json name the same file/],
    [["release"], /release needs --stacks/],
    [
      ["release", "dev", "staging"],
      /unexpected argument 'dev': release takes its stacks as --stacks dev,staging/,
    ],
    [["release", "--stacks", "dev,,prod"], /--stacks has an empty name/],
    [["release", "--stacks", "dev,prod,dev"], /stack 'dev' is named twice \(--stacks\)/],
    [["release", "--stacks", "dev", "--set", "flink.version"], /expected path=value/],
    [["release", "--stacks", "dev", "--set", "flnk.version=2.2"], /'flnk' is not a config area/],
    [["release", "--stacks", "dev", "--set", "kubernetes:context=x"], /only flink-platform keys/],
    [
      ["release", "--stacks", "dev", "--set", "flink.version=1.19", "--set", "flink.version=1.20"],
      /given twice/,
    ],
    [["release", "--stacks", "dev", "--set", "flink.clusters[x=1"], /invalid key path/],
    [["release", "--stacks", "dev", "--allow-replace", "*"], /a lone '\*' would switch the gate off/],
    [
      ["release", "--stacks", "dev", "--allow-replace", ""],
      /--allow-replace needs a type token or URN pattern/,
    ],
    [
      ["release", "--stacks", "dev", "--lock-retries=-1"],
      /--lock-retries must be a whole number from 0 to 20/,
    ],
    [
      ["release", "--stacks", "dev", "--lock-retries", "50"],
      /--lock-retries must be a whole number from 0 to 20/,
    ],
    [
      ["release", "--stacks", "dev", "--lock-retry-delay", "0"],
      /--lock-retry-delay must be a whole number from 1 to 600/,
    ],
    [
      ["release", "--stacks", "dev", "--lock-retry-delay", "1.5"],
      /--lock-retry-delay must be a whole number/,
    ],
    [["release", "--stacks", "dev", "--message", " "], /--message is empty/],
    [["release", "--stacks"], /argument missing/],
    [["init"], /name at least one stack \(init <stack\.\.\.>\)/],
  ];
  for (const [argv, message] of errors) {
    it(`refuses: ${argv.join(" ") || "(nothing)"}`, () => {
      assert.throws(
        () => parseCommandLine(argv),
        (err: unknown) => err instanceof UsageError && message.test(err.message),
      );
    });
  }

  it("exits 2 with the usage on bad arguments, 0 with help", async () => {
    const written: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    const out = process.stdout.write.bind(process.stdout);
    process.stderr.write = (chunk: string) => written.push(chunk) > 0;
    process.stdout.write = (chunk: string) => written.push(chunk) > 0;
    try {
      assert.strictEqual(await main(["release", "--stacks", "dev", "--set", "nope"]), 2);
      assert.strictEqual(await main(["--help"]), 0);
    } finally {
      process.stderr.write = write;
      process.stdout.write = out;
    }
    assert.match(written[0], /^error: --set 'nope': expected path=value.*\n\nUsage:\n {2}npm run preview/s);
    assert.match(written[1], /^Usage:/);
  });
});

describe("environment", () => {
  it("leaves the backend to the CLI's login when PULUMI_BACKEND_URL is unset", () => {
    const env = resolveEnvironment({ PULUMI_CONFIG_PASSPHRASE: "x" }, "/repo");
    assert.deepStrictEqual(env, { envVars: { PULUMI_SKIP_UPDATE_CHECK: "true" }, notes: [] });
  });

  it("takes the backend and a KMS secrets provider from the environment", () => {
    const env = resolveEnvironment(
      {
        PULUMI_BACKEND_URL: "s3://flink-state/platform",
        FLINK_PLATFORM_SECRETS_PROVIDER: "awskms://alias/flink-platform?region=eu-central-1",
      },
      "/repo",
    );
    assert.strictEqual(env.backendUrl, "s3://flink-state/platform");
    assert.strictEqual(env.secretsProvider, "awskms://alias/flink-platform?region=eu-central-1");
    assert.deepStrictEqual(env.notes, []);
    assert.strictEqual(env.envVars.PULUMI_BACKEND_URL, "s3://flink-state/platform");
  });

  it("refuses a bogus secrets provider; the passphrase is preflight's to check, per stack", () => {
    assert.deepStrictEqual(resolveEnvironment({ PULUMI_BACKEND_URL: "file:///state" }, "/repo").notes, []);
    assert.throws(
      () => resolveEnvironment({ FLINK_PLATFORM_SECRETS_PROVIDER: "kms:my-key" }, "/repo"),
      (err: unknown) => err instanceof EnvironmentError && /is not a secrets provider/.test(err.message),
    );
  });
});

describe("abort handling", () => {
  it("forwards SIGTERM and non-terminal SIGINT to the operation, not a terminal's Ctrl-C", () => {
    for (const [reason, forwarded] of [
      [abortReason("SIGTERM", true), true],
      [abortReason("SIGINT", false), true],
      [abortReason("SIGINT", true), false],
    ] as const) {
      const controller = new AbortController();
      const signal = forwardedSignal(controller.signal);
      assert.strictEqual(signal.aborted, false);
      controller.abort(reason);
      assert.strictEqual(signal.aborted, forwarded, JSON.stringify(reason));
      assert.strictEqual(describeAbort(controller.signal), reason.signal);
    }
    const already = new AbortController();
    already.abort(new Error("test"));
    assert.strictEqual(forwardedSignal(already.signal).aborted, true);
    assert.strictEqual(describeAbort(already.signal), "test");
  });

  it("aborts once on the first signal and only logs the next ones", () => {
    const fakeProcess = new EventEmitter();
    const controller = new AbortController();
    const lines: string[] = [];
    const remove = abortOnSignals(controller, true, (l) => lines.push(l), fakeProcess as any);
    fakeProcess.emit("SIGINT", "SIGINT");
    const first = controller.signal.reason;
    fakeProcess.emit("SIGTERM", "SIGTERM");
    assert.deepStrictEqual(first, { signal: "SIGINT", reachedChildren: true });
    assert.strictEqual(controller.signal.reason, first);
    assert.deepStrictEqual(lines, [
      "SIGINT: stopping after the current operation, which pulumi is cancelling",
      "SIGTERM: already stopping; waiting for the current operation to wind down",
    ]);
    remove();
    assert.strictEqual(fakeProcess.listenerCount("SIGINT") + fakeProcess.listenerCount("SIGTERM"), 0);
  });

  it("sleeps until the time is up or the signal aborts", async () => {
    const controller = new AbortController();
    await abortableSleep(1, controller.signal);
    const pending = abortableSleep(60_000, controller.signal);
    controller.abort();
    await assert.rejects(pending, /aborted/);
    await assert.rejects(abortableSleep(1, controller.signal), /aborted/);
  });
});
