/**
 * How Pulumi deletes a FlinkDeployment. pulumi-kubernetes deletes with foreground propagation unless an annotation
 * says otherwise: the garbage collector then removes the JobManager Deployment the operator owns while the
 * operator's finalizer still has work that needs it (stopping a stateful job with its savepoint on deletion,
 * cleaning up HA data). Seen on the real node: `pulumi destroy` of an application deployment hung with the
 * JobManager gone, the operator logging "Missing JobManager deployment", and no savepoint taken. Background
 * propagation, as `kubectl delete` does it, lets the operator finish its cleanup first; whatever it leaves is
 * collected after the FlinkDeployment is gone.
 */
export const FLINK_DEPLOYMENT_DELETION: Readonly<Record<string, string>> = {
  "pulumi.com/deletionPropagationPolicy": "background",
};
