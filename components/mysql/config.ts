/**
 * The `mysql` config area: how the platform's MySQL is provided. MySQL exists only when a part needs a database
 * (StreamPark, the Hive metastore); `mode` says whether the platform runs it or uses a server that already exists.
 */
import { z } from "zod";
import { dnsSubdomain, doc, pinnedImage, port, secretKey } from "../config/primitives";
import type { ConfigContext, ConfigProblem } from "../config/problems";
import { containerResources, volumeSchema } from "../config/resourceSchemas";
import { DatabaseConsumers, sharedDatabaseProblems } from "./databases";

/** The MySQL image the platform runs, and whose `mysql` client its init tasks use: 8.4 LTS, exact patch. */
export const DEFAULT_MYSQL_IMAGE = "mysql:8.4.10";

/** Top-level secret config key with the external server's admin password (`pulumi config set --secret`). */
export const MYSQL_SECRET_CONFIG_KEYS = { adminPassword: "mysqlAdminPassword" } as const;

export const mysqlConfigSchema = doc(
  z
    .strictObject({
      mode: doc(
        z.enum(["managed", "external"]),
        "managed: the platform runs MySQL (StatefulSet and volume claim); external: an existing server",
      ).prefault("managed"),
      image: doc(
        pinnedImage,
        "server image (managed), and the client image of the database setup Jobs (both modes)",
      ).prefault(DEFAULT_MYSQL_IMAGE),
      storage: volumeSchema("10Gi"),
      resources: containerResources({ cpu: "250m", memory: "512Mi" }, { cpu: "1", memory: "1Gi" }),
      external: doc(
        z
          .strictObject({
            host: doc(
              z.string().regex(/^[A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?$/, {
                error: "must be a host name or IP address",
              }),
              "host of the existing server",
              ["mysql.example.com"],
            ).optional(),
            port: doc(port, "port of the existing server").prefault(3306),
            adminSecret: doc(
              z.strictObject({
                name: doc(dnsSubdomain, "name of the Secret", ["mysql-admin"]),
                usernameKey: doc(secretKey, "key of the user name").prefault("username"),
                passwordKey: doc(secretKey, "key of the password").prefault("password"),
              }),
              "an existing Secret in the platform namespace with the administrative account",
            ).optional(),
            username: doc(
              z.string().min(1),
              "the administrative account whose password is the secret config key mysqlAdminPassword",
            ).prefault("root"),
          })
          .prefault({}),
        "the existing server (external mode); its account must be allowed to create databases and users",
      ),
    })
    .prefault({}),
  "MySQL for StreamPark and the Hive metastore: managed (8.4) or an existing server",
);

export type MySqlConfig = z.output<typeof mysqlConfigSchema>;

/** Cross-field checks of the `mysql` area. */
export function mysqlChecks(
  parsed: { readonly mysql: MySqlConfig } & DatabaseConsumers,
  { secretConfigKeys }: ConfigContext,
): ConfigProblem[] {
  const mysql = parsed.mysql;
  const external = mysql.external;
  const password = secretConfigKeys.has(MYSQL_SECRET_CONFIG_KEYS.adminPassword);
  const problems: ConfigProblem[] = sharedDatabaseProblems(parsed);
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
