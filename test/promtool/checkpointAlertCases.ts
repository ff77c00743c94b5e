/**
 * The case of FlinkCheckpointsFailing: series shaped like the ones real Flink 1.20.4 and 2.2.1 JobManagers reported
 * (../shared/reference/real-runs.md). A start fails every checkpoint triggered before the TaskManagers register (7
 * in a row at the 60 s default interval), then completes one per interval; a JobManager failover starts the counters
 * again from 0. Same platform, helpers and notation as alertCases.ts; times in minutes, a sample every minute.
 *
 * A scenario is written as what happened (when each checkpoint of a job completed or failed, and which JobManager
 * reported it from when to when), and `checkpointCounters` turns that into the two counters' samples, so the shape
 * of a start or a failover is written once and each case says only what differs.
 */
import { AlertRule } from "../../components/monitoring/alerts";
import {
  alert,
  AlertCase,
  ETL,
  flinkJob,
  flinkPod,
  Labels,
  pickRule,
  RulePicker,
  s,
  SESSION,
} from "./alertCases";
import { InputSeries, Sample, sampleValues } from "./promtool";

/** One JobManager's report of a job's checkpoints: its series from `from` to its last scrape `to`. */
export interface Report {
  readonly from: number;
  readonly to: number;
  /** Minutes at which a checkpoint completed; the counter counts those after `from` (it starts at 0 then). */
  readonly completed: readonly number[];
  /** Minutes at which a checkpoint failed, counted the same way. */
  readonly failed: readonly number[];
  /** Labels of its series; default the job's on the (first) JobManager pod. */
  readonly labels?: Labels;
}

/** Minutes `first`, `first + interval`, ... up to `last`. */
export function every(interval: number, first: number, last: number): number[] {
  return Array.from(
    { length: Math.max(0, Math.floor((last - first) / interval) + 1) },
    (_, i) => first + i * interval,
  );
}

/**
 * The samples of one counter over minutes 0..until: each report's count after its `from`; no sample where no
 * JobManager reported; a staleness marker the minute after a report ends (its scrape failed or its pod is gone)
 * unless another report of the same series takes over then.
 */
export function counterSamples(
  reports: readonly Report[],
  events: (report: Report) => readonly number[],
  until: number,
): Sample[] {
  const samples: Sample[] = Array<Sample>(until + 1).fill(null);
  for (const report of [...reports].sort((a, b) => a.from - b.from)) {
    const at = events(report).filter((t) => t > report.from);
    for (let minute = report.from; minute <= Math.min(report.to, until); minute++) {
      samples[minute] = at.filter((t) => t <= minute).length;
    }
    if (report.to < until) {
      samples[report.to + 1] = "stale";
    }
  }
  return samples;
}

/** The two checkpoint counters of a job, one series per JobManager pod that reported it. */
export function checkpointCounters(job: Labels, reports: readonly Report[], until: number): InputSeries[] {
  const byPod = new Map<string, { labels: Labels; reports: Report[] }>();
  for (const report of reports) {
    const labels = report.labels ?? job;
    const key = JSON.stringify(labels);
    byPod.set(key, { labels, reports: [...(byPod.get(key)?.reports ?? []), report] });
  }
  return [...byPod.values()].flatMap(({ labels, reports: own }) => [
    s(
      "flink_jobmanager_job_numberOfCompletedCheckpoints",
      labels,
      sampleValues(counterSamples(own, (r) => r.completed, until)),
    ),
    s(
      "flink_jobmanager_job_numberOfFailedCheckpoints",
      labels,
      sampleValues(counterSamples(own, (r) => r.failed, until)),
    ),
  ]);
}

/**
 * The real start at `at` (1-minute interval): the 7 checkpoints triggered before the TaskManagers register fail
 * (at+1..at+7), the first completes at at+8.
 */
export const START_FAILURES = (at: number) => every(1, at + 1, at + 7);
export const FIRST_COMPLETION = (at: number) => at + 8;

/** A job started at 0 that completes a checkpoint every minute after its start, reported until `until`. */
export function healthyJob(job: Labels, until: number): InputSeries[] {
  return checkpointCounters(
    job,
    [{ from: 0, to: until, failed: START_FAILURES(0), completed: every(1, FIRST_COMPLETION(0), until) }],
    until,
  );
}

export function checkpointsFailingCase(rule: RulePicker): AlertCase {
  const r: AlertRule = rule("FlinkCheckpointsFailing");
  const wordcount = flinkJob(SESSION, "wordcount");
  // The standby JobManager of an HA pair: its series of the same job carry its own pod labels.
  const standby: Labels = {
    ...wordcount,
    ...flinkPod(SESSION, "jobmanager", 1),
    pod: `${SESSION.name}-6d8f7c9b5-m7n3r`,
  };
  // wordcount's reports, next to two healthy jobs: one on the same cluster (a rule that does not tell jobs apart
  // sees its completions), one on another cluster.
  const scenario = (reports: readonly Report[], until: number) => [
    ...checkpointCounters(wordcount, reports, until),
    ...healthyJob(flinkJob(SESSION, "sessionize"), until),
    ...healthyJob(flinkJob(ETL, "ingest"), until),
  ];
  const fires = (description: string) =>
    alert(
      r,
      {
        namespace: SESSION.namespace,
        flink_cluster: SESSION.name,
        job_name: "wordcount",
        severity: "warning",
      },
      {
        summary: `Checkpoints of job wordcount on ${SESSION.namespace}/${SESSION.name} keep failing; none has completed for 30 minutes`,
        description: `${description} checkpoints failed and none completed in the last 30 minutes: on a failure the job would restart from a checkpoint at least that old and replay everything since.`,
      },
    );
  // Three hours of a healthy job after the real start: its last checkpoint completes at 180m.
  const healthyUntil180 = { failed: START_FAILURES(0), completed: every(1, FIRST_COMPLETION(0), 180) };

  return {
    rule: r,
    fires: [
      {
        // 180m leaves the 30-minute window at 209m (its sample at 179m is out): pending then, firing 5m later.
        what: "after 3 hours of checkpoints completed every minute, every one fails from 181m (the storage refuses writes)",
        series: scenario(
          [
            {
              from: 0,
              to: 240,
              failed: [...healthyUntil180.failed, ...every(1, 181, 240)],
              completed: healthyUntil180.completed,
            },
          ],
          240,
        ),
        firesAt: 214,
        alerts: [fires("30")],
      },
      {
        // The job is 30 minutes old at 30m: the earliest a start can be told from a failure.
        what: "the checkpoint storage is unreachable from the first checkpoint on: every one fails, none completes",
        series: scenario([{ from: 0, to: 60, failed: every(1, 1, 60), completed: [] }], 60),
        firesAt: 35,
        alerts: [fires("30")],
      },
      {
        // The old rule (3 failures in 15 minutes) never fired on this: 2 failures at most in 15 minutes.
        what: "after 3 hours, the storage hangs: every checkpoint expires after its 10-minute timeout (191m, 201m, ...)",
        series: scenario(
          [
            {
              from: 0,
              to: 240,
              failed: [...healthyUntil180.failed, ...every(10, 191, 240)],
              completed: healthyUntil180.completed,
            },
          ],
          240,
        ),
        firesAt: 214,
        alerts: [fires("3")],
      },
      {
        // 28 failures in the window: 11 of the old leader (185m..195m), 17 of the new one (198m..214m).
        what: "the streak of 181m goes on across a JobManager failover at 195m: the standby's counters start at 0 (197m) and its checkpoints fail too",
        series: scenario(
          [
            {
              from: 0,
              to: 195,
              failed: [...healthyUntil180.failed, ...every(1, 181, 195)],
              completed: healthyUntil180.completed,
            },
            { from: 197, to: 240, failed: every(1, 198, 240), completed: [], labels: standby },
          ],
          240,
        ),
        firesAt: 214,
        alerts: [fires("28")],
      },
      {
        // 120m leaves the window at 149m, with the failures of 130m and 140m in it.
        what: "a job with a 10-minute interval completes checkpoints for 2 hours (10m..120m), then every one fails from 130m",
        series: scenario(
          [{ from: 0, to: 180, failed: every(10, 130, 180), completed: every(10, 10, 120) }],
          180,
        ),
        firesAt: 154,
        alerts: [fires("3")],
      },
    ],
    nearMisses: [
      {
        what: "the real start: 7 checkpoints fail (1m..7m) before the TaskManagers register, then one completes every minute",
        series: scenario([{ from: 0, to: 90, failed: START_FAILURES(0), completed: every(1, 8, 90) }], 90),
        quietUntil: 90,
      },
      {
        what: "the job restarts at 120m (task failover onto a new TaskManager): 7 checkpoints fail while its tasks deploy, then they complete again; the counters go on",
        series: scenario(
          [
            {
              from: 0,
              to: 200,
              failed: [...START_FAILURES(0), ...START_FAILURES(120)],
              completed: [...every(1, 8, 119), ...every(1, FIRST_COMPLETION(120), 200)],
            },
          ],
          200,
        ),
        quietUntil: 200,
      },
      {
        what: "the JobManager restarts in place at 120m (same pod, its scrape fails at 121m): the counters start again from 0 (122m), then the start's 7 failures",
        series: scenario(
          [
            { from: 0, to: 120, failed: START_FAILURES(0), completed: every(1, 8, 120) },
            {
              from: 122,
              to: 200,
              failed: START_FAILURES(122),
              completed: every(1, FIRST_COMPLETION(122), 200),
            },
          ],
          200,
        ),
        quietUntil: 200,
      },
      {
        what: "the standby JobManager takes over at 120m: the old leader's series end, the new one's start at 0 (122m) with the start's 7 failures",
        series: scenario(
          [
            { from: 0, to: 120, failed: START_FAILURES(0), completed: every(1, 8, 120) },
            {
              from: 122,
              to: 200,
              failed: START_FAILURES(122),
              completed: every(1, FIRST_COMPLETION(122), 200),
              labels: standby,
            },
          ],
          200,
        ),
        quietUntil: 200,
      },
      {
        what: "a job with a 10-minute interval starts: its first two checkpoints fail (9m, 19m: no TaskManager yet), the first completes at 29m, then one every 10 minutes",
        series: scenario([{ from: 0, to: 150, failed: [9, 19], completed: every(10, 29, 150) }], 150),
        quietUntil: 150,
      },
      {
        what: "a job with a 10-minute interval: after 2 hours two checkpoints in a row fail (130m, 140m), the third completes (150m)",
        series: scenario(
          [
            {
              from: 0,
              to: 240,
              failed: [130, 140],
              completed: [...every(10, 10, 120), ...every(10, 150, 240)],
            },
          ],
          240,
        ),
        quietUntil: 240,
      },
      {
        // The old rule (3 failures in 15 minutes) fired on this: 5 in every 15 minutes.
        what: "every third checkpoint fails after the start, the others complete",
        series: scenario(
          [
            {
              from: 0,
              to: 120,
              failed: [...START_FAILURES(0), ...every(3, 9, 120)],
              completed: every(1, 8, 120).filter((t) => t % 3 !== 0),
            },
          ],
          120,
        ),
        quietUntil: 120,
      },
      {
        // Pending from 209m to 213m: 5 evaluations, one short of its for: 5m.
        what: "no checkpoint completes for 33 minutes (181m..213m, every one fails), then they complete again",
        series: scenario(
          [
            {
              from: 0,
              to: 240,
              failed: [...healthyUntil180.failed, ...every(1, 181, 213)],
              completed: [...healthyUntil180.completed, ...every(1, 214, 240)],
            },
          ],
          240,
        ),
        quietUntil: 240,
      },
    ],
  };
}

/** This file's case. */
export const CHECKPOINT_ALERT_CASES: readonly AlertCase[] = [checkpointsFailingCase(pickRule)];
