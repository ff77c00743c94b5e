/**
 * What cert-manager does for the operator's admission webhook, played on the throw-away cluster (its CRDs are
 * installed by scripts/with-cluster.sh --crds, its controllers do not run). Prod declares a self-signed Issuer and
 * the serving Certificate with a PKCS#12 keystore (components/flink/operatorWebhook.ts); the chart's webhook
 * container mounts the keystore from the Certificate's Secret, and the chart's webhook configurations ask
 * cert-manager's CA injector for their CA bundle (`cert-manager.io/inject-ca-from`). For every Certificate of a
 * selfSigned Issuer this stand-in issues what cert-manager issues: a throw-away RSA key and a self-signed certificate
 * for the Certificate's DNS names (its own CA, as a selfSigned issuer's certificates are), in a `kubernetes.io/tls`
 * Secret with `tls.crt`, `tls.key`, `ca.crt` and, when asked, `keystore.p12` under the password the Certificate's
 * `passwordSecretRef` names; it marks the Certificate Ready; and it injects `ca.crt` into the `caBundle` of every
 * webhook of the configurations that ask for it. Keys are made by openssl in a directory the suite removes; the
 * keystore password reaches openssl through its environment, never its command line.
 */
import { execFile } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { promisify } from "util";
import { KubeApi, KubeObject } from "./kubeApi";

const run = promisify(execFile);
const CERT_MANAGER = "cert-manager.io/v1";
const INJECT_ANNOTATION = "cert-manager.io/inject-ca-from";
const ADMISSION_API = "admissionregistration.k8s.io/v1";
const WEBHOOK_KINDS = ["ValidatingWebhookConfiguration", "MutatingWebhookConfiguration"];

export class CertManagerStandIn {
  /** What it did, in order: "issued ns/name", "injected Kind name". */
  readonly actions: string[] = [];
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly api: KubeApi,
    private readonly workDir: string,
    private readonly pollMs = 500,
  ) {}

  start(): void {
    const tick = () => {
      this.running = this.reconcile()
        .catch((err: unknown) => console.error(`cert-manager stand-in: ${String(err)}`))
        .finally(() => {
          if (this.timer) {
            this.timer = setTimeout(tick, this.pollMs);
          }
        });
    };
    this.timer = setTimeout(tick, 0);
  }

  async stop(): Promise<void> {
    const timer = this.timer;
    this.timer = undefined;
    clearTimeout(timer);
    await this.running;
  }

  private async reconcile(): Promise<void> {
    let certificates: KubeObject[];
    try {
      certificates = await this.api.list(CERT_MANAGER, "Certificate");
    } catch (err) {
      if (/does not serve|knows no kind|: 429 /.test(String(err))) {
        return; // No cert-manager CRDs (or their storage not ready yet): nothing to play.
      }
      throw err;
    }
    for (const certificate of certificates) {
      if (!isReady(certificate) && !certificate.metadata.deletionTimestamp) {
        await this.issue(certificate);
      }
    }
    for (const kind of WEBHOOK_KINDS) {
      for (const configuration of await this.api.list(ADMISSION_API, kind)) {
        // List items of built-in kinds carry no apiVersion and kind.
        await this.inject({ ...configuration, apiVersion: ADMISSION_API, kind });
      }
    }
  }

  /** Issues a Certificate of a selfSigned Issuer (others are not played). */
  private async issue(certificate: KubeObject): Promise<void> {
    const namespace = certificate.metadata.namespace as string;
    const spec = certificate.spec as any;
    const issuer = await this.api.get(
      CERT_MANAGER,
      spec.issuerRef.kind ?? "Issuer",
      spec.issuerRef.name,
      namespace,
    );
    if (!(issuer?.spec as any)?.selfSigned) {
      return;
    }
    const pkcs12 = spec.keystores?.pkcs12;
    let password: string | undefined;
    if (pkcs12?.create) {
      const ref = pkcs12.passwordSecretRef;
      const secret = await this.api.get("v1", "Secret", ref.name, namespace);
      const value = (secret?.data as Record<string, string> | undefined)?.[ref.key];
      if (!value) {
        return; // Its password Secret is not there yet: cert-manager waits too.
      }
      password = Buffer.from(value, "base64").toString("utf8");
    }
    const dir = fs.mkdtempSync(path.join(this.workDir, "certificate-"));
    try {
      const names = (spec.dnsNames as string[]).map((n) => `DNS:${n}`).join(",");
      const key = path.join(dir, "tls.key");
      const crt = path.join(dir, "tls.crt");
      const subject = `/CN=${spec.commonName ?? spec.dnsNames[0]}`;
      const extensions = [
        `subjectAltName=${names}`,
        "keyUsage=critical,digitalSignature,keyEncipherment",
        "extendedKeyUsage=serverAuth",
      ];
      const request = ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", subject];
      await run("openssl", [
        ...request,
        ...extensions.flatMap((e) => ["-addext", e]),
        "-keyout",
        key,
        "-out",
        crt,
      ]);
      const data: Record<string, string> = {
        "tls.crt": fs.readFileSync(crt).toString("base64"),
        "tls.key": fs.readFileSync(key).toString("base64"),
        "ca.crt": fs.readFileSync(crt).toString("base64"),
      };
      if (password !== undefined) {
        const p12 = path.join(dir, "keystore.p12");
        const pkcs12Args = [
          "pkcs12",
          "-export",
          "-in",
          crt,
          "-inkey",
          key,
          "-name",
          "certificate",
          "-out",
          p12,
        ];
        await run("openssl", [...pkcs12Args, "-passout", "env:KEYSTORE_PASSWORD"], {
          env: { PATH: process.env.PATH, KEYSTORE_PASSWORD: password },
        });
        data["keystore.p12"] = fs.readFileSync(p12).toString("base64");
      }
      await this.api.ensure({
        apiVersion: "v1",
        kind: "Secret",
        metadata: {
          name: spec.secretName,
          namespace,
          annotations: { "cert-manager.io/certificate-name": certificate.metadata.name },
        },
        type: "kubernetes.io/tls",
        data,
      });
      const now = new Date().toISOString();
      await this.api.patchStatus(certificate, {
        conditions: [
          {
            type: "Ready",
            status: "True",
            reason: "Ready",
            message: "issued by the suite",
            lastTransitionTime: now,
          },
        ],
        notBefore: now,
        notAfter: new Date(Date.now() + 2 * 86400_000).toISOString(),
      });
      this.actions.push(`issued ${namespace}/${certificate.metadata.name}`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }

  /** Injects the CA of the Certificate a webhook configuration names into each of its webhooks. */
  private async inject(configuration: KubeObject): Promise<void> {
    const from = (configuration.metadata.annotations as Record<string, string> | undefined)?.[
      INJECT_ANNOTATION
    ];
    if (!from) {
      return;
    }
    const [namespace, name] = from.split("/");
    const certificate = await this.api.get(CERT_MANAGER, "Certificate", name, namespace);
    if (!certificate || !isReady(certificate)) {
      return;
    }
    const secretName = (certificate.spec as any).secretName;
    const secret = await this.api.get("v1", "Secret", secretName, namespace);
    const ca = (secret?.data as Record<string, string> | undefined)?.["ca.crt"];
    if (!ca) {
      return;
    }
    const webhooks = (configuration.webhooks ?? []) as any[];
    const patch = webhooks.flatMap((w, i) =>
      w.clientConfig?.caBundle === ca
        ? []
        : [{ op: "add", path: `/webhooks/${i}/clientConfig/caBundle`, value: ca }],
    );
    if (patch.length === 0) {
      return;
    }
    const resource = await this.api.path(
      configuration.apiVersion,
      configuration.kind,
      undefined,
      configuration.metadata.name,
    );
    const response = await this.api.request(
      "PATCH",
      `${resource}?fieldManager=cert-manager-cainjector`,
      patch,
      "application/json-patch+json",
    );
    if (response.status !== 200) {
      throw new Error(
        `inject CA into ${configuration.kind} ${configuration.metadata.name}: ${response.status}`,
      );
    }
    this.actions.push(`injected ${configuration.kind} ${configuration.metadata.name}`);
  }
}

function isReady(object: KubeObject): boolean {
  const conditions = ((object.status as any)?.conditions ?? []) as Array<{ type: string; status: string }>;
  return conditions.some((c) => c.type === "Ready" && c.status === "True");
}
