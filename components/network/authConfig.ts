/**
 * `network.auth`: how the UIs exposed through an Ingress authenticate their users (oauth2-proxy run by the platform,
 * or the ingress controller's external auth), and the checks that make either one complete.
 */
import { z } from "zod";
import { annotations, dnsSubdomain, doc, oneLine, pinnedImage, secretKey, url } from "../config/primitives";
import type { ConfigProblem } from "../config/problems";
import { containerResources } from "../config/resourceSchemas";

/**
 * oauth2-proxy v7.15.3: the release the project's own Helm chart moved to (oauth2-proxy/manifests#412, merged
 * 2026-06-09), which carries the v7.15.2 security-audit fixes. Distroless image, uid 65532.
 */
export const OAUTH2_PROXY_IMAGE = "quay.io/oauth2-proxy/oauth2-proxy:v7.15.3";

/** Secret config key (set with `pulumi config set --secret`) with the OAuth client secret. */
export const NETWORK_SECRET_CONFIG_KEYS = { oauth2ProxyClientSecret: "oauth2ProxyClientSecret" } as const;

export const oauth2ProxySchema = z
  .strictObject({
    image: doc(pinnedImage, "oauth2-proxy image").prefault(OAUTH2_PROXY_IMAGE),
    provider: doc(
      z.string().regex(/^[a-z0-9-]+$/, { error: "must be an oauth2-proxy provider name such as 'oidc'" }),
      "oauth2-proxy provider (--provider): oidc, keycloak-oidc, github, gitlab, google, azure, ...",
    ).prefault("oidc"),
    issuerUrl: doc(
      url(/^https?$/),
      "OIDC issuer URL (--oidc-issuer-url); required for the oidc and keycloak-oidc providers",
      ["https://sso.example.com/realms/acme"],
    ).optional(),
    clientId: doc(oneLine.min(1), "OAuth client id registered with the provider", ["flink-ui"]).optional(),
    clientSecretRef: doc(
      z.strictObject({
        name: doc(dnsSubdomain, "name of the Secret", ["flink-ui-oauth"]),
        key: doc(secretKey, "key of the client secret in the Secret").prefault("client-secret"),
      }),
      "an existing Secret with the OAuth client secret, in every namespace with a proxied UI; otherwise the " +
        "secret config key oauth2ProxyClientSecret",
    ).optional(),
    emailDomains: doc(
      z.array(oneLine.min(1)),
      "email domains let in (--email-domain); '*' lets in every user the provider authenticates",
      [["example.com"]],
    ).prefault([]),
    allowedGroups: doc(z.array(oneLine.min(1)), "groups let in (--allowed-group); empty lets in any group", [
      ["flink-admins"],
    ]).prefault([]),
    extraArgs: doc(
      z.array(
        oneLine.regex(/^--[a-z0-9-]+(=.*)?$/, { error: "must be an oauth2-proxy flag such as --flag=value" }),
      ),
      "further oauth2-proxy flags (no secrets: those come from Secrets)",
      [["--oidc-groups-claim=roles"]],
    ).prefault([]),
    resources: containerResources({ cpu: "10m", memory: "32Mi" }, { cpu: "200m", memory: "128Mi" }),
  })
  .prefault({});

export const externalAuthSchema = z
  .strictObject({
    authUrl: doc(
      url(/^https?$/),
      "URL ingress-nginx asks whether a request is authenticated (nginx.ingress.kubernetes.io/auth-url)",
      ["https://auth.example.com/oauth2/auth"],
    ).optional(),
    signinUrl: doc(
      url(/^https?$/),
      "where unauthenticated users are sent to log in (nginx.ingress.kubernetes.io/auth-signin)",
      ["https://auth.example.com/oauth2/start?rd=$escaped_request_uri"],
    ).optional(),
    responseHeaders: doc(
      z.array(z.string().regex(/^[A-Za-z0-9-]+$/, { error: "must be an HTTP header name" })),
      "headers of the auth response passed on to the UI (nginx.ingress.kubernetes.io/auth-response-headers)",
      [["X-Auth-Request-User", "X-Auth-Request-Email"]],
    ).prefault([]),
    annotations: doc(
      annotations,
      "further annotations that make your ingress controller authenticate (e.g. a Traefik forward-auth middleware)",
      [{ "traefik.ingress.kubernetes.io/router.middlewares": "auth-forward@kubernetescrd" }],
    ).prefault({}),
  })
  .prefault({});

export const authSchema = doc(
  z
    .strictObject({
      mode: doc(
        z.enum(["none", "oauth2-proxy", "external"]),
        "none: UIs behind an Ingress are open to whoever reaches it; oauth2-proxy: the platform runs an " +
          "oauth2-proxy in front of each exposed UI; external: the ingress controller authenticates through your " +
          "auth service (annotations)",
      ).prefault("none"),
      oauth2Proxy: oauth2ProxySchema,
      external: externalAuthSchema,
    })
    .prefault({}),
  "authentication of the UIs exposed through an Ingress (the Flink UI runs uploaded jars)",
);

export type AuthConfig = z.output<typeof authSchema>;

/** Flags that would carry a secret on the command line, which everyone who can read the pod spec sees. */
const SECRET_FLAG = /^--(client-secret|cookie-secret|[a-z-]*password)(=|$)/;

export function authProblems(auth: AuthConfig, secretConfigKeys: ReadonlySet<string>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const key = NETWORK_SECRET_CONFIG_KEYS.oauth2ProxyClientSecret;
  const fromConfig = secretConfigKeys.has(key);
  const proxy = auth.oauth2Proxy;
  const at = "network.auth.oauth2Proxy";
  if (auth.mode === "oauth2-proxy") {
    if (!proxy.issuerUrl && (proxy.provider === "oidc" || proxy.provider === "keycloak-oidc")) {
      problems.push({ path: `${at}.issuerUrl`, message: `required for the ${proxy.provider} provider` });
    }
    if (!proxy.clientId) {
      problems.push({ path: `${at}.clientId`, message: "required with network.auth.mode: oauth2-proxy" });
    }
    if (!proxy.clientSecretRef && !fromConfig) {
      problems.push({
        path: `${at}.clientSecretRef`,
        message:
          "oauth2-proxy needs the OAuth client secret: name an existing Secret here, or set the secret config " +
          `key (pulumi config set --secret ${key} ...)`,
      });
    }
    if (proxy.clientSecretRef && fromConfig) {
      problems.push({ path: key, message: `set either ${at}.clientSecretRef or ${key}, not both` });
    }
    if (proxy.emailDomains.length === 0) {
      problems.push({
        path: `${at}.emailDomains`,
        message: "name the email domains to let in ('*' lets in every user the provider authenticates)",
      });
    }
    proxy.extraArgs.forEach((arg, i) => {
      if (SECRET_FLAG.test(arg)) {
        problems.push({
          path: `${at}.extraArgs.${i}`,
          message: "carries a secret on the command line; secrets come from Secrets",
        });
      }
    });
  } else if (fromConfig) {
    problems.push({ path: key, message: "is only read with network.auth.mode: oauth2-proxy; remove it" });
  }
  if (
    auth.mode === "external" &&
    !auth.external.authUrl &&
    Object.keys(auth.external.annotations).length === 0
  ) {
    problems.push({
      path: "network.auth.external.authUrl",
      message:
        "external auth needs the auth service's URL (or the annotations that make your controller ask it)",
    });
  }
  return problems;
}
