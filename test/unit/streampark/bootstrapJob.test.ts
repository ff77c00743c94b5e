import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { parseConfig } from "../../../components/config/parse";
import { bootstrapPlan, bootstrapScriptSource } from "../../../components/streampark/bootstrapJob";
import { ofType, RecordedResource, renderRaw, valueOf } from "../../support/mocks";

const SECRET = "kubernetes:core/v1:Secret";
const CONFIG_MAP = "kubernetes:core/v1:ConfigMap";
const JOB = "kubernetes:batch/v1:Job";
const byName = (resources: readonly RecordedResource[], type: string, name: string) => {
  const found = ofType(resources, type).find((r) => r.inputs.metadata?.name === name);
  assert.ok(found, `no ${type} named ${name}`);
  return found;
};
/** A Secret's stringData (the Kubernetes SDK wraps it as a secret value). */
const stringData = (secret: RecordedResource) => secret.inputs.stringData.value ?? secret.inputs.stringData;
const bootstrapJob = (resources: readonly RecordedResource[]) => {
  const [job] = ofType(resources, JOB).filter((r) =>
    r.inputs.metadata.name.startsWith("streampark-bootstrap-"),
  );
  assert.ok(job, "no bootstrap Job");
  return job;
};

describe("StreamPark", () => {
  describe("bootstrap Job", () => {
    it("runs the bootstrap script with the plan from a ConfigMap and the password from the admin Secret", async () => {
      const { resources } = await renderRaw({});
      const job = bootstrapJob(resources);
      const name = job.inputs.metadata.name as string;
      assert.match(name, /^streampark-bootstrap-[0-9a-f]{10}$/);
      const configMap = byName(resources, CONFIG_MAP, name);
      assert.strictEqual(configMap.inputs.data["bootstrap.mts"], bootstrapScriptSource());
      assert.deepStrictEqual(
        JSON.parse(configMap.inputs.data["plan.json"]),
        bootstrapPlan(parseConfig({}).flink.clusters),
      );
      const [container] = job.inputs.spec.template.spec.containers;
      assert.strictEqual(container.image, "node:22.23.2-alpine3.24");
      assert.deepStrictEqual(container.command, ["node", "/bootstrap/bootstrap.mts"]);
      assert.deepStrictEqual(container.env, [
        { name: "STREAMPARK_BOOTSTRAP", value: "run" },
        { name: "STREAMPARK_URL", value: "http://streampark.flink.svc:10000" },
        { name: "BOOTSTRAP_PLAN", value: "/bootstrap/plan.json" },
        {
          name: "ADMIN_PASSWORD",
          valueFrom: { secretKeyRef: { name: "streampark-admin", key: "password" } },
        },
      ]);
      assert.strictEqual(stringData(byName(resources, SECRET, "streampark-admin")).username, "admin");
    });

    it("keeps its name while nothing changes, and takes a new one (a new run) when the plan changes", async () => {
      const nameFor = async (raw: Record<string, unknown>) =>
        bootstrapJob((await renderRaw(raw)).resources).inputs.metadata.name as string;
      const first = await nameFor({});
      assert.strictEqual(await nameFor({}), first);
      assert.strictEqual(await nameFor({ streampark: { resources: { limits: { memory: "3Gi" } } } }), first);
      assert.notStrictEqual(
        await nameFor({ flink: { clusters: { session: {}, etl: { namespace: "etl" } } } }),
        first,
      );
    });

    it("exports the admin password as a secret output", async () => {
      const { platform } = await renderRaw({});
      const password = platform.streamparkAdminPassword as pulumi.Output<string>;
      assert.strictEqual(await pulumi.isSecret(password), true);
      assert.match(await valueOf(password), /^mock-generated-secret-/);
    });
  });
});
