/**
 * The `monitoring` config area: whether to monitor, how the cluster's Prometheus and Grafana find what the platform
 * ships.
 */
import { z } from "zod";
import { dnsLabel } from "../config/primitives";

/** A Kubernetes label or annotation key: an optional DNS-subdomain prefix and a name of at most 63 characters. */
const objectKey = z
  .string()
  .regex(
    /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/,
    {
      message: "must be a Kubernetes label key such as 'release' or 'example.com/team'",
    },
  );

/** A Kubernetes label value: at most 63 characters, alphanumeric at both ends. */
const labelValue = z.string().regex(/^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/, {
  message:
    "must be a Kubernetes label value: at most 63 letters, digits, '-', '_' or '.', alphanumeric at both ends",
});

/** Scrape interval: the alert rules look at 5-minute windows, which need several samples. */
const scrapeInterval = z.string().superRefine((value, ctx) => {
  const match = /^(\d+)(s|m)$/.exec(value);
  const seconds = match ? Number(match[1]) * (match[2] === "m" ? 60 : 1) : undefined;
  if (seconds === undefined) {
    ctx.addIssue({
      code: "custom",
      message: "must be a duration in seconds or minutes, such as '30s' or '1m'",
    });
  } else if (seconds < 5 || seconds > 60) {
    ctx.addIssue({
      code: "custom",
      message: "must be between 5s and 1m (the alert rules use 5-minute windows, which need several samples)",
    });
  }
});

export const monitoringSchema = z.strictObject({
  /** Scrape the platform, ship alert rules and dashboards. */
  enabled: z.boolean().prefault(true),
  /**
   * The Prometheus Operator CRDs (PodMonitor, PrometheusRule) are installed. False creates nothing monitoring-related:
   * Kubernetes would reject the custom resources.
   */
  prometheusOperator: z.boolean().prefault(true),
  /** Labels on every PodMonitor and PrometheusRule: the ones the cluster's Prometheus selects them by. */
  monitorLabels: z.record(objectKey, labelValue).prefault({ release: "prometheus" }),
  /** How often Prometheus scrapes each target. */
  scrapeInterval: scrapeInterval.prefault("30s"),
  dashboards: z
    .strictObject({
      /** Namespace of the dashboard ConfigMaps (it must exist); the platform namespace when unset. */
      namespace: dnsLabel(63).optional(),
      /** The label Grafana's dashboard sidecar looks for. */
      label: z
        .strictObject({ key: objectKey.prefault("grafana_dashboard"), value: labelValue.prefault("1") })
        .prefault({}),
      /** The annotation the sidecar reads the Grafana folder from (`sidecar.dashboards.folderAnnotation`). */
      folderAnnotation: z
        .strictObject({
          key: objectKey.prefault("grafana_folder"),
          value: z.string().min(1).prefault("Flink"),
        })
        .prefault({}),
    })
    .prefault({}),
});

export type MonitoringConfig = z.output<typeof monitoringSchema>;
