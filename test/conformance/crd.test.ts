/**
 * CI-only conformance: every FlinkDeployment and FlinkSessionJob the program renders, for every stack file,
 * validates against the operator's released CRD schemas with unknown fields refused (the API server would prune
 * them silently).
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
const SESSION_JOB_CRD_FILE = path.join(CRD_DIR, "flinksessionjobs.flink.apache.org-v1.yml");
const SESSION_JOB = "kubernetes:flink.apache.org/v1beta1:FlinkSessionJob";
const JAR =
  "https://repo1.maven.org/maven2/org/apache/flink/flink-examples-streaming/1.20.0/flink-examples-streaming-1.20.0.jar";

/** Every option of a job set, for the session job and application checks. */
const FULL_JOB = {
  jarURI: JAR,
  entryClass: "org.apache.flink.streaming.examples.windowing.TopSpeedWindowing",
  args: ["--output", "print"],
  parallelism: 2,
  upgradeMode: "last-state",
  allowNonRestoredState: true,
  initialSavepointPath: "s3p://flink/savepoints/sp-1",
  state: "suspended",
};

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

function loadValidator(file = CRD_FILE, kind = "FlinkDeployment"): ValidateFunction {
  const crd = YAML.parse(fs.readFileSync(file, "utf8")) as Schema;
  const version = (crd.spec.versions as Schema[]).find((v) => v.name === "v1beta1");
  assert.ok(version, "the CRD serves v1beta1");
  const root = strictSchema(version.schema.openAPIV3Schema);
  // Every Kubernetes object has these; CRD schemas leave them implicit.
  root.properties = {
    apiVersion: { const: "flink.apache.org/v1beta1" },
    kind: { const: kind },
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

describe("FlinkSessionJob conformance with the operator 1.15.0 CRD", function () {
  let validate: ValidateFunction;

  before(function () {
    if (!fs.existsSync(SESSION_JOB_CRD_FILE)) {
      console.log(`    (skipped: ${SESSION_JOB_CRD_FILE} not found; set FLINK_OPERATOR_CRDS to run it)`);
      this.skip();
    }
    validate = loadValidator(SESSION_JOB_CRD_FILE, "FlinkSessionJob");
  });

  const check = (object: unknown, what: string) => {
    assert.ok(validate(object), `${what}: ${JSON.stringify(validate.errors, null, 2)}`);
  };

  const rendered = async (raw: Record<string, unknown>) => {
    const { resources } = await renderRaw(raw);
    return resources;
  };

  it("refuses an unknown job field and an unknown upgrade mode, so a pass means something", () => {
    const object = {
      apiVersion: "flink.apache.org/v1beta1",
      kind: "FlinkSessionJob",
      spec: { deploymentName: "s" },
    };
    assert.strictEqual(validate({ ...object, spec: { ...object.spec, job: { jarUri: JAR } } }), false);
    assert.strictEqual(
      validate({ ...object, spec: { ...object.spec, job: { upgradeMode: "savepoints" } } }),
      false,
    );
  });

  for (const stack of stackNames()) {
    it(`validates every FlinkSessionJob of Pulumi.${stack}.yaml`, async () => {
      const raw = readStackConfig(stack);
      const declared = parseConfig(raw).flink.clusters.flatMap((c) => Object.keys(c.jobs));
      const jobs = ofType(await rendered(raw), SESSION_JOB);
      // As many as the stack file declares (none is a pass only where none is declared).
      assert.strictEqual(jobs.length, declared.length, `${stack}: ${declared.join(", ")}`);
      for (const job of jobs) {
        check(job.inputs, `${stack}/${job.name}`);
      }
    });
  }

  it("validates a session job and an application with every job option set", async () => {
    const resources = await rendered({
      streampark: { enabled: false },
      storage: { type: "s3" },
      ha: { type: "kubernetes" },
      flink: {
        clusters: { session: { jobs: { full: FULL_JOB } } },
        applications: { app: { job: { ...FULL_JOB, jarURI: "local:///opt/flink/usrlib/app.jar" } } },
      },
    });
    const jobs = ofType(resources, SESSION_JOB);
    assert.strictEqual(jobs.length, 1);
    check(jobs[0].inputs, "full");
    const deploymentValidator = loadValidator();
    const app = ofType(resources, FLINK_DEPLOYMENT).find((d) => d.inputs.spec.job);
    assert.ok(app, "the application is rendered");
    assert.ok(deploymentValidator(app.inputs), JSON.stringify(deploymentValidator.errors, null, 2));
  });
});
