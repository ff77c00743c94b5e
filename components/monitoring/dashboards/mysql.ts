/** The MySQL dashboard (mysqld-exporter). */
import { DashboardSpec, stat, timeseries } from "../grafana";
import { F, instanceVariables } from "./services";

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
