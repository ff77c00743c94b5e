import * as assert from "assert";
import { parseConfig } from "../../../components/config/parse";
import { ingressUrl } from "../../../components/kube/ingress";
import { restUrl } from "../../../components/flink/sessionCluster";
import { readStackConfig } from "../../../stacks/shared/stackFiles";
import { FLINK_DEPLOYMENT, ofType, renderRaw } from "../../support/mocks";

const LABELS = {
  "app.kubernetes.io/part-of": "flink-platform",
  "app.kubernetes.io/managed-by": "pulumi",
  "app.kubernetes.io/component": "flink-session-cluster",
  "app.kubernetes.io/instance": "session",
};

const tcp = (port: number, initialDelaySeconds: number) => ({
  tcpSocket: { port },
  initialDelaySeconds,
  periodSeconds: 10,
  failureThreshold: 3,
});

/** The spec every session cluster shares, with the parts that differ passed in. */
function expectedSpec(parts: {
  image: string;
  flinkVersion: string;
  slots: string;
  jm: { cpu: number; memory: string };
  tm: { cpu: number; memory: string };
}) {
  return {
    image: parts.image,
    imagePullPolicy: "IfNotPresent",
    flinkVersion: parts.flinkVersion,
    mode: "native",
    serviceAccount: "flink-session",
    flinkConfiguration: {
      // Fixed so that the NetworkPolicies can name them.
      "blob.server.port": "6124",
      "execution.checkpointing.interval": "60 s",
      "execution.checkpointing.mode": "EXACTLY_ONCE",
      "execution.checkpointing.num-retained": "3",
      "jobmanager.rpc.port": "6123",
      "kubernetes.operator.pod-template.merge-arrays-by-name": "true",
      "metrics.internal.query-service.port": "6170",
      "metrics.reporter.prom.factory.class": "org.apache.flink.metrics.prometheus.PrometheusReporterFactory",
      "metrics.reporter.prom.port": "9249",
      "rest.port": "8081",
      "state.backend.type": "hashmap",
      "taskmanager.data.port": "6121",
      "taskmanager.numberOfTaskSlots": parts.slots,
      "taskmanager.rpc.port": "6122",
    },
    podTemplate: {
      metadata: { labels: LABELS },
      spec: {
        securityContext: {
          runAsNonRoot: true,
          runAsUser: 9999,
          runAsGroup: 9999,
          fsGroup: 9999,
          seccompProfile: { type: "RuntimeDefault" },
        },
        containers: [
          {
            name: "flink-main-container",
            ports: [{ name: "metrics", containerPort: 9249, protocol: "TCP" }],
            securityContext: {
              allowPrivilegeEscalation: false,
              capabilities: { drop: ["ALL"] },
              seccompProfile: { type: "RuntimeDefault" },
            },
          },
        ],
      },
    },
    jobManager: {
      replicas: 1,
      resource: parts.jm,
      podTemplate: {
        spec: {
          containers: [
            { name: "flink-main-container", livenessProbe: tcp(8081, 60), readinessProbe: tcp(8081, 10) },
          ],
        },
      },
    },
    taskManager: {
      resource: parts.tm,
      podTemplate: { spec: { containers: [{ name: "flink-main-container", livenessProbe: tcp(6122, 60) }] } },
    },
  };
}

/** The spec of the first FlinkDeployment the platform registers for raw config. */
async function renderedSpec(raw: Record<string, unknown>): Promise<Record<string, any>> {
  const { resources } = await renderRaw(raw);
  return ofType(resources, FLINK_DEPLOYMENT)[0].inputs.spec;
}

describe("session cluster", () => {
  it("renders the exact FlinkDeployment spec of the dev stack", async () => {
    assert.deepStrictEqual(
      await renderedSpec(readStackConfig("dev")),
      expectedSpec({
        image: "flink:1.20.4-scala_2.12-java17",
        flinkVersion: "v1_20",
        slots: "2",
        jm: { cpu: 0.5, memory: "1024m" },
        tm: { cpu: 0.5, memory: "1024m" },
      }),
    );
  });

  it("renders the exact FlinkDeployment spec of a Flink 2.2 cluster", async () => {
    assert.deepStrictEqual(
      await renderedSpec({
        flink: { version: "2.2", clusters: { session: { taskManager: { slots: 4 } } } },
        streampark: { enabled: false },
      }),
      expectedSpec({
        image: "flink:2.2.1-scala_2.12-java17",
        flinkVersion: "v2_2",
        slots: "4",
        jm: { cpu: 1, memory: "2048m" },
        tm: { cpu: 1, memory: "2048m" },
      }),
    );
  });

  it("merges user Flink configuration last and keeps warm slots", async () => {
    const spec = await renderedSpec({
      flink: {
        clusters: {
          session: {
            warmSlots: 4,
            flinkConfiguration: { "pipeline.max-parallelism": 128, "pipeline.object-reuse": true },
          },
        },
      },
    });
    const conf = spec.flinkConfiguration as Record<string, string>;
    assert.strictEqual(conf["pipeline.max-parallelism"], "128");
    assert.strictEqual(conf["pipeline.object-reuse"], "true");
    assert.strictEqual(conf["slotmanager.number-of-slots.min"], "4");
    assert.deepStrictEqual(
      Object.keys(conf),
      [...Object.keys(conf)].sort(),
      "keys are sorted for stable diffs",
    );
  });

  it("adds an ingress with class, host and TLS, and reports its URL", async () => {
    const raw = {
      flink: {
        clusters: {
          session: {
            ingress: {
              enabled: true,
              className: "nginx",
              host: "flink.example.com",
              tlsSecretName: "flink-tls",
            },
          },
        },
      },
    };
    assert.deepStrictEqual((await renderedSpec(raw)).ingress, {
      template: "flink.example.com",
      className: "nginx",
      tls: [{ hosts: ["flink.example.com"], secretName: "flink-tls" }],
    });
    const cluster = parseConfig(raw).flink.clusters[0];
    assert.strictEqual(ingressUrl(cluster.ingress), "https://flink.example.com/");
    assert.strictEqual(restUrl(cluster), "http://session-rest.flink.svc:8081");
    assert.strictEqual(ingressUrl(parseConfig({}).flink.clusters[0].ingress), undefined);
  });

  it("registers the FlinkDeployment with its own service account and Role in its namespace", async () => {
    const { resources } = await renderRaw({
      flink: { clusters: { etl: { namespace: "etl" } } },
    });
    const [deployment] = ofType(resources, FLINK_DEPLOYMENT);
    assert.strictEqual(deployment.inputs.metadata.name, "etl");
    assert.strictEqual(deployment.inputs.metadata.namespace, "etl");
    assert.strictEqual(deployment.inputs.spec.serviceAccount, "flink-etl");
    assert.strictEqual(deployment.inputs.spec.job, undefined, "a session cluster has no job");
    // Deleted in the background, so the JobManager outlives the operator's finalizer (HA data cleanup).
    assert.deepStrictEqual(deployment.inputs.metadata.annotations, {
      "pulumi.com/waitFor": "jsonpath={.status.jobManagerDeploymentStatus}=READY",
      "pulumi.com/deletionPropagationPolicy": "background",
    });
    for (const type of [
      "kubernetes:core/v1:ServiceAccount",
      "kubernetes:rbac.authorization.k8s.io/v1:Role",
    ]) {
      const [resource] = ofType(resources, type);
      assert.deepStrictEqual(
        [resource.inputs.metadata.name, resource.inputs.metadata.namespace],
        ["flink-etl", "etl"],
      );
    }
    const [binding] = ofType(resources, "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding");
    assert.deepStrictEqual(binding.inputs.subjects, [
      { kind: "ServiceAccount", name: "flink-etl", namespace: "etl" },
    ]);
    assert.deepStrictEqual(binding.inputs.roleRef, {
      apiGroup: "rbac.authorization.k8s.io",
      kind: "Role",
      name: "flink-etl",
    });
    const [role] = ofType(resources, "kubernetes:rbac.authorization.k8s.io/v1:Role");
    assert.ok(role.inputs.rules.some((r: { resources: string[] }) => r.resources.includes("configmaps")));
  });
});
