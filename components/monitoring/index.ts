/**
 * Monitoring of the platform through the Prometheus Operator and Grafana's dashboard sidecar: a PodMonitor per Flink
 * cluster (session cluster or application deployment), per SQL Gateway, for the history server, for the operator and
 * per backing service that publishes a scrape target; the alert rules (one PrometheusRule); and one dashboard per
 * ConfigMap.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { platformLabels } from "../kube/labels";
import { alertRuleGroups, prometheusRuleSpec } from "./alerts";
import { FLINK, JOB_SERVICES, OPERATOR, SERVICES, ShippedDashboard } from "./dashboards";
import { buildDashboard } from "./grafana";
import {
  flinkClusterPodMonitor,
  historyServerPodMonitor,
  MONITORING_API_VERSION,
  MonitoredFlinkCluster,
  MonitoredHistoryServer,
  MonitoredSqlGateway,
  operatorPodMonitor,
  PodMonitorDefinition,
  sqlGatewayPodMonitor,
  targetPodMonitor,
} from "./podMonitors";
import { ScrapeTarget } from "./scrapeTargets";

export type { ScrapeTarget } from "./scrapeTargets";
export type { MonitoredFlinkCluster, MonitoredHistoryServer, MonitoredSqlGateway } from "./podMonitors";
export { podScrapeTarget } from "./scrapeTargets";

export interface KeyValue {
  readonly key: string;
  readonly value: string;
}

/**
 * What to monitor and how Prometheus and Grafana find it. Plain values: the set of monitors, rules and dashboards is
 * decided when the program runs, from the names in it.
 */
export interface PlatformMonitoringArgs {
  /** Namespace of the alert rules and the operator's PodMonitor (the platform namespace). */
  readonly namespace: string;
  /** Namespace of the dashboard ConfigMaps (`monitoring.dashboards.namespace`, default the platform namespace). */
  readonly dashboardsNamespace: string;
  /**
   * Labels of every PodMonitor and PrometheusRule, the ones the cluster's Prometheus selects by
   * (`monitoring.monitorLabels`, default `release: prometheus`).
   */
  readonly monitorLabels: Readonly<Record<string, string>>;
  /** The label Grafana's dashboard sidecar looks for (default `grafana_dashboard: "1"`). */
  readonly dashboardLabel: KeyValue;
  /** The annotation the sidecar reads the Grafana folder from (default `grafana_folder: Flink`). */
  readonly folderAnnotation: KeyValue;
  /** How often Prometheus scrapes each target (`monitoring.scrapeInterval`, default "30s"). */
  readonly scrapeInterval: string;
  /**
   * The Flink clusters, each with its PodMonitor and alert rules: the session clusters (`flink.clusters`, `kind`
   * "session" or unset) and the application deployments (`flink.applications`, `kind: "application"`, `suspended`
   * when `job.state` is "suspended").
   */
  readonly clusters: readonly MonitoredFlinkCluster[];
  /** Scrape the operator the platform installed (in `namespace`), with its rules and dashboard; true when installed. */
  readonly monitorOperator: boolean;
  /** Backing services that asked to be scraped (MinIO, ZooKeeper); default none. */
  readonly targets: readonly ScrapeTarget[];
  /**
   * The session clusters' SQL Gateways that run (`sqlGateway.enabled`), each with its PodMonitor and down rule;
   * default none.
   */
  readonly sqlGateways?: readonly MonitoredSqlGateway[];
  /** The history server, when it runs (`flink.historyServer.enabled`, in the platform namespace). Default none. */
  readonly historyServer?: MonitoredHistoryServer;
}

export interface DashboardConfigMap {
  readonly name: string;
  readonly uid: string;
  /** Data key; the sidecar writes the file under this name. */
  readonly key: string;
  readonly json: string;
}

export interface MonitoringPlan {
  readonly podMonitors: readonly PodMonitorDefinition[];
  readonly ruleSpec: ReturnType<typeof prometheusRuleSpec>;
  readonly dashboards: readonly DashboardConfigMap[];
}

/**
 * The dashboards for what is monitored: Flink always, the SQL Gateways' and history server's when either runs, the
 * operator when scraped, one per exporter kind in use.
 */
export function shippedDashboards(
  args: Pick<PlatformMonitoringArgs, "monitorOperator" | "targets" | "sqlGateways" | "historyServer">,
) {
  const kinds = [...new Set(args.targets.map((target) => target.exporter))].sort();
  const jobServices = (args.sqlGateways ?? []).length > 0 || args.historyServer !== undefined;
  return [
    FLINK,
    ...(jobServices ? [JOB_SERVICES] : []),
    ...(args.monitorOperator ? [OPERATOR] : []),
    ...kinds.map((kind) => SERVICES[kind]),
  ];
}

function dashboardConfigMap(dashboard: ShippedDashboard): DashboardConfigMap {
  const uid = dashboard.spec.uid;
  return {
    name: `grafana-dashboard-${uid}`,
    uid,
    key: `${uid}.json`,
    json: `${JSON.stringify(buildDashboard(dashboard.spec), null, 2)}\n`,
  };
}

/** Everything the component creates, as plain data. Throws when two PodMonitors would share a name. */
export function monitoringPlan(args: PlatformMonitoringArgs): MonitoringPlan {
  const podMonitors = [
    ...args.clusters.map((cluster) => flinkClusterPodMonitor(cluster, args.scrapeInterval)),
    ...(args.sqlGateways ?? []).map((gateway) => sqlGatewayPodMonitor(gateway, args.scrapeInterval)),
    ...(args.historyServer ? [historyServerPodMonitor(args.historyServer, args.scrapeInterval)] : []),
    ...(args.monitorOperator ? [operatorPodMonitor(args.namespace, args.scrapeInterval)] : []),
    ...args.targets.map((target) => targetPodMonitor(target, args.scrapeInterval)),
  ];
  const seen = new Set<string>();
  for (const monitor of podMonitors) {
    const id = `${monitor.namespace}/${monitor.name}`;
    if (seen.has(id)) {
      throw new Error(`two PodMonitors would be named ${id}; give the scrape target another name`);
    }
    seen.add(id);
  }
  const groups = alertRuleGroups({
    clusters: args.clusters,
    operatorNamespace: args.monitorOperator ? args.namespace : undefined,
    targets: args.targets,
    sqlGateways: args.sqlGateways,
    historyServer: args.historyServer,
  });
  return {
    podMonitors,
    ruleSpec: prometheusRuleSpec(groups),
    dashboards: shippedDashboards(args).map(dashboardConfigMap),
  };
}

export class PlatformMonitoring extends pulumi.ComponentResource {
  constructor(name: string, args: PlatformMonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    super("flink-platform:monitoring:PlatformMonitoring", name, {}, opts);
    const plan = monitoringPlan(args);
    const monitorLabels = (instance?: string) => ({
      ...platformLabels("monitoring", instance),
      ...args.monitorLabels,
    });
    for (const monitor of plan.podMonitors) {
      new k8s.apiextensions.CustomResource(
        `${name}-${monitor.namespace}-${monitor.name}`,
        {
          apiVersion: MONITORING_API_VERSION,
          kind: "PodMonitor",
          metadata: { name: monitor.name, namespace: monitor.namespace, labels: monitorLabels(monitor.name) },
          spec: monitor.spec,
        },
        { parent: this },
      );
    }
    new k8s.apiextensions.CustomResource(
      `${name}-rules`,
      {
        apiVersion: MONITORING_API_VERSION,
        kind: "PrometheusRule",
        metadata: { name: "flink-platform", namespace: args.namespace, labels: monitorLabels() },
        spec: plan.ruleSpec,
      },
      { parent: this },
    );
    for (const dashboard of plan.dashboards) {
      new k8s.core.v1.ConfigMap(
        `${name}-${dashboard.uid}`,
        {
          metadata: {
            name: dashboard.name,
            namespace: args.dashboardsNamespace,
            labels: {
              ...platformLabels("monitoring", dashboard.uid),
              [args.dashboardLabel.key]: args.dashboardLabel.value,
            },
            annotations: { [args.folderAnnotation.key]: args.folderAnnotation.value },
          },
          data: { [dashboard.key]: dashboard.json },
        },
        { parent: this },
      );
    }
    this.registerOutputs({ dashboards: plan.dashboards.map((d) => d.uid) });
  }
}
