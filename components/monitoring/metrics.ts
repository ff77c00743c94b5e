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

const gauges = (names: readonly string[]): MetricFamily[] => names.map((name) => ({ name, type: "gauge" }));
const counters = (names: readonly string[]): MetricFamily[] =>
  names.map((name) => ({ name, type: "counter" }));
const summaries = (names: readonly string[]): MetricFamily[] =>
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

/** Job states whose `<state>Time` gauge Flink registers by default (`metrics.job.status.enable: CURRENT_TIME`). */
const JOB_STATES = ["initializing", "created", "running", "restarting", "cancelling", "failing"];

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
      ...JOB_STATES.map((state) => `${state}Time`),
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

export const MINIO_METRICS: MetricCatalogue = {
  source:
    "minio/minio RELEASE.2025-09-07T16-13-09Z (the last official image): cmd/metrics-v2.go, the groups served on " +
    "/minio/v2/metrics/cluster (cluster groups + peer groups), and docs/metrics/prometheus/list.md",
  families: [
    ...gauges([
      "minio_cluster_capacity_raw_free_bytes",
      "minio_cluster_capacity_raw_total_bytes",
      "minio_cluster_capacity_usable_free_bytes",
      "minio_cluster_capacity_usable_total_bytes",
      "minio_cluster_usage_total_bytes",
      "minio_cluster_usage_object_total",
      "minio_cluster_usage_version_total",
      "minio_cluster_bucket_total",
      "minio_cluster_drive_offline_total",
      "minio_cluster_drive_online_total",
      "minio_cluster_drive_total",
      "minio_cluster_nodes_offline_total",
      "minio_cluster_nodes_online_total",
      "minio_cluster_health_status",
      "minio_cluster_write_quorum",
      "minio_s3_requests_inflight_total",
      "minio_s3_requests_waiting_total",
      "minio_node_process_uptime_seconds",
      "minio_node_process_resident_memory_bytes",
      "minio_node_go_routine_total",
    ]),
    ...counters([
      "minio_s3_requests_total",
      "minio_s3_requests_errors_total",
      "minio_s3_requests_4xx_errors_total",
      "minio_s3_requests_5xx_errors_total",
      "minio_s3_requests_canceled_total",
      "minio_s3_requests_rejected_auth_total",
      "minio_s3_traffic_received_bytes",
      "minio_s3_traffic_sent_bytes",
      "minio_node_process_cpu_total_seconds",
    ]),
  ],
};

/** JVM and process metrics of the Prometheus simpleclient_hotspot 0.9.0 `DefaultExports` (names from the jar). */
const SIMPLECLIENT_HOTSPOT_METRICS: MetricFamily[] = [
  ...gauges([
    "jvm_memory_bytes_used",
    "jvm_memory_bytes_committed",
    "jvm_memory_bytes_max",
    "jvm_memory_pool_bytes_used",
    "jvm_threads_current",
    "jvm_threads_daemon",
    "jvm_threads_deadlocked",
    "process_open_fds",
    "process_max_fds",
    "process_resident_memory_bytes",
    "process_start_time_seconds",
  ]),
  ...counters(["process_cpu_seconds_total"]),
  ...summaries(["jvm_gc_collection_seconds"]),
];

export const ZOOKEEPER_METRICS: MetricCatalogue = {
  source:
    "apache/zookeeper release-3.9.5: gauges registered by the server (registerGauge in zookeeper-server), " +
    "ServerMetrics counters and summaries, exported by zookeeper-prometheus-metrics PrometheusMetricsProvider " +
    "(simpleclient 0.9.0: counters keep their name, no `_total`; summaries add `_count`/`_sum`) with " +
    "simpleclient_hotspot DefaultExports for the JVM",
  families: [
    ...gauges([
      "znode_count",
      "watch_count",
      "ephemerals_count",
      "approximate_data_size",
      "num_alive_connections",
      "outstanding_requests",
      "avg_latency",
      "max_latency",
      "min_latency",
      // Cumulative since start, but registered as gauges: use rate() as for counters.
      "packets_received",
      "packets_sent",
      "open_file_descriptor_count",
      "max_file_descriptor_count",
      "quorum_size",
      "synced_followers",
      "pending_syncs",
      "learners",
      "uptime",
      "leader_uptime",
      "global_sessions",
      "local_sessions",
    ]),
    ...counters([
      "unrecoverable_error_count",
      "looking_count",
      "connection_rejected",
      "stale_sessions_expired",
    ]),
    ...summaries(["fsynctime", "readlatency", "updatelatency", "election_time", "snapshottime"]),
    ...SIMPLECLIENT_HOTSPOT_METRICS,
  ],
};

/**
 * mysqld_exporter names SHOW GLOBAL STATUS / SHOW GLOBAL VARIABLES rows `mysql_global_status_<name>` and
 * `mysql_global_variables_<name>`, lower-cased (collector/global_status.go, global_variables.go
 * `validPrometheusName`); a few prefixes become labelled families instead (Com_* -> commands_total{command},
 * Innodb_buffer_pool_pages_* -> buffer_pool_pages{state}, Innodb_rows_* -> innodb_row_ops_total{operation}, ...).
 */
const mysqlStatus = (names: readonly string[]) =>
  gauges(names.map((name) => `mysql_global_status_${name.toLowerCase()}`));
const mysqlVariables = (names: readonly string[]) =>
  gauges(names.map((name) => `mysql_global_variables_${name.toLowerCase()}`));

export const MYSQLD_EXPORTER_METRICS: MetricCatalogue = {
  source:
    "prometheus/mysqld_exporter v0.20.0 (collector/exporter.go, global_status.go, global_variables.go; default " +
    "collectors global_status and global_variables) over the server status and system variables of the MySQL 8.4 " +
    "reference manual",
  families: [
    ...gauges(["mysql_up", "mysql_version_info", "mysql_exporter_collector_success"]),
    ...counters([
      "mysql_global_status_commands_total",
      "mysql_global_status_handlers_total",
      "mysql_global_status_connection_errors_total",
      "mysql_global_status_innodb_row_ops_total",
      "mysql_global_status_buffer_pool_page_changes_total",
    ]),
    ...gauges(["mysql_global_status_buffer_pool_pages", "mysql_global_status_buffer_pool_dirty_pages"]),
    ...mysqlStatus([
      "Uptime",
      "Threads_connected",
      "Threads_running",
      "Threads_created",
      "Max_used_connections",
      "Questions",
      "Queries",
      "Slow_queries",
      "Aborted_connects",
      "Aborted_clients",
      "Bytes_received",
      "Bytes_sent",
      "Innodb_buffer_pool_read_requests",
      "Innodb_buffer_pool_reads",
      "Innodb_row_lock_waits",
      "Innodb_row_lock_time",
      "Created_tmp_tables",
      "Created_tmp_disk_tables",
      "Open_tables",
      "Opened_tables",
    ]),
    ...mysqlVariables(["max_connections", "innodb_buffer_pool_size", "table_open_cache"]),
  ],
};

/** Every series name in some catalogues. */
export function knownSeries(catalogues: readonly MetricCatalogue[]): Set<string> {
  return new Set(catalogues.flatMap((catalogue) => catalogue.families.flatMap(seriesNames)));
}
