import * as assert from "assert";
import { problemsOf } from "../../support/configProblems";
import { parseConfig } from "../../../components/config/parse";

describe("StreamPark", () => {
  describe("config errors", () => {
    it("rejects a Flink 2.x session cluster, naming the cluster's version key", () => {
      const problems = problemsOf({
        flink: { clusters: { session: {}, etl: { version: "2.1" }, ml: { version: "2.2" } } },
      });
      assert.deepStrictEqual(problems, [
        "streampark.enabled: StreamPark 2.1.7 supports Flink up to 1.20, but flink.clusters.etl.version is 2.1, " +
          "flink.clusters.ml.version is 2.2; set streampark.enabled: false, or run every session cluster on Flink 1.19 or 1.20",
      ]);
    });

    it("rejects Flink 2.x inherited from flink.version, and accepts it with StreamPark off", () => {
      const [problem] = problemsOf({ flink: { version: "2.0" } });
      assert.match(problem, /^streampark\.enabled: .*cluster 'session' inherits flink\.version 2\.0/);
      assert.doesNotThrow(() => parseConfig({ flink: { version: "2.0" }, streampark: { enabled: false } }));
      assert.doesNotThrow(() => parseConfig({ flink: { clusters: { a: { version: "1.19" }, b: {} } } }));
    });

    it("rejects an ingress without a host, too little memory and unusable names", () => {
      assert.deepStrictEqual(
        problemsOf({
          streampark: {
            ingress: { enabled: true },
            resources: { requests: { memory: "512Mi" }, limits: { memory: "768Mi" } },
          },
        }),
        [
          "streampark.ingress.host: required when the ingress is enabled",
          "streampark.resources.limits.memory: StreamPark's JVM needs at least 1Gi (its heap is half the limit)",
        ],
      );
      assert.match(
        problemsOf({ streampark: { database: { name: "stream-park" } } })[0],
        /^streampark\.database\.name: /,
      );
      assert.match(
        problemsOf({ streampark: { image: "apache/streampark" } })[0],
        /^streampark\.image: .*explicit tag/,
      );
      assert.match(problemsOf({ streampark: { enable: false } })[0], /^streampark\.enable: unknown key/);
    });
  });
});
