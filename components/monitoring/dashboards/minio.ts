/** The MinIO dashboard. */
import { DashboardSpec, stat, timeseries } from "../grafana";
import { F, instanceVariables } from "./services";

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
