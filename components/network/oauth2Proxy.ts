/**
 * oauth2-proxy in front of one UI: a Deployment of the upstream image, its Service, and the Ingress that takes the
 * UI's host, so that every request reaches the UI only after the identity provider has authenticated the user.
 * The client secret comes from the secret config key (put into this proxy's Secret) or from an existing Secret;
 * the cookie secret is generated.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { IngressSettings, ingressObject } from "../kube/ingress";
import { platformLabels, selectorLabels } from "../kube/labels";
import { created, SecretPolicy, secretEnv } from "../kube/secrets";
import { nonRootPodSecurityContext, restrictedContainerSecurityContext } from "../kube/securityContext";
import type { AuthConfig } from "./authConfig";
import { OAUTH2_PROXY_PORT, oauth2ProxyName } from "./flows";
import { OAUTH2_PROXY_SECRET_KEYS, oauth2ProxyArgs } from "./uiAuth";

/** The distroless image's user (nonroot). */
const OAUTH2_PROXY_UID = 65532;

export interface OAuth2ProxyArgs {
  /**
   * The UI it guards, which names the proxy's objects (`oauth2-proxy-<ui>`) and which its NetworkPolicy expects: the
   * cluster's or application's name, `sqlGatewayName(cluster)`, HISTORY_SERVER_UI, or `streampark`.
   */
  readonly ui: string;
  /** Namespace of the UI, where the proxy runs. */
  readonly namespace: string;
  /** The UI's Ingress settings (`<area>.ingress`): the proxy's Ingress takes its host, class, TLS and annotations. */
  readonly ingress: IngressSettings;
  /** In-cluster URL of the UI, e.g. http://session-rest.flink.svc:8081. */
  readonly upstream: string;
  /** `network.auth` (provider, client id, email domains, image, resources). */
  readonly auth: AuthConfig;
  /** The client secret from the secret config key `oauth2ProxyClientSecret`. Default none (with `clientSecretRef`). */
  readonly clientSecret?: pulumi.Output<string>;
  /** Whether the proxy's Secret is created, or left to the user of a rendered stack. */
  readonly secrets: SecretPolicy;
}

export class OAuth2Proxy extends pulumi.ComponentResource {
  /** The Service the Ingress sends requests to. */
  public readonly serviceName: string;

  constructor(name: string, args: OAuth2ProxyArgs, opts?: pulumi.ComponentResourceOptions) {
    super("flink-platform:network:OAuth2Proxy", name, {}, opts);
    const objectName = oauth2ProxyName(args.ui);
    const labels = platformLabels("oauth2-proxy", args.ui);
    const selector = selectorLabels("oauth2-proxy", args.ui);
    const metadata = { name: objectName, namespace: args.namespace, labels };
    this.serviceName = objectName;
    const proxy = args.auth.oauth2Proxy;

    // 32 letters and digits: oauth2-proxy takes a cookie secret of 16, 24 or 32 bytes.
    const cookieSecret = args.secrets.generatedPassword(`${name}-cookie-secret`, 32, { parent: this });
    const clientSecretRef = proxy.clientSecretRef ?? {
      name: objectName,
      key: OAUTH2_PROXY_SECRET_KEYS.clientSecret,
    };
    const secret = args.secrets.secret(
      `${name}-secret`,
      metadata,
      {
        [OAUTH2_PROXY_SECRET_KEYS.cookieSecret]: cookieSecret,
        ...(proxy.clientSecretRef ? {} : { [OAUTH2_PROXY_SECRET_KEYS.clientSecret]: args.clientSecret }),
      },
      { parent: this },
    );

    const probe = (initialDelaySeconds: number) => ({
      httpGet: { path: "/ping", port: "http" },
      initialDelaySeconds,
      periodSeconds: 10,
      failureThreshold: 3,
    });
    const tls = args.ingress.tlsSecretName !== undefined;
    new k8s.apps.v1.Deployment(
      `${name}-deployment`,
      {
        metadata,
        spec: {
          replicas: 1,
          selector: { matchLabels: selector },
          template: {
            metadata: { labels },
            spec: {
              // The proxy never calls the Kubernetes API.
              automountServiceAccountToken: false,
              enableServiceLinks: false,
              securityContext: nonRootPodSecurityContext(OAUTH2_PROXY_UID),
              containers: [
                {
                  name: "oauth2-proxy",
                  image: proxy.image,
                  args: oauth2ProxyArgs(args.auth, {
                    host: args.ingress.host ?? "",
                    tls,
                    upstream: args.upstream,
                  }),
                  env: [
                    secretEnv("OAUTH2_PROXY_CLIENT_SECRET", clientSecretRef),
                    secretEnv("OAUTH2_PROXY_COOKIE_SECRET", {
                      name: objectName,
                      key: OAUTH2_PROXY_SECRET_KEYS.cookieSecret,
                    }),
                  ],
                  ports: [{ name: "http", containerPort: OAUTH2_PROXY_PORT, protocol: "TCP" }],
                  livenessProbe: probe(10),
                  readinessProbe: probe(2),
                  resources: proxy.resources,
                  securityContext: restrictedContainerSecurityContext({ readOnlyRootFilesystem: true }),
                },
              ],
            },
          },
        },
      },
      { parent: this, dependsOn: created(secret) },
    );
    new k8s.core.v1.Service(
      `${name}-service`,
      {
        metadata,
        spec: { selector, ports: [{ name: "http", port: OAUTH2_PROXY_PORT, targetPort: "http" }] },
      },
      { parent: this },
    );
    const ingress = ingressObject(args.ingress, { name: objectName, port: "http" });
    if (ingress) {
      new k8s.networking.v1.Ingress(
        `${name}-ingress`,
        {
          metadata: { ...metadata, ...(ingress.annotations ? { annotations: ingress.annotations } : {}) },
          spec: ingress.spec,
        },
        { parent: this },
      );
    }
    this.registerOutputs({ serviceName: this.serviceName });
  }
}

/** An oauth2-proxy in front of a UI when `network.auth.mode` is oauth2-proxy and the UI has an Ingress; else none. */
export function proxyIfAsked(
  name: string,
  args: OAuth2ProxyArgs,
  opts: pulumi.ComponentResourceOptions,
): OAuth2Proxy | undefined {
  if (args.auth.mode !== "oauth2-proxy" || !args.ingress.enabled || !args.ingress.host) {
    return undefined;
  }
  return new OAuth2Proxy(name, args, opts);
}
