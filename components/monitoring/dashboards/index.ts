/**
 * The dashboards the platform ships, each with the metric catalogues its queries may use.
 */
import { DashboardSpec } from "../grafana";
import {
  FLINK_METRICS,
  JMX_EXPORTER_METRICS,
  MetricCatalogue,
  OPERATOR_METRICS,
  PROMETHEUS_METRICS,
} from "../metrics";
import { MINIO_METRICS, MYSQLD_EXPORTER_METRICS, ZOOKEEPER_METRICS } from "../serviceMetrics";
import { ExporterKind } from "../scrapeTargets";
import { FLINK_DASHBOARD } from "./flink";
import { JOB_SERVICES_DASHBOARD } from "./jobServices";
import { OPERATOR_DASHBOARD } from "./operator";
import { MINIO_DASHBOARD } from "./minio";
import { MYSQL_DASHBOARD } from "./mysql";
import { ZOOKEEPER_DASHBOARD } from "./zookeeper";

export interface ShippedDashboard {
  readonly spec: DashboardSpec;
  /** Where the names its queries use come from. */
  readonly metrics: readonly MetricCatalogue[];
}

export const FLINK: ShippedDashboard = {
  spec: FLINK_DASHBOARD,
  metrics: [FLINK_METRICS, PROMETHEUS_METRICS],
};
export const OPERATOR: ShippedDashboard = { spec: OPERATOR_DASHBOARD, metrics: [OPERATOR_METRICS] };
/** The SQL Gateways and the history server: shipped when either is monitored. */
export const JOB_SERVICES: ShippedDashboard = {
  spec: JOB_SERVICES_DASHBOARD,
  metrics: [JMX_EXPORTER_METRICS, PROMETHEUS_METRICS],
};

export const SERVICES: Readonly<Record<ExporterKind, ShippedDashboard>> = {
  minio: { spec: MINIO_DASHBOARD, metrics: [MINIO_METRICS, PROMETHEUS_METRICS] },
  zookeeper: { spec: ZOOKEEPER_DASHBOARD, metrics: [ZOOKEEPER_METRICS, PROMETHEUS_METRICS] },
  "mysqld-exporter": { spec: MYSQL_DASHBOARD, metrics: [MYSQLD_EXPORTER_METRICS, PROMETHEUS_METRICS] },
};
