/**
 * The program under the real Pulumi engine, fully offline: `pulumi` from PATH, else the one that
 * scripts/build-toolchain.sh builds into .toolchain/bin, with its providers and Node.js language host beside it.
 * A local file backend and a passphrase; no Kubernetes cluster: stacks render manifests to a directory
 * (`kubernetes.renderYamlToDirectory`), the GitOps mode the platform offers.
 *
 * The operator chart comes from test/fixtures/operator-chart, a stand-in chart the suite assembles (the upstream
 * chart needs the network). Where the operator's released CRDs are available (FLINK_OPERATOR_CRDS or
 * ../shared/crds) they replace the stand-in's minimal CRD, so the rendered CRD is the real one.
 *
 *   npm run test:integration
 */
import * as assert from "assert";
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import YAML from "yaml";
import { PROJECT_ROOT, stackNames } from "../../stacks/shared/stackFiles";

const TOOLCHAIN_BIN = path.join(PROJECT_ROOT, ".toolchain", "bin");
const RELEASED_CRDS =
  process.env.FLINK_OPERATOR_CRDS ??
  path.join(PROJECT_ROOT, "..", "shared", "crds", "flink-kubernetes-operator-1.15.0");

/** Directory of the `pulumi` to use: the user's on PATH, else the built one. */
function pulumiBinDir(): string {
  const onPath = spawnSync("sh", ["-c", "command -v pulumi"], { encoding: "utf8" }).stdout.trim();
  if (onPath) {
    return path.dirname(fs.realpathSync(onPath));
  }
  if (fs.existsSync(path.join(TOOLCHAIN_BIN, "pulumi"))) {
    return TOOLCHAIN_BIN;
  }
  throw new Error("no pulumi CLI: put one on PATH, or build it with scripts/build-toolchain.sh");
}

/** Copy the project (without dependencies, state or build output) so that stack files can change freely. */
function copyProject(target: string) {
  const skip = new Set([
    "node_modules",
    ".git",
    ".toolchain",
    "tools",
    ".pulumi-state",
    ".pulumi-home",
    ".release-bot",
    ".ci",
  ]);
  fs.cpSync(PROJECT_ROOT, target, {
    recursive: true,
    filter: (source) => !skip.has(path.basename(source)) || path.dirname(source) !== PROJECT_ROOT,
  });
  fs.symlinkSync(path.join(PROJECT_ROOT, "node_modules"), path.join(target, "node_modules"), "dir");
}

/** The stand-in operator chart, with the released CRDs when they are available. */
function assembleChart(target: string): string {
  fs.cpSync(path.join(PROJECT_ROOT, "test", "fixtures", "operator-chart"), target, { recursive: true });
  if (fs.existsSync(RELEASED_CRDS)) {
    fs.rmSync(path.join(target, "crds"), { recursive: true, force: true });
    fs.cpSync(RELEASED_CRDS, path.join(target, "crds"), { recursive: true });
  }
  return target;
}

describe("the program under the real Pulumi engine (offline)", function () {
  this.timeout(20 * 60 * 1000);
  let work: string;
  let project: string;
  let env: NodeJS.ProcessEnv;

  const run = (args: string[], options: { expectFailure?: boolean } = {}) => {
    const result = spawnSync("pulumi", [...args, "--non-interactive"], {
      cwd: project,
      env,
      encoding: "utf8",
    });
    const output = `${result.stdout}\n${result.stderr}`;
    if (!options.expectFailure) {
      assert.strictEqual(result.status, 0, `pulumi ${args.join(" ")} failed:\n${output.slice(-4000)}`);
    }
    return output;
  };
  const renderDir = (stack: string) => path.join(work, "rendered", stack);
  const manifests = (stack: string) => {
    const dir = path.join(renderDir(stack), "1-manifest");
    return fs.existsSync(dir) ? fs.readdirSync(dir).sort() : [];
  };
  const readManifest = (stack: string, file: string) =>
    YAML.parse(fs.readFileSync(path.join(renderDir(stack), "1-manifest", file), "utf8")) as Record<
      string,
      any
    >;

  before(function () {
    const bin = pulumiBinDir();
    work = fs.mkdtempSync(path.join(os.tmpdir(), "flink-platform-engine-"));
    project = path.join(work, "project");
    copyProject(project);
    const chart = assembleChart(path.join(work, "operator-chart"));
    fs.mkdirSync(path.join(work, "home"));
    env = {
      ...process.env,
      PATH: `${bin}${path.delimiter}${TOOLCHAIN_BIN}${path.delimiter}${process.env.PATH ?? ""}`,
      // No kubeconfig anywhere: render mode must not read one, and nothing may reach a cluster.
      HOME: path.join(work, "home"),
      PULUMI_HOME: path.join(work, "pulumi-home"),
      PULUMI_BACKEND_URL: `file://${path.join(work, "state")}`,
      PULUMI_CONFIG_PASSPHRASE: "integration-test",
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
    };
    delete env.KUBECONFIG;
    fs.mkdirSync(path.join(work, "state"));
    console.log(
      `      engine: ${execFileSync(path.join(bin, "pulumi"), ["version"], { env, encoding: "utf8" }).trim()} (${bin})`,
    );
    for (const stack of stackNames(project)) {
      run(["stack", "init", stack]);
      run(["config", "set", "--stack", stack, "--path", "operator.chart.path", chart]);
      run([
        "config",
        "set",
        "--stack",
        stack,
        "--path",
        "kubernetes.renderYamlToDirectory",
        renderDir(stack),
      ]);
    }
  });

  after(() => {
    if (work && !process.env.KEEP_ENGINE_WORKDIR) {
      fs.rmSync(work, { recursive: true, force: true });
    }
  });

  it("previews every stack file", () => {
    const stacks = stackNames(project);
    assert.deepStrictEqual(stacks, ["dev", "prod", "staging"]);
    for (const stack of stacks) {
      const output = run(["preview", "--stack", stack]);
      assert.match(
        output,
        /kubernetes:flink\.apache\.org\/v1beta1:FlinkDeployment/,
        `${stack} previews its clusters`,
      );
      assert.match(output, /\d+ to create/, stack);
    }
  });

  it("deploys the dev stack in render mode, with passwords the random provider really generated", () => {
    run(["up", "--stack", "dev", "--yes"]);
    const files = manifests("dev");
    const deploymentFile = files.find((f) => f.startsWith("flink.apache.org_v1beta1-flinkdeployment-"));
    assert.ok(deploymentFile, `a FlinkDeployment is rendered: ${files.join(", ")}`);
    const deployment = readManifest("dev", deploymentFile);
    assert.strictEqual(deployment.spec.flinkVersion, "v1_20");
    assert.strictEqual(deployment.spec.image, "flink:1.20.4-scala_2.12-java17");
    assert.strictEqual(deployment.spec.jobManager.resource.memory, "1024m");
    const admin = readManifest("dev", "v1-secret-flink-mysql-admin.yaml");
    const password = admin.stringData?.password ?? Buffer.from(admin.data.password, "base64").toString();
    assert.match(password, /^[A-Za-z0-9]{32}$/, "a 32-character generated password");
    const chartFiles = fs.readdirSync(path.join(renderDir("dev"), "0-crd"));
    assert.ok(
      chartFiles.some((f) => f.includes("flinkdeployments.flink.apache.org")),
      "the operator CRD is rendered",
    );
    const outputs = JSON.parse(run(["stack", "output", "--stack", "dev", "--json"])) as Record<string, any>;
    assert.strictEqual(outputs.operatorVersion, "1.15.0");
    assert.strictEqual(outputs.clusters.session.restUrl, "http://session-rest.flink.svc:8081");
    assert.strictEqual(outputs.streamparkAdminPassword, "[secret]");
  });

  it("reports no changes on a second up", () => {
    const output = run(["up", "--stack", "dev", "--yes", "--expect-no-changes"]);
    assert.doesNotMatch(output, /to create|to update|to replace|to delete/);
  });

  it("destroys the dev stack, leaving the data it must keep", () => {
    run(["destroy", "--stack", "dev", "--yes"]);
    const left = manifests("dev");
    // Namespaces and the workspace claim are retained on delete (platform.allowDataLoss is false), as are CRDs.
    assert.deepStrictEqual(
      left.filter((f) => !/namespace|persistentvolumeclaim/.test(f)),
      [],
      `only retained objects remain: ${left.join(", ")}`,
    );
    assert.ok(
      left.some((f) => f.includes("namespace")),
      "the namespace is kept",
    );
    assert.ok(
      fs.readdirSync(path.join(renderDir("dev"), "0-crd")).some((f) => f.includes("flinkdeployments")),
      "the CRD is kept",
    );
  });

  it("runs the preview command and the release bot against two real stacks", () => {
    const reports = path.join(work, "reports");
    const npm = (args: string[]) =>
      spawnSync("npm", ["run", "--silent", ...args], {
        cwd: project,
        env,
        encoding: "utf8",
        maxBuffer: 256 * 1024 * 1024,
      });
    const preview = npm([
      "preview",
      "--",
      "dev",
      "staging",
      "--quiet",
      "--markdown",
      path.join(reports, "preview.md"),
      "--json",
      path.join(reports, "preview.json"),
    ]);
    assert.strictEqual(preview.status, 0, `${preview.stdout}\n${preview.stderr}`.slice(-4000));
    const previewReport = JSON.parse(fs.readFileSync(path.join(reports, "preview.json"), "utf8")) as Record<
      string,
      any
    >;
    assert.ok(JSON.stringify(previewReport).includes("staging"));
    assert.match(fs.readFileSync(path.join(reports, "preview.md"), "utf8"), /dev[\s\S]*staging/);

    const release = npm([
      "release",
      "--",
      "--stacks",
      "dev,staging",
      "--quiet",
      "--markdown",
      path.join(reports, "release.md"),
      "--json",
      path.join(reports, "release.json"),
    ]);
    assert.strictEqual(release.status, 0, `${release.stdout}\n${release.stderr}`.slice(-4000));
    const releaseMarkdown = fs.readFileSync(path.join(reports, "release.md"), "utf8");
    assert.match(releaseMarkdown, /dev/);
    assert.match(releaseMarkdown, /staging/);
    assert.ok(
      manifests("staging").some((f) => f.startsWith("apps_v1-statefulset-flink-zookeeper")),
      "staging was released: its ZooKeeper is rendered",
    );
  });
});
