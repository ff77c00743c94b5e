/**
 * For every alert rule of a representative platform (two session clusters in two namespaces, an application
 * deployment, two SQL Gateways, the history server, the operator, MinIO and ZooKeeper): input series that make it
 * fire, with the labels and annotations it must fire with, and near
 * misses (just under a threshold, shorter than its `for:`, or healthy) that must not make it fire.
 *
 * Series carry the labels Prometheus and the PodMonitors give them (namespace, pod, job, instance, ...) plus the
 * ones Flink's reporter adds (job_name, task_name, ...), so a rule that groups or filters by the wrong label fails.
 * Samples come every minute (every `step` minutes where a scenario says so), as do rule evaluations; `1x9 0x20` is
 * ten 1s (0m..9m) then twenty-one 0s (10m..30m). Times are in minutes.
 *
 * The cases of the rules about applications, jobs, SQL Gateways, the history server and failed resources are in
 * jobAlertCases.ts, those of FlinkCheckpointsFailing in checkpointAlertCases.ts, with the same helpers (exported
 * here).
 */
import { AlertRule, AlertRuleArgs, alertRuleGroups } from "../../components/monitoring/alerts";
import {
  flinkPodMonitorName,
  OPERATOR_POD_MONITOR_NAME,
  prometheusJob,
} from "../../components/monitoring/podMonitors";
import { EXPORTERS, ScrapeTarget } from "../../components/monitoring/scrapeTargets";
import { syntheticTarget } from "../support/monitoringFixtures";
import { ExpectedAlert, InputSeries, seriesName } from "./promtool";

export type Cluster = AlertRuleArgs["clusters"][number];

export const SESSION: Cluster = { name: "session", namespace: "flink" };
export const ETL: Cluster = { name: "etl", namespace: "etl" };
/** An application deployment, next to the etl session cluster. */
export const ORDERS: Cluster = { name: "orders", namespace: "etl", kind: "application" };
export const OPERATOR_NAMESPACE = "flink";
const MINIO = syntheticTarget("minio");
const ZOOKEEPER = syntheticTarget("zookeeper");

/** The platform the rules are generated for (the shape of the unit tests' args). */
export const ARGS: AlertRuleArgs = {
  clusters: [SESSION, ETL, ORDERS],
  operatorNamespace: OPERATOR_NAMESPACE,
  targets: [MINIO, ZOOKEEPER],
  sqlGateways: [
    { cluster: SESSION.name, namespace: SESSION.namespace },
    { cluster: ETL.name, namespace: ETL.namespace },
  ],
  historyServer: { namespace: "flink" },
};

export interface Scenario {
  /** What the series show, in words. */
  readonly what: string;
  readonly series: readonly InputSeries[];
  /** Minutes between samples and between rule evaluations; default 1. */
  readonly step?: number;
}

export interface Firing extends Scenario {
  /**
   * The first evaluation at which the alert fires. The suite also checks that it is not firing one evaluation
   * earlier, that it was pending `for:` earlier and not active one evaluation before that.
   */
  readonly firesAt: number;
  /** Every alert of the rule's name that fires then. */
  readonly alerts: readonly ExpectedAlert[];
}

export interface NearMiss extends Scenario {
  /** No alert of the rule's name fires at any evaluation from 0 to this minute. */
  readonly quietUntil: number;
}

export interface AlertCase {
  /** The generated rule under test. */
  readonly rule: AlertRule;
  readonly fires: readonly Firing[];
  readonly nearMisses: readonly NearMiss[];
}

// --- labels of the scraped series -------------------------------------------------------------------------------

export type Labels = Readonly<Record<string, string>>;

/** Target labels of a Flink pod's series: the PodMonitor's relabelings plus what Prometheus Operator adds. */
export function flinkPod(cluster: Cluster, component: "jobmanager" | "taskmanager", index = 0): Labels {
  const subnet = ARGS.clusters.indexOf(cluster) + 1;
  const ip = `10.244.${subnet}.${component === "jobmanager" ? 10 + index : 20 + index}`;
  return {
    namespace: cluster.namespace,
    flink_cluster: cluster.name,
    flink_component: component,
    job: prometheusJob(cluster.namespace, flinkPodMonitorName(cluster.name)),
    pod:
      component === "jobmanager"
        ? `${cluster.name}-6d8f7c9b5-x2k4p`
        : `${cluster.name}-taskmanager-1-${index + 1}`,
    container: "flink-main-container",
    endpoint: "metrics",
    instance: `${ip}:9249`,
    host: ip.replace(/\./g, "_"),
  };
}

/** A job's labels on its JobManager's series. */
export function flinkJob(cluster: Cluster, jobName: string): Labels {
  return {
    ...flinkPod(cluster, "jobmanager"),
    job_id: "9c3a1f0e5b7d4c2a8e6f1b3d5a7c9e0f",
    job_name: jobName,
  };
}

/** A subtask's labels on its TaskManager's series. */
function flinkSubtask(cluster: Cluster, jobName: string, taskName: string, subtask: number): Labels {
  return {
    ...flinkPod(cluster, "taskmanager", subtask),
    tm_id: `${cluster.name}_taskmanager_1_${subtask + 1}`,
    job_id: "9c3a1f0e5b7d4c2a8e6f1b3d5a7c9e0f",
    job_name: jobName,
    task_id: "cbc357ccb763df2852fee8c4fc7d55f2",
    task_name: taskName,
    task_attempt_id: `a1b2c3d4e5f60718293a4b5c6d7e8f9${subtask}`,
    task_attempt_num: "0",
    subtask_index: String(subtask),
  };
}

export const OPERATOR_POD: Labels = {
  namespace: OPERATOR_NAMESPACE,
  job: prometheusJob(OPERATOR_NAMESPACE, OPERATOR_POD_MONITOR_NAME),
  pod: "flink-kubernetes-operator-7f9c8d6b4-q8w2e",
  container: "flink-kubernetes-operator",
  endpoint: "metrics",
  instance: "10.244.3.5:9999",
  host: "10_244_3_5",
};

/** Labels of the operator's per-namespace (and with a name, per-resource) series about FlinkDeployments. */
export function operatorResource(resourcens: string, resourcename?: string): Labels {
  return {
    ...OPERATOR_POD,
    resourcetype: "FlinkDeployment",
    resourcens,
    ...(resourcename === undefined ? {} : { resourcename }),
  };
}

function targetPod(target: ScrapeTarget): Labels {
  return {
    namespace: target.namespace,
    job: prometheusJob(target.namespace, target.name),
    pod: `${target.name}-0`,
    container: target.name,
    endpoint: target.port,
    instance: `10.244.4.${target.exporter === "minio" ? 7 : 8}:${target.exporter === "minio" ? 9000 : 7000}`,
  };
}

export const s = (name: string, labels: Labels, values: string): InputSeries => ({
  series: seriesName(name, labels),
  values,
});
export const up = (labels: Labels, values: string) => s("up", labels, values);

// --- expected alerts --------------------------------------------------------------------------------------------

type Annotation = "summary" | "description" | "runbook";

/**
 * An alert of `rule` with these labels (all but alertname, written out) and annotations. An annotation that is
 * plain text in the rule is expected verbatim; one that is a template must be spelled out as it renders.
 */
export function alert(
  rule: AlertRule,
  labels: Labels,
  rendered: Partial<Record<Annotation, string>> = {},
): ExpectedAlert {
  const annotation = (key: Annotation) => {
    const text = rendered[key] ?? rule[key];
    if (rendered[key] === undefined && text.includes("{{")) {
      throw new Error(`${rule.alert}: its ${key} is a template; spell out what it renders to`);
    }
    return text;
  };
  return {
    exp_labels: labels,
    exp_annotations: {
      summary: annotation("summary"),
      description: annotation("description"),
      runbook: annotation("runbook"),
    },
  };
}

// --- the cases --------------------------------------------------------------------------------------------------

/** The one generated rule with this alert name (and, for rules made once per cluster or target, this in its expr). */
export type RulePicker = (alert: string, exprIncludes?: string) => AlertRule;

/**
 * The labels a "down" alert fires with: `absent(up{...} == 1)` yields none, so they are the rule's own (severity,
 * plus, for the rules made once per cluster or per service, the ones that tell it apart from its siblings).
 */
export function downLabels(labels: Labels = {}): Labels {
  return { ...labels, severity: "critical" };
}

function jobManagerLabels(cluster: Cluster): Labels {
  return downLabels({ namespace: cluster.namespace, flink_cluster: cluster.name });
}

function serviceLabels(target: ScrapeTarget): Labels {
  return downLabels({ namespace: target.namespace, job: prometheusJob(target.namespace, target.name) });
}

/** The per-cluster JobManager-down rule of `cluster`. */
export function jobManagerDownRule(rule: RulePicker, cluster: Cluster): AlertRule {
  return rule("FlinkJobManagerDown", `namespace="${cluster.namespace}", flink_cluster="${cluster.name}"`);
}

/** The per-target service-down rule of `target`. */
export function serviceDownRule(rule: RulePicker, target: ScrapeTarget): AlertRule {
  return rule("FlinkPlatformServiceDown", `job="${prometheusJob(target.namespace, target.name)}"`);
}

function jobManagerDown(rule: RulePicker, cluster: Cluster): AlertCase {
  const r = jobManagerDownRule(rule, cluster);
  // With Kubernetes HA (prod: jobManager.replicas 2) a standby JobManager is scraped as well.
  const standby = { ...flinkPod(cluster, "jobmanager", 1), pod: `${cluster.name}-6d8f7c9b5-m7n3r` };
  // Its TaskManager and every other cluster answer.
  const others = ARGS.clusters.filter((c) => c !== cluster);
  const healthy = [
    up(flinkPod(cluster, "taskmanager"), "1x40"),
    ...others.flatMap((other) => [
      up(flinkPod(other, "jobmanager"), "1x40"),
      up(flinkPod(other, "taskmanager"), "1x40"),
    ]),
  ];
  return {
    rule: r,
    fires: [
      {
        what: "the JobManager fails its scrapes (up 0) from 10m; its TaskManager and the other clusters answer",
        series: [up(flinkPod(cluster, "jobmanager"), "1x9 0x30"), ...healthy],
        firesAt: 15,
        alerts: [alert(r, jobManagerLabels(cluster))],
      },
      {
        what: "the JobManager's target is gone (last sample at 9m; stale after the 5m lookback, at 14m)",
        series: [up(flinkPod(cluster, "jobmanager"), "1x9"), ...healthy],
        firesAt: 19,
        alerts: [alert(r, jobManagerLabels(cluster))],
      },
      {
        what: "both JobManagers of an HA pair fail their scrapes, one from 10m, the other from 12m",
        series: [up(flinkPod(cluster, "jobmanager"), "1x9 0x30"), up(standby, "1x11 0x28"), ...healthy],
        firesAt: 17,
        alerts: [alert(r, jobManagerLabels(cluster))],
      },
    ],
    nearMisses: [
      {
        what: "one JobManager of an HA pair fails its scrapes from 10m; the other answers",
        series: [up(flinkPod(cluster, "jobmanager"), "1x9 0x30"), up(standby, "1x40"), ...healthy],
        quietUntil: 40,
      },
      {
        what: "every JobManager answers",
        series: [up(flinkPod(cluster, "jobmanager"), "1x40"), ...healthy],
        quietUntil: 40,
      },
      {
        what: "the JobManager is down for 5 evaluations (10m..14m), one short of its for: 5m",
        series: [up(flinkPod(cluster, "jobmanager"), "1x9 0x4 1x25"), ...healthy],
        quietUntil: 40,
      },
    ],
  };
}

function serviceDown(rule: RulePicker, target: ScrapeTarget, other: ScrapeTarget): AlertCase {
  const r = serviceDownRule(rule, target);
  const title = EXPORTERS[target.exporter].title;
  const healthy = [up(targetPod(other), "1x40")];
  return {
    rule: r,
    fires: [
      {
        what: `${title} fails its scrapes from 10m; the other service answers`,
        series: [up(targetPod(target), "1x9 0x30"), ...healthy],
        firesAt: 15,
        alerts: [alert(r, serviceLabels(target))],
      },
      {
        what: `${title}'s target is gone (last sample at 9m)`,
        series: [up(targetPod(target), "1x9"), ...healthy],
        firesAt: 19,
        alerts: [alert(r, serviceLabels(target))],
      },
    ],
    nearMisses: [
      { what: "both services answer", series: [up(targetPod(target), "1x40"), ...healthy], quietUntil: 40 },
      {
        what: `${title} is down for 5 evaluations, one short of its for: 5m`,
        series: [up(targetPod(target), "1x9 0x4 1x25"), ...healthy],
        quietUntil: 40,
      },
    ],
  };
}

/** One case per generated rule but those of jobAlertCases.ts and checkpointAlertCases.ts; `rule` picks them. */
export function alertCases(rule: RulePicker): AlertCase[] {
  const session = (labels: Labels) => ({
    namespace: SESSION.namespace,
    flink_cluster: SESSION.name,
    ...labels,
  });
  const where = `${SESSION.namespace}/${SESSION.name}`;

  const noTaskManagers = rule("FlinkNoTaskManagers");
  const noFreeSlots = rule("FlinkNoFreeSlots");
  const durationGrowing = rule("FlinkCheckpointDurationGrowing");
  const restarting = rule("FlinkJobRestarting");
  const backPressured = rule("FlinkTaskBackPressured");
  const operatorDown = rule("FlinkOperatorDown");
  const reconcileErrors = rule("FlinkOperatorReconcileErrors");
  const jmFailing = rule("FlinkDeploymentJobManagerFailing");

  const jm = flinkPod(SESSION, "jobmanager");
  const etlJm = flinkPod(ETL, "jobmanager");
  const wordcount = flinkJob(SESSION, "wordcount");
  const etlJob = flinkJob(ETL, "ingest");

  // A healthy second cluster next to the session one: one TaskManager, free slots, a job without trouble.
  const etlHealthy = [
    s("flink_jobmanager_numRegisteredTaskManagers", etlJm, "1x40"),
    s("flink_jobmanager_taskSlotsAvailable", etlJm, "2x40"),
    s("flink_jobmanager_numPendingTaskManagers", etlJm, "0x40"),
    s("flink_jobmanager_job_numRestarts", etlJob, "0x40"),
  ];

  const restarts = (values: string) => [
    s("flink_jobmanager_job_numRestarts", wordcount, values),
    s("flink_jobmanager_job_numRestarts", etlJob, "0x70"),
  ];
  // Milliseconds, a sample every 5 minutes (the rule looks 6h30m back): 0m..395m at `before`, 400m..470m at `after`.
  const checkpointDuration = (before: number, after: number) => [
    s("flink_jobmanager_job_lastCheckpointDuration", wordcount, `${before}x79 ${after}x14`),
    s("flink_jobmanager_job_lastCheckpointDuration", etlJob, "10000x94"),
  ];
  const backPressure = (subtask0: string) => [
    s(
      "flink_taskmanager_job_task_backPressuredTimeMsPerSecond",
      flinkSubtask(SESSION, "wordcount", "Map", 0),
      subtask0,
    ),
    s(
      "flink_taskmanager_job_task_backPressuredTimeMsPerSecond",
      flinkSubtask(SESSION, "wordcount", "Map", 1),
      "100x40",
    ),
    s(
      "flink_taskmanager_job_task_backPressuredTimeMsPerSecond",
      flinkSubtask(ETL, "ingest", "Map", 0),
      "100x40",
    ),
  ];
  const reconcileFailures = (values: string) => [
    s(
      "flink_k8soperator_namespace_resource_JOSDK_Reconciliation_failed_Count",
      operatorResource("etl", "etl"),
      values,
    ),
    s(
      "flink_k8soperator_namespace_resource_JOSDK_Reconciliation_failed_Count",
      operatorResource("flink", "session"),
      "0x70",
    ),
  ];
  const jmStatus = (
    namespace: string,
    counts: { error: string; missing: string; ready?: string; deploying?: string },
  ) => [
    s(
      "flink_k8soperator_namespace_JmDeploymentStatus_ERROR_Count",
      operatorResource(namespace),
      counts.error,
    ),
    s(
      "flink_k8soperator_namespace_JmDeploymentStatus_MISSING_Count",
      operatorResource(namespace),
      counts.missing,
    ),
    s(
      "flink_k8soperator_namespace_JmDeploymentStatus_READY_Count",
      operatorResource(namespace),
      counts.ready ?? "1x40",
    ),
    s(
      "flink_k8soperator_namespace_JmDeploymentStatus_DEPLOYING_Count",
      operatorResource(namespace),
      counts.deploying ?? "0x40",
    ),
  ];

  return [
    ...ARGS.clusters.map((cluster) => jobManagerDown(rule, cluster)),

    {
      rule: noTaskManagers,
      fires: [
        {
          what: "the session cluster loses both TaskManagers at 10m while its job stays submitted",
          series: [
            s("flink_jobmanager_numRegisteredTaskManagers", jm, "2x9 0x30"),
            s("flink_jobmanager_job_numRestarts", wordcount, "0x40"),
            ...etlHealthy,
          ],
          firesAt: 20,
          alerts: [
            alert(noTaskManagers, session({ severity: "critical" }), {
              summary: `Flink cluster ${where} has jobs but no TaskManager`,
            }),
          ],
        },
      ],
      nearMisses: [
        {
          what: "no TaskManager, but no job either (an idle session cluster)",
          series: [s("flink_jobmanager_numRegisteredTaskManagers", jm, "0x40"), ...etlHealthy],
          quietUntil: 40,
        },
        {
          what: "one TaskManager of two is left",
          series: [
            s("flink_jobmanager_numRegisteredTaskManagers", jm, "2x9 1x30"),
            s("flink_jobmanager_job_numRestarts", wordcount, "0x40"),
            ...etlHealthy,
          ],
          quietUntil: 40,
        },
      ],
    },

    {
      rule: noFreeSlots,
      fires: [
        {
          what: "the last free slot is taken at 10m and a requested TaskManager stays pending",
          series: [
            s("flink_jobmanager_taskSlotsAvailable", jm, "4x9 0x30"),
            s("flink_jobmanager_numPendingTaskManagers", jm, "0x9 1x30"),
            ...etlHealthy,
          ],
          firesAt: 20,
          alerts: [
            alert(noFreeSlots, session({ severity: "warning" }), {
              summary: `Flink cluster ${where} has no free task slot and its new TaskManagers do not start`,
            }),
          ],
        },
      ],
      nearMisses: [
        {
          what: "every slot is taken, but no TaskManager is pending",
          series: [
            s("flink_jobmanager_taskSlotsAvailable", jm, "4x9 0x30"),
            s("flink_jobmanager_numPendingTaskManagers", jm, "0x40"),
            ...etlHealthy,
          ],
          quietUntil: 40,
        },
        {
          what: "one slot is left while a TaskManager is pending",
          series: [
            s("flink_jobmanager_taskSlotsAvailable", jm, "4x9 1x30"),
            s("flink_jobmanager_numPendingTaskManagers", jm, "0x9 1x30"),
            ...etlHealthy,
          ],
          quietUntil: 40,
        },
      ],
    },

    {
      rule: durationGrowing,
      fires: [
        {
          // The last 30 minutes (6 samples) average 35 s from 410m: over 30 s and twice the 6 hours before.
          what: "checkpoints take 10 s for 6h40m, then 60 s from 400m",
          series: checkpointDuration(10000, 60000),
          step: 5,
          firesAt: 440,
          alerts: [
            alert(durationGrowing, session({ job_name: "wordcount", severity: "warning" }), {
              summary: `Checkpoints of job wordcount on ${where} take twice as long as before`,
              description:
                "The last 30 minutes' checkpoints took 1m 0s on average, more than twice the average of the 6 hours before, and over 30 s.",
            }),
          ],
        },
      ],
      nearMisses: [
        {
          what: "checkpoints take 2.5 times as long (10 s to 25 s), but stay under 30 s",
          series: checkpointDuration(10000, 25000),
          step: 5,
          quietUntil: 470,
        },
        {
          what: "checkpoints take over 30 s (20 s to 39 s), but less than twice as long",
          series: checkpointDuration(20000, 39000),
          step: 5,
          quietUntil: 470,
        },
      ],
    },

    {
      rule: restarting,
      fires: [
        {
          what: "the job restarts 3 times, at 31m..33m",
          series: restarts("0x30 1+1x2 3x36"),
          firesAt: 38,
          alerts: [
            alert(restarting, session({ job_name: "wordcount", severity: "warning" }), {
              summary: `Job wordcount on ${where} keeps restarting`,
              description: "3 restarts in the last 15 minutes.",
            }),
          ],
        },
      ],
      nearMisses: [
        { what: "the job restarts twice (31m, 32m)", series: restarts("0x30 1 2x39"), quietUntil: 70 },
        {
          what: "the job restarts 3 times, but 10 minutes apart (31m, 41m, 51m)",
          series: restarts("0x30 1x9 2x9 3x20"),
          quietUntil: 70,
        },
      ],
    },

    {
      rule: backPressured,
      fires: [
        {
          what: "one subtask of Map is back-pressured 800 ms/s from 10m; the other subtask 100 ms/s",
          series: backPressure("100x9 800x30"),
          firesAt: 25,
          alerts: [
            alert(backPressured, session({ job_name: "wordcount", task_name: "Map", severity: "warning" }), {
              summary: `Task Map of job wordcount on ${where} is back-pressured`,
            }),
          ],
        },
      ],
      nearMisses: [
        {
          what: "the subtask is back-pressured exactly half the time (500 ms/s)",
          series: backPressure("100x9 500x30"),
          quietUntil: 40,
        },
        {
          what: "the subtask is back-pressured for 15 evaluations (10m..24m), one short of its for: 15m",
          series: backPressure("100x9 800x14 100x15"),
          quietUntil: 40,
        },
      ],
    },

    {
      rule: operatorDown,
      fires: [
        {
          what: "the operator fails its scrapes from 10m",
          series: [up(OPERATOR_POD, "1x9 0x30")],
          firesAt: 15,
          alerts: [alert(operatorDown, downLabels())],
        },
        {
          what: "the operator's target is gone (last sample at 9m)",
          series: [up(OPERATOR_POD, "1x9")],
          firesAt: 19,
          alerts: [alert(operatorDown, downLabels())],
        },
      ],
      nearMisses: [
        {
          what: "the operator answers; a pod of another job in its namespace does not",
          series: [
            up(OPERATOR_POD, "1x40"),
            up({ ...OPERATOR_POD, job: prometheusJob(OPERATOR_NAMESPACE, "other"), pod: "other-0" }, "0x40"),
          ],
          quietUntil: 40,
        },
        {
          what: "the operator is down for 5 evaluations, one short of its for: 5m",
          series: [up(OPERATOR_POD, "1x9 0x4 1x25")],
          quietUntil: 40,
        },
      ],
    },

    {
      rule: reconcileErrors,
      fires: [
        {
          // The counter has history (2 earlier failures), so increase() extrapolates: 3 failures in the window give
          // 3.21 (> 3) at 33m, 4 give 4.29 at 38m, which the description rounds.
          what: "FlinkDeployment etl/etl has failed 2 reconciliations before; 4 more fail at 31m..34m",
          series: reconcileFailures("2x30 3+1x3 6x35"),
          firesAt: 38,
          alerts: [
            alert(
              reconcileErrors,
              {
                resourcens: "etl",
                resourcename: "etl",
                resourcetype: "FlinkDeployment",
                severity: "warning",
              },
              {
                summary: "The Flink operator fails to reconcile FlinkDeployment etl/etl",
                description:
                  "4 failed reconciliations in the last 15 minutes; changes to the resource are not applied.",
              },
            ),
          ],
        },
      ],
      nearMisses: [
        {
          what: "3 reconciliations fail (31m..33m) on a counter that starts at 0",
          series: reconcileFailures("0x30 1+1x2 3x36"),
          quietUntil: 70,
        },
        {
          what: "2 reconciliations fail (31m, 32m) on a counter that already counts 2",
          series: reconcileFailures("2x30 3 4x39"),
          quietUntil: 70,
        },
      ],
    },

    {
      rule: jmFailing,
      fires: [
        {
          what: "a FlinkDeployment in etl has its JobManager in ERROR from 10m",
          series: [
            ...jmStatus("etl", { error: "0x9 1x30", missing: "0x40" }),
            ...jmStatus("flink", { error: "0x40", missing: "0x40" }),
          ],
          firesAt: 20,
          alerts: [
            alert(
              jmFailing,
              { resourcens: "etl", severity: "critical" },
              {
                summary: "FlinkDeployments in etl have a failed or missing JobManager",
                description:
                  "The operator reports 1 FlinkDeployment(s) whose JobManager deployment is in ERROR or MISSING for 10 minutes.",
              },
            ),
          ],
        },
        {
          what: "in flink, one FlinkDeployment's JobManager is in ERROR and another's MISSING from 10m",
          series: [
            ...jmStatus("etl", { error: "0x40", missing: "0x40" }),
            ...jmStatus("flink", { error: "0x9 1x30", missing: "0x9 1x30", ready: "3x9 1x30" }),
          ],
          firesAt: 20,
          alerts: [
            alert(
              jmFailing,
              { resourcens: "flink", severity: "critical" },
              {
                summary: "FlinkDeployments in flink have a failed or missing JobManager",
                description:
                  "The operator reports 2 FlinkDeployment(s) whose JobManager deployment is in ERROR or MISSING for 10 minutes.",
              },
            ),
          ],
        },
      ],
      nearMisses: [
        {
          what: "every JobManager is READY or DEPLOYING",
          series: [
            ...jmStatus("etl", { error: "0x40", missing: "0x40", deploying: "0x9 1x30" }),
            ...jmStatus("flink", { error: "0x40", missing: "0x40" }),
          ],
          quietUntil: 40,
        },
        {
          what: "a JobManager is MISSING for 10 evaluations (10m..19m, an upgrade), one short of its for: 10m",
          series: [
            ...jmStatus("etl", { error: "0x40", missing: "0x9 1x9 0x20" }),
            ...jmStatus("flink", { error: "0x40", missing: "0x40" }),
          ],
          quietUntil: 40,
        },
      ],
    },

    ...ARGS.targets.map((target) => serviceDown(rule, target, target === MINIO ? ZOOKEEPER : MINIO)),
  ];
}

// --- the rules under test ---------------------------------------------------------------------------------------

/** The rule groups the program makes for ARGS, and their rules. */
export const RULE_GROUPS = alertRuleGroups(ARGS);
export const RULES: readonly AlertRule[] = RULE_GROUPS.flatMap((group) => group.rules);

/** Picks from RULES; throws unless exactly one rule matches. */
export const pickRule: RulePicker = (alert, exprIncludes) => {
  const found = RULES.filter(
    (r) => r.alert === alert && (exprIncludes === undefined || r.expr.includes(exprIncludes)),
  );
  if (found.length !== 1) {
    throw new Error(
      `${found.length} generated rules are ${alert}${exprIncludes ? ` with ${exprIncludes}` : ""}`,
    );
  }
  return found[0];
};

/** The cases, one per rule of RULES. */
export const ALERT_CASES: readonly AlertCase[] = alertCases(pickRule);
