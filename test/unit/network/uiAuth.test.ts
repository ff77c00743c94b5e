/** Authenticated UIs: oauth2-proxy in front of an exposed UI, external-auth annotations, and the open-UI warning. */
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { parseConfig } from "../../../components/config/parse";
import { exposedUis, unauthenticatedUiMessage } from "../../../components/network/config";
import { oauth2ProxyArgs, openUiWarnings, uiIngress } from "../../../components/network/uiAuth";
import { readStackConfig } from "../../../stacks/shared/stackFiles";
import {
  FLINK_DEPLOYMENT,
  leakedSecrets,
  ofType,
  renderPlatform,
  renderRaw,
  unwrapSecrets,
} from "../../support/mocks";

const ingress = { enabled: true, host: "flink.example.com", tlsSecretName: "flink-tls", annotations: {} };
const external = {
  flink: { clusters: { session: { ingress } } },
  network: {
    auth: {
      mode: "external",
      external: {
        authUrl: "https://auth.example.com/oauth2/auth",
        signinUrl: "https://auth.example.com/oauth2/start?rd=$escaped_request_uri",
        responseHeaders: ["X-Auth-Request-User"],
      },
    },
  },
};

describe("authenticated UIs", () => {
  it("puts the prod stack's Flink UI behind an oauth2-proxy that takes the UI's host and TLS", async () => {
    const { resources, platform } = await renderRaw(readStackConfig("prod"));
    const [analytics] = ofType(resources, FLINK_DEPLOYMENT).filter(
      (r) => r.inputs.metadata.name === "analytics",
    );
    assert.strictEqual(
      analytics.inputs.spec.ingress,
      undefined,
      "the operator makes no Ingress to the bare UI",
    );
    const [ing] = ofType(resources, "kubernetes:networking.k8s.io/v1:Ingress");
    assert.deepStrictEqual(ing.inputs.spec, {
      ingressClassName: "nginx",
      rules: [
        {
          host: "flink.prod.example.com",
          http: {
            paths: [
              {
                path: "/",
                pathType: "Prefix",
                backend: { service: { name: "oauth2-proxy-analytics", port: { name: "http" } } },
              },
            ],
          },
        },
      ],
      tls: [{ hosts: ["flink.prod.example.com"], secretName: "flink-prod-tls" }],
    });
    const [deployment] = ofType(resources, "kubernetes:apps/v1:Deployment").filter(
      (r) => r.inputs.metadata.name === "oauth2-proxy-analytics",
    );
    const pod = deployment.inputs.spec.template.spec;
    assert.strictEqual(pod.automountServiceAccountToken, false);
    const [container] = pod.containers;
    assert.strictEqual(container.image, "quay.io/oauth2-proxy/oauth2-proxy:v7.15.3");
    assert.deepStrictEqual(container.env, [
      {
        name: "OAUTH2_PROXY_CLIENT_SECRET",
        valueFrom: { secretKeyRef: { name: "flink-ui-oauth", key: "client-secret" } },
      },
      {
        name: "OAUTH2_PROXY_COOKIE_SECRET",
        valueFrom: { secretKeyRef: { name: "oauth2-proxy-analytics", key: "cookie-secret" } },
      },
    ]);
    assert.ok(container.args.includes("--upstream=http://analytics-rest.flink.svc:8081"));
    assert.ok(container.args.includes("--redirect-url=https://flink.prod.example.com/oauth2/callback"));
    // The cookie secret is generated into the proxy's own Secret, and nowhere else.
    const [secret] = ofType(resources, "kubernetes:core/v1:Secret").filter(
      (r) => r.inputs.metadata.name === "oauth2-proxy-analytics",
    );
    assert.deepStrictEqual(Object.keys(unwrapSecrets(secret.inputs.stringData)), ["cookie-secret"]);
    assert.deepStrictEqual(leakedSecrets(resources), []);
    assert.strictEqual(platform.clusters.analytics.ingressUrl, "https://flink.prod.example.com/");
  });

  it("keeps a client secret from the secret config key in the proxy's Secret, off the command line", async () => {
    pulumi.runtime.setAllConfig({ "flink-platform:oauth2ProxyClientSecret": "s3cr3t-client" }, [
      "flink-platform:oauth2ProxyClientSecret",
    ]);
    try {
      const raw = readStackConfig("prod") as { network: { auth: { oauth2Proxy: Record<string, unknown> } } };
      const proxy = { ...raw.network.auth.oauth2Proxy, clientSecretRef: undefined };
      const config = parseConfig(
        { ...raw, network: { auth: { mode: "oauth2-proxy", oauth2Proxy: proxy } } },
        { secretConfigKeys: new Set(["oauth2ProxyClientSecret"]) },
      );
      const { resources } = await renderPlatform(config);
      const [secret] = ofType(resources, "kubernetes:core/v1:Secret").filter(
        (r) => r.inputs.metadata.name === "oauth2-proxy-analytics",
      );
      assert.strictEqual(unwrapSecrets(secret.inputs.stringData)["client-secret"], "s3cr3t-client");
      const others = resources.filter((r) => r.type !== "kubernetes:core/v1:Secret");
      assert.ok(!JSON.stringify(unwrapSecrets(others.map((r) => r.inputs))).includes("s3cr3t-client"));
    } finally {
      pulumi.runtime.setAllConfig({});
    }
  });

  it("adds the external-auth annotations to the UIs' Ingresses, the UI's own annotations winning", async () => {
    const config = parseConfig(external);
    assert.deepStrictEqual(
      uiIngress(
        { ...ingress, annotations: { "nginx.ingress.kubernetes.io/auth-signin": "x" } },
        config.network.auth,
      ).annotations,
      {
        "nginx.ingress.kubernetes.io/auth-url": "https://auth.example.com/oauth2/auth",
        "nginx.ingress.kubernetes.io/auth-signin": "x",
        "nginx.ingress.kubernetes.io/auth-response-headers": "X-Auth-Request-User",
      },
    );
    const { resources } = await renderRaw(external);
    const [flink] = ofType(resources, FLINK_DEPLOYMENT);
    assert.strictEqual(
      flink.inputs.spec.ingress.annotations["nginx.ingress.kubernetes.io/auth-url"],
      "https://auth.example.com/oauth2/auth",
    );
  });

  it("builds oauth2-proxy's flags with no secret among them", () => {
    const auth = parseConfig({
      network: {
        auth: {
          mode: "oauth2-proxy",
          oauth2Proxy: {
            issuerUrl: "https://sso.example.com/realms/acme",
            clientId: "flink-ui",
            clientSecretRef: { name: "oauth" },
            emailDomains: ["example.com"],
            allowedGroups: ["flink-admins"],
          },
        },
      },
    }).network.auth;
    assert.deepStrictEqual(
      oauth2ProxyArgs(auth, { host: "flink.example.com", tls: false, upstream: "http://s:8081" }),
      [
        "--http-address=0.0.0.0:4180",
        "--provider=oidc",
        "--oidc-issuer-url=https://sso.example.com/realms/acme",
        "--client-id=flink-ui",
        "--redirect-url=http://flink.example.com/oauth2/callback",
        "--upstream=http://s:8081",
        "--email-domain=example.com",
        "--allowed-group=flink-admins",
        "--cookie-secure=false",
        "--reverse-proxy=true",
        "--skip-provider-button=true",
      ],
    );
  });

  it("warns in preview about a UI exposed without auth, unless the stack is production (validation refuses it)", () => {
    const open = parseConfig({ flink: { clusters: { session: { ingress } } } });
    const uis = exposedUis(open, open.flink.clusters);
    assert.deepStrictEqual(openUiWarnings(open.network.auth, false, uis, unauthenticatedUiMessage), [
      "flink.clusters.session.ingress exposes the Flink UI of cluster 'session' through an Ingress without authentication (the Flink UI accepts and runs uploaded jars); set network.auth.mode to oauth2-proxy or external",
    ]);
    assert.deepStrictEqual(openUiWarnings(open.network.auth, true, uis, unauthenticatedUiMessage), []);
    assert.deepStrictEqual(
      openUiWarnings(parseConfig(external).network.auth, false, uis, unauthenticatedUiMessage),
      [],
    );
  });

  it("counts the SQL Gateways, the applications and the history server among the exposed UIs", () => {
    const open = parseConfig({
      flink: {
        clusters: {
          session: { sqlGateway: { enabled: true, ingress } },
          // An Ingress of a gateway that does not run exposes nothing.
          quiet: { sqlGateway: { enabled: false, ingress } },
        },
        applications: { orders: { job: { jarURI: "local:///opt/flink/usrlib/orders.jar" }, ingress } },
        historyServer: { enabled: true, ingress },
      },
      storage: { type: "s3", s3: { mode: "managed" } },
    });
    const uis = exposedUis(open, open.flink.clusters, open.flink.applications);
    assert.deepStrictEqual(
      uis.map((ui) => [ui.owner, ui.title]),
      [
        ["flink.clusters.session.sqlGateway", "the SQL Gateway of cluster 'session'"],
        ["flink.applications.orders", "the Flink UI of application 'orders'"],
        ["flink.historyServer", "the Flink history server"],
      ],
    );
    assert.deepStrictEqual(openUiWarnings(open.network.auth, false, uis, unauthenticatedUiMessage), [
      "flink.clusters.session.sqlGateway.ingress exposes the SQL Gateway of cluster 'session' through an Ingress without authentication (the SQL Gateway runs any statement it is sent as a job of the cluster); set network.auth.mode to oauth2-proxy or external",
      "flink.applications.orders.ingress exposes the Flink UI of application 'orders' through an Ingress without authentication (the Flink UI accepts and runs uploaded jars); set network.auth.mode to oauth2-proxy or external",
      "flink.historyServer.ingress exposes the Flink history server through an Ingress without authentication (the history server shows every finished job's configuration, plan and exceptions); set network.auth.mode to oauth2-proxy or external",
    ]);
  });
});
