/**
 * `npm run render -- <stack>` under the real Pulumi engine, as a user without a cluster, a backend login or a
 * passphrase runs it: the manifests land in rendered/<stack>, the Secrets to provide are listed, no Secret value is
 * written, and nothing is left in the temporary directory or the user's Pulumi home.
 *
 *   npm run test:integration
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import YAML from "yaml";
import { PulumiProject } from "../support/pulumiProject";

describe("the render command under the real Pulumi engine", function () {
  this.timeout(10 * 60 * 1000);
  let project: PulumiProject;

  before(() => {
    project = new PulumiProject();
    console.log(`      ${project.describe()}`);
    // The suite's operator chart (no network here), set in the stack file the way a user would.
    const file = path.join(project.dir, "Pulumi.dev.yaml");
    const stackFile = YAML.parse(fs.readFileSync(file, "utf8")) as { config: Record<string, any> };
    const operator = (stackFile.config["flink-platform:operator"] ??= {});
    operator.chart = { ...operator.chart, path: project.chart.path };
    fs.writeFileSync(file, YAML.stringify(stackFile));
  });

  after(() => project?.dispose());

  it("renders dev offline, lists the Secrets to provide and leaves no state behind", async () => {
    const tmp = path.join(project.work, "tmp");
    fs.mkdirSync(tmp);
    // No passphrase, and a backend that cannot be reached: the render needs neither.
    delete project.env.PULUMI_CONFIG_PASSPHRASE;
    project.env.PULUMI_BACKEND_URL = "https://127.0.0.1:9";
    project.env.TMPDIR = tmp;
    const { status, output } = await project.npm(["render", "--", "dev", "--quiet"]);
    assert.strictEqual(status, 0, output);
    const out = path.join(project.dir, "rendered", "dev");
    assert.match(output, new RegExp(`Rendered stack dev to ${out}: \\d+ in 0-crd/, \\d+ in 1-manifest/\\.`));
    assert.match(output, /No Secret is written: the manifests hold no password or key\./);
    assert.match(output, /^ {2}flink\/mysql-admin: username, password, root-password$/m);
    assert.match(output, /^ {2}flink\/streampark-admin: username, password$/m);
    const manifests = fs.readdirSync(path.join(out, "1-manifest"));
    assert.ok(
      manifests.some((f) => f.startsWith("flink.apache.org_v1beta1-flinkdeployment-")),
      manifests.join(", "),
    );
    assert.deepStrictEqual(
      manifests.filter((f) => f.startsWith("v1-secret-")),
      [],
    );
    assert.ok(fs.readdirSync(path.join(out, "0-crd")).some((f) => f.includes("flinkdeployments")));
    // npm and node keep their compile caches in TMPDIR too; the render's own directory must be gone.
    assert.deepStrictEqual(
      fs.readdirSync(tmp).filter((f) => f.startsWith("flink-platform-render-")),
      [],
      "the render's temporary directory is removed",
    );
    const home = project.env.PULUMI_HOME!;
    assert.ok(!fs.existsSync(path.join(home, "workspaces")), "no workspace file in the user's Pulumi home");
    assert.ok(!fs.existsSync(path.join(project.dir, ".pulumi-state")), "no local backend in the project");
  });
});
