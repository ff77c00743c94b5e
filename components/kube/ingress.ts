/** Ingresses to the platform's web UIs: one settings shape, one URL rule, one spec builder. */

/** An optional Ingress to a web UI served at the root path of a host (the `ingress` key of an area). */
export interface IngressSettings {
  /** Create the Ingress. Default false. */
  readonly enabled: boolean;
  /** Ingress class, e.g. "nginx"; the cluster's default class when unset. */
  readonly className?: string;
  /** Host name of the UI; validation requires it when the Ingress is enabled. */
  readonly host?: string;
  /** Secret holding the TLS certificate for the host; plain HTTP when unset. */
  readonly tlsSecretName?: string;
  /** Annotations of the Ingress (for the ingress controller). Default none. */
  readonly annotations: Readonly<Record<string, string>>;
}

/** URL of a UI through its Ingress, or undefined without one. */
export function ingressUrl(ingress: IngressSettings): string | undefined {
  if (!ingress.enabled || !ingress.host) {
    return undefined;
  }
  return `${ingress.tlsSecretName ? "https" : "http"}://${ingress.host}/`;
}

/**
 * Metadata extras and spec of an Ingress that sends every path of the host to a Service's named port. Undefined
 * when the settings ask for no Ingress.
 */
export function ingressObject(ingress: IngressSettings, service: { name: string; port: string }) {
  if (!ingress.enabled || !ingress.host) {
    return undefined;
  }
  return {
    annotations: Object.keys(ingress.annotations).length > 0 ? { ...ingress.annotations } : undefined,
    spec: {
      ...(ingress.className ? { ingressClassName: ingress.className } : {}),
      rules: [
        {
          host: ingress.host,
          http: {
            paths: [
              {
                path: "/",
                pathType: "Prefix",
                backend: { service: { name: service.name, port: { name: service.port } } },
              },
            ],
          },
        },
      ],
      ...(ingress.tlsSecretName
        ? { tls: [{ hosts: [ingress.host], secretName: ingress.tlsSecretName }] }
        : {}),
    },
  };
}
