import * as assert from "assert";
import { isStatefulType, patternMatches, statefulFindings } from "../../../stacks/gates";

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
});
