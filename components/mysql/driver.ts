/**
 * MySQL Connector/J, the JDBC driver that images leave out (its GPL license keeps it out of Apache releases). Parts
 * that talk JDBC to MySQL fetch it with the platform's jar fetcher (components/kube/artifacts.ts) from
 * `platform.artifacts.mavenRepository`, which refuses any file whose SHA-256 differs from the one pinned here.
 */
import { MavenJar } from "../kube/artifacts";

/**
 * Connector/J 9.7.0: compiled for Java 8 (StreamPark's runtime), supports MySQL 8.0 and later. Maven Central publishes
 * SHA-1 only; this SHA-256 was computed from the jar whose SHA-1 matched Central's.
 */
export const MYSQL_CONNECTOR_J: MavenJar = Object.freeze({
  groupId: "com.mysql",
  artifactId: "mysql-connector-j",
  version: "9.7.0",
  sha256: "0353648eaa1c91e0f4020c959abf756bc866ffd583df22ae6b6f6e0cbd43eb44",
});
