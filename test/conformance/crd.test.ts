/**
 * CI-only conformance: every FlinkDeployment the program renders, for every stack file, validates against the
 * operator's released CRD schema with unknown fields refused (the API server would prune them silently).
 * The CRDs are not part of this repository; the suite reads them from FLINK_OPERATOR_CRDS or ../shared/crds.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import Ajv, { ValidateFunction } from "ajv";
import YAML from "yaml";
import { parseConfig } from "../../components/config/parse";
import { flinkDeploymentSpec } from "../../components/flink/sessionCluster";
import { stateSettings } from "../../components/flink/clusterState";
import { PROJECT_ROOT, readStackConfig, stackNames } from "../../stacks/shared/stackFiles";
import { FLINK_DEPLOYMENT, ofType, renderRaw } from "../support/mocks";

const CRD_DIR =
  process.env.FLINK_OPERATOR_CRDS ??
  path.join(PROJECT_ROOT, "..", "shared", "crds", "flink-kubernetes-operator-1.15.0");
const CRD_FILE = path.join(CRD_DIR, "flinkdeployments.flink.apache.org-v1.yml");

type Schema = Record<string, any>;

/**
 * Turn a structural OpenAPI v3 schema into a JSON Schema that refuses unknown fields: objects with declared
 * properties get `additionalProperties: false` unless they preserve unknown fields; int-or-string becomes a union.
 */
export function strictSchema(schema: Schema): Schema {
  const out: Schema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === "properties") {
      out.properties = Object.fromEntries(
        Object.entries(value as Schema).map(([k, v]) => [k, strictSchema(v)]),
      );
    } else if (key === "items" || key === "additionalProperties") {
      out[key] = typeof value === "object" ? strictSchema(value) : value;
    } else if (!key.startsWith("x-kubernetes-") && key !== "format") {
      out[key] = value;
    }
  }
  if (schema["x-kubernetes-int-or-string"]) {
    delete out.type;
    out.anyOf = [{ type: "integer" }, { type: "string" }];
  }
  if (
    out.properties &&
    out.additionalProperties === undefined &&
    !schema["x-kubernetes-preserve-unknown-fields"]
  ) {
    out.additionalProperties = false;
  }
  return out;
}

function loadValidator(): ValidateFunction {
  const crd = YAML.parse(fs.readFileSync(CRD_FILE, "utf8")) as Schema;
  const version = (crd.spec.versions as Schema[]).find((v) => v.name === "v1beta1");
  assert.ok(version, "the CRD serves v1beta1");
  const root = strictSchema(version.schema.openAPIV3Schema);
  // Every Kubernetes object has these; CRD schemas leave them implicit.
  root.properties = {
    apiVersion: { const: "flink.apache.org/v1beta1" },
    kind: { const: "FlinkDeployment" },
    metadata: { type: "object" },
    ...root.properties,
  };
  const ajv = new Ajv({ allErrors: true, strict: false });
  return ajv.compile(root);
}

describe("FlinkDeployment conformance with the operator 1.15.0 CRD", function () {
  let validate: ValidateFunction;

  before(function () {
    if (!fs.existsSync(CRD_FILE)) {
      // The released CRDs are not vendored; this check runs where CI provides them.
      console.log(`    (skipped: ${CRD_FILE} not found; set FLINK_OPERATOR_CRDS to run it)`);
      this.skip();
    }
    validate = loadValidator();
  });

  const check = (object: unknown, what: string) => {
    const ok = validate(object);
    assert.ok(ok, `${what}: ${JSON.stringify(validate.errors, null, 2)}`);
  };

  it("refuses an unknown field, so a pass means something", () => {
    const config = parseConfig({});
    const spec = flinkDeploymentSpec(
      config.flink.clusters[0],
      stateSettings(config.flink.clusters[0], {
        checkpoints: config.flink.checkpoints,
        pathPrefix: config.storage.pathPrefix,
        ha: { type: "off" },
      }),
    );
    const bad = { ...spec, jobManager: { resource: { cpu: 1, memory: "1g", "ephemeral-storage": "1Gi" } } };
    assert.strictEqual(
      validate({ apiVersion: "flink.apache.org/v1beta1", kind: "FlinkDeployment", spec: bad }),
      false,
    );
    assert.strictEqual(
      validate({ spec: { ...spec, flinkVersion: "v2_3" } }),
      false,
      "v2_3 is not in the enum",
    );
  });

  for (const stack of stackNames()) {
    it(`validates every FlinkDeployment of Pulumi.${stack}.yaml`, async () => {
      const { resources } = await renderRaw(readStackConfig(stack));
      const deployments = ofType(resources, FLINK_DEPLOYMENT);
      assert.ok(deployments.length > 0);
      for (const deployment of deployments) {
        check(deployment.inputs, `${stack}/${deployment.name}`);
      }
    });
  }

  for (const ha of ["off", "kubernetes", "zookeeper"]) {
    for (const storage of ["none", "s3", "hdfs"]) {
      if (ha !== "off" && storage === "none") {
        continue;
      }
      it(`validates the FlinkDeployment with ha ${ha} and storage ${storage} on Flink 1.20 and 2.2`, async () => {
        for (const version of ["1.20", "2.2"]) {
          const { resources } = await renderRaw({
            // StreamPark drives Flink 1.x only.
            streampark: { enabled: version.startsWith("1.") },
            storage: { type: storage },
            ha: { type: ha },
            flink: { version, clusters: { session: { jobManager: { replicas: ha === "off" ? 1 : 2 } } } },
          });
          for (const deployment of ofType(resources, FLINK_DEPLOYMENT)) {
            check(deployment.inputs, `${ha}/${storage}/${version}`);
          }
        }
      });
    }
  }

  it("validates a Flink 2.x cluster with ingress and every option set", async () => {
    const { resources } = await renderRaw({
      streampark: { enabled: false },
      flink: {
        version: "2.2",
        clusters: {
          full: {
            warmSlots: 4,
            flinkConfiguration: { "pipeline.object-reuse": true },
            ingress: {
              enabled: true,
              className: "nginx",
              host: "f.example.com",
              tlsSecretName: "tls",
              annotations: { a: "b" },
            },
          },
        },
      },
    });
    for (const deployment of ofType(resources, FLINK_DEPLOYMENT)) {
      check(deployment.inputs, deployment.name);
    }
  });
});
