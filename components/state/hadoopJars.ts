/**
 * The Hadoop client that Flink needs for hdfs:// paths; the official Flink images ship no Hadoop classes.
 * The shaded client (api + runtime) of Hadoop 3.4.1 is the smallest set that works with Flink 1.20 and 2.x on
 * Java 17 for hdfs:// paths; 3.3.x additionally needs commons-logging, and the old flink-shaded-hadoop uber jar
 * bundles unrelocated commons libraries. Hive's classes do need commons-logging beside it: the Hive catalog's jar set
 * adds it (components/hive/jars.ts). Fetched by an init container from the configured Maven repository and checked against these
 * SHA-256 sums (each also matches Maven Central's .sha1 of the same file).
 */
import { MavenJar } from "../kube/artifacts";

export const HADOOP_CLIENT_JARS: readonly MavenJar[] = [
  {
    groupId: "org.apache.hadoop",
    artifactId: "hadoop-client-api",
    version: "3.4.1",
    sha256: "a964d4daa054c9615bbafb4553efbb140fa7fb9ac6f358a24393f183a5703438",
  },
  {
    groupId: "org.apache.hadoop",
    artifactId: "hadoop-client-runtime",
    version: "3.4.1",
    sha256: "f6a800a159f918670db533606d33560d6c13b7e13f14eda493280ae33b9eeb2f",
  },
];
