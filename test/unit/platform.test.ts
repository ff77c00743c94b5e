import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { parseConfig } from "../../components/config/parse";
import { FlinkPlatform } from "../../components/platform";
import { CHART, FLINK_DEPLOYMENT, ofType, recorded, renderRaw, settled } from "../support/mocks";

const NAMESPACE = "kubernetes:core/v1:Namespace";

describe("platform", () => {
  it("keeps every namespace on destroy unless data loss is allowed", async () => {
    // Retention is a resource option, which mocks do not record: a transformation sees it. The integration suite
    // asks the API server after a real destroy.
    for (const allowDataLoss of [false, true]) {
      const retained: Record<string, boolean | undefined> = {};
      recorded.length = 0;
      new FlinkPlatform(
        `ns-retention-${String(allowDataLoss)}`,
        {
          config: parseConfig({
            platform: { allowDataLoss },
            flink: { clusters: { a: {}, b: { namespace: "team-b" } } },
          }),
        },
        {
          transformations: [
            (args) => {
              if (args.type === NAMESPACE) {
                retained[args.props.metadata.name] = args.opts.retainOnDelete;
              }
              return undefined;
            },
          ],
        },
      );
      await settled();
      assert.deepStrictEqual(retained, { flink: !allowDataLoss, "team-b": !allowDataLoss });
    }
  });

  it("creates the platform namespace", async () => {
    const { resources } = await renderRaw({});
    const [ns] = ofType(resources, NAMESPACE);
    assert.strictEqual(ns.inputs.metadata.name, "flink");
  });

  it("uses existing namespaces when told to", async () => {
    const { resources } = await renderRaw({ platform: { createNamespaces: false } });
    assert.deepStrictEqual(ofType(resources, NAMESPACE), []);
    assert.strictEqual(ofType(resources, FLINK_DEPLOYMENT).length, 1);
  });

  it("builds several named clusters across namespaces and exports their URLs", async () => {
    const { platform, resources } = await renderRaw({
      // StreamPark drives Flink 1.x only.
      streampark: { enabled: false },
      flink: {
        clusters: {
          analytics: {},
          etl: {
            namespace: "etl",
            version: "2.1",
            ingress: { enabled: true, host: "etl.flink.example.com" },
          },
        },
      },
    });
    assert.deepStrictEqual(
      ofType(resources, NAMESPACE).map((r) => r.inputs.metadata.name),
      ["flink", "etl"],
    );
    assert.deepStrictEqual(
      ofType(resources, FLINK_DEPLOYMENT).map((r) => [r.inputs.metadata.name, r.inputs.spec.flinkVersion]),
      [
        ["analytics", "v1_20"],
        ["etl", "v2_1"],
      ],
    );
    assert.deepStrictEqual(platform.clusters, {
      analytics: { namespace: "flink", restUrl: "http://analytics-rest.flink.svc:8081" },
      etl: {
        namespace: "etl",
        restUrl: "http://etl-rest.etl.svc:8081",
        ingressUrl: "http://etl.flink.example.com/",
      },
    });
    assert.strictEqual(platform.operatorVersion, "1.15.0");
    assert.strictEqual(platform.namespace, "flink");
    const [chart] = ofType(resources, CHART);
    assert.deepStrictEqual(chart.inputs.values.watchNamespaces, ["flink", "etl"]);
  });

  it("fails on invalid config before registering any resource", async () => {
    recorded.length = 0;
    pulumi.runtime.setAllConfig({
      "flink-platform:flink": JSON.stringify({ clusters: { session: { jobManager: { replicas: 2 } } } }),
    });
    try {
      delete require.cache[require.resolve("../../index")];
      assert.throws(() => require("../../index"), /jobManager\.replicas: 2 JobManagers need HA/);
      await settled();
      assert.deepStrictEqual(recorded, []);
    } finally {
      pulumi.runtime.setAllConfig({});
    }
  });

  it("evaluates index.ts: an explicit provider, the platform, and its outputs", async () => {
    recorded.length = 0;
    pulumi.runtime.setAllConfig({
      "flink-platform:kubernetes": JSON.stringify({ context: "staging" }),
    });
    try {
      delete require.cache[require.resolve("../../index")];
      const program = require("../../index") as {
        namespace: string;
        clusters: Record<string, { restUrl: string }>;
      };
      await settled();
      const [provider] = ofType(recorded, "pulumi:providers:kubernetes");
      assert.strictEqual(provider.inputs.context, "staging");
      assert.strictEqual(program.namespace, "flink");
      assert.strictEqual(program.clusters.session.restUrl, "http://session-rest.flink.svc:8081");
      assert.strictEqual(ofType(recorded, FLINK_DEPLOYMENT).length, 1);
    } finally {
      pulumi.runtime.setAllConfig({});
    }
  });
});
