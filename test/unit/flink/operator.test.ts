import * as assert from "assert";
import { execFileSync } from "child_process";
import YAML from "yaml";
import { parseConfig } from "../../../components/config/parse";
import { chartSource } from "../../../components/flink/operator";
import { chartPostRenderer } from "../../../components/flink/chartPostRenderer";
import { operatorChartValues, operatorFlinkConf, splitImage } from "../../../components/flink/operatorChart";
import { operatorArgs, secretPolicy } from "../../../components/platform";
import { CHART, leakedSecrets, ofType, renderRaw, unwrapSecrets } from "../../support/mocks";

const valuesFor = (raw: Record<string, unknown>) => {
  const config = parseConfig(raw);
  return operatorChartValues(operatorArgs(config, secretPolicy(config)));
};

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
      keystore: {
        useDefaultPassword: false,
        passwordSecretRef: { name: "flink-operator-webhook-keystore", key: "password" },
      },
    });
  });

  it("declares the webhook certificate itself, with a generated keystore password kept in a Secret", async () => {
    const { resources } = await renderRaw({ operator: { webhook: true, certManager: true } });
    const [chart] = ofType(resources, CHART);
    assert.deepStrictEqual(
      chart.inputs.postRenderer,
      chartPostRenderer({ retainCrds: true, dropCertManager: true }),
    );
    const keystore = ofType(resources, "kubernetes:core/v1:Secret").find(
      (r) => r.inputs.metadata.name === "flink-operator-webhook-keystore",
    );
    assert.match(unwrapSecrets(keystore?.inputs.stringData).password, /^mock-generated-secret-/);
    const [issuer] = ofType(resources, "kubernetes:cert-manager.io/v1:Issuer");
    assert.deepStrictEqual(issuer.inputs.metadata.namespace, "flink");
    assert.deepStrictEqual(issuer.inputs.spec, { selfSigned: {} });
    const [certificate] = ofType(resources, "kubernetes:cert-manager.io/v1:Certificate");
    assert.deepStrictEqual(certificate.inputs.metadata.name, "flink-operator-serving-cert");
    assert.deepStrictEqual(certificate.inputs.spec, {
      dnsNames: [
        "flink-operator-webhook-service.flink.svc",
        "flink-operator-webhook-service.flink.svc.cluster.local",
      ],
      keystores: {
        pkcs12: {
          create: true,
          passwordSecretRef: { name: "flink-operator-webhook-keystore", key: "password" },
        },
      },
      issuerRef: { kind: "Issuer", name: "flink-operator-selfsigned-issuer" },
      commonName: "FlinkDeployment Validator",
      secretName: "webhook-server-cert",
    });
    assert.deepStrictEqual(leakedSecrets(resources), []);
    const without = await renderRaw({});
    assert.deepStrictEqual(
      ofType(without.resources, CHART)[0].inputs.postRenderer,
      chartPostRenderer({ retainCrds: true, dropCertManager: false }),
    );
    assert.deepStrictEqual(ofType(without.resources, "kubernetes:cert-manager.io/v1:Certificate"), []);
  });

  it("post-renders the chart without its cert-manager objects, and nothing else", () => {
    const manifests = [
      "---",
      "# Source: flink-kubernetes-operator/templates/cert-manager/issuer.yaml",
      "apiVersion: cert-manager.io/v1",
      "kind: Issuer",
      "metadata:",
      "  name: flink-operator-selfsigned-issuer",
      "---",
      "# Source: flink-kubernetes-operator/templates/webhook/service.yaml",
      "apiVersion: v1",
      "kind: Service",
      "metadata:",
      "  name: flink-operator-webhook-service",
      "  annotations:",
      "    note: 'apiVersion: cert-manager.io/v1'",
      "---",
      "kind: Certificate",
      "apiVersion: cert-manager.io/v1",
      "spec:",
      "  issuerRef:",
      "    kind: Issuer",
      "---",
      "apiVersion: admissionregistration.k8s.io/v1",
      "kind: ValidatingWebhookConfiguration",
      "",
    ].join("\n");
    const renderer = chartPostRenderer({ retainCrds: true, dropCertManager: true });
    const output = execFileSync(renderer.command, renderer.args, { input: manifests, encoding: "utf8" });
    const kinds = YAML.parseAllDocuments(output).map((doc) => (doc.toJS() as { kind: string }).kind);
    assert.deepStrictEqual(kinds, ["Service", "ValidatingWebhookConfiguration"]);
    assert.match(output, /note: 'apiVersion: cert-manager.io\/v1'/);
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

  /** The chart's CRD documents as the post-renderer leaves them (a printer column and a schema with `priority`). */
  const postRenderedCrd = (settings: { retainCrds: boolean; dropCertManager: boolean }) => {
    const manifests = [
      "---",
      "# Source: flink-kubernetes-operator/crds/flinkdeployments.flink.apache.org-v1.yml",
      "apiVersion: apiextensions.k8s.io/v1",
      'kind: "CustomResourceDefinition"',
      "metadata:",
      "  name: flinkdeployments.flink.apache.org",
      "spec:",
      "  versions:",
      "  - additionalPrinterColumns:",
      "    - jsonPath: .status.lifecycleState",
      "      name: Lifecycle State",
      "      priority: 0",
      "    schema:",
      "      openAPIV3Schema:",
      "        properties:",
      "          priority:",
      "            type: integer",
      "---",
      "apiVersion: v1",
      "kind: ConfigMap",
      "metadata:",
      "  name: flink-operator-config",
      "data:",
      "  priority: 0",
      "",
    ].join("\n");
    const renderer = chartPostRenderer(settings);
    const output = execFileSync(renderer.command, renderer.args, { input: manifests, encoding: "utf8" });
    return YAML.parseAllDocuments(output).map((doc) => doc.toJS() as Record<string, any>);
  };

  it("lets every stack on a cluster take over the shared CRDs, and retains them on delete unless data loss is allowed", () => {
    const [crd, configMap] = postRenderedCrd({ retainCrds: true, dropCertManager: false });
    assert.deepStrictEqual(crd.metadata, {
      annotations: { "pulumi.com/patchForce": "true", "helm.sh/resource-policy": "keep" },
      name: "flinkdeployments.flink.apache.org",
    });
    const [lossy] = postRenderedCrd({ retainCrds: false, dropCertManager: false });
    assert.deepStrictEqual(lossy.metadata.annotations, { "pulumi.com/patchForce": "true" });
    // Other chart objects are left as they are.
    assert.deepStrictEqual(configMap, {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "flink-operator-config" },
      data: { priority: 0 },
    });
  });

  it("drops the printer columns' priority 0, which the server leaves out, and nothing else", () => {
    const [crd] = postRenderedCrd({ retainCrds: true, dropCertManager: false });
    assert.deepStrictEqual(crd.spec.versions[0].additionalPrinterColumns, [
      { jsonPath: ".status.lifecycleState", name: "Lifecycle State" },
    ]);
    assert.deepStrictEqual(crd.spec.versions[0].schema.openAPIV3Schema.properties.priority, {
      type: "integer",
    });
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
