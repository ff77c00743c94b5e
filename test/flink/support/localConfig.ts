/**
 * The one place where the real-Flink suite changes what the platform renders before a local process reads it.
 * Everything else (checkpointing, state backend, storage URIs, HA storage, Hive catalog store, metrics reporter,
 * the SQL Gateway's and history server's own keys, container paths, in-cluster host names) reaches Flink exactly as
 * rendered: host names resolve through each local pod's /etc/hosts, paths are real inside its mount namespace.
 *
 * What changes, and why:
 * 1. Keys only a Kubernetes deployment reads are dropped: `kubernetes.*` (the operator's and Flink's Kubernetes
 *    integration: cluster id, namespace, pod templates, service types, the Hadoop ConfigMap name, whose mounting
 *    local pods do themselves) and `execution.target` of the Kubernetes targets. A process here is a standalone
 *    JobManager or TaskManager, which ignores them anyway; dropping them keeps the logs free of their warnings.
 * 2. Kubernetes HA (`high-availability.type: kubernetes`) needs the Kubernetes API for leader election; here it
 *    becomes ZooKeeper HA on the suite's ZooKeeper, under a root of its own. HA storage stays as rendered.
 * 3. The JobManager's address: in Kubernetes it is its pod's IP or Service; here every pod shares the loopback
 *    address, so `jobmanager.rpc.address` and `rest.address` are 127.0.0.1.
 * 4. Ports that every pod has on its own IP in Kubernetes would clash between processes sharing loopback (the
 *    Prometheus reporter's 9249, the metric query service's 6170, a second cluster's REST and RPC ports): the
 *    caller gives each process its own for those keys.
 * 5. External endpoints that cannot be reached from this sandbox (an external S3 endpoint such as AWS) point at the
 *    suite's own MinIO, with path-style access (the stand-in has no DNS for virtual-hosted bucket names).
 * 6. An application's `pipeline.jars` of `local://` (the job jar that Kubernetes application mode reads from
 *    the image) is handed to the standalone application JobManager as its `--jars` argument instead, the way
 *    Flink's standalone application mode takes a job jar (applicationJar() gives it).
 */

export interface LocalSettings {
  /** A JobManager or TaskManager of a cluster gets rule 3; the SQL Gateway and history server ("process") do not. */
  readonly role: "jobmanager" | "taskmanager" | "process";
  /** Flink key to the port this process uses instead (rule 4). */
  readonly ports?: Readonly<Record<string, number>>;
  /** ZooKeeper quorum that replaces Kubernetes HA (rule 2); required when the configuration has it. */
  readonly zookeeperQuorum?: string;
  /** S3 endpoint that replaces an endpoint outside the sandbox (rule 5). */
  readonly s3Endpoint?: string;
}

export interface LocalConfiguration {
  readonly conf: Record<string, string>;
  /** Each key changed, added or dropped, with the rule that did it: the suite logs these. */
  readonly changes: readonly string[];
}

const LOOPBACK = "127.0.0.1";

/** Hosts of endpoints that are in the cluster (or in this sandbox) and stay as rendered. */
function isInClusterEndpoint(endpoint: string): boolean {
  try {
    const host = new URL(endpoint).hostname;
    return host.endsWith(".svc") || host.includes(".svc.") || host === LOOPBACK || host === "localhost";
  } catch {
    return false;
  }
}

/** Apply rules 1-6 to one process's rendered configuration. */
export function localFlinkConfiguration(
  rendered: Readonly<Record<string, string>>,
  settings: LocalSettings,
): LocalConfiguration {
  const conf: Record<string, string> = {};
  const changes: string[] = [];
  for (const [key, value] of Object.entries(rendered)) {
    if (key.startsWith("kubernetes.") || (key === "execution.target" && value.startsWith("kubernetes-"))) {
      changes.push(`dropped ${key} (rule 1: Kubernetes only)`);
      continue;
    }
    conf[key] = value;
  }
  if (conf["high-availability.type"]?.toLowerCase() === "kubernetes") {
    if (!settings.zookeeperQuorum) {
      throw new Error("Kubernetes HA needs a ZooKeeper quorum to stand in for it (settings.zookeeperQuorum)");
    }
    conf["high-availability.type"] = "zookeeper";
    conf["high-availability.zookeeper.quorum"] = settings.zookeeperQuorum;
    conf["high-availability.zookeeper.path.root"] = "/kubernetes-ha-stand-in";
    changes.push("high-availability.type kubernetes -> zookeeper on the suite's ZooKeeper (rule 2)");
  }
  if (settings.role !== "process") {
    for (const key of ["jobmanager.rpc.address", "rest.address"]) {
      conf[key] = LOOPBACK;
      changes.push(`${key} = ${LOOPBACK} (rule 3: the pod's address)`);
    }
  }
  for (const [key, port] of Object.entries(settings.ports ?? {})) {
    conf[key] = String(port);
    changes.push(`${key} = ${port} (rule 4: a port of its own on the shared loopback)`);
  }
  const endpoint = conf["s3.endpoint"];
  if (endpoint !== undefined && !isInClusterEndpoint(endpoint)) {
    if (!settings.s3Endpoint) {
      throw new Error(`the S3 endpoint ${endpoint} is outside this sandbox: give settings.s3Endpoint`);
    }
    conf["s3.endpoint"] = settings.s3Endpoint;
    conf["s3.path.style.access"] = "true";
    changes.push(`s3.endpoint ${endpoint} -> ${settings.s3Endpoint}, path-style access (rule 5)`);
  }
  if (applicationJar(conf)) {
    changes.push(`pipeline.jars ${conf["pipeline.jars"]} -> the standalone entrypoint's --jars (rule 6)`);
    delete conf["pipeline.jars"];
  }
  return { conf, changes };
}

/** Rule 6: the path of an application's `local://` job jar in the image, or undefined. */
export function applicationJar(conf: Readonly<Record<string, string>>): string | undefined {
  const jars = conf["pipeline.jars"];
  return jars?.startsWith("local://") ? jars.slice("local://".length) : undefined;
}
