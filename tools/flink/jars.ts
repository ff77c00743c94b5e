/**
 * What scripts/build-flink.sh needs from the platform's own TypeScript, read at build time so that the build follows
 * the code (never a copy of a list):
 *
 *   platform-fetch-script <targetDir>  the platform's own jar fetch script (components/kube/artifacts.ts
 *                                      jarFetchScript) for every jar the platform's pods fetch with their init
 *                                      containers, writing into <targetDir>
 *   platform-jars                      the same jars, one "<file name> <sha256> <maven path>" a line
 *   job-jar-uris                       every http(s):// jarURI a stack file names (session jobs and application
 *                                      deployments), one a line, sorted, without duplicates
 *   summary                            in one run, for the build's stamp: "[platform-jars]", the platform-jars
 *                                      lines, "[platform-fetch-script]", the SHA-256 of the fetch script's text,
 *                                      "[job-jar-uris]", the job-jar-uris lines
 *
 * Run with `npx ts-node --transpile-only tools/flink/jars.ts <command>` from the project root.
 */
import { createHash } from "crypto";
import { jarFetchScript, jarFileName, MavenJar, mavenPath } from "../../components/kube/artifacts";
import { HIVE_CONNECTOR_JARS } from "../../components/hive/jars";
import { HADOOP_CLIENT_JARS } from "../../components/state/hadoopJars";
import { JMX_EXPORTER_JAR } from "../../components/flink/jobServices";
import { MYSQL_CONNECTOR_J } from "../../components/mysql/driver";
import { readStackConfig, stackNames } from "../../stacks/shared/stackFiles";

/** Every jar a platform pod fetches, once each, in a stable order (a jar used by two parts is fetched once). */
function platformJars(): MavenJar[] {
  const byPath = new Map<string, MavenJar>();
  for (const jar of [...HIVE_CONNECTOR_JARS, ...HADOOP_CLIENT_JARS, JMX_EXPORTER_JAR, MYSQL_CONNECTOR_J]) {
    const seen = byPath.get(mavenPath(jar));
    if (seen && seen.sha256 !== jar.sha256) {
      throw new Error(
        `${mavenPath(jar)} is pinned twice with different SHA-256 (${seen.sha256}, ${jar.sha256})`,
      );
    }
    byPath.set(mavenPath(jar), jar);
  }
  return [...byPath.values()];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** jarURIs of `flink.clusters.<c>.jobs.<j>` and `flink.applications.<a>.job` in every stack file. */
function jobJarUris(): string[] {
  const uris = new Set<string>();
  for (const stack of stackNames()) {
    const flink = readStackConfig(stack).flink;
    if (!isObj(flink)) continue;
    const jobs: unknown[] = [];
    for (const cluster of Object.values(isObj(flink.clusters) ? flink.clusters : {})) {
      if (isObj(cluster) && isObj(cluster.jobs)) jobs.push(...Object.values(cluster.jobs));
    }
    for (const app of Object.values(isObj(flink.applications) ? flink.applications : {})) {
      if (isObj(app)) jobs.push(app.job);
    }
    for (const job of jobs) {
      if (isObj(job) && typeof job.jarURI === "string" && /^https?:\/\//i.test(job.jarURI))
        uris.add(job.jarURI);
    }
  }
  return [...uris].sort();
}

function main(argv: string[]): void {
  const [command, ...rest] = argv;
  switch (command) {
    case "platform-fetch-script":
      if (rest.length !== 1) throw new Error("usage: platform-fetch-script <targetDir>");
      process.stdout.write(jarFetchScript(platformJars(), rest[0]));
      return;
    case "platform-jars":
      for (const jar of platformJars()) console.log(`${jarFileName(jar)} ${jar.sha256} ${mavenPath(jar)}`);
      return;
    case "job-jar-uris":
      for (const uri of jobJarUris()) console.log(uri);
      return;
    case "summary":
      console.log("[platform-jars]");
      for (const jar of platformJars()) console.log(`${jarFileName(jar)} ${jar.sha256} ${mavenPath(jar)}`);
      console.log("[platform-fetch-script]");
      console.log(createHash("sha256").update(jarFetchScript(platformJars(), "/target")).digest("hex"));
      console.log("[job-jar-uris]");
      for (const uri of jobJarUris()) console.log(uri);
      return;
    default:
      throw new Error(
        `unknown command '${command ?? ""}' (platform-fetch-script, platform-jars, job-jar-uris, summary)`,
      );
  }
}

main(process.argv.slice(2));
