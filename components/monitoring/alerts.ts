/**
 * Alert rules (a PrometheusRule) for the Flink clusters (session clusters and application deployments) and their
 * jobs, the SQL Gateways and the history server, the operator and the scraped backing services. Every rule says what
 * broke (`summary`), what it means (`description`) and the first thing to do (`runbook`).
 *
 * Flink exports its counters as gauges that only grow while a job lives, so `increase()` over them is correct (a
 * JobManager restart looks like a counter reset). Rules on Flink series only see what the platform's PodMonitors
 * scrape: those series carry `flink_cluster`, which other Flink deployments in the cluster do not.
 */
import {
  HISTORY_SERVER_NAME,
  HISTORY_SERVER_POD_LABELS,
  sqlGatewayName,
  sqlGatewayPodLabels,
} from "../flink/jobServices";
import {
  FLINK_CLUSTER_LABEL as CLUSTER,
  FLINK_COMPONENT_LABEL as COMPONENT,
  HISTORY_SERVER_POD_MONITOR_NAME,
  MonitoredFlinkCluster,
  MonitoredHistoryServer,
  MonitoredSqlGateway,
  OPERATOR_POD_MONITOR_NAME,
  prometheusJob,
  sqlGatewayPodMonitorName,
} from "./podMonitors";
import { EXPORTERS, ScrapeTarget } from "./scrapeTargets";

export type Severity = "critical" | "warning";

export interface AlertRule {
  readonly alert: string;
  readonly expr: string;
  /** How long the condition must hold before the alert fires. */
  readonly for: string;
  readonly severity: Severity;
  /**
   * Labels besides severity that tell the alerts of a rule made once per cluster or per service apart from those of
   * its siblings (same name): their `absent()` expression yields no label, and Alertmanager would take two alerts
   * with the same labels for one.
   */
  readonly labels?: Readonly<Record<string, string>>;
  readonly summary: string;
  readonly description: string;
  readonly runbook: string;
}

export interface AlertRuleGroup {
  readonly name: string;
  readonly rules: readonly AlertRule[];
}

export interface AlertRuleArgs {
  /**
   * The Flink clusters; each gets its JobManager-down rule, and each application its job-not-running rule (neither
   * for a suspended application).
   */
  readonly clusters: readonly MonitoredFlinkCluster[];
  /** Namespace of the operator the platform installed and scrapes; default none (no operator rules). */
  readonly operatorNamespace?: string;
  /** The backing services' scrape targets; each gets its target-down rule. */
  readonly targets: readonly ScrapeTarget[];
  /** The SQL Gateways; each gets its down rule. Default none. */
  readonly sqlGateways?: readonly MonitoredSqlGateway[];
  /** The history server, when it runs; it gets its down rule. Default none (no history server). */
  readonly historyServer?: MonitoredHistoryServer;
}

const BY_CLUSTER = `namespace, ${CLUSTER}`;
const BY_JOB = `namespace, ${CLUSTER}, job_name`;
const WHERE = "{{ $labels.namespace }}/{{ $labels.flink_cluster }}";

/** `kubectl -l` selector of pods with these labels. */
const podSelector = (labels: Readonly<Record<string, string>>) =>
  Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(",");

/**
 * How long no checkpoint of a job may have completed, while they fail, before FlinkCheckpointsFailing is pending
 * (it fires its `for:` later). Longer than a start: real Flink 1.20 and 2.2 fail every checkpoint triggered before
 * the TaskManagers register (7 in a row at the 60 s default interval on an application start), and so does a job
 * restarted onto a new TaskManager or recovered by a new JobManager; and long enough for a job with a 10-minute
 * interval whose first two checkpoints fail.
 */
export const CHECKPOINT_STREAK_MINUTES = 30;

/**
 * FlinkCheckpointsFailing, three clauses over the last CHECKPOINT_STREAK_MINUTES (`and` and `unless` bind alike,
 * left to right): at least 2 checkpoints failed, `unless` one completed, `and` the job was already reported that
 * long ago.
 *
 * - No completed checkpoint is what makes a failure streak: the state a failure would restart from gets older.
 *   Failures alone (`increase(failed[15m]) >= 3`, the rule before) fired at every start and restart, and on
 *   checkpoints that fail now and then with completions between them; yet never on storage that hangs (one
 *   failure per 10-minute checkpoint timeout) or on a 10-minute interval.
 * - The burst of failures of a restart (task failover; JobManager failover, whose counters start again from 0 on
 *   the same series or on the new leader's) ends while the window still holds the completions from before it.
 * - A new job has no completion to look back on: it must have a series from 30 to 40 minutes ago (the extra 10
 *   bridge the gap of a JobManager failover) before it can fire. So storage unreachable from the first checkpoint
 *   fires 35 minutes after the start, as a streak after hours of healthy checkpoints does 35 minutes after the
 *   last completion: sooner, failures cannot be told from a slow start, and a start whose TaskManagers never come
 *   has FlinkNoTaskManagers and FlinkNoFreeSlots.
 * - 2 failures, not 1: a job whose interval is longer than the window has windows without a completion, and one
 *   failure there is not a streak; not 3: storage that hangs fails only 2 or 3 checkpoints in 30 minutes. (An
 *   interval over 15 minutes fits 2 failures in no window: such a job is not watched.)
 * - `increase()` counts across the counter resets of a failover and `sum` adds the old and the new leader's
 *   series, so `$value` is the number of failures in the window.
 */
function checkpointsFailingExpr(): string {
  const window = `${CHECKPOINT_STREAK_MINUTES}m`;
  const job = (metric: string) => `flink_jobmanager_job_${metric}`;
  return [
    `sum by (${BY_JOB}) (increase(${job("numberOfFailedCheckpoints")}[${window}])) >= 2`,
    `unless on (${BY_JOB}) sum by (${BY_JOB}) (increase(${job("numberOfCompletedCheckpoints")}[${window}])) > 0`,
    `and on (${BY_JOB}) present_over_time(${job("numberOfFailedCheckpoints")}[10m] offset ${window})`,
  ].join("\n");
}

/** Rules that hold for every Flink cluster and job (they group by cluster, or by job). */
function flinkRules(): AlertRule[] {
  // Average checkpoint duration in seconds over a window, optionally ending `offset` ago.
  const avgDuration = (range: string, offset?: string) =>
    `max by (${BY_JOB}) (avg_over_time(flink_jobmanager_job_lastCheckpointDuration[${range}]${offset ? ` offset ${offset}` : ""})) / 1000`;
  return [
    {
      alert: "FlinkNoTaskManagers",
      expr: [
        `sum by (${BY_CLUSTER}) (flink_jobmanager_numRegisteredTaskManagers) == 0`,
        `and on (${BY_CLUSTER}) count by (${BY_CLUSTER}) (flink_jobmanager_job_numRestarts)`,
      ].join("\n"),
      for: "10m",
      severity: "critical",
      summary: `Flink cluster ${WHERE} has jobs but no TaskManager`,
      description:
        "Jobs are submitted to the cluster but no TaskManager has been registered for 10 minutes, so none of them runs.",
      runbook:
        "kubectl -n <namespace> get pods -l app=<cluster>,component=taskmanager; Pending pods mean no room in the cluster (describe one), crashing pods show why in their log.",
    },
    {
      alert: "FlinkNoFreeSlots",
      expr: [
        `sum by (${BY_CLUSTER}) (flink_jobmanager_taskSlotsAvailable) == 0`,
        `and on (${BY_CLUSTER}) sum by (${BY_CLUSTER}) (flink_jobmanager_numPendingTaskManagers) > 0`,
      ].join("\n"),
      for: "10m",
      severity: "warning",
      summary: `Flink cluster ${WHERE} has no free task slot and its new TaskManagers do not start`,
      description:
        "Every task slot is taken and the TaskManagers Flink requested for more have not registered for 10 minutes; new jobs and rescaled jobs wait.",
      runbook:
        "kubectl -n <namespace> get pods -l app=<cluster>,component=taskmanager and describe the Pending ones (node capacity, quota, image pull); add capacity or lower parallelism.",
    },
    {
      alert: "FlinkCheckpointsFailing",
      expr: checkpointsFailingExpr(),
      for: "5m",
      severity: "warning",
      summary: `Checkpoints of job {{ $labels.job_name }} on ${WHERE} keep failing; none has completed for ${CHECKPOINT_STREAK_MINUTES} minutes`,
      description: `{{ $value | printf "%.0f" }} checkpoints failed and none completed in the last ${CHECKPOINT_STREAK_MINUTES} minutes: on a failure the job would restart from a checkpoint at least that old and replay everything since.`,
      runbook:
        "Open the job's Checkpoints tab in the Flink UI for the failure cause (timeout, storage errors, declined tasks); check the checkpoint storage (S3/HDFS) is reachable and not full. 'Not all required tasks are currently running' means its tasks wait for TaskManagers or slots (see FlinkNoTaskManagers, FlinkNoFreeSlots).",
    },
    {
      alert: "FlinkCheckpointDurationGrowing",
      expr: [
        `${avgDuration("30m")} > 2 * (${avgDuration("6h", "30m")})`,
        `and ${avgDuration("30m")} > 30`,
      ].join("\n"),
      for: "30m",
      severity: "warning",
      summary: `Checkpoints of job {{ $labels.job_name }} on ${WHERE} take twice as long as before`,
      description:
        "The last 30 minutes' checkpoints took {{ $value | humanizeDuration }} on average, more than twice the average of the 6 hours before, and over 30 s.",
      runbook:
        "Look for backpressure (checkpoint barriers wait behind records) and state growth in the Flink dashboard; consider unaligned checkpoints, incremental RocksDB checkpoints or more parallelism.",
    },
    {
      alert: "FlinkJobRestarting",
      expr: `sum by (${BY_JOB}) (increase(flink_jobmanager_job_numRestarts[15m])) >= 3`,
      for: "5m",
      severity: "warning",
      summary: `Job {{ $labels.job_name }} on ${WHERE} keeps restarting`,
      description: '{{ $value | printf "%.0f" }} restarts in the last 15 minutes.',
      runbook:
        "Open the job's Exceptions tab in the Flink UI (or the JobManager log) for the root cause; a restart loop usually comes from bad records, a lost dependency or too little memory.",
    },
    {
      // runningTime is 0 while the job is in any other state; a job that ended has no series (FlinkResourcesFailed
      // and FlinkApplicationJobNotRunning see those).
      alert: "FlinkJobNotRunning",
      expr: `max by (${BY_JOB}) (flink_jobmanager_job_runningTime) == 0`,
      for: "10m",
      severity: "warning",
      summary: `Job {{ $labels.job_name }} on ${WHERE} is not running`,
      description:
        "The job has been on its JobManager for 10 minutes without being in the RUNNING state (created, initializing, restarting, failing or cancelling): it processes nothing.",
      runbook:
        "Open the job in the Flink UI: waiting for slots means TaskManagers do not start (kubectl -n <namespace> get pods -l app=<cluster>,component=taskmanager), restarting means a failure loop (Exceptions tab); kubectl -n <namespace> get flinksessionjobs,flinkdeployments shows status.jobStatus and status.error.",
    },
    {
      alert: "FlinkTaskBackPressured",
      expr: `max by (${BY_JOB}, task_name) (flink_taskmanager_job_task_backPressuredTimeMsPerSecond) > 500`,
      for: "15m",
      severity: "warning",
      summary: `Task {{ $labels.task_name }} of job {{ $labels.job_name }} on ${WHERE} is back-pressured`,
      description:
        "A subtask has spent more than half of its time back-pressured for 15 minutes: a downstream task cannot keep up, so throughput drops and latency grows.",
      runbook:
        "Find the first task that is busy but not back-pressured downstream of it (Flink UI BackPressure tab or the dashboard's Backpressure row) and scale or optimise it.",
    },
  ];
}

/** A JobManager per cluster: without its series, the cluster's other rules see nothing, so this one is explicit. */
function jobManagerDownRule(cluster: MonitoredFlinkCluster): AlertRule {
  return {
    alert: "FlinkJobManagerDown",
    expr: `absent(up{namespace="${cluster.namespace}", ${CLUSTER}="${cluster.name}", ${COMPONENT}="jobmanager"} == 1)`,
    for: "5m",
    severity: "critical",
    labels: { namespace: cluster.namespace, [CLUSTER]: cluster.name },
    summary: `JobManager of Flink cluster ${cluster.namespace}/${cluster.name} is down`,
    description:
      "No JobManager of the cluster has answered a metrics scrape for 5 minutes: the REST API, the web UI and job submission are unavailable.",
    runbook: `kubectl -n ${cluster.namespace} get flinkdeployment ${cluster.name} (status.jobManagerDeploymentStatus, status.error) and kubectl -n ${cluster.namespace} describe pod -l app=${cluster.name},component=jobmanager; then the JobManager log.`,
  };
}

/**
 * An application's job: in application mode the operator keeps the JobManager up after the job ends
 * (`execution.shutdown-on-application-finish: false`), and `numRunningJobs` counts the jobs that have not ended.
 */
function applicationJobNotRunningRule(application: MonitoredFlinkCluster): AlertRule {
  const { name, namespace } = application;
  return {
    alert: "FlinkApplicationJobNotRunning",
    expr: `max by (${BY_CLUSTER}) (flink_jobmanager_numRunningJobs{namespace="${namespace}", ${CLUSTER}="${name}"}) == 0`,
    for: "10m",
    severity: "critical",
    labels: { namespace, [CLUSTER]: name },
    summary: `The job of Flink application ${namespace}/${name} is not running`,
    description:
      "The application's JobManager has answered for 10 minutes without a job that has not ended: its job finished, failed or was cancelled, and nothing processes its data.",
    runbook: `kubectl -n ${namespace} get flinkdeployment ${name} (status.jobStatus.state, status.error) and the JobManager log (kubectl -n ${namespace} logs deploy/${name}); fix the cause and change the spec (e.g. spec.restartNonce) to resubmit; a bounded job that finished: suspend or remove the application.`,
  };
}

/** A session cluster's SQL Gateway: its pods serve JVM metrics through the JMX exporter. */
function sqlGatewayDownRule(gateway: MonitoredSqlGateway): AlertRule {
  const { cluster, namespace } = gateway;
  return {
    alert: "FlinkSqlGatewayDown",
    expr: `absent(up{job="${prometheusJob(namespace, sqlGatewayPodMonitorName(gateway))}"} == 1)`,
    for: "5m",
    severity: "warning",
    labels: { namespace, [CLUSTER]: cluster },
    summary: `The SQL Gateway of Flink cluster ${namespace}/${cluster} is down`,
    description:
      "No SQL Gateway pod of the cluster has answered a metrics scrape for 5 minutes: SQL clients cannot open sessions or submit statements; jobs already running go on.",
    runbook: `kubectl -n ${namespace} get pods -l ${podSelector(sqlGatewayPodLabels({ name: cluster }))} and describe or read the log (kubectl -n ${namespace} logs deploy/${sqlGatewayName({ name: cluster })}) of the one not Running/Ready.`,
  };
}

function historyServerDownRule(server: MonitoredHistoryServer): AlertRule {
  const { namespace } = server;
  return {
    alert: "FlinkHistoryServerDown",
    expr: `absent(up{job="${prometheusJob(namespace, HISTORY_SERVER_POD_MONITOR_NAME)}"} == 1)`,
    for: "5m",
    severity: "warning",
    labels: { namespace },
    summary: `The Flink history server in ${namespace} is down`,
    description:
      "The history server has not answered a metrics scrape for 5 minutes: finished jobs cannot be looked at; the clusters keep archiving them on the durable store.",
    runbook: `kubectl -n ${namespace} get pods -l ${podSelector(HISTORY_SERVER_POD_LABELS)} and the log (kubectl -n ${namespace} logs deploy/${HISTORY_SERVER_NAME}); an unreadable archive directory on the durable store is the usual cause.`,
  };
}

function operatorRules(namespace: string): AlertRule[] {
  const by = "resourcens, resourcename, resourcetype";
  return [
    {
      alert: "FlinkOperatorDown",
      expr: `absent(up{job="${prometheusJob(namespace, OPERATOR_POD_MONITOR_NAME)}"} == 1)`,
      for: "5m",
      severity: "critical",
      summary: `The Flink operator in ${namespace} is down`,
      description:
        "The operator has not answered a metrics scrape for 5 minutes: FlinkDeployments are not reconciled (no upgrades, no recovery of failed JobManagers).",
      runbook: `kubectl -n ${namespace} get pods -l app.kubernetes.io/name=flink-kubernetes-operator and the operator log (kubectl -n ${namespace} logs deploy/flink-kubernetes-operator).`,
    },
    {
      alert: "FlinkOperatorReconcileErrors",
      expr: `sum by (${by}) (increase(flink_k8soperator_namespace_resource_JOSDK_Reconciliation_failed_Count[15m])) > 3`,
      for: "5m",
      severity: "warning",
      summary:
        "The Flink operator fails to reconcile {{ $labels.resourcetype }} {{ $labels.resourcens }}/{{ $labels.resourcename }}",
      description:
        '{{ $value | printf "%.0f" }} failed reconciliations in the last 15 minutes; changes to the resource are not applied.',
      runbook:
        "kubectl -n <resourcens> describe <resourcetype> <resourcename> (status.error and events) and the operator log around the failures.",
    },
    {
      alert: "FlinkDeploymentJobManagerFailing",
      expr: [
        "sum by (resourcens) (flink_k8soperator_namespace_JmDeploymentStatus_ERROR_Count)",
        "+ sum by (resourcens) (flink_k8soperator_namespace_JmDeploymentStatus_MISSING_Count) > 0",
      ].join("\n"),
      for: "10m",
      severity: "critical",
      summary: "FlinkDeployments in {{ $labels.resourcens }} have a failed or missing JobManager",
      description:
        "The operator reports {{ $value }} FlinkDeployment(s) whose JobManager deployment is in ERROR or MISSING for 10 minutes.",
      runbook:
        "kubectl -n <resourcens> get flinkdeployments and describe the one not READY (status.error); the JobManager pod events show image, quota or configuration problems.",
    },
    {
      // Lifecycle FAILED: the job failed for good, or the first deployment was refused (operator-api CommonStatus).
      alert: "FlinkResourcesFailed",
      expr: "sum by (resourcens, resourcetype) (flink_k8soperator_namespace_Lifecycle_State_FAILED_Count) > 0",
      for: "5m",
      severity: "critical",
      summary: "{{ $labels.resourcetype }}s in {{ $labels.resourcens }} have failed",
      description:
        'The operator reports {{ $value | printf "%.0f" }} {{ $labels.resourcetype }}(s) FAILED for 5 minutes: a job failed and is not restarted (a failed session job leaves no Flink series to alert on), or a first deployment was refused.',
      runbook:
        "kubectl -n <resourcens> get <resourcetype> and describe the FAILED one (status.lifecycleState, status.jobStatus.state, status.error); fix the cause, then change the spec (e.g. spec.restartNonce) to resubmit.",
    },
  ];
}

function targetRule(target: ScrapeTarget): AlertRule {
  const title = EXPORTERS[target.exporter].title;
  return {
    alert: "FlinkPlatformServiceDown",
    expr: `absent(up{job="${prometheusJob(target.namespace, target.name)}"} == 1)`,
    for: "5m",
    severity: "critical",
    labels: { namespace: target.namespace, job: prometheusJob(target.namespace, target.name) },
    summary: `${title} ${target.namespace}/${target.name} is down`,
    description: `No pod of ${title} ${target.namespace}/${target.name} has answered a metrics scrape for 5 minutes.`,
    runbook: `kubectl -n ${target.namespace} get pods -l ${podSelector(target.podSelector)} and describe or read the log of the one not Running/Ready.`,
  };
}

/** The rule groups of the platform. */
export function alertRuleGroups(args: AlertRuleArgs): AlertRuleGroup[] {
  // A suspended application has no JobManager on purpose.
  const running = args.clusters.filter((c) => !(c.kind === "application" && c.suspended === true));
  const groups: AlertRuleGroup[] = [
    {
      name: "flink-platform.flink",
      rules: [
        ...running.map(jobManagerDownRule),
        ...running.filter((c) => c.kind === "application").map(applicationJobNotRunningRule),
        ...(args.sqlGateways ?? []).map(sqlGatewayDownRule),
        ...(args.historyServer ? [historyServerDownRule(args.historyServer)] : []),
        ...flinkRules(),
      ],
    },
  ];
  if (args.operatorNamespace !== undefined) {
    groups.push({ name: "flink-platform.operator", rules: operatorRules(args.operatorNamespace) });
  }
  if (args.targets.length > 0) {
    groups.push({ name: "flink-platform.services", rules: args.targets.map(targetRule) });
  }
  return groups;
}

/** The `spec` of the PrometheusRule. */
export function prometheusRuleSpec(groups: readonly AlertRuleGroup[]) {
  return {
    groups: groups.map((group) => ({
      name: group.name,
      rules: group.rules.map((rule) => ({
        alert: rule.alert,
        expr: rule.expr,
        for: rule.for,
        labels: { ...rule.labels, severity: rule.severity },
        annotations: { summary: rule.summary, description: rule.description, runbook: rule.runbook },
      })),
    })),
  };
}
