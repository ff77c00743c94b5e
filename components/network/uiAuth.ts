/**
 * How an exposed UI authenticates, as pure decisions: which Ingress settings the UI itself keeps (external auth
 * adds the controller's annotations; with oauth2-proxy the UI gets no Ingress of its own, the proxy's takes its
 * host), the oauth2-proxy container, and the warnings of a stack that exposes a UI without auth.
 */
import type { IngressSettings } from "../kube/ingress";
import type { AuthConfig } from "./authConfig";
import { OAUTH2_PROXY_PORT } from "./flows";

/** Keys of the oauth2-proxy Secret the platform creates (client secret, cookie secret). */
export const OAUTH2_PROXY_SECRET_KEYS = {
  clientSecret: "client-secret",
  cookieSecret: "cookie-secret",
} as const;

/** The ingress-nginx annotations of external auth, plus the user's own. */
export function externalAuthAnnotations(auth: AuthConfig): Record<string, string> {
  const external = auth.external;
  return {
    ...(external.authUrl ? { "nginx.ingress.kubernetes.io/auth-url": external.authUrl } : {}),
    ...(external.signinUrl ? { "nginx.ingress.kubernetes.io/auth-signin": external.signinUrl } : {}),
    ...(external.responseHeaders.length > 0
      ? { "nginx.ingress.kubernetes.io/auth-response-headers": external.responseHeaders.join(",") }
      : {}),
    ...external.annotations,
  };
}

/** The Ingress settings the UI's own Ingress is built from, under the auth mode. */
export function uiIngress<T extends IngressSettings>(ingress: T, auth: AuthConfig): T {
  if (!ingress.enabled || !ingress.host) {
    return ingress;
  }
  switch (auth.mode) {
    case "external":
      // The user's annotations of the UI win over the platform's, so one UI can differ from the rest.
      return { ...ingress, annotations: { ...externalAuthAnnotations(auth), ...ingress.annotations } };
    case "oauth2-proxy":
      // The proxy's Ingress serves the host; the UI is reached only through the proxy.
      return { ...ingress, enabled: false };
    default:
      return ingress;
  }
}

/**
 * The oauth2-proxy container's arguments for one UI. Secrets come from the environment (OAUTH2_PROXY_CLIENT_SECRET,
 * OAUTH2_PROXY_COOKIE_SECRET), never from the command line, which anyone who can read the pod spec sees.
 */
export function oauth2ProxyArgs(
  auth: AuthConfig,
  ui: { host: string; tls: boolean; upstream: string },
): string[] {
  const proxy = auth.oauth2Proxy;
  const scheme = ui.tls ? "https" : "http";
  return [
    `--http-address=0.0.0.0:${OAUTH2_PROXY_PORT}`,
    `--provider=${proxy.provider}`,
    ...(proxy.issuerUrl ? [`--oidc-issuer-url=${proxy.issuerUrl}`] : []),
    `--client-id=${proxy.clientId ?? ""}`,
    `--redirect-url=${scheme}://${ui.host}/oauth2/callback`,
    `--upstream=${ui.upstream}`,
    ...proxy.emailDomains.map((domain) => `--email-domain=${domain}`),
    ...proxy.allowedGroups.map((group) => `--allowed-group=${group}`),
    // A cookie sent over plain HTTP would be refused by browsers when marked secure.
    `--cookie-secure=${ui.tls}`,
    "--reverse-proxy=true",
    "--skip-provider-button=true",
    ...proxy.extraArgs,
  ];
}

/** The UIs behind an Ingress without auth, to warn about in preview (production stacks refuse them instead). */
export function openUiWarnings<Ui>(
  auth: AuthConfig,
  production: boolean,
  uis: readonly Ui[],
  message: (ui: Ui) => string,
): string[] {
  return auth.mode === "none" && !production ? uis.map(message) : [];
}
