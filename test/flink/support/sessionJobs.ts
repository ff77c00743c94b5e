/**
 * A FlinkSessionJob submitted the way operator 1.15.0 submits one to its session cluster: the jar from `jarURI`
 * uploaded to the JobManager's REST endpoint, then run with the job's entry class, arguments and parallelism, its
 * `flinkConfiguration` as the job's configuration, and a savepoint to start from on an upgrade. The jar is the one
 * scripts/build-flink.sh fetched from that URI (checked by SHA-256), since nothing here reaches the network.
 */
import * as fs from "fs";
import * as path from "path";
import type { LocalFlinkCluster } from "./flinkCluster";
import { localFlinkConfiguration } from "./localConfig";
import { FLINK_BUILD } from "./localImages";
import type { RenderedObject } from "./renderStack";

/** The local copy of a job's https:// jar. */
export function localJobJar(jarURI: string): string {
  const file = path.join(FLINK_BUILD, "job-jars", path.basename(new URL(jarURI).pathname));
  if (!fs.existsSync(file)) {
    throw new Error(
      `${jarURI} was not fetched: run scripts/build-flink.sh (tools/flink/job-jars.txt pins it)`,
    );
  }
  return file;
}

/** Submit a rendered FlinkSessionJob to its cluster; returns the job id. */
export async function submitSessionJob(
  cluster: LocalFlinkCluster,
  sessionJob: RenderedObject,
  options: { fromSavepoint?: string } = {},
): Promise<string> {
  const spec = sessionJob.inputs.spec;
  if (spec.deploymentName !== cluster.name) {
    throw new Error(`session job ${sessionJob.name} runs on ${spec.deploymentName}, not ${cluster.name}`);
  }
  const job = spec.job;
  const jarId = await cluster.rest.uploadJar(localJobJar(job.jarURI));
  // The operator's own keys (kubernetes.operator.*) stay with it; the rest is the job's configuration.
  const { conf } = localFlinkConfiguration(spec.flinkConfiguration ?? {}, { role: "process" });
  return cluster.rest.runJar(jarId, {
    entryClass: job.entryClass,
    programArgsList: job.args ?? [],
    parallelism: job.parallelism,
    allowNonRestoredState: job.allowNonRestoredState,
    savepointPath: options.fromSavepoint,
    flinkConfiguration: conf,
  });
}
