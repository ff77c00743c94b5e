/**
 * The program against a real Kubernetes API server (kube-apiserver, etcd, kube-controller-manager, kube-scheduler
 * and kwok's fake nodes, built from Go modules and started by scripts/with-cluster.sh), under the real Pulumi engine,
 * with the released operator chart when CI provides it. Everything a user does: preview, up, a second up, refresh,
 * the release bot, turning parts off, destroy; every answer about the cluster is asked of the API server.
 *
 *   scripts/with-cluster.sh --crds -- npm run test:integration
 *
 * The three stack files share the one cluster, as docs/architecture.md describes: each stack gets a platform namespace of its
 * own.
 *
 * Where scripts/build-operator.sh has built the operator from its release source (CI; OPERATOR_REQUIRED=1 makes its
 * absence an error), the real operator and its admission webhook take part, as processes beside the cluster that run
 * the chart's own pod (test/support/operatorPod.ts): under the chart's ServiceAccount, with the chart's configuration
 * as the API server holds it. Prod runs with its webhook, as its stack file has it: the API server calls it
 * (test/support/operatorEgress.ts) for every Flink object of prod, from prod's first `up` to its `destroy`, with the
 * certificate cert-manager would issue (test/support/operatorCertManager.ts). After the stacks are up, the real
 * operator reconciles every FlinkDeployment and FlinkSessionJob of the three stacks, and what it creates is checked
 * against what the platform asked for. Elsewhere the webhook is off for prod (with `failurePolicy: Fail` and no
 * webhook answering, the API server would refuse every Flink object of prod).
 *
 * kwok's pods never start a JobManager, so the real operator brings a cluster only as far as "JobManager is being
 * deployed"; Pulumi awaits more (a READY JobManager, a STABLE job). So OperatorStandIn reports what the operator
 * would once the JobManager is up, whenever the real operator is not running: Pulumi's await of each FlinkDeployment
 * runs for real, and the two never write the same status at the same time.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parseConfig } from "../../components/config/parse";
import { cliPathValue, parsePropertyPath, withValue } from "../../stacks/configSettings";
import { readStackConfig } from "../../stacks/shared/stackFiles";
import { networkInterfaces } from "../flink/support/processes";
import { KubeApi, KubeObject } from "../support/kubeApi";
import { renderPlatform } from "../support/mocks";
import { CertManagerStandIn } from "../support/operatorCertManager";
import { OperatorEgress } from "../support/operatorEgress";
import { flinkConfigProblems, jobManagerProblems, taskManagerProblems } from "../support/operatorMerge";
import { operatorBuilt, OperatorRun, OPERATOR_CONTAINER, WEBHOOK_CONTAINER } from "../support/operatorRun";
import { OperatorStandIn } from "../support/operatorStandIn";
import { PulumiProject } from "../support/pulumiProject";
import { describeObject, kubernetesObjects, strictValidationProblems } from "../support/strictValidation";

/** Whether the real operator takes part (scripts/build-operator.sh has built it). */
const REAL_OPERATOR = operatorBuilt();

/** What each stack sets on top of its stack file to share the cluster (values as `pulumi config set --path` takes them). */
const SETTINGS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  dev: {},
  staging: { "platform.namespace": "flink-staging" },
  prod: {
    "platform.namespace": "flink-prod",
    "flink.clusters.etl.namespace": "flink-prod-etl",
    // Without the real webhook nothing would answer the API server's admission calls.
    ...(REAL_OPERATOR ? {} : { "operator.webhook": "false" }),
  },
};
const STACKS = Object.keys(SETTINGS);
const FLINK_API = "flink.apache.org/v1beta1";
const PROD_WEBHOOK_SERVICE = "flink-prod/flink-operator-webhook-service";
/**
 * What the cluster's DNS would answer the operator for the hosts of the stacks' http(s) jarURIs (and the admission
 * probe's): the operator's validator resolves a jar's host and refuses one it cannot resolve or that resolves to a
 * loopback, link-local or private address ("jarURI host '...' cannot be resolved"), in the webhook and in the
 * controller. The suite's network namespace has no DNS, so the operator's JVMs resolve these from a hosts file
 * (OperatorRunOptions.hosts), at a TEST-NET-3 address (RFC 5737): public to the validator, reachable by nothing.
 */
const JAR_HOSTS: Readonly<Record<string, string>> = { "repo1.maven.org": "203.0.113.10" };

/**
 * The state the real operator gives each Flink object of the three stacks here, as `jobManagerDeploymentStatus/
 * lifecycleState` (session jobs: their status). Every FlinkDeployment is reconciled (observedGeneration 1) and
 * carries the operator's finalizer. Why each stops where it does:
 * - session clusters: the operator creates the JobManager Deployment, kwok reports it available, and the operator
 *   then waits for the JobManager's REST port (`<name>-rest.<namespace>:8081`), which nothing serves: DEPLOYING, its
 *   `Running` condition False with reason JobManagerIsDeploying ("JobManager is being deployed");
 * - staging's application (ZooKeeper HA): before it submits an application the operator removes the job graph from
 *   the HA store, so it connects to ZooKeeper itself, and ZooKeeper is a kwok pod: the deployment stays UPGRADING,
 *   with no JobManager Deployment (the JobManager and the rest of it cannot be judged here);
 * - staging's session job: the operator submits it once its session cluster is READY; until then it writes no
 *   status ("not ready for reconciliation").
 */
const OPERATOR_STATES: Readonly<Record<string, string>> = {
  "FlinkDeployment flink/session": "DEPLOYING/DEPLOYED",
  "FlinkDeployment flink-staging/session": "DEPLOYING/DEPLOYED",
  "FlinkDeployment flink-staging/state-machine": "MISSING/UPGRADING",
  "FlinkSessionJob flink-staging/top-speed": "no status",
  "FlinkDeployment flink-prod/analytics": "DEPLOYING/DEPLOYED",
  "FlinkDeployment flink-prod-etl/etl": "DEPLOYING/DEPLOYED",
};

/** An object's state in OPERATOR_STATES' terms. */
function operatorState(object: KubeObject): string {
  const status = object.status as any;
  if (object.kind === "FlinkSessionJob") {
    return status ? `${status.lifecycleState}/${status.jobStatus?.state}` : "no status";
  }
  return `${status?.jobManagerDeploymentStatus}/${status?.lifecycleState}`;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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
  // The real operator's parts (REAL_OPERATOR only).
  let operatorWork: string;
  let certManager: CertManagerStandIn | undefined;
  let egress: OperatorEgress | undefined;
  let webhook: Promise<OperatorRun> | undefined;
  const operatorRuns: OperatorRun[] = [];

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
    if (!REAL_OPERATOR && process.env.OPERATOR_REQUIRED === "1") {
      throw new Error("the operator is not built: run scripts/build-operator.sh (OPERATOR_REQUIRED=1)");
    }
    project = new PulumiProject({ kubeconfig });
    console.log(`      ${project.describe()}; API server ${process.env.KUBE_APISERVER_URL}`);
    console.log(
      REAL_OPERATOR
        ? "      the real operator 1.15.0 (scripts/build-operator.sh) reconciles the stacks; prod with its webhook"
        : "      the operator is not built (scripts/build-operator.sh): its stand-in only, prod without its webhook",
    );
    api = new KubeApi(kubeconfig);
    operator = new OperatorStandIn(api);
    operator.start();
    if (REAL_OPERATOR) {
      // The operator's health, metrics and webhook servers bind every interface (Flink gives them no bind address).
      assert.deepStrictEqual(
        networkInterfaces(),
        ["lo"],
        "with the real operator, run the suite in a network namespace with only loopback: " +
          "scripts/in-netns.sh scripts/with-cluster.sh --crds -- npm run test:integration",
      );
      const socket = process.env.CLUSTER_EGRESS_SOCKET;
      if (!socket) {
        throw new Error("CLUSTER_EGRESS_SOCKET is not set: start the suite with scripts/with-cluster.sh");
      }
      // In the project's work directory, which the suite removes: service-account kubeconfigs, keys, volumes, logs.
      operatorWork = fs.mkdtempSync(path.join(project.work, "operator-"));
      certManager = new CertManagerStandIn(api, operatorWork);
      certManager.start();
      egress = new OperatorEgress(api, socket);
      await egress.start();
      // Prod's webhook container starts as soon as its pod could, during prod's first up, before its Flink objects.
      webhook = OperatorRun.startWhenStartable(api, "flink-prod", {
        containers: [WEBHOOK_CONTAINER],
        workDir: operatorWork,
        egress,
        hosts: JAR_HOSTS,
      });
      webhook.catch(() => undefined); // Awaited (and its failure reported) by the tests.
    }
    for (const stack of STACKS) {
      await project.initStack(stack, SETTINGS[stack]);
    }
  });

  after(async () => {
    await Promise.all(operatorRuns.map((run) => run.stop()));
    await (await webhook?.catch(() => undefined))?.stop();
    await egress?.close();
    await certManager?.stop();
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
    if (REAL_OPERATOR) {
      // Prod's Flink objects were created with its webhook in the way (failurePolicy: Fail): the API server called it.
      const run = await webhook!;
      await run.ready();
      const calls = egress!.records.filter((r) => r.service === PROD_WEBHOOK_SERVICE);
      assert.ok(calls.length > 0, "the API server called prod's webhook");
      assert.deepStrictEqual(
        calls.filter((r) => r.outcome !== "connected"),
        [],
        "every call reached the webhook",
      );
      const listener = run.process(WEBHOOK_CONTAINER);
      const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
      const held = Math.max(0, (listener.readyAt ?? 0) - calls[0].requestedAt);
      console.log(
        `      prod's webhook: listening ${seconds((listener.readyAt ?? 0) - listener.startedAt)} after its start; ` +
          `${calls.length} admission connections, the first held ${seconds(held)} until it listened`,
      );
    }
  });

  it("has prod's webhook admit its Flink objects and refuse what the operator's validator refuses", async function () {
    if (!REAL_OPERATOR) {
      this.skip();
    }
    const analytics = (await api.get(FLINK_API, "FlinkDeployment", "analytics", "flink-prod")) as KubeObject;
    const create = async (kind: string, object: Record<string, unknown>) =>
      api.request("POST", `${await api.path(FLINK_API, kind, "flink-prod")}?dryRun=All`, {
        apiVersion: FLINK_API,
        kind,
        ...object,
      });
    const copy = (change: (spec: any) => void) => {
      const spec = structuredClone(analytics.spec) as any;
      change(spec);
      return { metadata: { name: "admission-probe", namespace: "flink-prod" }, spec };
    };
    const recordsBefore = egress!.records.length;

    const admitted = await create(
      "FlinkDeployment",
      copy(() => undefined),
    );
    assert.strictEqual(admitted.status, 201, JSON.stringify(admitted.body));
    // The mutating webhook labels a session job with its session cluster: only the operator's webhook does that.
    const job = await create("FlinkSessionJob", {
      metadata: { name: "admission-probe", namespace: "flink-prod" },
      spec: {
        deploymentName: "analytics",
        job: {
          jarURI: "https://repo1.maven.org/maven2/org/example/probe.jar",
          parallelism: 1,
          upgradeMode: "stateless",
        },
      },
    });
    assert.strictEqual(job.status, 201, JSON.stringify(job.body));
    assert.strictEqual(
      job.body.metadata.labels?.["target.session"],
      "analytics",
      "labelled by the mutating webhook",
    );

    const denials: Array<[string, (spec: any) => void, string]> = [
      [
        "a key the operator owns",
        (spec) => (spec.flinkConfiguration["kubernetes.namespace"] = "elsewhere"),
        "Forbidden Flink config key: kubernetes.namespace",
      ],
      [
        "standby JobManagers without HA",
        (spec) => delete spec.flinkConfiguration["high-availability.type"],
        "High availability should be enabled when starting standby JobManagers.",
      ],
    ];
    for (const [what, change, message] of denials) {
      const denied = await create("FlinkDeployment", copy(change));
      assert.strictEqual(denied.status, 403, `${what}: ${JSON.stringify(denied.body)}`);
      assert.strictEqual(
        denied.body.message,
        `admission webhook "validationwebhook.flink.apache.org" denied the request: ${message}`,
        what,
      );
    }
    // The API server reached the webhook only through the suite's egress, and every connection it asked for was made
    // (it keeps connections alive: the probes above may have needed no new one).
    assert.deepStrictEqual(
      egress!.records
        .slice(recordsBefore)
        .filter((r) => r.service !== PROD_WEBHOOK_SERVICE || r.outcome !== "connected"),
      [],
      "the egress connections of the probes",
    );
  });

  it("has the real operator reconcile every stack, under the chart's ServiceAccount and configuration", async function () {
    if (!REAL_OPERATOR) {
      this.skip();
    }
    // Every http(s) jar host of the stacks is one the operator can resolve here (JAR_HOSTS), else it would refuse it.
    const jarHosts = new Set<string>();
    for (const kind of ["FlinkDeployment", "FlinkSessionJob"]) {
      for (const object of await api.list(FLINK_API, kind)) {
        const jarURI = (object.spec as any).job?.jarURI as string | undefined;
        if (jarURI && /^https?:/.test(jarURI)) {
          jarHosts.add(new URL(jarURI).hostname);
        }
      }
    }
    assert.ok(jarHosts.size > 0, "the stacks fetch a jar over http(s)");
    assert.deepStrictEqual(
      [...jarHosts].filter((host) => !(host in JAR_HOSTS)),
      [],
      "jar hosts not in JAR_HOSTS",
    );
    const started = Date.now();
    // Hand over: the stand-in stops and takes back what it reported, so the operator meets each object as `up` left it.
    await operator.stop();
    const withdrawn = await operator.withdraw();
    assert.deepStrictEqual(
      withdrawn.sort(),
      Object.keys(OPERATOR_STATES).sort(),
      "the stand-in's statuses withdrawn",
    );
    for (const stack of STACKS) {
      const namespace = parseConfig(stackConfig(project, stack)).platform.namespace;
      const run = await OperatorRun.start(api, namespace, {
        containers: [OPERATOR_CONTAINER],
        workDir: operatorWork,
        hosts: JAR_HOSTS,
      });
      operatorRuns.push(run);
      assert.strictEqual(run.identity.username, `system:serviceaccount:${namespace}:flink-operator`, stack);
      assert.ok(
        !run.identity.groups.includes("system:masters"),
        `${stack}: ${run.identity.groups.join(", ")}`,
      );
    }
    await Promise.all(operatorRuns.map((run) => run.ready()));
    const ready = Date.now();

    const observe = async () => {
      const states: Record<string, string> = {};
      for (const kind of ["FlinkDeployment", "FlinkSessionJob"]) {
        for (const object of await api.list(FLINK_API, kind)) {
          // Only what the operator has taken into its hands (its finalizer) counts as reconciled.
          const finalizers = (object.metadata.finalizers ?? []) as string[];
          const key = `${kind} ${object.metadata.namespace}/${object.metadata.name}`;
          states[key] = finalizers.some((f) => f.endsWith(".flink.apache.org/finalizer"))
            ? operatorState({ ...object, kind })
            : "not reconciled";
        }
      }
      return states;
    };
    const sorted = (o: Record<string, string>) => Object.fromEntries(Object.entries(o).sort());
    const expected = sorted(OPERATOR_STATES);
    let states = sorted(await observe());
    while (JSON.stringify(states) !== JSON.stringify(expected) && Date.now() - ready < 180_000) {
      await sleep(1000);
      states = sorted(await observe());
    }
    assert.deepStrictEqual(states, expected);
    console.log(
      `      operators answering their health probe after ${((ready - started) / 1000).toFixed(1)} s, ` +
        `every object in its state ${((Date.now() - ready) / 1000).toFixed(1)} s later`,
    );

    for (const object of await api.list(FLINK_API, "FlinkDeployment")) {
      const where = `${object.metadata.namespace}/${object.metadata.name}`;
      const status = object.status as any;
      assert.strictEqual(status.observedGeneration, object.metadata.generation, where);
      if (status.jobManagerDeploymentStatus === "DEPLOYING") {
        const running = (status.conditions ?? []).find((c: any) => c.type === "Running");
        assert.deepStrictEqual([running?.status, running?.reason], ["False", "JobManagerIsDeploying"], where);
      }
    }
    // Each operator runs with the chart's configuration: it watches exactly the namespaces the chart's ConfigMap names.
    for (const run of operatorRuns) {
      const configMap = await api.get("v1", "ConfigMap", "flink-operator-config", run.namespace);
      const conf = (configMap?.data as Record<string, string>)["flink-conf.yaml"];
      const watched = /^kubernetes\.operator\.watched\.namespaces: (.*)$/m.exec(conf)?.[1].split(",").sort();
      const logged = /Configuring operator to watch the following namespaces: \[(.*)\]/.exec(
        run.process(OPERATOR_CONTAINER).log(),
      )?.[1];
      assert.ok(
        watched && watched.length > 0,
        `${run.namespace}: the chart's ConfigMap names the watched namespaces`,
      );
      assert.deepStrictEqual(logged?.split(", ").sort(), watched, run.namespace);
    }
    // Why staging's application stops where it does: the operator dials the ZooKeeper quorum of its spec.
    const application = await api.get(FLINK_API, "FlinkDeployment", "state-machine", "flink-staging");
    const quorum = (application?.spec as any).flinkConfiguration["high-availability.zookeeper.quorum"];
    const staging = operatorRuns.find((run) => run.namespace === "flink-staging")!;
    assert.match(staging.process(OPERATOR_CONTAINER).log(), new RegExp(`connectString=${quorum} `));
    assert.strictEqual(await api.get("apps/v1", "Deployment", "state-machine", "flink-staging"), undefined);
  });

  it("finds the platform's pod templates, HA and state settings in what the operator created", async function () {
    if (!REAL_OPERATOR) {
      this.skip();
    }
    const problems: string[] = [];
    const checked = { clusters: 0, stateKeys: 0, secretEnv: 0, initContainers: 0, volumes: 0 };
    for (const object of await api.list(FLINK_API, "FlinkDeployment")) {
      if ((object.status as any)?.jobManagerDeploymentStatus !== "DEPLOYING") {
        continue; // No JobManager Deployment to look at (see OPERATOR_STATES).
      }
      const fd: KubeObject = { ...object, kind: "FlinkDeployment" };
      const { name, namespace } = fd.metadata;
      const spec = fd.spec as any;
      const get = (apiVersion: string, kind: string, objectName: string) =>
        api.get(apiVersion, kind, objectName, namespace);
      const deployment = await get("apps/v1", "Deployment", name);
      const config = await get("v1", "ConfigMap", `flink-config-${name}`);
      const podTemplate = await get("v1", "ConfigMap", `pod-template-${name}`);
      const rest = await get("v1", "Service", `${name}-rest`);
      if (!deployment || !config || !podTemplate || !rest) {
        problems.push(
          `${namespace}/${name}: Deployment ${!!deployment}, ConfigMaps ${!!config}/${!!podTemplate}, Service ${!!rest}`,
        );
        continue;
      }
      if (process.env.OPERATOR_DUMP_DIR) {
        // What the checks read, for their offline tests (test/unit/flink/operatorMerge.test.ts, test/fixtures/).
        const dump = path.join(process.env.OPERATOR_DUMP_DIR, `${namespace}.${name}.json`);
        fs.mkdirSync(path.dirname(dump), { recursive: true });
        const bare = (o: KubeObject) => ({ ...o, metadata: { ...o.metadata, managedFields: undefined } });
        const objects = [fd, deployment, podTemplate, config].map(bare);
        fs.writeFileSync(dump, `${JSON.stringify(objects, null, 2)}\n`);
      }
      problems.push(
        ...jobManagerProblems(fd, deployment),
        ...taskManagerProblems(fd, podTemplate),
        ...flinkConfigProblems(fd, config),
      );
      const restPort = ((rest.spec as any).ports as any[]).find((p) => p.name === "rest");
      if (restPort?.port !== 8081 || (rest.spec as any).selector?.component !== "jobmanager") {
        problems.push(`Service ${namespace}/${name}-rest: ${JSON.stringify(rest.spec)}`);
      }
      // With HA, TaskManagers find the leader through the HA service; without it, through the headless Service.
      const ha = Boolean(spec.flinkConfiguration["high-availability.type"]);
      if (Boolean(await get("v1", "Service", name)) === ha) {
        problems.push(
          `${namespace}/${name}: the internal Service ${ha ? "exists with" : "is missing without"} HA`,
        );
      }
      // Hadoop's configuration (HDFS) is mounted by Flink itself from the ConfigMap the platform names.
      const hadoop = spec.flinkConfiguration["kubernetes.hadoop.conf.config-map.name"];
      const pod = (deployment.spec as any).template.spec;
      if (hadoop && !(pod.volumes as any[]).some((v) => v.configMap?.name === hadoop)) {
        problems.push(`${namespace}/${name}: the Hadoop ConfigMap ${hadoop} is not mounted`);
      }
      checked.clusters++;
      checked.stateKeys += Object.keys(spec.flinkConfiguration).filter((k) =>
        /^(execution\.checkpointing\.(dir|savepoint-dir)|high-availability\.(type|storageDir))$/.test(k),
      ).length;
      const template = spec.podTemplate.spec;
      checked.secretEnv += (template.containers[0].env ?? []).filter(
        (e: any) => e.valueFrom?.secretKeyRef,
      ).length;
      checked.initContainers += (template.initContainers ?? []).length;
      checked.volumes += (template.volumes ?? []).length;
    }
    assert.deepStrictEqual(problems, []);
    // What was compared, so that the comparison cannot pass on empty templates: 4 clusters, staging's and prod's
    // state and HA keys, prod's S3 credentials from a Secret, staging's init containers and volumes (Hive, jars).
    console.log(`      checked: ${JSON.stringify(checked)}`);
    assert.strictEqual(checked.clusters, 4);
    assert.strictEqual(
      checked.stateKeys,
      3 * 4,
      "checkpoint, savepoint and HA keys of staging's and prod's clusters",
    );
    assert.ok(
      checked.secretEnv >= 4 && checked.initContainers >= 2 && checked.volumes >= 4,
      JSON.stringify(checked),
    );
  });

  it("needs no more than the chart's RBAC, and hands the objects back to the stand-in", async function () {
    if (!REAL_OPERATOR) {
      this.skip();
    }
    const logs = operatorRuns.map((run) => [run.namespace, run.process(OPERATOR_CONTAINER).log()] as const);
    const running = operatorRuns
      .filter((run) => run.process(OPERATOR_CONTAINER).running)
      .map((r) => r.namespace);
    await Promise.all(operatorRuns.splice(0).map((run) => run.stop()));
    operator.start();
    assert.deepStrictEqual(
      running,
      ["flink", "flink-staging", "flink-prod"],
      "every operator ran to the end",
    );
    // A request RBAC refuses shows as the API server's message in the client's exception: `<resource> is forbidden:
    // User "system:serviceaccount:..." cannot <verb> ...` (the webhook's own denials say "Forbidden Flink config key").
    const refused = /is forbidden: User "system:serviceaccount:/;
    for (const [namespace, log] of logs) {
      assert.doesNotMatch(log, refused, `${namespace}: a request of the operator was refused`);
    }
    const webhookLog = (await webhook!).process(WEBHOOK_CONTAINER).log();
    assert.doesNotMatch(webhookLog, refused, "a request of the webhook was refused");
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
