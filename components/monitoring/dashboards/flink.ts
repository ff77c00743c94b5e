/**
 * The Flink dashboard: every Flink cluster the platform scrapes (session clusters with their session jobs, and
 * application deployments), filtered by namespace, cluster and job.
 */
import { DashboardSpec, Query, stat, timeseries } from "../grafana";
import { FLINK_JOB_STATES } from "../metrics";
import { C, FLINK_TASK_ROWS, J } from "./flinkTaskRows";

/** One series per job, whatever its state (every job has a restart count). */
const BY_JOB = "namespace, flink_cluster, job_name";

/** How many of the chosen jobs are in `state` (its `<state>Time` gauge is above 0 only then). */
const jobsInState = (state: string): Query => ({
  expr: `count(max by (${BY_JOB}) (flink_jobmanager_job_${state}Time{${J}}) > 0) or vector(0)`,
  legend: state,
});

export const FLINK_DASHBOARD: DashboardSpec = {
  uid: "flink-platform-flink",
  title: "Flink clusters",
  description:
    "Session clusters and application deployments of the Flink platform: capacity, jobs, checkpoints, throughput, backpressure and TaskManager JVMs (Flink Prometheus reporter).",
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
        stat({
          title: "Jobs",
          description:
            "Jobs on the chosen clusters that have not ended (session jobs and applications' jobs).",
          width: 6,
          queries: [
            { expr: `count(max by (${BY_JOB}) (flink_jobmanager_job_numRestarts{${J}})) or vector(0)` },
          ],
        }),
        stat({
          title: "Jobs not running",
          description: "Jobs that are on their JobManager but not in the RUNNING state.",
          width: 6,
          redFrom: 1,
          queries: [
            {
              expr: `count(max by (${BY_JOB}) (flink_jobmanager_job_runningTime{${J}}) == 0) or vector(0)`,
            },
          ],
        }),
        stat({
          title: "Restarts in the last hour",
          width: 6,
          redFrom: 1,
          queries: [{ expr: `sum(increase(flink_jobmanager_job_numRestarts{${J}}[1h])) or vector(0)` }],
        }),
        stat({
          title: "Failed checkpoints in the last hour",
          width: 6,
          redFrom: 1,
          queries: [
            { expr: `sum(increase(flink_jobmanager_job_numberOfFailedCheckpoints{${J}}[1h])) or vector(0)` },
          ],
        }),
        timeseries({
          title: "Jobs by state",
          description: "A job in no state shown here has ended: finished, failed, cancelled or suspended.",
          width: 12,
          stacked: true,
          queries: FLINK_JOB_STATES.map(jobsInState),
        }),
        timeseries({
          title: "Jobs per cluster",
          description:
            "Jobs of each cluster that have not ended; an application deployment at 0 has its job finished, failed or cancelled.",
          width: 12,
          min: 0,
          queries: [
            {
              expr: `max by (namespace, flink_cluster) (flink_jobmanager_numRunningJobs{${C}})`,
              legend: "{{namespace}}/{{flink_cluster}}",
            },
          ],
        }),
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
