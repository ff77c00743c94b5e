/**
 * Where the stacks live and how their secrets are encrypted, from the environment:
 *
 * - `PULUMI_BACKEND_URL`: the state backend (`s3://bucket/prefix`, `azblob://…`, `gs://…`, `https://api.pulumi.com`,
 *   `file://…`). Unset: the backend the Pulumi CLI is logged in to (`pulumi login`, `pulumi login --local`), the
 *   same one `pulumi up` uses, so that a stack made by `init` is the stack `pulumi` sees.
 * - `PULUMI_CONFIG_PASSPHRASE` or `PULUMI_CONFIG_PASSPHRASE_FILE`: the passphrase of stacks that use the passphrase
 *   secrets provider (read by the Pulumi CLI itself).
 * - `FLINK_PLATFORM_SECRETS_PROVIDER`: the secrets provider new stacks get (`init` only), e.g.
 *   `awskms://alias/flink-platform?region=eu-central-1`, `gcpkms://projects/…/cryptoKeys/…`,
 *   `azurekeyvault://vault.vault.azure.net/keys/flink-platform`, `hashivault://flink-platform`, or `passphrase`.
 *   A stack records its provider in its `Pulumi.<stack>.yaml`; the cloud credentials for the key come from the
 *   usual environment (AWS_*, GOOGLE_*, AZURE_*, VAULT_*).
 *
 * Pure: the decisions about an environment, each problem as an EnvironmentError whose message names the fix. What
 * has to ask the CLI or the file system is in preflight.ts.
 */
import * as os from "os";
import * as path from "path";

export const SECRETS_PROVIDER_VAR = "FLINK_PLATFORM_SECRETS_PROVIDER";

const SECRETS_PROVIDER = /^(passphrase|default|(awskms|gcpkms|azurekeyvault|hashivault):\/\/.+)$/;
/** The backend URL schemes the Pulumi CLI knows; anything else it would take for a Pulumi Cloud URL. */
const BACKEND_SCHEMES = ["file", "s3", "gs", "azblob", "http", "https"];

export interface BotEnvironment {
  /** The backend: PULUMI_BACKEND_URL, or the CLI's login (known once preflight asked `pulumi whoami`). */
  readonly backendUrl?: string;
  /** Directory of a `file://` PULUMI_BACKEND_URL, which must exist before the CLI opens it. */
  readonly fileBackendDir?: string;
  /** Secrets provider for new stacks; the CLI's default (passphrase on a self-managed backend) when unset. */
  readonly secretsProvider?: string;
  /** Extra environment for every `pulumi` command. */
  readonly envVars: Readonly<Record<string, string>>;
  /** Things worth telling the operator before the run starts. */
  readonly notes: readonly string[];
}

/** A problem with the machine or its configuration, not with a stack: the commands exit 2 on it. */
export class EnvironmentError extends Error {}

/**
 * The directory of a `file://` backend URL as the CLI reads it: `~` is the home directory, a relative path is
 * relative to the directory the CLI runs in (the project root), and `?options` are not part of the path.
 */
export function fileBackendPath(url: string, projectRoot: string, home = os.homedir()): string | undefined {
  if (!url.startsWith("file://")) {
    return undefined;
  }
  const raw = decodeURIComponent(url.slice("file://".length).split("?")[0]);
  const expanded = raw === "~" || raw.startsWith("~/") ? path.join(home, raw.slice(1)) : raw;
  return path.resolve(projectRoot, expanded);
}

/** The backend settings and secrets provider the environment names; throws EnvironmentError for nonsense. */
export function resolveEnvironment(env: NodeJS.ProcessEnv, projectRoot: string): BotEnvironment {
  const given = env.PULUMI_BACKEND_URL?.trim() || undefined;
  const scheme = given && /^([a-z][a-z0-9+.-]*):\/\//i.exec(given)?.[1]?.toLowerCase();
  if (given && (!scheme || !BACKEND_SCHEMES.includes(scheme))) {
    throw new EnvironmentError(
      `PULUMI_BACKEND_URL='${given}' is not a backend URL: use file://<dir>, s3://<bucket>, gs://<bucket>, ` +
        "azblob://<container> or https://<Pulumi Cloud>, or unset it for the backend of `pulumi login`",
    );
  }
  const secretsProvider = env[SECRETS_PROVIDER_VAR]?.trim() || undefined;
  if (secretsProvider !== undefined && !SECRETS_PROVIDER.test(secretsProvider)) {
    throw new EnvironmentError(
      `${SECRETS_PROVIDER_VAR}='${secretsProvider}' is not a secrets provider: use passphrase, or a ` +
        "awskms://, gcpkms://, azurekeyvault:// or hashivault:// key URL",
    );
  }
  const fileBackendDir = given ? fileBackendPath(given, projectRoot) : undefined;
  return {
    ...(given ? { backendUrl: given } : {}),
    ...(fileBackendDir ? { fileBackendDir } : {}),
    ...(secretsProvider ? { secretsProvider } : {}),
    envVars: { ...(given ? { PULUMI_BACKEND_URL: given } : {}), PULUMI_SKIP_UPDATE_CHECK: "true" },
    notes: [],
  };
}

/** The one line for a CLI that is logged in to no backend, while PULUMI_BACKEND_URL is unset. */
export const NOT_LOGGED_IN =
  "the Pulumi CLI is not logged in to a backend and PULUMI_BACKEND_URL is not set: run `pulumi login --local` " +
  "(a file backend in ~/.pulumi), `pulumi login <url>` for your team's backend, or set PULUMI_BACKEND_URL";

/** The fix for a backend the CLI cannot open or log in to, by the kind of backend. */
export function backendFix(backendUrl: string): string {
  const scheme = /^([a-z0-9+.-]+):\/\//i.exec(backendUrl)?.[1]?.toLowerCase();
  switch (scheme) {
    case "file":
      return "PULUMI_BACKEND_URL must name a directory this user can create and write";
    case "s3":
      return "check the bucket, and the AWS credentials and region (AWS_PROFILE or AWS_ACCESS_KEY_ID, AWS_REGION or ?region= in the URL)";
    case "gs":
      return "check the bucket, and the Google credentials (GOOGLE_APPLICATION_CREDENTIALS, or `gcloud auth application-default login`)";
    case "azblob":
      return "check the container, and AZURE_STORAGE_ACCOUNT with AZURE_STORAGE_KEY or AZURE_STORAGE_SAS_TOKEN";
    default:
      return `check the URL and the network, and log in: set PULUMI_ACCESS_TOKEN, or run \`pulumi login ${backendUrl}\``;
  }
}

/** The one line for a backend that `pulumi whoami` could not reach or log in to; `cliError` is what it said. */
export function backendProblem(backendUrl: string, cliError: string): string {
  const reason =
    cliError
      .trim()
      .replace(/^error:\s*/, "")
      .replace(/\s+/g, " ") || "no answer";
  return `cannot use the backend ${backendUrl}: ${reason.replace(/\.$/, "")}. Fix: ${backendFix(backendUrl)}`;
}

/** The one line for a file backend directory that cannot be created; `reason` is the file system's error. */
export function backendDirProblem(dir: string, reason: string): string {
  return `cannot create the file backend directory ${dir} (${reason}): set PULUMI_BACKEND_URL to a file:// directory this user can create and write, or another backend`;
}

/** Whether a stack file says the stack encrypts its secrets with a passphrase (its `encryptionsalt`). */
export function usesPassphrase(stackFile: unknown): boolean {
  return (
    typeof stackFile === "object" &&
    stackFile !== null &&
    typeof (stackFile as Record<string, unknown>).encryptionsalt === "string"
  );
}

/** Whether `init` would create passphrase stacks: asked for, or the CLI's default outside Pulumi Cloud. */
export function initUsesPassphrase(environment: {
  readonly secretsProvider?: string;
  readonly backendUrl: string;
}): boolean {
  if (environment.secretsProvider !== undefined) {
    return environment.secretsProvider === "passphrase";
  }
  return !/^https?:\/\//i.test(environment.backendUrl);
}

/**
 * The one line for stacks that need a passphrase the environment does not give, or undefined. `passphraseFileError`
 * is why PULUMI_CONFIG_PASSPHRASE_FILE cannot be read, when it is set and cannot; `creating`: the stacks are about to
 * be created (`init`), so the passphrase is a new one, or a KMS provider avoids it.
 */
export function passphraseProblem(
  stacks: readonly string[],
  env: NodeJS.ProcessEnv,
  passphraseFileError?: string,
  creating = false,
): string | undefined {
  if (stacks.length === 0 || env.PULUMI_CONFIG_PASSPHRASE !== undefined) {
    return undefined;
  }
  const which = `${stacks.length === 1 ? "stack" : "stacks"} ${stacks.join(", ")}`;
  const file = env.PULUMI_CONFIG_PASSPHRASE_FILE;
  if (file === undefined && creating) {
    return (
      `init would create ${which} with the passphrase secrets provider, and neither PULUMI_CONFIG_PASSPHRASE nor ` +
      `PULUMI_CONFIG_PASSPHRASE_FILE is set: export one with a passphrase you keep, or set ${SECRETS_PROVIDER_VAR} to a KMS key`
    );
  }
  if (file === undefined) {
    return (
      `${which} ${stacks.length === 1 ? "encrypts its" : "encrypt their"} secrets with a passphrase, and neither ` +
      "PULUMI_CONFIG_PASSPHRASE nor PULUMI_CONFIG_PASSPHRASE_FILE is set: export one of them with the stack's passphrase"
    );
  }
  if (passphraseFileError !== undefined) {
    return `PULUMI_CONFIG_PASSPHRASE_FILE=${file} cannot be read (${passphraseFileError}), and ${which} need${stacks.length === 1 ? "s" : ""} the passphrase in it: point it at a readable file, or set PULUMI_CONFIG_PASSPHRASE`;
  }
  return undefined;
}
