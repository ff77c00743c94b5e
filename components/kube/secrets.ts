/** How pods reach credentials: by reference to a key of a Kubernetes Secret, never by value. */

/** A key of a Secret, by the Secret's name; the Secret is in the namespace of the pod that uses it. */
export interface SecretKeyRef {
  readonly name: string;
  readonly key: string;
}

/** An environment variable filled from a Secret's key. */
export function secretEnv(name: string, ref: SecretKeyRef) {
  return { name, valueFrom: { secretKeyRef: { name: ref.name, key: ref.key } } };
}
