/**
 * A minimal S3 client (path-style requests signed with AWS Signature Version 4), so that tests ask the object store
 * itself what an identity may do and see its own answer: the HTTP status and S3's error code, not a client's
 * reading of them.
 */
import * as crypto from "crypto";
import type { S3Identity } from "./minio";

export interface S3Response {
  readonly status: number;
  readonly body: string;
  /** S3's `<Code>` of an error response, when there is one. */
  readonly code?: string;
}

export interface S3RequestOptions {
  readonly method: "GET" | "PUT" | "DELETE" | "HEAD";
  readonly bucket: string;
  /** Object key (no leading `/`); omitted for a bucket request. */
  readonly key?: string;
  readonly query?: Readonly<Record<string, string>>;
  readonly body?: string;
  /** Default us-east-1 (MinIO's default region). */
  readonly region?: string;
}

/** RFC 3986 encoding as SigV4 wants it (`/` kept in paths when `keepSlash`). */
function uriEncode(text: string, keepSlash: boolean): string {
  return Array.from(Buffer.from(text, "utf8"))
    .map((byte) => {
      const c = String.fromCharCode(byte);
      if (/[A-Za-z0-9\-._~]/.test(c) || (keepSlash && c === "/")) {
        return c;
      }
      return `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
    })
    .join("");
}

const sha256Hex = (data: string) => crypto.createHash("sha256").update(data, "utf8").digest("hex");
const hmac = (key: crypto.BinaryLike, data: string) =>
  crypto.createHmac("sha256", key).update(data, "utf8").digest();

/** One signed request to `endpoint` (`http://host:port`) as `identity`. */
export async function s3Request(
  endpoint: string,
  identity: S3Identity,
  options: S3RequestOptions,
): Promise<S3Response> {
  const url = new URL(endpoint);
  const region = options.region ?? "us-east-1";
  const body = options.body ?? "";
  const path = `/${options.bucket}${options.key !== undefined ? `/${options.key}` : ""}`;
  const canonicalUri = uriEncode(path, true);
  const query = Object.entries(options.query ?? {})
    .map(([k, v]) => [uriEncode(k, false), uriEncode(v, false)])
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join("&");
  const amzDate = new Date()
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}/, "");
  const day = amzDate.slice(0, 8);
  const payloadHash = sha256Hex(body);
  const headers: Record<string, string> = {
    host: url.host,
    "x-amz-content-sha256": payloadHash,
    "x-amz-date": amzDate,
  };
  const signedHeaders = Object.keys(headers).sort().join(";");
  const canonicalHeaders = Object.keys(headers)
    .sort()
    .map((h) => `${h}:${headers[h]}\n`)
    .join("");
  const canonicalRequest = [
    options.method,
    canonicalUri,
    query,
    canonicalHeaders,
    signedHeaders,
    payloadHash,
  ].join("\n");
  const scope = `${day}/${region}/s3/aws4_request`;
  const stringToSign = ["AWS4-HMAC-SHA256", amzDate, scope, sha256Hex(canonicalRequest)].join("\n");
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${identity.secretKey}`, day), region), "s3"), "aws4_request");
  const signature = crypto.createHmac("sha256", signingKey).update(stringToSign, "utf8").digest("hex");
  const response = await fetch(`${url.origin}${canonicalUri}${query ? `?${query}` : ""}`, {
    method: options.method,
    headers: {
      ...headers,
      authorization: `AWS4-HMAC-SHA256 Credential=${identity.accessKey}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
    },
    body: options.method === "PUT" ? body : undefined,
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  const code = /<Code>([^<]+)<\/Code>/.exec(text)?.[1];
  return { status: response.status, body: text, ...(code ? { code } : {}) };
}

/** The keys a ListObjectsV2 with `prefix` returns. */
export function listedKeys(response: S3Response): string[] {
  return Array.from(response.body.matchAll(/<Key>([^<]+)<\/Key>/g), (m) => m[1]);
}
