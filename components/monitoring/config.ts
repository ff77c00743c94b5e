/**
 * The `monitoring` config area: whether to monitor, how the cluster's Prometheus and Grafana find what the platform
 * ships.
 */
import { z } from "zod";
import { doc, flag, labelKey, labelValue, namespaceName } from "../config/primitives";

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

export const monitoringSchema = doc(
  z
    .strictObject({
      enabled: doc(flag, "scrape the platform, ship alert rules and dashboards").prefault(true),
      prometheusOperator: doc(
        flag,
        "the Prometheus Operator CRDs (PodMonitor, PrometheusRule) are installed; false creates nothing monitoring-related, since Kubernetes would refuse the custom resources",
      ).prefault(true),
      monitorLabels: doc(
        z.record(labelKey, labelValue),
        "labels on every PodMonitor and PrometheusRule: the ones the cluster's Prometheus selects them by",
      ).prefault({ release: "prometheus" }),
      scrapeInterval: doc(scrapeInterval, "how often Prometheus scrapes each target").prefault("30s"),
      dashboards: z
        .strictObject({
          namespace: doc(
            namespaceName,
            "namespace of the dashboard ConfigMaps (it must exist); the platform namespace when unset",
            ["grafana"],
          ).optional(),
          label: doc(
            z
              .strictObject({
                key: doc(labelKey, "label key").prefault("grafana_dashboard"),
                value: doc(labelValue, "label value").prefault("1"),
              })
              .prefault({}),
            "the label Grafana's dashboard sidecar looks for",
          ),
          folderAnnotation: doc(
            z
              .strictObject({
                key: doc(labelKey, "annotation key").prefault("grafana_folder"),
                value: doc(z.string().min(1), "the Grafana folder").prefault("Flink"),
              })
              .prefault({}),
            "the annotation the sidecar reads the Grafana folder from (sidecar.dashboards.folderAnnotation)",
          ),
        })
        .prefault({}),
    })
    .prefault({}),
  "PodMonitors, alert rules and Grafana dashboards as ConfigMaps for the Grafana sidecar",
);

export type MonitoringConfig = z.output<typeof monitoringSchema>;
