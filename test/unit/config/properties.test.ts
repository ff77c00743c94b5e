/**
 * Property-based checks of the configuration (fast-check): random valid configurations are accepted and render
 * objects that follow the Kubernetes naming rules and the platform's pod rules; random invalid ones (a valid
 * configuration with one to four independent mistakes) are refused with one error that names each broken key.
 */
import * as assert from "assert";
import fc from "fast-check";
import { ConfigError } from "../../../components/config/problems";
import { parseConfig } from "../../../components/config/parse";
import { renderPlatform } from "../../support/mocks";
import { containersOf, podsOf, requestAboveLimit } from "../../support/pods";
import { kubernetesObjects } from "../../support/strictValidation";

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

const name = fc.stringMatching(/^c[a-z0-9]{0,6}$/);
const cpu = fc.oneof(
  fc.constantFrom(0.25, 0.5, 1, 2),
  fc.constantFrom("0.5", "1", "2"), // as `pulumi config set --path` stores "0.5" typed at a shell
);
const memory = fc.constantFrom("1024m", "1536m", "2g", "4096m");

interface Shape {
  readonly clusters: Record<
    string,
    { ns?: string; cpu: number | string; memory: string; slots: number | string }
  >;
  readonly version: "1.19" | "1.20" | "2.2";
  readonly storage: "none" | "s3" | "hdfs";
  readonly ha: "off" | "kubernetes" | "zookeeper";
  readonly streampark: boolean;
  readonly hive: boolean;
  readonly labelValue: string | number;
}

/** Valid configurations, built so that every cross-field rule holds. */
const shape: fc.Arbitrary<Shape> = fc.record({
  clusters: fc.dictionary(
    name,
    fc.record(
      {
        ns: fc.constantFrom("flink", "team-a", "0data"),
        cpu,
        memory,
        slots: fc.oneof(fc.integer({ min: 1, max: 8 }), fc.constantFrom("2", "4")),
      },
      { requiredKeys: ["cpu", "memory", "slots"] },
    ),
    { minKeys: 1, maxKeys: 3 },
  ),
  version: fc.constantFrom("1.19", "1.20", "2.2"),
  storage: fc.constantFrom("none", "s3", "hdfs"),
  ha: fc.constantFrom("off", "kubernetes", "zookeeper"),
  streampark: fc.boolean(),
  hive: fc.boolean(),
  labelValue: fc.oneof(fc.constantFrom("1", "team"), fc.integer({ min: 0, max: 99 })),
});

function configOf(s: Shape): Record<string, unknown> {
  const flink1 = s.version !== "2.2";
  const durable = s.storage !== "none";
  const clusters = Object.fromEntries(
    Object.entries(s.clusters).map(([n, c]) => [
      n,
      {
        ...(c.ns ? { namespace: c.ns } : {}),
        jobManager: { cpu: c.cpu, memory: c.memory, ...(durable && s.ha !== "off" ? { replicas: 2 } : {}) },
        taskManager: { cpu: c.cpu, memory: c.memory, slots: c.slots },
      },
    ]),
  );
  return {
    flink: { version: s.version, clusters },
    storage: { type: s.storage },
    ha: { type: durable ? s.ha : "off" },
    streampark: { enabled: flink1 && s.streampark },
    hive: { enabled: flink1 && s.storage === "hdfs" && s.hive, warehouse: { store: "hdfs" } },
    monitoring: { monitorLabels: { release: "prometheus", tier: s.labelValue } },
  };
}

/** Names, labels and pod rules of every rendered object. */
function objectProblems(objects: ReturnType<typeof kubernetesObjects>): string[] {
  const problems: string[] = [];
  for (const o of objects) {
    const { name: objectName, namespace, labels = {} } = o.metadata;
    const where = `${o.kind} ${namespace ?? ""}/${objectName}`;
    if (!DNS_SUBDOMAIN.test(objectName) || objectName.length > 253) {
      problems.push(`${where}: name`);
    }
    if (
      ["Service", "Namespace"].includes(o.kind) &&
      (!DNS_LABEL.test(objectName) || objectName.length > 63)
    ) {
      problems.push(`${where}: ${o.kind} name must be a DNS label`);
    }
    for (const [key, value] of Object.entries(labels as Record<string, unknown>)) {
      if (
        typeof value !== "string" ||
        value.length > 63 ||
        !/^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/.test(value)
      ) {
        problems.push(`${where}: label ${key}=${String(value)}`);
      }
    }
  }
  return problems;
}

describe("config properties (fast-check)", function () {
  this.timeout(300000);

  it("accepts random valid configurations, and renders objects within the Kubernetes rules", async () => {
    await fc.assert(
      fc.asyncProperty(shape, async (s) => {
        const raw = configOf(s);
        const { resources } = await renderPlatform(parseConfig(raw));
        const objects = kubernetesObjects(resources);
        const problems = [
          ...objectProblems(objects),
          ...podsOf(resources).flatMap((pod) =>
            containersOf(pod).flatMap((c) => requestAboveLimit(c.resources).map((p) => `${pod.owner}: ${p}`)),
          ),
        ];
        assert.deepStrictEqual(problems, [], JSON.stringify(raw));
      }),
      { numRuns: 12, seed: 20261201 },
    );
  });

  /** Mistakes, each independent of the others, with the key its problem must name. */
  const mistakes: readonly { key: string; apply: (raw: any, cluster: string) => void }[] = [
    { key: "flink.version", apply: (raw) => (raw.flink.version = "constructor") },
    { key: "jobManager.cpu", apply: (raw, c) => (raw.flink.clusters[c].jobManager.cpu = "-1") },
    { key: "taskManager.memory", apply: (raw, c) => (raw.flink.clusters[c].taskManager.memory = "1 potato") },
    { key: "taskManager.slots", apply: (raw, c) => (raw.flink.clusters[c].taskManager.slots = 0) },
    {
      key: "ingress.host",
      apply: (raw, c) => (raw.flink.clusters[c].ingress = { enabled: true, host: "10.0.0.1" }),
    },
    {
      key: "flinkConfiguration",
      apply: (raw, c) =>
        (raw.flink.clusters[c].flinkConfiguration = { "fs.azure.account.key.acct": "hunter2" }),
    },
    { key: "storage.pathPrefix", apply: (raw) => (raw.storage.pathPrefix = "/abs//path") },
    { key: "platform.namespace", apply: (raw) => (raw.platform = { namespace: "Bad_Namespace" }) },
    { key: "monitoring.monitorLabels", apply: (raw) => (raw.monitoring.monitorLabels = { "bad key!": "x" }) },
  ];

  it("refuses random invalid configurations with one error naming every broken key", () => {
    fc.assert(
      fc.property(shape, fc.subarray([...mistakes.keys()], { minLength: 1, maxLength: 4 }), (s, picked) => {
        const raw = configOf(s) as any;
        const cluster = Object.keys(raw.flink.clusters)[0];
        for (const index of picked) {
          mistakes[index].apply(raw, cluster);
        }
        let error: unknown;
        try {
          parseConfig(raw);
        } catch (err) {
          error = err;
        }
        assert.ok(error instanceof ConfigError, `refused: ${JSON.stringify(raw)}`);
        const paths = error.problems.map((p) => p.path).join("\n");
        for (const index of picked) {
          assert.ok(paths.includes(mistakes[index].key), `${mistakes[index].key} named in:\n${paths}`);
        }
      }),
      { numRuns: 200, seed: 20261201 },
    );
  });
});
