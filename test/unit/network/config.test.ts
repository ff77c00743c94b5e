/** The `network` config area: its defaults, the address blocks it takes, and the checks of UI authentication. */
import * as assert from "assert";
import { parseConfig } from "../../../components/config/parse";
import { readStackConfig } from "../../../stacks/shared/stackFiles";
import { problemsOf } from "../../support/configProblems";

const exposed = {
  flink: { clusters: { session: { ingress: { enabled: true, host: "flink.example.com" } } } },
};
const proxy = (oauth2Proxy: Record<string, unknown>) => ({
  ...exposed,
  network: { auth: { mode: "oauth2-proxy", oauth2Proxy } },
});

describe("network config", () => {
  it("restricts ingress and egress by default, everywhere outside but the metadata address", () => {
    const { network } = parseConfig({});
    assert.strictEqual(network.enabled, true);
    assert.deepStrictEqual(network.egress, {
      restrict: true,
      externalCidrs: ["0.0.0.0/0"],
      exceptCidrs: ["169.254.169.254/32"],
      flinkJobPorts: [],
    });
    assert.strictEqual(network.auth.mode, "none");
  });

  it("takes canonical IPv4 and IPv6 blocks only", () => {
    assert.doesNotThrow(() =>
      parseConfig({ network: { egress: { externalCidrs: ["10.0.0.0/8", "fd00::/8"] } } }),
    );
    assert.deepStrictEqual(
      problemsOf({ network: { egress: { externalCidrs: ["10.0.0.1/8", "10.0.0.0/33", "example.com"] } } }),
      [
        "network.egress.externalCidrs.0: must have no host bits set (10.0.0.0/8, not 10.0.0.1/8)",
        "network.egress.externalCidrs.1: must be a CIDR block such as 10.0.0.0/8 or 0.0.0.0/0",
        "network.egress.externalCidrs.2: must be a CIDR block such as 10.0.0.0/8 or 0.0.0.0/0",
      ],
    );
  });

  it("needs what oauth2-proxy needs, and keeps secrets off its command line", () => {
    assert.deepStrictEqual(
      problemsOf(proxy({ extraArgs: ["--client-secret=abc", "--skip-provider-button"] })),
      [
        "network.auth.oauth2Proxy.issuerUrl: required for the oidc provider",
        "network.auth.oauth2Proxy.clientId: required with network.auth.mode: oauth2-proxy",
        "network.auth.oauth2Proxy.clientSecretRef: oauth2-proxy needs the OAuth client secret: name an existing Secret here, or set the secret config key (pulumi config set --secret oauth2ProxyClientSecret ...)",
        "network.auth.oauth2Proxy.emailDomains: name the email domains to let in ('*' lets in every user the provider authenticates)",
        "network.auth.oauth2Proxy.extraArgs.0: carries a secret on the command line; secrets come from Secrets",
      ],
    );
    const complete = {
      issuerUrl: "https://sso.example.com/realms/acme",
      clientId: "flink-ui",
      emailDomains: ["example.com"],
    };
    assert.doesNotThrow(() =>
      parseConfig(proxy(complete), { secretConfigKeys: new Set(["oauth2ProxyClientSecret"]) }),
    );
    assert.deepStrictEqual(
      problemsOf(proxy({ ...complete, clientSecretRef: { name: "oauth" } }), ["oauth2ProxyClientSecret"]),
      [
        "oauth2ProxyClientSecret: set either network.auth.oauth2Proxy.clientSecretRef or oauth2ProxyClientSecret, not both",
      ],
    );
    assert.deepStrictEqual(problemsOf({}, ["oauth2ProxyClientSecret"]), [
      "oauth2ProxyClientSecret: is only read with network.auth.mode: oauth2-proxy; remove it",
    ]);
  });

  it("needs the auth service of external auth", () => {
    assert.deepStrictEqual(problemsOf({ ...exposed, network: { auth: { mode: "external" } } }), [
      "network.auth.external.authUrl: external auth needs the auth service's URL (or the annotations that make your controller ask it)",
    ]);
  });

  it("refuses a UI behind an Ingress without auth in a production stack", () => {
    assert.doesNotThrow(() => parseConfig(exposed));
    assert.deepStrictEqual(problemsOf({ ...exposed, platform: { production: true } }), [
      "flink.clusters.session.ingress.enabled: flink.clusters.session.ingress exposes the Flink UI of cluster 'session' through an Ingress without authentication (the Flink UI accepts and runs uploaded jars); set network.auth.mode to oauth2-proxy or external (platform.production is true)",
    ]);
    assert.doesNotThrow(() => parseConfig({ ...readStackConfig("dev"), platform: { production: true } }));
  });

  it("refuses a SQL Gateway or the history server behind an Ingress without auth in a production stack", () => {
    const ingress = { enabled: true, host: "sql.example.com" };
    assert.deepStrictEqual(
      problemsOf({
        platform: { production: true },
        storage: { type: "s3", s3: { mode: "managed" } },
        flink: {
          clusters: { session: { sqlGateway: { enabled: true, ingress } } },
          historyServer: { enabled: true, ingress },
        },
      }).filter((problem) => problem.includes("without authentication")),
      [
        "flink.clusters.session.sqlGateway.ingress.enabled: flink.clusters.session.sqlGateway.ingress exposes the SQL Gateway of cluster 'session' through an Ingress without authentication (the SQL Gateway runs any statement it is sent as a job of the cluster); set network.auth.mode to oauth2-proxy or external (platform.production is true)",
        "flink.historyServer.ingress.enabled: flink.historyServer.ingress exposes the Flink history server through an Ingress without authentication (the history server shows every finished job's configuration, plan and exceptions); set network.auth.mode to oauth2-proxy or external (platform.production is true)",
      ],
    );
  });
});
