/**
 * The program against a real Kubernetes API server (kube-apiserver, etcd, kube-controller-manager, kube-scheduler
 * and kwok's fake nodes, built from Go modules and started by scripts/with-cluster.sh), under the real Pulumi engine,
 * with the released operator chart when CI provides it. Everything a user does: preview, up, a second up, refresh,
 * the release bot, turning parts off, destroy; every answer about the cluster is asked of the API server.
 *
 *   scripts/with-cluster.sh --crds -- npm run test:integration
 *
 * The three stack files share the one cluster, as docs/architecture.md describes: each stack gets a platform namespace of its
 * own. Prod runs without the admission webhook here: the webhook needs the operator's pod to answer, and no pod runs
 * on kwok's nodes, so with `failurePolicy: Fail` the API server would refuse every FlinkDeployment; prod's webhook
 * objects are still sent to this server, by the strict validation test, and rendered by the render-mode suite.
 *
 * The operator cannot run here either; OperatorStandIn reports the status the operator reports (see there), so
 * Pulumi's await of each FlinkDeployment runs for real.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parseConfig } from "../../components/config/parse";
import { cliPathValue, parsePropertyPath, withValue } from "../../stacks/configSettings";
import { readStackConfig } from "../../stacks/shared/stackFiles";
import { KubeApi } from "../support/kubeApi";
import { renderPlatform } from "../support/mocks";
import { OperatorStandIn } from "../support/operatorStandIn";
import { PulumiProject } from "../support/pulumiProject";
import { describeObject, kubernetesObjects, strictValidationProblems } from "../support/strictValidation";

/** What each stack sets on top of its stack file to share the cluster (values as `pulumi config set --path` takes them). */
const SETTINGS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  dev: {},
  staging: { "platform.namespace": "flink-staging" },
  prod: {
    "platform.namespace": "flink-prod",
    "flink.clusters.etl.namespace": "flink-prod-etl",
    "operator.webhook": "false",
  },
};
const STACKS = Object.keys(SETTINGS);

/** The stack's config as the program sees it: its stack file with the suite's settings. */
function stackConfig(project: PulumiProject, stack: string, settings = SETTINGS[stack]) {
  let raw = readStackConfig(stack, project.dir);
  for (const [key, value] of Object.entries(settings)) {
    raw = withValue(raw, parsePropertyPath(key), cliPathValue(value));
  }
  return raw;
}

describe("the program against a real Kubernetes API server", function () {
  this.timeout(30 * 60 * 1000);
  let project: PulumiProject;
  let api: KubeApi;
  let operator: OperatorStandIn;

  const claims = async (namespace: string) =>
    (await api.list("v1", "PersistentVolumeClaim", namespace)).map((c) => c.metadata.name).sort();

  before(async function () {
    const kubeconfig = process.env.KUBECONFIG;
    if (!kubeconfig || !process.env.CLUSTER_DIR) {
      throw new Error(
        "no test cluster: run this suite as `scripts/with-cluster.sh --crds -- npm run test:integration` " +
          "(scripts/build-cluster.sh builds the servers)",
      );
    }
    project = new PulumiProject({ kubeconfig });
    console.log(`      ${project.describe()}; API server ${process.env.KUBE_APISERVER_URL}`);
    api = new KubeApi(kubeconfig);
    operator = new OperatorStandIn(api);
    operator.start();
    for (const stack of STACKS) {
      await project.initStack(stack, SETTINGS[stack]);
    }
  });

  after(async () => {
    await operator?.stop();
    api?.close();
    project?.dispose();
  });

  it("previews every stack file against the server", async () => {
    for (const stack of STACKS) {
      const output = await project.run(["preview", "--stack", stack]);
      assert.match(output, /kubernetes:flink\.apache\.org\/v1beta1:FlinkDeployment/, stack);
      assert.match(output, /\d+ to create/, stack);
    }
  });

  it("brings dev, staging and prod up on one cluster, the operator's CRDs shared", async () => {
    for (const stack of STACKS) {
      await project.run(["up", "--stack", stack, "--yes"]);
    }
    for (const stack of STACKS) {
      const config = parseConfig(stackConfig(project, stack));
      for (const cluster of config.flink.clusters) {
        const deployment = await api.get(
          "flink.apache.org/v1beta1",
          "FlinkDeployment",
          cluster.name,
          cluster.namespace,
        );
        assert.strictEqual(
          (deployment?.status as any)?.jobManagerDeploymentStatus,
          "READY",
          `${stack}/${cluster.name}`,
        );
      }
      // Jobs are awaited until the operator calls them stable (the stand-in plays the operator here).
      const jobs = [
        ...config.flink.applications.map((a) => ["FlinkDeployment", a.name, a.namespace]),
        ...config.flink.clusters.flatMap((c) =>
          Object.keys(c.jobs).map((job) => ["FlinkSessionJob", job, c.namespace]),
        ),
      ];
      for (const [kind, name, namespace] of jobs) {
        const job = await api.get("flink.apache.org/v1beta1", kind, name, namespace);
        assert.strictEqual((job?.status as any)?.lifecycleState, "STABLE", `${stack}: ${kind} ${name}`);
      }
      const operatorDeployment = await api.get(
        "apps/v1",
        "Deployment",
        "flink-kubernetes-operator",
        config.platform.namespace,
      );
      assert.strictEqual(
        (operatorDeployment?.status as any)?.availableReplicas,
        1,
        `${stack}: the operator Deployment`,
      );
    }
    const crd = await api.get(
      "apiextensions.k8s.io/v1",
      "CustomResourceDefinition",
      "flinkdeployments.flink.apache.org",
    );
    assert.ok(crd, "the FlinkDeployment CRD is installed");
  });

  it("passes the server's strict validation with every object the program sends", async () => {
    const problems: string[] = [];
    const kinds = new Set<string>();
    for (const stack of STACKS) {
      // Prod as its stack file has it, webhook objects included.
      const settings = stack === "prod" ? { ...SETTINGS.prod, "operator.webhook": "true" } : SETTINGS[stack];
      const { resources } = await renderPlatform(parseConfig(stackConfig(project, stack, settings)));
      const objects = kubernetesObjects(resources);
      objects.forEach((o) => kinds.add(o.kind));
      problems.push(...(await strictValidationProblems(api, objects)).map((p) => `${stack}: ${p}`));
    }
    assert.deepStrictEqual(problems, []);
    // Every kind the platform declares itself was among them, custom resources included.
    for (const kind of [
      "Namespace",
      "ServiceAccount",
      "Role",
      "RoleBinding",
      "Secret",
      "ConfigMap",
      "Service",
      "Deployment",
      "StatefulSet",
      "Job",
      "PersistentVolumeClaim",
      "PodDisruptionBudget",
      "FlinkDeployment",
      "FlinkSessionJob",
      "Ingress",
      "PodMonitor",
      "PrometheusRule",
      "Issuer",
      "Certificate",
    ]) {
      assert.ok(kinds.has(kind), `${kind} was checked (checked: ${[...kinds].sort().join(", ")})`);
    }
  });

  it("refuses a misspelled field, and the suite says which object and which field", async () => {
    const { resources } = await renderPlatform(parseConfig(stackConfig(project, "dev")));
    const deployment = kubernetesObjects(resources).find((o) => o.kind === "Deployment");
    assert.ok(deployment);
    const spec = structuredClone(deployment.spec) as any;
    spec.template.spec.containers[0].imagePullPolcy = "IfNotPresent";
    const problems = await strictValidationProblems(api, [{ ...deployment, spec }]);
    assert.strictEqual(problems.length, 1);
    assert.match(problems[0], new RegExp(`^${describeObject(deployment)}: .*imagePullPolcy`));
  });

  it("changes nothing on a second up", async () => {
    for (const stack of STACKS) {
      const output = await project.run(["up", "--stack", stack, "--yes", "--expect-no-changes"]);
      assert.doesNotMatch(output, /to create|to update|to replace|to delete/, stack);
    }
  });

  it("finds no drift on refresh", async () => {
    for (const stack of STACKS) {
      await project.run(["refresh", "--stack", stack, "--yes", "--expect-no-changes"]);
    }
  });

  it("waits for the operator to report a changed FlinkDeployment ready", async () => {
    operator.delayMs = 15_000;
    try {
      await project.set("dev", { "flink.clusters.session.taskManager.slots": "3" });
      const started = Date.now();
      const output = await project.run(["up", "--stack", "dev", "--yes"]);
      const seconds = (Date.now() - started) / 1000;
      assert.match(output, /Found \{\.status\.jobManagerDeploymentStatus\}=READY/);
      assert.ok(seconds >= 15, `the update took ${seconds.toFixed(1)} s, so it waited for the status`);
      assert.ok(operator.reported.some((r) => r.startsWith("flink/session@2")));
    } finally {
      operator.delayMs = 0;
    }
  });

  it("runs the preview command and the release bot against dev then staging", async () => {
    const reports = path.join(project.work, "reports");
    const preview = await project.npm([
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
    assert.strictEqual(preview.status, 0, preview.output.slice(-4000));
    const previewReport = JSON.parse(fs.readFileSync(path.join(reports, "preview.json"), "utf8"));
    assert.deepStrictEqual(
      previewReport.stacks.map((s: any) => [s.stack, s.status]),
      [
        ["dev", "ok"],
        ["staging", "ok"],
      ],
    );
    const release = await project.npm([
      "release",
      "--",
      "--stacks",
      "dev,staging",
      "--set",
      "flink.clusters.session.warmSlots=2",
      "--quiet",
      "--markdown",
      path.join(reports, "release.md"),
      "--json",
      path.join(reports, "release.json"),
    ]);
    assert.strictEqual(release.status, 0, release.output.slice(-4000));
    const releaseReport = JSON.parse(fs.readFileSync(path.join(reports, "release.json"), "utf8"));
    assert.strictEqual(releaseReport.status, "succeeded");
    for (const stack of releaseReport.stacks) {
      assert.deepStrictEqual(
        stack.steps.map((s: any) => `${s.step}:${s.status}`),
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
        stack.stack,
      );
    }
    // The released setting reached the FlinkDeployments the server holds.
    for (const namespace of ["flink", "flink-staging"]) {
      const deployment = await api.get("flink.apache.org/v1beta1", "FlinkDeployment", "session", namespace);
      const conf = (deployment?.spec as any).flinkConfiguration;
      assert.strictEqual(conf["slotmanager.number-of-slots.min"], "2", namespace);
    }
  });

  it("keeps the claims of Hive, StreamPark and the stores when they are turned off", async () => {
    const before = await claims("flink-staging");
    assert.ok(before.includes("data-mysql-0") && before.includes("streampark-workspace"), before.join(", "));
    assert.ok(
      before.some((c) => c.startsWith("data-hdfs-")) && before.some((c) => c.startsWith("data-zookeeper-")),
    );
    await project.set("staging", {
      "hive.enabled": "false",
      "streampark.enabled": "false",
      "storage.type": "none",
      "ha.type": "off",
      "flink.clusters.session.jobManager.replicas": "1",
      // Without a store, validation refuses jobs that keep state, standby JobManagers and the history server.
      "flink.clusters.session.jobs.top-speed.upgradeMode": "stateless",
      "flink.applications.state-machine.job.upgradeMode": "stateless",
      "flink.applications.state-machine.jobManager.replicas": "1",
      "flink.historyServer.enabled": "false",
    });
    await project.run(["up", "--stack", "staging", "--yes"]);
    assert.strictEqual(
      await api.get("apps/v1", "StatefulSet", "mysql", "flink-staging"),
      undefined,
      "MySQL is gone",
    );
    assert.strictEqual(await api.get("apps/v1", "StatefulSet", "hdfs-namenode", "flink-staging"), undefined);
    assert.deepStrictEqual(await claims("flink-staging"), before, "every claim is still there");
  });

  it("destroys every stack and keeps namespaces, claims and CRDs", async () => {
    const kept = new Map<string, string[]>();
    for (const namespace of ["flink", "flink-staging", "flink-prod"]) {
      kept.set(namespace, await claims(namespace));
    }
    for (const stack of STACKS) {
      await project.run(["destroy", "--stack", stack, "--yes"]);
    }
    for (const [namespace, names] of kept) {
      const ns = await api.get("v1", "Namespace", namespace);
      assert.strictEqual((ns?.status as any)?.phase, "Active", namespace);
      assert.deepStrictEqual(await claims(namespace), names, namespace);
      assert.deepStrictEqual(
        await api.list("apps/v1", "StatefulSet", namespace),
        [],
        `${namespace}: workloads are gone`,
      );
    }
    for (const crd of ["flinkdeployments", "flinksessionjobs"]) {
      assert.ok(
        await api.get("apiextensions.k8s.io/v1", "CustomResourceDefinition", `${crd}.flink.apache.org`),
        crd,
      );
    }
  });
});
