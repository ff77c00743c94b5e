/**
 * The metric names the platform's dashboards and alert rules may use, per exporter, with where each list comes from.
 * A unit test parses every PromQL expression the platform ships and fails on a name that is not listed here, so a
 * typo or a metric that an exporter does not emit (any more) is caught before it reaches Grafana as an empty panel.
 *
 * Only series that every supported version emits are listed (Flink 1.19-2.2, operator 1.15.0, the pinned service
 * images); a name that exists in one version only does not belong here.
 */

export type MetricType = "gauge" | "counter" | "summary" | "histogram";

export interface MetricFamily {
  readonly name: string;
  readonly type: MetricType;
}

export interface MetricCatalogue {
  /** Where the names come from (source files, documentation), for whoever updates the list. */
  readonly source: string;
  readonly families: readonly MetricFamily[];
}

export const gauges = (names: readonly string[]): MetricFamily[] =>
  names.map((name) => ({ name, type: "gauge" }));
export const counters = (names: readonly string[]): MetricFamily[] =>
  names.map((name) => ({ name, type: "counter" }));
export const summaries = (names: readonly string[]): MetricFamily[] =>
  names.map((name) => ({ name, type: "summary" }));

/** The series a family shows up as in the Prometheus text format. */
export function seriesNames(family: MetricFamily): string[] {
  switch (family.type) {
    case "summary":
      return [family.name, `${family.name}_count`, `${family.name}_sum`];
    case "histogram":
      return [`${family.name}_bucket`, `${family.name}_count`, `${family.name}_sum`];
    default:
      return [family.name];
  }
}

/**
 * The name Flink's PrometheusReporter gives a metric: `flink_` + the logical scope of its group + the metric name,
 * joined by `_`, with every character outside `[a-zA-Z0-9:_]` replaced by `_` (flink-metrics-prometheus
 * `AbstractPrometheusReporter`: SCOPE_PREFIX and CHARACTER_FILTER). Scope variables (host, tm_id, job_name,
 * task_name, subtask_index, ...) become labels, never part of the name.
 */
export function flinkMetricName(logicalScope: string, metric: string): string {
  return `flink_${logicalScope}_${metric}`.replace(/[^a-zA-Z0-9:_]/g, "_");
}

const flink = (scope: string, metrics: readonly string[]) =>
  gauges(metrics.map((metric) => flinkMetricName(scope, metric)));

/** JVM metrics every Flink process registers under `Status.JVM` (Flink `MetricUtils.instantiateStatusMetrics`). */
const JVM_STATUS_METRICS = [
  "Status.JVM.CPU.Load",
  "Status.JVM.CPU.Time",
  "Status.JVM.Memory.Heap.Used",
  "Status.JVM.Memory.Heap.Committed",
  "Status.JVM.Memory.Heap.Max",
  "Status.JVM.Memory.NonHeap.Used",
  "Status.JVM.Memory.NonHeap.Committed",
  "Status.JVM.Memory.NonHeap.Max",
  "Status.JVM.Memory.Metaspace.Used",
  "Status.JVM.Memory.Metaspace.Committed",
  "Status.JVM.Memory.Metaspace.Max",
  "Status.JVM.Memory.Direct.Count",
  "Status.JVM.Memory.Direct.MemoryUsed",
  "Status.JVM.Memory.Direct.TotalCapacity",
  "Status.JVM.Memory.Mapped.Count",
  "Status.JVM.Memory.Mapped.MemoryUsed",
  "Status.JVM.Memory.Mapped.TotalCapacity",
  "Status.JVM.Threads.Count",
  // The "All" aggregate exists since Flink 1.19; per-collector names depend on the GC the JVM picked.
  "Status.JVM.GarbageCollector.All.Count",
  "Status.JVM.GarbageCollector.All.Time",
  "Status.JVM.GarbageCollector.All.TimeMsPerSecond",
  "Status.JVM.ClassLoader.ClassesLoaded",
  "Status.JVM.ClassLoader.ClassesUnloaded",
];

/**
 * Job states whose `<state>Time` gauge Flink registers by default (`metrics.job.status.enable: CURRENT_TIME`): the
 * milliseconds since the job entered the state while it is in it, 0 otherwise (JobStatusMetrics, StateTimeMetric).
 * Terminal states have none: a job that ends is unregistered, with its series.
 */
export const FLINK_JOB_STATES = [
  "initializing",
  "created",
  "running",
  "restarting",
  "cancelling",
  "failing",
] as const;

export const FLINK_METRICS: MetricCatalogue = {
  source:
    "Flink PrometheusReporter naming (flink-metrics-prometheus AbstractPrometheusReporter) over the system metrics of " +
    "docs/content/docs/ops/metrics.md; names checked against the metric-name constants in the flink-runtime 1.19.3 " +
    "and 2.2.1 jars (MetricNames, MetricUtils, CheckpointStatsTracker, NettyShuffleMetricFactory, JobStatusMetrics)",
  families: [
    ...flink("jobmanager", [
      ...JVM_STATUS_METRICS,
      "numRegisteredTaskManagers",
      "numPendingTaskManagers",
      "numRunningJobs",
      "taskSlotsAvailable",
      "taskSlotsTotal",
    ]),
    ...flink("jobmanager_job", [
      "numRestarts",
      ...FLINK_JOB_STATES.map((state) => `${state}Time`),
      "lastCheckpointDuration",
      "lastCheckpointSize",
      "lastCheckpointFullSize",
      "lastCheckpointProcessedData",
      "lastCheckpointPersistedData",
      "lastCheckpointRestoreTimestamp",
      "lastCompletedCheckpointId",
      "numberOfInProgressCheckpoints",
      "numberOfCompletedCheckpoints",
      "numberOfFailedCheckpoints",
      "totalNumberOfCheckpoints",
    ]),
    ...flink("taskmanager", [
      ...JVM_STATUS_METRICS,
      "Status.Flink.Memory.Managed.Used",
      "Status.Flink.Memory.Managed.Total",
      "Status.Shuffle.Netty.AvailableMemorySegments",
      "Status.Shuffle.Netty.UsedMemorySegments",
      "Status.Shuffle.Netty.TotalMemorySegments",
      "Status.Shuffle.Netty.AvailableMemory",
      "Status.Shuffle.Netty.UsedMemory",
      "Status.Shuffle.Netty.TotalMemory",
    ]),
    ...flink("taskmanager_job_task", [
      "numRecordsIn",
      "numRecordsOut",
      "numRecordsInPerSecond",
      "numRecordsOutPerSecond",
      "numBytesIn",
      "numBytesOut",
      "numBytesInPerSecond",
      "numBytesOutPerSecond",
      "isBackPressured",
      "backPressuredTimeMsPerSecond",
      "softBackPressuredTimeMsPerSecond",
      "hardBackPressuredTimeMsPerSecond",
      "busyTimeMsPerSecond",
      "idleTimeMsPerSecond",
      "checkpointAlignmentTime",
      "checkpointStartDelayNanos",
      // The older `buffers.*` group is gone in Flink 2.x; these exist in 1.19 and 2.x alike.
      "Shuffle.Netty.Input.Buffers.inPoolUsage",
      "Shuffle.Netty.Input.Buffers.inputQueueLength",
      "Shuffle.Netty.Output.Buffers.outPoolUsage",
      "Shuffle.Netty.Output.Buffers.outputQueueLength",
    ]),
    ...flink("taskmanager_job_task_operator", [
      "numRecordsIn",
      "numRecordsOut",
      "numRecordsInPerSecond",
      "numRecordsOutPerSecond",
      "currentInputWatermark",
      "currentOutputWatermark",
    ]),
  ],
};

/** Lifecycle states of FlinkDeployment/FlinkSessionJob (operator-api `ResourceLifecycleState`, 1.15.0). */
export const OPERATOR_LIFECYCLE_STATES = [
  "CREATED",
  "SUSPENDED",
  "UPGRADING",
  "DEPLOYED",
  "STABLE",
  "ROLLING_BACK",
  "ROLLED_BACK",
  "FAILED",
  "DELETING",
  "DELETED",
] as const;

/** JobManager deployment statuses (operator-api `JobManagerDeploymentStatus`, 1.15.0). */
export const OPERATOR_JM_DEPLOYMENT_STATUSES = [
  "READY",
  "DEPLOYED_NOT_READY",
  "DEPLOYING",
  "MISSING",
  "ERROR",
] as const;

export const OPERATOR_METRICS: MetricCatalogue = {
  source:
    "flink-kubernetes-operator release-1.15.0: docs/content/docs/operations/metrics-logging.md and the metric " +
    "groups in flink-kubernetes-operator/src/main/java/org/apache/flink/kubernetes/operator/metrics " +
    "(KubernetesOperatorMetricGroup 'k8soperator', namespace and resource groups, FlinkDeploymentMetrics, " +
    "LifecycleMetrics, KubernetesClientMetrics, OperatorJosdkMetrics, OperatorMetricUtils 'Status' JVM group), " +
    "named by Flink's PrometheusReporter (logical scope + metric name)",
  families: [
    ...flink("k8soperator", [
      ...JVM_STATUS_METRICS,
      "KubeClient.HttpRequest.Count",
      "KubeClient.HttpRequest.NumPerSecond",
      "KubeClient.HttpRequest.Failed.Count",
      "KubeClient.HttpRequest.Failed.NumPerSecond",
      "KubeClient.HttpRequest.Slow.Count",
      "KubeClient.HttpResponse.Count",
      "KubeClient.HttpResponse.NumPerSecond",
    ]),
    ...flink("k8soperator_namespace", [
      "Count",
      ...OPERATOR_LIFECYCLE_STATES.map((state) => `Lifecycle.State.${state}.Count`),
      ...OPERATOR_JM_DEPLOYMENT_STATUSES.map((status) => `JmDeploymentStatus.${status}.Count`),
      "ResourceUsage.Cpu",
      "ResourceUsage.Memory",
      "ResourceUsage.StateSize",
    ]),
    ...flink("k8soperator_namespace_resource", [
      "JOSDK.Reconciliation.Count",
      "JOSDK.Reconciliation.failed.Count",
      "JOSDK.Reconciliation.retries.Count",
      "JOSDK.Reconciliation.finished.Count",
      "JOSDK.Reconciliation.cleanup.Count",
      "JOSDK.Resource.Event.Count",
    ]),
  ],
};

export const PROMETHEUS_METRICS: MetricCatalogue = {
  source:
    "series Prometheus adds for every scrape target (Prometheus docs: Jobs and instances, automatically generated labels and time series)",
  families: gauges(["up", "scrape_duration_seconds", "scrape_samples_scraped"]),
};

/**
 * What the Prometheus JMX exporter Java agent (jmx_prometheus_javaagent 1.0.1, in the SQL Gateway and history server
 * pods) always serves: the client_java 1.x `JvmMetrics` it registers besides the MBeans its rules export.
 */
export const JMX_EXPORTER_METRICS: MetricCatalogue = {
  source:
    "prometheus/jmx_exporter 1.0.1 jmx_prometheus_javaagent JavaAgent (registers JvmMetrics) over prometheus/client_java " +
    "prometheus-metrics-instrumentation-jvm 1.x: JvmMemoryMetrics, JvmGarbageCollectorMetrics, JvmThreadsMetrics, " +
    "ProcessMetrics (metric-name constants and the examples in their javadoc)",
  families: [
    ...gauges([
      "jvm_memory_used_bytes",
      "jvm_memory_committed_bytes",
      "jvm_memory_max_bytes",
      "jvm_memory_init_bytes",
      "jvm_memory_pool_used_bytes",
      "jvm_memory_pool_committed_bytes",
      "jvm_memory_pool_max_bytes",
      "jvm_threads_current",
      "jvm_threads_daemon",
      "jvm_threads_peak",
      "jvm_threads_deadlocked",
      "process_open_fds",
      "process_max_fds",
      "process_resident_memory_bytes",
      "process_virtual_memory_bytes",
      "process_start_time_seconds",
    ]),
    ...counters(["process_cpu_seconds_total", "jvm_threads_started_total"]),
    ...summaries(["jvm_gc_collection_seconds"]),
  ],
};

/** Every series name in some catalogues. */
export function knownSeries(catalogues: readonly MetricCatalogue[]): Set<string> {
  return new Set(catalogues.flatMap((catalogue) => catalogue.families.flatMap(seriesNames)));
}
