/**
 * Least-privilege S3 identities on the managed MinIO: each namespace that reads or writes the store gets its own
 * MinIO user, limited by a policy to its own prefix (`<pathPrefix>/<namespace>/`) and to the shared paths that every
 * consumer needs (the Hive warehouse). No pod but MinIO's own setup Job ever holds the root credentials. Pure
 * decisions: who gets which prefixes, the policy documents, and the setup script.
 */
import { inputsHash } from "../kube/hash";
import { WaitBound, waitUntilLines } from "../kube/shell";

/** The MinIO identity of one consumer namespace. */
export interface S3Grant {
  /** The consumer namespace; also the key of its secret key in the users Secret of the MinIO namespace. */
  readonly namespace: string;
  /** MinIO user (access key) and policy name: `ns-<hash of the namespace>`, within MinIO's 3–20 characters. */
  readonly user: string;
  /** Object key prefixes (no leading or trailing `/`) the user may list, read, write and delete below. */
  readonly prefixes: readonly string[];
}

/**
 * One grant per consumer namespace, in the order given (duplicates dropped): its own prefix
 * `<pathPrefix>/<namespace>` (where its clusters keep checkpoints, savepoints and HA data), every shared path
 * below `pathPrefix`, and the paths only that namespace needs besides (`namespacePaths`: the history server in the
 * platform namespace reads and prunes every cluster's `completed-jobs`).
 */
export function s3Grants(
  namespaces: readonly string[],
  pathPrefix: string,
  sharedPaths: readonly string[] = [],
  namespacePaths: Readonly<Record<string, readonly string[]>> = {},
): S3Grant[] {
  return [...new Set(namespaces)].map((namespace) => ({
    namespace,
    user: `ns-${inputsHash(namespace)}`,
    prefixes: [...new Set([namespace, ...sharedPaths, ...(namespacePaths[namespace] ?? [])])].map(
      (path) => `${pathPrefix}/${path}`,
    ),
  }));
}

/**
 * The IAM policy of one grant. Listing is allowed only with a prefix inside the grant (so a namespace cannot even
 * see the names of another's objects); the bucket itself can be located but not listed at its root. Flink's S3
 * filesystems list with a prefix and never probe the bucket (S3A's `fs.s3a.bucket.probe` is 0 since Hadoop 3.3).
 * Listing the bucket's multipart uploads is not granted: MinIO refuses a policy that puts `s3:prefix` on
 * `s3:ListBucketMultipartUploads` (its policy validation allows only the common condition keys there; seen with a
 * real MinIO in the real-Flink suite), and without the prefix it would show every namespace's upload keys. Flink
 * completes and aborts its own uploads by upload id, which the object statement below allows.
 */
export function s3GrantPolicy(bucket: string, grant: S3Grant): Record<string, unknown> {
  const bucketArn = `arn:aws:s3:::${bucket}`;
  return {
    Version: "2012-10-17",
    Statement: [
      { Effect: "Allow", Action: ["s3:GetBucketLocation"], Resource: [bucketArn] },
      {
        Effect: "Allow",
        Action: ["s3:ListBucket"],
        Resource: [bucketArn],
        Condition: { StringLike: { "s3:prefix": grant.prefixes.flatMap((p) => [p, `${p}/*`]) } },
      },
      {
        Effect: "Allow",
        Action: [
          "s3:GetObject",
          "s3:PutObject",
          "s3:DeleteObject",
          "s3:AbortMultipartUpload",
          "s3:ListMultipartUploadParts",
        ],
        Resource: grant.prefixes.map((p) => `${bucketArn}/${p}/*`),
      },
    ],
  };
}

/** Name of the environment variable that holds a grant's secret key in the setup Job. */
export function grantSecretEnv(index: number): string {
  return `GRANT_SECRET_KEY_${index}`;
}

/** Alias of the MinIO server in the setup Job; `MC_HOST_<alias>` carries its URL with the root credentials. */
export const MC_ALIAS = "platform";

/**
 * The setup Job's script: wait until MinIO answers, create the bucket if it is missing, then for each grant write
 * its policy, create or update its user and attach the policy. Every step is idempotent (the policy and the user's
 * secret key are re-asserted, an attachment already in effect is fine), so the Job can run any number of times.
 * Credentials never appear in the script or on a command line: mc reads the root credentials from `MC_HOST_<alias>`
 * and each user's secret key from its standard input (a shell builtin writes it).
 */
export function minioSetupScript(bucket: string, grants: readonly S3Grant[], bound?: WaitBound): string {
  const lines = [
    "set -eu",
    "export MC_CONFIG_DIR=/tmp/mc",
    ...waitUntilLines(`mc ls ${MC_ALIAS}`, "MinIO did not answer", bound),
    `mc mb --ignore-existing ${MC_ALIAS}/${bucket}`,
  ];
  grants.forEach((grant, index) => {
    const file = `/tmp/${grant.user}.json`;
    lines.push(
      `# ${grant.namespace}: ${grant.prefixes.join(", ")}`,
      `cat > ${file} <<'POLICY'`,
      JSON.stringify(s3GrantPolicy(bucket, grant)),
      "POLICY",
      `mc admin policy create ${MC_ALIAS} ${grant.user} ${file} >/dev/null`,
      `printf '%s\\n' "$${grantSecretEnv(index)}" | mc admin user add ${MC_ALIAS} ${grant.user} >/dev/null`,
      `if ! out=$(mc admin policy attach ${MC_ALIAS} ${grant.user} --user ${grant.user} 2>&1); then`,
      `  case "$out" in *"already in effect"*) ;; *) echo "$out" >&2; exit 1 ;; esac`,
      "fi",
    );
  });
  lines.push("");
  return lines.join("\n");
}
