import * as assert from "assert";
import { EngineEvent } from "@pulumi/pulumi/automation";
import { EngineEventCollector, plainText } from "../../../stacks/engineEvents";
import { flinkInputs, jobSpecOf, SESSION_JOB, urn } from "../../support/fakeStackDriver";

let sequence = 0;
function pre(op: string, type: string, name: string, extra: Record<string, unknown> = {}): EngineEvent {
  return {
    sequence: sequence++,
    timestamp: 0,
    resourcePreEvent: { metadata: { op, urn: urn("dev", type, name), type, provider: "", ...extra } },
  } as EngineEvent;
}

function diagnostic(severity: string, message: string, extra: Record<string, unknown> = {}): EngineEvent {
  return {
    sequence: sequence++,
    timestamp: 0,
    diagnosticEvent: { severity, message, color: "never", ...extra },
  } as EngineEvent;
}

describe("engine events", () => {
  const STS = "kubernetes:apps/v1:StatefulSet";
  const CM = "kubernetes:core/v1:ConfigMap";

  it("folds the steps of a replacement into one replace per URN, with the properties that force it", () => {
    const events = new EngineEventCollector();
    [
      pre("same", "kubernetes:core/v1:Service", "mysql"),
      pre("create-replacement", STS, "zookeeper", { keys: ["spec.volumeClaimTemplates"], diffs: ["spec"] }),
      pre("replace", STS, "zookeeper", { keys: ["spec.volumeClaimTemplates"] }),
      pre("delete-replaced", STS, "zookeeper", { old: { retainOnDelete: false } }),
      pre("update", CM, "flink-config", { diffs: ["data"] }),
      pre("delete", "kubernetes:core/v1:PersistentVolumeClaim", "old", { old: { retainOnDelete: true } }),
      pre("create", CM, "dashboards"),
    ].forEach(events.add);
    const result = events.result();
    assert.deepStrictEqual(result.changes, [
      {
        urn: urn("dev", STS, "zookeeper"),
        type: STS,
        op: "replace",
        replaceKeys: ["spec.volumeClaimTemplates"],
        diffs: ["spec"],
      },
      { urn: urn("dev", CM, "flink-config"), type: CM, op: "update", diffs: ["data"] },
      {
        urn: urn("dev", "kubernetes:core/v1:PersistentVolumeClaim", "old"),
        type: "kubernetes:core/v1:PersistentVolumeClaim",
        op: "delete",
        retainOnDelete: true,
      },
      { urn: urn("dev", CM, "dashboards"), type: CM, op: "create" },
    ]);
    assert.deepStrictEqual(result.counts, { create: 1, update: 1, replace: 1, delete: 1, same: 1 });
  });

  it("keeps the old and new inputs of Flink job resources, and of nothing else", () => {
    const events = new EngineEventCollector();
    const before = flinkInputs(SESSION_JOB, "etl-orders", { deploymentName: "session", job: jobSpecOf() });
    const after = flinkInputs(SESSION_JOB, "etl-orders", { deploymentName: "other", job: jobSpecOf() });
    const state = (inputs: Record<string, unknown>) => ({
      type: SESSION_JOB,
      urn: "",
      id: "",
      parent: "",
      inputs,
    });
    const upgraded = flinkInputs(SESSION_JOB, "etl-users", {
      deploymentName: "session",
      job: jobSpecOf({ upgradeMode: "stateless" }),
    });
    [
      pre("create-replacement", SESSION_JOB, "etl-orders", {
        keys: ["spec.deploymentName"],
        old: state(before),
        new: state(after),
      }),
      pre("replace", SESSION_JOB, "etl-orders", { old: state(before), new: state(after) }),
      pre("delete-replaced", SESSION_JOB, "etl-orders", { old: state(before) }),
      pre("update", SESSION_JOB, "etl-users", { diffs: ["spec"], old: state(before), new: state(upgraded) }),
      pre("delete", SESSION_JOB, "etl-old", { old: state(before) }),
      pre("update", CM, "flink-config", {
        diffs: ["data"],
        old: { ...state({ data: { a: "1" } }), type: CM },
        new: { ...state({ data: { a: "2" } }), type: CM },
      }),
    ].forEach(events.add);
    assert.deepStrictEqual(events.result().changes, [
      {
        urn: urn("dev", SESSION_JOB, "etl-orders"),
        type: SESSION_JOB,
        op: "replace",
        replaceKeys: ["spec.deploymentName"],
        oldInputs: before,
        newInputs: after,
      },
      {
        urn: urn("dev", SESSION_JOB, "etl-users"),
        type: SESSION_JOB,
        op: "update",
        diffs: ["spec"],
        oldInputs: before,
        newInputs: upgraded,
      },
      { urn: urn("dev", SESSION_JOB, "etl-old"), type: SESSION_JOB, op: "delete", oldInputs: before },
      { urn: urn("dev", CM, "flink-config"), type: CM, op: "update", diffs: ["data"] },
    ]);
  });

  it("prefers the command's change summary for the counts", () => {
    const events = new EngineEventCollector();
    events.add(pre("create", CM, "a"));
    assert.deepStrictEqual(events.result({ create: 3, same: 40, replace: 1 }).counts, {
      create: 3,
      update: 0,
      replace: 1,
      delete: 0,
      same: 40,
    });
    events.add({
      sequence: 99,
      timestamp: 0,
      summaryEvent: { resourceChanges: { update: 2 } },
    } as EngineEvent);
    assert.strictEqual(events.result().counts.update, 2);
  });

  it("keeps warnings and errors once each, without colour codes, and drops info and ephemeral messages", () => {
    const events = new EngineEventCollector();
    [
      diagnostic("info", "Downloading plugin"),
      diagnostic("warning", "\u001b[33mhelm chart\u001b[0m is <{%bold%}>deprecated<{%reset%}>\n"),
      diagnostic("warning", "helm chart is deprecated"),
      diagnostic("error", "update failed", { urn: urn("dev", STS, "zookeeper") }),
      diagnostic("error", "retrying", { ephemeral: true }),
      diagnostic("info#err", "stderr chatter"),
    ].forEach(events.add);
    events.add({
      sequence: 1,
      timestamp: 0,
      policyEvent: {
        message: "no privileged pods",
        color: "never",
        policyName: "no-privileged",
        policyPackName: "platform",
        policyPackVersion: "1",
        policyPackVersionTag: "1",
        enforcementLevel: "mandatory",
        resourceUrn: urn("dev", STS, "zookeeper"),
      },
    });
    events.add({
      sequence: 2,
      timestamp: 0,
      resOpFailedEvent: {
        metadata: { op: "update", urn: urn("dev", CM, "x"), type: CM, provider: "" },
        status: 1,
        steps: 1,
      },
    });
    assert.deepStrictEqual(events.result().diagnostics, [
      { severity: "warning", message: "helm chart is deprecated" },
      { severity: "error", message: "update failed", urn: urn("dev", STS, "zookeeper") },
      {
        severity: "error",
        message: "policy platform/no-privileged: no privileged pods",
        urn: urn("dev", STS, "zookeeper"),
      },
      { severity: "error", message: "update failed", urn: urn("dev", CM, "x") },
    ]);
    assert.strictEqual(plainText("\u001b[1;31mred\u001b[0m  "), "red");
  });
});
