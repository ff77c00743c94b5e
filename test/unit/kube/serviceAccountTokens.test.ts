/**
 * Locked-down backing services: no workload the platform runs itself calls the Kubernetes API, so none mounts a
 * service-account token (a stolen token is a way into the cluster); MinIO's console stays off unless asked for.
 * The operator (its chart) and the Flink pods (the operator's) do call the API and are not among these.
 */
import * as assert from "assert";
import { readStackConfig } from "../../../stacks/shared/stackFiles";
import { ofType, renderRaw, RecordedResource } from "../../support/mocks";

const WORKLOADS = ["apps/v1:Deployment", "apps/v1:StatefulSet", "batch/v1:Job"].map((t) => `kubernetes:${t}`);
const workloads = (resources: readonly RecordedResource[]) =>
  resources.filter((r) => WORKLOADS.includes(r.type));
const MINIO = { storage: { type: "s3", s3: { mode: "managed" } } };

describe("service-account tokens and the MinIO console", () => {
  for (const [what, raw] of Object.entries({
    "the staging stack (HDFS, ZooKeeper, Hive, MySQL, StreamPark)": readStackConfig("staging"),
    "managed MinIO": MINIO,
  })) {
    it(`mounts no token in any workload of ${what}`, async () => {
      const { resources } = await renderRaw(raw);
      const found = workloads(resources);
      assert.ok(found.length >= 5, "the stack runs workloads");
      assert.deepStrictEqual(
        found
          .filter((r) => r.inputs.spec.template.spec.automountServiceAccountToken !== false)
          .map((r) => `${r.type} ${r.inputs.metadata.name}`),
        [],
      );
    });
  }

  it("keeps MinIO's console off unless asked for", async () => {
    const minio = async (raw: Record<string, unknown>) => {
      const { resources } = await renderRaw(raw);
      const [server] = ofType(resources, "kubernetes:apps/v1:StatefulSet").filter(
        (r) => r.inputs.metadata.name === "minio",
      );
      const [service] = ofType(resources, "kubernetes:core/v1:Service").filter(
        (r) => r.inputs.metadata.name === "minio",
      );
      const container = server.inputs.spec.template.spec.containers[0];
      return {
        args: container.args,
        browser: container.env.find((e: { name: string }) => e.name === "MINIO_BROWSER")?.value,
        ports: container.ports.map((p: { name: string }) => p.name),
        servicePorts: service.inputs.spec.ports.map((p: { name: string }) => p.name),
      };
    };
    assert.deepStrictEqual(await minio(MINIO), {
      args: ["server", "/data"],
      browser: "off",
      ports: ["s3"],
      servicePorts: ["s3"],
    });
    assert.deepStrictEqual(
      await minio({ ...MINIO, storage: { type: "s3", s3: { managed: { console: true } } } }),
      {
        args: ["server", "/data", "--console-address", ":9001"],
        browser: undefined,
        ports: ["s3", "console"],
        servicePorts: ["s3", "console"],
      },
    );
  });
});
