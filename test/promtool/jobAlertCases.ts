/**
 * The cases (series that fire each rule, near misses that must not) of the rules about what runs on the clusters and
 * beside them: an application's job, every job's state, the SQL Gateways, the history server, and the resources the
 * operator reports FAILED. Same platform (alertCases.ts ARGS), same helpers and notation as alertCases.ts.
 */
import { AlertRule } from "../../components/monitoring/alerts";
import {
  HISTORY_SERVER_POD_MONITOR_NAME,
  MonitoredSqlGateway,
  prometheusJob,
  sqlGatewayPodMonitorName,
} from "../../components/monitoring/podMonitors";
import {
  alert,
  ALERT_CASES,
  AlertCase,
  ARGS,
  Cluster,
  ETL,
  flinkJob,
  flinkPod,
  Labels,
  operatorResource,
  ORDERS,
  pickRule,
  RulePicker,
  s,
  SESSION,
  up,
} from "./alertCases";
import { CHECKPOINT_ALERT_CASES } from "./checkpointAlertCases";

const GATEWAYS = ARGS.sqlGateways ?? [];
const HISTORY_SERVER = ARGS.historyServer ?? { namespace: "flink" };

// --- labels of the scraped series -------------------------------------------------------------------------------

/** Target labels of a SQL Gateway pod's series: its PodMonitor's relabelings plus what Prometheus Operator adds. */
function gatewayPod(gateway: MonitoredSqlGateway): Labels {
  const name = sqlGatewayPodMonitorName(gateway);
  return {
    namespace: gateway.namespace,
    flink_cluster: gateway.cluster,
    flink_component: "flink-sql-gateway",
    job: prometheusJob(gateway.namespace, name),
    pod: `${name}-7c9d8f6b5-k2m4n`,
    container: "sql-gateway",
    endpoint: "metrics",
    instance: `10.244.5.${GATEWAYS.indexOf(gateway) + 10}:9249`,
  };
}

const HISTORY_SERVER_POD: Labels = {
  namespace: HISTORY_SERVER.namespace,
  flink_component: "flink-history-server",
  job: prometheusJob(HISTORY_SERVER.namespace, HISTORY_SERVER_POD_MONITOR_NAME),
  pod: `${HISTORY_SERVER_POD_MONITOR_NAME}-5b8c7d9f4-p3q7r`,
  container: "history-server",
  endpoint: "metrics",
  instance: "10.244.6.10:9249",
};

/** The operator's per-namespace series about one kind of resource. */
const operatorKind = (resourcens: string, resourcetype: "FlinkDeployment" | "FlinkSessionJob"): Labels => ({
  ...operatorResource(resourcens),
  resourcetype,
});

// --- the cases --------------------------------------------------------------------------------------------------

/** The SQL Gateway-down rule of `gateway`. */
export function sqlGatewayDownRule(rule: RulePicker, gateway: MonitoredSqlGateway): AlertRule {
  return rule(
    "FlinkSqlGatewayDown",
    `job="${prometheusJob(gateway.namespace, sqlGatewayPodMonitorName(gateway))}"`,
  );
}

/** The labels a SQL Gateway-down alert fires with: the rule's own. */
export function sqlGatewayLabels(gateway: MonitoredSqlGateway): Labels {
  return { namespace: gateway.namespace, flink_cluster: gateway.cluster, severity: "warning" };
}

function sqlGatewayDown(
  rule: RulePicker,
  gateway: MonitoredSqlGateway,
  other: MonitoredSqlGateway,
): AlertCase {
  const r = sqlGatewayDownRule(rule, gateway);
  const cluster = gateway.cluster === SESSION.name ? SESSION : ETL;
  const healthy = [
    up(gatewayPod(other), "1x40"),
    up(flinkPod(cluster, "jobmanager"), "1x40"),
    up(HISTORY_SERVER_POD, "1x40"),
  ];
  const where = `${gateway.namespace}/${gateway.cluster}`;
  return {
    rule: r,
    fires: [
      {
        what: `the SQL Gateway of ${where} fails its scrapes from 10m; its cluster and the other gateway answer`,
        series: [up(gatewayPod(gateway), "1x9 0x30"), ...healthy],
        firesAt: 15,
        alerts: [alert(r, sqlGatewayLabels(gateway))],
      },
      {
        what: `the SQL Gateway of ${where} is gone (last sample at 9m; stale after the 5m lookback, at 14m)`,
        series: [up(gatewayPod(gateway), "1x9"), ...healthy],
        firesAt: 19,
        alerts: [alert(r, sqlGatewayLabels(gateway))],
      },
    ],
    nearMisses: [
      {
        what: "every gateway answers",
        series: [up(gatewayPod(gateway), "1x40"), ...healthy],
        quietUntil: 40,
      },
      {
        what: "the gateway is down for 5 evaluations (10m..14m), one short of its for: 5m",
        series: [up(gatewayPod(gateway), "1x9 0x4 1x25"), ...healthy],
        quietUntil: 40,
      },
      {
        what: "its cluster's JobManager is down, the gateway answers",
        series: [
          up(gatewayPod(gateway), "1x40"),
          up(gatewayPod(other), "1x40"),
          up(flinkPod(cluster, "jobmanager"), "1x9 0x30"),
        ],
        quietUntil: 40,
      },
    ],
  };
}

/** One case per rule of this file's kinds; `rule` picks the generated rules. */
export function jobAlertCases(rule: RulePicker): AlertCase[] {
  const applicationNotRunning = rule("FlinkApplicationJobNotRunning");
  const jobNotRunning = rule("FlinkJobNotRunning");
  const historyServerDown = rule("FlinkHistoryServerDown");
  const resourcesFailed = rule("FlinkResourcesFailed");

  const numRunningJobs = (cluster: Cluster, values: string) =>
    s("flink_jobmanager_numRunningJobs", flinkPod(cluster, "jobmanager"), values);
  // Milliseconds in RUNNING, one sample a minute, while the job runs; 0 while it is in another state.
  const runningTime = (cluster: Cluster, job: string, values: string) =>
    s("flink_jobmanager_job_runningTime", flinkJob(cluster, job), values);
  const RUNNING = "60000+60000x40";
  const otherJobs = [
    runningTime(SESSION, "sessionize", RUNNING),
    runningTime(ETL, "ingest", RUNNING),
    runningTime(ORDERS, "orders", RUNNING),
  ];
  const failedCount = (
    resourcens: string,
    resourcetype: "FlinkDeployment" | "FlinkSessionJob",
    values: string,
  ) =>
    s(
      "flink_k8soperator_namespace_Lifecycle_State_FAILED_Count",
      operatorKind(resourcens, resourcetype),
      values,
    );
  const stableCount = (
    resourcens: string,
    resourcetype: "FlinkDeployment" | "FlinkSessionJob",
    values: string,
  ) =>
    s(
      "flink_k8soperator_namespace_Lifecycle_State_STABLE_Count",
      operatorKind(resourcens, resourcetype),
      values,
    );
  const othersHealthy = [
    failedCount("flink", "FlinkDeployment", "0x40"),
    failedCount("etl", "FlinkSessionJob", "0x40"),
    stableCount("flink", "FlinkDeployment", "1x40"),
    stableCount("flink", "FlinkSessionJob", "2x40"),
    stableCount("etl", "FlinkDeployment", "2x40"),
  ];

  return [
    {
      rule: applicationNotRunning,
      fires: [
        {
          what: "the application's job ends at 10m while its JobManager stays up; an idle session cluster has no job either",
          series: [
            numRunningJobs(ORDERS, "1x9 0x30"),
            numRunningJobs(SESSION, "0x40"),
            numRunningJobs(ETL, "2x40"),
          ],
          firesAt: 20,
          alerts: [
            alert(applicationNotRunning, {
              namespace: ORDERS.namespace,
              flink_cluster: ORDERS.name,
              severity: "critical",
            }),
          ],
        },
      ],
      nearMisses: [
        {
          what: "the application runs its job; the idle session cluster has none (not an application)",
          series: [numRunningJobs(ORDERS, "1x40"), numRunningJobs(SESSION, "0x40")],
          quietUntil: 40,
        },
        {
          what: "the job is resubmitted after 10 evaluations without one (10m..19m), one short of its for: 10m",
          series: [numRunningJobs(ORDERS, "1x9 0x9 1x21"), numRunningJobs(SESSION, "0x40")],
          quietUntil: 40,
        },
        {
          what: "the application's JobManager is gone from 10m (FlinkJobManagerDown's case: no series here)",
          series: [numRunningJobs(ORDERS, "1x9"), numRunningJobs(SESSION, "0x40")],
          quietUntil: 40,
        },
      ],
    },

    {
      rule: jobNotRunning,
      fires: [
        {
          what: "job wordcount leaves RUNNING at 10m and stays out (restarting); the other jobs run",
          series: [runningTime(SESSION, "wordcount", "60000+60000x9 0x30"), ...otherJobs],
          firesAt: 20,
          alerts: [
            alert(
              jobNotRunning,
              {
                namespace: SESSION.namespace,
                flink_cluster: SESSION.name,
                job_name: "wordcount",
                severity: "warning",
              },
              { summary: `Job wordcount on ${SESSION.namespace}/${SESSION.name} is not running` },
            ),
          ],
        },
      ],
      nearMisses: [
        {
          what: "every job runs",
          series: [runningTime(SESSION, "wordcount", RUNNING), ...otherJobs],
          quietUntil: 40,
        },
        {
          what: "the job is out of RUNNING for 10 evaluations (10m..19m, a restart), one short of its for: 10m",
          series: [runningTime(SESSION, "wordcount", "60000+60000x9 0x9 60000+60000x20"), ...otherJobs],
          quietUntil: 40,
        },
        {
          what: "the job ends at 10m: its series are gone (the operator's FAILED count tells)",
          series: [runningTime(SESSION, "wordcount", "60000+60000x9"), ...otherJobs],
          quietUntil: 40,
        },
      ],
    },

    ...GATEWAYS.map((gateway) =>
      sqlGatewayDown(rule, gateway, gateway === GATEWAYS[0] ? GATEWAYS[1] : GATEWAYS[0]),
    ),

    {
      rule: historyServerDown,
      fires: [
        {
          what: "the history server fails its scrapes from 10m; the SQL Gateways answer",
          series: [up(HISTORY_SERVER_POD, "1x9 0x30"), ...GATEWAYS.map((g) => up(gatewayPod(g), "1x40"))],
          firesAt: 15,
          alerts: [alert(historyServerDown, { namespace: HISTORY_SERVER.namespace, severity: "warning" })],
        },
        {
          what: "the history server's target is gone (last sample at 9m)",
          series: [up(HISTORY_SERVER_POD, "1x9")],
          firesAt: 19,
          alerts: [alert(historyServerDown, { namespace: HISTORY_SERVER.namespace, severity: "warning" })],
        },
      ],
      nearMisses: [
        {
          what: "the history server answers; a SQL Gateway in its namespace does not",
          series: [up(HISTORY_SERVER_POD, "1x40"), up(gatewayPod(GATEWAYS[0]), "0x40")],
          quietUntil: 40,
        },
        {
          what: "the history server is down for 5 evaluations, one short of its for: 5m",
          series: [up(HISTORY_SERVER_POD, "1x9 0x4 1x25")],
          quietUntil: 40,
        },
      ],
    },

    {
      rule: resourcesFailed,
      fires: [
        {
          what: "a FlinkSessionJob in flink fails for good at 10m",
          series: [
            failedCount("flink", "FlinkSessionJob", "0x9 1x30"),
            failedCount("etl", "FlinkDeployment", "0x40"),
            ...othersHealthy,
          ],
          firesAt: 15,
          alerts: [
            alert(
              resourcesFailed,
              { resourcens: "flink", resourcetype: "FlinkSessionJob", severity: "critical" },
              {
                summary: "FlinkSessionJobs in flink have failed",
                description:
                  "The operator reports 1 FlinkSessionJob(s) FAILED for 5 minutes: a job failed and is not restarted (a failed session job leaves no Flink series to alert on), or a first deployment was refused.",
              },
            ),
          ],
        },
        {
          what: "two FlinkDeployments in etl (an application's job, a refused first deployment) are FAILED from 10m",
          series: [
            failedCount("flink", "FlinkSessionJob", "0x40"),
            failedCount("etl", "FlinkDeployment", "0x9 2x30"),
            ...othersHealthy,
          ],
          firesAt: 15,
          alerts: [
            alert(
              resourcesFailed,
              { resourcens: "etl", resourcetype: "FlinkDeployment", severity: "critical" },
              {
                summary: "FlinkDeployments in etl have failed",
                description:
                  "The operator reports 2 FlinkDeployment(s) FAILED for 5 minutes: a job failed and is not restarted (a failed session job leaves no Flink series to alert on), or a first deployment was refused.",
              },
            ),
          ],
        },
      ],
      nearMisses: [
        {
          what: "nothing is FAILED; resources are STABLE",
          series: [
            failedCount("flink", "FlinkSessionJob", "0x40"),
            failedCount("etl", "FlinkDeployment", "0x40"),
            ...othersHealthy,
          ],
          quietUntil: 40,
        },
        {
          what: "a FlinkSessionJob is FAILED for 5 evaluations (10m..14m) before it is resubmitted, one short of its for: 5m",
          series: [
            failedCount("flink", "FlinkSessionJob", "0x9 1x4 0x26"),
            failedCount("etl", "FlinkDeployment", "0x40"),
            ...othersHealthy,
          ],
          quietUntil: 40,
        },
      ],
    },
  ];
}

/** This file's cases, one per rule of its kinds. */
export const JOB_ALERT_CASES: readonly AlertCase[] = jobAlertCases(pickRule);

/** Every case: alertCases.ts', checkpointAlertCases.ts' and this file's, one per generated rule. */
export const ALL_ALERT_CASES: readonly AlertCase[] = [
  ...ALERT_CASES,
  ...CHECKPOINT_ALERT_CASES,
  ...JOB_ALERT_CASES,
];
