/**
 * Dashboards of the backing services, one per exporter kind. Each is shipped only when a component publishes a
 * scrape target of that kind. The `job` variable tells instances apart (Prometheus labels a PodMonitor's series
 * `job="<namespace>/<podmonitor>"`).
 */
import { DashboardSpec, LabelVariable, stat, timeseries } from "../grafana";

const F = 'namespace=~"$namespace", job=~"$job"';

/** Namespace and job variables, filled from a series every instance of the exporter reports. */
function instanceVariables(metric: string): LabelVariable[] {
  return [
    { name: "namespace", label: "Namespace", selector: metric, labelName: "namespace", multi: true },
    {
      name: "job",
      label: "Instance",
      selector: `${metric}{namespace=~"$namespace"}`,
      labelName: "job",
      multi: true,
    },
  ];
}

/**
 * MinIO's cluster endpoint: any server reports every server's metrics (labelled `server`), so with several pods
 * scraped each series arrives once per pod; `max by (server, ...)` counts it once.
 */
export const MINIO_DASHBOARD: DashboardSpec = {
  uid: "flink-platform-minio",
  title: "MinIO",
  description:
    "MinIO holding Flink checkpoints, savepoints and HA data: health, capacity, S3 traffic and errors.",
  tags: ["flink-platform", "minio", "s3"],
  variables: instanceVariables("minio_cluster_health_status"),
  rows: [
    {
      title: "Health and capacity",
      panels: [
        stat({
          title: "Cluster healthy",
          description: "1 when the cluster has write quorum.",
          width: 4,
          queries: [{ expr: `min(minio_cluster_health_status{${F}})` }],
        }),
        stat({
          title: "Nodes offline",
          width: 4,
          redFrom: 1,
          queries: [{ expr: `max(minio_cluster_nodes_offline_total{${F}})` }],
        }),
        stat({
          title: "Drives offline",
          width: 4,
          redFrom: 1,
          queries: [{ expr: `max(minio_cluster_drive_offline_total{${F}})` }],
        }),
        stat({
          title: "Buckets",
          width: 4,
          queries: [{ expr: `max(minio_cluster_bucket_total{${F}})` }],
        }),
        stat({
          title: "Objects",
          width: 4,
          queries: [{ expr: `max(minio_cluster_usage_object_total{${F}})` }],
        }),
        stat({
          title: "Usable space free",
          unit: "percentunit",
          width: 4,
          queries: [
            {
              expr: `max(minio_cluster_capacity_usable_free_bytes{${F}}) / max(minio_cluster_capacity_usable_total_bytes{${F}})`,
            },
          ],
        }),
        timeseries({
          title: "Usable capacity",
          unit: "bytes",
          width: 12,
          queries: [
            { expr: `max(minio_cluster_capacity_usable_total_bytes{${F}})`, legend: "total" },
            { expr: `max(minio_cluster_capacity_usable_free_bytes{${F}})`, legend: "free" },
            { expr: `max(minio_cluster_usage_total_bytes{${F}})`, legend: "used by objects" },
          ],
        }),
        timeseries({
          title: "Process",
          unit: "bytes",
          width: 12,
          queries: [
            {
              expr: `max by (server) (minio_node_process_resident_memory_bytes{${F}})`,
              legend: "{{server}} resident memory",
            },
          ],
        }),
      ],
    },
    {
      title: "S3 API",
      panels: [
        timeseries({
          title: "Requests per second",
          unit: "reqps",
          queries: [
            {
              expr: `sum by (api) (max by (server, api) (rate(minio_s3_requests_total{${F}}[$__rate_interval])))`,
              legend: "{{api}}",
            },
          ],
        }),
        timeseries({
          title: "Errors per second",
          unit: "reqps",
          queries: [
            {
              expr: `sum(max by (server, api) (rate(minio_s3_requests_4xx_errors_total{${F}}[$__rate_interval])))`,
              legend: "4xx",
            },
            {
              expr: `sum(max by (server, api) (rate(minio_s3_requests_5xx_errors_total{${F}}[$__rate_interval])))`,
              legend: "5xx",
            },
          ],
        }),
        timeseries({
          title: "Traffic",
          unit: "Bps",
          queries: [
            {
              expr: `sum(max by (server) (rate(minio_s3_traffic_received_bytes{${F}}[$__rate_interval])))`,
              legend: "received",
            },
            {
              expr: `sum(max by (server) (rate(minio_s3_traffic_sent_bytes{${F}}[$__rate_interval])))`,
              legend: "sent",
            },
          ],
        }),
      ],
    },
  ],
};

/** ZooKeeper's Prometheus metrics provider: each server reports its own view. */
export const ZOOKEEPER_DASHBOARD: DashboardSpec = {
  uid: "flink-platform-zookeeper",
  title: "ZooKeeper",
  description:
    "ZooKeeper holding Flink's JobManager leader election and HA metadata: ensemble, latency, data and JVM.",
  tags: ["flink-platform", "zookeeper"],
  variables: instanceVariables("znode_count"),
  rows: [
    {
      title: "Ensemble",
      panels: [
        stat({ title: "Servers up", width: 4, queries: [{ expr: `sum(up{${F}})` }] }),
        stat({
          title: "Synced followers",
          description: "Reported by the leader.",
          width: 4,
          queries: [{ expr: `max(synced_followers{${F}})` }],
        }),
        stat({ title: "Znodes", width: 4, queries: [{ expr: `max(znode_count{${F}})` }] }),
        stat({ title: "Connections", width: 4, queries: [{ expr: `sum(num_alive_connections{${F}})` }] }),
        stat({
          title: "Outstanding requests",
          width: 4,
          redFrom: 10,
          queries: [{ expr: `sum(outstanding_requests{${F}})` }],
        }),
        stat({ title: "Watches", width: 4, queries: [{ expr: `sum(watch_count{${F}})` }] }),
      ],
    },
    {
      title: "Requests",
      panels: [
        timeseries({
          title: "Request latency",
          unit: "ms",
          queries: [
            { expr: `avg_latency{${F}}`, legend: "{{pod}} average" },
            { expr: `max_latency{${F}}`, legend: "{{pod}} max" },
          ],
        }),
        timeseries({
          title: "Packets per second",
          unit: "ops",
          queries: [
            { expr: `rate(packets_received{${F}}[$__rate_interval])`, legend: "{{pod}} received" },
            { expr: `rate(packets_sent{${F}}[$__rate_interval])`, legend: "{{pod}} sent" },
          ],
        }),
        timeseries({
          title: "Fsync time",
          description: "Average time to fsync the transaction log; slow disks slow every write.",
          unit: "ms",
          queries: [
            {
              expr: `rate(fsynctime_sum{${F}}[$__rate_interval]) / rate(fsynctime_count{${F}}[$__rate_interval])`,
              legend: "{{pod}}",
            },
          ],
        }),
      ],
    },
    {
      title: "Data and JVM",
      panels: [
        timeseries({
          title: "Data size",
          unit: "bytes",
          queries: [{ expr: `approximate_data_size{${F}}`, legend: "{{pod}}" }],
        }),
        timeseries({
          title: "Heap",
          unit: "bytes",
          queries: [
            { expr: `jvm_memory_bytes_used{${F}, area="heap"}`, legend: "{{pod}} used" },
            { expr: `jvm_memory_bytes_max{${F}, area="heap"}`, legend: "{{pod}} max" },
          ],
        }),
        timeseries({
          title: "Time in garbage collection",
          unit: "percentunit",
          queries: [
            {
              expr: `sum by (pod) (rate(jvm_gc_collection_seconds_sum{${F}}[$__rate_interval]))`,
              legend: "{{pod}}",
            },
          ],
        }),
      ],
    },
  ],
};

/** mysqld_exporter with its default collectors (global status and variables). */
export const MYSQL_DASHBOARD: DashboardSpec = {
  uid: "flink-platform-mysql",
  title: "MySQL",
  description: "MySQL holding the StreamPark and Hive metastore databases: connections, queries and InnoDB.",
  tags: ["flink-platform", "mysql"],
  variables: instanceVariables("mysql_up"),
  rows: [
    {
      title: "Server",
      panels: [
        stat({ title: "Up", width: 4, queries: [{ expr: `min(mysql_up{${F}})` }] }),
        stat({
          title: "Uptime",
          unit: "dtdurations",
          width: 4,
          queries: [{ expr: `min(mysql_global_status_uptime{${F}})` }],
        }),
        stat({
          title: "Connections",
          width: 4,
          queries: [{ expr: `sum(mysql_global_status_threads_connected{${F}})` }],
        }),
        stat({
          title: "Max connections",
          width: 4,
          queries: [{ expr: `max(mysql_global_variables_max_connections{${F}})` }],
        }),
        stat({
          title: "Connections used",
          unit: "percentunit",
          width: 4,
          redFrom: 0.8,
          queries: [
            {
              expr: `max(mysql_global_status_max_used_connections{${F}}) / max(mysql_global_variables_max_connections{${F}})`,
            },
          ],
        }),
        stat({
          title: "Buffer pool size",
          unit: "bytes",
          width: 4,
          queries: [{ expr: `max(mysql_global_variables_innodb_buffer_pool_size{${F}})` }],
        }),
      ],
    },
    {
      title: "Queries",
      panels: [
        timeseries({
          title: "Queries per second",
          unit: "ops",
          queries: [
            {
              expr: `sum by (pod) (rate(mysql_global_status_questions{${F}}[$__rate_interval]))`,
              legend: "{{pod}}",
            },
          ],
        }),
        timeseries({
          title: "Top commands",
          unit: "ops",
          queries: [
            {
              expr: `topk(5, sum by (command) (rate(mysql_global_status_commands_total{${F}}[$__rate_interval])))`,
              legend: "{{command}}",
            },
          ],
        }),
        timeseries({
          title: "Slow queries and aborted connections",
          unit: "ops",
          queries: [
            {
              expr: `sum(rate(mysql_global_status_slow_queries{${F}}[$__rate_interval]))`,
              legend: "slow queries",
            },
            {
              expr: `sum(rate(mysql_global_status_aborted_connects{${F}}[$__rate_interval]))`,
              legend: "aborted connects",
            },
          ],
        }),
        timeseries({
          title: "Threads",
          queries: [
            { expr: `sum(mysql_global_status_threads_connected{${F}})`, legend: "connected" },
            { expr: `sum(mysql_global_status_threads_running{${F}})`, legend: "running" },
          ],
        }),
        timeseries({
          title: "Network",
          unit: "Bps",
          queries: [
            {
              expr: `sum(rate(mysql_global_status_bytes_received{${F}}[$__rate_interval]))`,
              legend: "received",
            },
            { expr: `sum(rate(mysql_global_status_bytes_sent{${F}}[$__rate_interval]))`, legend: "sent" },
          ],
        }),
      ],
    },
    {
      title: "InnoDB",
      panels: [
        timeseries({
          title: "Buffer pool hit ratio",
          unit: "percentunit",
          queries: [
            {
              expr: `1 - sum(rate(mysql_global_status_innodb_buffer_pool_reads{${F}}[$__rate_interval])) / sum(rate(mysql_global_status_innodb_buffer_pool_read_requests{${F}}[$__rate_interval]))`,
              legend: "hit ratio",
            },
          ],
        }),
        timeseries({
          title: "Row operations",
          unit: "ops",
          queries: [
            {
              expr: `sum by (operation) (rate(mysql_global_status_innodb_row_ops_total{${F}}[$__rate_interval]))`,
              legend: "{{operation}}",
            },
          ],
        }),
        timeseries({
          title: "Row lock waits",
          unit: "ops",
          queries: [
            {
              expr: `sum(rate(mysql_global_status_innodb_row_lock_waits{${F}}[$__rate_interval]))`,
              legend: "waits",
            },
          ],
        }),
      ],
    },
  ],
};
