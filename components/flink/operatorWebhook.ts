/**
 * The operator's admission webhook certificate, declared by the platform rather than by the chart.
 *
 * The chart renders a cert-manager Issuer and Certificate of its own. helm.v4.Chart must know whether each object is
 * namespaced, and for kinds it does not know it asks the API server, which render mode (GitOps, the release bot's
 * render stacks) has none of: the preview fails. So the post-renderer (chartPostRenderer.ts) drops the chart's
 * cert-manager objects, and the
 * platform declares the same two as custom resources with their namespace spelled out, which needs no lookup. The
 * keystore password, a fixed string in the chart, is generated and kept in a Secret.
 *
 * The names are the ones the chart's other templates refer to: the webhook configurations inject their CA bundle
 * from `<namespace>/flink-operator-serving-cert`, the webhook container mounts `webhook-server-cert`, and the webhook
 * Service is `flink-operator-webhook-service`. A CI test checks them against the released chart.
 */

/** The cert-manager objects' API version. */
export const CERT_MANAGER_API_VERSION = "cert-manager.io/v1";
/** The self-signed Issuer of the webhook certificate. */
export const WEBHOOK_ISSUER = "flink-operator-selfsigned-issuer";
/** The webhook's serving Certificate; the chart's webhook configurations inject their CA from it. */
export const WEBHOOK_CERTIFICATE = "flink-operator-serving-cert";
/** The Secret cert-manager writes the certificate and keystore to; the chart's webhook container mounts it. */
export const WEBHOOK_TLS_SECRET = "webhook-server-cert";
/** The chart's webhook Service, which the certificate names. */
export const WEBHOOK_SERVICE = "flink-operator-webhook-service";
/** The Secret with the generated PKCS#12 keystore password, and its key. */
export const KEYSTORE_SECRET = "flink-operator-webhook-keystore";
export const KEYSTORE_PASSWORD_KEY = "password";

/** The spec of the self-signed Issuer. */
export function webhookIssuerSpec() {
  return { selfSigned: {} };
}

/** The spec of the webhook's serving Certificate in `namespace`, with a PKCS#12 keystore under the generated password. */
export function webhookCertificateSpec(namespace: string) {
  return {
    dnsNames: [`${WEBHOOK_SERVICE}.${namespace}.svc`, `${WEBHOOK_SERVICE}.${namespace}.svc.cluster.local`],
    keystores: {
      pkcs12: { create: true, passwordSecretRef: { name: KEYSTORE_SECRET, key: KEYSTORE_PASSWORD_KEY } },
    },
    issuerRef: { kind: "Issuer", name: WEBHOOK_ISSUER },
    commonName: "FlinkDeployment Validator",
    secretName: WEBHOOK_TLS_SECRET,
  };
}
