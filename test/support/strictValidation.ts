/**
 * Every Kubernetes object the program sends, checked by a real API server with strict field validation. The objects
 * are taken where the program hands them to Pulumi (recorded under mocks), because the provider's typed
 * normalization drops fields it does not know before the server could see them: a misspelled field in code would
 * otherwise vanish without a word.
 */
import type { KubeApi, KubeObject } from "./kubeApi";
import { RecordedResource, unwrapSecrets } from "./mocks";

/** `kubernetes:<group>/<version>:<Kind>` (or `kubernetes:core/v1:<Kind>`), but not components such as charts. */
const KUBERNETES_TYPE = /^kubernetes:([a-z0-9.-]+)\/([a-z0-9]+):([A-Za-z]+)$/;

/** The objects of a render that are Kubernetes objects, as the API server would receive them. */
export function kubernetesObjects(resources: readonly RecordedResource[]): KubeObject[] {
  return resources
    .filter((r) => r.custom && KUBERNETES_TYPE.test(r.type) && !r.type.startsWith("kubernetes:helm.sh/"))
    .map((r) => {
      const [, group, version, kind] = KUBERNETES_TYPE.exec(r.type) as RegExpExecArray;
      const object = unwrapSecrets(r.inputs) as KubeObject;
      return { ...object, apiVersion: group === "core" ? version : `${group}/${version}`, kind };
    });
}

/** Where an object is, for messages: `Kind namespace/name`. */
export function describeObject(object: KubeObject): string {
  const { namespace, name } = object.metadata;
  return `${object.kind} ${namespace ? `${namespace}/` : ""}${name}`;
}

/** The server's reason for refusing an object, from its Status answer. */
function reason(body: unknown): string {
  if (body && typeof body === "object" && "message" in body) {
    return String(body.message);
  }
  return String(body).slice(0, 500);
}

/**
 * Dry-run server-side apply of each object with strict field validation; returns one line per refused object,
 * naming the object and the server's reason.
 */
export async function strictValidationProblems(
  api: KubeApi,
  objects: readonly KubeObject[],
): Promise<string[]> {
  const problems: string[] = [];
  for (const object of objects) {
    const response = await api.strictDryRunApply(object);
    if (response.status < 200 || response.status >= 300) {
      problems.push(`${describeObject(object)}: ${response.status} ${reason(response.body)}`);
    }
  }
  return problems;
}
