/**
 * CI-only conformance: every PodMonitor and PrometheusRule the program renders validates against the Prometheus
 * Operator's released CRD schemas, unknown fields refused. The CRDs are not part of this repository; the suite reads
 * `monitoring.coreos.com_{podmonitors,prometheusrules}.yaml` (prometheus-operator `example/prometheus-operator-crd`)
 * from PROMETHEUS_OPERATOR_CRDS or ../shared/crds/prometheus-operator.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import Ajv, { ValidateFunction } from "ajv";
import YAML from "yaml";
import { PROJECT_ROOT, readStackConfig, stackNames } from "../../stacks/shared/stackFiles";
import { ofType, renderRaw } from "../support/mocks";
import { strictSchema } from "./crd.test";

const CRD_DIR =
  process.env.PROMETHEUS_OPERATOR_CRDS ??
  path.join(PROJECT_ROOT, "..", "shared", "crds", "prometheus-operator");

const KINDS = { PodMonitor: "podmonitors", PrometheusRule: "prometheusrules" } as const;
type Kind = keyof typeof KINDS;

const crdFile = (kind: Kind) => path.join(CRD_DIR, `monitoring.coreos.com_${KINDS[kind]}.yaml`);

/** Drop `pattern`s written for Go's regexp that JavaScript cannot compile (e.g. a leading `(?i)`). */
function withoutGoOnlyPatterns(schema: unknown): unknown {
  if (Array.isArray(schema)) {
    return schema.map(withoutGoOnlyPatterns);
  }
  if (schema && typeof schema === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(schema)) {
      if (key === "pattern" && typeof value === "string") {
        try {
          new RegExp(value, "u");
        } catch {
          continue;
        }
      }
      out[key] = withoutGoOnlyPatterns(value);
    }
    return out;
  }
  return schema;
}

function loadValidator(kind: Kind): ValidateFunction {
  const crd = YAML.parse(fs.readFileSync(crdFile(kind), "utf8")) as Record<string, any>;
  const version = (crd.spec.versions as Array<Record<string, any>>).find((v) => v.name === "v1");
  assert.ok(version, `the ${kind} CRD serves v1`);
  const root = strictSchema(withoutGoOnlyPatterns(version.schema.openAPIV3Schema) as Record<string, any>);
  root.properties = {
    ...root.properties,
    apiVersion: { const: "monitoring.coreos.com/v1" },
    kind: { const: kind },
    metadata: { type: "object" },
  };
  return new Ajv({ allErrors: true, strict: false }).compile(root);
}

describe("PodMonitor and PrometheusRule conformance with the Prometheus Operator CRDs", function () {
  const validators = {} as Record<Kind, ValidateFunction>;

  before(function () {
    if (!(Object.keys(KINDS) as Kind[]).every((kind) => fs.existsSync(crdFile(kind)))) {
      console.log(`    (skipped: CRDs not found in ${CRD_DIR}; set PROMETHEUS_OPERATOR_CRDS to run it)`);
      this.skip();
    }
    for (const kind of Object.keys(KINDS) as Kind[]) {
      validators[kind] = loadValidator(kind);
    }
  });

  async function checkAll(raw: Record<string, unknown>, what: string) {
    const { resources } = await renderRaw(raw);
    let count = 0;
    for (const kind of Object.keys(KINDS) as Kind[]) {
      for (const resource of ofType(resources, `kubernetes:monitoring.coreos.com/v1:${kind}`)) {
        const validate = validators[kind];
        assert.ok(
          validate(resource.inputs),
          `${what} ${kind} ${resource.name}: ${JSON.stringify(validate.errors)}`,
        );
        count++;
      }
    }
    return count;
  }

  it("refuses an unknown field, so a pass means something", () => {
    const bad = {
      apiVersion: "monitoring.coreos.com/v1",
      kind: "PodMonitor",
      spec: { selector: {}, podMetricsEndpoints: [{ portName: "metrics" }] },
    };
    assert.strictEqual(validators.PodMonitor(bad), false);
  });

  for (const stack of stackNames()) {
    it(`validates the monitors and rules of Pulumi.${stack}.yaml`, async () => {
      assert.ok((await checkAll(readStackConfig(stack), stack)) > 0);
    });
  }

  it("validates several clusters across namespaces with custom labels and interval", async () => {
    const count = await checkAll(
      {
        flink: { clusters: { a: {}, b: { namespace: "etl" } } },
        monitoring: { monitorLabels: { release: "kps", team: "data" }, scrapeInterval: "15s" },
      },
      "custom",
    );
    assert.strictEqual(count, 4, "three PodMonitors and one PrometheusRule");
  });
});
