/**
 * Shell scripts of the MySQL clients the platform runs (the database Jobs, StreamPark's schema load): the option
 * file that keeps passwords off command lines, the wait for the server, and the idempotent database setup.
 */
import { waitUntilLines, WaitBound } from "../kube/shell";

/** In-memory directory of the clients' option file (it holds the password). */
export const CLIENT_CONFIG_DIR = "/run/mysql-client";

/**
 * Shell lines that write a MySQL client option file from two environment variables, so that passwords never appear
 * on a command line. Values are double-quoted with `\` and `"` escaped, as option files require.
 */
export function clientOptionFileLines(
  file: string,
  userVariable: string,
  passwordVariable: string,
): string[] {
  return [
    `umask 077`,
    `escape() { printf '%s' "$1" | sed -e 's/\\\\/\\\\\\\\/g' -e 's/"/\\\\"/g'; }`,
    `printf '[client]\\nuser="%s"\\npassword="%s"\\n' "$(escape "$${userVariable}")" "$(escape "$${passwordVariable}")" > ${file}`,
  ];
}

/**
 * Shell lines that wait until the server at $MYSQL_HOST:$MYSQL_PORT accepts the account of an option file (a fresh
 * server is still initialising, an external one may be briefly unreachable); by default 60 tries 5 s apart.
 */
export function waitForServerLines(file: string, bound?: WaitBound): string[] {
  return waitUntilLines(
    `mysqladmin --defaults-extra-file=${file} --protocol=TCP --host="$MYSQL_HOST" --port="$MYSQL_PORT" --connect-timeout=5 status`,
    "MySQL at $MYSQL_HOST:$MYSQL_PORT did not accept the account",
    bound,
  );
}

/**
 * The script of a database Job. It reads everything from the environment: MYSQL_HOST, MYSQL_PORT, ADMIN_USER,
 * ADMIN_PASSWORD, DATABASE, DATABASE_USER, DATABASE_PASSWORD. Every statement is a no-op when its object exists, and
 * ALTER USER re-asserts the password, so the Job may run any number of times.
 */
export function ensureDatabaseScript(options: { clientConfigDir?: string; wait?: WaitBound } = {}): string {
  const file = `${options.clientConfigDir ?? CLIENT_CONFIG_DIR}/admin.cnf`;
  return [
    "set -eu",
    ...clientOptionFileLines(file, "ADMIN_USER", "ADMIN_PASSWORD"),
    ...waitForServerLines(file, options.wait),
    `mysql --defaults-extra-file=${file} --protocol=TCP --host="$MYSQL_HOST" --port="$MYSQL_PORT" <<SQL`,
    "CREATE DATABASE IF NOT EXISTS \\`$DATABASE\\` CHARACTER SET utf8mb4;",
    "CREATE USER IF NOT EXISTS '$DATABASE_USER'@'%' IDENTIFIED BY '$DATABASE_PASSWORD';",
    "ALTER USER '$DATABASE_USER'@'%' IDENTIFIED BY '$DATABASE_PASSWORD';",
    "GRANT ALL PRIVILEGES ON \\`$DATABASE\\`.* TO '$DATABASE_USER'@'%';",
    "SQL",
    'echo "database $DATABASE and user $DATABASE_USER are in place"',
    "",
  ].join("\n");
}
