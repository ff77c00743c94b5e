/**
 * The `mysql` config area: how the platform's MySQL is provided. MySQL exists only when a part needs a database
 * (StreamPark, the Hive metastore); `mode` says whether the platform runs it or uses a server that already exists.
 */
import { z } from "zod";
import { containerResources, dnsSubdomain, pinnedImage, volumeSchema } from "../config/primitives";
import type { ConfigContext, ConfigProblem } from "../config/problems";

/** The MySQL image the platform runs, and whose `mysql` client its init tasks use: 8.4 LTS, exact patch. */
export const DEFAULT_MYSQL_IMAGE = "mysql:8.4.10";

/** Top-level secret config key with the external server's admin password (`pulumi config set --secret`). */
export const MYSQL_SECRET_CONFIG_KEYS = { adminPassword: "mysqlAdminPassword" } as const;

/** A key of a Secret: Kubernetes allows alphanumerics, '-', '_' and '.'. */
const secretKey = z
  .string()
  .regex(/^[-._a-zA-Z0-9]+$/, { message: "must be a Secret key ([-._a-zA-Z0-9]+)" });

export const mysqlConfigSchema = z
  .strictObject({
    /** managed: the platform runs MySQL (StatefulSet + PVC); external: an existing server. */
    mode: z.enum(["managed", "external"]).prefault("managed"),
    /** Server image (managed), and the client image of the database init tasks (both modes). */
    image: pinnedImage.prefault(DEFAULT_MYSQL_IMAGE),
    /** The data volume (managed). */
    storage: volumeSchema("10Gi"),
    resources: containerResources({ cpu: "250m", memory: "512Mi" }, { cpu: "1", memory: "1Gi" }),
    /** The existing server (external mode). Its account must be allowed to create databases and users. */
    external: z
      .strictObject({
        host: z
          .string()
          .regex(/^[A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?$/, {
            message: "must be a host name or IP address",
          })
          .optional(),
        port: z.number().int().min(1).max(65535).prefault(3306),
        /** An existing Secret in the platform namespace with the administrative account. */
        adminSecret: z
          .strictObject({
            name: dnsSubdomain,
            usernameKey: secretKey.prefault("username"),
            passwordKey: secretKey.prefault("password"),
          })
          .optional(),
        /** The administrative account whose password is the secret config key `mysqlAdminPassword`. */
        username: z.string().min(1).prefault("root"),
      })
      .prefault({}),
  })
  .prefault({});

export type MySqlConfig = z.output<typeof mysqlConfigSchema>;

/** Cross-field checks of the `mysql` area. */
export function mysqlChecks(
  parsed: { readonly mysql: MySqlConfig },
  { secretConfigKeys }: ConfigContext,
): ConfigProblem[] {
  const mysql = parsed.mysql;
  const external = mysql.external;
  const password = secretConfigKeys.has(MYSQL_SECRET_CONFIG_KEYS.adminPassword);
  const problems: ConfigProblem[] = [];
  if (mysql.mode === "external") {
    if (!external.host) {
      problems.push({ path: "mysql.external.host", message: "required when mysql.mode is external" });
    }
    if (!external.adminSecret && !password) {
      problems.push({
        path: "mysql.external.adminSecret",
        message:
          "external MySQL needs its administrative account: name an existing Secret here, or set the secret " +
          "config key (pulumi config set --secret mysqlAdminPassword ...)",
      });
    }
    if (external.adminSecret && password) {
      problems.push({
        path: MYSQL_SECRET_CONFIG_KEYS.adminPassword,
        message: "set either mysql.external.adminSecret or mysqlAdminPassword, not both",
      });
    }
  } else if (external.host || external.adminSecret) {
    problems.push({
      path: "mysql.external",
      message: "is only read when mysql.mode is external; set mysql.mode: external, or remove mysql.external",
    });
  }
  if (mysql.mode === "managed" && password) {
    problems.push({
      path: MYSQL_SECRET_CONFIG_KEYS.adminPassword,
      message:
        "is only read when mysql.mode is external (the managed server's root password is generated); remove it",
    });
  }
  return problems;
}
