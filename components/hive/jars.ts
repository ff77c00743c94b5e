/**
 * Jars of Flink on Hive, as Flink's documentation lists them for a Hive 3.1.x metastore with user-defined
 * dependencies: the connector built for Flink 1.20 (flink-connector-hive 3.0.0-1.20) and Hive's own client
 * classes, plus two jars that the connector and hive-exec need at run time and that neither the official images nor
 * the Hadoop 3.4.1 shaded client (state/hadoopJars.ts) carry. SHA-256 of each file as published on Maven Central
 * (each also matches Maven Central's .sha1 of the same file).
 *
 * Checked on Java 17 with Flink 1.20.4's lib/ (PyPI apache-flink-libraries 1.20.4), then exactly these jars after the
 * Hadoop client, as the pods' classpath has them, against a Hive 3.1.3 standalone metastore: with the platform's
 * file catalog store, `USE CATALOG hive`, CREATE DATABASE, CREATE TABLE, a batch INSERT and a SELECT all ran.
 * Without commons-logging `USE CATALOG hive` fails on LogFactory; without flink-hadoop-compatibility, on HadoopUtils.
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
  // hive-exec 3.1.3's HiveConf logs through commons-logging (`HiveConf.<clinit>` calls LogFactory), which neither
  // hive-exec nor the Hadoop 3.4.1 shaded client nor flink-dist carries: without it `USE CATALOG hive` fails with
  // NoClassDefFoundError: org/apache/commons/logging/LogFactory. 1.2 is the version the check above ran with.
  {
    groupId: "commons-logging",
    artifactId: "commons-logging",
    version: "1.2",
    sha256: "daddea1ea0be0f56978ab3006b8ac92834afeefbd9b7e4e6316fca57df0fa636",
  },
  // The connector declares Flink's Hadoop compatibility layer `provided` and calls it when it creates the catalog
  // (org.apache.flink.api.java.hadoop.mapred.utils.HadoopUtils); flink-dist does not include it. 1.20.0 is the
  // version the connector's POM builds against (Maven Central serves no 1.20.4 of this artifact).
  {
    groupId: "org.apache.flink",
    artifactId: "flink-hadoop-compatibility_2.12",
    version: "1.20.0",
    sha256: "f208494f67d4d8aed813ac1ae1dc111fbb23e14021d342594991a35504dc6781",
  },
];
