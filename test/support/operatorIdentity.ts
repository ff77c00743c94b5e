/**
 * The identity the operator runs with: the ServiceAccount the chart creates for it, as a pod of the chart's
 * Deployment would have it. The API server issues a token for that account (TokenRequest, as the kubelet asks for a
 * pod's projected token), and a kubeconfig carries it to the operator's process: so every call the operator makes is
 * authorized by the chart's own RBAC, never by the suite's system:masters certificate.
 *
 * The kubeconfig (it holds the token) is written to a directory the suite owns and removes; it lives as long as the
 * token (one hour), and the file is readable by its owner only.
 */
import * as fs from "fs";
import * as path from "path";
import YAML from "yaml";
import { KubeApi } from "./kubeApi";

/** How long the token is valid: longer than the suite's longest operator run. */
const TOKEN_SECONDS = 3600;

/** Who the API server says a kubeconfig's user is. */
export interface Identity {
  readonly username: string;
  readonly groups: readonly string[];
}

/** A token for `namespace/serviceAccount`, issued by the API server's TokenRequest API. */
export async function serviceAccountToken(
  api: KubeApi,
  namespace: string,
  serviceAccount: string,
): Promise<string> {
  const response = await api.request(
    "POST",
    `/api/v1/namespaces/${namespace}/serviceaccounts/${serviceAccount}/token`,
    {
      apiVersion: "authentication.k8s.io/v1",
      kind: "TokenRequest",
      spec: { expirationSeconds: TOKEN_SECONDS },
    },
  );
  if (response.status !== 201 || typeof response.body?.status?.token !== "string") {
    throw new Error(
      `TokenRequest for ${namespace}/${serviceAccount}: ${response.status} ${JSON.stringify(response.body)}`,
    );
  }
  return response.body.status.token as string;
}

/** Writes a kubeconfig for `namespace/serviceAccount` to `file` (mode 0600) and returns its path. */
export async function serviceAccountKubeconfig(
  api: KubeApi,
  namespace: string,
  serviceAccount: string,
  file: string,
): Promise<string> {
  const token = await serviceAccountToken(api, namespace, serviceAccount);
  const user = `system:serviceaccount:${namespace}:${serviceAccount}`;
  const config = {
    apiVersion: "v1",
    kind: "Config",
    clusters: [
      {
        name: "flink-platform-test",
        cluster: {
          server: api.server.origin,
          "certificate-authority-data": api.caCertificate.toString("base64"),
        },
      },
    ],
    users: [{ name: user, user: { token } }],
    contexts: [
      {
        name: "flink-platform-test",
        context: { cluster: "flink-platform-test", user, namespace },
      },
    ],
    "current-context": "flink-platform-test",
  };
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  fs.writeFileSync(file, YAML.stringify(config), { mode: 0o600 });
  return file;
}

/** The user and groups the API server authenticates a kubeconfig as (SelfSubjectReview). */
export async function whoAmI(kubeconfig: string): Promise<Identity> {
  const api = new KubeApi(kubeconfig);
  try {
    const response = await api.request("POST", "/apis/authentication.k8s.io/v1/selfsubjectreviews", {
      apiVersion: "authentication.k8s.io/v1",
      kind: "SelfSubjectReview",
    });
    if (response.status !== 201) {
      throw new Error(`SelfSubjectReview: ${response.status} ${JSON.stringify(response.body)}`);
    }
    const info = response.body.status.userInfo as { username: string; groups?: string[] };
    return { username: info.username, groups: info.groups ?? [] };
  } finally {
    api.close();
  }
}
