/**
 * The operator chart's post-renderer: what the platform changes in the chart's rendered manifests before
 * `helm.v4.Chart` registers them. An awk program (POSIX awk, which any machine that runs the provider has), so the
 * manifests never pass through the program: a Pulumi transform would send every child, the 1.2 MB of CRDs among them,
 * to the program and back on every preview (issue 13 measured the prod preview at 3x an empty program's with it).
 *
 * - CustomResourceDefinitions are shared by every stack on a cluster: each stack takes over the fields another stack
 *   applied (`pulumi.com/patchForce`) instead of failing on a server-side apply conflict over `spec.versions`, an
 *   atomic list. Unless data loss is allowed they are retained on delete (`helm.sh/resource-policy: keep`, which
 *   helm.v4.Chart turns into `retainOnDelete`), because deleting a CRD deletes every FlinkDeployment and
 *   FlinkSessionJob of every stack on the cluster. Their printer columns' `priority: 0` lines are dropped: the API
 *   server does not store the zero value, so with them every preview would propose to add it back.
 * - With the webhook, the chart's own cert-manager objects are dropped (operatorWebhook.ts says why).
 */

/** What the post-renderer changes. */
export interface PostRenderSettings {
  /** Keep the CRDs on delete (`helm.sh/resource-policy: keep`); true unless `platform.allowDataLoss`. */
  readonly retainCrds: boolean;
  /** Drop the chart's cert-manager objects (the webhook is on; the platform declares them itself). */
  readonly dropCertManager: boolean;
}

/** The annotations every CRD of the chart gets. */
export function crdAnnotations(retainCrds: boolean): Record<string, string> {
  return {
    "pulumi.com/patchForce": "true",
    ...(retainCrds ? { "helm.sh/resource-policy": "keep" } : {}),
  };
}

/**
 * The awk program. It streams: each document's leading lines (comments, `apiVersion`, `kind`) are held until both
 * are known or `metadata:` starts, which decides whether the document is dropped (cert-manager, when asked) or is a
 * CustomResourceDefinition; every later line goes straight out, so the 1.2 MB of CRDs cost one pass. In a CRD the
 * annotations go below `metadata:` (the chart's CRDs have none of their own) and the `priority: 0` lines are left
 * out. The chart's templates start with `apiVersion` and `kind`, as Helm charts do.
 */
export function postRenderProgram(settings: PostRenderSettings): string {
  const annotations = Object.entries(crdAnnotations(settings.retainCrds))
    .map(([key, value]) => `    ${key}: \\"${value}\\"\\n`)
    .join("");
  return [
    // Decide the held lines' fate and write them (unless dropped).
    `function decide() {`,
    `  deciding = 0`,
    `  if (!drop) printf "%s", held`,
    `  held = ""`,
    `}`,
    `BEGIN { deciding = 1 }`,
    // A separator belongs to the document after it, and goes with it when it is dropped.
    `/^---/ { if (deciding) decide(); held = $0 "\\n"; deciding = 1; drop = 0; crd = 0; api = 0; kind = 0; next }`,
    `deciding && /^apiVersion:/ {`,
    `  api = 1`,
    ...(settings.dropCertManager ? [`  if ($0 ~ /^apiVersion:[ \\t]*"?cert-manager\\.io\\//) drop = 1`] : []),
    `}`,
    `deciding && /^kind:/ { kind = 1; if ($0 ~ /^kind:[ \\t]*"?CustomResourceDefinition"?[ \\t]*$/) crd = 1 }`,
    `deciding && !/^metadata:/ { held = held $0 "\\n"; if (api && kind) decide(); next }`,
    `deciding { decide() }`,
    `drop { next }`,
    `crd && /^[ \\t]+priority:[ \\t]*0[ \\t]*$/ { next }`,
    `{ print }`,
    `crd && /^metadata:[ \\t]*$/ { printf "  annotations:\\n${annotations}" }`,
    `END { if (deciding) decide() }`,
  ].join("\n");
}

/** The chart's `postRenderer`. */
export function chartPostRenderer(settings: PostRenderSettings): { command: string; args: string[] } {
  return { command: "awk", args: [postRenderProgram(settings)] };
}
