/**
 * Jars of Flink on Hive, as Flink's documentation lists them for a Hive 3.1.x metastore with user-defined
 * dependencies: the connector built for Flink 1.20 (flink-connector-hive 3.0.0-1.20) and Hive's own client
 * classes. SHA-256 of each file as published on Maven Central (each also matches Maven Central's .sha1).
 */
import { MavenJar } from "../kube/artifacts";

export const HIVE_CONNECTOR_JARS: readonly MavenJar[] = [
  {
    groupId: "org.apache.flink",
    artifactId: "flink-connector-hive_2.12",
    version: "3.0.0-1.20",
    sha256: "e7ef02b6220f6388db2b1f9a60b4a4bc748fafd2e662d4e661dd525e2f90bd96",
  },
  {
    groupId: "org.apache.hive",
    artifactId: "hive-exec",
    version: "3.1.3",
    sha256: "de86f70a73d05070c01f902ed1293b5dfbc4c0fb4d2232d9e218dc7d13ff8d6a",
  },
  {
    groupId: "org.apache.thrift",
    artifactId: "libfb303",
    version: "0.9.3",
    sha256: "23fc397a42181b17bb7d0fada2213735ed8db38cfbf038d12b9c00ea7419e11b",
  },
  {
    groupId: "org.antlr",
    artifactId: "antlr-runtime",
    version: "3.5.2",
    sha256: "ce3fc8ecb10f39e9a3cddcbb2ce350d272d9cd3d0b1e18e6fe73c3b9389c8734",
  },
];
