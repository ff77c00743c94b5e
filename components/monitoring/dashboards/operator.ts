/**
 * The Flink Kubernetes operator dashboard: the resources it manages, its reconciliation loop, its traffic to the
 * Kubernetes API and its own JVM.
 */
import { DashboardSpec, Query, stat, timeseries } from "../grafana";
import { OPERATOR_JM_DEPLOYMENT_STATUSES, OPERATOR_LIFECYCLE_STATES } from "../metrics";

const NS = 'resourcens=~"$resourcens"';
const DEPLOYMENTS = `resourcetype="FlinkDeployment", ${NS}`;

const stateQuery = (state: string): Query => ({
  expr: `sum(flink_k8soperator_namespace_Lifecycle_State_${state}_Count{${NS}})`,
  legend: state,
});

const jmStatusQuery = (status: string): Query => ({
  expr: `sum(flink_k8soperator_namespace_JmDeploymentStatus_${status}_Count{${DEPLOYMENTS}})`,
  legend: status,
});

export const OPERATOR_DASHBOARD: DashboardSpec = {
  uid: "flink-platform-operator",
  title: "Flink Kubernetes operator",
  description:
    "The Flink Kubernetes operator: managed FlinkDeployments and FlinkSessionJobs, reconciliation, Kubernetes API traffic and the operator JVM.",
  tags: ["flink", "flink-platform", "operator"],
  variables: [
    {
      name: "resourcens",
      label: "Resource namespace",
      selector: "flink_k8soperator_namespace_Count",
      labelName: "resourcens",
      multi: true,
    },
  ],
  rows: [
    {
      title: "Managed resources",
      panels: [
        stat({
          title: "FlinkDeployments",
          width: 6,
          queries: [{ expr: `sum(flink_k8soperator_namespace_Count{${DEPLOYMENTS}})` }],
        }),
        stat({
          title: "JobManagers ready",
          width: 6,
          queries: [
            { expr: `sum(flink_k8soperator_namespace_JmDeploymentStatus_READY_Count{${DEPLOYMENTS}})` },
          ],
        }),
        stat({
          title: "JobManagers failed or missing",
          width: 6,
          redFrom: 1,
          queries: [
            {
              expr: `sum(flink_k8soperator_namespace_JmDeploymentStatus_ERROR_Count{${DEPLOYMENTS}}) + sum(flink_k8soperator_namespace_JmDeploymentStatus_MISSING_Count{${DEPLOYMENTS}})`,
            },
          ],
        }),
        stat({
          title: "Resources failed",
          width: 6,
          redFrom: 1,
          queries: [{ expr: `sum(flink_k8soperator_namespace_Lifecycle_State_FAILED_Count{${NS}})` }],
        }),
        timeseries({
          title: "Resources by lifecycle state",
          width: 12,
          stacked: true,
          queries: OPERATOR_LIFECYCLE_STATES.map(stateQuery),
        }),
        timeseries({
          title: "FlinkDeployments by JobManager status",
          width: 12,
          stacked: true,
          queries: OPERATOR_JM_DEPLOYMENT_STATUSES.map(jmStatusQuery),
        }),
      ],
    },
    {
      title: "Reconciliation",
      panels: [
        timeseries({
          title: "Reconciliations per second",
          unit: "ops",
          queries: [
            {
              expr: `sum by (resourcetype) (rate(flink_k8soperator_namespace_resource_JOSDK_Reconciliation_Count{${NS}}[$__rate_interval]))`,
              legend: "{{resourcetype}}",
            },
          ],
        }),
        timeseries({
          title: "Failed reconciliations",
          queries: [
            {
              expr: `sum by (resourcens, resourcename) (increase(flink_k8soperator_namespace_resource_JOSDK_Reconciliation_failed_Count{${NS}}[$__rate_interval]))`,
              legend: "{{resourcens}}/{{resourcename}}",
            },
          ],
        }),
        timeseries({
          title: "Reconciliation retries",
          queries: [
            {
              expr: `sum by (resourcens, resourcename) (increase(flink_k8soperator_namespace_resource_JOSDK_Reconciliation_retries_Count{${NS}}[$__rate_interval]))`,
              legend: "{{resourcens}}/{{resourcename}}",
            },
          ],
        }),
      ],
    },
    {
      title: "Kubernetes API",
      panels: [
        timeseries({
          title: "Requests per second",
          unit: "reqps",
          queries: [
            { expr: "sum(flink_k8soperator_KubeClient_HttpRequest_NumPerSecond)", legend: "requests" },
            { expr: "sum(flink_k8soperator_KubeClient_HttpResponse_NumPerSecond)", legend: "responses" },
          ],
        }),
        timeseries({
          title: "Failed requests per second",
          description: "Requests that got no response from the API server.",
          unit: "reqps",
          queries: [
            { expr: "sum(flink_k8soperator_KubeClient_HttpRequest_Failed_NumPerSecond)", legend: "failed" },
          ],
        }),
        timeseries({
          title: "Slow requests",
          description:
            "Requests slower than kubernetes.operator.kubernetes.client.metrics.slow.request.threshold (5 s).",
          queries: [
            {
              expr: "sum(increase(flink_k8soperator_KubeClient_HttpRequest_Slow_Count[$__rate_interval]))",
              legend: "slow",
            },
          ],
        }),
      ],
    },
    {
      title: "Resources requested by FlinkDeployments",
      panels: [
        timeseries({
          title: "CPU",
          queries: [
            {
              expr: `sum by (resourcens) (flink_k8soperator_namespace_ResourceUsage_Cpu{${DEPLOYMENTS}})`,
              legend: "{{resourcens}}",
            },
          ],
        }),
        timeseries({
          title: "Memory",
          unit: "bytes",
          queries: [
            {
              expr: `sum by (resourcens) (flink_k8soperator_namespace_ResourceUsage_Memory{${DEPLOYMENTS}})`,
              legend: "{{resourcens}}",
            },
          ],
        }),
        timeseries({
          title: "State size",
          description: "Last checkpoint size the JobManagers report, summed per namespace.",
          unit: "bytes",
          queries: [
            {
              expr: `sum by (resourcens) (flink_k8soperator_namespace_ResourceUsage_StateSize{${DEPLOYMENTS}})`,
              legend: "{{resourcens}}",
            },
          ],
        }),
      ],
    },
    {
      title: "Operator JVM",
      panels: [
        timeseries({
          title: "Heap",
          unit: "bytes",
          queries: [
            { expr: "flink_k8soperator_Status_JVM_Memory_Heap_Used", legend: "{{pod}} used" },
            { expr: "flink_k8soperator_Status_JVM_Memory_Heap_Max", legend: "{{pod}} max" },
          ],
        }),
        timeseries({
          title: "CPU",
          unit: "percentunit",
          queries: [{ expr: "flink_k8soperator_Status_JVM_CPU_Load", legend: "{{pod}}" }],
        }),
        timeseries({
          title: "Garbage collection time",
          unit: "ms",
          queries: [
            { expr: "flink_k8soperator_Status_JVM_GarbageCollector_All_TimeMsPerSecond", legend: "{{pod}}" },
          ],
        }),
      ],
    },
  ],
};
