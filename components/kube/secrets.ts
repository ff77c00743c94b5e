/**
 * How pods reach credentials: by reference to a key of a Kubernetes Secret, never by value; and where the Secrets
 * come from. On a cluster the platform creates them (with generated passwords where it can). A rendered stack
 * (render mode, for GitOps) writes no secret value to disk unless the stack opts in: its Secrets are left out of
 * the manifests, listed instead (`secretsToProvide`), and the user provides them (by hand, Sealed Secrets, External
 * Secrets...); the rendered workloads reference them by the same names and keys.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";

/** A key of a Secret, by the Secret's name; the Secret is in the namespace of the pod that uses it. */
export interface SecretKeyRef {
  readonly name: string;
  readonly key: string;
}

/** An environment variable filled from a Secret's key. */
export function secretEnv(name: string, ref: SecretKeyRef) {
  return { name, valueFrom: { secretKeyRef: { name: ref.name, key: ref.key } } };
}

/** A Secret the user provides for a rendered stack: where, and which keys its pods read. */
export interface SecretToProvide {
  readonly namespace: string;
  readonly name: string;
  readonly keys: readonly string[];
}

/**
 * Whether the platform's Secrets are created, and the list of those it leaves to the user. One per platform; every
 * component that needs a Secret goes through `secret()` and `generatedPassword()`.
 */
export class SecretPolicy {
  /** The Secrets the user must provide, in the order the components asked for them. */
  readonly toProvide: SecretToProvide[] = [];

  /** `create`: create the Secrets (false for a rendered stack that does not opt in to writing their values). */
  constructor(readonly create: boolean) {}

  /**
   * A Secret with these string values, or, when Secrets are not created, nothing (the Secret is recorded as one to
   * provide, with its keys). Values that are not secret (a host name) may sit next to the credentials.
   */
  secret(
    resourceName: string,
    metadata: { name: string; namespace: string; labels: Record<string, string> },
    stringData: Readonly<Record<string, pulumi.Input<string> | undefined>>,
    opts: pulumi.CustomResourceOptions,
  ): k8s.core.v1.Secret | undefined {
    if (!this.create) {
      this.toProvide.push({
        namespace: metadata.namespace,
        name: metadata.name,
        keys: Object.keys(stringData),
      });
      return undefined;
    }
    const values: Record<string, pulumi.Input<string>> = {};
    for (const [key, value] of Object.entries(stringData)) {
      if (value === undefined) {
        throw new Error(`Secret ${metadata.namespace}/${metadata.name}: no value for ${key}`);
      }
      values[key] = value;
    }
    return new k8s.core.v1.Secret(resourceName, { metadata, type: "Opaque", stringData: values }, opts);
  }

  /**
   * A generated password (letters and digits), as a secret output; undefined when Secrets are not created, since
   * nothing would hold it.
   */
  generatedPassword(
    resourceName: string,
    length: number,
    opts: pulumi.CustomResourceOptions,
  ): pulumi.Output<string> | undefined {
    if (!this.create) {
      return undefined;
    }
    return pulumi.secret(new random.RandomPassword(resourceName, { length, special: false }, opts).result);
  }
}

/** The Secrets that exist, for `dependsOn` (the ones a rendered stack leaves to the user are not among them). */
export function created(...secrets: ReadonlyArray<k8s.core.v1.Secret | undefined>): k8s.core.v1.Secret[] {
  return secrets.filter((s): s is k8s.core.v1.Secret => s !== undefined);
}
