/**
 * The real-Flink suite: every stack file's clusters, and one Flink 2.x run, with real Flink processes and real
 * backing services on this machine (npm run test:flink). The stacks run one after the other; the checks across all
 * runs (metric names, alert rules under promtool) come last.
 */
import type { StackRecording } from "./support/metrics";
import { devSuite } from "./stacks/dev";
import { managedMinioSuite } from "./stacks/managedMinio";
import { prodSuite } from "./stacks/prod";
import { recordedMetricsSuite } from "./stacks/recordedMetrics";
import { stagingSuite } from "./stacks/staging";

const recordings: StackRecording[] = [];

describe("real Flink", () => {
  const only = process.env.REAL_FLINK_STACKS?.split(",");
  const suites: Record<string, (r: StackRecording[]) => void> = {
    dev: devSuite,
    staging: stagingSuite,
    prod: prodSuite,
    "dev+minio": managedMinioSuite,
  };
  for (const [name, suite] of Object.entries(suites)) {
    if (!only || only.includes(name)) {
      suite(recordings);
    }
  }
  recordedMetricsSuite(recordings);
});
