/**
 * Ports written inside text (an HDFS defaultFS, a ZooKeeper quorum, a URL) are TCP ports, 1 to 65535: a port
 * Kubernetes would refuse in a NetworkPolicy, or no client could reach, is refused by its key.
 */
import * as assert from "assert";
import { hostPortProblem, portProblem, urlPortProblem } from "../../../components/config/endpoints";
import { parseConfig } from "../../../components/config/parse";
import { problemsOf } from "../../support/configProblems";

const hdfs = (defaultFS: string) => ({
  storage: { type: "hdfs", hdfs: { mode: "external", external: { defaultFS } } },
});
const zookeeper = (quorum: string) => ({
  storage: { type: "s3" },
  ha: { type: "zookeeper", zookeeper: { mode: "external", external: { quorum } } },
});
const s3Endpoint = (endpoint: string) => ({
  storage: {
    type: "s3",
    s3: { mode: "external", external: { endpoint, credentialsSecret: { name: "s3-credentials" } } },
  },
});

describe("config: host and port endpoints", () => {
  it("reads a port as digits from 1 to 65535", () => {
    for (const good of ["1", "2181", "65535"]) {
      assert.strictEqual(portProblem(good), undefined, good);
    }
    for (const bad of ["0", "65536", "70000", "", "abc", "-1", "80.5", "123456"]) {
      assert.strictEqual(portProblem(bad), `port '${bad}' is not a number from 1 to 65535`, bad);
    }
    assert.strictEqual(hostPortProblem("nn", { portRequired: false }), undefined);
    assert.strictEqual(hostPortProblem("nn", { portRequired: true }), "'nn' has no port");
    assert.strictEqual(hostPortProblem("10.0.0.7:2181", { portRequired: true }), undefined);
    assert.strictEqual(
      hostPortProblem("nn_1:8020", { portRequired: true }),
      "'nn_1' is not a host name or IPv4 address",
    );
    assert.strictEqual(
      urlPortProblem("https://u@s3.example:0/x"),
      "port '0' is not a number from 1 to 65535",
    );
    assert.strictEqual(urlPortProblem("http://[::1]:9000"), undefined);
    assert.strictEqual(urlPortProblem("https://s3.example/a:b"), undefined);
  });

  it("refuses an HDFS defaultFS whose port is above 65535, 0 or not a number", () => {
    for (const port of ["70000", "0", "http", ""]) {
      assert.deepStrictEqual(problemsOf(hdfs(`hdfs://nn:${port}`)), [
        `storage.hdfs.external.defaultFS: must look like hdfs://<namenode>[:port], e.g. hdfs://namenode.example:8020: in 'nn:${port}', port '${port}' is not a number from 1 to 65535`,
      ]);
    }
    assert.match(problemsOf(hdfs("hdfs://nn:8020/data"))[0], /: it has a path after the NameNode$/);
    assert.match(problemsOf(hdfs("s3a://nn:8020"))[0], /: the scheme is not hdfs:\/\/$/);
    // A port of its own, the default port, or an HA nameservice.
    for (const defaultFS of ["hdfs://namenode.example:8020", "hdfs://10.1.2.3:9000", "hdfs://nameservice1"]) {
      assert.doesNotThrow(() => parseConfig(hdfs(defaultFS)), defaultFS);
    }
  });

  it("refuses a ZooKeeper quorum member whose port is above 65535, 0, not a number or missing", () => {
    assert.deepStrictEqual(problemsOf(zookeeper("zk-0.zk:2181,zk-1.zk:70000,zk-2.zk:0")), [
      "ha.zookeeper.external.quorum: must be host:port[,host:port...], e.g. zk-0.zk:2181,zk-1.zk:2181: " +
        "in 'zk-1.zk:70000', port '70000' is not a number from 1 to 65535; in 'zk-2.zk:0', port '0' is not a number from 1 to 65535",
    ]);
    assert.match(problemsOf(zookeeper("zk-0.zk:2181,zk-1.zk"))[0], /: 'zk-1\.zk' has no port$/);
    assert.match(problemsOf(zookeeper("zk-0.zk:21x1"))[0], /port '21x1' is not a number from 1 to 65535$/);
    assert.doesNotThrow(() => parseConfig(zookeeper("zk-0.zk:2181,zk-1.zk:2181,10.0.0.9:2182")));
  });

  it("refuses a URL whose port is above 65535, 0 or not a number, saying so", () => {
    for (const port of ["70000", "0", "9o00"]) {
      assert.deepStrictEqual(problemsOf(s3Endpoint(`https://s3.example:${port}`)), [
        `storage.s3.external.endpoint: must be a URL (^https?$): port '${port}' is not a number from 1 to 65535`,
      ]);
    }
    assert.deepStrictEqual(
      problemsOf({ platform: { artifacts: { mavenRepository: "https://maven:0/m2" } } }),
      [
        "platform.artifacts.mavenRepository: must be a URL (^https?$): port '0' is not a number from 1 to 65535",
      ],
    );
    assert.deepStrictEqual(problemsOf(s3Endpoint("minio.storage:9000")), [
      "storage.s3.external.endpoint: must be a URL (^https?$)",
    ]);
    assert.doesNotThrow(() => parseConfig(s3Endpoint("http://minio.storage:9000")));
  });
});
