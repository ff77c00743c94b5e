import * as assert from "assert";
import { overlappingKeyPrefixes } from "../../../components/flink/flinkConfiguration";
import { FLINK_DEPLOYMENT, ofType, renderStores, flinkConfigurationOf } from "../../support/mocks";

describe("durable state and HA", () => {
  describe("Flink configuration by version", () => {
    it("uses the pre-1.20 checkpoint keys on 1.19 and the renamed ones on 1.20 and 2.x", async () => {
      const raw = (version: string) => ({
        storage: { type: "s3" },
        flink: { version, checkpoints: { stateBackend: "rocksdb", incremental: true, retained: 5 } },
      });
      const on119 = flinkConfigurationOf((await renderStores(raw("1.19"))).resources);
      assert.strictEqual(on119["state.checkpoints.dir"], "s3p://flink/flink/flink/session/checkpoints");
      assert.strictEqual(on119["state.savepoints.dir"], "s3p://flink/flink/flink/session/savepoints");
      assert.strictEqual(on119["state.checkpoints.num-retained"], "5");
      assert.strictEqual(on119["state.backend.incremental"], "true");
      assert.strictEqual(on119["execution.checkpointing.dir"], undefined);
      for (const version of ["1.20", "2.2"]) {
        const conf = flinkConfigurationOf((await renderStores(raw(version))).resources);
        assert.strictEqual(
          conf["execution.checkpointing.dir"],
          "s3p://flink/flink/flink/session/checkpoints",
        );
        assert.strictEqual(conf["execution.checkpointing.num-retained"], "5");
        assert.strictEqual(conf["execution.checkpointing.incremental"], "true");
        assert.strictEqual(conf["state.backend.type"], "rocksdb");
        assert.strictEqual(conf["state.checkpoints.dir"], undefined);
        assert.deepStrictEqual(
          overlappingKeyPrefixes(Object.keys(conf)),
          [],
          `no overlapping keys on ${version}`,
        );
      }
    });

    it("keeps a cancelled job's checkpoints on every version, unless the stack allows data loss", async () => {
      // The same key on 1.19 (ExecutionCheckpointingOptions) and 1.20 to 2.2 (CheckpointingOptions), by reflection.
      const key = "execution.checkpointing.externalized-checkpoint-retention";
      const retention = async (raw: Record<string, unknown>) =>
        ofType((await renderStores(raw)).resources, FLINK_DEPLOYMENT).map(
          (d) => d.inputs.spec.flinkConfiguration[key],
        );
      for (const version of ["1.19", "1.20", "2.0", "2.1", "2.2"]) {
        const flink = {
          version,
          clusters: { session: {} },
          applications: { app: { job: { jarURI: "local:///opt/flink/usrlib/app.jar" } } },
        };
        assert.deepStrictEqual(
          await retention({ storage: { type: "s3" }, flink }),
          ["RETAIN_ON_CANCELLATION", "RETAIN_ON_CANCELLATION"],
          `session cluster and application on ${version}`,
        );
        assert.deepStrictEqual(
          await retention({ storage: { type: "s3" }, platform: { allowDataLoss: true }, flink }),
          [undefined, undefined],
          `Flink's default (deleted with the job) on ${version} when data loss is allowed`,
        );
      }
      // Without a durable store there is nowhere to keep them.
      assert.deepStrictEqual(await retention({ storage: { type: "none" } }), [undefined]);
      // A stack may still choose for itself: the user's keys are merged last.
      assert.deepStrictEqual(
        await retention({
          storage: { type: "hdfs" },
          flink: { clusters: { session: { flinkConfiguration: { [key]: "DELETE_ON_CANCELLATION" } } } },
        }),
        ["DELETE_ON_CANCELLATION"],
      );
    });

    it("enables one S3 plugin, presto (s3p://), in every Flink process", async () => {
      const { resources } = await renderStores({
        storage: { type: "s3" },
        flink: {
          clusters: { session: { sqlGateway: { enabled: true } }, next: { version: "2.2" } },
          applications: { app: { job: { jarURI: "local:///opt/flink/usrlib/app.jar" } } },
          historyServer: { enabled: true },
        },
      });
      const plugins = (env: Array<{ name: string; value?: string }> = []) =>
        env.find((e) => e.name === "ENABLE_BUILT_IN_PLUGINS")?.value;
      const enabled = [
        ...ofType(resources, FLINK_DEPLOYMENT).map((d) => [
          d.inputs.metadata.name,
          plugins(d.inputs.spec.podTemplate.spec.containers[0].env),
        ]),
        ...ofType(resources, "kubernetes:apps/v1:Deployment")
          .filter((d) => /sql-gateway|history-server/.test(d.inputs.metadata.name))
          .map((d) => [d.inputs.metadata.name, plugins(d.inputs.spec.template.spec.containers[0].env)]),
      ];
      assert.deepStrictEqual(Object.fromEntries(enabled), {
        session: "flink-s3-fs-presto-1.20.4.jar",
        next: "flink-s3-fs-presto-2.2.1.jar",
        app: "flink-s3-fs-presto-1.20.4.jar",
        "session-sql-gateway": "flink-s3-fs-presto-1.20.4.jar",
        "flink-history-server": "flink-s3-fs-presto-1.20.4.jar",
      });
    });

    it("gives every cluster its own checkpoint, savepoint and HA directories", async () => {
      const { resources } = await renderStores({
        storage: { type: "s3" },
        ha: { type: "kubernetes" },
        flink: { clusters: { etl: {}, analytics: {} } },
      });
      const dirs = ofType(resources, FLINK_DEPLOYMENT).map(
        (d) => d.inputs.spec.flinkConfiguration["high-availability.storageDir"],
      );
      assert.deepStrictEqual(dirs, [
        "s3p://flink/flink/flink/etl/ha",
        "s3p://flink/flink/flink/analytics/ha",
      ]);
    });
  });
});
