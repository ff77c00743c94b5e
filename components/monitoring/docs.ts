/**
 * Markdown renderings of a dashboard and of the alert rules, for docs/monitoring.md (kept in step by a unit test;
 * `npm run docs` rewrites them).
 */
import { AlertRuleGroup, alertRuleGroups } from "./alerts";
import { FLINK_DASHBOARD } from "./dashboards/flink";
import { JOB_SERVICES_DASHBOARD } from "./dashboards/jobServices";
import { DashboardSpec, variableQuery } from "./grafana";
import { podScrapeTarget } from "./scrapeTargets";

const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");

/**
 * Variables, then one table per row: panel, kind, unit and its queries. `shorthands` replace repeated text in the
 * queries (label filters) by a short name, explained above the tables.
 */
export function dashboardMarkdown(
  spec: DashboardSpec,
  shorthands: Readonly<Record<string, string>> = {},
): string {
  const shorten = (text: string) =>
    Object.entries(shorthands).reduce((result, [name, long]) => result.split(long).join(name), text);
  const code = (text: string) => `\`${cell(shorten(text))}\``;
  const lines = [
    `**${spec.title}** (uid \`${spec.uid}\`): ${spec.description}`,
    "",
    ...(Object.keys(shorthands).length > 0
      ? [
          `Shorthands in the queries: ${Object.entries(shorthands)
            .map(([name, long]) => `\`${name}\` is \`${long}\``)
            .join("; ")}.`,
          "",
        ]
      : []),
    "| variable | values from |",
    "| --- | --- |",
    "| `datasource` | any Prometheus datasource (default: Grafana's default one) |",
    ...spec.variables.map((v) => `| \`${v.name}\` | ${code(variableQuery(v))} |`),
  ];
  for (const row of spec.rows) {
    lines.push(
      "",
      `Row **${row.title}**`,
      "",
      "| panel | kind | unit | query |",
      "| --- | --- | --- | --- |",
    );
    for (const panel of row.panels) {
      const queries = panel.queries
        .map((q) => (q.legend ? `${code(q.expr)} as ${code(q.legend)}` : code(q.expr)))
        .join("<br>");
      lines.push(`| ${cell(panel.title)} | ${panel.kind} | ${panel.unit ?? "short"} | ${queries} |`);
    }
  }
  return lines.join("\n");
}

/** One table of every rule: name, severity, how long, summary and the first thing to do. */
export function alertRulesMarkdown(groups: readonly AlertRuleGroup[]): string {
  const lines = ["| alert | severity | for | summary | runbook |", "| --- | --- | --- | --- | --- |"];
  for (const group of groups) {
    for (const rule of group.rules) {
      lines.push(
        `| \`${rule.alert}\` | ${rule.severity} | ${rule.for} | ${cell(rule.summary)} | ${cell(rule.runbook)} |`,
      );
    }
  }
  return lines.join("\n");
}

/**
 * The generated blocks of docs/monitoring.md, by marker name: the Flink dashboards (clusters and jobs; SQL Gateways
 * and history server), and the rules of the default stack plus an application deployment, a SQL Gateway, the history
 * server and one managed MinIO publishing a scrape target (to show the rules made per application and per service).
 */
export function monitoringDocBlocks(): Record<string, string> {
  const minio = podScrapeTarget({
    name: "minio",
    namespace: "flink",
    pod: {
      metadata: { labels: { "app.kubernetes.io/name": "minio" } },
      spec: { containers: [{ name: "minio", ports: [{ name: "s3", containerPort: 9000 }] }] },
    },
    selectBy: ["app.kubernetes.io/name"],
    port: "s3",
    exporter: "minio",
  });
  const groups = alertRuleGroups({
    clusters: [
      { name: "session", namespace: "flink" },
      { name: "orders", namespace: "flink", kind: "application" },
    ],
    operatorNamespace: "flink",
    targets: [minio],
    sqlGateways: [{ cluster: "session", namespace: "flink" }],
    historyServer: { namespace: "flink" },
  });
  return {
    "monitoring-flink-dashboard": [
      dashboardMarkdown(FLINK_DASHBOARD, {
        // Longest first: the job filter contains the cluster filter.
        "{J}": '{namespace=~"$namespace", flink_cluster=~"$cluster", job_name=~"$job"}',
        "{C}": '{namespace=~"$namespace", flink_cluster=~"$cluster"}',
      }),
      dashboardMarkdown(JOB_SERVICES_DASHBOARD, {
        F: 'namespace=~"$namespace", job=~"$job", flink_component=~"flink-sql-gateway|flink-history-server"',
      }),
    ].join("\n\n"),
    "monitoring-alert-rules": alertRulesMarkdown(groups),
  };
}

/** Replace the text between `<!-- begin:NAME -->` and `<!-- end:NAME -->` of each block; throws on a missing marker. */
export function fillGeneratedBlocks(markdown: string, blocks: Readonly<Record<string, string>>): string {
  let result = markdown;
  for (const [name, content] of Object.entries(blocks)) {
    const begin = `<!-- begin:${name} -->`;
    const end = `<!-- end:${name} -->`;
    const from = result.indexOf(begin);
    const to = result.indexOf(end);
    if (from < 0 || to < from) {
      throw new Error(`markers ${begin} ... ${end} not found`);
    }
    result = `${result.slice(0, from + begin.length)}\n\n${content}\n\n${result.slice(to)}`;
  }
  return result;
}

/** docs/monitoring.md with its generated blocks filled in, formatted by the project's Prettier settings. */
export async function renderedMonitoringDocs(markdown: string, filePath: string): Promise<string> {
  // Prettier is a development tool: loaded here only, never by the Pulumi program.
  const prettier = await import("prettier");
  const options = (await prettier.resolveConfig(filePath)) ?? {};
  return prettier.format(fillGeneratedBlocks(markdown, monitoringDocBlocks()), {
    ...options,
    filepath: filePath,
  });
}
