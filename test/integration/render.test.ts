/**
 * Render mode under the real Pulumi engine (`kubernetes.renderYamlToDirectory`, the GitOps mode the platform
 * offers): no cluster and no kubeconfig anywhere; stacks write their manifests to a directory. With the released
 * operator chart when CI provides it (the stand-in chart otherwise; the suite's log says which).
 *
 *   npm run test:integration
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import YAML from "yaml";
import {
  KEYSTORE_SECRET,
  WEBHOOK_CERTIFICATE,
  WEBHOOK_SERVICE,
  WEBHOOK_TLS_SECRET,
} from "../../components/flink/operatorWebhook";
import { stackNames } from "../../stacks/shared/stackFiles";
import { PulumiProject } from "../support/pulumiProject";

describe("render mode under the real Pulumi engine", function () {
  this.timeout(20 * 60 * 1000);
  let project: PulumiProject;

  const renderDir = (stack: string) => path.join(project.work, "rendered", stack);
  const manifests = (stack: string) => {
    const dir = path.join(renderDir(stack), "1-manifest");
    return fs.existsSync(dir) ? fs.readdirSync(dir).sort() : [];
  };
  const readManifest = (stack: string, file: string) =>
    YAML.parse(fs.readFileSync(path.join(renderDir(stack), "1-manifest", file), "utf8")) as Record<
      string,
      any
    >;
  const find = (stack: string, prefix: string) => {
    const file = manifests(stack).find((f) => f.startsWith(prefix));
    assert.ok(file, `${stack} renders ${prefix}*: ${manifests(stack).join(", ")}`);
    return readManifest(stack, file);
  };

  before(async function () {
    project = new PulumiProject();
    console.log(`      ${project.describe()}`);
    for (const stack of stackNames(project.dir)) {
      await project.initStack(stack, { "kubernetes.renderYamlToDirectory": renderDir(stack) });
    }
  });

  after(() => project?.dispose());

  it("previews every stack file", async () => {
    const stacks = stackNames(project.dir);
    assert.deepStrictEqual(stacks, ["dev", "prod", "staging"]);
    for (const stack of stacks) {
      const output = await project.run(["preview", "--stack", stack]);
      assert.match(
        output,
        /kubernetes:flink\.apache\.org\/v1beta1:FlinkDeployment/,
        `${stack} previews its clusters`,
      );
      assert.match(output, /\d+ to create/, stack);
    }
  });

  it("deploys the dev stack in render mode without writing a secret value, listing the Secrets to provide", async () => {
    await project.run(["up", "--stack", "dev", "--yes"]);
    const deployment = find("dev", "flink.apache.org_v1beta1-flinkdeployment-");
    assert.strictEqual(deployment.spec.flinkVersion, "v1_20");
    assert.strictEqual(deployment.spec.image, "flink:1.20.4-scala_2.12-java17");
    assert.strictEqual(deployment.spec.jobManager.resource.memory, "1024m");
    assert.deepStrictEqual(
      manifests("dev").filter((f) => f.startsWith("v1-secret-")),
      [],
      "no Secret is rendered",
    );
    const mysql = find("dev", "apps_v1-statefulset-flink-mysql");
    assert.deepStrictEqual(
      mysql.spec.template.spec.containers[0].env[0].valueFrom.secretKeyRef,
      { name: "mysql-admin", key: "root-password" },
      "the workloads reference the Secrets by name",
    );
    const chartFiles = fs.readdirSync(path.join(renderDir("dev"), "0-crd"));
    assert.ok(
      chartFiles.some((f) => f.includes("flinkdeployments.flink.apache.org")),
      "the operator CRD is rendered",
    );
    const outputs = JSON.parse(await project.run(["stack", "output", "--stack", "dev", "--json"])) as Record<
      string,
      any
    >;
    assert.strictEqual(outputs.operatorVersion, "1.15.0");
    assert.strictEqual(outputs.clusters.session.restUrl, "http://session-rest.flink.svc:8081");
    assert.deepStrictEqual(
      (outputs.secretsToProvide as Array<{ name: string }>).map((s) => s.name),
      ["mysql-admin", "mysql-streampark", "streampark-admin"],
    );
  });

  it("reports no changes on a second up", async () => {
    const output = await project.run(["up", "--stack", "dev", "--yes", "--expect-no-changes"]);
    assert.doesNotMatch(output, /to create|to update|to replace|to delete/);
  });

  it("destroys the dev stack, leaving the data it must keep", async () => {
    await project.run(["destroy", "--stack", "dev", "--yes"]);
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

  it("renders prod's admission webhook with the platform's certificate and, opted in, a generated keystore password", async function () {
    await project.set("prod", { "kubernetes.renderSecrets": "true" });
    await project.run(["up", "--stack", "prod", "--yes"]);
    const files = manifests("prod");
    assert.ok(!files.some((f) => f.includes("flink-operator-webhook-secret")), "no chart keystore Secret");
    for (const file of files) {
      const text = fs.readFileSync(path.join(renderDir("prod"), "1-manifest", file), "utf8");
      assert.ok(
        !text.includes("cGFzc3dvcmQxMjM0") && !text.includes("password1234"),
        `${file}: chart default password`,
      );
    }
    const certificates = files.filter((f) => f.startsWith("cert-manager.io_v1-certificate-"));
    assert.deepStrictEqual(certificates, [
      `cert-manager.io_v1-certificate-flink-${WEBHOOK_CERTIFICATE}.yaml`,
    ]);
    const keystore = readManifest("prod", `v1-secret-flink-${KEYSTORE_SECRET}.yaml`);
    const password =
      keystore.stringData?.password ?? Buffer.from(keystore.data.password, "base64").toString();
    assert.match(password, /^[A-Za-z0-9]{32}$/);
    if (!project.chart.released) {
      // The stand-in chart has no webhook templates; what follows checks the released chart's references.
      return;
    }
    // The names the released chart's own templates use for the objects the platform declares in its place.
    const validating = find("prod", "admissionregistration.k8s.io_v1-validatingwebhookconfiguration-");
    assert.strictEqual(
      validating.metadata.annotations["cert-manager.io/inject-ca-from"],
      `flink/${WEBHOOK_CERTIFICATE}`,
    );
    assert.strictEqual(validating.webhooks[0].clientConfig.service.name, WEBHOOK_SERVICE);
    const operator = find("prod", "apps_v1-deployment-flink-flink-kubernetes-operator");
    const volumes = operator.spec.template.spec.volumes as Array<{
      name: string;
      secret?: { secretName: string };
    }>;
    assert.ok(
      volumes.some((v) => v.secret?.secretName === WEBHOOK_TLS_SECRET),
      "the webhook mounts the certificate",
    );
    const webhook = (operator.spec.template.spec.containers as Array<{ name: string; env: any[] }>).find(
      (c) => c.name === "flink-webhook",
    );
    assert.deepStrictEqual(
      webhook?.env.find((e) => e.name === "WEBHOOK_KEYSTORE_PASSWORD").valueFrom.secretKeyRef,
      { name: KEYSTORE_SECRET, key: "password" },
    );
  });
});
