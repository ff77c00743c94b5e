import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import YAML from "yaml";
import { main } from "../../../stacks/cli";
import { parseCommandLine, UsageError } from "../../../stacks/cliArgs";
import { renderEnv, stagingProjectFile, userPluginDir } from "../../../stacks/renderDriver";
import {
  outputDirProblem,
  readSecretsToProvide,
  renderConfig,
  renderDir,
  renderSummaryLines,
  secretsToProvideLines,
} from "../../../stacks/renderPlan";
import { captured, Scratch, scratchProject } from "./fakePulumi";

const K8S = "flink-platform:kubernetes";
const TO_PROVIDE = [
  { namespace: "flink", name: "mysql-admin", keys: ["username", "password", "root-password"] },
  { namespace: "flink", name: "streampark-admin", keys: ["username", "password"] },
];

describe("render decisions", () => {
  it("parses render <stack> [dir] [--quiet]", () => {
    assert.deepStrictEqual(parseCommandLine(["render", "dev"]), {
      kind: "render",
      stack: "dev",
      quiet: false,
    });
    assert.deepStrictEqual(parseCommandLine(["render", "prod", "out/prod", "--quiet"]), {
      kind: "render",
      stack: "prod",
      dir: "out/prod",
      quiet: true,
    });
    for (const [argv, message] of [
      [["render"], /render needs a stack/],
      [["render", "org/flink-platform/dev"], /is not a stack file name/],
      [["render", "dev", "a", "b"], /unexpected argument 'b'/],
      [["render", "dev", " "], /render needs a directory name/],
      [["render", "dev", "--stacks", "x"], /Unknown option '--stacks'.*render takes <stack> \[dir\]/],
    ] as const) {
      assert.throws(
        () => parseCommandLine([...argv]),
        (err: unknown) => err instanceof UsageError && message.test(err.message),
        argv.join(" "),
      );
    }
  });

  it("renders into rendered/<stack> of the project, or a dir relative to where the command was typed", () => {
    const where = { projectRoot: "/repo", cwd: "/repo/sub" };
    assert.strictEqual(renderDir("dev", undefined, where), "/repo/rendered/dev");
    assert.strictEqual(renderDir("dev", "out", where), "/repo/sub/out");
    assert.strictEqual(renderDir("dev", "/abs", where), "/abs");
  });

  it("gives the throw-away stack the stack file's config with the render directory set", () => {
    const stackFile = {
      config: {
        [K8S]: { context: "kind-flink" },
        "flink-platform:flink": { version: "1.20" },
        "aws:region": "x",
      },
    };
    assert.deepStrictEqual(renderConfig("dev", stackFile, "/out"), {
      [K8S]: { context: "kind-flink", renderYamlToDirectory: "/out" },
      "flink-platform:flink": { version: "1.20" },
      "aws:region": "x",
    });
    assert.deepStrictEqual(renderConfig("dev", null, "/out"), { [K8S]: { renderYamlToDirectory: "/out" } });
  });

  it("refuses what a throw-away stack cannot render: encrypted values, a stack file that is none", () => {
    const encrypted = {
      config: {
        "flink-platform:mysqlAdminPassword": { secure: "v1:abc" },
        [K8S]: { x: [{ y: { secure: "z" } }] },
      },
    };
    assert.throws(
      () => renderConfig("prod", encrypted, "/out"),
      /^Error: Pulumi\.prod\.yaml holds encrypted values \(flink-platform:mysqlAdminPassword, flink-platform:kubernetes\.x\[0\]\.y\), which a throw-away stack cannot decrypt/,
    );
    assert.throws(() => renderConfig("dev", ["a"], "/out"), /is not a stack file/);
    assert.throws(() => renderConfig("dev", { config: [] }, "/out"), /config: must be a mapping/);
    assert.throws(() => renderConfig("dev", { config: { [K8S]: "x" } }, "/out"), /must be an object/);
  });

  it("writes only into an empty directory or an earlier render's", () => {
    assert.strictEqual(outputDirProblem("/o", []), undefined);
    assert.strictEqual(outputDirProblem("/o", ["0-crd", "1-manifest", ".gitignore"]), undefined);
    assert.strictEqual(
      outputDirProblem("/o", ["README.md", "0-crd", "a", "b", "c"]),
      "/o holds files a render did not write (README.md, a, b, and 1 more): render into an empty directory or one an earlier render wrote",
    );
  });

  it("lists the Secrets to provide, and never a secret output", () => {
    const list = readSecretsToProvide({ secretsToProvide: { value: TO_PROVIDE, secret: false } });
    assert.deepStrictEqual(secretsToProvideLines(list), [
      "Secrets to provide: the manifests use these Secrets but do not contain them; create them in the cluster first:",
      "  flink/mysql-admin: username, password, root-password",
      "  flink/streampark-admin: username, password",
    ]);
    assert.deepStrictEqual(secretsToProvideLines(readSecretsToProvide({})), []);
    assert.deepStrictEqual(
      secretsToProvideLines(readSecretsToProvide({ secretsToProvide: { value: [], secret: false } })),
      ["Secrets to provide: none (the manifests hold every Secret they use)."],
    );
    assert.deepStrictEqual(
      secretsToProvideLines(readSecretsToProvide({ secretsToProvide: { value: TO_PROVIDE, secret: true } })),
      [
        "The stack output secretsToProvide cannot be shown: it is a secret output, and render prints no secrets.",
      ],
    );
    assert.match(
      secretsToProvideLines(
        readSecretsToProvide({ secretsToProvide: { value: [{ name: 1 }], secret: false } }),
      )[0],
      /expected a list of \{namespace, name, keys\}, got \[\{"name":1\}\]/,
    );
  });

  it("says whether the manifests hold Secret values", () => {
    const counts = { "0-crd": 4, "1-manifest": 19 };
    assert.deepStrictEqual(renderSummaryLines("dev", "/o", counts, []), [
      "Rendered stack dev to /o: 4 in 0-crd/, 19 in 1-manifest/.",
      "No Secret is written: the manifests hold no password or key.",
    ]);
    assert.match(
      renderSummaryLines("dev", "/o", counts, ["v1-secret-flink-a.yaml", "v1-secret-flink-b.yaml"])[1],
      /^2 Secret manifests hold their values in plain text \(v1-secret-flink-a\.yaml, v1-secret-flink-b\.yaml\): keep them out of version control/,
    );
  });

  it("stages a project whose program is the real one, with a backend, home and passphrase of its own", () => {
    const staged = YAML.parse(
      stagingProjectFile("name: p\nruntime: nodejs\nmain: src/\n", "/repo"),
    ) as object;
    assert.deepStrictEqual(staged, { name: "p", runtime: "nodejs", main: "/repo/src" });
    const env = renderEnv({ PATH: "/bin", PULUMI_CONFIG_PASSPHRASE_FILE: "/p", HOME: undefined }, "/t", "pp");
    assert.deepStrictEqual(env, {
      PATH: "/bin",
      PULUMI_CONFIG_PASSPHRASE_FILE: "/p",
      PULUMI_BACKEND_URL: "file:///t/state",
      PULUMI_HOME: "/t/home",
      PULUMI_CONFIG_PASSPHRASE: "pp",
      PULUMI_SKIP_UPDATE_CHECK: "true",
    });
    assert.strictEqual(userPluginDir({}, "/home/ann"), "/home/ann/.pulumi/plugins");
    assert.strictEqual(userPluginDir({ PULUMI_HOME: "/ph" }, "/home/ann"), "/ph/plugins");
  });
});

describe("the render command, on a stand-in pulumi", () => {
  let scratch: Scratch;
  let tmp: string;
  let record: string;
  afterEach(() => scratch?.remove());

  function setUp(stackFile = "config:\n  flink-platform:flink:\n    version: '1.20'\n") {
    scratch = scratchProject({ renders: true });
    tmp = path.join(path.dirname(scratch.root), "tmp");
    record = path.join(path.dirname(scratch.root), "record");
    fs.mkdirSync(tmp);
    fs.writeFileSync(path.join(scratch.root, "Pulumi.dev.yaml"), stackFile);
  }

  const run = (argv: string[], env: NodeJS.ProcessEnv = {}) =>
    captured(() =>
      main(argv, {
        projectRoot: scratch.root,
        env: {
          PATH: scratch.bin,
          TMPDIR: tmp,
          FAKE_RECORD: record,
          FAKE_OUTPUTS: JSON.stringify({ secretsToProvide: TO_PROVIDE }),
          ...env,
        },
      }),
    );

  it("renders to rendered/<stack>, lists the Secrets to provide and leaves nothing else behind", async () => {
    setUp();
    const { result, stdout, stderr } = await run(["render", "dev"], {
      PULUMI_BACKEND_URL: "https://must.not.be/used",
    });
    const out = path.join(scratch.root, "rendered", "dev");
    assert.strictEqual(result, 0, stderr.join("\n"));
    assert.deepStrictEqual(stdout, [
      `Rendered stack dev to ${out}: 1 in 0-crd/, 1 in 1-manifest/.`,
      "No Secret is written: the manifests hold no password or key.",
      "Secrets to provide: the manifests use these Secrets but do not contain them; create them in the cluster first:",
      "  flink/mysql-admin: username, password, root-password",
      "  flink/streampark-admin: username, password",
    ]);
    assert.deepStrictEqual(stderr, [
      `using ${path.join(scratch.bin, "pulumi")} (3.274.1)`,
      `[dev] rendering to ${out} with a throw-away stack and local backend`,
      "Resources: 3 created",
    ]);
    assert.deepStrictEqual(fs.readdirSync(path.join(out, "1-manifest")), ["apps_v1-deployment-flink-x.yaml"]);
    // The engine ran in a temporary project with its own backend, home and passphrase, all removed since.
    const facts = fs.readFileSync(record, "utf8").trim().split("\n");
    const staged = path.dirname(facts[0].slice("cwd=".length));
    assert.strictEqual(path.dirname(staged), tmp);
    assert.match(path.basename(staged), /^flink-platform-render-dev-/);
    assert.deepStrictEqual(facts.slice(1), [
      `home=${staged}/home`,
      `backend=file://${staged}/state`,
      "passphrase=set",
    ]);
    assert.deepStrictEqual(fs.readdirSync(tmp), [], "the temporary directory is removed");
    assert.deepStrictEqual(fs.readdirSync(scratch.root).sort(), [
      "Pulumi.dev.yaml",
      "Pulumi.yaml",
      "rendered",
    ]);
  });

  it("renders again over an earlier render into a dir relative to where the command was typed", async () => {
    setUp();
    const typedIn = path.join(scratch.root, "sub");
    const out = path.join(typedIn, "out");
    fs.mkdirSync(path.join(out, "1-manifest"), { recursive: true });
    fs.writeFileSync(path.join(out, "1-manifest", "v1-service-gone.yaml"), "kind: Service");
    fs.writeFileSync(path.join(out, ".gitignore"), "");
    const { result, stdout } = await run(["render", "dev", "out", "--quiet"], {
      INIT_CWD: typedIn,
      FAKE_RENDER_SECRET: "1",
    });
    assert.strictEqual(result, 0);
    assert.deepStrictEqual(fs.readdirSync(path.join(out, "1-manifest")), [
      "apps_v1-deployment-flink-x.yaml",
      "v1-secret-flink-x.yaml",
    ]);
    assert.ok(fs.existsSync(path.join(out, ".gitignore")));
    assert.match(stdout[1], /^1 Secret manifest holds its values in plain text \(v1-secret-flink-x\.yaml\)/);
  });

  it("a failing engine: one error line, exit 1, nothing left in the temporary directory", async () => {
    setUp();
    const { result, stdout, stderr } = await run(["render", "dev", "--quiet"], {
      FAKE_UP_ERROR: "chart not found",
    });
    assert.strictEqual(result, 1);
    assert.deepStrictEqual(stdout, []);
    assert.strictEqual(stderr.length, 3, stderr.join("\n"));
    assert.strictEqual(stderr[2], "error: render of dev failed: chart not found");
    assert.deepStrictEqual(fs.readdirSync(tmp), []);
  });

  const refusals: [string, string | undefined, string[], RegExp][] = [
    [
      "no stack file",
      undefined,
      ["render", "qa"],
      /^error: there is no Pulumi\.qa\.yaml in .*: render renders a stack file of the project \(dev\)$/,
    ],
    [
      "encrypted values",
      "config:\n  flink-platform:mysqlAdminPassword:\n    secure: v1:abc\n",
      ["render", "dev"],
      /^error: Pulumi\.dev\.yaml holds encrypted values \(flink-platform:mysqlAdminPassword\), which a throw-away stack cannot decrypt/,
    ],
    [
      "a stack file that is not YAML",
      "config: [",
      ["render", "dev"],
      /^error: Pulumi\.dev\.yaml is not valid YAML: /,
    ],
    [
      "a directory with other files",
      undefined,
      ["render", "dev", "."],
      /^error: .* holds files a render did not write \(Pulumi\.dev\.yaml, Pulumi\.yaml\)/,
    ],
  ];
  for (const [what, stackFile, argv, message] of refusals) {
    it(`exits 2 with one line for ${what}, before the engine runs`, async () => {
      setUp(stackFile);
      const { result, stdout, stderr } = await run(argv, { INIT_CWD: scratch.root });
      assert.strictEqual(result, 2);
      assert.deepStrictEqual(stdout, []);
      assert.strictEqual(stderr.length, 2, stderr.join("\n"));
      assert.match(stderr[1], message);
      assert.ok(!fs.existsSync(record), "the engine did not run");
    });
  }
});
