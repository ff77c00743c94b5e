import * as assert from "assert";
import {
  isJobType,
  isStatefulType,
  jobStateFindings,
  patternMatches,
  statefulFindings,
} from "../../../stacks/gates";
import { ResourceChange } from "../../../stacks/stackDriver";
import {
  change,
  FLINK_DEPLOYMENT,
  flinkChange,
  flinkInputs,
  jobSpecOf,
  SESSION_JOB,
  urn,
} from "../../support/fakeStackDriver";

/** A session job's spec on the cluster `session`. */
const sessionJob = (job: Record<string, unknown> = {}) => ({
  deploymentName: "session",
  job: jobSpecOf(job),
});
/** An application deployment's spec; without a job it is a session cluster's. */
const application = (job?: Record<string, unknown>, overrides: Record<string, unknown> = {}) => ({
  flinkVersion: "v1_20",
  image: "flink:1.20.3-java17",
  taskManager: { replicas: 2, resource: { cpu: 1, memory: "2048m" } },
  ...(job ? { job: jobSpecOf(job) } : {}),
  ...overrides,
});

describe("gates", () => {
  it("knows the stateful kinds on any API version", () => {
    assert.ok(isStatefulType("kubernetes:core/v1:PersistentVolumeClaim"));
    assert.ok(isStatefulType("kubernetes:apps/v1:StatefulSet"));
    assert.ok(isStatefulType("kubernetes:apiextensions.k8s.io/v1beta1:CustomResourceDefinition"));
    assert.ok(isStatefulType("kubernetes:core/v1:Namespace"));
    assert.ok(!isStatefulType("kubernetes:core/v1:PersistentVolumeClaimPatch"));
    assert.ok(!isStatefulType("kubernetes:apps/v1:Deployment"));
    assert.ok(!isStatefulType("flink-platform:index:StatefulSet"));
  });

  it("matches patterns against the type or the URN, * as wildcard, everything else literal", () => {
    const pvc = {
      type: "kubernetes:core/v1:PersistentVolumeClaim",
      urn: "urn:pulumi:prod::flink-platform::kubernetes:core/v1:PersistentVolumeClaim::flink-mysql-data",
    };
    assert.ok(patternMatches("kubernetes:core/v1:PersistentVolumeClaim", pvc));
    assert.ok(patternMatches("*PersistentVolumeClaim", pvc));
    assert.ok(patternMatches("urn:pulumi:prod::*::flink-mysql-*", pvc));
    assert.ok(!patternMatches("urn:pulumi:staging::*", pvc));
    assert.ok(!patternMatches("kubernetes:core/v1:PersistentVolumeClaim.", pvc));
    assert.ok(!patternMatches("PersistentVolumeClaim", pvc));
    // Regex characters are literal.
    assert.ok(!patternMatches("kubernetes:core.v1:PersistentVolumeClaim", pvc));
  });

  it("lists stateful replaces and deletes with what allowed them", () => {
    const changes = [
      { urn: "u1", type: "kubernetes:core/v1:Namespace", op: "delete", retainOnDelete: true },
      { urn: "u2", type: "kubernetes:apps/v1:StatefulSet", op: "replace", replaceKeys: ["spec.serviceName"] },
      { urn: "u3", type: "kubernetes:apps/v1:StatefulSet", op: "update" },
    ];
    assert.deepStrictEqual(statefulFindings(changes, ["kubernetes:core/v1:Namespace"]), [
      {
        urn: "u1",
        type: "kubernetes:core/v1:Namespace",
        op: "delete",
        retainOnDelete: true,
        allowedBy: "kubernetes:core/v1:Namespace",
      },
      { urn: "u2", type: "kubernetes:apps/v1:StatefulSet", op: "replace", replaceKeys: ["spec.serviceName"] },
    ]);
  });

  describe("job state", () => {
    const ETL = urn("dev", SESSION_JOB, "etl-orders");
    const ORDERS = urn("dev", FLINK_DEPLOYMENT, "orders");
    const reasons = (changes: ResourceChange[]) => jobStateFindings(changes).map((f) => f.reason);

    it("reads the Flink job kinds on any API version", () => {
      assert.ok(isJobType(SESSION_JOB));
      assert.ok(isJobType(FLINK_DEPLOYMENT));
      assert.ok(isJobType("kubernetes:flink.apache.org/v1:FlinkSessionJob"));
      assert.ok(!isJobType("kubernetes:flink.apache.org/v1beta1:FlinkStateSnapshot"));
      assert.ok(!isJobType("kubernetes:example.org/v1beta1:FlinkDeployment"));
    });

    it("finds deleting a savepoint or last-state job: a session job or an application's", () => {
      const changes = [
        flinkChange("dev", "delete", SESSION_JOB, "etl-orders", { old: sessionJob() }),
        flinkChange("dev", "delete", FLINK_DEPLOYMENT, "orders", {
          old: application({ upgradeMode: "last-state" }),
        }),
      ];
      assert.deepStrictEqual(jobStateFindings(changes), [
        {
          urn: ETL,
          type: SESSION_JOB,
          op: "delete",
          reason:
            "session job flink/etl-orders (upgradeMode savepoint) is deleted: its state goes with it " +
            "(the operator takes no savepoint on deletion)",
        },
        {
          urn: ORDERS,
          type: FLINK_DEPLOYMENT,
          op: "delete",
          reason:
            "application job flink/orders (upgradeMode last-state) is deleted: its state goes with it " +
            "(the operator takes no savepoint on deletion)",
        },
      ]);
    });

    it("finds replacing such a job, with the properties that force the replacement", () => {
      const replaced = {
        ...flinkChange("dev", "replace", SESSION_JOB, "etl-orders", {
          old: sessionJob(),
          new: { ...sessionJob(), deploymentName: "session-2" },
        }),
        replaceKeys: ["spec.deploymentName"],
      };
      assert.deepStrictEqual(jobStateFindings([replaced]), [
        {
          urn: ETL,
          type: SESSION_JOB,
          op: "replace",
          reason:
            "session job flink/etl-orders (upgradeMode savepoint) is replaced, deleted and created again: its " +
            "state goes with the old one and the new one starts without it",
          replaceKeys: ["spec.deploymentName"],
        },
      ]);
    });

    it("finds turning a stateful job stateless: at its next upgrade, or at once with other spec changes", () => {
      assert.deepStrictEqual(
        reasons([
          flinkChange("dev", "update", SESSION_JOB, "etl-orders", {
            old: sessionJob(),
            new: sessionJob({ upgradeMode: "stateless" }),
          }),
          // initialSavepointPath does not make the operator upgrade either.
          flinkChange("dev", "update", SESSION_JOB, "etl-billing", {
            old: sessionJob({ upgradeMode: "last-state" }),
            new: sessionJob({
              upgradeMode: "stateless",
              initialSavepointPath: "s3p://flink/savepoints/sp-1",
            }),
          }),
          flinkChange("dev", "update", SESSION_JOB, "etl-users", {
            old: sessionJob({ upgradeMode: "last-state" }),
            new: sessionJob({ upgradeMode: "stateless", parallelism: 4 }),
          }),
          // Unset is the operator's default, stateless.
          flinkChange("dev", "update", FLINK_DEPLOYMENT, "orders", {
            old: application({}),
            new: application(
              { upgradeMode: undefined, state: "suspended" },
              { taskManager: { replicas: 3, resource: { cpu: 1, memory: "2048m" } }, image: "flink:2.0" },
            ),
          }),
        ]),
        [
          "session job flink/etl-orders: upgradeMode savepoint → stateless; its next upgrade starts without state",
          "session job flink/etl-billing: upgradeMode last-state → stateless; its next upgrade starts without state",
          "session job flink/etl-users: upgradeMode last-state → stateless together with spec.job.parallelism; " +
            "the operator upgrades it now in the new mode and it restarts without state",
          "application job flink/orders: upgradeMode savepoint → stateless together with spec.image, " +
            "spec.job.state, spec.taskManager.replicas; the operator upgrades it now in the new mode and it " +
            "restarts without state",
        ],
      );
    });

    it("lets through what keeps the state", () => {
      const changes = [
        // Stateless jobs: deleted, replaced, updated.
        flinkChange("dev", "delete", SESSION_JOB, "a", { old: sessionJob({ upgradeMode: "stateless" }) }),
        flinkChange("dev", "replace", FLINK_DEPLOYMENT, "b", {
          old: application({ upgradeMode: "stateless" }),
          new: application({ upgradeMode: "stateless" }, { image: "flink:2.0" }),
        }),
        flinkChange("dev", "update", SESSION_JOB, "c", {
          old: sessionJob({ upgradeMode: "stateless" }),
          new: sessionJob({
            upgradeMode: "stateless",
            parallelism: 8,
            jarURI: "https://repo.example.com/c-2.jar",
          }),
        }),
        // Unset upgradeMode is stateless.
        flinkChange("dev", "delete", SESSION_JOB, "d", { old: sessionJob({ upgradeMode: undefined }) }),
        // Stateful jobs upgraded, suspended, resumed, pointed at a savepoint, moved between stateful modes.
        flinkChange("dev", "update", SESSION_JOB, "e", {
          old: sessionJob(),
          new: sessionJob({ parallelism: 4, args: ["--fast"] }),
        }),
        flinkChange("dev", "update", SESSION_JOB, "f", {
          old: sessionJob(),
          new: sessionJob({ state: "suspended" }),
        }),
        flinkChange("dev", "update", SESSION_JOB, "g", {
          old: sessionJob({ upgradeMode: "last-state", state: "suspended" }),
          new: sessionJob({ upgradeMode: "last-state" }),
        }),
        flinkChange("dev", "update", FLINK_DEPLOYMENT, "h", {
          old: application({}),
          new: application({ initialSavepointPath: "s3p://flink/savepoints/sp-2" }),
        }),
        flinkChange("dev", "update", FLINK_DEPLOYMENT, "i", {
          old: application({}),
          new: application({ upgradeMode: "last-state", parallelism: 6 }),
        }),
        // Stateless to stateful.
        flinkChange("dev", "update", SESSION_JOB, "j", {
          old: sessionJob({ upgradeMode: "stateless" }),
          new: sessionJob({ parallelism: 3 }),
        }),
        // Session clusters (FlinkDeployments without a job): their session jobs are resources of their own.
        flinkChange("dev", "delete", FLINK_DEPLOYMENT, "session", { old: application() }),
        flinkChange("dev", "replace", FLINK_DEPLOYMENT, "session", {
          old: application(),
          new: application(undefined, { image: "flink:2.0" }),
        }),
        // Created jobs, and a delete that leaves the job running in the cluster.
        flinkChange("dev", "create", SESSION_JOB, "k", { new: sessionJob() }),
        { ...flinkChange("dev", "delete", SESSION_JOB, "l", { old: sessionJob() }), retainOnDelete: true },
        // Other kinds are the stateful gate's business.
        change("dev", "delete", "kubernetes:apps/v1:StatefulSet", "zookeeper"),
      ];
      assert.deepStrictEqual(jobStateFindings(changes), []);
    });

    it("counts a job whose inputs the preview does not show, or whose new mode is not known yet, as losing state", () => {
      assert.deepStrictEqual(
        reasons([
          change("dev", "delete", SESSION_JOB, "etl-orders"),
          {
            ...change("dev", "update", SESSION_JOB, "etl-billing"),
            oldInputs: flinkInputs(SESSION_JOB, "etl-billing", sessionJob()),
          },
          flinkChange("dev", "update", SESSION_JOB, "etl-users", {
            old: sessionJob(),
            new: sessionJob({ upgradeMode: "04da6b54-80e4-46f7-96ec-b56ff0331ba9" }),
          }),
        ]),
        [
          "deleted FlinkSessionJob etl-orders: the preview does not show its inputs, so whether it loses a job's " +
            "state cannot be told",
          "updated FlinkSessionJob etl-billing: the preview does not show its inputs, so whether it loses a " +
            "job's state cannot be told",
          "session job flink/etl-users: upgradeMode savepoint → (not known until the update); its next upgrade " +
            "starts without state",
        ],
      );
    });

    it("says which allow pattern covers a finding, matched on the type or the URN", () => {
      const changes = [
        flinkChange("dev", "delete", SESSION_JOB, "etl-orders", { old: sessionJob() }),
        flinkChange("dev", "delete", FLINK_DEPLOYMENT, "orders", { old: application({}) }),
      ];
      assert.deepStrictEqual(
        jobStateFindings(changes, ["*::etl-orders", SESSION_JOB]).map((f) => [f.urn, f.allowedBy]),
        [
          [ETL, "*::etl-orders"],
          [ORDERS, undefined],
        ],
      );
    });
  });
});
