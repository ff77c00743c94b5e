/** The ZooKeeper dashboard. */
import { DashboardSpec, stat, timeseries } from "../grafana";
import { F, instanceVariables } from "./services";

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
