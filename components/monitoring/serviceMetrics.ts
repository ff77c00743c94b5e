/**
 * The metric names of the backing services' exporters (MinIO, ZooKeeper, mysqld-exporter), with where each list
 * comes from; the same rule as metrics.ts: only series every pinned image emits.
 */
import { counters, gauges, MetricCatalogue, MetricFamily, summaries } from "./metrics";

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
