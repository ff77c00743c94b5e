import * as assert from "assert";
import { emptyAdditions, mergeAdditions, PodAdditions } from "../../../components/kube/podAdditions";

const ARTIFACTS = { mavenRepository: "https://repo.example.com", fetcherImage: "curl:1", fetchJars: true };

const withEnv = (...env: Array<[string, string]>): PodAdditions => {
  const additions = emptyAdditions();
  additions.env.push(...env.map(([name, value]) => ({ name, value })));
  return additions;
};

describe("pod additions", () => {
  it("keep one entry of a variable two features set alike", () => {
    const merged = mergeAdditions(
      [withEnv(["HADOOP_USER_NAME", "flink"], ["A", "1"]), withEnv(["HADOOP_USER_NAME", "flink"])],
      ARTIFACTS,
    );
    assert.deepStrictEqual(merged.env, [
      { name: "HADOOP_USER_NAME", value: "flink" },
      { name: "A", value: "1" },
    ]);
  });

  it("refuse two features setting one variable differently", () => {
    assert.throws(
      () =>
        mergeAdditions(
          [withEnv(["HADOOP_USER_NAME", "flink"]), withEnv(["HADOOP_USER_NAME", "hive"])],
          ARTIFACTS,
        ),
      /two features set "HADOOP_USER_NAME" differently/,
    );
  });
});
