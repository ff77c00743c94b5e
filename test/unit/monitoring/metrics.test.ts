import * as assert from "assert";
import {
  FLINK_METRICS,
  flinkMetricName,
  JMX_EXPORTER_METRICS,
  OPERATOR_METRICS,
  PROMETHEUS_METRICS,
} from "../../../components/monitoring/metrics";
import {
  MINIO_METRICS,
  MYSQLD_EXPORTER_METRICS,
  ZOOKEEPER_METRICS,
} from "../../../components/monitoring/serviceMetrics";
import { promqlProblems } from "../../support/monitoringFixtures";

describe("monitoring", () => {
  describe("metric names", () => {
    it("follow the Prometheus reporter's naming", () => {
      assert.strictEqual(
        flinkMetricName("taskmanager", "Status.JVM.Memory.Heap.Used"),
        "flink_taskmanager_Status_JVM_Memory_Heap_Used",
      );
      assert.strictEqual(
        flinkMetricName("k8soperator_namespace", "Lifecycle.State.STABLE.Count"),
        "flink_k8soperator_namespace_Lifecycle_State_STABLE_Count",
      );
    });

    it("are listed once per catalogue, each catalogue with its source", () => {
      for (const catalogue of [
        FLINK_METRICS,
        OPERATOR_METRICS,
        PROMETHEUS_METRICS,
        JMX_EXPORTER_METRICS,
        MINIO_METRICS,
        ZOOKEEPER_METRICS,
        MYSQLD_EXPORTER_METRICS,
      ]) {
        const names = catalogue.families.map((f) => f.name);
        assert.strictEqual(new Set(names).size, names.length, catalogue.source);
        assert.ok(catalogue.source.length > 40);
        for (const name of names) {
          assert.match(name, /^[a-zA-Z_:][a-zA-Z0-9_:]*$/);
        }
      }
    });

    it("are checked for real: unknown names, syntax and type errors are reported", () => {
      const check = (expr: string) => promqlProblems([{ where: "q", expr }], [FLINK_METRICS]);
      assert.deepStrictEqual(check("sum(flink_jobmanager_numRunningJobs)"), []);
      assert.deepStrictEqual(check("flink_jobmanager_numRunningJob"), [
        "q: unknown metric flink_jobmanager_numRunningJob",
      ]);
      // Gone in Flink 2.x, so not in the catalogue.
      assert.deepStrictEqual(check("flink_taskmanager_job_task_buffers_inPoolUsage"), [
        "q: unknown metric flink_taskmanager_job_task_buffers_inPoolUsage",
      ]);
      assert.match(check("rate(flink_jobmanager_numRunningJobs)")[0], /argument 1 must be range/);
      assert.match(check("sum(flink_jobmanager_numRunningJobs")[0], /syntax error/);
      assert.match(check("flink_jobmanager_numRunningJobs[5m]")[0], /evaluates to a range/);
      assert.match(check('{__name__="flink_jobmanager_numRunningJobs"}')[0], /__name__/);
      assert.match(check("sum by ($job) (flink_jobmanager_numRunningJobs)")[0], /outside a label matcher/);
      assert.match(check("max(flink_jobmanager_numRunningJobs) / 2 offset 5m")[0], /right after a selector/);
    });
  });
});
