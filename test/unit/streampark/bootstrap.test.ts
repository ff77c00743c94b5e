import * as assert from "assert";
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseConfig } from "../../../components/config/parse";
import { bootstrap, BootstrapPlan, MANAGED_MARKER } from "../../../components/streampark/bootstrap";
import { bootstrapPlan, bootstrapScriptSource } from "../../../components/streampark/bootstrapJob";
import { FakeStreamPark } from "../../support/fakeStreamPark";

const GENERATED = "generated-admin-password-0123";

/** Two clusters on two Flink versions, as the platform would plan them. */
const PLAN: BootstrapPlan = bootstrapPlan(
  parseConfig({
    flink: { clusters: { session: {}, legacy: { namespace: "etl", version: "1.19" } } },
  }).flink.clusters,
);

describe("StreamPark bootstrap", () => {
  let fake: FakeStreamPark;
  let baseUrl: string;
  const run = (plan: BootstrapPlan = PLAN, password = GENERATED, log?: (line: string) => void) =>
    bootstrap(plan, { baseUrl, adminPassword: password, retryIntervalMs: 10, waitTimeoutMs: 2_000, log });

  beforeEach(async () => {
    fake = new FakeStreamPark();
    baseUrl = await fake.start();
  });
  afterEach(() => fake.stop());

  it("plans one Flink home per version and every cluster in remote mode at its REST URL", () => {
    assert.deepStrictEqual(PLAN, {
      adminUser: "admin",
      flinkHomes: [
        {
          name: "flink-1.20",
          home: "/opt/flink-homes/flink-1.20",
          description: `${MANAGED_MARKER}: Flink 1.20 from flink:1.20.4-scala_2.12-java17`,
        },
        {
          name: "flink-1.19",
          home: "/opt/flink-homes/flink-1.19",
          description: `${MANAGED_MARKER}: Flink 1.19 from flink:1.19.3-scala_2.12-java17`,
        },
      ],
      clusters: [
        {
          name: "flink/session",
          address: "http://session-rest.flink.svc:8081",
          flinkHome: "flink-1.20",
          description: `${MANAGED_MARKER}: session cluster session in namespace flink`,
        },
        {
          name: "etl/legacy",
          address: "http://legacy-rest.etl.svc:8081",
          flinkHome: "flink-1.19",
          description: `${MANAGED_MARKER}: session cluster legacy in namespace etl`,
        },
      ],
    });
  });

  it("on a fresh StreamPark: replaces the default password, registers homes and clusters", async () => {
    const changes = await run();
    assert.strictEqual(fake.adminPassword, GENERATED);
    assert.deepStrictEqual(fake.mutations, [
      "PUT /user/password",
      "POST /flink/env/create",
      "POST /flink/env/create",
      "POST /flink/cluster/create",
      "POST /flink/cluster/create",
    ]);
    assert.strictEqual(changes.length, 5);
    assert.deepStrictEqual(
      fake.envs.map((e) => [e.flinkName, e.flinkHome]),
      [
        ["flink-1.20", "/opt/flink-homes/flink-1.20"],
        ["flink-1.19", "/opt/flink-homes/flink-1.19"],
      ],
    );
    const envId = (name: string) => fake.envs.find((e) => e.flinkName === name)?.id;
    assert.deepStrictEqual(
      fake.clusters.map((c) => [c.clusterName, c.executionMode, c.address, c.versionId]),
      [
        ["flink/session", 1, "http://session-rest.flink.svc:8081", envId("flink-1.20")],
        ["etl/legacy", 1, "http://legacy-rest.etl.svc:8081", envId("flink-1.19")],
      ],
    );
  });

  it("changes nothing on a second run", async () => {
    await run();
    const before = JSON.stringify({ envs: fake.envs, clusters: fake.clusters });
    fake.mutations.length = 0;
    assert.deepStrictEqual(await run(), []);
    assert.deepStrictEqual(fake.mutations, []);
    assert.strictEqual(JSON.stringify({ envs: fake.envs, clusters: fake.clusters }), before);
  });

  it("leaves an already rotated password alone", async () => {
    fake.adminPassword = GENERATED;
    const changes = await run();
    assert.ok(!fake.mutations.includes("PUT /user/password"));
    assert.ok(!changes.some((c) => /password/.test(c)));
    assert.strictEqual(fake.adminPassword, GENERATED);
  });

  it("stops with a clear error when neither the generated nor the default password works", async () => {
    fake.adminPassword = "changed-by-hand";
    await assert.rejects(run(), /accepts neither the generated password nor the default one for 'admin'/);
    assert.deepStrictEqual(fake.mutations, []);
  });

  it("waits until StreamPark answers", async () => {
    fake.unavailableRequests = 5;
    await run();
    assert.strictEqual(fake.adminPassword, GENERATED);
  });

  it("gives up when StreamPark never comes up", async () => {
    fake.unavailableRequests = Number.MAX_SAFE_INTEGER;
    await assert.rejects(
      bootstrap(PLAN, { baseUrl, adminPassword: GENERATED, retryIntervalMs: 10, waitTimeoutMs: 100 }),
      /did not come up: HTTP 503/,
    );
  });

  it("moves a cluster whose REST URL changed, and a home whose directory changed", async () => {
    await run();
    fake.mutations.length = 0;
    const session = fake.clusters.find((c) => c.clusterName === "flink/session")!;
    session.address = "http://old-rest.flink.svc:8081";
    fake.clusters = fake.clusters.filter((c) => c.clusterName !== "etl/legacy");
    fake.envs.find((e) => e.flinkName === "flink-1.19")!.flinkHome = "/elsewhere";
    const changes = await run();
    assert.deepStrictEqual(fake.mutations, [
      "POST /flink/env/update",
      "POST /flink/cluster/update",
      "POST /flink/cluster/create",
    ]);
    assert.match(
      changes.join("\n"),
      /updated cluster flink\/session to http:\/\/session-rest\.flink\.svc:8081/,
    );
    assert.strictEqual(session.address, "http://session-rest.flink.svc:8081");
  });

  it("registers a cluster again when its Flink version changed", async () => {
    await run();
    fake.mutations.length = 0;
    const upgraded = bootstrapPlan(
      parseConfig({ flink: { clusters: { session: {}, legacy: { namespace: "etl", version: "1.20" } } } })
        .flink.clusters,
    );
    await run(upgraded);
    assert.deepStrictEqual(fake.mutations, ["POST /flink/cluster/delete", "POST /flink/cluster/create"]);
    const legacy = fake.clusters.find((c) => c.clusterName === "etl/legacy")!;
    assert.strictEqual(legacy.versionId, fake.envs.find((e) => e.flinkName === "flink-1.20")!.id);
  });

  it("removes clusters it registered that are gone, keeps others' and those with jobs", async () => {
    await run();
    fake.addCluster({
      clusterName: "flink/retired",
      address: "http://retired-rest.flink.svc:8081",
      executionMode: 1,
      versionId: fake.envs[0].id,
      description: `${MANAGED_MARKER}: session cluster retired in namespace flink`,
    });
    fake.addCluster({
      clusterName: "flink/busy",
      address: "http://busy-rest.flink.svc:8081",
      executionMode: 1,
      versionId: fake.envs[0].id,
      description: `${MANAGED_MARKER}: session cluster busy in namespace flink`,
      jobs: 2,
    });
    fake.addCluster({
      clusterName: "yarn-prod",
      address: "http://yarn:8088",
      executionMode: 3,
      versionId: fake.envs[0].id,
      description: "added by a user",
    });
    fake.mutations.length = 0;
    const log: string[] = [];
    await run(PLAN, GENERATED, (line) => log.push(line));
    assert.deepStrictEqual(fake.mutations, ["POST /flink/cluster/delete"]);
    assert.deepStrictEqual(
      fake.clusters.map((c) => c.clusterName),
      ["flink/session", "etl/legacy", "flink/busy", "yarn-prod"],
    );
    assert.match(log.join("\n"), /kept cluster flink\/busy: .*some app on this cluster/);
  });

  it("reports StreamPark's reason when a Flink home cannot be registered", async () => {
    fake.unreadableHomes.add("/opt/flink-homes/flink-1.19");
    await assert.rejects(
      run(),
      /POST \/flink\/env\/create failed \(HTTP 500\): \/opt\/flink-homes\/flink-1\.19\/lib/,
    );
  });

  it("runs as the Job runs it: the file itself under Node, with plan and password from the environment", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bootstrap-"));
    const script = path.join(dir, "bootstrap.mts");
    fs.writeFileSync(script, bootstrapScriptSource());
    fs.writeFileSync(path.join(dir, "plan.json"), JSON.stringify(PLAN));
    const env = {
      PATH: process.env.PATH,
      STREAMPARK_BOOTSTRAP: "run",
      STREAMPARK_URL: baseUrl,
      BOOTSTRAP_PLAN: path.join(dir, "plan.json"),
      ADMIN_PASSWORD: GENERATED,
    };
    const runFile = () =>
      new Promise<{ code: number; output: string }>((resolve) => {
        execFile(process.execPath, [script], { env }, (err, stdout, stderr) =>
          resolve({ code: err ? Number(err.code ?? 1) : 0, output: stdout + stderr }),
        );
      });
    try {
      const first = await runFile();
      assert.strictEqual(first.code, 0, first.output);
      assert.match(first.output, /replaced the default password of 'admin'/);
      assert.strictEqual(fake.clusters.length, 2);
      const second = await runFile();
      assert.strictEqual(second.code, 0, second.output);
      assert.match(second.output, /nothing changed/);
      fake.adminPassword = "changed-by-hand";
      const failed = await runFile();
      assert.strictEqual(failed.code, 1, failed.output);
      assert.match(failed.output, /bootstrap failed: StreamPark accepts neither/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
