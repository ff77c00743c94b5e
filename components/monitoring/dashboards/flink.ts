/**
 * The Flink dashboard: every session cluster the platform scrapes, filtered by namespace, cluster and job.
 */
import { DashboardSpec, stat, timeseries } from "../grafana";
import { C, FLINK_TASK_ROWS, J } from "./flinkTaskRows";

export const FLINK_DASHBOARD: DashboardSpec = {
  uid: "flink-platform-flink",
  title: "Flink session clusters",
  description:
    "Session clusters of the Flink platform: capacity, jobs, checkpoints, throughput, backpressure and TaskManager JVMs (Flink Prometheus reporter).",
  tags: ["flink", "flink-platform"],
  variables: [
    {
      name: "namespace",
      label: "Namespace",
      selector: "flink_jobmanager_numRegisteredTaskManagers",
      labelName: "namespace",
      multi: true,
    },
    {
      name: "cluster",
      label: "Cluster",
      selector: 'flink_jobmanager_numRegisteredTaskManagers{namespace=~"$namespace"}',
      labelName: "flink_cluster",
      multi: true,
    },
    {
      name: "job",
      label: "Job",
      selector: `flink_jobmanager_job_numRestarts{${C}}`,
      labelName: "job_name",
      multi: true,
    },
  ],
  rows: [
    {
      title: "Cluster",
      panels: [
        stat({
          title: "JobManagers up",
          width: 4,
          queries: [{ expr: `sum(up{${C}, flink_component="jobmanager"})` }],
        }),
        stat({
          title: "TaskManagers",
          width: 4,
          queries: [{ expr: `sum(flink_jobmanager_numRegisteredTaskManagers{${C}})` }],
        }),
        stat({
          title: "Pending TaskManagers",
          description: "Requested by Flink but not registered yet; staying above 0 means pods cannot start.",
          width: 4,
          redFrom: 1,
          queries: [{ expr: `sum(flink_jobmanager_numPendingTaskManagers{${C}})` }],
        }),
        stat({
          title: "Running jobs",
          width: 4,
          queries: [{ expr: `sum(flink_jobmanager_numRunningJobs{${C}})` }],
        }),
        stat({
          title: "Task slots",
          width: 4,
          queries: [{ expr: `sum(flink_jobmanager_taskSlotsTotal{${C}})` }],
        }),
        stat({
          title: "Free task slots",
          width: 4,
          queries: [{ expr: `sum(flink_jobmanager_taskSlotsAvailable{${C}})` }],
        }),
        timeseries({
          title: "Task slots in use and free",
          width: 12,
          stacked: true,
          queries: [
            {
              expr: `sum by (flink_cluster) (flink_jobmanager_taskSlotsTotal{${C}}) - sum by (flink_cluster) (flink_jobmanager_taskSlotsAvailable{${C}})`,
              legend: "{{flink_cluster}} in use",
            },
            {
              expr: `sum by (flink_cluster) (flink_jobmanager_taskSlotsAvailable{${C}})`,
              legend: "{{flink_cluster}} free",
            },
          ],
        }),
        timeseries({
          title: "JobManager heap",
          unit: "bytes",
          width: 6,
          queries: [
            { expr: `flink_jobmanager_Status_JVM_Memory_Heap_Used{${C}}`, legend: "{{pod}} used" },
            { expr: `flink_jobmanager_Status_JVM_Memory_Heap_Max{${C}}`, legend: "{{pod}} max" },
          ],
        }),
        timeseries({
          title: "JobManager CPU",
          unit: "percentunit",
          width: 6,
          queries: [{ expr: `flink_jobmanager_Status_JVM_CPU_Load{${C}}`, legend: "{{pod}}" }],
        }),
      ],
    },
    {
      title: "Jobs",
      panels: [
        timeseries({
          title: "Running time",
          unit: "s",
          queries: [
            {
              expr: `max by (job_name) (flink_jobmanager_job_runningTime{${J}}) / 1000`,
              legend: "{{job_name}}",
            },
          ],
        }),
        timeseries({
          title: "Restarts",
          queries: [
            {
              expr: `sum by (job_name) (increase(flink_jobmanager_job_numRestarts{${J}}[$__rate_interval]))`,
              legend: "{{job_name}}",
            },
          ],
        }),
        timeseries({
          title: "Time in restarting",
          unit: "s",
          queries: [
            {
              expr: `max by (job_name) (flink_jobmanager_job_restartingTime{${J}}) / 1000`,
              legend: "{{job_name}}",
            },
          ],
        }),
      ],
    },
    {
      title: "Checkpoints",
      panels: [
        timeseries({
          title: "Last checkpoint duration",
          unit: "ms",
          width: 6,
          queries: [
            {
              expr: `max by (job_name) (flink_jobmanager_job_lastCheckpointDuration{${J}})`,
              legend: "{{job_name}}",
            },
          ],
        }),
        timeseries({
          title: "Last checkpoint size",
          description: "Checkpointed size (incremental) and full state size.",
          unit: "bytes",
          width: 6,
          queries: [
            {
              expr: `max by (job_name) (flink_jobmanager_job_lastCheckpointSize{${J}})`,
              legend: "{{job_name}} checkpointed",
            },
            {
              expr: `max by (job_name) (flink_jobmanager_job_lastCheckpointFullSize{${J}})`,
              legend: "{{job_name}} full",
            },
          ],
        }),
        timeseries({
          title: "Completed and failed checkpoints",
          width: 6,
          queries: [
            {
              expr: `sum by (job_name) (increase(flink_jobmanager_job_numberOfCompletedCheckpoints{${J}}[$__rate_interval]))`,
              legend: "{{job_name}} completed",
            },
            {
              expr: `sum by (job_name) (increase(flink_jobmanager_job_numberOfFailedCheckpoints{${J}}[$__rate_interval]))`,
              legend: "{{job_name}} failed",
            },
          ],
        }),
        timeseries({
          title: "Checkpoint start delay",
          description: "How long the first barrier took to reach each task; high values mean backpressure.",
          unit: "ns",
          width: 6,
          queries: [
            {
              expr: `max by (job_name, task_name) (flink_taskmanager_job_task_checkpointStartDelayNanos{${J}})`,
              legend: "{{job_name}} / {{task_name}}",
            },
          ],
        }),
      ],
    },
    ...FLINK_TASK_ROWS,
  ],
};
