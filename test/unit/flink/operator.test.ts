import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { parseConfig } from "../../../components/config/parse";
import {
  chartSource,
  operatorChartValues,
  operatorFlinkConf,
  retainCrdsTransform,
  splitImage,
} from "../../../components/flink/operator";
import { operatorArgs } from "../../../components/platform";
import { CHART, ofType, renderRaw } from "../../support/mocks";

const valuesFor = (raw: Record<string, unknown>) => operatorChartValues(operatorArgs(parseConfig(raw)));

describe("operator", () => {
  it("pins the chart version and takes the chart from the Apache archive by default", () => {
    assert.deepStrictEqual(chartSource(parseConfig({}).operator.chart), {
      chart: "flink-kubernetes-operator",
      version: "1.15.0",
      repositoryOpts: { repo: "https://archive.apache.org/dist/flink/flink-kubernetes-operator-1.15.0/" },
    });
  });

  it("takes a local chart path over the repository (air-gapped installs)", () => {
    const config = parseConfig({
      operator: { chart: { path: "./charts/flink-kubernetes-operator-1.15.0.tgz" } },
    });
    assert.deepStrictEqual(chartSource(config.operator.chart), {
      chart: "./charts/flink-kubernetes-operator-1.15.0.tgz",
    });
  });

  it("pins the operator image to the release", () => {
    assert.deepStrictEqual(valuesFor({}).image, {
      repository: "apache/flink-kubernetes-operator",
      tag: "1.15.0",
      pullPolicy: "IfNotPresent",
    });
    assert.deepStrictEqual(splitImage("registry.local:5000/flink/op@sha256:" + "a".repeat(64)), {
      repository: "registry.local:5000/flink/op",
      digest: "sha256:" + "a".repeat(64),
    });
    assert.deepStrictEqual(splitImage("registry.local:5000/op:1.15.0"), {
      repository: "registry.local:5000/op",
      tag: "1.15.0",
    });
  });

  it("watches exactly the namespaces the platform uses", () => {
    const values = valuesFor({ flink: { clusters: { a: {}, b: { namespace: "team-b" } } } });
    assert.deepStrictEqual(values.watchNamespaces, ["flink", "team-b"]);
    assert.deepStrictEqual(values.jobServiceAccount, { create: false });
  });

  it("makes the webhook an explicit choice, off by default", () => {
    assert.deepStrictEqual(valuesFor({}).webhook, { create: false });
    assert.deepStrictEqual(valuesFor({ operator: { webhook: true, certManager: true } }).webhook, {
      create: true,
    });
  });

  it("sets resources, a restricted security context and the metrics reporter", () => {
    const values = valuesFor({ operator: { resources: { limits: { memory: "2Gi" } } } });
    assert.deepStrictEqual(values.operatorPod.resources, {
      requests: { cpu: "250m", memory: "512Mi" },
      limits: { cpu: "1", memory: "2Gi" },
    });
    assert.strictEqual(values.operatorSecurityContext.allowPrivilegeEscalation, false);
    assert.deepStrictEqual(values.operatorSecurityContext.capabilities, { drop: ["ALL"] });
    assert.strictEqual(values.metrics.port, 9999);
    assert.match(operatorFlinkConf(), /kubernetes\.operator\.metrics\.reporter\.prom\.port: 9999/);
    assert.strictEqual(values.defaultConfiguration["flink-conf.yaml"], operatorFlinkConf());
  });

  it("retains CRDs on delete and leaves other chart objects alone", () => {
    const opts = { parent: undefined } as pulumi.CustomResourceOptions;
    const crd = retainCrdsTransform({
      type: "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition",
      name: "flinkdeployments",
      custom: true,
      props: { kind: "CustomResourceDefinition" },
      opts,
    });
    assert.strictEqual(crd?.opts.retainOnDelete, true);
    assert.deepStrictEqual(crd?.props, { kind: "CustomResourceDefinition" });
    const deployment = retainCrdsTransform({
      type: "kubernetes:apps/v1:Deployment",
      name: "operator",
      custom: true,
      props: {},
      opts,
    });
    assert.strictEqual(deployment, undefined);
  });

  it("installs the chart in the platform namespace, or nothing when an existing operator is used", async () => {
    const installed = await renderRaw({ platform: { namespace: "streaming" } });
    const [chart] = ofType(installed.resources, CHART);
    assert.strictEqual(chart.inputs.namespace, "streaming");
    assert.strictEqual(chart.inputs.version, "1.15.0");
    const existing = await renderRaw({ operator: { install: false } });
    assert.deepStrictEqual(ofType(existing.resources, CHART), []);
    assert.deepStrictEqual(
      ofType(existing.resources, "flink-platform:operator:FlinkOperator"),
      [],
      "no operator component when the operator is not installed",
    );
  });
});
