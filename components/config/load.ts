/**
 * Reading the stack's configuration from the Pulumi engine: the area objects, validated into a `PlatformConfig`,
 * and the secret config keys, handed over as secret outputs. The only place that reads `pulumi.Config`.
 */
import * as pulumi from "@pulumi/pulumi";
import { MYSQL_SECRET_CONFIG_KEYS } from "../mysql/config";
import { NETWORK_SECRET_CONFIG_KEYS } from "../network/config";
import { S3_SECRET_CONFIG_KEYS } from "../state/config";
import { parseConfig } from "./parse";
import { ConfigError, ConfigProblem, PROJECT } from "./problems";
import { AREAS, PlatformConfig, SECRET_CONFIG_KEYS } from "./schema";

/**
 * Read this project's stack configuration and validate it. Unknown top-level keys are reported with the rest.
 */
export function loadConfig(): PlatformConfig {
  const raw: Record<string, unknown> = {};
  const unknown: ConfigProblem[] = [];
  const secretConfigKeys = new Set<string>();
  const plainSecretConfigKeys = new Set<string>();
  const storedAsSecret = configSecretKeys();
  const config = new pulumi.Config(PROJECT);
  for (const fullKey of Object.keys(pulumi.runtime.allConfig())) {
    const [namespace, key] = fullKey.split(":", 2);
    if (namespace !== PROJECT) {
      continue;
    }
    if (SECRET_CONFIG_KEYS.includes(key)) {
      secretConfigKeys.add(key);
      if (!storedAsSecret.has(fullKey)) {
        plainSecretConfigKeys.add(key);
      }
      continue;
    }
    if (!AREAS.includes(key)) {
      unknown.push({ path: key, message: `unknown key; the areas are ${AREAS.join(", ")}` });
      continue;
    }
    try {
      raw[key] = config.getObject(key);
    } catch {
      unknown.push({ path: key, message: "must be an object (set it with `pulumi config set --path`)" });
    }
  }
  let problems = unknown;
  try {
    const parsed = parseConfig(raw, { secretConfigKeys, plainSecretConfigKeys });
    if (problems.length === 0) {
      return parsed;
    }
  } catch (err) {
    if (!(err instanceof ConfigError)) {
      throw err;
    }
    problems = [...unknown, ...err.problems];
  }
  throw new ConfigError(problems);
}

/** Full keys of the config values stored as secrets (the engine passes their names, never mixed with values). */
function configSecretKeys(): Set<string> {
  try {
    const keys = JSON.parse(process.env.PULUMI_CONFIG_SECRET_KEYS ?? "[]") as unknown;
    return new Set(Array.isArray(keys) ? keys.filter((k): k is string => typeof k === "string") : []);
  } catch {
    return new Set();
  }
}

/** Credentials the stack holds as secret config keys (validation made sure each one a part needs is set). */
export interface PlatformSecrets {
  /** External S3 credentials (`s3AccessKey`, `s3SecretKey`), when both are set. */
  readonly s3?: { readonly accessKey: pulumi.Output<string>; readonly secretKey: pulumi.Output<string> };
  /** The external MySQL server's admin password (`mysqlAdminPassword`), when set. */
  readonly mysqlAdminPassword?: pulumi.Output<string>;
  /** The OAuth client secret of the UIs' oauth2-proxy (`oauth2ProxyClientSecret`), when set. */
  readonly oauth2ProxyClientSecret?: pulumi.Output<string>;
}

/** Read the secret config keys the validated configuration uses, as secret outputs. */
export function loadSecrets(): PlatformSecrets {
  const config = new pulumi.Config(PROJECT);
  const accessKey = config.getSecret(S3_SECRET_CONFIG_KEYS.accessKey);
  const secretKey = config.getSecret(S3_SECRET_CONFIG_KEYS.secretKey);
  const mysqlAdminPassword = config.getSecret(MYSQL_SECRET_CONFIG_KEYS.adminPassword);
  const oauth2ProxyClientSecret = config.getSecret(NETWORK_SECRET_CONFIG_KEYS.oauth2ProxyClientSecret);
  return {
    ...(accessKey && secretKey ? { s3: { accessKey, secretKey } } : {}),
    ...(mysqlAdminPassword ? { mysqlAdminPassword } : {}),
    ...(oauth2ProxyClientSecret ? { oauth2ProxyClientSecret } : {}),
  };
}
