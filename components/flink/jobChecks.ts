/**
 * Cross-field checks of the jobs the operator runs (session jobs and applications), the SQL Gateways and the
 * history server, against the rules of operator 1.15.0: the jar URI schemes it fetches, the upgrade modes that need
 * a durable store or HA, names it accepts, parallelism within what the cluster's configuration allows, and a jar of
 * Flink's own built for the cluster's Flink line. Pure.
 */
import { clusterName } from "../config/primitives";
import type { ConfigProblem } from "../config/problems";
import { ingressHostProblems } from "../config/resourceSchemas";
import type { FlinkClusterSpecInput, ResolvedApplication, ResolvedSessionCluster } from "./clusterSchema";
import { flinkArtifactOf } from "./jobArtifacts";
import type { ResolvedJob } from "./jobSchema";
import { flinkRelease } from "./versions";

/** A cluster's config as written: whether it names its own Flink version. */
interface ClusterVersionLike {
  readonly version?: string;
}

/**
 * What the job checks read beyond the clusters: the kinds of store and HA, the history server, and which clusters
 * name their own Flink version (the key to change in a message).
 */
export interface JobChecksInput {
  readonly storage: { readonly type: string };
  readonly ha: { readonly type: string };
  readonly flink: {
    readonly historyServer: { readonly enabled: boolean; readonly ingress: IngressLike };
    readonly clusters: Readonly<Record<string, ClusterVersionLike>>;
    readonly applications: Readonly<Record<string, ClusterVersionLike>>;
  };
}

interface IngressLike {
  readonly enabled: boolean;
  readonly host?: string;
}

/** Where a job runs: a session job is fetched by the operator, an application's jar by its JobManager. */
type JobKind = "session" | "application";

/** The jar URI schemes each kind of job accepts, and why. */
const JAR_SCHEMES: Readonly<Record<JobKind, { schemes: readonly string[]; why: string }>> = {
  // FlinkSessionJob jars are downloaded by the operator, which 1.15 limits to https
  // (kubernetes.operator.user.artifacts.allowed-schemes) unless its own image carries other filesystems.
  session: { schemes: ["https"], why: "operator 1.15 fetches session job jars over https only" },
  // Application mode runs the jar from the image (local://) or lets Flink fetch it at start.
  application: { schemes: ["local", "https"], why: "applications run a jar from the image or an https URL" },
};

/** Hosts the operator refuses to fetch from (1.15 `disallow-restricted-hosts`): loopback, private, in-cluster. */
function restrictedHost(host: string): boolean {
  const name = host.toLowerCase().replace(/^\[|\]$/g, "");
  if (name === "localhost" || name.endsWith(".local") || name.endsWith(".svc") || !name.includes(".")) {
    return true;
  }
  const ipv4 = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(name)?.slice(1).map(Number);
  if (ipv4) {
    const [a, b] = ipv4;
    return (
      a === 10 ||
      a === 127 ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 169 && b === 254)
    );
  }
  return name.includes(":"); // an IPv6 literal: the operator resolves it like any host; refuse rather than guess.
}

/** The problems of a job's jar URI. */
function jarProblems(job: ResolvedJob, kind: JobKind, at: string): ConfigProblem[] {
  const { schemes, why } = JAR_SCHEMES[kind];
  const match = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)(.*)$/i.exec(job.jarURI);
  if (!match) {
    return [
      {
        path: `${at}.jarURI`,
        message: `must be a URI such as ${schemes.map((s) => `${s}://...`).join(" or ")}`,
      },
    ];
  }
  const [, scheme, host, path] = match;
  if (!schemes.includes(scheme.toLowerCase())) {
    return [
      { path: `${at}.jarURI`, message: `scheme '${scheme}' is not accepted: ${why} (${schemes.join(", ")})` },
    ];
  }
  if (!/\.jar$/i.test(path.replace(/[?#].*$/, ""))) {
    return [{ path: `${at}.jarURI`, message: "must name a .jar file" }];
  }
  if (kind === "session" && restrictedHost(host.replace(/:\d+$/, ""))) {
    return [
      {
        path: `${at}.jarURI`,
        message: `host '${host}' is loopback, private or in-cluster, which operator 1.15 refuses to fetch from; serve the jar from a public https host or build it into the image and use an application`,
      },
    ];
  }
  return [];
}

/**
 * A jar of Flink's own built for another Flink line than the cluster's, which the operator would accept and the job
 * would then fail on with NoClassDefFoundError. Refused rather than warned about: the config alone decides it, the
 * fix is the artifact's release for the cluster's line, and `pulumi up` would otherwise wait out its timeout on a job
 * that never becomes stable. `versionKey` is where the cluster's version is set.
 */
function artifactLineProblems(
  job: ResolvedJob,
  cluster: Pick<FlinkClusterSpecInput, "version">,
  versionKey: string,
  at: string,
): ConfigProblem[] {
  const artifact = flinkArtifactOf(job.jarURI);
  if (!artifact || !flinkRelease(cluster.version) || artifact.line === cluster.version) {
    return [];
  }
  return [
    {
      path: `${at}.jarURI`,
      message:
        `${artifact.artifact} ${artifact.version} is built for Flink ${artifact.line}, and the cluster runs Flink ` +
        `${cluster.version} (${versionKey}): a jar of Flink's own runs only on its Flink line; use the ` +
        `artifact's release for ${cluster.version}, or set ${versionKey} to ${artifact.line}`,
    },
  ];
}

/** The problems of a job's upgrade mode against the platform's store and HA. */
function upgradeModeProblems(job: ResolvedJob, parsed: JobChecksInput, at: string): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (job.upgradeMode !== "stateless" && parsed.storage.type === "none") {
    problems.push({
      path: `${at}.upgradeMode`,
      message: `${job.upgradeMode} keeps state in savepoints and checkpoints, which need a durable store; set storage.type or upgradeMode: stateless`,
    });
  }
  if (job.upgradeMode === "last-state" && parsed.ha.type === "off") {
    problems.push({
      path: `${at}.upgradeMode`,
      message:
        "last-state restores from the checkpoint HA metadata points at; set ha.type (kubernetes or zookeeper) or use upgradeMode: savepoint",
    });
  }
  return problems;
}

/** A positive integer Flink key of a cluster's configuration, when the user set one. */
function integerKey(cluster: FlinkClusterSpecInput, key: string): number | undefined {
  const value = cluster.flinkConfiguration[key];
  const number = typeof value === "number" ? value : typeof value === "string" ? Number(value.trim()) : NaN;
  return Number.isInteger(number) && number > 0 ? number : undefined;
}

/** Parallelism against the limits a cluster's configuration makes knowable. */
function parallelismProblems(
  cluster: FlinkClusterSpecInput,
  clusterAt: string,
  jobs: ReadonlyArray<[at: string, job: ResolvedJob]>,
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const maxParallelism = integerKey(cluster, "pipeline.max-parallelism");
  for (const [at, job] of jobs) {
    if (maxParallelism !== undefined && job.parallelism !== undefined && job.parallelism > maxParallelism) {
      problems.push({
        path: `${at}.parallelism`,
        message: `${job.parallelism} is above the cluster's pipeline.max-parallelism (${maxParallelism})`,
      });
    }
  }
  // Native clusters start TaskManagers on demand, so slots are bounded only when the user caps them.
  const maxSlots = integerKey(cluster, "slotmanager.number-of-slots.max");
  const running = jobs.filter(([, job]) => job.state === "running");
  const wanted = running.reduce((sum, [, job]) => sum + (job.parallelism ?? 1), 0);
  if (maxSlots !== undefined && wanted > maxSlots && running.length > 0) {
    problems.push({
      path: clusterAt,
      message: `its running jobs need ${wanted} slots, above slotmanager.number-of-slots.max (${maxSlots}); lower their parallelism or raise the cap`,
    });
  }
  return problems;
}

/** Where a cluster's Flink version is set: its own key when it names one, else the area's default. */
function versionKey(own: ClusterVersionLike | undefined, at: string): string {
  return own?.version !== undefined ? `${at}.version` : "flink.version";
}

/** The problems of one job (session job or application job) under `at`, on `cluster`. */
function jobProblemsAt(
  job: ResolvedJob,
  kind: JobKind,
  parsed: JobChecksInput,
  at: string,
  cluster: { readonly spec: Pick<FlinkClusterSpecInput, "version">; readonly versionKey: string },
): ConfigProblem[] {
  const jar = jarProblems(job, kind, at);
  return [
    ...jar,
    // A jar URI that is already wrong says nothing reliable about its Flink line.
    ...(jar.length === 0 ? artifactLineProblems(job, cluster.spec, cluster.versionKey, at) : []),
    ...upgradeModeProblems(job, parsed, at),
  ];
}

/** Cross-field checks of every job, SQL Gateway and the history server. */
export function jobProblems(
  parsed: JobChecksInput,
  clusters: readonly ResolvedSessionCluster[],
  applications: readonly ResolvedApplication[],
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const cluster of clusters) {
    const at = `flink.clusters.${cluster.name}`;
    const runsOn = { spec: cluster, versionKey: versionKey(parsed.flink.clusters[cluster.name], at) };
    const jobs = Object.entries(cluster.jobs).map(
      ([name, job]) => [`${at}.jobs.${name}`, job] as [string, ResolvedJob],
    );
    for (const [jobAt, job] of jobs) {
      const name = clusterName.safeParse(jobAt.slice(`${at}.jobs.`.length));
      if (!name.success) {
        problems.push({
          path: jobAt,
          message: `invalid job name: ${name.error.issues.map((i) => i.message).join("; ")}`,
        });
      }
      problems.push(...jobProblemsAt(job, "session", parsed, jobAt, runsOn));
    }
    problems.push(...parallelismProblems(cluster, at, jobs));
    if (cluster.sqlGateway.enabled) {
      problems.push(...ingressHostProblems(cluster.sqlGateway.ingress, `${at}.sqlGateway.ingress`));
    }
  }
  for (const application of applications) {
    const at = `flink.applications.${application.name}`;
    const runsOn = {
      spec: application,
      versionKey: versionKey(parsed.flink.applications[application.name], at),
    };
    problems.push(...jobProblemsAt(application.job, "application", parsed, `${at}.job`, runsOn));
    problems.push(...parallelismProblems(application, at, [[`${at}.job`, application.job]]));
    if (application.jobManager.replicas > 1 && parsed.ha.type === "off") {
      problems.push({
        path: `${at}.jobManager.replicas`,
        message: `${application.jobManager.replicas} JobManagers need HA (standby JobManagers find the leader through it); set ha.type to kubernetes or zookeeper, or set replicas to 1`,
      });
    }
  }
  const history = parsed.flink.historyServer;
  if (history.enabled) {
    if (parsed.storage.type === "none") {
      problems.push({
        path: "flink.historyServer.enabled",
        message:
          "the history server reads the archives of finished jobs from the durable store; set storage.type or turn it off",
      });
    }
    problems.push(...ingressHostProblems(history.ingress, "flink.historyServer.ingress"));
  }
  return problems;
}
