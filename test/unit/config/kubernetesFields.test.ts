/**
 * Kubernetes' field rules, checked where config reaches them: names, label and annotation keys and values, ingress
 * classes and hosts, Secret keys, quantities, ports; look-ups by user-given keys; credentials in URLs; MySQL names.
 */
import * as assert from "assert";
import { parseConfig } from "../../../components/config/parse";
import { problemsOf } from "../../support/configProblems";

const ingress = (settings: Record<string, unknown>) => ({
  streampark: { ingress: { enabled: true, host: "sp.example.com", ...settings } },
});

describe("config: Kubernetes field rules", () => {
  it("refuses ingress hosts that are IP addresses or not DNS names, and bad ingress classes", () => {
    assert.match(
      problemsOf(ingress({ host: "10.0.0.1" }))[0],
      /^streampark\.ingress\.host: must be a DNS name, not an IP/,
    );
    assert.match(
      problemsOf(ingress({ host: `${"a".repeat(64)}.example.com` }))[0],
      /^streampark\.ingress\.host: /,
    );
    assert.match(problemsOf(ingress({ host: "UI.example.com" }))[0], /^streampark\.ingress\.host: /);
    assert.match(problemsOf(ingress({ className: "Nginx!" }))[0], /^streampark\.ingress\.className: /);
    assert.doesNotThrow(() =>
      parseConfig(
        ingress({ className: "nginx", annotations: { "nginx.ingress.kubernetes.io/ssl-redirect": true } }),
      ),
    );
  });

  it("refuses annotation and label keys Kubernetes refuses", () => {
    assert.match(
      problemsOf(ingress({ annotations: { "bad key": "x" } }))[0],
      /^streampark\.ingress\.annotations\.bad key: /,
    );
    assert.match(
      problemsOf({ monitoring: { monitorLabels: { "-x": "y" } } })[0],
      /^monitoring\.monitorLabels\.-x: /,
    );
    assert.match(problemsOf({ monitoring: { monitorLabels: { release: "a b" } } })[0], /label value/);
  });

  it("refuses storage classes, Secret names and keys Kubernetes refuses", () => {
    assert.match(
      problemsOf({ mysql: { storage: { storageClass: "Fast_SSD" } } })[0],
      /^mysql\.storage\.storageClass: /,
    );
    const external = (secret: Record<string, unknown>) => ({
      storage: {
        type: "s3",
        s3: { mode: "external", external: { endpoint: "https://s3.example.com", credentialsSecret: secret } },
      },
    });
    assert.match(problemsOf(external({ name: "S3" }))[0], /credentialsSecret\.name: /);
    assert.match(
      problemsOf(external({ name: "s3", accessKeyKey: "access key" }))[0],
      /credentialsSecret\.accessKeyKey: /,
    );
  });

  it("refuses quantities of zero and ports out of range", () => {
    assert.match(problemsOf({ mysql: { storage: { size: "0Gi" } } })[0], /greater than zero/);
    assert.match(problemsOf({ operator: { resources: { requests: { cpu: "0" } } } })[0], /greater than zero/);
    assert.match(
      problemsOf({
        mysql: { mode: "external", external: { host: "db", port: 70000, adminSecret: { name: "a" } } },
      })[0],
      /^mysql\.external\.port: must be at most 65535/,
    );
  });

  it("never looks a user-given key up on Object's prototype", () => {
    for (const version of ["constructor", "__proto__", "toString"]) {
      assert.match(
        problemsOf({ flink: { version } }).join("\n"),
        /^flink\.version: Flink '.*' is not accepted/m,
        version,
      );
    }
  });

  it("refuses credentials in any URL of the config", () => {
    assert.deepStrictEqual(
      problemsOf({
        platform: { artifacts: { mavenRepository: "https://bob:hunter2@maven.example.com/m2" } },
      }),
      [
        "platform.artifacts.mavenRepository: holds credentials in a URL (user:password@); keep them in a Secret",
      ],
    );
    assert.deepStrictEqual(
      problemsOf({
        flink: { clusters: { session: { flinkConfiguration: { "my.sink.url": "jdbc:mysql://u:p@db/x" } } } },
      }),
      [
        "flink.clusters.session.flinkConfiguration.my.sink.url: holds credentials in a URL (user:password@); keep them in a Secret",
      ],
    );
  });

  it("never lets two parts share a MySQL database or user", () => {
    assert.deepStrictEqual(
      problemsOf({
        hive: { enabled: true, user: "streampark", database: "streampark" },
        storage: { type: "hdfs" },
      }),
      [
        "hive.database: 'streampark' is already streampark.database.name; every part needs a MySQL database of its own",
        "hive.user: 'streampark' is already streampark.database.user; every part needs a MySQL user of its own",
      ],
    );
  });
});
