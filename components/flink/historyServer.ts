/**
 * Flink's HistoryServer over the archives of finished jobs: every session cluster and application archives to
 * `completed-jobs` in its state folder on the durable store (`jobmanager.archive.fs.dir`), and the history server
 * reads all those folders. Pure: the configuration and the process args; `FlinkProcess` runs it.
 */
import type { ArtifactSettings, PodAdditions } from "../kube/podAdditions";
import type { ContainerResources } from "../kube/resources";
import type { IngressSettings } from "../kube/ingress";
import type { FlinkProcessArgs } from "./flinkProcessDeployment";
import { HISTORY_SERVER_NAME, HISTORY_SERVER_PORT } from "./jobServices";
import type { FlinkRelease } from "./versions";

/** The `flink.historyServer` settings. */
export interface HistoryServerSettings {
  /** Finished jobs kept; the history server deletes older archives. Default 500. */
  readonly retainedJobs: number;
  /** How often it looks for new archives, a Flink duration. Default "10 s". */
  readonly refreshInterval: string;
  readonly resources: ContainerResources;
  readonly ingress: IngressSettings;
}

const DURATION_UNITS_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1000,
  min: 60000,
  h: 3600000,
  d: 86400000,
};

/** A Flink duration ("10 s") in milliseconds: the refresh interval is a number of ms on 1.19 and a duration later, and both read a bare number as ms. */
export function durationMillis(duration: string): number {
  const match = /^(\d+)\s*(ms|s|min|h|d)$/.exec(duration.trim());
  if (!match) {
    throw new Error(`not a Flink duration: ${duration}`);
  }
  return Number(match[1]) * DURATION_UNITS_MS[match[2]];
}

/** The history server's Flink configuration over the archive folders. */
export function historyServerConfiguration(
  archiveDirs: readonly string[],
  settings: Pick<HistoryServerSettings, "retainedJobs" | "refreshInterval">,
): Record<string, string> {
  return {
    "historyserver.web.address": "0.0.0.0",
    "historyserver.web.port": String(HISTORY_SERVER_PORT),
    "historyserver.web.tmpdir": "/tmp/flink-history",
    "historyserver.archive.fs.dir": [...archiveDirs].sort().join(","),
    "historyserver.archive.fs.refresh-interval": String(durationMillis(settings.refreshInterval)),
    "historyserver.archive.retained-jobs": String(settings.retainedJobs),
  };
}

/** What `FlinkProcess` needs to run the history server. */
export function historyServerProcessArgs(args: {
  readonly namespace: string;
  readonly release: FlinkRelease;
  readonly image: string;
  readonly archiveDirs: readonly string[];
  readonly settings: HistoryServerSettings;
  readonly additions: readonly PodAdditions[];
  readonly artifacts: ArtifactSettings;
}): FlinkProcessArgs {
  return {
    objectName: HISTORY_SERVER_NAME,
    namespace: args.namespace,
    component: "flink-history-server",
    instance: HISTORY_SERVER_NAME,
    release: args.release,
    image: args.image,
    // The image's entrypoint command for the HistoryServer.
    args: ["history-server"],
    port: HISTORY_SERVER_PORT,
    // The web UI's overview of archived jobs; it answers as soon as the server listens.
    probePath: "/config",
    configuration: historyServerConfiguration(args.archiveDirs, args.settings),
    additions: args.additions,
    resources: args.settings.resources,
    ingress: args.settings.ingress,
    artifacts: args.artifacts,
  };
}
