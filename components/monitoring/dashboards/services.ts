/**
 * What the dashboards of the backing services share (one dashboard per exporter kind, each shipped only when a
 * component publishes a scrape target of that kind): the `job` variable tells instances apart (Prometheus labels a
 * PodMonitor's series `job="<namespace>/<podmonitor>"`).
 */
import { LabelVariable } from "../grafana";

/** The filter of every query: the chosen namespaces and instances. */
export const F = 'namespace=~"$namespace", job=~"$job"';

/** Namespace and job variables, filled from a series every instance of the exporter reports. */
export function instanceVariables(metric: string): LabelVariable[] {
  return [
    { name: "namespace", label: "Namespace", selector: metric, labelName: "namespace", multi: true },
    {
      name: "job",
      label: "Instance",
      selector: `${metric}{namespace=~"$namespace"}`,
      labelName: "job",
      multi: true,
    },
  ];
}
