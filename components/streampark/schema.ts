/**
 * StreamPark's database schema: the SQL files its image ships under /streampark/script, loaded exactly once by a
 * `mysql` client, which records the load in a marker table and never runs it over existing tables.
 */
import { clientOptionFileLines, CLIENT_CONFIG_DIR, waitForServerLines } from "../mysql/clientScripts";
import type { WaitBound } from "../kube/shell";
import { STREAMPARK_VERSION } from "./config";
import { APP_HOME, SCHEMA_DIR } from "./names";

/**
 * Takes the MySQL schema and seed data from the StreamPark image (so they always match its version), minus the
 * statements that create and select a database named `streampark`: the connection names the database.
 */
export function schemaFilesScript(dirs: { appHome?: string; schemaDir?: string } = {}): string {
  const { appHome = APP_HOME, schemaDir = SCHEMA_DIR } = dirs;
  return [
    "set -eu",
    "for file in schema/mysql-schema.sql data/mysql-data.sql; do",
    `  sed -e '/^[[:space:]]*create[[:space:]]\\+database/Id' -e '/^[[:space:]]*use[[:space:]]/Id' "${appHome}/script/$file" > "${schemaDir}/$(basename "$file")"`,
    "done",
    "",
  ].join("\n");
}

/** Table in StreamPark's database that records the platform's schema load. */
export const SCHEMA_MARKER_TABLE = "flink_platform_schema";

/**
 * Loads StreamPark's schema and seed data exactly once. The upstream schema drops each table before creating it, so
 * it must never run over a database in use. A marker row says 'loading' while the load runs and 'loaded' after it:
 *  - marker 'loaded': nothing to load;
 *  - marker 'loading': an earlier load stopped half-way (StreamPark never started on it), so load again;
 *  - no marker but StreamPark's t_user table: a schema made elsewhere (e.g. a migrated database): leave it alone;
 *  - no marker and other tables: not StreamPark's database; stop rather than drop anything;
 *  - empty database: load.
 *
 * The marker also keeps the SHA-256 of the admin password Secret. When that Secret was generated anew while the
 * database was kept (StreamPark turned off and on again, or a new stack on a kept volume), nobody knows the admin
 * password in the database any more; the admin row is then restored from the seed data (upstream default password),
 * which the bootstrap replaces with the new generated password right after StreamPark starts.
 *
 * Reads MYSQL_HOST, MYSQL_PORT, DATABASE, DATABASE_USER, DATABASE_PASSWORD and ADMIN_PASSWORD; the SQL files come
 * from the schema directory.
 */
export function schemaLoadScript(
  options: { clientConfigDir?: string; schemaDir?: string; wait?: WaitBound } = {},
): string {
  const { clientConfigDir = CLIENT_CONFIG_DIR, schemaDir = SCHEMA_DIR } = options;
  const file = `${clientConfigDir}/streampark.cnf`;
  const marker = SCHEMA_MARKER_TABLE;
  return [
    "set -eu",
    ...clientOptionFileLines(file, "DATABASE_USER", "DATABASE_PASSWORD"),
    ...waitForServerLines(file, options.wait),
    `sql() { mysql --defaults-extra-file=${file} --protocol=TCP --host="$MYSQL_HOST" --port="$MYSQL_PORT" --database="$DATABASE" --batch --skip-column-names "$@"; }`,
    `count_tables() { sql --execute="SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE()$1"; }`,
    `load=yes`,
    `if [ "$(count_tables " AND table_name = '${marker}'")" = 1 ]; then`,
    `  state="$(sql --execute="SELECT state FROM ${marker} WHERE id = 1")"`,
    `  if [ "$state" = loaded ]; then echo "StreamPark schema already loaded"; load=no`,
    `  else echo "an earlier schema load did not finish ($state); loading again"; fi`,
    `elif [ "$(count_tables " AND table_name = 't_user'")" = 1 ]; then`,
    `  echo "database $DATABASE already holds a StreamPark schema made elsewhere; leaving it as it is"`,
    `  exit 0`,
    `elif [ "$(count_tables "")" != 0 ]; then`,
    `  echo "database $DATABASE holds tables but no StreamPark schema; refusing to load over them" >&2`,
    `  exit 1`,
    `fi`,
    `if [ "$load" = yes ]; then`,
    `  sql --execute="CREATE TABLE IF NOT EXISTS ${marker} (id INT PRIMARY KEY, state VARCHAR(16) NOT NULL, streampark VARCHAR(16) NOT NULL, admin_password_sha256 CHAR(64) NULL, updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP)"`,
    `  sql --execute="REPLACE INTO ${marker} (id, state, streampark) VALUES (1, 'loading', '${STREAMPARK_VERSION}')"`,
    `  sql < ${schemaDir}/mysql-schema.sql`,
    `  sql < ${schemaDir}/mysql-data.sql`,
    `  sql --execute="UPDATE ${marker} SET state = 'loaded' WHERE id = 1"`,
    `  echo "StreamPark ${STREAMPARK_VERSION} schema and seed data loaded into $DATABASE"`,
    `fi`,
    `fingerprint="$(printf '%s' "$ADMIN_PASSWORD" | sha256sum | cut -d ' ' -f 1)"`,
    `recorded="$(sql --execute="SELECT COALESCE(admin_password_sha256, '') FROM ${marker} WHERE id = 1")"`,
    `if [ -n "$recorded" ] && [ "$recorded" != "$fingerprint" ]; then`,
    `  seed="$(sed -n 's/^insert into \`t_user\`/replace into \`t_user\`/Ip' ${schemaDir}/mysql-data.sql)"`,
    `  if [ -z "$seed" ]; then echo "no admin account in the seed data" >&2; exit 1; fi`,
    `  printf '%s\n' "$seed" | sql`,
    `  echo "the admin password Secret is new: admin account restored from the seed data for the bootstrap to secure"`,
    `fi`,
    `sql --execute="UPDATE ${marker} SET admin_password_sha256 = '$fingerprint' WHERE id = 1"`,
    "",
  ].join("\n");
}
