/**
 * The platform on a real node: `pulumi up` of the dev stack on the throw-away cluster of
 * `scripts/with-cluster.sh --real-node` (containerd + runc, a kubelet and kube-proxy of the API server's release,
 * CoreDNS), with the images scripts/build-images.sh builds without a registry. Every pod runs for real: the
 * operator from the chart, the managed MinIO and its setup Job, the session cluster's JobManager and the
 * TaskManagers it asks Kubernetes for when a job needs slots, an application deployment the operator upgrades
 * through a savepoint, and the history server. After `destroy`, a second stack (a Pulumi state of its own, so new
 * credentials) comes up over the volumes the first one kept, with staging's HA: a three-server ZooKeeper ensemble
 * elects the JobManager, which resumes the first stack's cancelled job from the checkpoint it kept on MinIO.
 *
 *   npm run test:node    (builds what it needs, then runs this suite in a network namespace of its own)
 *
 * What the run sets over Pulumi.dev.yaml (DEV_ON_A_REAL_NODE below, and test/node/images.settings.yaml, which only
 * points the image settings at the built images): the managed MinIO and Kubernetes HA, so that a checkpoint has a
 * durable place and a JobManager can be replaced; no StreamPark (its image and MySQL 8.4 cannot be built here);
 * the history server, as staging runs it; and a small application in a namespace of its own, running one of
 * Flink's examples from the image (`local://`), with upgrade mode savepoint. The init containers fetch their jars
 * from a Maven mirror on the node's bridge (mavenMirror.ts), as an air-gapped cluster's would.
 * The job is the project's checkpointing job (tools/flink/jobs), submitted through the session cluster's REST
 * Service as the operator submits a FlinkSessionJob's jar: the node has no outside network, and the operator
 * fetches session job jars over https only, from hosts its images would have to trust.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import YAML from "yaml";
import { FlinkRest, waitFor } from "../flink/support/flinkRest";
import { inputsHash } from "../../components/kube/hash";
import { KubeApi, KubeObject } from "../support/kubeApi";
import { PulumiProject } from "../support/pulumiProject";
import { MavenMirror, startMavenMirror } from "./mavenMirror";

const ROOT = path.join(__dirname, "..", "..");
const IMAGES = path.join(ROOT, ".toolchain", "images");
const FLINK_API = "flink.apache.org/v1beta1";
const NAMESPACE = "flink";
const CLUSTER = "session";
const HISTORY_SERVER = "flink-history-server";
/** The jars the platform's init containers fetch, as scripts/build-flink.sh downloaded and checked them. */
const PLATFORM_JARS = path.join(ROOT, ".toolchain", "flink", "platform-jars");
const CHECKPOINTING_JOB = path.join(ROOT, ".toolchain", "flink", "job-jars", "checkpointing-job-1.20.4.jar");

/** The application deployment the run adds, in a namespace of its own; its jar is one of Flink's examples. */
const APPLICATION = "state-machine";
const APPLICATION_NAMESPACE = "flink-apps";
const APPLICATION_KEY = `flink.applications.${APPLICATION}`;

/** What the run sets over Pulumi.dev.yaml, besides the images (values as `pulumi config set --path` takes them). */
const DEV_ON_A_REAL_NODE: Readonly<Record<string, string>> = {
  "storage.type": "s3",
  "ha.type": "kubernetes",
  "streampark.enabled": "false",
  // Small enough that it runs beside the session cluster on a 2-core node.
  [`${APPLICATION_KEY}.namespace`]: APPLICATION_NAMESPACE,
  [`${APPLICATION_KEY}.jobManager.cpu`]: "250m",
  [`${APPLICATION_KEY}.jobManager.memory`]: "1024m",
  [`${APPLICATION_KEY}.taskManager.cpu`]: "250m",
  [`${APPLICATION_KEY}.taskManager.memory`]: "1024m",
  [`${APPLICATION_KEY}.taskManager.slots`]: "1",
  [`${APPLICATION_KEY}.job.jarURI`]: "local:///opt/flink/examples/streaming/StateMachineExample.jar",
  [`${APPLICATION_KEY}.job.parallelism`]: "1",
  [`${APPLICATION_KEY}.job.upgradeMode`]: "savepoint",
  // The history server over every cluster's archive of finished jobs, as staging runs it.
  "flink.historyServer.enabled": "true",
};

/**
 * The second stack the run brings up over the first one's kept volumes, with a Pulumi state of its own (as after
 * `pulumi stack rm` or on a new machine): the dev stack with staging's HA, a three-server ZooKeeper ensemble, in
 * place of Kubernetes HA; no application or history server, so that the ensemble fits beside the session cluster.
 */
const DEV_WITH_ZOOKEEPER_HA: Readonly<Record<string, string>> = {
  "storage.type": "s3",
  "ha.type": "zookeeper",
  "ha.zookeeper.managed.replicas": "3",
  "streampark.enabled": "false",
};

/** The config change the savepoint upgrade applies: the application's TaskManagers get more memory. */
const APPLICATION_UPGRADE: Readonly<Record<string, string>> = {
  [`${APPLICATION_KEY}.taskManager.memory`]: "1280m",
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
  let mirror: MavenMirror;
  let api: KubeApi;
  let rest: FlinkRest;
  let appRest: FlinkRest;
  let jobId: string;
  /** The application's job that the savepoint upgrade stopped, and its savepoint. */
  let upgradedJobId: string;
  let upgradeSavepoint: string;
  /** The session job's last checkpoint, which its cancellation keeps (RETAIN_ON_CANCELLATION). */
  let cancelledJobCheckpoint: string;
  /** The second stack, over the first one's kept volumes, and the job it resumes. */
  let second: PulumiProject;
  let resumedJobId: string;

  const pods = async (selector: string, namespace = NAMESPACE) =>
    (await api.list("v1", "Pod", namespace)).filter((pod) =>
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
    for (const built of [CHECKPOINTING_JOB, PLATFORM_JARS]) {
      assert.ok(fs.existsSync(built), `${built} is missing: run scripts/build-flink.sh`);
    }
    // The node has no outside network: the init containers fetch from a mirror, as in an air-gapped cluster.
    mirror = await startMavenMirror(PLATFORM_JARS, process.env.CLUSTER_NODE_ADDRESS!);
    project = new PulumiProject({ kubeconfig });
    console.log(
      `      ${project.describe()}; API server ${process.env.KUBE_APISERVER_URL}, node ${nodeName}`,
    );
    await project.initStack("dev", {
      ...imageSettings(),
      ...DEV_ON_A_REAL_NODE,
      "platform.artifacts.mavenRepository": mirror.url,
    });
  });

  after(async () => {
    api?.close();
    project?.dispose();
    second?.dispose();
    await mirror?.close();
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
    await recoverAfterJobManagerDeletion(jobId);
  });

  it("runs the application in its own namespace, checkpointing on MinIO as that namespace's own MinIO user", async () => {
    const status = await applicationStatus();
    assert.strictEqual(status.lifecycleState, "STABLE");
    assert.strictEqual(status.jobStatus?.state, "RUNNING");
    appRest = new FlinkRest(await restUrl(APPLICATION, APPLICATION_NAMESPACE));
    const stats = await appRest.waitForCheckpoints(status.jobStatus.jobId, 0, 300_000);
    assert.match(
      stats.latest.completed!.external_path,
      new RegExp(`^s3p://flink/.*/${APPLICATION_NAMESPACE}/.*/${status.jobStatus.jobId}/chk-\\d+$`),
    );
    // Each namespace's pods hold the access key of its own MinIO user, never another's or the root user's.
    const [appJobManager] = await pods(`app=${APPLICATION},component=jobmanager`, APPLICATION_NAMESPACE);
    const [sessionJobManager] = await pods(`app=${CLUSTER},component=jobmanager`);
    assert.strictEqual(await s3AccessKey(appJobManager), `ns-${inputsHash(APPLICATION_NAMESPACE)}`);
    assert.strictEqual(await s3AccessKey(sessionJobManager), `ns-${inputsHash(NAMESPACE)}`);
  });

  it("upgrades the application through a savepoint when `pulumi up` changes its config, and resumes from it", async () => {
    const before = await applicationStatus();
    upgradedJobId = before.jobStatus.jobId;
    await project.set("dev", APPLICATION_UPGRADE);
    const output = await project.run(["up", "--stack", "dev", "--yes"]);
    assert.match(output, /\d+ updated/, output);
    const after = await waitFor("the upgraded application's job running", 600_000, async () => {
      const status = await applicationStatus();
      const job = status.jobStatus;
      return status.lifecycleState === "STABLE" && job?.state === "RUNNING" && job.jobId !== upgradedJobId
        ? { done: true, value: status }
        : { done: false, seen: `${status.lifecycleState} ${job?.jobId} ${job?.state}` };
    });
    // The operator stopped the old job with a savepoint and started the new one from it.
    const savepoint: string = after.jobStatus.upgradeSavepointPath;
    upgradeSavepoint = savepoint;
    assert.match(
      savepoint ?? "",
      new RegExp(`^s3p://flink/.*/${APPLICATION_NAMESPACE}/.*savepoint-`),
      savepoint,
    );
    // The operator redeployed the application's cluster, REST Service and all: a new ClusterIP.
    appRest = new FlinkRest(await restUrl(APPLICATION, APPLICATION_NAMESPACE));
    const restored = await newRestore(appRest, after.jobStatus.jobId);
    assert.strictEqual(restored.is_savepoint, true);
    assert.strictEqual(restored.external_path.replace(/\/$/, ""), savepoint.replace(/\/$/, ""));
    const [taskManager] = await waitFor("a TaskManager of the new size", 300_000, async () => {
      const now = (await pods(`app=${APPLICATION},component=taskmanager`, APPLICATION_NAMESPACE)).filter(
        running,
      );
      const memory = now.map((p) => (p.spec as any).containers[0].resources.limits.memory);
      return now.length > 0 && memory.every((m) => m === "1280Mi")
        ? { done: true, value: now }
        : { done: false, seen: memory.join(",") };
    });
    assert.ok(taskManager);
    // Its own checkpoints follow (counted for the new job only).
    await appRest.waitForCheckpoints(after.jobStatus.jobId, 0, 300_000);
  });

  it("lists the finished jobs on the history server: the cancelled session job and the upgraded application's", async () => {
    await rest.cancel(jobId);
    await rest.waitForState(jobId, "CANCELED");
    cancelledJobCheckpoint = (await rest.checkpoints(jobId)).latest.completed!.external_path;
    assert.ok(
      mirror.served.some((jar) => jar.includes("jmx_prometheus_javaagent")),
      `the history server fetched its Prometheus agent through the mirror (served: ${mirror.served.join(", ")})`,
    );
    const history = new FlinkRest(await serviceUrl(HISTORY_SERVER, NAMESPACE, 8082));
    const wanted = new Map([
      [jobId, "CANCELED"],
      [upgradedJobId, "FINISHED"],
    ]);
    const listed = await waitFor("both jobs on the history server", 300_000, async () => {
      let overview: { jobs: { jid: string; state: string }[] };
      try {
        overview = await history.get("/jobs/overview");
      } catch (err) {
        return { done: false, seen: String(err).slice(0, 300) };
      }
      const found = overview.jobs.filter((job) => wanted.has(job.jid));
      return found.length === wanted.size
        ? { done: true, value: found }
        : { done: false, seen: JSON.stringify(overview.jobs) };
    });
    for (const job of listed) {
      assert.strictEqual(job.state, wanted.get(job.jid), `job ${job.jid}`);
    }
  });

  it("changes nothing on a second up", async () => {
    const output = await project.run(["up", "--stack", "dev", "--yes"]);
    assert.doesNotMatch(output, /\d+ (to )?(create|update|replace|delete)d?\b/, output);
  });

  it("keeps MinIO's data on destroy, with the savepoint the operator took of the application on deletion", async () => {
    // The operator refuses to delete a session cluster while a job it does not manage runs
    // (docs/troubleshooting.md); the history server's test cancelled the suite's one.
    await rest.waitForState(jobId, "CANCELED");
    const claims = await api.list("v1", "PersistentVolumeClaim", NAMESPACE);
    assert.ok(claims.length > 0, "MinIO has a volume claim");
    const minioVolume = await hostPath(claims.find((c) => c.metadata.name.includes("minio")));
    const lastJob = (await applicationStatus()).jobStatus.jobId as string;
    await destroyKeepingClaims(project);
    // On MinIO's volume (the node's own directory; MinIO keeps an object as a folder of its key), beside the
    // upgrade's savepoint: the one the operator's finalizer took of the running job (Flink names a savepoint
    // after the first 6 characters of its job id).
    const [bucket, ...key] = upgradeSavepoint
      .replace(/^s3p?:\/\//, "")
      .replace(/\/$/, "")
      .split("/");
    const savepoints = path.join(minioVolume, bucket, ...key.slice(0, -1));
    const kept = fs.readdirSync(savepoints);
    assert.ok(
      kept.includes(key[key.length - 1]),
      `the upgrade's savepoint is kept (${savepoints}: ${kept.join(", ")})`,
    );
    const onDeletion = kept.find((name) => name.startsWith(`savepoint-${lastJob.slice(0, 6)}-`));
    assert.ok(
      onDeletion,
      `a savepoint of job ${lastJob} taken on deletion (${savepoints}: ${kept.join(", ")})`,
    );
    assert.ok(
      fs.existsSync(path.join(savepoints, onDeletion, "_metadata")),
      `${onDeletion} is complete (it has its _metadata)`,
    );
  });

  it("comes back over the kept volumes as a new stack with staging's HA: a three-server ZooKeeper ensemble", async () => {
    second = new PulumiProject({ kubeconfig: process.env.KUBECONFIG });
    await second.initStack("dev", {
      ...imageSettings(),
      ...DEV_WITH_ZOOKEEPER_HA,
      "platform.artifacts.mavenRepository": mirror.url,
    });
    await second.run(["up", "--stack", "dev", "--yes"]);
    const servers = await pods("app.kubernetes.io/component=zookeeper");
    assert.strictEqual(servers.length, 3, "three ZooKeeper servers");
    assert.ok(servers.every(running), "every ZooKeeper server runs and answers `srvr` (its readiness probe)");
    const deployment = await api.get(FLINK_API, "FlinkDeployment", CLUSTER, NAMESPACE);
    assert.strictEqual((deployment?.status as any)?.jobManagerDeploymentStatus, "READY");
    rest = new FlinkRest(await restUrl());
    // The JobManager the operator started elects its leader through the ensemble.
    const config = new Map(
      (await rest.get<{ key: string; value: string }[]>("/jobmanager/config")).map((e) => [e.key, e.value]),
    );
    assert.strictEqual(config.get("high-availability.type"), "zookeeper");
    assert.match(config.get("high-availability.zookeeper.quorum") ?? "", /zookeeper/);
  });

  it("resumes the cancelled session job from the checkpoint it kept, read with the new stack's MinIO credentials", async () => {
    const jarId = await rest.uploadJar(CHECKPOINTING_JOB);
    resumedJobId = await rest.runJar(jarId, {
      programArgsList: ["--name", "checkpointing-real-node-resumed"],
      parallelism: 1,
      savepointPath: cancelledJobCheckpoint,
    });
    await rest.waitForState(resumedJobId, "RUNNING", 300_000);
    const stats = await rest.waitForCheckpoints(resumedJobId, 0, 300_000);
    // Flink counts a restore from a path given at submission as a savepoint restore, whatever the path holds.
    assert.strictEqual(stats.latest.restored?.external_path, cancelledJobCheckpoint);
  });

  it("recovers the resumed job through ZooKeeper when the JobManager pod is deleted", async () => {
    await recoverAfterJobManagerDeletion(resumedJobId);
  });

  it("destroys the second stack too, keeping ZooKeeper's and MinIO's volume claims", async () => {
    await rest.cancel(resumedJobId);
    await rest.waitForState(resumedJobId, "CANCELED");
    const kept = await destroyKeepingClaims(second);
    assert.strictEqual(kept.filter((name) => name.includes("zookeeper")).length, 3, kept.join(", "));
  });

  /**
   * Delete the session cluster's JobManager pod at once (no graceful stop) and wait until its replacement has
   * restored `job` from a checkpoint at least as new as the last one before the deletion.
   */
  async function recoverAfterJobManagerDeletion(job: string): Promise<void> {
    const before = await rest.checkpoints(job);
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
    // The new JobManager recovers the job from the HA store.
    const restored = await newRestore(rest, job, before.latest.restored?.id);
    assert.ok(
      restored.id >= last,
      `restored checkpoint ${restored.id}, the last before the deletion ${last}`,
    );
    assert.strictEqual(restored.is_savepoint, false);
    await rest.waitForState(job, "RUNNING");
  }

  /**
   * Poll `job`'s checkpoint statistics until they show a restore other than `previousId` (a job started from a
   * checkpoint shows that restore until a new JobManager's). Until the job's JobMaster is up the REST call fails
   * (404 before the job is known, 500 UnavailableDispatcherOperationException while it initializes).
   */
  function newRestore(client: FlinkRest, job: string, previousId?: number) {
    return waitFor(`a restore of job ${job}`, 300_000, async () => {
      let stats;
      try {
        stats = await client.checkpoints(job);
      } catch (err) {
        return { done: false, seen: String(err).slice(0, 300) };
      }
      const restore = stats.latest.restored;
      return restore && restore.id !== previousId
        ? { done: true, value: restore }
        : { done: false, seen: JSON.stringify(stats.counts) };
    });
  }

  /** `pulumi destroy` of a project's dev stack, then check that every volume claim of the namespace is still there. */
  async function destroyKeepingClaims(owner: PulumiProject): Promise<string[]> {
    const names = async () =>
      (await api.list("v1", "PersistentVolumeClaim", NAMESPACE)).map((c) => c.metadata.name).sort();
    const before = await names();
    await owner.run(["destroy", "--stack", "dev", "--yes"]);
    // Claims Pulumi would delete go a moment after destroy returns.
    await sleep(2000);
    assert.deepStrictEqual(await names(), before, "the claims survive destroy");
    return before;
  }

  /** A JobManager's REST endpoint through its Service. */
  function restUrl(cluster = CLUSTER, namespace = NAMESPACE): Promise<string> {
    return serviceUrl(`${cluster}-rest`, namespace, 8081);
  }

  /** A Service's URL at its ClusterIP (kube-proxy routes it on this node). */
  async function serviceUrl(name: string, namespace: string, port: number): Promise<string> {
    const service = await api.get("v1", "Service", name, namespace);
    const ip = (service?.spec as any)?.clusterIP;
    assert.ok(ip, `Service ${namespace}/${name} has a ClusterIP`);
    return `http://${ip}:${port}`;
  }

  /** The directory on the node behind a claim's PersistentVolume (scripts/with-cluster.sh's hostPath pool). */
  async function hostPath(claim: KubeObject | undefined): Promise<string> {
    const volumeName = (claim?.spec as any)?.volumeName;
    assert.ok(volumeName, `claim ${claim?.metadata.name} is bound`);
    const volume = await api.get("v1", "PersistentVolume", volumeName);
    const dir = (volume?.spec as any)?.hostPath?.path;
    assert.ok(
      dir && fs.existsSync(dir),
      `PersistentVolume ${volumeName} is a directory on the node (${dir})`,
    );
    return dir;
  }

  /** The operator's status of the application's FlinkDeployment. */
  async function applicationStatus(): Promise<any> {
    const deployment = await api.get(FLINK_API, "FlinkDeployment", APPLICATION, APPLICATION_NAMESPACE);
    return (deployment?.status as any) ?? {};
  }

  /** The S3 access key a pod's Flink container reads, from the Secret its environment names. */
  async function s3AccessKey(pod: KubeObject): Promise<string> {
    const container = (pod.spec as any).containers.find((c: any) => c.name === "flink-main-container");
    const ref = container.env.find((e: any) => e.name === "AWS_ACCESS_KEY_ID")?.valueFrom?.secretKeyRef;
    assert.ok(ref, `${pod.metadata.name} reads AWS_ACCESS_KEY_ID from a Secret`);
    const secret = await api.get("v1", "Secret", ref.name, pod.metadata.namespace);
    return Buffer.from((secret?.data as any)[ref.key], "base64").toString("utf8");
  }
});

function parseSelector(selector: string): Record<string, string> {
  return Object.fromEntries(selector.split(",").map((pair) => pair.split("=") as [string, string]));
}
