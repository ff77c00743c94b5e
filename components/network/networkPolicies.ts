/**
 * The platform's NetworkPolicies as resources: the objects `platformNetworkPolicies` builds, registered unchanged,
 * so that what the unit tests evaluate is what the API server receives.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { NetworkPolicyObject } from "./model";
import { NetworkPlan } from "./plan";
import { platformNetworkPolicies } from "./policies";

export interface NetworkPoliciesArgs {
  /** What the policies follow from (`networkPlan` of the validated configuration). */
  readonly plan: NetworkPlan;
}

export class NetworkPolicies extends pulumi.ComponentResource {
  /** The policies registered, as plain objects (namespace/name order of `platformNetworkPolicies`). */
  public readonly policies: readonly NetworkPolicyObject[];

  constructor(name: string, args: NetworkPoliciesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("flink-platform:network:NetworkPolicies", name, {}, opts);
    this.policies = platformNetworkPolicies(args.plan);
    for (const policy of this.policies) {
      new k8s.networking.v1.NetworkPolicy(
        `${name}-${policy.metadata.namespace}-${policy.metadata.name}`,
        // The model's readonly arrays are what the API takes; the SDK's input types are merely mutable.
        policy as unknown as k8s.networking.v1.NetworkPolicyArgs,
        { parent: this },
      );
    }
    this.registerOutputs({
      policies: this.policies.map((p) => `${p.metadata.namespace}/${p.metadata.name}`),
    });
  }
}
