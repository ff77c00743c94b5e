import * as assert from "assert";
import { problemsOf } from "../../support/configProblems";
import {
  FLINK_DEPLOYMENT,
  leakedSecrets,
  ofType,
  renderStores,
  flinkConfigurationOf,
} from "../../support/mocks";

const STATEFUL_SET = "kubernetes:apps/v1:StatefulSet";
const PDB = "kubernetes:policy/v1:PodDisruptionBudget";

const HA_TYPES = ["off", "kubernetes", "zookeeper"] as const;
const STORAGE: Record<string, Record<string, unknown>> = {
  none: { type: "none" },
  "s3 managed": { type: "s3" },
  "s3 external": {
    type: "s3",
    s3: {
      mode: "external",
      bucket: "checkpoints",
      external: { endpoint: "https://s3.eu-west-1.amazonaws.com", credentialsSecret: { name: "aws-flink" } },
    },
  },
  "hdfs managed": { type: "hdfs" },
  "hdfs external": {
    type: "hdfs",
    hdfs: { mode: "external", external: { defaultFS: "hdfs://nn.data.example:8020" } },
  },
};

describe("durable state and HA", () => {
  describe("the ha x storage matrix", () => {
    for (const ha of HA_TYPES) {
      for (const [storageName, storage] of Object.entries(STORAGE)) {
        const raw = { storage, ha: { type: ha } };
        if (ha !== "off" && storageName === "none") {
          it(`ha ${ha} without storage is a config error`, () => {
            assert.ok(problemsOf(raw).some((p) => p.startsWith("ha.type: ") && /durable storage/.test(p)));
          });
          continue;
        }
        it(`ha ${ha} with storage ${storageName} renders, keeps secrets in Secrets, and uses the right keys`, async () => {
          const { resources } = await renderStores(raw);
          assert.deepStrictEqual(leakedSecrets(resources), []);
          const conf = flinkConfigurationOf(resources);
          assert.strictEqual(conf["execution.checkpointing.interval"], "60 s");
          if (storageName === "none") {
            assert.strictEqual(conf["execution.checkpointing.dir"], undefined);
          } else {
            const base = storageName.startsWith("s3")
              ? `s3p://${storageName === "s3 managed" ? "flink" : "checkpoints"}/flink/flink/session`
              : `${storageName === "hdfs managed" ? "hdfs://hdfs-namenode.flink.svc:8020" : "hdfs://nn.data.example:8020"}/flink/flink/session`;
            assert.strictEqual(conf["execution.checkpointing.dir"], `${base}/checkpoints`);
            assert.strictEqual(conf["execution.checkpointing.savepoint-dir"], `${base}/savepoints`);
            assert.strictEqual(conf["high-availability.storageDir"], ha === "off" ? undefined : `${base}/ha`);
          }
          assert.strictEqual(conf["high-availability.type"], ha === "off" ? undefined : ha);
          assert.strictEqual(
            ofType(resources, "flink-platform:state:ZooKeeper").length,
            ha === "zookeeper" ? 1 : 0,
          );
          assert.strictEqual(
            ofType(resources, "flink-platform:state:Minio").length,
            storageName === "s3 managed" ? 1 : 0,
          );
          assert.strictEqual(
            ofType(resources, "flink-platform:state:Hdfs").length,
            storageName === "hdfs managed" ? 1 : 0,
          );
        });
      }
    }
  });

  describe("HA profile", () => {
    it("allows two JobManagers with HA and protects them with a PodDisruptionBudget", async () => {
      const { resources } = await renderStores({
        storage: { type: "s3" },
        ha: { type: "kubernetes" },
        flink: { clusters: { session: { jobManager: { replicas: 2 } } } },
      });
      assert.strictEqual(ofType(resources, FLINK_DEPLOYMENT)[0].inputs.spec.jobManager.replicas, 2);
      const [pdb] = ofType(resources, PDB);
      assert.deepStrictEqual(pdb.inputs.spec, {
        minAvailable: 1,
        selector: {
          matchLabels: { app: "session", component: "jobmanager", type: "flink-native-kubernetes" },
        },
      });
    });
  });

  describe("data safety", () => {
    it("keeps volume claims of every store on destroy unless data loss is allowed", async () => {
      const raw = (allowDataLoss: boolean) => ({
        platform: { allowDataLoss },
        storage: { type: "hdfs" },
        ha: { type: "zookeeper" },
      });
      const kept = ofType((await renderStores(raw(false))).resources, STATEFUL_SET);
      assert.strictEqual(kept.length, 3);
      for (const set of kept) {
        assert.deepStrictEqual(set.inputs.spec.persistentVolumeClaimRetentionPolicy, {
          whenDeleted: "Retain",
          whenScaled: "Retain",
        });
      }
      for (const set of ofType((await renderStores(raw(true))).resources, STATEFUL_SET)) {
        assert.strictEqual(set.inputs.spec.persistentVolumeClaimRetentionPolicy.whenDeleted, "Delete");
      }
      const minio = ofType((await renderStores({ storage: { type: "s3" } })).resources, STATEFUL_SET);
      assert.strictEqual(minio[0].inputs.spec.persistentVolumeClaimRetentionPolicy.whenDeleted, "Retain");
    });

    it("does not touch stateful resources when non-storage settings change", async () => {
      const base = { storage: { type: "s3" }, ha: { type: "zookeeper" } };
      const before = ofType((await renderStores(base)).resources, STATEFUL_SET);
      const after = ofType(
        (
          await renderStores({
            ...base,
            operator: { resources: { limits: { memory: "2Gi" } } },
            flink: { version: "2.2", clusters: { session: { taskManager: { slots: 8 } }, extra: {} } },
          })
        ).resources,
        STATEFUL_SET,
      );
      assert.deepStrictEqual(
        after.map((s) => s.inputs),
        before.map((s) => s.inputs),
      );
    });
  });
});
