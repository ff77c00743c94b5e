/**
 * What the platform's MySQL hands its consumers, and the names both sides agree on: each consumer asks for a
 * database of its own and gets back a small connection object (host, port, database, user, and the Secret holding
 * that user's generated password); it never learns which kind of server is behind it.
 */
import type { SecretKeyRef } from "../kube/secrets";
import type { MySqlConfig } from "./config";
import type { MySqlDatabaseRequest } from "./databases";

/** Secret holding the administrative account the database Jobs use (managed, or external with mysqlAdminPassword). */
export const ADMIN_SECRET = "mysql-admin";

/** What a consumer gets: where to connect, as whom, and where that user's password is. */
export interface MySqlConnection {
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly user: string;
  /** Secret in the platform namespace holding the user's password. */
  readonly passwordSecret: SecretKeyRef;
}

/** The account the database Jobs log in with. */
export interface AdminAccount {
  readonly username: SecretKeyRef;
  readonly password: SecretKeyRef;
}

const identifier = /^[a-z][a-z0-9_]{0,31}$/;

/** Why a request cannot be served, or undefined. Names become SQL identifiers, so they are kept plain. */
export function databaseRequestProblem(request: MySqlDatabaseRequest): string | undefined {
  if (!/^[a-z]([-a-z0-9]{0,28}[a-z0-9])?$/.test(request.consumer)) {
    return `consumer '${request.consumer}' must be a DNS label of at most 30 characters`;
  }
  for (const [what, value] of [
    ["database", request.database],
    ["user", request.user],
  ]) {
    if (!identifier.test(value)) {
      return `${what} '${value}' must match ${identifier.source}`;
    }
  }
  return undefined;
}

/** Name of the Secret holding a consumer's database password. */
export function userSecretName(consumer: string): string {
  return `mysql-${consumer}`;
}

/** The administrative account for a config: the platform's Secret (managed, or external with mysqlAdminPassword), or
 * the one an external setup names. */
export function adminAccount(config: MySqlConfig): AdminAccount {
  const existing = config.mode === "external" ? config.external.adminSecret : undefined;
  if (existing) {
    return {
      username: { name: existing.name, key: existing.usernameKey },
      password: { name: existing.name, key: existing.passwordKey },
    };
  }
  return {
    username: { name: ADMIN_SECRET, key: "username" },
    password: { name: ADMIN_SECRET, key: "password" },
  };
}
