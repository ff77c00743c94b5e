/**
 * Where the stacks live and how their secrets are encrypted, from the environment:
 *
 * - `PULUMI_BACKEND_URL`: the state backend (`s3://bucket/prefix`, `azblob://…`, `gs://…`, `https://api.pulumi.com`,
 *   `file://…`). Unset: a file backend in `.pulumi-state/` under the project (git-ignored), for local runs.
 * - `PULUMI_CONFIG_PASSPHRASE` or `PULUMI_CONFIG_PASSPHRASE_FILE`: the passphrase of stacks that use the passphrase
 *   secrets provider (read by the Pulumi CLI itself).
 * - `FLINK_PLATFORM_SECRETS_PROVIDER`: the secrets provider new stacks get (`init` only), e.g.
 *   `awskms://alias/flink-platform?region=eu-central-1`, `gcpkms://projects/…/cryptoKeys/…`,
 *   `azurekeyvault://vault.vault.azure.net/keys/flink-platform`, `hashivault://flink-platform`, or `passphrase`.
 *   A stack records its provider in its `Pulumi.<stack>.yaml`; the cloud credentials for the key come from the
 *   usual environment (AWS_*, GOOGLE_*, AZURE_*, VAULT_*).
 */
import * as path from "path";

export const SECRETS_PROVIDER_VAR = "FLINK_PLATFORM_SECRETS_PROVIDER";
export const LOCAL_STATE_DIR = ".pulumi-state";

const SECRETS_PROVIDER = /^(passphrase|default|(awskms|gcpkms|azurekeyvault|hashivault):\/\/.+)$/;

export interface BotEnvironment {
  readonly backendUrl: string;
  /** True when no PULUMI_BACKEND_URL was given and the local file backend is used. */
  readonly localBackend: boolean;
  /** Directory of the local file backend, when used. */
  readonly localStateDir?: string;
  /** Secrets provider for new stacks; the passphrase provider when unset. */
  readonly secretsProvider?: string;
  /** Extra environment for every `pulumi` command. */
  readonly envVars: Readonly<Record<string, string>>;
  /** Things worth telling the user before anything runs. */
  readonly notes: readonly string[];
}

export class EnvironmentError extends Error {}

export function resolveEnvironment(env: NodeJS.ProcessEnv, projectRoot: string): BotEnvironment {
  const notes: string[] = [];
  const given = env.PULUMI_BACKEND_URL?.trim();
  const localStateDir = path.join(projectRoot, LOCAL_STATE_DIR);
  const backendUrl = given || `file://${localStateDir}`;
  const secretsProvider = env[SECRETS_PROVIDER_VAR]?.trim() || undefined;
  if (secretsProvider !== undefined && !SECRETS_PROVIDER.test(secretsProvider)) {
    throw new EnvironmentError(
      `${SECRETS_PROVIDER_VAR}='${secretsProvider}' is not a secrets provider: use passphrase, or a ` +
        "awskms://, gcpkms://, azurekeyvault:// or hashivault:// key URL",
    );
  }
  const passphrase =
    env.PULUMI_CONFIG_PASSPHRASE !== undefined || env.PULUMI_CONFIG_PASSPHRASE_FILE !== undefined;
  if (!passphrase && (secretsProvider === undefined || secretsProvider === "passphrase")) {
    notes.push(
      "PULUMI_CONFIG_PASSPHRASE (or PULUMI_CONFIG_PASSPHRASE_FILE) is not set: stacks that use the passphrase " +
        "secrets provider cannot be opened",
    );
  }
  if (!given) {
    notes.push(`PULUMI_BACKEND_URL is not set: using the local file backend ${backendUrl}`);
  }
  return {
    backendUrl,
    localBackend: !given,
    ...(given ? {} : { localStateDir }),
    ...(secretsProvider ? { secretsProvider } : {}),
    envVars: { PULUMI_BACKEND_URL: backendUrl, PULUMI_SKIP_UPDATE_CHECK: "true" },
    notes,
  };
}
