/**
 * Benchmark (not a test): for every Pulumi.<stack>.yaml, how long the program takes to evaluate under Pulumi mocks,
 * how many resources it registers, and the CPU/memory it asks of the cluster.
 *
 *   npm run bench
 *
 * Footprint counts what runs from the start: every container the platform declares (Deployments, StatefulSets,
 * Jobs, the operator chart's pods) and each session cluster's JobManagers plus the TaskManagers its warm slots keep.
 * The operator gives Flink pods requests = limits = the configured cpu/memory. On-demand TaskManagers come and go
 * with jobs; the per-TaskManager size is printed beside the total.
 */
import { performance } from "perf_hooks";
import { parseConfig } from "../components/config/parse";
import { ResolvedSessionCluster } from "../components/flink/clusterSchema";
import {
  flinkMemoryBytes,
  kubernetesCpuCores,
  kubernetesMemoryBytes,
  MIB,
} from "../components/config/quantities";
import { readStackConfig, stackNames } from "../stacks/shared/stackFiles";
import { FLINK_DEPLOYMENT, ofType, RecordedResource, renderPlatform } from "../test/support/mocks";

interface Footprint {
  requestCpu: number;
  requestMemory: number;
  limitCpu: number;
  limitMemory: number;
}

interface ResourcesSpec {
  requests?: { cpu?: string; memory?: string };
  limits?: { cpu?: string; memory?: string };
}

function add(total: Footprint, resources: ResourcesSpec | undefined, count = 1) {
  total.requestCpu += count * (kubernetesCpuCores(resources?.requests?.cpu ?? "0") ?? 0);
  total.requestMemory += count * (kubernetesMemoryBytes(resources?.requests?.memory ?? "0") ?? 0);
  total.limitCpu += count * (kubernetesCpuCores(resources?.limits?.cpu ?? "0") ?? 0);
  total.limitMemory += count * (kubernetesMemoryBytes(resources?.limits?.memory ?? "0") ?? 0);
}

/** A Flink pod: the operator derives requests and limits from `resource`. */
function flinkPod(resource: { cpu: number; memory: string }): ResourcesSpec {
  const memory = `${Math.round((flinkMemoryBytes(resource.memory) ?? 0) / MIB)}Mi`;
  return { requests: { cpu: String(resource.cpu), memory }, limits: { cpu: String(resource.cpu), memory } };
}

function footprint(
  resources: readonly RecordedResource[],
  clusters: readonly ResolvedSessionCluster[],
): Footprint {
  const total: Footprint = { requestCpu: 0, requestMemory: 0, limitCpu: 0, limitMemory: 0 };
  for (const resource of resources) {
    const spec = resource.inputs.spec as
      | { replicas?: number; template?: { spec?: { containers?: Array<{ resources?: ResourcesSpec }> } } }
      | undefined;
    const containers = spec?.template?.spec?.containers ?? [];
    for (const container of containers) {
      add(total, container.resources, spec?.replicas ?? 1);
    }
  }
  for (const chart of ofType(resources, "kubernetes:helm.sh/v4:Chart")) {
    const values = chart.inputs.values as {
      operatorPod?: { resources?: ResourcesSpec; webhook?: { resources?: ResourcesSpec } };
      webhook?: { create?: boolean };
    };
    add(total, values.operatorPod?.resources);
    if (values.webhook?.create) {
      add(total, values.operatorPod?.webhook?.resources);
    }
  }
  for (const cluster of clusters) {
    add(total, flinkPod(cluster.jobManager), cluster.jobManager.replicas);
    add(total, flinkPod(cluster.taskManager), Math.ceil(cluster.warmSlots / cluster.taskManager.slots));
  }
  return total;
}

const gib = (bytes: number) => `${(bytes / 2 ** 30).toFixed(2)} GiB`;
const cores = (n: number) => `${n.toFixed(2)} cores`;

async function main() {
  const runs = Number(process.env.BENCH_RUNS ?? 5);
  for (const stack of stackNames()) {
    const raw = readStackConfig(stack);
    const times: number[] = [];
    let last: Awaited<ReturnType<typeof renderPlatform>> | undefined;
    let config = parseConfig(raw);
    for (let i = 0; i < runs; i++) {
      const start = performance.now();
      config = parseConfig(raw);
      last = await renderPlatform(config);
      times.push(performance.now() - start);
    }
    const resources = last?.resources ?? [];
    const total = footprint(resources, config.flink.clusters);
    const sorted = [...times].sort((a, b) => a - b);
    const perTm = config.flink.clusters.map(
      (c) => `${c.name}: ${c.taskManager.cpu} cpu / ${c.taskManager.memory}`,
    );
    console.log(`stack ${stack}`);
    console.log(
      `  evaluation under mocks: first ${times[0].toFixed(0)} ms, median ${sorted[Math.floor(runs / 2)].toFixed(0)} ms (${runs} runs)`,
    );
    console.log(
      `  resources registered: ${resources.length} (${ofType(resources, FLINK_DEPLOYMENT).length} FlinkDeployments)`,
    );
    console.log(`  requests: ${cores(total.requestCpu)}, ${gib(total.requestMemory)}`);
    console.log(`  limits:   ${cores(total.limitCpu)}, ${gib(total.limitMemory)}`);
    console.log(`  each on-demand TaskManager adds: ${perTm.join("; ")}`);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
