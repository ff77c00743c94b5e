/**
 * The platform on a real node: `pulumi up` of the dev stack on the throw-away cluster of
 * `scripts/with-cluster.sh --real-node` (containerd + runc, a kubelet and kube-proxy of the API server's release,
 * CoreDNS), with the images scripts/build-images.sh builds without a registry. Every pod runs for real: the
 * operator from the chart, the managed MinIO and its setup Job, the session cluster's JobManager and the
 * TaskManagers it asks Kubernetes for when a job needs slots.
 *
 *   npm run test:node    (builds what it needs, then runs this suite in a network namespace of its own)
 *
 * What the run sets over Pulumi.dev.yaml (DEV_ON_A_REAL_NODE below, and test/node/images.settings.yaml, which only
 * points the image settings at the built images): the managed MinIO and Kubernetes HA, so that a checkpoint has a
 * durable place and a JobManager can be replaced; no StreamPark (its image and MySQL 8.4 cannot be built here).
 * The job is the project's checkpointing job (tools/flink/jobs), submitted through the session cluster's REST
 * Service as the operator submits a FlinkSessionJob's jar: the node has no outside network, and the operator
 * fetches session job jars over https only, from hosts its images would have to trust.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import YAML from "yaml";
import { FlinkRest, waitFor } from "../flink/support/flinkRest";
import { KubeApi, KubeObject } from "../support/kubeApi";
import { PulumiProject } from "../support/pulumiProject";

const ROOT = path.join(__dirname, "..", "..");
const IMAGES = path.join(ROOT, ".toolchain", "images");
const FLINK_API = "flink.apache.org/v1beta1";
const NAMESPACE = "flink";
const CLUSTER = "session";
const CHECKPOINTING_JOB = path.join(ROOT, ".toolchain", "flink", "job-jars", "checkpointing-job-1.20.4.jar");

/** What the run sets over Pulumi.dev.yaml, besides the images (values as `pulumi config set --path` takes them). */
const DEV_ON_A_REAL_NODE: Readonly<Record<string, string>> = {
  "storage.type": "s3",
  "ha.type": "kubernetes",
  "streampark.enabled": "false",
};

/** The image settings (test/node/images.settings.yaml), each image checked to be one the build made. */
function imageSettings(): Record<string, string> {
  const settings = YAML.parse(
    fs.readFileSync(path.join(__dirname, "images.settings.yaml"), "utf8"),
  ) as Record<string, string>;
  const built = new Set(
    fs
      .readFileSync(path.join(IMAGES, "images.txt"), "utf8")
      .split("\n")
      .filter((line) => line.trim())
      .map((line) => line.split(" ")[0]),
  );
  for (const [key, image] of Object.entries(settings)) {
    assert.ok(built.has(image), `${key}: ${image} is not one of the images in ${IMAGES}/images.txt`);
  }
  return settings;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("the platform on a real node", function () {
  this.timeout(40 * 60_000);
  let project: PulumiProject;
  let api: KubeApi;
  let rest: FlinkRest;
  let jobId: string;

  const pods = async (selector: string) =>
    (await api.list("v1", "Pod", NAMESPACE)).filter((pod) =>
      Object.entries(parseSelector(selector)).every(([k, v]) => (pod.metadata.labels as any)?.[k] === v),
    );
  const running = (pod: KubeObject) =>
    (pod.status as any)?.phase === "Running" &&
    (pod.status as any).containerStatuses?.every((c: any) => c.ready);

  before(async function () {
    const kubeconfig = process.env.KUBECONFIG;
    const nodeName = process.env.CLUSTER_NODE_NAME;
    if (!kubeconfig || !nodeName) {
      throw new Error(
        "no real node: run this suite as `scripts/in-netns.sh scripts/with-cluster.sh --crds --real-node -- " +
          "npx mocha test/node/realNode.test.ts` (or `npm run test:node`)",
      );
    }
    api = new KubeApi(kubeconfig);
    assert.ok(
      fs.existsSync(CHECKPOINTING_JOB),
      `${CHECKPOINTING_JOB} is missing: run scripts/build-flink.sh`,
    );
    project = new PulumiProject({ kubeconfig });
    console.log(
      `      ${project.describe()}; API server ${process.env.KUBE_APISERVER_URL}, node ${nodeName}`,
    );
    await project.initStack("dev", { ...imageSettings(), ...DEV_ON_A_REAL_NODE });
  });

  after(() => {
    api?.close();
    project?.dispose();
  });

  it("has a real node: containerd's kubelet of the API server's release, Ready", async () => {
    const node = await api.get("v1", "Node", process.env.CLUSTER_NODE_NAME!);
    const info = (node?.status as any)?.nodeInfo;
    assert.match(info.containerRuntimeVersion, /^containerd:\/\/1\./);
    const version = await api.request("GET", "/version");
    assert.strictEqual(info.kubeletVersion, version.body.gitVersion);
    assert.ok(
      (node?.status as any).conditions.some((c: any) => c.type === "Ready" && c.status === "True"),
      "the node is Ready",
    );
  });

  it("brings dev up: the operator from the chart, MinIO and the session cluster's JobManager run", async () => {
    await project.run(["up", "--stack", "dev", "--yes"]);
    // Pulumi awaited the FlinkDeployment READY: the real operator said so, having reached the JobManager's REST port.
    const deployment = await api.get(FLINK_API, "FlinkDeployment", CLUSTER, NAMESPACE);
    assert.strictEqual((deployment?.status as any)?.jobManagerDeploymentStatus, "READY");
    assert.strictEqual((deployment?.status as any)?.lifecycleState, "STABLE");
    const operatorPods = await pods("app.kubernetes.io/name=flink-kubernetes-operator");
    assert.strictEqual(operatorPods.length, 1, "one operator pod");
    assert.ok(running(operatorPods[0]), "the operator pod runs");
    const operatorImage = (operatorPods[0].status as any).containerStatuses[0].image;
    assert.match(operatorImage, /flink-platform\.test\/flink-kubernetes-operator:1\.15\.0$/);
    const minio = await pods("app.kubernetes.io/component=minio");
    assert.ok(minio.length === 1 && running(minio[0]), "the managed MinIO runs");
    const jobManagers = await pods(`app=${CLUSTER},component=jobmanager`);
    assert.strictEqual(jobManagers.length, 1, "one JobManager pod");
    assert.ok(running(jobManagers[0]), "the JobManager runs");
    rest = new FlinkRest(await restUrl());
  });

  it("answers on the Flink UI through its Service", async () => {
    const response = await fetch(`${rest.baseUrl}/`);
    assert.strictEqual(response.status, 200);
    assert.match(await response.text(), /Apache Flink Web Dashboard/);
  });

  it("runs a job whose TaskManager pods the JobManager starts, checkpointing on the managed MinIO", async () => {
    const jarId = await rest.uploadJar(CHECKPOINTING_JOB);
    jobId = await rest.runJar(jarId, {
      programArgsList: ["--name", "checkpointing-real-node"],
      parallelism: 1,
    });
    await rest.waitForState(jobId, "RUNNING", 300_000);
    const stats = await rest.waitForCheckpoints(jobId, 1, 300_000);
    assert.match(stats.latest.completed!.external_path, new RegExp(`^s3p://flink/.*/${jobId}/chk-\\d+$`));
    const taskManagers = await pods(`app=${CLUSTER},component=taskmanager`);
    assert.ok(
      taskManagers.length >= 1 && taskManagers.every(running),
      "the JobManager's TaskManager pods run",
    );
  });

  it("recovers the job from its last checkpoint when the JobManager pod is deleted", async () => {
    const before = await rest.checkpoints(jobId);
    const last = before.latest.completed!.id;
    const [jobManager] = await pods(`app=${CLUSTER},component=jobmanager`);
    const deleted = await api.request(
      "DELETE",
      `/api/v1/namespaces/${NAMESPACE}/pods/${jobManager.metadata.name}?gracePeriodSeconds=0`,
    );
    assert.strictEqual(deleted.status, 200, JSON.stringify(deleted.body));
    await waitFor("a new JobManager pod running", 300_000, async () => {
      const now = await pods(`app=${CLUSTER},component=jobmanager`);
      const fresh = now.filter((p) => p.metadata.name !== jobManager.metadata.name && running(p));
      return fresh.length === 1
        ? { done: true, value: undefined }
        : { done: false, seen: `${now.length} pods` };
    });
    const restored = await waitFor("the job restored from a checkpoint", 300_000, async () => {
      let stats;
      try {
        stats = await rest.checkpoints(jobId);
      } catch (err) {
        // The new JobManager recovers the job from the HA store: until its JobMaster is up the REST call fails
        // (404 before the job is known, 500 UnavailableDispatcherOperationException while it initializes).
        return { done: false, seen: String(err).slice(0, 300) };
      }
      return stats.latest.restored
        ? { done: true, value: stats.latest.restored }
        : { done: false, seen: JSON.stringify(stats.counts) };
    });
    assert.ok(
      restored.id >= last,
      `restored checkpoint ${restored.id}, the last before the deletion ${last}`,
    );
    assert.strictEqual(restored.is_savepoint, false);
    await rest.waitForState(jobId, "RUNNING");
  });

  it("changes nothing on a second up", async () => {
    const output = await project.run(["up", "--stack", "dev", "--yes"]);
    assert.doesNotMatch(output, /\d+ (to )?(create|update|replace|delete)d?\b/, output);
  });

  it("keeps MinIO's data on destroy", async () => {
    const claimsBefore = (await api.list("v1", "PersistentVolumeClaim", NAMESPACE)).map(
      (c) => c.metadata.name,
    );
    assert.ok(claimsBefore.length > 0, "MinIO has a volume claim");
    await project.run(["destroy", "--stack", "dev", "--yes"]);
    await sleep(2000);
    const claimsAfter = (await api.list("v1", "PersistentVolumeClaim", NAMESPACE)).map(
      (c) => c.metadata.name,
    );
    assert.deepStrictEqual(claimsAfter.sort(), claimsBefore.sort(), "the claims survive destroy");
  });

  /** The JobManager's REST endpoint through its Service (kube-proxy routes the ClusterIP on this node). */
  async function restUrl(): Promise<string> {
    const service = await api.get("v1", "Service", `${CLUSTER}-rest`, NAMESPACE);
    const ip = (service?.spec as any)?.clusterIP;
    assert.ok(ip, `Service ${CLUSTER}-rest has a ClusterIP`);
    return `http://${ip}:8081`;
  }
});

function parseSelector(selector: string): Record<string, string> {
  return Object.fromEntries(selector.split(",").map((pair) => pair.split("=") as [string, string]));
}
