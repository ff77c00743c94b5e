/**
 * A small client of the Kubernetes API for the integration suites: it talks to the cluster a kubeconfig names (the
 * throw-away one of scripts/with-cluster.sh) with the kubeconfig's own CA and client certificate, finds resource
 * paths by API discovery, and answers what the suites ask of the server itself (objects, server-side apply dry runs,
 * status patches), never of Pulumi's state.
 */
import * as fs from "fs";
import * as https from "https";
import YAML from "yaml";

/** A Kubernetes object as JSON. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [key: string]: unknown };
  [key: string]: unknown;
}

/** An answer of the API server. */
export interface ApiResponse<T = any> {
  readonly status: number;
  readonly body: T;
}

interface Kubeconfig {
  clusters: Array<{ name: string; cluster: { server: string; "certificate-authority-data": string } }>;
  users: Array<{
    name: string;
    // A client certificate (the admin of scripts/with-cluster.sh) or a bearer token (a service account's).
    user: { "client-certificate-data"?: string; "client-key-data"?: string; token?: string };
  }>;
}

interface ApiResource {
  readonly name: string;
  readonly kind: string;
  readonly namespaced: boolean;
}

const decode = (data: string) => Buffer.from(data, "base64");

export class KubeApi {
  readonly server: URL;
  /** The cluster's CA certificate (PEM), as the kubeconfig embeds it. */
  readonly caCertificate: Buffer;
  private readonly agent: https.Agent;
  private readonly token: string | undefined;
  private readonly discovery = new Map<string, ApiResource[]>();

  /** The cluster of a kubeconfig with embedded certificates or a token (its first cluster and user). */
  constructor(kubeconfigFile: string) {
    const config = YAML.parse(fs.readFileSync(kubeconfigFile, "utf8")) as Kubeconfig;
    const { cluster } = config.clusters[0];
    const { user } = config.users[0];
    this.server = new URL(cluster.server);
    this.caCertificate = decode(cluster["certificate-authority-data"]);
    this.token = user.token;
    const clientCertificate =
      user["client-certificate-data"] && user["client-key-data"]
        ? { cert: decode(user["client-certificate-data"]), key: decode(user["client-key-data"]) }
        : {};
    this.agent = new https.Agent({ ca: this.caCertificate, ...clientCertificate, keepAlive: true });
  }

  /** One request; the body is parsed as JSON when the server answers JSON. */
  request<T = any>(
    method: string,
    path: string,
    body?: unknown,
    contentType = "application/json",
  ): Promise<ApiResponse<T>> {
    const payload = body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const request = https.request(
        {
          host: this.server.hostname,
          port: this.server.port,
          path,
          method,
          agent: this.agent,
          headers: {
            Accept: "application/json",
            ...(this.token ? { Authorization: `Bearer ${this.token}` } : {}),
            ...(payload === undefined
              ? {}
              : { "Content-Type": contentType, "Content-Length": Buffer.byteLength(payload) }),
          },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on("data", (chunk: Buffer) => chunks.push(chunk));
          response.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            let parsed: unknown = text;
            try {
              parsed = JSON.parse(text);
            } catch {
              // Not JSON (a plain-text error): keep the text.
            }
            resolve({ status: response.statusCode ?? 0, body: parsed as T });
          });
        },
      );
      request.on("error", reject);
      request.end(payload);
    });
  }

  /**
   * The resources an API group version serves. Cached, but asked again on a miss: a CRD that was just created is
   * served before its kinds show up in discovery.
   */
  private async resources(apiVersion: string, kind: string): Promise<ApiResource[]> {
    const known = this.discovery.get(apiVersion);
    if (known?.some((r) => r.kind === kind)) {
      return known;
    }
    const path = apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    const response = await this.request<{ resources: ApiResource[] }>("GET", path);
    if (response.status !== 200) {
      throw new Error(`the API server does not serve ${apiVersion} (${response.status})`);
    }
    const resources = response.body.resources.filter((r) => !r.name.includes("/"));
    this.discovery.set(apiVersion, resources);
    return resources;
  }

  /** The URL path of a kind's collection (in a namespace, for namespaced kinds) or of one object of it. */
  async path(apiVersion: string, kind: string, namespace?: string, name?: string): Promise<string> {
    const resource = (await this.resources(apiVersion, kind)).find((r) => r.kind === kind);
    if (!resource) {
      throw new Error(`the API server knows no kind ${kind} in ${apiVersion}`);
    }
    const base = apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    const scope = resource.namespaced && namespace ? `/namespaces/${namespace}` : "";
    return `${base}${scope}/${resource.name}${name ? `/${name}` : ""}`;
  }

  /** An object, or undefined when it does not exist. */
  async get(
    apiVersion: string,
    kind: string,
    name: string,
    namespace?: string,
  ): Promise<KubeObject | undefined> {
    const response = await this.request<KubeObject>(
      "GET",
      await this.path(apiVersion, kind, namespace, name),
    );
    if (response.status === 404) {
      return undefined;
    }
    if (response.status !== 200) {
      throw new Error(
        `GET ${kind} ${namespace ?? ""}/${name}: ${response.status} ${JSON.stringify(response.body)}`,
      );
    }
    return response.body;
  }

  /** Every object of a kind, in a namespace or (without one) in all of them, optionally by label selector. */
  async list(
    apiVersion: string,
    kind: string,
    namespace?: string,
    labelSelector?: string,
  ): Promise<KubeObject[]> {
    const query = labelSelector ? `?labelSelector=${encodeURIComponent(labelSelector)}` : "";
    const response = await this.request<{ items: KubeObject[] }>(
      "GET",
      `${await this.path(apiVersion, kind, namespace)}${query}`,
    );
    if (response.status !== 200) {
      throw new Error(`LIST ${kind}: ${response.status} ${JSON.stringify(response.body)}`);
    }
    return response.body.items;
  }

  /**
   * Server-side apply of an object as a dry run, with strict field validation: the server checks it against its
   * schema (built-in types and CRDs alike) and persists nothing. Returns the server's answer.
   */
  async strictDryRunApply(
    object: KubeObject,
    fieldManager = "flink-platform-conformance",
  ): Promise<ApiResponse> {
    const path = await this.path(
      object.apiVersion,
      object.kind,
      object.metadata.namespace,
      object.metadata.name,
    );
    const query = `?dryRun=All&fieldValidation=Strict&force=true&fieldManager=${fieldManager}`;
    return this.request("PATCH", `${path}${query}`, object, "application/apply-patch+yaml");
  }

  /** Merge a patch into an object's status subresource (`null` removes the status). */
  async patchStatus(object: KubeObject, status: Record<string, unknown> | null): Promise<ApiResponse> {
    const path = await this.path(
      object.apiVersion,
      object.kind,
      object.metadata.namespace,
      object.metadata.name,
    );
    return this.request("PATCH", `${path}/status`, { status }, "application/merge-patch+json");
  }

  /** Create an object (a real write); a 409 (it exists) is not an error. */
  async ensure(object: KubeObject): Promise<void> {
    const response = await this.request(
      "POST",
      await this.path(object.apiVersion, object.kind, object.metadata.namespace),
      object,
    );
    if (response.status !== 201 && response.status !== 409) {
      throw new Error(
        `create ${object.kind} ${object.metadata.name}: ${response.status} ${JSON.stringify(response.body)}`,
      );
    }
  }

  /** Release the connections (the suites call it when they are done). */
  close(): void {
    this.agent.destroy();
  }
}
