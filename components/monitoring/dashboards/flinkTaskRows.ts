/** The rows of the Flink dashboard about what tasks do: throughput, backpressure, and the TaskManager JVMs. */
import { Row, timeseries } from "../grafana";

/** The filter of cluster-wide queries: the chosen namespaces and clusters. */
export const C = 'namespace=~"$namespace", flink_cluster=~"$cluster"';
/** The filter of per-job queries. */
export const J = `${C}, job_name=~"$job"`;

export const FLINK_TASK_ROWS: Row[] = [
  {
    title: "Throughput",
    panels: [
      timeseries({
        title: "Records in per second",
        unit: "ops",
        width: 12,
        queries: [
          {
            expr: `sum by (job_name, task_name) (flink_taskmanager_job_task_numRecordsInPerSecond{${J}})`,
            legend: "{{job_name}} / {{task_name}}",
          },
        ],
      }),
      timeseries({
        title: "Records out per second",
        unit: "ops",
        width: 12,
        queries: [
          {
            expr: `sum by (job_name, task_name) (flink_taskmanager_job_task_numRecordsOutPerSecond{${J}})`,
            legend: "{{job_name}} / {{task_name}}",
          },
        ],
      }),
      timeseries({
        title: "Bytes in and out per second",
        unit: "Bps",
        width: 12,
        queries: [
          {
            expr: `sum by (job_name) (flink_taskmanager_job_task_numBytesInPerSecond{${J}})`,
            legend: "{{job_name}} in",
          },
          {
            expr: `sum by (job_name) (flink_taskmanager_job_task_numBytesOutPerSecond{${J}})`,
            legend: "{{job_name}} out",
          },
        ],
      }),
      timeseries({
        title: "Watermark lag",
        description:
          "Wall clock minus the lowest output watermark of each task (tasks without watermarks are left out).",
        unit: "ms",
        width: 12,
        queries: [
          {
            expr: `time() * 1000 - min by (job_name, task_name) (flink_taskmanager_job_task_operator_currentOutputWatermark{${J}} > 0)`,
            legend: "{{job_name}} / {{task_name}}",
          },
        ],
      }),
    ],
  },
  {
    title: "Backpressure",
    panels: [
      timeseries({
        title: "Back-pressured time",
        description:
          "Milliseconds per second the busiest subtask of each task waited for downstream buffers.",
        unit: "ms",
        min: 0,
        max: 1000,
        queries: [
          {
            expr: `max by (job_name, task_name) (flink_taskmanager_job_task_backPressuredTimeMsPerSecond{${J}})`,
            legend: "{{job_name}} / {{task_name}}",
          },
        ],
      }),
      timeseries({
        title: "Busy time",
        unit: "ms",
        min: 0,
        max: 1000,
        queries: [
          {
            expr: `max by (job_name, task_name) (flink_taskmanager_job_task_busyTimeMsPerSecond{${J}})`,
            legend: "{{job_name}} / {{task_name}}",
          },
        ],
      }),
      timeseries({
        title: "Idle time",
        unit: "ms",
        min: 0,
        max: 1000,
        queries: [
          {
            expr: `min by (job_name, task_name) (flink_taskmanager_job_task_idleTimeMsPerSecond{${J}})`,
            legend: "{{job_name}} / {{task_name}}",
          },
        ],
      }),
      timeseries({
        title: "Input buffer usage",
        unit: "percentunit",
        width: 12,
        queries: [
          {
            expr: `max by (job_name, task_name) (flink_taskmanager_job_task_Shuffle_Netty_Input_Buffers_inPoolUsage{${J}})`,
            legend: "{{job_name}} / {{task_name}}",
          },
        ],
      }),
      timeseries({
        title: "Output buffer usage",
        unit: "percentunit",
        width: 12,
        queries: [
          {
            expr: `max by (job_name, task_name) (flink_taskmanager_job_task_Shuffle_Netty_Output_Buffers_outPoolUsage{${J}})`,
            legend: "{{job_name}} / {{task_name}}",
          },
        ],
      }),
    ],
  },
  {
    title: "TaskManager JVM",
    panels: [
      timeseries({
        title: "Heap used",
        unit: "bytes",
        queries: [
          { expr: `flink_taskmanager_Status_JVM_Memory_Heap_Used{${C}}`, legend: "{{pod}}" },
          { expr: `max(flink_taskmanager_Status_JVM_Memory_Heap_Max{${C}})`, legend: "max" },
        ],
      }),
      timeseries({
        title: "CPU",
        unit: "percentunit",
        queries: [{ expr: `flink_taskmanager_Status_JVM_CPU_Load{${C}}`, legend: "{{pod}}" }],
      }),
      timeseries({
        title: "Garbage collection time",
        description: "Milliseconds per second spent in GC, all collectors.",
        unit: "ms",
        queries: [
          {
            expr: `flink_taskmanager_Status_JVM_GarbageCollector_All_TimeMsPerSecond{${C}}`,
            legend: "{{pod}}",
          },
        ],
      }),
      timeseries({
        title: "Managed memory used",
        unit: "percentunit",
        queries: [
          {
            expr: `flink_taskmanager_Status_Flink_Memory_Managed_Used{${C}} / flink_taskmanager_Status_Flink_Memory_Managed_Total{${C}}`,
            legend: "{{pod}}",
          },
        ],
      }),
      timeseries({
        title: "Network memory used",
        unit: "bytes",
        queries: [{ expr: `flink_taskmanager_Status_Shuffle_Netty_UsedMemory{${C}}`, legend: "{{pod}}" }],
      }),
      timeseries({
        title: "Threads",
        queries: [{ expr: `flink_taskmanager_Status_JVM_Threads_Count{${C}}`, legend: "{{pod}}" }],
      }),
    ],
  },
];
