/**
 * The dashboard of what runs beside the Flink clusters for their jobs: the SQL Gateways and the history server. Both
 * serve JVM metrics through the Prometheus JMX exporter agent (neither starts a Flink metric reporter), so the panels
 * are about availability and the JVM.
 */
import { DashboardSpec, stat, timeseries } from "../grafana";
import { HISTORY_SERVER_COMPONENT, SQL_GATEWAY_COMPONENT } from "../podMonitors";

/** The series of the SQL Gateways and the history server, whatever the `job` variable says ("All" is `.*`). */
const SERVICES = `flink_component=~"${SQL_GATEWAY_COMPONENT}|${HISTORY_SERVER_COMPONENT}"`;
/** The filter of every query: the chosen namespaces and instances, of these services only. */
const F = `namespace=~"$namespace", job=~"$job", ${SERVICES}`;

export const JOB_SERVICES_DASHBOARD: DashboardSpec = {
  uid: "flink-platform-job-services",
  title: "Flink SQL Gateways and history server",
  description:
    "The SQL Gateways of the session clusters and the history server: whether they answer, and their JVMs (Prometheus JMX exporter agent).",
  tags: ["flink", "flink-platform"],
  variables: [
    {
      name: "namespace",
      label: "Namespace",
      selector: `up{${SERVICES}}`,
      labelName: "namespace",
      multi: true,
    },
    {
      name: "job",
      label: "Instance",
      selector: `up{namespace=~"$namespace", ${SERVICES}}`,
      labelName: "job",
      multi: true,
    },
  ],
  rows: [
    {
      title: "Availability",
      panels: [
        stat({
          title: "SQL Gateways up",
          description: "Pods answering their metrics scrape.",
          width: 6,
          queries: [{ expr: `sum(up{${F}, flink_component="${SQL_GATEWAY_COMPONENT}"})` }],
        }),
        stat({
          title: "History server up",
          description: "Pods answering their metrics scrape.",
          width: 6,
          queries: [{ expr: `sum(up{${F}, flink_component="${HISTORY_SERVER_COMPONENT}"})` }],
        }),
        stat({
          title: "Instances down",
          width: 6,
          redFrom: 1,
          queries: [{ expr: `count(up{${F}} == 0) or vector(0)` }],
        }),
        stat({
          title: "Started in the last hour",
          description: "Processes that started within the hour: new pods or restarted containers.",
          width: 6,
          redFrom: 1,
          queries: [{ expr: `count(time() - process_start_time_seconds{${F}} < 3600) or vector(0)` }],
        }),
        timeseries({
          title: "Up",
          min: 0,
          max: 1,
          width: 12,
          queries: [{ expr: `up{${F}}`, legend: "{{pod}}" }],
        }),
        timeseries({
          title: "Uptime",
          unit: "s",
          width: 12,
          queries: [{ expr: `time() - process_start_time_seconds{${F}}`, legend: "{{pod}}" }],
        }),
      ],
    },
    {
      title: "JVM",
      panels: [
        timeseries({
          title: "Heap",
          unit: "bytes",
          queries: [
            { expr: `jvm_memory_used_bytes{${F}, area="heap"}`, legend: "{{pod}} used" },
            { expr: `jvm_memory_max_bytes{${F}, area="heap"}`, legend: "{{pod}} max" },
          ],
        }),
        timeseries({
          title: "Time in garbage collection",
          description: "Share of wall-clock time spent in GC, all collectors.",
          unit: "percentunit",
          queries: [
            {
              expr: `sum by (pod) (rate(jvm_gc_collection_seconds_sum{${F}}[$__rate_interval]))`,
              legend: "{{pod}}",
            },
          ],
        }),
        timeseries({
          title: "Collections per second",
          unit: "ops",
          queries: [
            {
              expr: `sum by (pod, gc) (rate(jvm_gc_collection_seconds_count{${F}}[$__rate_interval]))`,
              legend: "{{pod}} {{gc}}",
            },
          ],
        }),
        timeseries({
          title: "Non-heap used",
          unit: "bytes",
          queries: [{ expr: `jvm_memory_used_bytes{${F}, area="nonheap"}`, legend: "{{pod}}" }],
        }),
        timeseries({
          title: "CPU",
          description: "CPU cores in use by the process.",
          queries: [{ expr: `rate(process_cpu_seconds_total{${F}}[$__rate_interval])`, legend: "{{pod}}" }],
        }),
        timeseries({
          title: "Threads",
          queries: [{ expr: `jvm_threads_current{${F}}`, legend: "{{pod}}" }],
        }),
      ],
    },
  ],
};
