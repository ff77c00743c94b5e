/**
 * Schema building blocks shared by every config area: scalars that take what `pulumi config set --path` stores,
 * Kubernetes names and field rules, images. Kept apart from the assembled schema so that area modules can use them
 * without importing every area.
 *
 * `pulumi config set --path` stores `true`/`false` as booleans, whole numbers as numbers and everything else as a
 * string ("0.5", "512Mi", "1.20"); a stack file may hold either form. Wherever a number and its string mean the same
 * thing, both are accepted.
 */
import { isIP } from "net";
import { z } from "zod";
import { urlPortProblem } from "./endpoints";

/** A schema with its description (and examples), which the generated configuration reference shows. */
export function doc<T extends z.ZodType>(schema: T, description: string, examples?: readonly unknown[]): T {
  return schema.meta({ description, ...(examples ? { examples: [...examples] } : {}) });
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)$/;

/** A number, also written as a numeric string. */
export const toNumber = (value: unknown) =>
  typeof value === "string" && NUMBER.test(value.trim()) ? Number(value.trim()) : value;

/** A boolean, also written as the string "true" or "false". */
export const flag = z.preprocess(
  (value) => (value === "true" ? true : value === "false" ? false : value),
  z.boolean({ error: "must be true or false" }),
);

/** A whole number in a range, also written as a numeric string. */
export const integer = (min: number, max: number) =>
  z.preprocess(
    toNumber,
    z
      .number({ error: `must be a whole number from ${min} to ${max}` })
      .int({ error: `must be a whole number from ${min} to ${max}` })
      .min(min, { error: `must be at least ${min}` })
      .max(max, { error: `must be at most ${max}` }),
  );

/** A TCP port. */
export const port = integer(1, 65535);

/** A string that `problemOf` finds nothing wrong with; what it finds is the message, at the key. */
export const checkedString = (problemOf: (text: string) => string | undefined) =>
  z.string().superRefine((text, ctx) => {
    const problem = problemOf(text);
    if (problem) {
      ctx.addIssue({ code: "custom", message: problem });
    }
  });

/** Text that fits on one line: values that reach configuration files and scripts line by line. */
export const oneLine = z
  .string()
  .refine((text) => !/[\r\n]/.test(text), { error: "must not contain line breaks" });

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Name of a Kubernetes object that must be a DNS-1123 label starting with a letter (Services and most names the
 * platform derives from it).
 */
export const dnsLabel = (max: number) =>
  z
    .string()
    .max(max, { error: `must be at most ${max} characters` })
    .regex(/^[a-z]([-a-z0-9]*[a-z0-9])?$/, {
      error:
        "must be DNS-safe: lower-case letters, digits and '-', starting with a letter and ending alphanumeric",
    });

/** A namespace name: an RFC 1123 label, which may start with a digit. */
export const namespaceName = z.string().max(63, { error: "must be at most 63 characters" }).regex(DNS_LABEL, {
  error: "must be a namespace name: lower-case letters, digits and '-', alphanumeric at both ends",
});

/** Name of a Kubernetes object that may be a DNS-1123 subdomain (Secrets, ConfigMaps, storage and ingress classes). */
export const dnsSubdomain = z
  .string()
  .max(253, { error: "must be at most 253 characters" })
  .refine((name) => name.split(".").every((label) => DNS_LABEL.test(label) && label.length <= 63), {
    error: "must be a DNS subdomain: dot-separated labels of lower-case letters, digits and '-'",
  });

/** A session cluster name: the operator's validator allows `[a-z]([-a-z\d]{0,43}[a-z\d])?`, i.e. 45 characters. */
export const clusterName = dnsLabel(45);

/** A key of a Secret or ConfigMap: alphanumerics, '-', '_' and '.'. */
export const secretKey = z
  .string()
  .max(253, { error: "must be at most 253 characters" })
  .regex(/^[-._a-zA-Z0-9]+$/, { error: "must be a Secret key: letters, digits, '-', '_' and '.'" });

/** A host name as Ingresses take it: a DNS name (labels of at most 63 characters), not an IP address. */
export const hostName = z
  .string()
  .max(253, { error: "must be at most 253 characters" })
  .refine((host) => isIP(host) === 0, { error: "must be a DNS name, not an IP address" })
  .refine((host) => host.split(".").every((label) => label.length <= 63 && DNS_LABEL.test(label)), {
    error: "must be a DNS name: dot-separated labels of at most 63 lower-case letters, digits and '-'",
  });

/** A label or annotation key: an optional DNS-subdomain prefix and a name of at most 63 characters. */
export const labelKey = z.string().refine(
  (key) => {
    const [prefix, name] = key.includes("/") ? key.split(/\/(.*)/s, 2) : [undefined, key];
    const prefixOk = prefix === undefined || dnsSubdomain.safeParse(prefix).success;
    return prefixOk && /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/.test(name ?? "");
  },
  { error: "must be a Kubernetes label key such as 'release' or 'example.com/team'" },
);

/** A label value (numbers and booleans as the CLI stores them are taken as their text). */
export const labelValue = z.preprocess(
  (value) => (typeof value === "number" || typeof value === "boolean" ? String(value) : value),
  z.string().regex(/^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/, {
    error:
      "must be a Kubernetes label value: at most 63 letters, digits, '-', '_' or '.', alphanumeric at both ends",
  }),
);

/** Annotations: label keys, and values of any text (numbers and booleans taken as their text). */
export const annotations = z.record(
  labelKey,
  z.preprocess(
    (value) => (typeof value === "number" || typeof value === "boolean" ? String(value) : value),
    z.string(),
  ),
);

/** An exact image reference; floating tags defeat reproducible deployments. */
export const pinnedImage = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._\-/:]*(:[\w][\w.-]{0,127}|@sha256:[a-f0-9]{64})$/, {
    error: "must be an image reference with an explicit tag or digest, e.g. 'flink:1.20.4-scala_2.12-java17'",
  })
  .refine((image) => !/:latest$/.test(image), { error: "must not use the floating 'latest' tag" });

/**
 * A URL with one of the given schemes (credentials in it are refused anywhere in config, by parseConfig), and a port,
 * when it names one, from 1 to 65535 (the URL parser takes port 0, and refuses other bad ports without a reason).
 */
export const url = (schemes: RegExp) => {
  const badPort = (text: unknown) => (typeof text === "string" ? urlPortProblem(text) : undefined);
  const message = (text: unknown) => {
    const port = badPort(text);
    return `must be a URL (${schemes.source})${port ? `: ${port}` : ""}`;
  };
  return (
    z
      .url({ protocol: schemes, error: (issue) => message(issue.input) })
      // Port 0 parses; any other bad port was refused above, with its reason.
      .refine((text) => badPort(text) === undefined || !URL.canParse(text), {
        error: (issue) => message(issue.input),
      })
  );
};
