import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { main } from "../../../stacks/cli";
import {
  backendProblem,
  fileBackendPath,
  initUsesPassphrase,
  passphraseProblem,
  resolveEnvironment,
  usesPassphrase,
} from "../../../stacks/environment";
import { passphraseStacks, preflight } from "../../../stacks/preflight";
import { captured, Scratch, scratchProject } from "./fakePulumi";

const SALT = "encryptionsalt: v1:W1CXNgOcfgQ=:v1:bW5SazUr01NuwFnq:/3EtG2oZA1dsDgBM601SAN1r+saiBw==\n";

describe("environment decisions", () => {
  it("reads file backend URLs the way the CLI does", () => {
    assert.strictEqual(fileBackendPath("file:///srv/state", "/repo"), "/srv/state");
    assert.strictEqual(fileBackendPath("file://state/dev?no_tmp_dir=1", "/repo"), "/repo/state/dev");
    assert.strictEqual(
      fileBackendPath("file://~/.pulumi-state", "/repo", "/home/ann"),
      "/home/ann/.pulumi-state",
    );
    assert.strictEqual(fileBackendPath("s3://bucket", "/repo"), undefined);
    assert.strictEqual(
      resolveEnvironment({ PULUMI_BACKEND_URL: "file://st" }, "/repo").fileBackendDir,
      "/repo/st",
    );
  });

  it("refuses a backend URL the CLI would take for a Pulumi Cloud address", () => {
    for (const url of ["bogus://x", "localhost:8080", "/srv/state"]) {
      assert.throws(
        () => resolveEnvironment({ PULUMI_BACKEND_URL: url }, "/repo"),
        new RegExp(`PULUMI_BACKEND_URL='${url}' is not a backend URL: use file://<dir>, s3://<bucket>`),
      );
    }
  });

  it("knows which stacks need a passphrase", () => {
    assert.strictEqual(usesPassphrase({ encryptionsalt: "v1:abc" }), true);
    assert.strictEqual(usesPassphrase({ secretsprovider: "awskms://k", encryptedkey: "x" }), false);
    assert.strictEqual(usesPassphrase(null), false);
    assert.strictEqual(initUsesPassphrase({ backendUrl: "file:///s" }), true);
    assert.strictEqual(initUsesPassphrase({ backendUrl: "s3://b" }), true);
    assert.strictEqual(initUsesPassphrase({ backendUrl: "https://api.pulumi.com" }), false);
    assert.strictEqual(initUsesPassphrase({ backendUrl: "file:///s", secretsProvider: "awskms://k" }), false);
    assert.strictEqual(initUsesPassphrase({ backendUrl: "https://x", secretsProvider: "passphrase" }), true);
  });

  it("asks for the passphrase only when a stack needs it and the environment has none", () => {
    assert.strictEqual(passphraseProblem([], {}), undefined);
    assert.strictEqual(passphraseProblem(["dev"], { PULUMI_CONFIG_PASSPHRASE: "" }), undefined);
    assert.strictEqual(passphraseProblem(["dev"], { PULUMI_CONFIG_PASSPHRASE_FILE: "/p" }), undefined);
    assert.strictEqual(
      passphraseProblem(["dev", "prod"], {}),
      "stacks dev, prod encrypt their secrets with a passphrase, and neither PULUMI_CONFIG_PASSPHRASE nor " +
        "PULUMI_CONFIG_PASSPHRASE_FILE is set: export one of them with the stack's passphrase",
    );
    assert.match(
      passphraseProblem(["dev"], { PULUMI_CONFIG_PASSPHRASE_FILE: "/nope" }, "ENOENT")!,
      /^PULUMI_CONFIG_PASSPHRASE_FILE=\/nope cannot be read \(ENOENT\), and stack dev needs the passphrase in it/,
    );
  });

  it("says what the backend answered and how to fix it, by kind of backend", () => {
    assert.strictEqual(
      backendProblem(
        "https://127.0.0.1:9",
        'error: performing HTTP request: Get "https://127.0.0.1:9/api/user": dial tcp 127.0.0.1:9: connect: connection refused',
      ),
      'cannot use the backend https://127.0.0.1:9: performing HTTP request: Get "https://127.0.0.1:9/api/user": ' +
        "dial tcp 127.0.0.1:9: connect: connection refused. Fix: check the URL and the network, and log in: set " +
        "PULUMI_ACCESS_TOKEN, or run `pulumi login https://127.0.0.1:9`",
    );
    assert.match(
      backendProblem("s3://b", "error: x"),
      /Fix: check the bucket, and the AWS credentials and region/,
    );
    assert.match(backendProblem("gs://b", "x"), /GOOGLE_APPLICATION_CREDENTIALS/);
    assert.match(backendProblem("azblob://c", "x"), /AZURE_STORAGE_ACCOUNT/);
    assert.match(backendProblem("file:///s", "x"), /a directory this user can create and write/);
  });
});

describe("environment problems end a command with one line and exit 2", () => {
  let scratch: Scratch;
  let state: string;
  afterEach(() => scratch?.remove());

  /** Run the command against the scratch project; the stand-in pulumi is the only one on PATH. */
  const run = (argv: string[], env: NodeJS.ProcessEnv = {}) =>
    captured(() => main(argv, { projectRoot: scratch.root, env: { PATH: scratch.bin, ...env } }));

  function setUp(options: Parameters<typeof scratchProject>[0] = {}) {
    scratch = scratchProject(options);
    state = path.join(path.dirname(scratch.root), "state");
  }

  for (const argv of [
    ["preview", "dev"],
    ["release", "--stacks", "dev"],
    ["init", "dev"],
    ["render", "dev"],
  ]) {
    it(`${argv[0]}: no pulumi on PATH`, async () => {
      setUp({ withoutCli: true });
      const { result, stderr, stdout } = await run(argv, { PULUMI_CONFIG_PASSPHRASE: "x" });
      assert.strictEqual(result, 2);
      assert.deepStrictEqual(stdout, []);
      assert.strictEqual(stderr.length, 1, stderr.join("\n"));
      assert.match(
        stderr[0],
        /^error: no Pulumi CLI: there is no `pulumi` on PATH and no \.toolchain\/bin\/pulumi; install Pulumi CLI 3\.270\.0 or newer \(https:\/\/www\.pulumi\.com\/docs\/install\/\) or build the project's own with scripts\/build-toolchain\.sh$/,
      );
    });

    it(`${argv[0]}: a pulumi older than the minimum`, async () => {
      setUp({ version: "v3.180.0" });
      const { result, stderr } = await run(argv, { PULUMI_CONFIG_PASSPHRASE: "x" });
      assert.strictEqual(result, 2);
      assert.deepStrictEqual(stderr, [
        `error: ${path.join(scratch.bin, "pulumi")} is Pulumi CLI 3.180.0, older than 3.270.0, the oldest this project supports: upgrade it (https://www.pulumi.com/docs/install/) or build the project's own with scripts/build-toolchain.sh`,
      ]);
    });
  }

  it("a file backend directory that cannot be created", async () => {
    setUp();
    fs.writeFileSync(state, "a file, not a directory");
    const dir = path.join(state, "dev");
    const { result, stderr } = await run(["preview", "dev"], {
      PULUMI_BACKEND_URL: `file://${dir}`,
      PULUMI_CONFIG_PASSPHRASE: "x",
    });
    assert.strictEqual(result, 2);
    assert.deepStrictEqual(stderr, [
      `error: cannot create the file backend directory ${dir} (ENOTDIR): set PULUMI_BACKEND_URL to a file:// directory this user can create and write, or another backend`,
    ]);
  });

  it("a backend that cannot be reached, with what pulumi said", async () => {
    setUp();
    const { result, stderr } = await run(["preview", "dev", "staging"], {
      PULUMI_BACKEND_URL: "https://127.0.0.1:9",
      FAKE_WHOAMI_ERROR: "performing HTTP request: dial tcp 127.0.0.1:9: connect: connection refused",
    });
    assert.strictEqual(result, 2);
    assert.deepStrictEqual(stderr, [
      "error: cannot use the backend https://127.0.0.1:9: performing HTTP request: dial tcp 127.0.0.1:9: connect: " +
        "connection refused. Fix: check the URL and the network, and log in: set PULUMI_ACCESS_TOKEN, or run " +
        "`pulumi login https://127.0.0.1:9`",
    ]);
  });

  it("a passphrase stack without PULUMI_CONFIG_PASSPHRASE(_FILE), before the backend is asked", async () => {
    setUp();
    fs.writeFileSync(path.join(scratch.root, "Pulumi.dev.yaml"), `${SALT}config: {}\n`);
    fs.writeFileSync(
      path.join(scratch.root, "Pulumi.prod.yaml"),
      "secretsprovider: awskms://alias/x\nconfig: {}\n",
    );
    const env = { PULUMI_BACKEND_URL: `file://${state}`, FAKE_WHOAMI_ERROR: "must not be asked" };
    const { result, stderr } = await run(["release", "--stacks", "prod,dev"], env);
    assert.strictEqual(result, 2);
    assert.deepStrictEqual(stderr, [
      "error: stack dev encrypts its secrets with a passphrase, and neither PULUMI_CONFIG_PASSPHRASE nor " +
        "PULUMI_CONFIG_PASSPHRASE_FILE is set: export one of them with the stack's passphrase",
    ]);
    const unreadable = await run(["preview", "dev"], {
      ...env,
      PULUMI_CONFIG_PASSPHRASE_FILE: path.join(state, "pp"),
    });
    assert.strictEqual(unreadable.result, 2);
    assert.match(
      unreadable.stderr[0],
      /^error: PULUMI_CONFIG_PASSPHRASE_FILE=.*\/pp cannot be read \(ENOENT\)/,
    );
    assert.strictEqual(unreadable.stderr.length, 1);
  });

  it("init of passphrase stacks without a passphrase; a KMS provider needs none", async () => {
    setUp();
    const env = { PULUMI_BACKEND_URL: `file://${state}` };
    const { result, stderr } = await run(["init", "dev"], env);
    assert.strictEqual(result, 2);
    assert.deepStrictEqual(stderr, [
      "error: init would create stack dev with the passphrase secrets provider, and neither PULUMI_CONFIG_PASSPHRASE " +
        "nor PULUMI_CONFIG_PASSPHRASE_FILE is set: export one with a passphrase you keep, or set " +
        "FLINK_PLATFORM_SECRETS_PROVIDER to a KMS key",
    ]);
    // With a KMS key the passphrase check passes, and the stand-in refuses the next step (the real stack init).
    const kms = await run(["init", "dev"], { ...env, FLINK_PLATFORM_SECRETS_PROVIDER: "awskms://alias/x" });
    assert.strictEqual(kms.result, 1);
    assert.match(
      kms.stderr.at(-1)!,
      /^error: cannot create stack dev: the stand-in pulumi does not do stack init/,
    );
  });

  it("passes every check and hands the commands the CLI and its environment", async () => {
    setUp();
    fs.writeFileSync(path.join(scratch.root, "Pulumi.dev.yaml"), `${SALT}config: {}\n`);
    const checked = await preflight({
      projectRoot: scratch.root,
      env: { PATH: scratch.bin, PULUMI_CONFIG_PASSPHRASE: "x" },
      stacks: ["dev", "org/flink-platform/dev", "staging"],
    });
    assert.strictEqual(checked.cli.command, path.join(scratch.bin, "pulumi"));
    assert.strictEqual(checked.envVars.PATH, `${scratch.bin}${path.delimiter}${scratch.bin}`);
    // No PULUMI_BACKEND_URL: the backend is the CLI's login, and every later command is pinned to it.
    assert.strictEqual(checked.envVars.PULUMI_BACKEND_URL, "file://~");
    assert.strictEqual(checked.environment.backendUrl, "file://~");
    assert.deepStrictEqual(checked.environment.notes, [
      "PULUMI_BACKEND_URL is not set: using the backend of `pulumi login`, file://~",
    ]);
    assert.ok(
      !fs.existsSync(path.join(scratch.root, ".pulumi-state")),
      "no backend of its own in the project",
    );
    assert.deepStrictEqual(passphraseStacks(["dev", "org/flink-platform/dev", "staging"], scratch.root), [
      "dev",
      "org/flink-platform/dev",
    ]);
  });

  it("no PULUMI_BACKEND_URL and a CLI logged in nowhere: log in, or name a backend", async () => {
    setUp();
    const { result, stderr } = await run(["preview", "dev"], {
      FAKE_WHOAMI_ERROR: "this command requires logging in; try running `pulumi login` first",
    });
    assert.strictEqual(result, 2);
    assert.deepStrictEqual(stderr, [
      "error: the Pulumi CLI is not logged in to a backend and PULUMI_BACKEND_URL is not set: run `pulumi login " +
        "--local` (a file backend in ~/.pulumi), `pulumi login <url>` for your team's backend, or set PULUMI_BACKEND_URL",
    ]);
    const expired = await run(["release", "--stacks", "dev"], {
      FAKE_WHOAMI_ERROR: "getting user info: 401 Unauthorized",
    });
    assert.strictEqual(expired.result, 2);
    assert.deepStrictEqual(expired.stderr, [
      "error: cannot use the backend the Pulumi CLI is logged in to: getting user info: 401 Unauthorized. Fix: " +
        "`pulumi login` again (or `pulumi login --local`), or set PULUMI_BACKEND_URL",
    ]);
  });

  it("init creates passphrase stacks in the CLI's backend, but not in Pulumi Cloud", async () => {
    setUp();
    const local = await run(["init", "dev"], { FAKE_LOGIN: "file://~" });
    assert.strictEqual(local.result, 2);
    assert.match(local.stderr[0], /^error: init would create stack dev with the passphrase secrets provider/);
    // Logged in to Pulumi Cloud, whose default secrets provider needs no passphrase: the stand-in refuses stack init.
    const cloud = await run(["init", "dev"], { FAKE_LOGIN: "https://api.pulumi.com" });
    assert.strictEqual(cloud.result, 1);
    assert.match(
      cloud.stderr.at(-1)!,
      /^error: cannot create stack dev: the stand-in pulumi does not do stack init/,
    );
  });
});
